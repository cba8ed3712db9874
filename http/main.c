// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - khttpd's module parameters, load and unload.
 *
 * Every parameter is read once at load time (and is read-only in
 * /sys/module/khttpd/parameters) except zerocopy, cache_flush, drain,
 * cache_admission and the test-only fault_timer_delay_ms, which may be
 * written at any time.  There
 * is no per-request log: the khttpd tracepoints (http/trace.h) say what
 * each request, connection and computation did.
 * Documentation/http.md lists them with their defaults.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "cache/cache.h"
#include "http/conn.h"
#include "http/server.h"
#include "http/stats.h"
#include "http/static.h"

static ushort port = 8081;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "TCP port to listen on (8081)");

static ushort backlog = 1024;
module_param(backlog, ushort, 0444);
MODULE_PARM_DESC(backlog, "listen() backlog (1024)");

static char bind[64];
module_param_string(bind, bind, sizeof(bind), 0444);
MODULE_PARM_DESC(bind, "IPv4 or IPv6 address to listen on (all, dual-stack)");

static uint max_connections = 10000;
module_param(max_connections, uint, 0444);
MODULE_PARM_DESC(max_connections, "open connections; more get 503 (10000)");

static uint max_requests = 1000;
module_param(max_requests, uint, 0444);
MODULE_PARM_DESC(max_requests, "requests per connection (1000)");

static uint max_compute;
module_param(max_compute, uint, 0444);
MODULE_PARM_DESC(max_compute, "computations at once (0: online CPUs)");

static uint max_compute_queue = 64;
module_param(max_compute_queue, uint, 0444);
MODULE_PARM_DESC(max_compute_queue, "computations waiting; more get 503 (64)");

static uint max_result_mb = 256;
module_param(max_result_mb, uint, 0444);
MODULE_PARM_DESC(max_result_mb, "peak MiB of one F(N); more get 507 (256)");

static uint max_inflight_mb = 512;
module_param(max_inflight_mb, uint, 0444);
MODULE_PARM_DESC(max_inflight_mb,
		 "MiB of all computations and unsent results; more get 503 (512)");

static uint max_request_line = 8192;
module_param(max_request_line, uint, 0444);
MODULE_PARM_DESC(max_request_line, "request line bytes; more get 414 (8192)");

static uint max_header_bytes = 16384;
module_param(max_header_bytes, uint, 0444);
MODULE_PARM_DESC(max_header_bytes, "header section bytes; more get 431 (16384)");

static uint max_headers = 100;
module_param(max_headers, uint, 0444);
MODULE_PARM_DESC(max_headers, "header fields; more get 431 (100)");

static uint max_body_kb = 1024;
module_param(max_body_kb, uint, 0444);
MODULE_PARM_DESC(max_body_kb, "request body KiB read and discarded; more get 413 (1024)");

static uint header_timeout_ms = 10000;
module_param(header_timeout_ms, uint, 0444);
MODULE_PARM_DESC(header_timeout_ms, "ms from a request's first byte to its end; then 408 (10000)");

static uint idle_timeout_ms = 5000;
module_param(idle_timeout_ms, uint, 0444);
MODULE_PARM_DESC(idle_timeout_ms, "ms a kept-alive connection may idle (5000)");

static uint send_timeout_ms = 30000;
module_param(send_timeout_ms, uint, 0444);
MODULE_PARM_DESC(send_timeout_ms, "ms a response may make no progress (30000)");

static char docroot[256];
module_param_string(docroot, docroot, sizeof(docroot), 0444);
MODULE_PARM_DESC(docroot, "absolute path of the files to serve (none)");

static uint docroot_uid = 65534;
module_param(docroot_uid, uint, 0444);
MODULE_PARM_DESC(docroot_uid, "user the files are read as, not 0 (65534)");

static uint docroot_gid = 65534;
module_param(docroot_gid, uint, 0444);
MODULE_PARM_DESC(docroot_gid, "group the files are read as, not 0 (65534)");

static uint listing_max_entries = 10000;
module_param(listing_max_entries, uint, 0444);
MODULE_PARM_DESC(listing_max_entries,
		 "entries a directory listing names; 0: no listings (10000)");

static uint cache_mb = 64;
module_param(cache_mb, uint, 0444);
MODULE_PARM_DESC(cache_mb, "response cache cap in MiB, 0 disables it (64)");

static int cache_flush_set(const char *val, const struct kernel_param *kp)
{
	bool flush;
	int err = kstrtobool(val, &flush);

	if (err)
		return err;
	if (flush)
		khttpd_cache_flush();
	return 0;
}

static int cache_flush_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "0\n");
}

static const struct kernel_param_ops cache_flush_ops = {
	.set = cache_flush_set,
	.get = cache_flush_get,
};
module_param_cb(cache_flush, &cache_flush_ops, NULL, 0644);
MODULE_PARM_DESC(cache_flush, "write 1 to empty the response cache");

static int cache_stats_get(char *buf, const struct kernel_param *kp)
{
	struct khttpd_cache_stats st;

	khttpd_cache_read_stats(&st);
	return sysfs_emit(buf,
			  "entries=%llu bytes=%llu cap=%llu hits=%llu misses=%llu inserts=%llu evictions=%llu rejected=%llu refused=%llu\n",
			  st.entries, st.bytes, st.cap, st.hits, st.misses,
			  st.inserts, st.evictions, st.rejected, st.refused);
}

static const struct kernel_param_ops cache_stats_ops = {
	.get = cache_stats_get,
};
module_param_cb(cache_stats, &cache_stats_ops, NULL, 0444);
MODULE_PARM_DESC(cache_stats, "the response cache's figures (read-only)");

