// SPDX-License-Identifier: GPL-2.0
/*
 * cache_admit_test.c - user-space tests of the cache's admission policy
 * (cache/admit.c over cache/sketch.c and cache/clock.c) under ASan and
 * UBSan: its mechanics, the cap and the ring after random traffic, plain
 * CLOCK when not enforcing, and deterministic workloads measured with and
 * without admission: a hot set of expensive results under a flood of
 * cheap one-off requests (issue #15 item 6), a cheap skewed workload,
 * keys that keep coming back, and how long a stale expensive result lasts.
 *
 * Sizes and costs model F(N) as khttpd caches it (Documentation/cache.md):
 * the text's length, the allocator's rounding plus the entry's overhead,
 * and the compute time measured for bignum/ at -O2 on the development
 * machine (F(10^4) 18 us, F(10^6) 36 ms).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/admit.h"
#include "tools/testing/unit/ktest.h"

long kshim_fail_after = -1;

#define ENTRY_OVERHEAD 160	/* entry, body header, table node */

struct item {
	struct admit_node node;
	size_t charge;
	u64 cost;
	bool cached;
};

struct sim {
	struct admit a;
	struct item *items;
	size_t nkeys;
	u64 hits, misses, refused, evictions;
	double saved_ns, total_ns;	/* compute time of hits, of all */
};

static struct item *item_of(struct admit_node *n)
{
	return (struct item *)((char *)n - offsetof(struct item, node));
}

static void sim_init(struct sim *s, size_t cap, size_t nkeys, bool enforce)
{
	memset(s, 0, sizeof(*s));
	if (admit_init(&s->a, cap, 0x5eed)) {
		fprintf(stderr, "admit_init: no memory\n");
		abort();
	}
	s->a.enforce = enforce;
	s->items = calloc(nkeys, sizeof(*s->items));
	if (!s->items)
		abort();
	s->nkeys = nkeys;
}

static void sim_free(struct sim *s)
{
	admit_free(&s->a);
	free(s->items);
}

/* A request for @key: a hit touches; a miss computes and offers. */
static bool sim_access(struct sim *s, u64 key, size_t charge, u64 cost)
{
	struct item *it = &s->items[key];
	struct admit_node *v;

	s->total_ns += cost;
	if (it->cached) {
		admit_touch(&it->node);
		s->hits++;
		s->saved_ns += cost;
		return true;
	}
	s->misses++;
	if (charge > s->a.ring.cap)
		return false;
	if (!admit_offer(&s->a, &it->node, key, charge, cost)) {
		s->refused++;
		return false;
	}
	while ((v = admit_victim(&s->a))) {
		admit_remove(&s->a, v);
		item_of(v)->cached = false;
		s->evictions++;
	}
	admit_insert(&s->a, &it->node, charge);
	it->cached = true;
	it->charge = charge;
	it->cost = cost;
	return false;
}

/* The ring is a consistent cycle whose charges add up to used. */
static bool ring_ok(const struct sim *s)
{
	const struct clock *c = &s->a.ring;
	const struct clock_node *n = c->hand;
	size_t count = 0, used = 0, cached = 0, i;

	for (i = 0; i < s->nkeys; i++)
		cached += s->items[i].cached;
	if (!n)
		return c->count == 0 && c->used == 0 && cached == 0;
	do {
		if (n->next->prev != n || count > c->count)
			return false;
		if (!item_of((struct admit_node *)n)->cached)
			return false;
		used += n->charge;
		count++;
		n = n->next;
	} while (n != c->hand);
	return count == c->count && used == c->used && count == cached &&
	       used <= c->cap;
}

static u64 rnd_state;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* F(N)'s text, as khttpd charges it: kmalloc buckets, or whole pages. */
static size_t fib_charge(u32 n)
{
	size_t len = (size_t)(n * 0.20898764) + 1, b = 8;

	if (len > 4096)
		return ((len + 4095) & ~(size_t)4095) + ENTRY_OVERHEAD;
	while (b < len)
		b *= 2;
	return b + ENTRY_OVERHEAD;
}

/* Nanoseconds to compute and convert F(N) <= F(10^4): ~N^1.5. */
static u64 fib_cost(u32 n)
{
	u64 r = n;

	while (r * r > n)
		r = (r + n / r) / 2;	/* Newton: floor(sqrt(n)) */
	return 200 + 18000 * n * r / 1000000;
}

static void test_fits_without_victims(void)
{
	static struct sim s;
	int k;

	sim_init(&s, 10000, 16, true);
	for (k = 0; k < 10; k++)
		sim_access(&s, k, 1000, 100 + k);
	KT_EXPECT(s.a.ring.used == 10000 && s.a.ring.count == 10);
	KT_EXPECT(s.evictions == 0 && s.refused == 0);
	KT_EXPECT(ring_ok(&s));
	sim_free(&s);
}

