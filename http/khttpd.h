/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khttpd.h - what the kernel-side files of khttpd share: the configuration
 * taken from the module parameters, the server, and the interfaces between
 * the listener (listener.c), the connections (conn.c), the computations
 * (compute.c), response bodies (body.c) and the counters (stats.c).
 */
#ifndef KHTTPD_H
#define KHTTPD_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/path.h>
#include <linux/refcount.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "http/proto/parser.h"

/**
 * struct khttpd_config - the module parameters, fixed at load time
 * @port: TCP port
 * @backlog: listen() backlog
 * @bind: address to listen on, "" for every IPv6 and IPv4 address
 * @max_connections: open connections; more are answered 503 and closed
 * @max_requests: requests served on one connection before it is closed
 * @max_compute: computations running at once
 * @max_compute_queue: computations waiting for a slot; more are 503
 * @max_result_bytes: estimated peak memory of one F(N); more is 507
 * @max_inflight_bytes: memory all computations and unsent results may
 *                      hold together; more is 503
 * @header_timeout: jiffies from a request's first byte to its last header
 * @idle_timeout: jiffies a kept-alive connection may wait for a request
 * @send_timeout: jiffies a response may make no progress
 * @limits: the parser's limits
 */
struct khttpd_config {
	u16 port;
	u16 backlog;
	char bind[64];
	u32 max_connections;
	u32 max_requests;
	u32 max_compute;
	u32 max_compute_queue;
	u64 max_result_bytes;
	u64 max_inflight_bytes;
	unsigned long header_timeout;
	unsigned long idle_timeout;
	unsigned long send_timeout;
	struct http_limits limits;
};

/**
 * struct khttpd_server - everything a loaded khttpd owns
 * @cfg: the configuration
 * @listener: the listening socket
 * @saved_data_ready: the listening socket's own data_ready callback
 * @accept_work: accepts every pending connection
 * @io_wq: connections' work items (per-CPU, concurrency managed)
 * @compute_wq: computations (unbound, at most @cfg.max_compute at once)
 * @lock: protects @conns and @stopping
 * @conns: open connections
 * @nr_conns: number of connections not yet freed
 * @conns_gone: woken when @nr_conns drops to zero
 * @nr_jobs: computations queued or running
 * @inflight_bytes: memory reserved by computations and unsent results
 * @stopping: unload has begun
 * @docroot: the document root (static.c), if @has_docroot
 * @has_docroot: files are served
 */
struct khttpd_server {
	struct khttpd_config cfg;
	struct socket *listener;
	void (*saved_data_ready)(struct sock *sk);
	struct work_struct accept_work;
	struct workqueue_struct *io_wq;
	struct workqueue_struct *compute_wq;
	struct mutex lock;
	struct list_head conns;
	atomic_t nr_conns;
	wait_queue_head_t conns_gone;
	atomic_t nr_jobs;
	atomic64_t inflight_bytes;
	bool stopping;
	struct path docroot;
	bool has_docroot;
};

/* listener.c */
int khttpd_listener_start(struct khttpd_server *srv);
void khttpd_listener_stop(struct khttpd_server *srv);

/* conn.c */
struct khttpd_conn;
int khttpd_conn_cache_init(void);
void khttpd_conn_cache_exit(void);
void khttpd_conn_open(struct khttpd_server *srv, struct socket *sock);
void khttpd_conns_stop(struct khttpd_server *srv);
struct khttpd_conn *khttpd_conn_get(struct khttpd_conn *conn);
void khttpd_conn_put(struct khttpd_conn *conn);

/**
 * struct khttpd_body - an immutable, reference-counted response body
 * @ref: references: every response sending it, the cache
 * @len: bytes of the body
 * @charge: bytes charged to the server's in-flight budget, returned when
 *          the body is freed
 * @srv: the server charged, or NULL
 * @data: the bytes, for a body in memory; NULL for a file's
 * @file: the open file, for a body that is a file's bytes
 *        [@file_off, @file_off + @len)
 * @file_off: where in @file the body starts
 */
