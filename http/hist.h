/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - the buckets of khttpd's latency histograms (the "le" bounds of
 * /metrics): 100 us to 10 s, 1-2.5-5 per decade, then +Inf.  Counts are
 * kept per bucket (not cumulative) and added up when printed.
 */
#ifndef KHTTPD_HIST_H
#define KHTTPD_HIST_H

#include <linux/types.h>

#define KHTTPD_HIST_BOUNDS	16
#define KHTTPD_HIST_BUCKETS	(KHTTPD_HIST_BOUNDS + 1)	/* + Inf */

/* Upper bounds in nanoseconds, and as Prometheus prints them (seconds). */
#define KHTTPD_HIST_LE(X)						\
	X(100000ULL, "0.0001") X(250000ULL, "0.00025")			\
	X(500000ULL, "0.0005") X(1000000ULL, "0.001")			\
	X(2500000ULL, "0.0025") X(5000000ULL, "0.005")			\
	X(10000000ULL, "0.01") X(25000000ULL, "0.025")			\
	X(50000000ULL, "0.05") X(100000000ULL, "0.1")			\
	X(250000000ULL, "0.25") X(500000000ULL, "0.5")			\
	X(1000000000ULL, "1") X(2500000000ULL, "2.5")			\
	X(5000000000ULL, "5") X(10000000000ULL, "10")

/**
 * khttpd_hist_bucket() - the bucket a duration falls in
 * @ns: the duration, nanoseconds
 *
 * Return: 0..KHTTPD_HIST_BOUNDS; KHTTPD_HIST_BOUNDS is +Inf.
 */
static inline unsigned int khttpd_hist_bucket(u64 ns)
{
#define KHTTPD_HIST_NS(ns, text) ns,
	static const u64 le[KHTTPD_HIST_BOUNDS] = { KHTTPD_HIST_LE(KHTTPD_HIST_NS) };
#undef KHTTPD_HIST_NS
	unsigned int i;

	for (i = 0; i < KHTTPD_HIST_BOUNDS; i++)
		if (ns <= le[i])
			break;
	return i;
}

#endif /* KHTTPD_HIST_H */
