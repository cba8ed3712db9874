// SPDX-License-Identifier: GPL-2.0
/*
 * fib_kunit.c - KUnit suite of the Fibonacci service (http/fib.c and its
 * jobs, http/fib_job.c) in the kernel: a hit, a small N computed inline,
 * many waiters on one computation, a producer that fails, and
 * cancellation by the last waiter; the gzip step (inflated back by the
 * kernel's zlib) and gzip jobs; a streamed text read back through its
 * window, and its reader leaving.
 * Callers are stood in for by bare wait entries whose callback counts.
 * The service is tested alone: it links the cache and bignum/, no server
 * and no connection.
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/zlib.h>

#include "bignum/bignum.h"
#include "cache/cache.h"
#include "http/fib.h"
#include "http/gzip.h"

static atomic_t notified;
static atomic64_t budget;

static void count_done(struct khttpd_fib_wait *wait)
{
	atomic_inc(&notified);
}

static struct khttpd_fib *test_fib(struct kunit *test)
{
	struct khttpd_fib *fib = kunit_kzalloc(test, sizeof(*fib), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fib);
	fib->max_jobs = 10;
	fib->max_result_bytes = 256 << 20;
	fib->max_inflight_bytes = 512 << 20;
	atomic64_set(&budget, 0);
	fib->budget = &budget;
	fib->wq = alloc_workqueue("kunit-compute", WQ_UNBOUND, 2);
	KUNIT_ASSERT_NOT_NULL(test, fib->wq);
	KUNIT_ASSERT_EQ(test, khttpd_cache_init(4 << 20), 0);
	atomic_set(&notified, 0);
	return fib;
}

static void test_fib_done(struct khttpd_fib *fib)
{
	destroy_workqueue(fib->wq);
	khttpd_cache_exit();
}

static void init_waits(struct khttpd_fib_wait *w, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		w[i] = (struct khttpd_fib_wait){ .done = count_done };
}

static void inline_then_hit(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res, again;
	struct khttpd_fib_wait w;

	init_waits(&w, 1);
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 1000, 10, false, &w, &res), 0);
	KUNIT_EXPECT_FALSE(test, res.hit);
	KUNIT_EXPECT_FALSE(test, khttpd_fib_waiting(&w));
	KUNIT_ASSERT_EQ(test, (s64)res.body->len, bn_fib_text_len(1000, 10));
	KUNIT_EXPECT_EQ(test, memcmp(res.body->data, "434665576869", 12), 0);
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 1000, 10, false, &w, &again), 0);
	KUNIT_EXPECT_TRUE(test, again.hit);
	KUNIT_EXPECT_PTR_EQ(test, again.body, res.body);
	khttpd_body_put(again.body);
	khttpd_body_put(res.body);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 0);
	test_fib_done(fib);
}

static void single_flight_many_waiters(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res[6], cached;
	struct khttpd_fib_wait w[6];
	int i;

	init_waits(w, 6);
	/* UML does not preempt: every join happens before the job runs. */
	for (i = 0; i < 6; i++)
		KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 300000, 10, false, &w[i],
						     &res[i]), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_STARTED]),
			1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_JOINS]),
			5LL);
	flush_workqueue(fib->wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 6);
	for (i = 0; i < 6; i++) {
		KUNIT_ASSERT_EQ(test, khttpd_fib_collect(&w[i], &res[i]), 0);
		KUNIT_EXPECT_FALSE(test, khttpd_fib_waiting(&w[i]));
		KUNIT_EXPECT_PTR_EQ(test, res[i].body, res[0].body);
	}
	KUNIT_EXPECT_EQ(test, (s64)res[0].body->len,
			bn_fib_text_len(300000, 10));
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 300000, 10, false, &w[0], &cached),
			0);
	KUNIT_EXPECT_TRUE(test, cached.hit);
	KUNIT_EXPECT_PTR_EQ(test, cached.body, res[0].body);
	khttpd_body_put(cached.body);
	for (i = 0; i < 6; i++)
		khttpd_body_put(res[i].body);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 0);
	/* The cache took the text over: nothing is left in flight. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

static void single_flight_failing_producer(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res;
	struct khttpd_fib_wait w[3];
	int i;

	init_waits(w, 3);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 200000, 16, false, &w[i],
						     &res), -EINPROGRESS);
	kshim_fail_after = 0;		/* bignum's first allocation fails */
	flush_workqueue(fib->wq);
	kshim_fail_after = -1;
	/* Every waiter is told, with the error: nobody hangs. */
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, khttpd_fib_collect(&w[i], &res), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_FAILED]),
			1LL);
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(khttpd_fib_key(200000, 16)));
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

