/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - per-CPU counters of connections and requests, and the /stats
 * page, which also reads the cache's and the Fibonacci service's own
 * figures.  Lower layers never call into it.
 */
#ifndef KHTTPD_STATS_H
#define KHTTPD_STATS_H

#include <linux/types.h>

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

int khttpd_stats_init(void);
void khttpd_stats_exit(void);
void khttpd_stat_add(enum khttpd_stat s, u64 v);
void khttpd_stat_status(int status);
struct khttpd_body *khttpd_stats_json(struct khttpd_server *srv);

static inline void khttpd_stat_inc(enum khttpd_stat s)
{
	khttpd_stat_add(s, 1);
}

#endif /* KHTTPD_STATS_H */