/* A cheap candidate passes an expensive entry and evicts a cheap one. */
static void test_cheap_candidate_passes_expensive(void)
{
	static struct sim s;

	sim_init(&s, 4000, 16, true);
	sim_access(&s, 0, 1000, 1000000);	/* expensive, oldest */
	sim_access(&s, 1, 1000, 1000);
	sim_access(&s, 2, 1000, 1000);
	sim_access(&s, 3, 1000, 1000);
	sim_access(&s, 4, 1000, 1000);		/* needs one victim */
	KT_EXPECT(s.items[0].cached, "expensive entry evicted");
	KT_EXPECT(!s.items[1].cached && s.items[4].cached);
	KT_EXPECT(s.a.defended == 1 && s.evictions == 1);
	/* The expensive entry is now the newest; then 2 is the oldest. */
	KT_EXPECT(s.a.ring.hand == &s.items[2].node.clock);
	KT_EXPECT(ring_ok(&s));
	sim_free(&s);
}

/* Nothing worth evicting: the candidate is refused, nothing moves. */
static void test_refused_when_all_worth_more(void)
{
	static struct sim s;
	int k;

	sim_init(&s, 4000, 16, true);
	for (k = 0; k < 4; k++)
		sim_access(&s, k, 1000, 1000000);
	sim_access(&s, 9, 10, 1000);
	KT_EXPECT(!s.items[9].cached && s.refused == 1 && s.a.refused == 1);
	KT_EXPECT(s.evictions == 0 && s.a.ring.count == 4);
	KT_EXPECT(s.a.defended == ADMIT_MAX_DEFENDED + 1, "defended %llu",
		  (unsigned long long)s.a.defended);
	KT_EXPECT(ring_ok(&s));
	sim_free(&s);
}

/* An expensive candidate evicts as many cheap entries as it needs. */
static void test_expensive_candidate_evicts_many(void)
{
	static struct sim s;
	int k;

	sim_init(&s, 100000, 200, true);
	for (k = 0; k < 100; k++)
		sim_access(&s, k, 1000, 1000);
	admit_touch(&s.items[3].node);
	sim_access(&s, 150, 10500, 10000000);
	KT_EXPECT(s.items[150].cached && s.evictions == 11, "evictions %llu",
		  (unsigned long long)s.evictions);
	/* 0..11 but 3, touched: a second chance. */
	for (k = 0; k < 13; k++)
		KT_EXPECT(s.items[k].cached == (k == 3 || k == 12), "key %d", k);
	KT_EXPECT(ring_ok(&s));
	sim_free(&s);
}

/* A hit entry passed by the hand is valued anew at the current age. */
static void test_hit_revalues(void)
{
	static struct sim s;
	u64 before;
	int k;

	sim_init(&s, 3000, 16, true);
	sim_access(&s, 0, 1000, 1000);
	sim_access(&s, 1, 1000, 1000);
	sim_access(&s, 2, 1000, 1000);
	before = s.items[0].node.prio;
	sim_access(&s, 0, 1000, 1000);		/* a hit */
	sim_access(&s, 3, 1000, 1000);
	KT_EXPECT(s.items[0].cached && !s.items[1].cached);
	/* Two requests in the sketch, valued at the age of key 3's offer. */
	KT_EXPECT(s.items[0].node.prio == s.a.age + 2 * s.items[0].node.value,
		  "prio %llu, age %llu", (unsigned long long)s.items[0].node.prio,
		  (unsigned long long)s.a.age);
	KT_EXPECT(s.items[0].node.prio > before);
	for (k = 0; k < 4; k++)
		KT_EXPECT(s.items[k].cached == (k != 1), "key %d", k);
	sim_free(&s);
}

/* Not enforcing: exactly plain CLOCK, entry for entry. */
static void test_not_enforcing_is_plain_clock(void)
{
	enum { KEYS = 300 };
	static struct sim s;
	static struct clock c;
	static struct clock_node cn[KEYS];
	static bool in_clock[KEYS];
	struct clock_node *v;
	int i, k;

	sim_init(&s, 20000, KEYS, false);
	clock_init(&c, 20000);
	memset(in_clock, 0, sizeof(in_clock));
	rnd_state = 1;
	for (i = 0; i < 50000; i++) {
		size_t charge;

		k = rnd() % KEYS;
		charge = 1 + k * 7 % 900;
		sim_access(&s, k, charge, rnd() % 1000000);
		if (in_clock[k]) {
			clock_touch(&cn[k]);
		} else {
			while ((v = clock_victim(&c, charge))) {
				clock_remove(&c, v);
				in_clock[v - cn] = false;
			}
			clock_insert(&c, &cn[k], charge);
			in_clock[k] = true;
		}
		for (k = 0; k < KEYS; k++)
			KT_ASSERT(s.items[k].cached == in_clock[k],
				  "step %d key %d", i, k);
	}
	KT_EXPECT(s.refused == 0 && ring_ok(&s));
	sim_free(&s);
}

