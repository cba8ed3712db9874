// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - per-CPU counters of connections and requests, and the /stats
 * page: these, the Fibonacci service's and the cache's own figures.
 */
#include <linux/percpu.h>

#include "cache/cache.h"
#include "http/server.h"
#include "http/stats.h"

/* The statuses khttpd answers, each counted on its own. */
const int khttpd_counted_statuses[KHTTPD_NR_STATUSES] = {
	200, 206, 301, 304, 400, 403, 404, 405, 406, 408, 412, 413, 414, 416,
	431, 500, 501, 503, 505, 507
};
static struct khttpd_counters __percpu *counters;

static const char *const stat_names[KHTTPD_STAT_NR] = {
	[KHTTPD_STAT_ACCEPTED] = "accepted",
	[KHTTPD_STAT_REFUSED] = "refused",
	[KHTTPD_STAT_CLOSED] = "closed",
	[KHTTPD_STAT_TIMEOUTS] = "timeouts",
	[KHTTPD_STAT_REQUESTS] = "requests",
	[KHTTPD_STAT_BYTES_IN] = "bytes_in",
	[KHTTPD_STAT_BYTES_OUT] = "bytes_out",
};

int khttpd_stats_init(void)
{
	counters = alloc_percpu(struct khttpd_counters);
	return counters ? 0 : -ENOMEM;
}

void khttpd_stats_exit(void)
{
	free_percpu(counters);
}

/**
 * khttpd_stat_add() - add to a counter
 * @s: the counter
 * @v: how much
 */
void khttpd_stat_add(enum khttpd_stat s, u64 v)
{
	this_cpu_add(counters->stat[s], v);
}

/**
 * khttpd_stat_status() - count a response by its status
 * @status: the status code
 */
void khttpd_stat_status(int status)
{
	size_t i;

	for (i = 0; i < KHTTPD_NR_STATUSES; i++)
		if (khttpd_counted_statuses[i] == status)
			break;
	this_cpu_inc(counters->status[i]);
}

/**
 * khttpd_stat_response() - count a response: its status, and its time
 * @status: the status code
 * @ns: nanoseconds from the request's first byte to the response's head
 */
void khttpd_stat_response(int status, u64 ns)
{
	khttpd_stat_status(status);
	this_cpu_inc(counters->response_hist[khttpd_hist_bucket(ns)]);
	this_cpu_add(counters->response_ns, ns);
}

/**
 * khttpd_stat_route() - count a request by what it asked for
 * @r: the route
 */
void khttpd_stat_route(enum khttpd_route_stat r)
{
	this_cpu_inc(counters->route[r]);
}

/**
 * khttpd_stat_close() - count a connection closed
 * @reason: enum khttpd_close_reason
 */
void khttpd_stat_close(int reason)
{
	if (reason >= 0 && reason < KHTTPD_NR_CLOSE_STATS)
		this_cpu_inc(counters->closed[reason]);
}

/**
 * khttpd_stats_sum() - every CPU's counters added up
 * @sum: filled in
 */
void khttpd_stats_sum(struct khttpd_counters *sum)
{
	const u64 *c;
	u64 *d = (u64 *)sum;
	size_t i, n = sizeof(*sum) / sizeof(u64);
	int cpu;

	BUILD_BUG_ON(sizeof(*sum) % sizeof(u64));
	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		c = (const u64 *)per_cpu_ptr(counters, cpu);
		for (i = 0; i < n; i++)
			d[i] += READ_ONCE(c[i]);
	}
}

/* Append "name":value pairs of @from..@to to @p; return the new end. */
static char *json_stats(char *p, char *end, const struct khttpd_counters *c,
			int from, int to)
{
	int i;

	for (i = from; i <= to; i++)
		p += scnprintf(p, end - p, "%s\"%s\":%llu", i == from ? "" : ",",
			       stat_names[i], c->stat[i]);
	return p;
}

/**
 * khttpd_stats_json() - the /stats page
 * @srv: the server
 *
 * Return: a body holding one JSON object and a newline, or NULL.
 */
struct khttpd_body *khttpd_stats_json(struct khttpd_server *srv)
{
	struct khttpd_cache_stats cs;
	struct khttpd_counters sum;
	struct khttpd_body *body;
	char *p, *end;
	size_t i;

	body = khttpd_body_alloc(2048);
	if (!body)
		return NULL;
	khttpd_stats_sum(&sum);
	p = body->data;
	end = p + 2048;
	p += scnprintf(p, end - p, "{\"connections\":{\"open\":%d,",
		       atomic_read(&srv->nr_conns));
	p = json_stats(p, end, &sum, KHTTPD_STAT_ACCEPTED, KHTTPD_STAT_TIMEOUTS);
	p += scnprintf(p, end - p, "},\"requests\":%llu,\"status\":{",
		       sum.stat[KHTTPD_STAT_REQUESTS]);
	for (i = 0; i < KHTTPD_NR_STATUSES; i++)
		p += scnprintf(p, end - p, "\"%d\":%llu,",
			       khttpd_counted_statuses[i], sum.status[i]);
	p += scnprintf(p, end - p, "\"other\":%llu},", sum.status[i]);
	p = json_stats(p, end, &sum, KHTTPD_STAT_BYTES_IN,
		       KHTTPD_STAT_BYTES_OUT);
	p += scnprintf(p, end - p,
		       ",\"compute\":{\"active\":%d,\"inflight_bytes\":%lld",
		       atomic_read(&srv->fib.nr_jobs),
		       (long long)atomic64_read(&srv->inflight_bytes));
	for (i = 0; i < KHTTPD_FIB_NR_STATS; i++)
		p += scnprintf(p, end - p, ",\"%s\":%lld", khttpd_fib_stat_names[i],
			       (long long)atomic64_read(&srv->fib.stats[i]));
	khttpd_cache_read_stats(&cs);
	p += scnprintf(p, end - p,
		       "},\"cache\":{\"entries\":%llu,\"bytes\":%llu,\"cap\":%llu,"
		       "\"hits\":%llu,\"misses\":%llu,\"inserts\":%llu,"
		       "\"evictions\":%llu,\"rejected\":%llu,\"refused\":%llu}}\n",
		       cs.entries, cs.bytes, cs.cap, cs.hits, cs.misses,
		       cs.inserts, cs.evictions, cs.rejected, cs.refused);
	body->len = p - body->data;
	return body;
}
