/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fib.h - the Fibonacci service: F(N) as a text body, from the cache,
 * computed inline, or by a computation shared by every request for it.
 *
 * One entry point, khttpd_fib_get(); the service owns the cache lookup,
 * the inline computation of small N, single flight and insertion into
 * the cache, and the gzip representation of the text: made once per
 * (N, base) by a computation and cached beside the text, under its own
 * key.  A caller that has to wait embeds a struct khttpd_fib_wait
 * and is called back, as a wait_queue_entry is; it knows nothing of jobs,
 * and the service nothing of connections.
 */
#ifndef KHTTPD_FIB_H
#define KHTTPD_FIB_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "cache/body.h"
#include "http/hist.h"
#include "http/proto/response.h"
#include "http/stream.h"

/**
 * struct khttpd_timing - where a /fib response's time went, nanoseconds
 * @parse: request bytes complete to head parsed and routed
 * @queue: waiting for a computation slot
 * @compute: computing F(N)
 * @convert: converting it to text
 * @gzip: compressing the text (gzip responses made by this request's
 *        computation only)
 * @total: request's first byte to the response's head
 *
 * Sent as Server-Timing, in milliseconds with microsecond digits (the
 * unit of the W3C Server Timing header).
 */
struct khttpd_timing {
	u64 parse;
	u64 queue;
	u64 compute;
	u64 convert;
	u64 gzip;
	u64 total;
};

/**
 * enum khttpd_fib_stat - what the service counts
 * @KHTTPD_FIB_STARTED: computations queued
 * @KHTTPD_FIB_DONE: computations that produced their text
 * @KHTTPD_FIB_FAILED: computations that failed (memory, conversion)
 * @KHTTPD_FIB_CANCELLED: computations stopped because nobody waited
 * @KHTTPD_FIB_REFUSED: computations refused: queue or in-flight budget full
 * @KHTTPD_FIB_JOINS: requests that waited for a computation already running
 * @KHTTPD_FIB_NR_STATS: how many
 */
enum khttpd_fib_stat {
	KHTTPD_FIB_STARTED,
	KHTTPD_FIB_DONE,
	KHTTPD_FIB_FAILED,
	KHTTPD_FIB_CANCELLED,
	KHTTPD_FIB_REFUSED,
	KHTTPD_FIB_JOINS,
	KHTTPD_FIB_NR_STATS
};

extern const char *const khttpd_fib_stat_names[KHTTPD_FIB_NR_STATS];

/**
 * struct khttpd_fib - the service's limits and state; embed it
 * @max_jobs: computations running or queued at once; more are refused
 * @max_result_bytes: estimated peak memory of one F(N); more is -E2BIG
 * @max_inflight_bytes: cap of @budget; a computation that would exceed it
 *                      is refused
 * @budget: bytes in flight, shared with the owner: every computation's
 *          estimate while it runs, then its text until the cache takes it
 *          or the last sender lets it go (a streamed text: its window,
 *          until the stream is freed)
 * @stream_timeout: jiffies a streaming computation waits for room in its
 *                  window at most before it gives up (a backstop: the
 *                  connection's send timeout closes it first)
 * @wq: where computations run (unbound; its max_active bounds them)
 * @nr_jobs: computations running or queued
 * @nr_running: computations running
 * @stats: the counters of enum khttpd_fib_stat
 * @hist: computations that produced their text (inline ones included), by
 *        compute + convert time, in the buckets of http/hist.h
 * @hist_ns: the sum of those times
 */
struct khttpd_fib {
	u32 max_jobs;
	u64 max_result_bytes;
	u64 max_inflight_bytes;
	atomic64_t *budget;
	unsigned long stream_timeout;
	struct workqueue_struct *wq;
	atomic_t nr_jobs;
	atomic_t nr_running;
	atomic64_t stats[KHTTPD_FIB_NR_STATS];
	atomic64_t hist[KHTTPD_HIST_BUCKETS];
	atomic64_t hist_ns;
};

struct khttpd_job;

/*
 * The cache key's bit of a gzip representation: khttpd_fib_key() uses
 * bits 0 to 39 only.
 */
#define KHTTPD_FIB_GZIP_KEY BIT_ULL(63)

/* Bodies shorter than this are not worth gzip unless identity is refused. */
#define KHTTPD_FIB_GZIP_MIN 1024

/**
 * struct khttpd_fib_wait - a caller waiting for F(N); embed it
 * @done: called once when the result is ready (from the computation's
 *        work item, under a spinlock: it may only queue work); the caller
 *        then takes the result with khttpd_fib_collect()
 * @node: on the computation's list of waiters (the service's)
 * @job: the computation waited for, or NULL (the service's)
 */
struct khttpd_fib_wait {
	void (*done)(struct khttpd_fib_wait *wait);
	struct list_head node;
	struct khttpd_job *job;
};

/**
 * struct khttpd_fib_result - F(N) as text, and how it was had
 * @body: the text, or its gzip (a reference the caller drops); NULL for
 *        a streamed text
 * @stream: a text the cache would not keep, as it is being converted (a
 *          reference the caller drops after khttpd_stream_close()), or
 *          NULL
 * @hit: it came from the cache
 * @timing: queue, compute and convert times; 0 for a hit (a stream: the
 *          convert time is not known yet, 0)
 */
struct khttpd_fib_result {
	struct khttpd_body *body;
	struct khttpd_stream *stream;
	bool hit;
	struct khttpd_timing timing;
};

int khttpd_fib_get(struct khttpd_fib *fib, u32 n, u32 base, bool gzip,
		   struct khttpd_fib_wait *wait, struct khttpd_fib_result *res);
int khttpd_fib_collect(struct khttpd_fib_wait *wait,
		       struct khttpd_fib_result *res);
void khttpd_fib_cancel(struct khttpd_fib_wait *wait);
int khttpd_fib_peek(struct khttpd_fib *fib, u32 n, u32 base, bool gzip,
		    struct khttpd_body **body, u64 *len);
bool khttpd_fib_gzip_worthwhile(struct khttpd_fib *fib, u32 n, u32 base);
u64 khttpd_fib_key(u32 n, u32 base);
void khttpd_fib_etag(struct http_out *o, u32 n, u32 base, bool gzip);
int khttpd_fib_text(u32 n, u32 base, struct khttpd_body **out,
		    bool (*cancelled)(void *arg), void *arg,
		    struct khttpd_timing *timing);
u64 khttpd_fib_estimate(u32 n, u32 base);
u64 khttpd_fib_stream_estimate(u32 n, u32 base);
bool khttpd_fib_streams(u32 n, u32 base);
u64 khttpd_fib_gzip_estimate(u32 n, u32 base);

/**
 * khttpd_fib_waiting() - whether a wait entry waits for a computation
 * @wait: the entry
 *
 * Return: true between a khttpd_fib_get() that returned -EINPROGRESS and
 * the khttpd_fib_collect() or khttpd_fib_cancel() that ends it.
 */
static inline bool khttpd_fib_waiting(const struct khttpd_fib_wait *wait)
{
	return wait->job;
}

#endif /* KHTTPD_FIB_H */