static void test_cap_and_ring_random(void)
{
	enum { KEYS = 2000 };
	static struct sim s;
	int i, k;

	sim_init(&s, 200000, KEYS, true);
	rnd_state = 7;
	for (i = 0; i < 300000; i++) {
		k = rnd() % 4 ? rnd() % 200 : rnd() % KEYS;
		sim_access(&s, k, 1 + (size_t)(k * 37 % 15000),
			   rnd() % 4 ? rnd() % 100000 : rnd() % 100000000);
		KT_ASSERT(s.a.ring.used <= s.a.ring.cap, "used %zu at %d",
			  s.a.ring.used, i);
		if (i % 997 == 0)
			KT_ASSERT(ring_ok(&s), "ring at %d", i);
	}
	KT_EXPECT(ring_ok(&s));
	printf("# random: hits %llu, refused %llu, evictions %llu, sketch agings %llu\n",
	       (unsigned long long)s.hits, (unsigned long long)s.refused,
	       (unsigned long long)s.evictions,
	       (unsigned long long)s.a.sketch.agings);
	KT_EXPECT(s.refused > 0 && s.a.sketch.agings > 0);
	sim_free(&s);
}

static void test_allocation_failure(void)
{
	struct admit a;

	kshim_fail_after = 0;
	KT_EXPECT(admit_init(&a, 1 << 20, 1) == -ENOMEM);
	kshim_fail_after = -1;
	admit_free(&a);
	KT_EXPECT(admit_init(&a, 0, 1) == 0 && !a.sketch.counters);
	admit_free(&a);
}

/*
 * The attack: 8 expensive results (F(10^6 + i): 213 KB, 36 ms each) are
 * asked for in turn, one request in 256; the other 255 are distinct small
 * N (1000..10000, each once), about 8 MB of them between two requests for
 * the same expensive result, twice the 4 MiB cache.
 */
struct flood_result {
	double hit_ratio, hot_hit_ratio, saved;
	u64 refused;
};

static struct flood_result run_flood(bool enforce)
{
	enum { HOT = 8, EVERY = 256, REQUESTS = 400000 };
	struct flood_result r = { 0 };
	u64 hot_reqs = 0, hot_hits = 0, oneoff = HOT;
	static struct sim s;
	int i;

	sim_init(&s, 4 << 20, REQUESTS + HOT, enforce);
	rnd_state = 42;
	for (i = 0; i < REQUESTS; i++) {
		if (i % EVERY == 0) {
			u32 k = i / EVERY % HOT;

			hot_reqs++;
			hot_hits += sim_access(&s, k, fib_charge(1000000 + k),
					       36000000);
		} else {
			u32 n = 1000 + rnd() % 9001;

			sim_access(&s, oneoff++, fib_charge(n), fib_cost(n));
		}
	}
	KT_EXPECT(ring_ok(&s));
	r.hit_ratio = (double)s.hits / (s.hits + s.misses);
	r.hot_hit_ratio = (double)hot_hits / hot_reqs;
	r.saved = s.saved_ns / s.total_ns;
	r.refused = s.refused;
	printf("# flood, admission %s: hit ratio %.3f, expensive hit ratio %.3f, compute time saved %.1f%%, refused %llu\n",
	       enforce ? "on " : "off", r.hit_ratio, r.hot_hit_ratio,
	       100 * r.saved, (unsigned long long)r.refused);
	sim_free(&s);
	return r;
}

static void test_flood_keeps_expensive_hot_set(void)
{
	struct flood_result on = run_flood(true), off = run_flood(false);

	/* Only the first request of each is a miss. */
	KT_EXPECT(on.hot_hit_ratio > 0.99, "with admission %.3f",
		  on.hot_hit_ratio);
	KT_EXPECT(off.hot_hit_ratio < 0.05, "flood too weak: %.3f",
		  off.hot_hit_ratio);
	KT_EXPECT(on.saved > 0.8 && on.saved > 10 * off.saved,
		  "saved %.3f vs %.3f", on.saved, off.saved);
}

