/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resource.h - the routes of khttpd: "/", "/stats", "/metrics", "/healthz"
 * and "/fib/N?base=".
 *
 * Kernel-agnostic (include/khttpd_shim.h and http/proto/ only): pure
 * functions on the request-target as received.
 */
#ifndef KHTTPD_RESOURCE_H
#define KHTTPD_RESOURCE_H

#include "http/proto/target.h"

/* Largest N of /fib/N, 2^31 - 1. */
#define KHTTPD_FIB_N_MAX 2147483647u

/* The one-line reason given for every bad N. */
#define KHTTPD_FIB_N_REASON "N must be a decimal integer from 0 to 2147483647"

/**
 * enum khttpd_route_kind - what a target names
 * @KHTTPD_ROUTE_NOT_FOUND: nothing; the caller answers 404
 * @KHTTPD_ROUTE_INDEX: "/"
 * @KHTTPD_ROUTE_STATS: "/stats"
 * @KHTTPD_ROUTE_FIB: "/fib/N", with khttpd_route.n and khttpd_route.base set
 * @KHTTPD_ROUTE_METRICS: "/metrics"
 * @KHTTPD_ROUTE_HEALTHZ: "/healthz"
 */
enum khttpd_route_kind {
	KHTTPD_ROUTE_NOT_FOUND,
	KHTTPD_ROUTE_INDEX,
	KHTTPD_ROUTE_STATS,
	KHTTPD_ROUTE_FIB,
	KHTTPD_ROUTE_METRICS,
	KHTTPD_ROUTE_HEALTHZ,
};

/**
 * struct khttpd_route - the outcome of routing one target
 * @kind: the resource named
 * @n: N of /fib/N, 0..KHTTPD_FIB_N_MAX (0 for other kinds)
 * @base: 10 or 16, the radix F(N) is answered in (10 for other kinds)
 */
struct khttpd_route {
	enum khttpd_route_kind kind;
	u32 n;
	u32 base;
};

/**
 * khttpd_route() - decode a request-target and find the resource it names
 * @target: the request-target as received (origin- or absolute-form; the
 *          other forms name no resource)
 * @len: its length
 * @out: the route, valid when 0 is returned
 * @reason: set to a one-line reason when 400 is returned
 *
 * The path is split into segments on '/' first and each segment is then
 * percent-decoded, so "%2F" is data inside a segment and never a
 * separator.  Routes: "/" (index), "/stats", "/metrics", "/healthz",
 * "/fib/N" where N is one or more decimal digits (leading zeros allowed) with value at most
 * KHTTPD_FIB_N_MAX.  Anything else, including "/fib/10/" and "/fib", is
 * KHTTPD_ROUTE_NOT_FOUND.  For /fib/N the query may hold "base=10" or
 * "base=16" once; other parameters are ignored.
 *
 * Return: 0 (see @out->kind), or 400 (Bad Request) with @reason.
 */
int khttpd_route(const char *target, size_t len, struct khttpd_route *out,
		 const char **reason);

#endif /* KHTTPD_RESOURCE_H */
