// SPDX-License-Identifier: GPL-2.0
/*
 * cache_kunit.c - KUnit suite of the response cache (cache/cache.c and its
 * policy) in the kernel, under KASAN and lockdep: eviction order, the cap
 * after every operation, admission under a flood of cheap bodies,
 * concurrent lookups, insertions and flushes from several kthreads, and
 * bodies that outlive their entries.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>

#include "cache/cache.h"

static struct khttpd_body *make_body(size_t len, char fill)
{
	struct khttpd_body *b = khttpd_body_alloc(len);

	if (b)
		memset(b->data, fill, len);
	return b;
}

static void put_costly(u32 n, size_t len, u64 cost)
{
	struct khttpd_body *b = make_body(len, 'a' + n % 26);

	if (b) {
		khttpd_cache_put(n, b, cost);
		khttpd_body_put(b);
	}
}

/* Bodies that cost nothing to make: admission is plain CLOCK for them. */
static void put_body(u32 n, size_t len)
{
	put_costly(n, len, 0);
}

static bool cached(u32 n)
{
	struct khttpd_body *b = khttpd_cache_get(n);

	khttpd_body_put(b);
	return b;
}

static void cache_roundtrip_and_keys(struct kunit *test)
{
	struct khttpd_body *b, *got;

	KUNIT_ASSERT_EQ(test, khttpd_cache_init(1 << 20), 0);
	b = make_body(100, 'x');
	KUNIT_ASSERT_NOT_NULL(test, b);
	khttpd_cache_put(7, b, 0);
	got = khttpd_cache_get(7);
	KUNIT_EXPECT_PTR_EQ(test, got, b);
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(7 | 1ULL << 40));
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(8));
	khttpd_body_put(got);
	khttpd_body_put(b);
	khttpd_cache_exit();
}

static void cache_fifo_then_second_chance(struct kunit *test)
{
	struct khttpd_cache_stats st;
	u32 n;

	KUNIT_ASSERT_EQ(test, khttpd_cache_init(64 << 10), 0);
	for (n = 0; n < 100; n++)
		put_body(n, 4000);
	khttpd_cache_read_stats(&st);
	KUNIT_EXPECT_LE(test, st.bytes, st.cap);
	KUNIT_EXPECT_GT(test, st.evictions, 0ULL);
	/* Without hits the newest survive, the oldest went first. */
	KUNIT_EXPECT_TRUE(test, cached(99));
	KUNIT_EXPECT_FALSE(test, cached(0));
	/* A body hit before every insertion is never evicted. */
	for (n = 100; n < 300; n++) {
		KUNIT_ASSERT_TRUE(test, cached(99));
		put_body(n, 4000);
	}
	KUNIT_EXPECT_TRUE(test, cached(99));
	khttpd_cache_exit();
}

static void cache_cap_after_every_put(struct kunit *test)
{
	struct khttpd_cache_stats st;
	u32 n;

	KUNIT_ASSERT_EQ(test, khttpd_cache_init(256 << 10), 0);
	for (n = 0; n < 2000; n++) {
		put_body(get_random_u32() % 500, 1 + get_random_u32() % 20000);
		khttpd_cache_read_stats(&st);
		KUNIT_ASSERT_LE(test, st.bytes, st.cap);
	}
	/* Bigger than the cap: served by the caller, never kept. */
	put_body(5000, 300 << 10);
	khttpd_cache_read_stats(&st);
	KUNIT_EXPECT_EQ(test, st.rejected, 1ULL);
	KUNIT_EXPECT_FALSE(test, cached(5000));
	khttpd_cache_exit();
}

/*
 * Two expensive bodies (50 ms each), then 2,000 cheap ones (10 us), six
 * times the cap: with admission the expensive ones stay; without, the
 * flood evicts them.
 */
static void flood(struct kunit *test, bool admission, bool want_kept)
{
	struct khttpd_cache_stats st;
	u32 n;

	khttpd_cache_admission = admission;
	KUNIT_ASSERT_EQ(test, khttpd_cache_init(256 << 10), 0);
	put_costly(100000, 40000, 50000000);
	put_costly(100001, 40000, 50000000);
	KUNIT_EXPECT_TRUE(test, cached(100000));
	for (n = 0; n < 2000; n++) {
		put_costly(n, 600 + n % 400, 10000);
		khttpd_cache_read_stats(&st);
		KUNIT_ASSERT_LE(test, st.bytes, st.cap);
	}
	KUNIT_EXPECT_EQ(test, cached(100000), want_kept);
	KUNIT_EXPECT_EQ(test, cached(100001), want_kept);
	khttpd_cache_read_stats(&st);
	KUNIT_EXPECT_GT(test, st.evictions, 0ULL);
	if (admission)
		KUNIT_EXPECT_GT(test, st.refused, 0ULL);
	else
		KUNIT_EXPECT_EQ(test, st.refused, 0ULL);
	khttpd_cache_exit();
	khttpd_cache_admission = true;
}

