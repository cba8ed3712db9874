// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - the /metrics page: khttpd's counters, gauges and latency
 * histograms in the Prometheus text exposition format, version 0.0.4.
 *
 * Everything is read from where it is kept: the per-CPU counters of
 * stats.c, the Fibonacci service's own, the cache's own, the server's
 * gauges.  Nothing here is on a request's path but this page's own.
 * Documentation/operations.md lists the metrics with a scrape config and
 * queries.
 */
#include <linux/kernel.h>
#include <linux/slab.h>

#include "cache/cache.h"
#include "http/server.h"
#include "http/stats.h"
#include "http/trace.h"

/* Room for the page; it needs about 9 KiB. */
#define METRICS_SIZE	(24 << 10)

struct metrics_out {
	char *p;
	char *end;
};

static __printf(2, 3) void out(struct metrics_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	o->p += vscnprintf(o->p, o->end - o->p, fmt, ap);
	va_end(ap);
}

static void head(struct metrics_out *o, const char *name, const char *type,
		 const char *help)
{
	out(o, "# HELP khttpd_%s %s\n# TYPE khttpd_%s %s\n", name, help, name,
	    type);
}

/* One sample of a metric without labels. */
static void sample(struct metrics_out *o, const char *name, const char *type,
		   const char *help, u64 v)
{
	head(o, name, type, help);
	out(o, "khttpd_%s %llu\n", name, v);
}

/* A histogram from per-bucket counts (not cumulative) and their sum. */
static void histogram(struct metrics_out *o, const char *name,
		      const char *help, const u64 *counts, u64 sum_ns)
{
#define KHTTPD_HIST_TEXT(ns, text) text,
	static const char *const le[KHTTPD_HIST_BOUNDS] = {
		KHTTPD_HIST_LE(KHTTPD_HIST_TEXT)
	};
#undef KHTTPD_HIST_TEXT
	u64 total = 0;
	int i;

	head(o, name, "histogram", help);
	for (i = 0; i < KHTTPD_HIST_BOUNDS; i++) {
		total += counts[i];
		out(o, "khttpd_%s_bucket{le=\"%s\"} %llu\n", name, le[i], total);
	}
	total += counts[KHTTPD_HIST_BOUNDS];
	out(o, "khttpd_%s_bucket{le=\"+Inf\"} %llu\n", name, total);
	out(o, "khttpd_%s_sum %llu.%09llu\n", name, sum_ns / NSEC_PER_SEC,
	    sum_ns % NSEC_PER_SEC);
	out(o, "khttpd_%s_count %llu\n", name, total);
}

static void requests(struct metrics_out *o, const struct khttpd_counters *c)
{
	static const char *const routes[KHTTPD_RS_NR] = {
		[KHTTPD_RS_INDEX] = "index",
		[KHTTPD_RS_STATS] = "stats",
		[KHTTPD_RS_METRICS] = "metrics",
		[KHTTPD_RS_HEALTHZ] = "healthz",
		[KHTTPD_RS_FIB] = "fib",
		[KHTTPD_RS_FILE] = "file",
		[KHTTPD_RS_OTHER] = "other",
	};
	u64 class[6] = { 0 };
	int i;

	head(o, "requests_total", "counter", "Requests answered, by route.");
	for (i = 0; i < KHTTPD_RS_NR; i++)
		out(o, "khttpd_requests_total{route=\"%s\"} %llu\n", routes[i],
		    c->route[i]);
	for (i = 0; i < KHTTPD_NR_STATUSES; i++)
		class[khttpd_counted_statuses[i] / 100] += c->status[i];
	head(o, "responses_total", "counter",
	     "Responses sent, by status class.");
	for (i = 1; i <= 5; i++)
		out(o, "khttpd_responses_total{code=\"%dxx\"} %llu\n", i,
		    class[i]);
	sample(o, "received_bytes_total", "counter", "Bytes received.",
	       c->stat[KHTTPD_STAT_BYTES_IN]);
	sample(o, "sent_bytes_total", "counter", "Bytes sent.",
	       c->stat[KHTTPD_STAT_BYTES_OUT]);
	histogram(o, "response_seconds",
		  "Time from a request's first byte to its response's head.",
		  c->response_hist, c->response_ns);
}