static void last_waiter_leaving_cancels(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res;
	struct khttpd_fib_wait w[2];
	int i;

	init_waits(w, 2);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 2000000, 10, false, &w[i],
						     &res), -EINPROGRESS);
	/* Not done yet: a spurious collect keeps waiting. */
	KUNIT_EXPECT_EQ(test, khttpd_fib_collect(&w[0], &res), -EINPROGRESS);
	KUNIT_EXPECT_TRUE(test, khttpd_fib_waiting(&w[0]));
	khttpd_fib_cancel(&w[0]);
	khttpd_fib_cancel(&w[1]);	/* the job may be freed from here */
	khttpd_fib_cancel(&w[1]);	/* not waiting: nothing happens */
	flush_workqueue(fib->wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 0);
	KUNIT_EXPECT_EQ(test,
			atomic64_read(&fib->stats[KHTTPD_FIB_CANCELLED]), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(khttpd_fib_key(2000000, 10)));
	test_fib_done(fib);
}

static void refused_beyond_limits(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res;
	struct khttpd_fib_wait w;

	init_waits(&w, 1);
	fib->max_result_bytes = 1 << 20;
	KUNIT_EXPECT_EQ(test, khttpd_fib_get(fib, 100000000, 10, false, &w, &res),
			-E2BIG);
	fib->max_result_bytes = 256 << 20;
	fib->max_jobs = 0;
	KUNIT_EXPECT_EQ(test, khttpd_fib_get(fib, 300000, 10, false, &w, &res),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_REFUSED]),
			1LL);
	KUNIT_EXPECT_FALSE(test, khttpd_fib_waiting(&w));
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* @gz is a gzip member whose content is exactly @text. */
static void expect_gunzip(struct kunit *test, const struct khttpd_body *gz,
			  const struct khttpd_body *text)
{
	static const u8 header[] = { 0x1f, 0x8b, 8, 0 };
	struct z_stream_s strm = { 0 };
	const u8 *p = (const u8 *)gz->data;
	char *out;

	KUNIT_ASSERT_GE(test, gz->len, (size_t)18);
	KUNIT_EXPECT_EQ(test, memcmp(p, header, sizeof(header)), 0);
	KUNIT_EXPECT_EQ(test, get_le32(p + gz->len - 4), (u32)text->len);
	KUNIT_EXPECT_EQ(test, get_le32(p + gz->len - 8),
			~crc32_le(~0, text->data, text->len));
	out = vmalloc(text->len + 1);
	strm.workspace = vmalloc(zlib_inflate_workspacesize());
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, strm.workspace);
	KUNIT_ASSERT_EQ(test, zlib_inflateInit2(&strm, -MAX_WBITS), Z_OK);
	strm.next_in = p + 10;
	strm.avail_in = gz->len - 18;
	strm.next_out = out;
	strm.avail_out = text->len + 1;	/* one more: no trailing bytes */
	KUNIT_EXPECT_EQ(test, zlib_inflate(&strm, Z_FINISH), Z_STREAM_END);
	KUNIT_EXPECT_EQ(test, strm.total_out, text->len);
	KUNIT_EXPECT_EQ(test, strm.avail_in, 0U);
	KUNIT_EXPECT_EQ(test, memcmp(out, text->data, text->len), 0);
	zlib_inflateEnd(&strm);
	vfree(strm.workspace);
	vfree(out);
}

static void gzip_round_trip(struct kunit *test)
{
	static const u32 ns[] = { 0, 1000, 10000, 100000, 1000000 };
	struct khttpd_body *text, *gz;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		KUNIT_ASSERT_EQ(test, khttpd_fib_text(ns[i], 10, &text, NULL,
						      NULL, NULL), 0);
		KUNIT_ASSERT_EQ(test, khttpd_gzip(text, &gz, NULL, NULL), 0);
		KUNIT_EXPECT_LE(test, gz->len, khttpd_gzip_bound(text->len));
		if (text->len >= 1000)	/* digits: better than 2 to 1 */
			KUNIT_EXPECT_LT(test, gz->len, text->len / 2);
		expect_gunzip(test, gz, text);
		khttpd_body_put(gz);
		khttpd_body_put(text);
	}
	/* Empty, and a megabyte of one repeated byte. */
	for (i = 0; i < 2; i++) {
		text = khttpd_body_alloc(i ? 1 << 20 : 0);
		KUNIT_ASSERT_NOT_NULL(test, text);
		memset(text->data, '7', text->len);
		KUNIT_ASSERT_EQ(test, khttpd_gzip(text, &gz, NULL, NULL), 0);
		expect_gunzip(test, gz, text);
		khttpd_body_put(gz);
		khttpd_body_put(text);
	}
}

