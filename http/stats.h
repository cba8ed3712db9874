/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - per-CPU counters of connections and requests, the /stats page
 * (JSON, stats.c) and the /metrics page (Prometheus, metrics.c), which also
 * read the cache's and the Fibonacci service's own figures.  Lower layers
 * never call into it.
 */
#ifndef KHTTPD_STATS_H
#define KHTTPD_STATS_H

#include <linux/types.h>

#include "http/hist.h"

struct khttpd_body;
struct khttpd_server;

/**
 * enum khttpd_stat - the counters of connections and requests
 * @KHTTPD_STAT_ACCEPTED: connections accepted
 * @KHTTPD_STAT_REFUSED: connections refused (max_connections)
 * @KHTTPD_STAT_CLOSED: connections closed and freed
 * @KHTTPD_STAT_TIMEOUTS: deadlines that passed
 * @KHTTPD_STAT_REQUESTS: request heads answered
 * @KHTTPD_STAT_BYTES_IN: bytes received
 * @KHTTPD_STAT_BYTES_OUT: bytes sent
 * @KHTTPD_STAT_NR: how many
 */
enum khttpd_stat {
	KHTTPD_STAT_ACCEPTED,
	KHTTPD_STAT_REFUSED,
	KHTTPD_STAT_CLOSED,
	KHTTPD_STAT_TIMEOUTS,
	KHTTPD_STAT_REQUESTS,
	KHTTPD_STAT_BYTES_IN,
	KHTTPD_STAT_BYTES_OUT,
	KHTTPD_STAT_NR
};

/**
 * enum khttpd_route_stat - what a request asked for, as counted
 * @KHTTPD_RS_INDEX: "/"
 * @KHTTPD_RS_STATS: "/stats"
 * @KHTTPD_RS_METRICS: "/metrics"
 * @KHTTPD_RS_HEALTHZ: "/healthz"
 * @KHTTPD_RS_FIB: "/fib/N"
 * @KHTTPD_RS_FILE: a file or directory of the docroot
 * @KHTTPD_RS_OTHER: anything else (404, 400, 405)
 * @KHTTPD_RS_NR: how many
 */
enum khttpd_route_stat {
	KHTTPD_RS_INDEX,
	KHTTPD_RS_STATS,
	KHTTPD_RS_METRICS,
	KHTTPD_RS_HEALTHZ,
	KHTTPD_RS_FIB,
	KHTTPD_RS_FILE,
	KHTTPD_RS_OTHER,
	KHTTPD_RS_NR
};

/* The statuses khttpd answers, each counted on its own (stats.c). */
#define KHTTPD_NR_STATUSES	20
extern const int khttpd_counted_statuses[KHTTPD_NR_STATUSES];

/* Close reasons counted: enum khttpd_close_reason (http/trace.h). */
#define KHTTPD_NR_CLOSE_STATS	8

/**
 * struct khttpd_counters - the per-CPU counters, or their sum
 * @stat: enum khttpd_stat
 * @status: responses by status, khttpd_counted_statuses[] order; the last
 *          one counts any other status
 * @route: requests by enum khttpd_route_stat
 * @closed: connections closed, by enum khttpd_close_reason
 * @response_hist: responses by time from the request's first byte to the
 *                 response's head, in the buckets of http/hist.h
 * @response_ns: the sum of those times
 */
struct khttpd_counters {
	u64 stat[KHTTPD_STAT_NR];
	u64 status[KHTTPD_NR_STATUSES + 1];
	u64 route[KHTTPD_RS_NR];
	u64 closed[KHTTPD_NR_CLOSE_STATS];
	u64 response_hist[KHTTPD_HIST_BUCKETS];
	u64 response_ns;
};

int khttpd_stats_init(void);
void khttpd_stats_exit(void);
void khttpd_stats_sum(struct khttpd_counters *sum);
void khttpd_stat_add(enum khttpd_stat s, u64 v);
void khttpd_stat_status(int status);
void khttpd_stat_response(int status, u64 ns);
void khttpd_stat_route(enum khttpd_route_stat r);
void khttpd_stat_close(int reason);
struct khttpd_body *khttpd_stats_json(struct khttpd_server *srv);

/* metrics.c */
struct khttpd_body *khttpd_metrics(struct khttpd_server *srv);

static inline void khttpd_stat_inc(enum khttpd_stat s)
{
	khttpd_stat_add(s, 1);
}

#endif /* KHTTPD_STATS_H */