static struct khttpd_server server;
static bool running;		/* init done, exit not begun */

/*
 * drain=1: the node is leaving a load balancer.  /healthz answers 503,
 * every response closes its connection, idle connections close at once;
 * new connections are still served.  drain=0 restores normal service.
 */
static int drain_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	WRITE_ONCE(server.draining, on);
	if (on && READ_ONCE(running))
		khttpd_conns_drain(&server);
	return 0;
}

static int drain_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(server.draining));
}

static const struct kernel_param_ops drain_ops = {
	.set = drain_set,
	.get = drain_get,
};
module_param_cb(drain, &drain_ops, NULL, 0644);
MODULE_PARM_DESC(drain, "1: /healthz 503, close every connection after its response (0)");

bool khttpd_zerocopy = true;
module_param_named(zerocopy, khttpd_zerocopy, bool, 0644);
MODULE_PARM_DESC(zerocopy, "send large bodies with sendpage, not copies (on)");

uint khttpd_fault_timer_delay_ms;
module_param_named(fault_timer_delay_ms, khttpd_fault_timer_delay_ms, uint,
		   0644);
MODULE_PARM_DESC(fault_timer_delay_ms,
		 "tests only: a connection's timer waits this long (<= 2000) before queueing its work (0)");

static void config_from_params(struct khttpd_config *cfg)
{
	struct http_limits lim = HTTP_LIMITS_DEFAULT;

	cfg->port = port;
	cfg->backlog = backlog;
	strscpy(cfg->bind, bind, sizeof(cfg->bind));
	cfg->max_connections = max(max_connections, 1u);
	cfg->max_requests = max(max_requests, 1u);
	cfg->max_compute = max_compute ?: num_online_cpus();
	cfg->max_compute_queue = max_compute_queue;
	cfg->max_result_bytes = (u64)max_result_mb << 20;
	cfg->max_inflight_bytes = (u64)max_inflight_mb << 20;
	cfg->header_timeout = msecs_to_jiffies(max(header_timeout_ms, 1u));
	cfg->idle_timeout = msecs_to_jiffies(max(idle_timeout_ms, 1u));
	cfg->send_timeout = msecs_to_jiffies(max(send_timeout_ms, 1u));
	cfg->docroot_uid = docroot_uid;
	cfg->docroot_gid = docroot_gid;
	cfg->listing_max_entries = min(listing_max_entries, 1u << 20);
	lim.max_request_line = max_request_line;
	lim.max_header_bytes = max_header_bytes;
	lim.max_headers = max_headers;
	lim.max_body = (u64)max_body_kb << 10;
	cfg->limits = lim;
}

/* The Fibonacci service's limits, its budget and workqueue. */
static void fib_init(struct khttpd_server *srv)
{
	struct khttpd_fib *fib = &srv->fib;

	fib->max_jobs = srv->cfg.max_compute + srv->cfg.max_compute_queue;
	fib->max_result_bytes = srv->cfg.max_result_bytes;
	fib->max_inflight_bytes = srv->cfg.max_inflight_bytes;
	fib->budget = &srv->inflight_bytes;
	/* A backstop: the connection's send timeout closes the stream first. */
	fib->stream_timeout = 2 * srv->cfg.send_timeout;
	fib->wq = srv->compute_wq;
}

static int __init khttpd_init(void)
{
	struct khttpd_server *srv = &server;
	int err;

	config_from_params(&srv->cfg);
	mutex_init(&srv->lock);
	INIT_LIST_HEAD(&srv->conns);
	init_waitqueue_head(&srv->conns_gone);
	err = khttpd_stats_init();
	if (err)
		return err;
	err = khttpd_cache_init((size_t)cache_mb << 20);
	if (err)
		goto err_stats;
	err = khttpd_conn_cache_init();
	if (err)
		goto err_cache;
	err = -ENOMEM;
	srv->io_wq = alloc_workqueue("khttpd-io", WQ_MEM_RECLAIM, 0);
	if (!srv->io_wq)
		goto err_conn_cache;
	srv->compute_wq = alloc_workqueue("khttpd-compute", WQ_UNBOUND,
					  srv->cfg.max_compute);
	if (!srv->compute_wq)
		goto err_io;
	fib_init(srv);
	err = khttpd_static_init(srv, docroot);
	if (err)
		goto err_compute;
	err = khttpd_listener_start(srv);
	if (err) {
		pr_err("cannot listen on [%s]:%u: %d\n", srv->cfg.bind, port, err);
		goto err_static;
	}
	pr_info("listening on [%s]:%u\n", srv->cfg.bind[0] ? srv->cfg.bind : "::",
		port);
	WRITE_ONCE(running, true);
	return 0;

err_static:
	khttpd_static_exit(srv);
err_compute:
	destroy_workqueue(srv->compute_wq);
err_io:
	destroy_workqueue(srv->io_wq);
err_conn_cache:
	khttpd_conn_cache_exit();
err_cache:
	khttpd_cache_exit();
err_stats:
	khttpd_stats_exit();
	return err;
}

static void __exit khttpd_exit(void)
{
	struct khttpd_server *srv = &server;

	WRITE_ONCE(running, false);
	khttpd_listener_stop(srv);
	khttpd_conns_stop(srv);
	destroy_workqueue(srv->compute_wq);
	destroy_workqueue(srv->io_wq);
	khttpd_conn_cache_exit();
	khttpd_static_exit(srv);
	khttpd_cache_exit();
	khttpd_stats_exit();
	pr_info("unloaded\n");
}

module_init(khttpd_init);
module_exit(khttpd_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("in-kernel HTTP/1.1 server of Fibonacci numbers");
MODULE_AUTHOR("khttpd developers");
MODULE_VERSION("0.3");