static bool always(void *arg)
{
	return true;
}

static void gzip_cancelled(struct kunit *test)
{
	struct khttpd_body *text, *gz = NULL;

	KUNIT_ASSERT_EQ(test, khttpd_fib_text(100000, 16, &text, NULL, NULL,
					      NULL), 0);
	KUNIT_EXPECT_EQ(test, khttpd_gzip(text, &gz, always, NULL),
			-ECANCELED);
	KUNIT_EXPECT_NULL(test, gz);
	khttpd_body_put(text);
}

/*
 * A gzip miss is a job even for a small N; it caches the text and the
 * gzip, each under its own key, and leaves nothing in flight.
 */
static void gzip_job_then_hits(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res[2], text, again;
	struct khttpd_fib_wait w[2];
	int i;

	init_waits(w, 2);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 5000, 16, true, &w[i],
						     &res[i]), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_JOINS]),
			1LL);
	flush_workqueue(fib->wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 2);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, khttpd_fib_collect(&w[i], &res[i]), 0);
	KUNIT_EXPECT_PTR_EQ(test, res[1].body, res[0].body);
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 5000, 16, false, &w[0],
					     &text), 0);
	KUNIT_EXPECT_TRUE(test, text.hit);
	expect_gunzip(test, res[0].body, text.body);
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 5000, 16, true, &w[0],
					     &again), 0);
	KUNIT_EXPECT_TRUE(test, again.hit);
	KUNIT_EXPECT_PTR_EQ(test, again.body, res[0].body);
	KUNIT_EXPECT_PTR_EQ(test, khttpd_cache_get(khttpd_fib_key(5000, 16) |
						   KHTTPD_FIB_GZIP_KEY),
			    res[0].body);
	khttpd_body_put(res[0].body);	/* the lookup's reference */
	khttpd_body_put(again.body);
	khttpd_body_put(text.body);
	for (i = 0; i < 2; i++)
		khttpd_body_put(res[i].body);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	/* The gzip of a text already cached: compressed, not computed. */
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 300000, 10, false, &w[0],
					     &res[0]), -EINPROGRESS);
	flush_workqueue(fib->wq);
	KUNIT_ASSERT_EQ(test, khttpd_fib_collect(&w[0], &res[0]), 0);
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 300000, 10, true, &w[1],
					     &res[1]), -EINPROGRESS);
	flush_workqueue(fib->wq);
	KUNIT_ASSERT_EQ(test, khttpd_fib_collect(&w[1], &res[1]), 0);
	KUNIT_EXPECT_EQ(test, res[1].timing.compute, 0ULL);
	KUNIT_EXPECT_GT(test, res[1].timing.gzip, 0ULL);
	expect_gunzip(test, res[1].body, res[0].body);
	for (i = 0; i < 2; i++)
		khttpd_body_put(res[i].body);
	khttpd_cache_flush();
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

