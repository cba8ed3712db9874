// SPDX-License-Identifier: GPL-2.0
/*
 * cache_clock_test.c - user-space tests of the cache's CLOCK policy
 * (cache/clock.c) under ASan and UBSan, against an exact LRU model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/clock.h"
#include "tools/testing/unit/ktest.h"

/* The rest of cache/'s core, linked in, allocates through the shim. */
long kshim_fail_after = -1;

#define MAX_KEYS 512

struct entry {
	struct clock_node node;
	int key;
	bool cached;
};

struct sim {
	struct clock clock;
	struct entry e[MAX_KEYS];
	unsigned long hits, misses;
};

static struct entry *entry_of(struct clock_node *n)
{
	return (struct entry *)((char *)n - offsetof(struct entry, node));
}

/* Access @key of @charge bytes: a hit touches, a miss inserts. */
static void sim_access(struct sim *s, int key, size_t charge)
{
	struct entry *e = &s->e[key];
	struct clock_node *v;

	if (e->cached) {
		clock_touch(&e->node);
		s->hits++;
		return;
	}
	s->misses++;
	if (charge > s->clock.cap)
		return;
	while ((v = clock_victim(&s->clock, charge))) {
		clock_remove(&s->clock, v);
		entry_of(v)->cached = false;
	}
	clock_insert(&s->clock, &e->node, charge);
	e->cached = true;
}

/* An exact LRU of the same capacity, for comparison. */
struct lru {
	int order[MAX_KEYS];	/* most recent last */
	size_t size[MAX_KEYS];
	int count;
	size_t used, cap;
	unsigned long hits, misses;
};

static void lru_access(struct lru *l, int key, size_t charge)
{
	int i, j;

	for (i = 0; i < l->count; i++) {
		if (l->order[i] != key)
			continue;
		for (j = i; j < l->count - 1; j++) {
			l->order[j] = l->order[j + 1];
			l->size[j] = l->size[j + 1];
		}
		l->order[l->count - 1] = key;
		l->size[l->count - 1] = charge;
		l->hits++;
		return;
	}
	l->misses++;
	while (l->used + charge > l->cap && l->count) {
		l->used -= l->size[0];
		memmove(l->order, l->order + 1, --l->count * sizeof(int));
		memmove(l->size, l->size + 1, l->count * sizeof(size_t));
	}
	l->order[l->count] = key;
	l->size[l->count++] = charge;
	l->used += charge;
}

static void test_fifo_without_hits(void)
{
	static struct sim s;
	int k;

	memset(&s, 0, sizeof(s));
	clock_init(&s.clock, 50);
	for (k = 0; k < 10; k++)
		sim_access(&s, k, 10);
	for (k = 0; k < 10; k++)
		KT_EXPECT(s.e[k].cached == (k >= 5), "key %d", k);
	KT_EXPECT(s.clock.used == 50 && s.clock.count == 5);
}

static void test_hot_entry_survives_a_sweep(void)
{
	static struct sim s;
	int k;

	memset(&s, 0, sizeof(s));
	clock_init(&s.clock, 40);
	sim_access(&s, 0, 10);
	for (k = 1; k < 200; k++) {
		sim_access(&s, 0, 10);		/* hot */
		sim_access(&s, k, 10);		/* cold, once each */
		KT_ASSERT(s.e[0].cached, "hot entry evicted at %d", k);
	}
	KT_EXPECT(s.hits == 199, "hits %lu", s.hits);
}

static void test_cap_never_exceeded_random(void)
{
	static struct sim s;
	size_t sum;
	int i, k;

	memset(&s, 0, sizeof(s));
	srand(7);
	clock_init(&s.clock, 10000);
	for (i = 0; i < 200000; i++) {
		k = rand() % MAX_KEYS;
		sim_access(&s, k, 1 + (size_t)(k * 37 % 1500));
		KT_ASSERT(s.clock.used <= s.clock.cap, "used %zu at %d",
			  s.clock.used, i);
		if (i % 997)
			continue;
		sum = 0;
		for (k = 0; k < MAX_KEYS; k++)
			if (s.e[k].cached)
				sum += s.e[k].node.charge;
		KT_ASSERT(sum == s.clock.used, "accounting %zu != %zu", sum,
			  s.clock.used);
	}
}

static void test_too_big_is_not_cached(void)
{
	static struct sim s;

	memset(&s, 0, sizeof(s));
	clock_init(&s.clock, 100);
	sim_access(&s, 1, 60);
	sim_access(&s, 2, 101);
	KT_EXPECT(!s.e[2].cached && s.e[1].cached && s.clock.used == 60);
	KT_EXPECT(clock_victim(&s.clock, 40) == NULL);
	KT_EXPECT(clock_victim(&s.clock, 41) == &s.e[1].node);
}

/* Zipf-like skew: key k drawn with weight 1/(k+1). */
static int skewed_key(void)
{
	static double cdf[MAX_KEYS];
	static int ready;
	double r, total = 0;
	int k, lo, hi;

	if (!ready) {
		for (k = 0; k < MAX_KEYS; k++)
			cdf[k] = (total += 1.0 / (k + 1));
		for (k = 0; k < MAX_KEYS; k++)
			cdf[k] /= total;
		ready = 1;
	}
	r = (double)rand() / RAND_MAX;
	lo = 0;
	hi = MAX_KEYS - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (cdf[mid] < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void test_hit_ratio_close_to_lru(void)
{
	static struct sim s;
	static struct lru l;
	double hc, hl;
	int i, k;

	memset(&s, 0, sizeof(s));
	memset(&l, 0, sizeof(l));
	srand(11);
	clock_init(&s.clock, 64 * 100);
	l.cap = 64 * 100;
	for (i = 0; i < 100000; i++) {
		k = skewed_key();
		sim_access(&s, k, 100);
		lru_access(&l, k, 100);
	}
	hc = (double)s.hits / (s.hits + s.misses);
	hl = (double)l.hits / (l.hits + l.misses);
	printf("# clock hit ratio %.3f, exact LRU %.3f\n", hc, hl);
	KT_EXPECT(hc > hl - 0.03, "CLOCK %.3f vs LRU %.3f", hc, hl);
	KT_EXPECT(hl > 0.5, "trace not skewed enough: %.3f", hl);
}

int main(void)
{
	KT_RUN(test_fifo_without_hits);
	KT_RUN(test_hot_entry_survives_a_sweep);
	KT_RUN(test_cap_never_exceeded_random);
	KT_RUN(test_too_big_is_not_cached);
	KT_RUN(test_hit_ratio_close_to_lru);
	return ktest_summary("cache-clock");
}
