/* SPDX-License-Identifier: GPL-2.0 */
/*
 * route.h - F(N) for N small enough for 64-bit arithmetic.
 *
 * Kernel-agnostic (include/khttpd_shim.h only).
 */
#ifndef KHTTPD_ROUTE_H
#define KHTTPD_ROUTE_H

#include "khttpd_shim.h"

/* Largest N whose F(N) fits in 64 bits: F(93) = 12200160415121876738. */
#define FIB_U64_MAX_N 93

u64 fib_u64(unsigned int n);

#endif /* KHTTPD_ROUTE_H */
