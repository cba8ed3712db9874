// SPDX-License-Identifier: GPL-2.0
/*
 * conn.c - one HTTP/1.1 connection: an event-driven state machine.
 *
 * The socket is never read or written in blocking mode.  Its callbacks
 * (data_ready, write_space, state_change), the connection's timer and the
 * end of a computation only queue the connection's work item on the I/O
 * workqueue; the work item reads what is there, parses, answers, writes
 * what fits and returns.  A work item never runs on two CPUs at once, so
 * the state below needs no lock.
 *
 * Requests are answered strictly in order, one at a time: pipelined
 * requests wait in the receive buffer, whose size is bounded by the
 * parser's limits; when it is full the connection stops reading and TCP
 * flow control holds the client back.
 *
 * Lifetime: a connection is referenced by the server's list (until it is
 * closed) and by its computation (until that completes).  The last
 * reference queues free_work, which cancels the work item and the timer
 * before freeing, on the same workqueue that unload drains.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "cache/cache.h"
#include "http/khttpd.h"
#include "http/proto/response.h"
#include "http/static.h"

#define RX_INITIAL		2048
#define LINGER_TIME		(2 * HZ)
#define LINGER_BYTES		(1 << 20)
#define RUN_BUDGET		64

enum conn_flags {
	CONN_DEAD,		/* closed: callbacks and timer do nothing */
	CONN_STOP,		/* unload: close at once */
	CONN_TIMER,		/* the timer fired */
	CONN_JOB_DONE,		/* the computation completed */
};

enum conn_deadline {
	DL_NONE,
	DL_HEADER,		/* request started, head (or body) incomplete */
	DL_IDLE,		/* waiting for a request */
	DL_SEND,		/* response made no progress */
	DL_LINGER,		/* response sent, draining before close */
};

/* What to answer once a computation completes. */
struct pending_fib {
	u32 n;
	u32 base;
	bool head_only;
	u64 parse_ns;
};

struct khttpd_conn {
	struct khttpd_server *srv;
	struct socket *sock;
	struct list_head node;
	refcount_t ref;
	unsigned long flags;
	struct work_struct io_work;
	struct work_struct free_work;
	struct timer_list timer;
	enum conn_deadline deadline;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);

	/* receiving */
	char *rx;
	u32 rx_len;
	u32 rx_cap;
	struct http_parser parser;
	bool head_started;
	bool in_body;
	bool peer_closed;
	bool lingering;
	bool close_after;
	unsigned long request_start;
	unsigned long idle_since;
	unsigned long linger_start;
	u32 lingered;
	u64 head_start_ns;
	u32 requests;

	/* the response being sent */
	bool tx_active;
	bool tx_head_only;
	char head[512];
	u32 head_len;
	u32 head_sent;
	struct khttpd_body *body;
	size_t body_sent;
	unsigned long last_progress;
	u32 una_seen;		/* snd_una when last looked at */
	char *fbuf;		/* file bytes read, for filesystems that */
	u32 fbuf_len;		/* cannot lend their page-cache pages */
	u32 fbuf_off;

	/* the computation being waited for */
	struct khttpd_job *job;
	struct khttpd_job_wait wait;
	struct pending_fib pending;
};

/* Connections have their own slab cache: no rounding up to kmalloc-2k. */
static struct kmem_cache *conn_cache;

/**
 * khttpd_conn_cache_init() - create the slab cache of connections
 *
 * Return: 0 or -ENOMEM.
 */
int khttpd_conn_cache_init(void)
{
	conn_cache = KMEM_CACHE(khttpd_conn, 0);
	return conn_cache ? 0 : -ENOMEM;
}

/**
 * khttpd_conn_cache_exit() - destroy it, once every connection is freed
 */
void khttpd_conn_cache_exit(void)
{
	kmem_cache_destroy(conn_cache);
}

static void conn_kick(struct khttpd_conn *conn)
{
	if (!test_bit(CONN_DEAD, &conn->flags))
		queue_work(conn->srv->io_wq, &conn->io_work);
}

