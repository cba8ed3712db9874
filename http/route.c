// SPDX-License-Identifier: GPL-2.0
/*
 * route.c - what a request names, and its answer: the index, /stats,
 * /fib/N (from the cache, computed inline, or by a computation the
 * connection waits for) and files from the document root.
 */
#include <linux/ktime.h>
#include <linux/slab.h>

#include "http/conn_internal.h"
#include "http/proto/conditional.h"
#include "http/proto/encoding.h"
#include "http/proto/response.h"
#include "http/resource.h"
#include "http/static.h"
#include "http/stream.h"

#define INDEX_TEXT							\
	"khttpd - an in-kernel HTTP/1.1 server of Fibonacci numbers\n"	\
	"\n"								\
	"GET /fib/N          F(N) in decimal, N = 0..2147483647\n"	\
	"GET /fib/N?base=16  F(N) in lowercase hexadecimal\n"		\
	"GET /stats          counters, as JSON\n"

/*
 * Everything a /fib response says besides its status and body.  Both
 * representations vary with Accept-Encoding.  A 304 (@t NULL) repeats
 * the validator and caching fields, not Content-Encoding (RFC 9110
 * 15.4.5).
 */
static int fib_headers(char *buf, size_t size, u32 n, u32 base, bool gzip,
		       const char *cache, const struct khttpd_timing *t)
{
	struct http_out o = { .buf = buf, .size = size };

	http_out_str(&o, "ETag: ");
	khttpd_fib_etag(&o, n, base, gzip);
	http_out_str(&o, "\r\nCache-Control: public, max-age=31536000, immutable\r\n");
	http_out_str(&o, "Vary: Accept-Encoding\r\n");
	if (t) {
		if (gzip)
			http_out_str(&o, "Content-Encoding: gzip\r\n");
		http_out_str(&o, "X-Cache: ");
		http_out_str(&o, cache);
		http_out_str(&o, "\r\nServer-Timing: parse;dur=");
		http_out_ms(&o, t->parse);
		http_out_str(&o, ", queue;dur=");
		http_out_ms(&o, t->queue);
		http_out_str(&o, ", compute;dur=");
		http_out_ms(&o, t->compute);
		http_out_str(&o, ", convert;dur=");
		http_out_ms(&o, t->convert);
		if (gzip) {
			http_out_str(&o, ", gzip;dur=");
			http_out_ms(&o, t->gzip);
		}
		http_out_str(&o, ", total;dur=");
		http_out_ms(&o, t->total);
		http_out_str(&o, ", cache;desc=");
		http_out_str(&o, cache);
		http_out_str(&o, "\r\n");
	}
	http_out_mem(&o, "", 1);	/* the NUL: it is a string */
	return http_out_done(&o);
}

/* Room for fib_headers() with every number at its longest. */
#define FIB_EXTRA 512

