// SPDX-License-Identifier: GPL-2.0
/*
 * cache_sketch_test.c - user-space tests of the cache's frequency sketch
 * (cache/sketch.c) under ASan and UBSan: the doorkeeper, saturation,
 * aging, accuracy against exact counts, sizes and allocation failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/sketch.h"
#include "tools/testing/unit/ktest.h"

long kshim_fail_after = -1;

static void init(struct sketch *s, size_t entries, u64 seed)
{
	if (sketch_init(s, entries, seed)) {
		fprintf(stderr, "sketch_init: no memory\n");
		abort();
	}
}

static void test_doorkeeper_then_counters(void)
{
	struct sketch s;
	unsigned int i;

	init(&s, 1000, 1);
	KT_EXPECT(sketch_estimate(&s, 42) == 0);
	KT_EXPECT(sketch_add(&s, 42) == 1, "first occurrence");
	/* Only the doorkeeper knows it: no counter moved. */
	for (i = 0; i < (size_t)SKETCH_DEPTH * s.width / 16; i++)
		KT_ASSERT(s.counters[i] == 0, "word %u", i);
	KT_EXPECT(sketch_add(&s, 42) == 2);
	KT_EXPECT(sketch_add(&s, 42) == 3);
	KT_EXPECT(sketch_estimate(&s, 42) == 3);
	KT_EXPECT(sketch_estimate(&s, 43) == 0);
	for (i = 0; i < 100; i++)
		sketch_add(&s, 7);
	KT_EXPECT(sketch_estimate(&s, 7) == SKETCH_COUNT_MAX + 1,
		  "saturates at %d: %u", SKETCH_COUNT_MAX + 1,
		  sketch_estimate(&s, 7));
	sketch_free(&s);
	sketch_free(&s);
}

static void test_aging_halves(void)
{
	struct sketch s;
	unsigned int i;
	u64 k;

	init(&s, 64, 2);
	KT_EXPECT(s.width == SKETCH_WIDTH_MIN && s.period == 640);
	for (i = 0; i < 11; i++)
		sketch_add(&s, 5);		/* 1 in the door, 10 counted */
	KT_EXPECT(sketch_estimate(&s, 5) == 11);
	/* Fill the period with another key. */
	for (k = 0; s.agings == 0; k++)
		sketch_add(&s, 6);
	KT_EXPECT(k == 640 - 11, "aged after %llu more",
		  (unsigned long long)k);
	KT_EXPECT(s.additions == 0);
	/* 10 halved, and the doorkeeper forgot it. */
	KT_EXPECT(sketch_estimate(&s, 5) == 5, "after aging: %u",
		  sketch_estimate(&s, 5));
	sketch_add(&s, 5);
	KT_EXPECT(sketch_estimate(&s, 5) == 6);
	sketch_age(&s);
	sketch_age(&s);
	sketch_age(&s);
	KT_EXPECT(sketch_estimate(&s, 5) == 0, "%u", sketch_estimate(&s, 5));
	sketch_free(&s);
}

/* A key's estimate is never below its true count, and rarely far above. */
static void test_accuracy_against_exact_counts(void)
{
	enum { KEYS = 2048, ADDS = 16000 };
	static unsigned int exact[KEYS];
	unsigned int i, k, est, over = 0, under = 0, seen = 0;
	struct sketch s;
	u64 x = 88172645463325252ULL;

	memset(exact, 0, sizeof(exact));
	init(&s, 2048, 3);
	KT_EXPECT(s.period > ADDS, "no aging in this test");
	for (i = 0; i < ADDS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Skewed: low keys far more often. */
		k = (unsigned int)(x % KEYS) >> (x >> 60 & 7);
		sketch_add(&s, k);
		exact[k]++;
	}
	for (k = 0; k < KEYS; k++) {
		unsigned int want = exact[k] > SKETCH_COUNT_MAX + 1 ?
				    SKETCH_COUNT_MAX + 1 : exact[k];

		est = sketch_estimate(&s, k);
		seen += exact[k] > 0;
		if (est < want)
			under++;
		if (est > want + 1)
			over++;
	}
	printf("# sketch width %u, %u distinct keys in %u additions: %u overestimated by more than 1\n",
	       s.width, seen, ADDS, over);
	KT_EXPECT(under == 0, "%u keys underestimated", under);
	KT_EXPECT(over < KEYS / 50, "%u keys overestimated", over);
	sketch_free(&s);
}

static void test_sizes(void)
{
	KT_EXPECT(sketch_width(0) == SKETCH_WIDTH_MIN);
	KT_EXPECT(sketch_width(65) == 128);
	KT_EXPECT(sketch_width(32768) == 32768);
	KT_EXPECT(sketch_width((size_t)1 << 40) == SKETCH_WIDTH_MAX);
	/* 64 MiB at 2 KiB a key: 32768 wide, 320 KiB. */
	KT_EXPECT(sketch_bytes(sketch_width((64 << 20) / 2048)) == 320 << 10);
	KT_EXPECT(sketch_bytes(SKETCH_WIDTH_MAX) == 10 << 20);
}

static void test_allocation_failure(void)
{
	struct sketch s;
	long k;

	for (k = 0; k < 2; k++) {
		kshim_fail_after = k;
		KT_EXPECT(sketch_init(&s, 100, 4) == -ENOMEM, "fail after %ld",
			  k);
		KT_EXPECT(!s.counters && !s.door);
		sketch_free(&s);
	}
	kshim_fail_after = -1;
}

/* Different seeds spread the same keys differently. */
static void test_seeded(void)
{
	struct sketch a, b;
	unsigned int i, differ = 0;

	init(&a, 64, 10);
	init(&b, 64, 11);
	for (i = 0; i < 300; i++) {
		sketch_add(&a, i);
		sketch_add(&a, i);
		sketch_add(&b, i);
		sketch_add(&b, i);
	}
	for (i = 0; i < (size_t)SKETCH_DEPTH * a.width / 16; i++)
		differ += a.counters[i] != b.counters[i];
	KT_EXPECT(differ > 0);
	sketch_free(&a);
	sketch_free(&b);
}

int main(void)
{
	KT_RUN(test_doorkeeper_then_counters);
	KT_RUN(test_aging_halves);
	KT_RUN(test_accuracy_against_exact_counts);
	KT_RUN(test_sizes);
	KT_RUN(test_allocation_failure);
	KT_RUN(test_seeded);
	return ktest_summary("cache-sketch");
}
