// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_http_target.c - libFuzzer target for http/target.c.
 *
 * Input: a request-target.  Oracles:
 *  - khttpd_route() never crashes; a 400 has a reason and names nothing;
 *  - a routed N re-encoded as "/fib/<N>?base=<base>" (and with leading
 *    zeros) routes back to the same N and base;
 *  - an origin-form target routes the same once made absolute-form;
 *  - a valid Host value with a non-empty host makes a valid absolute-form
 *    authority, and CONNECT accepts it with a port;
 *  - http_target_parse() returns parts inside the target.
 */
#include <assert.h>
#include "include/khttpd_shim.h"
#include "http/proto/conditional.h"
#include "http/proto/target.h"
#include "http/resource.h"
#include "http/proto/parser.h"

static void check_parts(const char *t, size_t len, bool connect)
{
	struct http_target tg;
	const char *reason = NULL;

	if (http_target_parse(t, len, connect, &tg, &reason)) {
		assert(reason && *reason);
		return;
	}
	assert((size_t)tg.authority_off + tg.authority_len <= len);
	assert((size_t)tg.path_off + tg.path_len <= len);
	assert((size_t)tg.query_off + tg.query_len <= len);
	assert(!connect || tg.form == HTTP_FORM_AUTHORITY);
	assert(tg.form != HTTP_FORM_ORIGIN || (tg.path_len && t[0] == '/'));
}

static void check_reencoded(const struct khttpd_route *r)
{
	struct khttpd_route again;
	const char *reason;
	char buf[64];
	int n;

	n = snprintf(buf, sizeof(buf), "/fib/%u?base=%u", r->n, r->base);
	assert(!khttpd_route(buf, n, &again, &reason));
	assert(again.kind == KHTTPD_ROUTE_FIB && again.n == r->n &&
	       again.base == r->base);
	n = snprintf(buf, sizeof(buf), "/fib/000%u?x&base=%u&base%%3D=1",
		     r->n, r->base);
	assert(!khttpd_route(buf, n, &again, &reason));
	assert(again.kind == KHTTPD_ROUTE_FIB && again.n == r->n &&
	       again.base == r->base);
}

static void check_absolute(const char *t, size_t len,
			   const struct khttpd_route *r, int status)
{
	struct khttpd_route again;
	const char *reason;
	char *abs;
	int st;

	if (!len || t[0] != '/')
		return;
	abs = malloc(len + 8);
	memcpy(abs, "http://h", 8);
	memcpy(abs + 8, t, len);
	st = khttpd_route(abs, len + 8, &again, &reason);
	assert(st == status && again.kind == r->kind && again.n == r->n &&
	       again.base == r->base);
	free(abs);
}

static void check_host(const char *s, size_t len)
{
	struct http_target tg;
	const char *reason;
	bool ok_empty = http_host_valid(s, len, true);
	bool ok = http_host_valid(s, len, false);
	char *abs;

	assert(!ok || ok_empty);
	if (!ok || memchr(s, '/', len) || memchr(s, '?', len))
		return;
	abs = malloc(len + 8);
	memcpy(abs, "http://", 7);
	memcpy(abs + 7, s, len);
	abs[len + 7] = '/';
	assert(!http_target_parse(abs, len + 8, false, &tg, &reason));
	assert(tg.form == HTTP_FORM_ABSOLUTE && tg.authority_len == len &&
	       !memcmp(abs + tg.authority_off, s, len));
	free(abs);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const char *t = (const char *)data;
	struct khttpd_route r;
	const char *reason = NULL;
	int st;

	st = khttpd_route(t, size, &r, &reason);
	assert(st == 0 || st == 400);
	if (st) {
		assert(reason && *reason);
		assert(r.kind == KHTTPD_ROUTE_NOT_FOUND);
	}
	assert(r.base == 10 || r.base == 16);
	assert(r.n <= KHTTPD_FIB_N_MAX);
	assert(r.kind == KHTTPD_ROUTE_FIB || (r.n == 0 && r.base == 10));
	if (r.kind == KHTTPD_ROUTE_FIB)
		check_reencoded(&r);
	check_absolute(t, size, &r, st);
	check_parts(t, size, false);
	check_parts(t, size, true);
	check_host(t, size);
	if (size)
		http_etag_match(t + 1, size - 1, t, size / 2);
	return 0;
}
