/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - log-linear latency histogram in microseconds.
 *
 * Values below 128 us have their own bucket; above, every power of two is
 * split into 64 buckets, so a recorded value is off by less than 1/64
 * (1.6 %).  Values are capped at HIST_MAX_US (60 s); the exact maximum is
 * kept aside.  Per-thread histograms are merged with hist_merge().
 */
#ifndef HTSTRESS_HIST_H
#define HTSTRESS_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS	7
#define HIST_MAX_US	60000000ULL
#define HIST_BUCKETS	1408

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t max;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_record(struct hist *h, uint64_t us);
void hist_merge(struct hist *dst, const struct hist *src);
uint64_t hist_percentile(const struct hist *h, double pct);

#endif /* HTSTRESS_HIST_H */
