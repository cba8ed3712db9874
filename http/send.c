// SPDX-License-Identifier: GPL-2.0
/*
 * send.c - a connection's response: its head, and the writers that put
 * the body on the socket without blocking.
 *
 * A body in memory is copied into the socket, or lent page by page when
 * it is vmalloc()ed; a file's bytes are lent from the page cache, or
 * copied through a small buffer for filesystems that cannot lend them; a
 * streamed body is copied out of its window as the computation fills it.
 * conn_send() writes what fits and returns; write_space brings it back,
 * and for a stream that had nothing more, the computation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/percpu.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "http/compat.h"
#include "http/conn_internal.h"
#include "http/proto/response.h"
#include "http/sock.h"
#include "http/stream.h"

/*
 * The Date value changes once a second: each CPU formats it when the
 * second has moved on and copies it for every other response.
 */
struct date_cache {
	s64 second;
	char text[HTTP_DATE_LEN + 1];
};

static DEFINE_PER_CPU(struct date_cache, date_cache) = { .second = -1 };

/* The Date value of now, HTTP_DATE_LEN bytes, into @out. */
static void conn_date(char *out)
{
	s64 now = ktime_get_real_seconds();
	struct date_cache *dc = get_cpu_ptr(&date_cache);

	if (dc->second != now &&
	    http_format_date(dc->text, sizeof(dc->text), now) > 0)
		dc->second = now;
	memcpy(out, dc->text, HTTP_DATE_LEN);
	put_cpu_ptr(&date_cache);
}

/*
 * A head larger than conn->head (a redirect's long Location, say) is
 * formatted into a buffer of its own, up to HEAD_MAX, and freed with the
 * response: any response the server decides to send is sent.
 */
#define HEAD_MAX	4096

static int conn_big_head(struct khttpd_conn *conn,
			 const struct http_response_head *h, const char *date)
{
	char *buf = kmalloc(HEAD_MAX, GFP_KERNEL);
	int n;

	if (!buf)
		return -ENOMEM;
	kfree(conn->big_head);
	conn->big_head = NULL;
	n = http_format_head_at(buf, HEAD_MAX, h, date);
	if (n < 0) {
		kfree(buf);
		return n;
	}
	conn->big_head = buf;
	return n;
}

/*
 * The head of a response whose body (NULL: none) is @len bytes; an
 * HTTP/1.0 connection that stays open says so.
 */
static int start_response(struct khttpd_conn *conn, int status,
			  struct khttpd_body *body, u64 len, const char *type,
			  const char *extra, size_t extra_len, bool head_only)
{
	struct http_response_head h = {
		.status = status,
		.content_type = type,
		.content_length = status == 304 ? HTTP_NO_LENGTH : len,
		.close = conn->close_after,
		.keep_alive = conn->http10 && !conn->close_after,
		.extra = extra,
		.extra_len = extra_len,
	};
	char date[HTTP_DATE_LEN];
	int n;

	conn_date(date);
	n = http_format_head_at(conn->head, sizeof(conn->head), &h, date);
	if (n == -ENOSPC)
		n = conn_big_head(conn, &h, date);
	if (n < 0) {
		khttpd_body_put(body);
		return n;
	}
	conn->head_len = n;
	conn->head_sent = 0;
	conn->tx_head = conn->big_head ?: conn->head;
	conn->body = body;
	conn->body_sent = 0;
	conn->tx_head_only = head_only;
	conn->tx_active = true;
	conn->tx_status = status;
	conn->last_progress = jiffies;
	khttpd_stat_response(status, ktime_get_ns() - conn->head_start_ns);
	return 0;
}

int conn_start_response(struct khttpd_conn *conn, int status,
			struct khttpd_body *body, const char *type,
			const char *extra, bool head_only)
{
	return start_response(conn, status, body, body ? body->len : 0, type,
			      extra, 0, head_only);
}

/* As conn_start_response(), with the length of @extra known (0: measure). */
int conn_start_response_len(struct khttpd_conn *conn, int status,
			    struct khttpd_body *body, const char *type,
			    const char *extra, size_t extra_len,
			    bool head_only)
{
	return start_response(conn, status, body, body ? body->len : 0, type,
			      extra, extra_len, head_only);
}