struct khttpd_body {
	refcount_t ref;
	size_t len;
	size_t charge;
	struct khttpd_server *srv;
	char *data;
	struct file *file;
	loff_t file_off;
};

/* body.c */
struct khttpd_body *khttpd_body_alloc(size_t size);
struct khttpd_body *khttpd_body_file(struct file *file, loff_t off,
				     size_t len);
struct khttpd_body *khttpd_body_printf(const char *fmt, ...) __printf(1, 2);
void khttpd_body_put(struct khttpd_body *body);
void khttpd_body_uncharge(struct khttpd_body *body);

static inline struct khttpd_body *khttpd_body_get(struct khttpd_body *body)
{
	refcount_inc(&body->ref);
	return body;
}

/**
 * struct khttpd_timing - where a /fib response's time went, nanoseconds
 * @parse: request bytes complete to head parsed and routed
 * @queue: waiting for a computation slot
 * @compute: computing F(N)
 * @convert: converting it to text
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
	u64 total;
};

/**
 * struct khttpd_job - one computation of F(N) as text, shared by every
 * request for the same (N, base) that arrives while it runs
 * @work: runs on the server's compute workqueue
 * @hnode: in the table of running jobs, until done
 * @srv: the server
 * @ref: references: the worker, and each waiting connection
 * @waiters: the waiting connections' struct khttpd_job_wait
 * @nr_waiters: how many; the last to leave an unfinished job cancels it
 * @key: (N, base)
 * @n: N
 * @base: 10 or 16
 * @cancelled: set when nobody waits any more
 * @done: the result is ready (read with smp_load_acquire())
 * @err: 0, or why there is no @body
 * @body: the text of F(N), on success
 * @reserved: bytes reserved from the in-flight budget while computing
 * @queued_ns: when it was queued
 * @timing: how long the stages took
 */
struct khttpd_job {
	struct work_struct work;
	struct hlist_node hnode;
	struct khttpd_server *srv;
	refcount_t ref;
	struct list_head waiters;
	unsigned int nr_waiters;
	u64 key;
	u32 n;
	u32 base;
	atomic_t cancelled;
	bool done;
	int err;
	struct khttpd_body *body;
	u64 reserved;
	u64 queued_ns;
	struct khttpd_timing timing;
};

/**
 * struct khttpd_job_wait - a connection waiting for a job; embed it
 * @node: on the job's waiters
 * @conn: the connection
 */
struct khttpd_job_wait {
	struct list_head node;
	struct khttpd_conn *conn;
};

/* compute.c */
int khttpd_fib_text(u32 n, u32 base, struct khttpd_body **out,
		    bool (*cancelled)(void *arg), void *arg,
		    struct khttpd_timing *timing);
u64 khttpd_fib_estimate(u32 n, u32 base);
bool khttpd_fib_is_quick(u32 n);
int khttpd_job_join(struct khttpd_server *srv, struct khttpd_job_wait *wait,
		    u32 n, u32 base, struct khttpd_job **out);
void khttpd_job_leave(struct khttpd_job *job, struct khttpd_job_wait *wait);
void khttpd_conn_job_done(struct khttpd_conn *conn);

/* stats.c */
enum khttpd_stat {
	KHTTPD_STAT_ACCEPTED,
	KHTTPD_STAT_REFUSED,
	KHTTPD_STAT_CLOSED,
	KHTTPD_STAT_TIMEOUTS,
	KHTTPD_STAT_REQUESTS,
	KHTTPD_STAT_BYTES_IN,
	KHTTPD_STAT_BYTES_OUT,
	KHTTPD_STAT_JOBS_STARTED,
	KHTTPD_STAT_JOBS_DONE,
	KHTTPD_STAT_JOBS_FAILED,
	KHTTPD_STAT_JOBS_CANCELLED,
	KHTTPD_STAT_JOBS_REFUSED,
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

/* main.c */
extern bool khttpd_debug;
extern bool khttpd_zerocopy;

#endif /* KHTTPD_H */
