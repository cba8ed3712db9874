// SPDX-License-Identifier: GPL-2.0
/*
 * bignum_fiblen_check.c - check that bn_fib_text_len() is exact for every
 * n <= BN_FIB_MAX: the 128-bit fixed-point value of n log_b(phi) -
 * log_b(sqrt(5)) must never come within 2^-64 of an integer (where the
 * library would return -ERANGE).  About 2^32 evaluations; run once:
 *
 *   make fiblen-check
 */
#include <stdio.h>

#include "bignum/bn_internal.h"

int main(void)
{
	unsigned long long bad = 0;
	u32 n;

	for (n = 94; ; n++) {
		if (bn_fib_log_floor(n, 10) < 0 || bn_fib_log_floor(n, 16) < 0) {
			printf("ambiguous: n = %u\n", n);
			bad++;
		}
		if (n == BN_FIB_MAX)
			break;
	}
	printf("checked n = 94 .. %u: %llu ambiguous\n", BN_FIB_MAX, bad);
	return bad != 0;
}
