/* SPDX-License-Identifier: GPL-2.0 */
/*
 * http_drive.h - drive http/parser.c the way a connection does, for the
 * unit tests and the fuzzer.
 *
 * hd_run() plays an input through the parser as if it arrived in pieces:
 * whole, at given cut points, or a fixed number of bytes at a time.  Like
 * a connection it keeps the unconsumed bytes at the front of its buffer,
 * calls http_parse_head() and http_skip_body() in turn, and records every
 * event with the request's spans rebased to input offsets, so that runs
 * with different splits can be compared with hd_equal().  With @copy set
 * every call gets a fresh heap copy of exactly the unconsumed bytes, so
 * AddressSanitizer catches any read past them and any use of an old
 * buffer address.
 */
#ifndef HTTP_DRIVE_H
#define HTTP_DRIVE_H

#include "include/khttpd_shim.h"
#include "http/proto/parser.h"

#define HD_MAX_EVENTS 64

enum hd_kind {
	HD_HEAD = 1,
	HD_BODY_DONE,
	HD_ERROR,
};

struct hd_event {
	enum hd_kind kind;
	int status;
	const char *reason;
	size_t at;			/* input offset of the head's first byte */
	size_t end;			/* HD_BODY_DONE: offset after the body */
	struct http_request req;	/* spans are input offsets */
};

struct hd_result {
	struct hd_event ev[HD_MAX_EVENTS];
	size_t n;		/* events recorded (at most HD_MAX_EVENTS) */
	size_t total;		/* events that happened */
	size_t consumed;	/* input bytes consumed by complete events */
	size_t max_pending;	/* most unconsumed bytes seen with NEED_MORE */
	bool stopped;		/* an error ended the run */
};

/**
 * struct hd_split - how the input arrives
 * @cuts: ascending offsets at which a new piece starts, or NULL
 * @ncuts: number of @cuts
 * @step: without @cuts: bytes per piece (0 means all at once)
 * @copy: hand the parser a fresh exact-size heap copy on every call
 */
struct hd_split {
	const size_t *cuts;
	size_t ncuts;
	size_t step;
	bool copy;
};

static size_t hd_next_avail(const struct hd_split *sp, size_t avail,
			    size_t len, size_t *ci)
{
	while (sp->cuts && *ci < sp->ncuts) {
		size_t c = sp->cuts[(*ci)++];

		if (c > avail && c < len)
			return c;
	}
	if (sp->cuts || !sp->step || len - avail <= sp->step)
		return len;
	return avail + sp->step;
}

static void hd_record(struct hd_result *res, enum hd_kind kind,
		      const struct http_parser *p, size_t at,
		      const struct http_request *req)
{
	struct hd_event *e;

	res->total++;
	if (res->n == HD_MAX_EVENTS)
		return;
	e = &res->ev[res->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->at = at;
	if (kind == HD_ERROR)
		e->status = http_parser_error(p, &e->reason);
	if (kind != HD_HEAD)
		return;
	e->req = *req;
	e->req.target.off += at;
	e->req.host.off += at;
	e->req.if_none_match.off += at;
}

/* One parser call on in[start..avail), copied if asked. */
static enum http_result hd_call(struct http_parser *p, bool head,
				const char *in, size_t start, size_t avail,
				bool copy, struct http_request *req,
				size_t *used)
{
	const char *buf = in + start;
	char *dup = NULL;
	enum http_result r;

	if (copy && avail > start) {
		dup = malloc(avail - start);
		memcpy(dup, buf, avail - start);
		buf = dup;
	}
	if (head)
		r = http_parse_head(p, buf, avail - start, req);
	else
		r = http_skip_body(p, buf, avail - start, used);
	free(dup);
	return r;
}

static void hd_run(const char *in, size_t len, const struct http_limits *lim,
		   const struct hd_split *sp, struct hd_result *res)
{
	struct http_parser p;
	struct http_request req;
	size_t start = 0, avail, ci = 0, used = 0, head_at = 0;
	bool head = true;
	enum http_result r;

	memset(res, 0, sizeof(*res));
	http_parser_init(&p, lim);
	avail = hd_next_avail(sp, 0, len, &ci);
	for (;;) {
		r = hd_call(&p, head, in, start, avail, sp->copy, &req, &used);
		if (r == HTTP_NEED_MORE) {
			if (!head)
				start += used;
			if (head && avail - start > res->max_pending)
				res->max_pending = avail - start;
			if (avail == len)
				break;
			avail = hd_next_avail(sp, avail, len, &ci);
		} else if (r == HTTP_HEAD_COMPLETE) {
			hd_record(res, HD_HEAD, &p, start, &req);
			head_at = start;
			start += req.head_len;
			head = false;
		} else if (r == HTTP_BODY_DONE) {
			start += used;
			hd_record(res, HD_BODY_DONE, &p, head_at, NULL);
			if (res->total == res->n)
				res->ev[res->n - 1].end = start;
			res->consumed = start;
			head = true;
		} else {
			hd_record(res, HD_ERROR, &p, head ? start : head_at,
				  NULL);
			res->stopped = true;
			break;
		}
	}
}

static bool hd_span_equal(struct http_span a, struct http_span b)
{
	return a.off == b.off && a.len == b.len;
}

static bool hd_req_equal(const struct http_request *a,
			 const struct http_request *b)
{
	return a->method == b->method && a->version == b->version &&
	       a->form == b->form && hd_span_equal(a->target, b->target) &&
	       hd_span_equal(a->host, b->host) && a->has_host == b->has_host &&
	       hd_span_equal(a->if_none_match, b->if_none_match) &&
	       a->has_if_none_match == b->has_if_none_match &&
	       a->keep_alive == b->keep_alive &&
	       a->expect_continue == b->expect_continue && a->body == b->body &&
	       a->content_length == b->content_length &&
	       a->head_len == b->head_len &&
	       a->header_count == b->header_count;
}

/* Whether two runs saw the same requests and ended the same way. */
static bool hd_equal(const struct hd_result *a, const struct hd_result *b)
{
	size_t i;

	if (a->n != b->n || a->total != b->total ||
	    a->consumed != b->consumed || a->stopped != b->stopped)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct hd_event *x = &a->ev[i], *y = &b->ev[i];

		if (x->kind != y->kind || x->status != y->status ||
		    x->at != y->at || x->end != y->end)
			return false;
		if (x->reason != y->reason &&
		    (!x->reason || !y->reason || strcmp(x->reason, y->reason)))
			return false;
		if (x->kind == HD_HEAD && !hd_req_equal(&x->req, &y->req))
			return false;
	}
	return true;
}

#endif /* HTTP_DRIVE_H */