/* A skewed workload of cheap results only: no worse than plain CLOCK. */
static void run_skewed(bool enforce, double *hit_ratio, double *saved)
{
	enum { KEYS = 4096 };
	static double cdf[KEYS];
	static struct sim s;
	double total = 0, r;
	int i, k, lo, hi;

	for (k = 0; k < KEYS; k++)
		cdf[k] = (total += 1.0 / (k + 1));
	sim_init(&s, 1 << 20, KEYS, enforce);
	rnd_state = 99;
	for (i = 0; i < 300000; i++) {
		r = (double)(rnd() >> 11) / (1ULL << 53) * total;
		for (lo = 0, hi = KEYS - 1; lo < hi;) {
			int mid = (lo + hi) / 2;

			if (cdf[mid] < r)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* Popularity unrelated to N: key k is N = 1 + k * 2.44. */
		k = (lo * 2654435761U) % KEYS;
		sim_access(&s, lo, fib_charge(1 + k * 10000 / KEYS),
			   fib_cost(1 + k * 10000 / KEYS));
	}
	*hit_ratio = (double)s.hits / (s.hits + s.misses);
	*saved = s.saved_ns / s.total_ns;
	printf("# skewed, admission %s: hit ratio %.3f, compute time saved %.1f%%, refused %llu\n",
	       enforce ? "on " : "off", *hit_ratio, 100 * *saved,
	       (unsigned long long)s.refused);
	sim_free(&s);
}

static void test_skewed_cheap_no_worse_than_clock(void)
{
	double h_on, s_on, h_off, s_off;

	run_skewed(true, &h_on, &s_on);
	run_skewed(false, &h_off, &s_off);
	KT_EXPECT(s_on >= s_off - 0.01, "saved %.3f vs CLOCK %.3f", s_on,
		  s_off);
	KT_EXPECT(h_on >= h_off - 0.05, "hit ratio %.3f vs CLOCK %.3f", h_on,
		  h_off);
}

/*
 * Keys that come back, but each time after more distinct one-offs than
 * the cache holds: CLOCK never has them; the sketch remembers them.
 */
static void run_returning(bool enforce, double *ratio)
{
	enum { BACK = 50, ONEOFF = 150, ROUNDS = 400 };
	static struct sim s;
	u64 next = BACK, hits = 0;
	int r, i;

	sim_init(&s, 100 * 1000, BACK + ROUNDS * ONEOFF, enforce);
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < BACK; i++)
			hits += sim_access(&s, i, 1000, 10000);
		for (i = 0; i < ONEOFF; i++)
			sim_access(&s, next++, 1000, 10000);
	}
	*ratio = (double)hits / (BACK * ROUNDS);
	printf("# returning keys, admission %s: their hit ratio %.3f\n",
	       enforce ? "on " : "off", *ratio);
	sim_free(&s);
}

static void test_returning_keys_remembered(void)
{
	double on, off;

	run_returning(true, &on);
	run_returning(false, &off);
	KT_EXPECT(off < 0.01 && on > 0.5, "%.3f vs CLOCK %.3f", on, off);
}

/*
 * A stale expensive result (asked for once) is not kept for ever: it
 * goes once the server has computed about cost * cap / charge more, and
 * not much before.
 */
static void test_stale_expensive_goes_at_the_bound(void)
{
	static struct sim s;
	size_t cap = 1 << 20, ce = fib_charge(1000000), cc = fib_charge(10000);
	u64 key = 1, cost_e = 36000000, cost_c = fib_cost(10000);
	double bound = (double)cost_e * cap / ce, spent = 0;

	sim_init(&s, cap, 200000, true);
	sim_access(&s, 0, ce, cost_e);
	while (s.items[0].cached && key < s.nkeys) {
		sim_access(&s, key++, cc, cost_c);
		spent += cost_c;
	}
	printf("# stale F(10^6) evicted after %.0f ms of cheap computations (%llu requests); bound %.0f ms\n",
	       spent / 1e6, (unsigned long long)key - 1, bound / 1e6);
	KT_EXPECT(!s.items[0].cached, "never evicted");
	KT_EXPECT(spent > 0.9 * bound && spent < 1.2 * bound,
		  "spent %.0f, bound %.0f", spent, bound);
	sim_free(&s);
}

int main(void)
{
	KT_RUN(test_fits_without_victims);
	KT_RUN(test_cheap_candidate_passes_expensive);
	KT_RUN(test_refused_when_all_worth_more);
	KT_RUN(test_expensive_candidate_evicts_many);
	KT_RUN(test_hit_revalues);
	KT_RUN(test_not_enforcing_is_plain_clock);
	KT_RUN(test_cap_and_ring_random);
	KT_RUN(test_allocation_failure);
	KT_RUN(test_flood_keeps_expensive_hot_set);
	KT_RUN(test_skewed_cheap_no_worse_than_clock);
	KT_RUN(test_returning_keys_remembered);
	KT_RUN(test_stale_expensive_goes_at_the_bound);
	return ktest_summary("cache-admit");
}
