/* SPDX-License-Identifier: GPL-2.0 */
/*
 * route.h - from a request head to a complete response.
 *
 * Kernel-agnostic (include/khttpd_shim.h only).
 */
#ifndef KHTTPD_ROUTE_H
#define KHTTPD_ROUTE_H

#include "khttpd_shim.h"

/* Largest N whose F(N) fits in 64 bits: F(93) = 12200160415121876738. */
#define FIB_U64_MAX_N 93

/* Largest N the server accepts, 2^31 - 1. */
#define FIB_MAX_N 2147483647u

u64 fib_u64(unsigned int n);
int http_answer(const char *head, size_t len, char *out, size_t size,
		s64 now);

#endif /* KHTTPD_ROUTE_H */