static int conn_answer_fib(struct khttpd_conn *conn, u32 n, u32 base,
			   bool gzip, bool head_only, struct khttpd_body *body,
			   const struct khttpd_timing *t, const char *cache)
{
	struct khttpd_timing total = *t;
	char extra[FIB_EXTRA];
	int len;

	/* From the request's first byte to the response's head. */
	total.total = ktime_get_ns() - conn->head_start_ns;
	if (conn->trace) {
		conn->trace->timing = total;
		conn->trace->cache = cache;
	}
	len = fib_headers(extra, sizeof(extra), n, base, gzip, cache, &total);
	if (len < 0) {
		khttpd_body_put(body);
		return -ENOSPC;		/* cannot happen: FIB_EXTRA holds it */
	}
	/* len counts the NUL */
	return conn_start_response_len(conn, 200, body, HTTP_TEXT_PLAIN, extra,
				       len - 1, head_only);
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

/* If-None-Match naming this (N, base) and coding: 304, nothing computed. */
static bool fib_not_modified(struct khttpd_conn *conn,
			     const struct http_request *req, u32 n, u32 base,
			     bool gzip)
{
	char etag[40];
	struct http_out o = { .buf = etag, .size = sizeof(etag) };

	if (!req->has_if_none_match)
		return false;
	khttpd_fib_etag(&o, n, base, gzip);
	return http_etag_match(conn_rx(conn) + req->if_none_match.off,
			       req->if_none_match.len, etag, o.pos);
}

/*
 * The text or gzip of F(N) from the service: at once (a hit, a small N)
 * or after a computation the connection waits for.
 */
static int conn_get_fib(struct khttpd_conn *conn, u32 n, u32 base,
			bool gzip, bool head_only, u64 parse_ns)
{
	struct khttpd_fib_result res;
	int err;

	err = khttpd_fib_get(&conn->srv->fib, n, base, gzip, &conn->wait,
			     &res);
	if (err == -EINPROGRESS) {
		conn->pending = (struct pending_fib){
			.n = n, .base = base, .gzip = gzip,
			.head_only = head_only, .parse_ns = parse_ns,
		};
		return 0;
	}
	if (err)
		return conn_job_error(conn, err, head_only);
	res.timing.parse = parse_ns;
	return conn_answer_fib(conn, n, base, gzip, head_only, res.body,
			       &res.timing, res.hit ? "hit" : "miss");
}

/*
 * HEAD needs only the length, which is known in O(1) for the text: F(N)
 * is not computed for it.  A cached text answers as for GET ("hit"); else
 * the answer is a "miss" with zero queue, compute and convert times.  The
 * length of a gzip is known only once it is made: a cached one answers;
 * else the text's head does if identity is acceptable (the server may
 * choose either, RFC 9110 12.1), and only if it is not is the gzip made,
 * as for GET.
 */
static int conn_head_fib(struct khttpd_conn *conn, u32 n, u32 base,
			 bool gzip, bool identity_ok, u64 parse_ns)
{
	struct khttpd_timing t = { .parse = parse_ns };
	struct khttpd_body *body;
	char extra[FIB_EXTRA];
	u64 len;
	int err;

	err = khttpd_fib_peek(&conn->srv->fib, n, base, gzip, &body, &len);
	if (err == -ENODATA) {
		if (!identity_ok)
			return conn_get_fib(conn, n, base, true, true,
					    parse_ns);
		gzip = false;
		err = khttpd_fib_peek(&conn->srv->fib, n, base, false, &body,
				      &len);
	}
	if (err)
		return conn_job_error(conn, err, true);
	if (body)
		return conn_answer_fib(conn, n, base, gzip, true, body, &t,
				       "hit");
	t.total = ktime_get_ns() - conn->head_start_ns;
	if (fib_headers(extra, sizeof(extra), n, base, false, "miss", &t) < 0)
		return -ENOSPC;
	return conn_start_head(conn, 200, len, HTTP_TEXT_PLAIN, extra);
}

/*
 * What the request accepts: a missing, repeated or malformed
 * Accept-Encoding field is disregarded (identity only).
 */
static void fib_accepts(struct khttpd_conn *conn,
			const struct http_request *req,
			struct http_accept_encoding *ae)
{
	if (!req->has_accept_encoding ||
	    http_accept_encoding_parse(conn_rx(conn) + req->accept_encoding.off,
				       req->accept_encoding.len, ae))
		http_accept_encoding_absent(ae);
}

static int conn_route_fib(struct khttpd_conn *conn,
			  const struct http_request *req, u32 n, u32 base,
			  u64 parse_ns)
{
	bool head_only = req->method == HTTP_METHOD_HEAD;
	struct http_accept_encoding ae;
	enum http_coding coding;
	char extra[160];
	bool gzip;

	fib_accepts(conn, req, &ae);
	coding = http_coding_choose(&ae, ae.gzip &&
			khttpd_fib_gzip_worthwhile(&conn->srv->fib, n, base));
	if (coding == HTTP_CODING_NONE)
		return conn_error_with(conn, 406,
				       "neither gzip nor identity is acceptable",
				       "Vary: Accept-Encoding\r\n", false,
				       head_only);
	gzip = coding == HTTP_CODING_GZIP;
	if (fib_not_modified(conn, req, n, base, gzip)) {
		if (fib_headers(extra, sizeof(extra), n, base, gzip, NULL,
				NULL) < 0)
			return -ENOSPC;
		return conn_start_response(conn, 304, NULL, NULL, extra, true);
	}
	if (head_only)
		return conn_head_fib(conn, n, base, gzip, ae.identity > 0,
				     parse_ns);
	return conn_get_fib(conn, n, base, gzip, false, parse_ns);
}

/*
 * A streamed text: its head now, with what is known of its timing (its
 * conversion is still running), its bytes as they come.
 */
static int conn_answer_stream(struct khttpd_conn *conn,
			      const struct pending_fib *p,
			      struct khttpd_fib_result *res)
{
	char extra[FIB_EXTRA];

	res->timing.parse = p->parse_ns;
	res->timing.total = ktime_get_ns() - conn->head_start_ns;
	if (conn->trace) {
		conn->trace->timing = res->timing;
		conn->trace->cache = "stream";
	}
	if (fib_headers(extra, sizeof(extra), p->n, p->base, false, "stream",
			&res->timing) < 0) {
		khttpd_stream_close(res->stream);
		khttpd_stream_put(res->stream);
		return -ENOSPC;		/* cannot happen: FIB_EXTRA holds it */
	}
	return conn_start_stream(conn, res->stream, HTTP_TEXT_PLAIN, extra);
}

void conn_finish_job(struct khttpd_conn *conn)
{
	struct pending_fib *p = &conn->pending;
	struct khttpd_fib_result res;
	int err;

	err = khttpd_fib_collect(&conn->wait, &res);
	if (err == -EINPROGRESS)
		return;
	if (err) {
		err = conn_job_error(conn, err, p->head_only);
	} else if (res.stream) {
		err = conn_answer_stream(conn, p, &res);
	} else {
		res.timing.parse = p->parse_ns;
		err = conn_answer_fib(conn, p->n, p->base, p->gzip,
				      p->head_only, res.body, &res.timing,
				      "miss");
	}
	if (err)
		conn_close(conn, KHTTPD_CLOSE_ERROR);
}

/*
 * A file or directory from the document root.  -ENOENT if @index_only and
 * there is no index.html (the caller answers), else as
 * conn_start_response().
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
	khttpd_static_serve(conn->srv, conn_rx(conn), req, index_only, r);
	if (!r->status)
		err = -ENOENT;
	else if (r->body || r->status == 304)
		err = conn_start_response(conn, r->status, r->body, r->type,
					  r->extra, head_only || !r->body);
	else
		err = conn_error_with(conn, r->status, r->reason, r->extra,
				      false, head_only);
	kfree(r);
	return err;
}

/*
 * The khttpd_request tracepoint is on: keep what it records of the request
 * until the response is sent (send.c).  Nothing is kept while it is off.
 */
static void conn_trace_request(struct khttpd_conn *conn,
			       const struct http_request *req)
{
	struct conn_trace *t = conn->trace;
	u32 len = min_t(u32, req->target.len, KHTTPD_TRACE_TARGET);

	if (!t) {
		t = kmalloc(sizeof(*t), GFP_KERNEL);
		if (!t)
			return;
		conn->trace = t;
	}
	strscpy(t->method, http_method_name(req->method), sizeof(t->method));
	memcpy(t->target, conn_rx(conn) + req->target.off, len);
	t->target_len = len;
	t->cache = "";
	memset(&t->timing, 0, sizeof(t->timing));
}

/* The Prometheus text exposition format. */
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* What a routed request counts as (@kind < 0: a bad target). */
static enum khttpd_route_stat route_stat(const struct khttpd_server *srv,
					 int kind)
{
	switch (kind) {
	case KHTTPD_ROUTE_INDEX:
		return KHTTPD_RS_INDEX;
	case KHTTPD_ROUTE_STATS:
		return KHTTPD_RS_STATS;
	case KHTTPD_ROUTE_METRICS:
		return KHTTPD_RS_METRICS;
	case KHTTPD_ROUTE_HEALTHZ:
		return KHTTPD_RS_HEALTHZ;
	case KHTTPD_ROUTE_FIB:
		return KHTTPD_RS_FIB;
	case KHTTPD_ROUTE_NOT_FOUND:
		return srv->has_docroot ? KHTTPD_RS_FILE : KHTTPD_RS_OTHER;
	default:
		return KHTTPD_RS_OTHER;
	}
}

/* A complete request head: answer it (or start its computation). */
int conn_dispatch(struct khttpd_conn *conn,
		  const struct http_request *req)
{
	struct khttpd_server *srv = conn->srv;
	bool head_only = req->method == HTTP_METHOD_HEAD;
	u64 parse_ns = ktime_get_ns() - conn->head_start_ns;
	struct khttpd_route route;
	const char *reason;
	struct khttpd_body *body;
	int status;

	conn->requests++;
	khttpd_stat_inc(KHTTPD_STAT_REQUESTS);
	if (trace_khttpd_request_enabled())
		conn_trace_request(conn, req);
	/*
	 * A client that expects 100-continue may or may not send its body
	 * after a final response: the byte stream is ambiguous, so close.
	 */
	conn->close_after = !req->keep_alive ||
			    conn->requests >= srv->cfg.max_requests ||
			    (req->expect_continue && req->body != HTTP_BODY_NONE) ||
			    READ_ONCE(srv->stopping) || READ_ONCE(srv->draining);
	conn->http10 = req->version == 0;
	if (req->method != HTTP_METHOD_GET && !head_only) {
		khttpd_stat_route(KHTTPD_RS_OTHER);
		return conn_error(conn, 405, "only GET and HEAD are allowed",
				  false, false);
	}
	status = khttpd_route(conn_rx(conn) + req->target.off, req->target.len,
			      &route, &reason);
	khttpd_stat_route(route_stat(srv, status ? -1 : route.kind));
	if (status)
		return conn_error(conn, status, reason, false, head_only);
	switch (route.kind) {
	case KHTTPD_ROUTE_HEALTHZ:
		if (READ_ONCE(srv->draining))
			return conn_error(conn, 503, "draining", false,
					  head_only);
		body = khttpd_body_printf("ok\n");
		break;
	case KHTTPD_ROUTE_METRICS:
		body = khttpd_metrics(srv);
		if (body)
			return conn_start_response(conn, 200, body,
						   METRICS_TYPE, NULL,
						   head_only);
		break;
	case KHTTPD_ROUTE_INDEX:
		if (srv->has_docroot) {
			status = conn_static(conn, req, true);
			if (status != -ENOENT)
				return status;
		}
		body = khttpd_body_printf("%s", INDEX_TEXT);
		break;
	case KHTTPD_ROUTE_STATS:
		body = khttpd_stats_json(srv);
		if (body)
			return conn_start_response(conn, 200, body,
						   "application/json", NULL,
						   head_only);
		break;
	case KHTTPD_ROUTE_FIB:
		return conn_route_fib(conn, req, route.n, route.base, parse_ns);
	default:
		if (srv->has_docroot)
			return conn_static(conn, req, false);
		return conn_error(conn, 404, "no such resource", false,
				  head_only);
	}
	if (!body)
		return -ENOMEM;
	return conn_start_response(conn, 200, body, HTTP_TEXT_PLAIN, NULL,
				   head_only);
}
