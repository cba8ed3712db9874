// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_http_parser.c - libFuzzer target for http/parser.c.
 *
 * Input: a 4-byte header, then the bytes a client sends.
 *   byte 0: bit 0 selects tiny limits (so that every limit is reachable),
 *           bit 1 hands the parser exact-size heap copies
 *   byte 1: number of cut points (0..31)
 *   bytes 2-3: seed of the cut points
 *
 * Oracle: the bytes fed whole, split at the chosen cut points and (up to
 * 4 KiB) one byte at a time must give the same sequence of events (every
 * request's fields, body ends, the final error status and reason).  Every
 * span must lie inside the input, and the pending head must stay below
 * http_head_buffer_size().  A body takes exactly Content-Length bytes, or
 * at most http_chunked_wire_max() when chunked.
 */
#include <assert.h>
#include "tools/testing/unit/http_drive.h"
#include "http/proto/conditional.h"
#include "http/resource.h"

#define MAX_CUTS 31
#define BYTEWISE_MAX 4096

static const struct http_limits default_limits = HTTP_LIMITS_DEFAULT;
static const struct http_limits tiny_limits = {
	.max_request_line = 64,
	.max_header_bytes = 128,
	.max_headers = 4,
	.max_empty_lines = 2,
	.max_chunk_line = 16,
	.max_trailer_bytes = 32,
	.max_body = 300,
};

static void make_cuts(size_t *cuts, size_t n, u32 seed, size_t len)
{
	size_t i, j, t;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		cuts[i] = len ? (seed >> 8) % len : 0;
	}
	for (i = 1; i < n; i++)		/* insertion sort */
		for (j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
			t = cuts[j];
			cuts[j] = cuts[j - 1];
			cuts[j - 1] = t;
		}
}

static void check_spans(const struct hd_result *res, size_t len)
{
	const struct hd_event *e;
	const struct http_request *r;
	size_t i;

	for (i = 0; i < res->n; i++) {
		e = &res->ev[i];
		if (e->kind == HD_ERROR) {
			assert(i == res->n - 1);
			assert(e->status >= 400 && e->status <= 505);
			assert(e->reason && *e->reason);
			continue;
		}
		if (e->kind != HD_HEAD)
			continue;
		r = &e->req;
		assert(r->head_len > 0 && e->at + r->head_len <= len);
		assert(r->target.len > 0);
		assert(r->target.off + r->target.len <= e->at + r->head_len);
		assert(r->host.off + r->host.len <= e->at + r->head_len);
		assert(r->if_none_match.off + r->if_none_match.len <=
		       e->at + r->head_len);
		assert(r->method != HTTP_METHOD_NONE && r->version <= 1);
		assert(r->body != HTTP_BODY_CHUNKED || r->version == 1);
	}
}

/* Each completed body took the bytes its framing allows. */
static void check_bodies(const struct hd_result *res,
			 const struct http_limits *lim)
{
	const struct http_request *r;
	size_t i, n;

	for (i = 0; i + 1 < res->n; i++) {
		if (res->ev[i].kind != HD_HEAD)
			continue;
		assert(res->ev[i + 1].kind != HD_HEAD);
		if (res->ev[i + 1].kind != HD_BODY_DONE)
			continue;
		r = &res->ev[i].req;
		n = res->ev[i + 1].end - res->ev[i].at - r->head_len;
		if (r->body == HTTP_BODY_CHUNKED)
			assert(n <= http_chunked_wire_max(lim) && n >= 5);
		else
			assert(n == r->content_length);
	}
}

static void exercise_request(const char *in, const struct hd_result *res)
{
	const struct hd_event *e;
	struct khttpd_route route;
	const char *reason;
	size_t i;

	for (i = 0; i < res->n; i++) {
		e = &res->ev[i];
		if (e->kind != HD_HEAD)
			continue;
		if (!khttpd_route(in + e->req.target.off, e->req.target.len,
				&route, &reason))
			assert(route.n <= KHTTPD_FIB_N_MAX);
		if (e->req.has_if_none_match)
			http_etag_match(in + e->req.if_none_match.off,
					e->req.if_none_match.len, "\"1\"", 3);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct hd_result whole, split;
	const struct http_limits *lim;
	size_t cuts[MAX_CUTS];
	struct hd_split sp = { 0 };
	const char *in;
	size_t len;

	if (size < 4)
		return 0;
	lim = (data[0] & 1) ? &tiny_limits : &default_limits;
	in = (const char *)data + 4;
	len = size - 4;

	hd_run(in, len, lim, &sp, &whole);
	assert(whole.max_pending < http_head_buffer_size(lim));
	assert(whole.consumed <= len);
	check_spans(&whole, len);
	check_bodies(&whole, lim);
	exercise_request(in, &whole);

	sp.ncuts = data[1] % (MAX_CUTS + 1);
	make_cuts(cuts, sp.ncuts, data[2] | data[3] << 8, len);
	sp.cuts = cuts;
	sp.copy = data[0] & 2;
	hd_run(in, len, lim, &sp, &split);
	assert(hd_equal(&whole, &split));
	assert(split.max_pending < http_head_buffer_size(lim));

	if (len <= BYTEWISE_MAX) {
		memset(&sp, 0, sizeof(sp));
		sp.step = 1;
		hd_run(in, len, lim, &sp, &split);
		assert(hd_equal(&whole, &split));
	}
	return 0;
}
