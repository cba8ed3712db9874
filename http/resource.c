// SPDX-License-Identifier: GPL-2.0
/*
 * resource.c - which of khttpd's resources a request-target names: the
 * index "/", "/stats", "/metrics", "/healthz", and "/fib/N" with its "base"
 * parameter.
 *
 * Kernel-agnostic like http/proto/ (include/khttpd_shim.h only), so it is
 * unit-tested and fuzzed in user space; but it is the application's, not
 * HTTP's, so it lives beside the kernel code that answers these routes.
 */
#include "http/resource.h"

/* N from a percent-encoded segment: decimal digits, 0..KHTTPD_FIB_N_MAX. */
static bool parse_fib_n(const char *s, size_t len, u32 *n)
{
	u64 v = 0;
	size_t i = 0;
	u8 c;

	if (!len)
		return false;
	while (i < len) {
		c = http_decode_at(s, &i);
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
		if (v > KHTTPD_FIB_N_MAX)
			v = (u64)KHTTPD_FIB_N_MAX + 1;
	}
	if (v > KHTTPD_FIB_N_MAX)
		return false;
	*n = v;
	return true;
}

/* One query parameter "name[=value]"; sets *base if it is "base". */
static int query_param(const char *s, size_t len, u32 *base, bool *seen,
		       const char **reason)
{
	const char *eq = memchr(s, '=', len);
	size_t nlen = eq ? (size_t)(eq - s) : len;
	size_t vlen = eq ? len - nlen - 1 : 0;

	if (!http_decoded_equals(s, nlen, "base"))
		return 0;
	if (*seen) {
		*reason = "base may be given only once";
		return 400;
	}
	*seen = true;
	if (eq && http_decoded_equals(eq + 1, vlen, "10")) {
		*base = 10;
	} else if (eq && http_decoded_equals(eq + 1, vlen, "16")) {
		*base = 16;
	} else {
		*reason = "base must be 10 or 16";
		return 400;
	}
	return 0;
}

static int parse_query(const char *q, size_t len, u32 *base,
		       const char **reason)
{
	bool seen = false;
	size_t i = 0;
	const char *amp;
	size_t plen;
	int err;

	while (i < len) {
		amp = memchr(q + i, '&', len - i);
		plen = amp ? (size_t)(amp - (q + i)) : len - i;
		err = query_param(q + i, plen, base, &seen, reason);
		if (err)
			return err;
		i += plen + 1;
	}
	return 0;
}

/* Route the segments after "/fib/": N and the query. */
static int route_fib(const char *rest, size_t len, const char *query,
		     size_t qlen, struct khttpd_route *out, const char **reason)
{
	if (memchr(rest, '/', len))
		return 0;	/* "/fib/10/", "/fib/1/2": not found */
	if (!parse_fib_n(rest, len, &out->n)) {
		*reason = KHTTPD_FIB_N_REASON;
		return 400;
	}
	if (parse_query(query, qlen, &out->base, reason)) {
		out->n = 0;
		out->base = 10;
		return 400;
	}
	out->kind = KHTTPD_ROUTE_FIB;
	return 0;
}

int khttpd_route(const char *target, size_t len, struct khttpd_route *out,
		 const char **reason)
{
	struct http_target t;
	const char *path, *slash;
	size_t plen, first;
	int err;

	out->kind = KHTTPD_ROUTE_NOT_FOUND;
	out->n = 0;
	out->base = 10;
	err = http_target_parse(target, len, false, &t, reason);
	if (err)
		return err;
	if (t.form != HTTP_FORM_ORIGIN && t.form != HTTP_FORM_ABSOLUTE)
		return 0;
	path = target + t.path_off;
	plen = t.path_len;
	if (plen <= 1) {	/* "/", or the empty path of absolute-form */
		out->kind = KHTTPD_ROUTE_INDEX;
		return 0;
	}
	path++;
	plen--;
	slash = memchr(path, '/', plen);
	first = slash ? (size_t)(slash - path) : plen;
	if (!slash) {
		if (http_decoded_equals(path, first, "stats"))
			out->kind = KHTTPD_ROUTE_STATS;
		else if (http_decoded_equals(path, first, "metrics"))
			out->kind = KHTTPD_ROUTE_METRICS;
		else if (http_decoded_equals(path, first, "healthz"))
			out->kind = KHTTPD_ROUTE_HEALTHZ;
		return 0;
	}
	if (!http_decoded_equals(path, first, "fib"))
		return 0;
	return route_fib(slash + 1, plen - first - 1, target + t.query_off,
			 t.query_len, out, reason);
}