static void gzip_estimate_covers_text(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res;
	struct khttpd_fib_wait w;

	KUNIT_EXPECT_GE(test, khttpd_fib_gzip_estimate(1000000, 10),
			khttpd_fib_estimate(1000000, 10));
	KUNIT_EXPECT_GT(test, khttpd_fib_gzip_estimate(5000, 10),
			(u64)zlib_deflate_workspacesize(MAX_WBITS,
							DEF_MEM_LEVEL));
	KUNIT_EXPECT_FALSE(test, khttpd_fib_gzip_worthwhile(fib, 1000, 10));
	KUNIT_EXPECT_TRUE(test, khttpd_fib_gzip_worthwhile(fib, 5000, 10));
	/* Too big to gzip within max_result_bytes: not offered, refused. */
	fib->max_result_bytes = khttpd_fib_gzip_estimate(20000, 10) - 1;
	KUNIT_EXPECT_FALSE(test, khttpd_fib_gzip_worthwhile(fib, 20000, 10));
	init_waits(&w, 1);
	KUNIT_EXPECT_EQ(test, khttpd_fib_get(fib, 20000, 10, true, &w, &res),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

/*
 * A service whose cache keeps nothing above 256 KiB, so that F(1.5e6)
 * (313,482 digits, more than the window) is streamed.
 */
#define STREAM_N 1500000

static struct khttpd_fib *stream_fib(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);

	khttpd_cache_exit();
	KUNIT_ASSERT_EQ(test, khttpd_cache_init(256 << 10), 0);
	fib->stream_timeout = 30 * HZ;
	KUNIT_ASSERT_TRUE(test, khttpd_fib_streams(STREAM_N, 10));
	return fib;
}

/* Start streaming F(STREAM_N) and take the stream once F(N) is computed. */
static struct khttpd_stream *stream_start(struct kunit *test,
					  struct khttpd_fib *fib)
{
	struct khttpd_fib_result res;
	struct khttpd_fib_wait w;
	int i;

	init_waits(&w, 1);
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, STREAM_N, 10, false, &w,
					     &res), -EINPROGRESS);
	for (i = 0; i < 6000 && !atomic_read(&notified); i++)
		msleep(20);
	KUNIT_ASSERT_EQ(test, khttpd_fib_collect(&w, &res), 0);
	KUNIT_ASSERT_NOT_NULL(test, res.stream);
	KUNIT_EXPECT_NULL(test, res.body);
	/* The job waits for room: it holds its bound and the window. */
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&budget),
			bn_fib_peak_bytes(STREAM_N, 10) + khttpd_stream_bytes());
	return res.stream;
}

/* Everything the stream has, into @buf of @size; 0 or the error. */
static int stream_read(struct khttpd_stream *s, char *buf, size_t size)
{
	size_t got = 0;
	const char *p;
	int n;

	while (got < size) {
		n = khttpd_stream_peek(s, &p);
		if (n == -EAGAIN) {
			usleep_range(1000, 2000);
			continue;
		}
		if (n < 0)
			return n;
		n = min_t(size_t, n, size - got);
		memcpy(buf + got, p, n);
		khttpd_stream_consume(s, n);
		got += n;
	}
	return 0;
}

static void streamed_text_in_order(struct kunit *test)
{
	struct khttpd_fib *fib = stream_fib(test);
	struct khttpd_stream *s = stream_start(test, fib);
	struct khttpd_body *text;
	char *buf = vmalloc(s->len);
	const char *p;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, stream_read(s, buf, s->len), 0);
	KUNIT_ASSERT_EQ(test, khttpd_fib_text(STREAM_N, 10, &text, NULL, NULL,
					      NULL), 0);
	KUNIT_EXPECT_EQ(test, s->len, (u64)text->len);
	KUNIT_EXPECT_EQ(test, memcmp(buf, text->data, text->len), 0);
	khttpd_body_put(text);
	vfree(buf);
	flush_workqueue(fib->wq);
	KUNIT_EXPECT_EQ(test, khttpd_stream_peek(s, &p), 0);	/* all read */
	khttpd_stream_close(s);
	khttpd_stream_put(s);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_DONE]), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(khttpd_fib_key(STREAM_N, 10)));
	test_fib_done(fib);
}

static void streamed_reader_leaving_cancels(struct kunit *test)
{
	struct khttpd_fib *fib = stream_fib(test);
	struct khttpd_stream *s = stream_start(test, fib);
	char buf[1000];

	KUNIT_EXPECT_EQ(test, stream_read(s, buf, sizeof(buf)), 0);
	khttpd_stream_close(s);
	flush_workqueue(fib->wq);
	KUNIT_EXPECT_EQ(test,
			atomic64_read(&fib->stats[KHTTPD_FIB_CANCELLED]), 1LL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 0);
	/* The window is held, and charged, until the stream is freed. */
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&budget),
			khttpd_stream_bytes());
	khttpd_stream_put(s);
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

static struct kunit_case fib_cases[] = {
	KUNIT_CASE(inline_then_hit),
	KUNIT_CASE(single_flight_many_waiters),
	KUNIT_CASE(single_flight_failing_producer),
	KUNIT_CASE(last_waiter_leaving_cancels),
	KUNIT_CASE(refused_beyond_limits),
	KUNIT_CASE(gzip_round_trip),
	KUNIT_CASE(gzip_cancelled),
	KUNIT_CASE(gzip_job_then_hits),
	KUNIT_CASE(gzip_estimate_covers_text),
	KUNIT_CASE(streamed_text_in_order),
	KUNIT_CASE(streamed_reader_leaving_cancels),
	{}
};

static struct kunit_suite fib_suite = {
	.name = "khttpd-fib",
	.test_cases = fib_cases,
};

kunit_test_suite(fib_suite);
