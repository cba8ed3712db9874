// SPDX-License-Identifier: GPL-2.0
/*
 * hist.c - log-linear latency histogram (see hist.h).
 */
#include "hist.h"

#define SUB		(1U << HIST_SUB_BITS)
#define HALF		(SUB / 2)

static unsigned int bucket_of(uint64_t v)
{
	unsigned int shift;

	if (v < SUB)
		return (unsigned int)v;
	shift = (unsigned int)(63 - __builtin_clzll(v)) - (HIST_SUB_BITS - 1);
	return shift * HALF + (unsigned int)(v >> shift);
}

/* The largest value that falls into bucket @b. */
static uint64_t bucket_top(unsigned int b)
{
	unsigned int shift;

	if (b < SUB)
		return b;
	shift = b / HALF - 1;
	return (((uint64_t)(b % HALF + HALF) + 1) << shift) - 1;
}

void hist_record(struct hist *h, uint64_t us)
{
	uint64_t v = us > HIST_MAX_US ? HIST_MAX_US : us;

	h->bucket[bucket_of(v)]++;
	h->count++;
	h->sum += us;
	if (us > h->max)
		h->max = us;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

/**
 * hist_percentile() - the value below or at which @pct percent of the
 *	recorded values lie
 * @h: the histogram
 * @pct: percentile, 0 < pct <= 100
 *
 * Return: the top of the bucket holding that rank (never above the exact
 * maximum; the maximum itself for the bucket of capped values), or 0 if
 * nothing was recorded.
 */
uint64_t hist_percentile(const struct hist *h, double pct)
{
	uint64_t rank, seen = 0, top;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = (uint64_t)(pct / 100.0 * (double)h->count + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	if (i >= bucket_of(HIST_MAX_US))
		return h->max;	/* capped values: the exact max says more */
	top = bucket_top(i);
	return top < h->max ? top : h->max;
}