/* The computation wrote more into a stream that had run dry. */
static void conn_stream_kick(void *arg)
{
	conn_kick(arg);
}

/**
 * conn_start_stream() - a 200 whose body comes as it is computed
 * @conn: the connection
 * @stream: the body; the connection takes over this reference
 * @type: Content-Type
 * @extra: more header lines, or NULL
 *
 * The head says the whole length; an error of the computation after it
 * can only cut the body short (conn_send() returns it and the connection
 * closes).
 *
 * Return: 0 or -errno (the stream is closed then).
 */
int conn_start_stream(struct khttpd_conn *conn, struct khttpd_stream *stream,
		      const char *type, const char *extra)
{
	int err = start_response(conn, 200, NULL, stream->len, type, extra, 0,
				 false);

	if (err) {
		khttpd_stream_close(stream);
		khttpd_stream_put(stream);
		return err;
	}
	conn->stream = stream;
	khttpd_stream_attach(stream, conn_stream_kick, conn);
	return 0;
}

/**
 * conn_stream_release() - let go of the stream being sent, if any: its
 * computation stops if it has not finished
 * @conn: the connection
 */
void conn_stream_release(struct khttpd_conn *conn)
{
	khttpd_stream_close(conn->stream);
	khttpd_stream_put(conn->stream);
	conn->stream = NULL;
}

/**
 * conn_tx_starved() - whether the response waits for its computation
 * @conn: the connection
 *
 * Return: true when its head is out and everything its stream had so far
 * too: no send deadline applies, the client is not the one late.
 */
bool conn_tx_starved(struct khttpd_conn *conn)
{
	return conn->stream && conn->head_sent == conn->head_len &&
	       khttpd_stream_starved(conn->stream);
}

/* The answer to HEAD for a body of @len bytes that was never made. */
int conn_start_head(struct khttpd_conn *conn, int status, u64 len,
		    const char *type, const char *extra)
{
	return start_response(conn, status, NULL, len, type, extra, 0, true);
}

/*
 * An error with a one-line plain-text reason and @extra header lines;
 * @close ends the connection.
 */
int conn_error_with(struct khttpd_conn *conn, int status,
		    const char *reason, const char *extra, bool close,
		    bool head_only)
{
	struct khttpd_body *body;

	if (close)
		conn->close_after = true;
	body = khttpd_body_printf("%d %s: %s\n", status,
				  http_status_reason(status), reason);
	if (!body)
		return -ENOMEM;
	return conn_start_response(conn, status, body, HTTP_TEXT_PLAIN, extra,
				   head_only);
}

int conn_error(struct khttpd_conn *conn, int status,
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
	return khttpd_sock_send(conn->sock, p, len, more);
}

/*
 * A vmalloc()ed body is lent to TCP up to SEND_PAGES pages a call: TCP
 * takes a reference on each page instead of copying it, and the page outlives a
 * vfree() of the body until TCP lets it go.  Bodies are immutable, so
 * what TCP sends later is what was there when it was queued.
 */
#define SEND_PAGES	16	/* pages per call: 64 KiB, a loopback segment */

static int send_pages(struct khttpd_conn *conn, const char *p, size_t len,
		      bool more)
{
	struct bio_vec bv[SEND_PAGES];
	int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
	size_t total = 0;
	int n = 0;

	while (n < SEND_PAGES && total < len) {
		size_t chunk = min_t(size_t, len - total,
				     PAGE_SIZE - offset_in_page(p + total));

		bvec_set_page(&bv[n++], vmalloc_to_page(p + total), chunk,
			      offset_in_page(p + total));
		total += chunk;
	}
	if (more || total < len)
		flags |= MSG_MORE;
	return khttpd_sendpages(conn->sock, bv, n, total, flags);
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
	struct bio_vec bv;
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
	bvec_set_page(&bv, page, chunk, off);
	n = khttpd_sendpages(conn->sock, &bv, 1, chunk,
			     MSG_DONTWAIT | MSG_NOSIGNAL |
			     (chunk < left ? MSG_MORE : 0));
	put_page(page);
	return n;
}

