// SPDX-License-Identifier: GPL-2.0
/*
 * route.c - F(N) in 64-bit arithmetic, for N up to 93.
 */
#include "route.h"

/**
 * fib_u64() - F(n) in 64-bit arithmetic
 * @n: index, at most FIB_U64_MAX_N
 *
 * Return: F(n), or 0 if @n is too large.
 */
u64 fib_u64(unsigned int n)
{
	u64 a = 0, b = 1, t;

	if (n > FIB_U64_MAX_N)
		return 0;
	while (n--) {
		t = a + b;
		a = b;
		b = t;
	}
	return a;
}