static void cache_cheap_flood_keeps_expensive(struct kunit *test)
{
	flood(test, true, true);
	flood(test, false, false);
}

static void cache_flush_while_referenced(struct kunit *test)
{
	struct khttpd_cache_stats st;
	struct khttpd_body *got;
	size_t i;

	KUNIT_ASSERT_EQ(test, khttpd_cache_init(1 << 20), 0);
	put_body(3, 200000);		/* vmalloc()ed */
	got = khttpd_cache_get(3);
	KUNIT_ASSERT_NOT_NULL(test, got);
	khttpd_cache_flush();
	rcu_barrier();
	khttpd_cache_read_stats(&st);
	KUNIT_EXPECT_EQ(test, st.entries, 0ULL);
	KUNIT_EXPECT_EQ(test, st.bytes, 0ULL);
	for (i = 0; i < got->len; i++)
		if (got->data[i] != 'd')
			break;
	KUNIT_EXPECT_EQ(test, i, got->len);	/* KASAN: no use after free */
	khttpd_body_put(got);
	khttpd_cache_exit();
}

struct hammer {
	struct completion done;
	int id;
	unsigned long ops;
};

static int hammer_fn(void *arg)
{
	struct hammer *h = arg;
	unsigned long end = jiffies + HZ;

	while (time_before(jiffies, end)) {
		u32 r = get_random_u32();
		u32 n = r % 64;

		if (h->id == 0 && r % 512 == 0)
			khttpd_cache_flush();
		else if (r % 4 == 0)
			put_body(n, 1000 + n * 500);
		else
			khttpd_body_put(khttpd_cache_get(n));
		h->ops++;
		cond_resched();
	}
	complete(&h->done);
	return 0;
}

static void cache_concurrent_kthreads(struct kunit *test)
{
	struct hammer h[4];
	struct khttpd_cache_stats st;
	int i;

	KUNIT_ASSERT_EQ(test, khttpd_cache_init(128 << 10), 0);
	for (i = 0; i < ARRAY_SIZE(h); i++) {
		h[i].id = i;
		h[i].ops = 0;
		init_completion(&h[i].done);
		KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(hammer_fn, &h[i],
							    "khttpd-hammer%d",
							    i)));
	}
	for (i = 0; i < ARRAY_SIZE(h); i++) {
		wait_for_completion(&h[i].done);
		KUNIT_EXPECT_GT(test, h[i].ops, 0UL);
	}
	khttpd_cache_read_stats(&st);
	KUNIT_EXPECT_LE(test, st.bytes, st.cap);
	KUNIT_EXPECT_GT(test, st.hits + st.misses, 0ULL);
	khttpd_cache_exit();
}

/* No entry larger than cache_entry_max_mb, nor than the cap. */
static void cache_entry_max(struct kunit *test)
{
	uint saved = khttpd_cache_entry_max_mb;
	struct khttpd_cache_stats st;

	KUNIT_ASSERT_EQ(test, khttpd_cache_init(4 << 20), 0);
	khttpd_cache_entry_max_mb = 1;
	KUNIT_EXPECT_TRUE(test, khttpd_cache_would_keep((1 << 20) - 8192));
	KUNIT_EXPECT_FALSE(test, khttpd_cache_would_keep(1 << 20));
	put_costly(1, (1 << 20) - 8192, 1000);
	put_costly(2, 1 << 20, 1000);
	KUNIT_EXPECT_TRUE(test, cached(1));
	KUNIT_EXPECT_FALSE(test, cached(2));
	khttpd_cache_read_stats(&st);
	KUNIT_EXPECT_EQ(test, st.rejected, 1ULL);
	KUNIT_EXPECT_EQ(test, st.inserts, 1ULL);
	/* above the cap, the cap decides */
	khttpd_cache_entry_max_mb = 8;
	KUNIT_EXPECT_TRUE(test, khttpd_cache_would_keep(3 << 20));
	KUNIT_EXPECT_FALSE(test, khttpd_cache_would_keep(4 << 20));
	khttpd_cache_entry_max_mb = saved;
	khttpd_cache_exit();
}

static struct kunit_case cache_cases[] = {
	KUNIT_CASE(cache_roundtrip_and_keys),
	KUNIT_CASE(cache_entry_max),
	KUNIT_CASE(cache_fifo_then_second_chance),
	KUNIT_CASE(cache_cap_after_every_put),
	KUNIT_CASE(cache_cheap_flood_keeps_expensive),
	KUNIT_CASE(cache_flush_while_referenced),
	KUNIT_CASE(cache_concurrent_kthreads),
	{}
};

static struct kunit_suite cache_suite = {
	.name = "khttpd-cache",
	.test_cases = cache_cases,
};

kunit_test_suite(cache_suite);