/*
 * What the stream has, copied into the socket; -EAGAIN also when it has
 * nothing yet (waiting for the computation counts as progress: the send
 * deadline is the client's).
 */
static int send_stream(struct khttpd_conn *conn)
{
	const char *p;
	int n = khttpd_stream_peek(conn->stream, &p);

	if (n == -EAGAIN)
		conn->last_progress = jiffies;
	if (n <= 0)
		return n;
	n = send_copy(conn, p, n, false);
	if (n > 0)
		khttpd_stream_consume(conn->stream, n);
	return n;
}

static void conn_trace_response(struct khttpd_conn *conn)
{
	const struct conn_trace *t = conn->trace;

	if (!t)
		return;
	trace_khttpd_request(t->method, t->target, t->target_len,
			     conn->tx_status, conn->head_len + conn->body_sent,
			     t->cache, t->timing.parse, t->timing.queue,
			     t->timing.compute, t->timing.convert,
			     t->timing.total);
}

static void conn_response_done(struct khttpd_conn *conn)
{
	if (trace_khttpd_request_enabled())
		conn_trace_response(conn);
	conn->tx_active = false;
	khttpd_body_put(conn->body);
	conn->body = NULL;
	conn_stream_release(conn);
	kfree(conn->big_head);
	conn->big_head = NULL;
	kfree(conn->fbuf);
	conn->fbuf = NULL;
	conn->fbuf_len = 0;
	conn->fbuf_off = 0;
	conn->idle_since = jiffies;
	conn->una_seen = READ_ONCE(tcp_sk(conn->sock->sk)->snd_una);
}

/*
 * Bytes one call of conn_send() puts on the socket at most: a fast reader
 * of a large file must not keep the worker to itself.  conn_run() calls
 * again up to RUN_BUDGET times, then requeues the work item behind the
 * other connections'.
 */
#define SEND_BUDGET	(128 << 10)

/**
 * conn_send() - put what fits of the response on the socket
 * @conn: the connection, with a response (tx_active)
 * @more: set when it stopped at SEND_BUDGET with the socket still
 *        writable: call again
 *
 * Return: 0 (done, socket full, or budget spent), or -errno.
 */
int conn_send(struct khttpd_conn *conn, bool *more)
{
	size_t body_len = conn->tx_head_only ? 0 :
			  conn->stream ? conn->stream->len :
			  conn->body ? conn->body->len : 0;
	bool pages = body_len && khttpd_zerocopy && conn->body &&
		     conn->body->data && is_vmalloc_addr(conn->body->data);
	size_t budget = SEND_BUDGET;
	int n;

	*more = false;
	while (conn->head_sent < conn->head_len || conn->body_sent < body_len) {
		if (!budget) {
			*more = true;
			return 0;
		}
		if (conn->head_sent < conn->head_len) {
			/* A stream's bytes may be long in coming: no cork. */
			n = send_copy(conn, conn->tx_head + conn->head_sent,
				      conn->head_len - conn->head_sent,
				      body_len > 0 && !conn->stream);
		} else if (conn->stream) {
			n = send_stream(conn);
		} else if (conn->body->file) {
			n = send_file(conn, body_len - conn->body_sent);
		} else {
			const char *p = conn->body->data + conn->body_sent;
			size_t left = min_t(size_t, body_len - conn->body_sent,
					    1 << 20);

			n = pages ? send_pages(conn, p, left, false) :
				    send_copy(conn, p, left, false);
		}
		if (n == -EAGAIN)
			return 0;
		if (n <= 0)
			return n ? n : -EPIPE;
		khttpd_stat_add(KHTTPD_STAT_BYTES_OUT, n);
		budget -= min_t(size_t, budget, n);
		conn->last_progress = jiffies;
		if (conn->head_sent < conn->head_len)
			conn->head_sent += n;
		else
			conn->body_sent += n;
	}
	conn_response_done(conn);
	return 0;
}
