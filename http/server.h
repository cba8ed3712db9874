/* SPDX-License-Identifier: GPL-2.0 */
/*
 * server.h - a loaded khttpd: its configuration from the module
 * parameters (main.c), the server that owns the listener, the
 * connections and the Fibonacci service, and the listener's interface.
 */
#ifndef KHTTPD_SERVER_H
#define KHTTPD_SERVER_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/path.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "http/fib.h"
#include "http/proto/parser.h"

struct cred;
struct khttpd_listings;

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
 * @docroot_uid: the user files are looked up, opened and read as
 * @docroot_gid: that user's group (and no other)
 * @listing_max_entries: entries a directory listing names at most
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
	u32 docroot_uid;
	u32 docroot_gid;
	u32 listing_max_entries;
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
 * @inflight_bytes: memory reserved by computations and unsent results
 * @fib: the Fibonacci service, charging @inflight_bytes
 * @stopping: unload has begun
 * @draining: the drain parameter: /healthz 503, no keep-alive
 * @docroot: the document root (static.c), if @has_docroot
 * @docroot_cred: the credentials of @cfg.docroot_uid (static.c)
 * @listings: the directory listings made in the last second (dirlist.c)
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
	atomic64_t inflight_bytes;
	struct khttpd_fib fib;
	bool stopping;
	bool draining;
	struct path docroot;
	const struct cred *docroot_cred;
	struct khttpd_listings *listings;
	bool has_docroot;
};

/* listener.c */
int khttpd_listener_start(struct khttpd_server *srv);
void khttpd_listener_stop(struct khttpd_server *srv);

/* main.c: the writable parameters */
extern bool khttpd_zerocopy;
extern uint khttpd_fault_timer_delay_ms;

#endif /* KHTTPD_SERVER_H */
