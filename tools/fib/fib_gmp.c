// SPDX-License-Identifier: GPL-2.0
/*
 * fib_gmp.c - print F(N) in decimal (hex with -x) as GMP computes it: the
 * reference the streaming tests and make huge-guest check khttpd's
 * bytes against, independent of bignum/.
 *
 *   fib-gmp N [-x]
 *
 * No newline follows the digits, so that the output is byte for byte a
 * response's body (pipe it into sha256sum).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

int main(int argc, char **argv)
{
	int base = argc > 2 && !strcmp(argv[2], "-x") ? 16 : 10;
	unsigned long n;
	char *end;
	mpz_t f;

	if (argc < 2 || argc > 3 || !*argv[1] || *argv[1] == '-') {
		fprintf(stderr, "usage: fib-gmp N [-x]\n");
		return 2;
	}
	n = strtoul(argv[1], &end, 10);
	if (*end || n > 2147483647UL) {
		fprintf(stderr, "fib-gmp: N from 0 to 2147483647\n");
		return 2;
	}
	mpz_init(f);
	mpz_fib_ui(f, n);
	if (!mpz_out_str(stdout, base, f) || fflush(stdout)) {
		perror("fib-gmp");
		return 1;
	}
	mpz_clear(f);
	return 0;
}