static void connections(struct metrics_out *o, struct khttpd_server *srv,
			const struct khttpd_counters *c)
{
#undef EM
#undef EMe
#define EM(a, b)	[a] = b,
#define EMe(a, b)	[a] = b
	static const char *const reasons[] = { KHTTPD_CLOSE_REASONS };
#undef EM
#undef EMe
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(reasons) > KHTTPD_NR_CLOSE_STATS);
	sample(o, "connections_accepted_total", "counter",
	       "Connections accepted.", c->stat[KHTTPD_STAT_ACCEPTED]);
	sample(o, "connections_refused_total", "counter",
	       "Connections refused with 503 (max_connections).",
	       c->stat[KHTTPD_STAT_REFUSED]);
	head(o, "connections_closed_total", "counter",
	     "Connections closed, by reason.");
	for (i = 0; i < ARRAY_SIZE(reasons); i++)
		out(o, "khttpd_connections_closed_total{reason=\"%s\"} %llu\n",
		    reasons[i], c->closed[i]);
	sample(o, "timeouts_total", "counter",
	       "Deadlines passed: header, idle, send.",
	       c->stat[KHTTPD_STAT_TIMEOUTS]);
	sample(o, "connections_open", "gauge", "Connections open.",
	       atomic_read(&srv->nr_conns));
}

static void cache(struct metrics_out *o)
{
	struct khttpd_cache_stats cs;

	khttpd_cache_read_stats(&cs);
	sample(o, "cache_hits_total", "counter", "Cache lookups that hit.",
	       cs.hits);
	sample(o, "cache_misses_total", "counter", "Cache lookups that missed.",
	       cs.misses);
	sample(o, "cache_inserts_total", "counter",
	       "Bodies put into the cache.", cs.inserts);
	sample(o, "cache_evictions_total", "counter",
	       "Bodies evicted to make room.", cs.evictions);
	sample(o, "cache_rejected_total", "counter",
	       "Bodies too large for the cache.", cs.rejected);
	sample(o, "cache_refused_total", "counter",
	       "Bodies admission judged not worth their bytes.", cs.refused);
	sample(o, "cache_entries", "gauge", "Bodies the cache holds now.",
	       cs.entries);
	sample(o, "cache_bytes", "gauge",
	       "Bytes the cache holds, metadata included.", cs.bytes);
	sample(o, "cache_capacity_bytes", "gauge", "The cache's cap (cache_mb).",
	       cs.cap);
}

static void computations(struct metrics_out *o, struct khttpd_server *srv)
{
	struct khttpd_fib *fib = &srv->fib;
	u64 hist[KHTTPD_HIST_BUCKETS];
	int jobs = atomic_read(&fib->nr_jobs);
	int running = atomic_read(&fib->nr_running);
	int i;

	head(o, "computations_total", "counter",
	     "Computations of F(N), by what became of them.");
	for (i = 0; i < KHTTPD_FIB_NR_STATS; i++)
		if (i != KHTTPD_FIB_JOINS)	/* a request's, not a computation's */
			out(o, "khttpd_computations_total{event=\"%s\"} %lld\n",
			    khttpd_fib_stat_names[i],
			    (long long)atomic64_read(&fib->stats[i]));
	sample(o, "computations_joined_total", "counter",
	       "Requests that waited for a computation already running.",
	       atomic64_read(&fib->stats[KHTTPD_FIB_JOINS]));
	sample(o, "computations_running", "gauge", "Computations running.",
	       running);
	sample(o, "computations_queued", "gauge",
	       "Computations waiting for a slot.",
	       jobs > running ? jobs - running : 0);
	sample(o, "inflight_bytes", "gauge",
	       "Memory reserved by computations and unsent results.",
	       atomic64_read(&srv->inflight_bytes));
	for (i = 0; i < KHTTPD_HIST_BUCKETS; i++)
		hist[i] = atomic64_read(&fib->hist[i]);
	histogram(o, "computation_seconds",
		  "Compute and convert time of each F(N) computed.", hist,
		  atomic64_read(&fib->hist_ns));
}

/**
 * khttpd_metrics() - the /metrics page
 * @srv: the server
 *
 * Return: a body in the Prometheus text format 0.0.4, or NULL.
 */
struct khttpd_body *khttpd_metrics(struct khttpd_server *srv)
{
	struct khttpd_counters *sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	struct khttpd_body *body = khttpd_body_alloc(METRICS_SIZE);
	struct metrics_out o;

	if (!sum || !body) {
		kfree(sum);
		khttpd_body_put(body);
		return NULL;
	}
	khttpd_stats_sum(sum);
	o.p = body->data;
	o.end = body->data + METRICS_SIZE;
	requests(&o, sum);
	connections(&o, srv, sum);
	cache(&o);
	computations(&o, srv);
	body->len = o.p - body->data;
	kfree(sum);
	return body;
}
