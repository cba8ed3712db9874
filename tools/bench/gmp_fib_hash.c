// SPDX-License-Identifier: GPL-2.0
/*
 * gmp_fib_hash.c - F(N) in base B by GMP alone: its length and the 64-bit
 * FNV-1a hash of its text, the reference `make huge` (kunit/huge.sh)
 * checks the expected values of kunit/bignum_huge_kunit.c against.
 *
 *   gmp_fib_hash N B    prints "F(N) base B: LEN chars, fnv HASH"
 */
#include <gmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	uint64_t h = 1469598103934665603ULL;
	unsigned long n;
	size_t len, i;
	int base;
	char *s;
	mpz_t z;

	if (argc != 3) {
		fprintf(stderr, "usage: gmp_fib_hash N BASE\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 0);
	base = atoi(argv[2]);
	mpz_init(z);
	mpz_fib_ui(z, n);
	s = mpz_get_str(NULL, base, z);
	if (!s)
		return 1;
	len = strlen(s);
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	printf("F(%lu) base %d: %zu chars, fnv %016llx\n", n, base, len,
	       (unsigned long long)h);
	free(s);
	mpz_clear(z);
	return 0;
}
