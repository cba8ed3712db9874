// SPDX-License-Identifier: GPL-2.0
/*
 * fib.c - print F(N) in decimal (hex with -x), streaming, from the very
 * sources of khttpd.ko's bignum/; or, with -p, only the bound of the
 * memory computing and converting it takes, bn_fib_peak_bytes() (what
 * the server reserves for a streamed F(N), besides its window).
 *
 *   fib N [-x] [-p]
 *   fib N -m    bn_fib_peak_bytes(N, B) and bn_fib_text_len(N, B) for
 *               B = 0 (F alone), 10, 16, without computing anything
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bignum/bignum.h"

static int out(void *arg, const char *buf, size_t len)
{
	return fwrite(buf, 1, len, stdout) == len ? 0 : -EIO;
}

/* The memory bound and the text's length in each base. */
static int print_bound(u32 n)
{
	printf("F(%u): bound %llu bytes alone; decimal %llu + text %lld; hex %llu + text %lld\n",
	       n, (unsigned long long)bn_fib_peak_bytes(n, 0),
	       (unsigned long long)bn_fib_peak_bytes(n, 10),
	       (long long)bn_fib_text_len(n, 10),
	       (unsigned long long)bn_fib_peak_bytes(n, 16),
	       (long long)bn_fib_text_len(n, 16));
	return 0;
}

static int bad_args(void)
{
	fprintf(stderr, "usage: fib N [-x] [-p | -m]   (0 <= N <= %u)\n",
		BN_FIB_MAX);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned int base = 10;
	bool bound = false;
	const char *arg = NULL;
	int peak = 0;
	unsigned long long n;
	struct bn *f;
	char *end;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-x"))
			base = 16;
		else if (!strcmp(argv[i], "-p"))
			peak = 1;
		else if (!strcmp(argv[i], "-m"))
			bound = true;
		else if (!arg)
			arg = argv[i];
		else
			return bad_args();
	}
	if (!arg || !*arg || *arg == '-')
		return bad_args();
	n = strtoull(arg, &end, 10);
	if (*end || n > BN_FIB_MAX)
		return bad_args();
	if (bound)
		return print_bound((u32)n);
	if (peak) {
		printf("%llu\n",
		       (unsigned long long)bn_fib_peak_bytes((u32)n, base));
		return 0;
	}
	err = bn_fib(&f, (u32)n, NULL);
	if (!err) {
		err = bn_to_text(f, base, out, NULL, NULL);
		bn_free(f);
	}
	if (!err && (putchar('\n') == EOF || fflush(stdout)))
		err = -EIO;
	if (err) {
		fprintf(stderr, "fib: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
