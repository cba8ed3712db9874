/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fib_internal.h - what fib.c (the answers: cache, inline text, estimates)
 * and fib_job.c (the jobs) share; nobody else includes it.
 */
#ifndef KHTTPD_FIB_INTERNAL_H
#define KHTTPD_FIB_INTERNAL_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "http/fib.h"
#include "http/hist.h"

/* The cache key of F(@n) in @base, or of its gzip. */
static inline u64 fib_key(u32 n, u32 base, bool gzip)
{
	return khttpd_fib_key(n, base) | (gzip ? KHTTPD_FIB_GZIP_KEY : 0);
}

/* What a job for F(@n) in @base (its gzip if @gzip) reserves. */
static inline u64 fib_need(u32 n, u32 base, bool gzip)
{
	if (gzip)
		return khttpd_fib_gzip_estimate(n, base);
	if (khttpd_fib_streams(n, base))
		return khttpd_fib_stream_estimate(n, base);
	return khttpd_fib_estimate(n, base);
}

/* A computation produced its text: into the histogram of /metrics. */
static inline void fib_count_time(struct khttpd_fib *fib,
				  const struct khttpd_timing *t)
{
	u64 ns = t->compute + t->convert;

	atomic64_inc(&fib->hist[khttpd_hist_bucket(ns)]);
	atomic64_add(ns, &fib->hist_ns);
}

int khttpd_fib_job_join(struct khttpd_fib *fib, struct khttpd_fib_wait *wait,
			u32 n, u32 base, bool gzip);
int khttpd_fib_job_stream_start(struct khttpd_fib *fib,
				struct khttpd_fib_wait *wait, u32 n, u32 base);

#endif /* KHTTPD_FIB_INTERNAL_H */