static void conn_data_ready(struct sock *sk)
{
	struct khttpd_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		conn_kick(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void conn_write_space(struct sock *sk)
{
	struct khttpd_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		conn_kick(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void conn_timer_fn(struct timer_list *t)
{
	struct khttpd_conn *conn = from_timer(conn, t, timer);

	set_bit(CONN_TIMER, &conn->flags);
	conn_kick(conn);
}

struct khttpd_conn *khttpd_conn_get(struct khttpd_conn *conn)
{
	refcount_inc(&conn->ref);
	return conn;
}

void khttpd_conn_put(struct khttpd_conn *conn)
{
	if (refcount_dec_and_test(&conn->ref))
		queue_work(conn->srv->io_wq, &conn->free_work);
}

static void conn_free_work(struct work_struct *work)
{
	struct khttpd_conn *conn =
		container_of(work, struct khttpd_conn, free_work);
	struct khttpd_server *srv = conn->srv;

	cancel_work_sync(&conn->io_work);
	del_timer_sync(&conn->timer);
	khttpd_body_put(conn->body);
	kfree(conn->rx);
	kfree(conn->fbuf);
	sock_release(conn->sock);
	kmem_cache_free(conn_cache, conn);
	khttpd_stat_inc(KHTTPD_STAT_CLOSED);
	if (atomic_dec_and_test(&srv->nr_conns))
		wake_up(&srv->conns_gone);
}

/* Detach from the socket, cancel the computation, leave the list. */
static void conn_close(struct khttpd_conn *conn)
{
	struct khttpd_server *srv = conn->srv;
	struct sock *sk = conn->sock->sk;

	if (test_and_set_bit(CONN_DEAD, &conn->flags))
		return;
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = conn->saved_data_ready;
	sk->sk_write_space = conn->saved_write_space;
	sk->sk_state_change = conn->saved_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	if (conn->job) {
		/* The last one waiting cancels the computation. */
		khttpd_job_leave(conn->job, &conn->wait);
		conn->job = NULL;
	}
	del_timer(&conn->timer);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	mutex_lock(&srv->lock);
	list_del_init(&conn->node);
	mutex_unlock(&srv->lock);
	khttpd_conn_put(conn);
}

/*
 * Close after a response: send FIN, then read and drop what the client
 * still sends for a moment, so that closing with unread bytes does not
 * turn into a reset that destroys the response before the client read it.
 */
static void conn_start_linger(struct khttpd_conn *conn)
{
	kernel_sock_shutdown(conn->sock, SHUT_WR);
	conn->lingering = true;
	conn->linger_start = jiffies;
	conn->rx_len = 0;
}

static void conn_linger(struct khttpd_conn *conn)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	char drop[256];
	struct kvec vec = { .iov_base = drop, .iov_len = sizeof(drop) };
	int n;

	do {
		n = kernel_recvmsg(conn->sock, &msg, &vec, 1, sizeof(drop),
				   MSG_DONTWAIT);
		if (n > 0)
			conn->lingered += n;
	} while (n > 0 && conn->lingered < LINGER_BYTES);
	if (n != -EAGAIN || conn->lingered >= LINGER_BYTES)
		conn_close(conn);
}

/* ---- responses ---------------------------------------------------- */

static int conn_start_response(struct khttpd_conn *conn, int status,
			       struct khttpd_body *body, const char *type,
			       const char *extra, bool head_only)
{
	struct http_response_head h = {
		.status = status,
		.content_type = type,
		.content_length = status == 304 ? HTTP_NO_LENGTH :
				  body ? body->len : 0,
		.close = conn->close_after,
		.extra = extra,
	};
	int n;

	n = http_format_head(conn->head, sizeof(conn->head), &h,
			     ktime_get_real_seconds());
	if (n < 0) {
		khttpd_body_put(body);
		return n;
	}
	conn->head_len = n;
	conn->head_sent = 0;
	conn->body = body;
	conn->body_sent = 0;
	conn->tx_head_only = head_only;
	conn->tx_active = true;
	conn->last_progress = jiffies;
	khttpd_stat_status(status);
	if (khttpd_debug)
		pr_info_ratelimited("%d (%u bytes)\n", status,
				    body ? (u32)body->len : 0);
	return 0;
}

/*
 * An error with a one-line plain-text reason and @extra header lines;
 * @close ends the connection.
 */
static int conn_error_with(struct khttpd_conn *conn, int status,
			   const char *reason, const char *extra, bool close,
			   bool head_only)
{
	static const char type[] = "text/plain; charset=utf-8";
	struct khttpd_body *body;

	if (close)
		conn->close_after = true;
	body = khttpd_body_printf("%d %s: %s\n", status,
				  http_status_reason(status), reason);
	if (!body)
		return -ENOMEM;
	return conn_start_response(conn, status, body, type, extra, head_only);
}

static int conn_error(struct khttpd_conn *conn, int status,
		      const char *reason, bool close, bool head_only)
{
	const char *extra = NULL;

	if (status == 405)
		extra = "Allow: GET, HEAD\r\n";
	else if (status == 503)
		extra = "Retry-After: 1\r\n";
	return conn_error_with(conn, status, reason, extra, close, head_only);
}

/* Bytes sent, -EAGAIN when the socket is full, or another -errno. */
static int send_copy(struct khttpd_conn *conn, const void *p, size_t len,
		     bool more)
{
	struct msghdr msg = {
		.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL | (more ? MSG_MORE : 0),
	};
	struct kvec vec = { .iov_base = (void *)p, .iov_len = len };

	return kernel_sendmsg(conn->sock, &msg, &vec, 1, len);
}

/*
 * A vmalloc()ed body is sent page by page with sendpage: TCP takes a
 * reference on each page instead of copying it, and the page outlives a
 * vfree() of the body until TCP lets it go.  Bodies are immutable, so
 * what TCP sends later is what was there when it was queued.
 */
static int send_page(struct khttpd_conn *conn, const char *p, size_t len,
		     bool more)
{
	size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(p));
	int flags = MSG_DONTWAIT | MSG_NOSIGNAL;

	if (more || chunk < len)
		flags |= MSG_MORE;
	return kernel_sendpage(conn->sock, vmalloc_to_page(p), offset_in_page(p),
			       chunk, flags);
}

/*
 * A file body goes out from the page cache: each page is looked up (read
 * from disk if need be) and lent to TCP with sendpage.  tmpfs has no
 * ->read_folio; its pages are lent when they are in memory, and its holes
 * and swapped-out pages are read by copy instead (a lookup that filled
 * holes would allocate memory for zeros a client asked to read).  Other
 * filesystems without ->read_folio are copied, through a small buffer.
 * A file that shrank under us ends the connection: the length is
 * already promised.
 */
#define FBUF_SIZE (16 << 10)

/*
 * The page of @file at @index with a reference, an ERR_PTR, or NULL when
 * it has to be copied.
 */
static struct page *file_page(struct file *file, pgoff_t index)
{
	struct address_space *mapping = file->f_mapping;
	struct page *page;

	if (mapping->a_ops->read_folio)
		return read_cache_page(mapping, index, NULL, file);
	if (!shmem_mapping(mapping))
		return NULL;
	page = find_get_page(mapping, index);
	if (page && !PageUptodate(page)) {
		put_page(page);
		page = NULL;
	}
	return page;
}

static int send_file_copy(struct khttpd_conn *conn, size_t left, loff_t pos)
{
	ssize_t n;

	if (!conn->fbuf) {
		conn->fbuf = kmalloc(FBUF_SIZE, GFP_KERNEL);
		if (!conn->fbuf)
			return -ENOMEM;
	}
	if (conn->fbuf_off == conn->fbuf_len) {
		n = kernel_read(conn->body->file, conn->fbuf,
				min_t(size_t, left, FBUF_SIZE), &pos);
		if (n <= 0)
			return n ? n : -EIO;
		conn->fbuf_len = n;
		conn->fbuf_off = 0;
	}
	n = send_copy(conn, conn->fbuf + conn->fbuf_off,
		      conn->fbuf_len - conn->fbuf_off, false);
	if (n > 0)
		conn->fbuf_off += n;
	return n;
}

static int send_file(struct khttpd_conn *conn, size_t left)
{
	struct file *file = conn->body->file;
	loff_t pos = conn->body->file_off + conn->body_sent;
	size_t off = offset_in_page(pos);
	size_t chunk = min_t(size_t, left, PAGE_SIZE - off);
	struct page *page;
	ssize_t n;

	if (pos >= i_size_read(file_inode(file)))
		return -EIO;
	/* bytes already copied out go first */
	if (!khttpd_zerocopy || conn->fbuf_off < conn->fbuf_len)
		return send_file_copy(conn, left, pos);
	page = file_page(file, pos >> PAGE_SHIFT);
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (!page)
		return send_file_copy(conn, left, pos);
	n = kernel_sendpage(conn->sock, page, off, chunk,
			    MSG_DONTWAIT | MSG_NOSIGNAL |
			    (chunk < left ? MSG_MORE : 0));
	put_page(page);
	return n;
}

static void conn_response_done(struct khttpd_conn *conn)
{
	conn->tx_active = false;
	khttpd_body_put(conn->body);
	conn->body = NULL;
	kfree(conn->fbuf);
	conn->fbuf = NULL;
	conn->fbuf_len = 0;
	conn->fbuf_off = 0;
	conn->idle_since = jiffies;
	conn->una_seen = READ_ONCE(tcp_sk(conn->sock->sk)->snd_una);
}

/* Send what fits; 0 when done or when the socket is full, or -errno. */
static int conn_send(struct khttpd_conn *conn)
{
	size_t body_len = conn->tx_head_only || !conn->body ? 0 :
			  conn->body->len;
	bool pages = body_len && khttpd_zerocopy && conn->body->data &&
		     is_vmalloc_addr(conn->body->data);
	int n;

	while (conn->head_sent < conn->head_len || conn->body_sent < body_len) {
		if (conn->head_sent < conn->head_len) {
			n = send_copy(conn, conn->head + conn->head_sent,
				      conn->head_len - conn->head_sent,
				      body_len > 0);
		} else if (conn->body->file) {
			n = send_file(conn, body_len - conn->body_sent);
		} else {
			const char *p = conn->body->data + conn->body_sent;
			size_t left = min_t(size_t, body_len - conn->body_sent,
					    1 << 20);

			n = pages ? send_page(conn, p, left, false) :
				    send_copy(conn, p, left, false);
		}
		if (n == -EAGAIN)
			return 0;
		if (n <= 0)
			return n ? n : -EPIPE;
		khttpd_stat_add(KHTTPD_STAT_BYTES_OUT, n);
		conn->last_progress = jiffies;
		if (conn->head_sent < conn->head_len)
			conn->head_sent += n;
		else
			conn->body_sent += n;
	}
	conn_response_done(conn);
	return 0;
}

/* ---- requests ----------------------------------------------------- */

static const char text_type[] = "text/plain; charset=utf-8";

#define INDEX_TEXT							\
	"khttpd - an in-kernel HTTP/1.1 server of Fibonacci numbers\n"	\
	"\n"								\
	"GET /fib/N          F(N) in decimal, N = 0..2147483647\n"	\
	"GET /fib/N?base=16  F(N) in lowercase hexadecimal\n"		\
	"GET /stats          counters, as JSON\n"

/* Everything a /fib response says besides its status and body. */
static void fib_headers(char *buf, size_t size, u32 n, u32 base,
			const char *cache, const struct khttpd_timing *t)
{
	int len;

	len = scnprintf(buf, size,
			"ETag: \"fib-%u-%u\"\r\n"
			"Cache-Control: public, max-age=31536000, immutable\r\n",
			n, base);
	if (!t)
		return;
	scnprintf(buf + len, size - len,
		  "X-Cache: %s\r\nServer-Timing: parse;dur=%llu.%03llu, "
		  "queue;dur=%llu.%03llu, compute;dur=%llu.%03llu, "
		  "convert;dur=%llu.%03llu, total;dur=%llu.%03llu, "
		  "cache;desc=%s\r\n",
		  cache, t->parse / 1000000, t->parse / 1000 % 1000,
		  t->queue / 1000000, t->queue / 1000 % 1000,
		  t->compute / 1000000, t->compute / 1000 % 1000,
		  t->convert / 1000000, t->convert / 1000 % 1000,
		  t->total / 1000000, t->total / 1000 % 1000, cache);
}

static int conn_answer_fib(struct khttpd_conn *conn, u32 n, u32 base,
			   bool head_only, struct khttpd_body *body,
			   const struct khttpd_timing *t, const char *cache)
{
	struct khttpd_timing total = *t;
	char extra[384];

	/* From the request's first byte to the response's head. */
	total.total = ktime_get_ns() - conn->head_start_ns;
	fib_headers(extra, sizeof(extra), n, base, cache, &total);
	return conn_start_response(conn, 200, body, text_type, extra,
				   head_only);
}

static int conn_job_error(struct khttpd_conn *conn, int err, bool head_only)
{
	switch (err) {
	case -E2BIG:
		return conn_error(conn, 507,
				  "F(N) would need more memory than max_result_mb allows",
				  false, head_only);
	case -EBUSY:
		return conn_error(conn, 503,
				  "too many computations in progress, retry later",
				  false, head_only);
	case -EIO:
		return conn_error(conn, 500, "internal error converting F(N)",
				  false, head_only);
	default:
		return conn_error(conn, 503,
				  "out of memory computing F(N), retry later",
				  false, head_only);
	}
}

/* If-None-Match naming this (N, base): 304, nothing to compute. */
static bool fib_not_modified(struct khttpd_conn *conn,
			     const struct http_request *req, u32 n, u32 base)
{
	char etag[40];
	int len;

	if (!req->has_if_none_match)
		return false;
	len = scnprintf(etag, sizeof(etag), "\"fib-%u-%u\"", n, base);
	return http_etag_match(conn->rx + req->if_none_match.off,
			       req->if_none_match.len, etag, len);
}

static int conn_route_fib(struct khttpd_conn *conn,
			  const struct http_request *req, u32 n, u32 base,
			  u64 parse_ns)
{
	bool head_only = req->method == HTTP_METHOD_HEAD;
	struct khttpd_timing t = { .parse = parse_ns };
	struct khttpd_body *body;
	char extra[160];
	int err;

	if (fib_not_modified(conn, req, n, base)) {
		fib_headers(extra, sizeof(extra), n, base, NULL, NULL);
		return conn_start_response(conn, 304, NULL, NULL, extra, true);
	}
	body = khttpd_cache_get(n, base);
	if (body)
		return conn_answer_fib(conn, n, base, head_only, body, &t,
				       "hit");
	if (khttpd_fib_is_quick(n)) {
		err = khttpd_fib_text(n, base, &body, NULL, NULL, &t);
		if (err)
			return conn_job_error(conn, err, head_only);
		khttpd_cache_put(n, base, body);
		return conn_answer_fib(conn, n, base, head_only, body, &t,
				       "miss");
	}
	conn->wait.conn = conn;
	err = khttpd_job_join(conn->srv, &conn->wait, n, base, &conn->job);
	if (err)
		return conn_job_error(conn, err, head_only);
	conn->pending = (struct pending_fib){
		.n = n, .base = base, .head_only = head_only,
		.parse_ns = parse_ns,
	};
	return 0;
}

static void conn_finish_job(struct khttpd_conn *conn)
{
	struct khttpd_job *job = conn->job;
	struct pending_fib *p = &conn->pending;
	struct khttpd_timing t;
	int err;

	/* Pairs with job_work(): done is set after err and body. */
	if (!job || !smp_load_acquire(&job->done))
		return;
	t = job->timing;
	t.parse = p->parse_ns;
	if (job->err)
		err = conn_job_error(conn, job->err, p->head_only);
	else
		err = conn_answer_fib(conn, p->n, p->base, p->head_only,
				      khttpd_body_get(job->body), &t, "miss");
	conn->job = NULL;
	khttpd_job_leave(job, &conn->wait);
	if (err)
		conn_close(conn);
}

/*
 * A file or directory from the document root.  Return 1 if @index_only and
 * there is no index.html (the caller answers), else as conn_start_response().
 */
static int conn_static(struct khttpd_conn *conn,
		       const struct http_request *req, bool index_only)
{
	bool head_only = req->method == HTTP_METHOD_HEAD;
	struct khttpd_static_reply *r;
	int err;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	khttpd_static_serve(conn->srv, conn->rx, req, index_only, r);
	if (!r->status)
		err = 1;
	else if (r->body || r->status == 304)
		err = conn_start_response(conn, r->status, r->body, r->type,
					  r->extra, head_only || !r->body);
	else
		err = conn_error_with(conn, r->status, r->reason, r->extra,
				      false, head_only);
	kfree(r);
	return err;
}

/* A complete request head: answer it (or start its computation). */
static int conn_dispatch(struct khttpd_conn *conn,
			 const struct http_request *req)
{
	struct khttpd_server *srv = conn->srv;
	bool head_only = req->method == HTTP_METHOD_HEAD;
	u64 parse_ns = ktime_get_ns() - conn->head_start_ns;
	struct http_route route;
	const char *reason;
	struct khttpd_body *body;
	int status;

	conn->requests++;
	khttpd_stat_inc(KHTTPD_STAT_REQUESTS);
	/*
	 * A client that expects 100-continue may or may not send its body
	 * after a final response: the byte stream is ambiguous, so close.
	 */
	conn->close_after = !req->keep_alive ||
			    conn->requests >= srv->cfg.max_requests ||
			    (req->expect_continue && req->body != HTTP_BODY_NONE) ||
			    READ_ONCE(srv->stopping);
	if (req->method != HTTP_METHOD_GET && !head_only)
		return conn_error(conn, 405, "only GET and HEAD are allowed",
				  false, false);
	status = http_route(conn->rx + req->target.off, req->target.len,
			    &route, &reason);
	if (status)
		return conn_error(conn, status, reason, false, head_only);
	switch (route.kind) {
	case HTTP_ROUTE_INDEX:
		if (srv->has_docroot) {
			status = conn_static(conn, req, true);
			if (status <= 0)
				return status;
		}
		body = khttpd_body_printf("%s", INDEX_TEXT);
		break;
	case HTTP_ROUTE_STATS:
		body = khttpd_stats_json(srv);
		if (body)
			return conn_start_response(conn, 200, body,
						   "application/json", NULL,
						   head_only);
		break;
	case HTTP_ROUTE_FIB:
		return conn_route_fib(conn, req, route.n, route.base, parse_ns);
	default:
		if (srv->has_docroot)
			return conn_static(conn, req, false);
		return conn_error(conn, 404, "no such resource", false,
				  head_only);
	}
	if (!body)
		return -ENOMEM;
	return conn_start_response(conn, 200, body, text_type, NULL, head_only);
}

static void rx_consume(struct khttpd_conn *conn, u32 n)
{
	conn->rx_len -= n;
	memmove(conn->rx, conn->rx + n, conn->rx_len);
}

/* Make room to receive: 0, or -ENOSPC if the buffer is at its limit. */
static int rx_reserve(struct khttpd_conn *conn)
{
	size_t max = http_head_buffer_size(&conn->srv->cfg.limits);
	size_t cap;
	char *rx;

	if (conn->rx && conn->rx_len < conn->rx_cap)
		return 0;
	if (conn->rx_cap >= max)
		return -ENOSPC;
	cap = conn->rx_cap ? min_t(size_t, conn->rx_cap * 2, max) :
			     min_t(size_t, RX_INITIAL, max);
	rx = krealloc(conn->rx, cap, GFP_KERNEL);
	if (!rx)
		return -ENOMEM;
	conn->rx = rx;
	conn->rx_cap = cap;
	return 0;
}

/* Read what is there: bytes read, 0 at end of stream, or -errno. */
static int conn_recv(struct khttpd_conn *conn)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec vec;
	int err, n;

	err = rx_reserve(conn);
	if (err)
		return err;
	vec.iov_base = conn->rx + conn->rx_len;
	vec.iov_len = conn->rx_cap - conn->rx_len;
	n = kernel_recvmsg(conn->sock, &msg, &vec, 1, vec.iov_len,
			   MSG_DONTWAIT);
	if (n > 0) {
		conn->rx_len += n;
		khttpd_stat_add(KHTTPD_STAT_BYTES_IN, n);
	} else if (n == -EAGAIN && !conn->rx_len) {
		/*
		 * Nothing came: an idle connection keeps no buffer.  This is
		 * also what frees it after a response, whose work item reads
		 * next (conn_step()).
		 */
		kfree(conn->rx);
		conn->rx = NULL;
		conn->rx_cap = 0;
	}
	return n;
}

/*
 * Parse and act on what the buffer holds.  Return 1 if something was done,
 * 0 if more bytes are needed, or -errno to close at once.
 */
static int conn_process(struct khttpd_conn *conn)
{
	struct http_request req;
	enum http_result r;
	const char *reason;
	size_t used = 0;
	int status;

	if (conn->in_body) {
		r = http_skip_body(&conn->parser, conn->rx, conn->rx_len, &used);
		rx_consume(conn, used);
		if (r == HTTP_NEED_MORE)
			return used ? 1 : 0;
		conn->in_body = false;
		if (r == HTTP_BODY_DONE)
			return 1;
		goto bad_request;
	}
	if (conn->tx_active || conn->job || conn->close_after ||
	    !conn->rx_len)
		return 0;
	if (!conn->head_started) {
		conn->head_started = true;
		conn->request_start = jiffies;
		conn->head_start_ns = ktime_get_ns();
	}
	r = http_parse_head(&conn->parser, conn->rx, conn->rx_len, &req);
	if (r == HTTP_NEED_MORE) {
		if (conn->rx_len >= http_head_buffer_size(&conn->srv->cfg.limits))
			return conn_error(conn, 431, "request head too large",
					  true, false) ?: 1;
		return 0;
	}
	if (r == HTTP_ERROR)
		goto bad_request;
	conn->head_started = false;
	status = conn_dispatch(conn, &req);
	rx_consume(conn, req.head_len);
	conn->in_body = true;
	return status ?: 1;

bad_request:
	status = http_parser_error(&conn->parser, &reason);
	if (conn->tx_active || conn->job) {
		/* A bad body while answering: finish that answer, then go. */
		conn->close_after = true;
		return 1;
	}
	return conn_error(conn, status ?: 400, reason ?: "bad request", true,
			  false) ?: 1;
}

/* One pass of the state machine: 1 if it did anything, 0, or -errno. */
static int conn_step(struct khttpd_conn *conn)
{
	int did = 0, err, n;

	if (conn->tx_active) {
		err = conn_send(conn);
		if (err)
			return err;
		if (!conn->tx_active) {
			did = 1;
			if (conn->close_after) {
				conn_start_linger(conn);
				return 0;
			}
		}
	}
	err = conn_process(conn);
	if (err < 0)
		return err;
	did |= err;
	if (!conn->peer_closed && (!conn->close_after || conn->job)) {
		n = conn_recv(conn);
		if (n > 0 && conn->close_after) {
			/* Only watching for the client to go away. */
			conn->rx_len = 0;
		} else if (n > 0) {
			did = 1;
		} else if (n == 0) {
			conn->peer_closed = true;
			did = 1;
		} else if (n != -EAGAIN && n != -ENOSPC) {
			return n;
		}
	}
	return did;
}

/* What the timer should wait for now. */
static void conn_arm_timer(struct khttpd_conn *conn)
{
	const struct khttpd_config *cfg = &conn->srv->cfg;
	unsigned long expires;

	if (conn->lingering) {
		conn->deadline = DL_LINGER;
		expires = conn->linger_start + LINGER_TIME;
	} else if (conn->tx_active) {
		conn->deadline = DL_SEND;
		expires = conn->last_progress + cfg->send_timeout;
	} else if (conn->job) {
		conn->deadline = DL_NONE;
		del_timer(&conn->timer);
		return;
	} else if (conn->head_started || conn->in_body) {
		conn->deadline = DL_HEADER;
		expires = conn->request_start + cfg->header_timeout;
	} else {
		conn->deadline = DL_IDLE;
		expires = conn->idle_since +
			  (conn->requests ? cfg->idle_timeout :
					    cfg->header_timeout);
	}
	mod_timer(&conn->timer, expires);
}

/*
 * The idle deadline passed: is the connection really idle?  Not while a
 * request waits to be read (the timer and the data can come together), nor
 * while the client is still taking in the last response: its bytes are
 * queued until acknowledged, and a 4 MiB file can take longer than the
 * idle timeout to arrive.  Acknowledgements that advanced count as the
 * response's progress, bounded by send_timeout like any other.
 */
static bool conn_still_busy(struct khttpd_conn *conn)
{
	struct sock *sk = conn->sock->sk;
	u32 una;

	if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
		return true;
	if (!READ_ONCE(sk->sk_wmem_queued))
		return false;
	una = READ_ONCE(tcp_sk(sk)->snd_una);
	if (una != conn->una_seen) {
		conn->una_seen = una;
		conn->last_progress = jiffies;
	}
	return time_before(jiffies, conn->last_progress +
				    conn->srv->cfg.send_timeout);
}

/* The timer fired: act if the deadline it was set for has passed. */
static void conn_deadline(struct khttpd_conn *conn)
{
	unsigned long expires = conn->timer.expires;

	if (conn->deadline == DL_NONE || time_before(jiffies, expires))
		return;
	if (conn->deadline == DL_IDLE && conn_still_busy(conn)) {
		/* look again one idle timeout from now */
		conn->idle_since = jiffies;
		return;
	}
	khttpd_stat_inc(KHTTPD_STAT_TIMEOUTS);
	switch (conn->deadline) {
	case DL_HEADER:
		conn->in_body = false;
		conn->head_started = false;
		if (conn_error(conn, 408, "the request did not arrive in time",
			       true, false))
			conn_close(conn);
		break;
	case DL_IDLE:
	case DL_SEND:
	case DL_LINGER:
	default:
		conn_close(conn);
		break;
	}
}

static void conn_run(struct khttpd_conn *conn)
{
	int budget = RUN_BUDGET, r;

	do {
		r = conn_step(conn);
		if (r < 0 || test_bit(CONN_DEAD, &conn->flags)) {
			conn_close(conn);
			return;
		}
		if (conn->lingering)
			return;
	} while (r > 0 && --budget);
	if (!budget) {
		/* Let other connections run; come back later. */
		queue_work(conn->srv->io_wq, &conn->io_work);
		return;
	}
	if (conn->peer_closed && !conn->tx_active)
		conn_close(conn);	/* leaves its computation, if any */
}

static void conn_io_work(struct work_struct *work)
{
	struct khttpd_conn *conn =
		container_of(work, struct khttpd_conn, io_work);

	if (test_bit(CONN_DEAD, &conn->flags))
		return;
	if (test_bit(CONN_STOP, &conn->flags)) {
		conn_close(conn);
		return;
	}
	if (test_and_clear_bit(CONN_JOB_DONE, &conn->flags))
		conn_finish_job(conn);
	if (test_and_clear_bit(CONN_TIMER, &conn->flags))
		conn_deadline(conn);
	if (test_bit(CONN_DEAD, &conn->flags))
		return;
	if (conn->lingering)
		conn_linger(conn);
	else
		conn_run(conn);
	if (!test_bit(CONN_DEAD, &conn->flags))
		conn_arm_timer(conn);
}

/**
 * khttpd_conn_job_done() - a connection's computation completed
 * @conn: the connection
 *
 * Called by the computation before it drops its reference.
 */
void khttpd_conn_job_done(struct khttpd_conn *conn)
{
	set_bit(CONN_JOB_DONE, &conn->flags);
	conn_kick(conn);
}

/**
 * khttpd_conn_open() - serve a newly accepted socket
 * @srv: the server
 * @sock: the socket; khttpd_conn_open() owns it from now on
 */
void khttpd_conn_open(struct khttpd_server *srv, struct socket *sock)
{
	struct khttpd_conn *conn = kmem_cache_zalloc(conn_cache, GFP_KERNEL);
	struct sock *sk = sock->sk;

	if (!conn) {
		sock_release(sock);
		return;
	}
	conn->srv = srv;
	conn->sock = sock;
	refcount_set(&conn->ref, 1);
	INIT_WORK(&conn->io_work, conn_io_work);
	INIT_WORK(&conn->free_work, conn_free_work);
	timer_setup(&conn->timer, conn_timer_fn, 0);
	http_parser_init(&conn->parser, &srv->cfg.limits);
	conn->idle_since = jiffies;
	tcp_sock_set_nodelay(sk);
	atomic_inc(&srv->nr_conns);

	mutex_lock(&srv->lock);
	if (srv->stopping) {
		mutex_unlock(&srv->lock);
		set_bit(CONN_DEAD, &conn->flags);
		khttpd_conn_put(conn);
		return;
	}
	list_add(&conn->node, &srv->conns);
	write_lock_bh(&sk->sk_callback_lock);
	conn->saved_data_ready = sk->sk_data_ready;
	conn->saved_write_space = sk->sk_write_space;
	conn->saved_state_change = sk->sk_state_change;
	sk->sk_user_data = conn;
	sk->sk_data_ready = conn_data_ready;
	sk->sk_write_space = conn_write_space;
	sk->sk_state_change = conn_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	mutex_unlock(&srv->lock);
	conn_kick(conn);	/* bytes may have arrived before the callbacks */
}

/**
 * khttpd_conns_stop() - close every connection and wait until all are freed
 * @srv: the server, already not accepting
 */
void khttpd_conns_stop(struct khttpd_server *srv)
{
	struct khttpd_conn *conn;

	mutex_lock(&srv->lock);
	srv->stopping = true;
	list_for_each_entry(conn, &srv->conns, node) {
		set_bit(CONN_STOP, &conn->flags);
		queue_work(srv->io_wq, &conn->io_work);
	}
	mutex_unlock(&srv->lock);
	wait_event(srv->conns_gone, !atomic_read(&srv->nr_conns));
}
