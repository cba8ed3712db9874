// SPDX-License-Identifier: GPL-2.0
/*
 * bignum_bench.c - bignum/ against GMP, side by side in one run.
 *
 *   bignum_bench              the table for N = 10^4 .. 10^8
 *   bignum_bench --one N [B]  F(N) once: times and peak memory, in base
 *                             B (10 or 16; both if omitted); used for
 *                             N = 2^31 - 1
 *
 * Times are the best of several runs for small N (at least 0.3 s of runs
 * per cell), one run from 10^7 up.  Conversions write into a sink that
 * only counts, GMP's into a preallocated buffer.
 */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "bignum.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int count_sink(void *arg, const char *buf, size_t len)
{
	*(size_t *)arg += len;
	return 0;
}

struct cell {
	double fib, dec;
};

static int run_ours(unsigned int n, struct cell *c, size_t *peak,
		    size_t *digits)
{
	struct bn_ctx ctx = { 0 };
	struct bn *f;
	double t0, t1, t2;
	int err;

	t0 = now();
	err = bn_fib(&f, n, &ctx);
	if (err)
		return err;
	t1 = now();
	*digits = 0;
	err = bn_to_text(f, 10, count_sink, digits, &ctx);
	t2 = now();
	bn_free_ctx(f, &ctx);
	c->fib = t1 - t0;
	c->dec = t2 - t1;
	*peak = ctx.bytes_peak;
	return err;
}

static void run_gmp(unsigned int n, struct cell *c, char *buf)
{
	double t0, t1, t2;
	mpz_t z;

	mpz_init(z);
	t0 = now();
	mpz_fib_ui(z, n);
	t1 = now();
	mpz_get_str(buf, 10, z);
	t2 = now();
	mpz_clear(z);
	c->fib = t1 - t0;
	c->dec = t2 - t1;
}

static void keep_min(struct cell *best, const struct cell *c)
{
	if (c->fib < best->fib)
		best->fib = c->fib;
	if (c->dec < best->dec)
		best->dec = c->dec;
}

static void fmt(char *s, double t)
{
	if (t < 1e-3)
		sprintf(s, "%7.1f us", t * 1e6);
	else if (t < 1)
		sprintf(s, "%7.2f ms", t * 1e3);
	else
		sprintf(s, "%7.3f s ", t);
}

static int table(void)
{
	static const unsigned int ns[] = { 10000, 100000, 1000000, 10000000,
					   100000000 };
	size_t peak = 0, digits;
	unsigned int i;

	printf("bignum vs GMP %s (best of runs; ratio = bignum / GMP)\n\n",
	       gmp_version);
	printf("%-10s | %10s %10s %6s | %10s %10s %6s\n", "N", "F(N)",
	       "GMP", "ratio", "decimal", "GMP", "ratio");
	printf("-----------+-------------------------------+"
	       "------------------------------\n");
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		struct cell ours = { 1e9, 1e9 }, gmp = { 1e9, 1e9 }, c;
		char *buf = malloc(ns[i] / 4 + 16);
		char a[16], b[16], d[16], e[16];
		double start = now();
		int reps = 0, err;

		if (!buf)
			return 1;
		do {
			err = run_ours(ns[i], &c, &peak, &digits);
			if (err) {
				fprintf(stderr, "F(%u): error %d\n", ns[i], err);
				return 1;
			}
			keep_min(&ours, &c);
			run_gmp(ns[i], &c, buf);
			keep_min(&gmp, &c);
			reps++;
		} while (ns[i] < 10000000 && (now() - start < 0.6 || reps < 3));
		if (digits != strlen(buf)) {
			fprintf(stderr, "F(%u): %zu digits, GMP %zu\n", ns[i],
				digits, strlen(buf));
			return 1;
		}
		fmt(a, ours.fib);
		fmt(b, gmp.fib);
		fmt(d, ours.dec);
		fmt(e, gmp.dec);
		printf("%-10u | %s %s %5.2fx | %s %s %5.2fx\n", ns[i], a, b,
		       ours.fib / gmp.fib, d, e, ours.dec / gmp.dec);
		fflush(stdout);
		free(buf);
	}
	printf("\npeak memory for F(10^8) and its decimal conversion: %.1f MiB"
	       " (bound from bn_fib_peak_bytes: %.1f MiB)\n",
	       peak / 1048576.0, bn_fib_peak_bytes(100000000, 10) / 1048576.0);
	return 0;
}

static int one(unsigned int n, unsigned int only)
{
	for (unsigned int base = 10; base <= 16; base += 6) {
		if (only && base != only)
			continue;
		struct bn_ctx ctx = { 0 };
		size_t len = 0, fibpeak;
		struct rusage ru;
		struct bn *f;
		double t0, t1, t2;
		int err;

		t0 = now();
		err = bn_fib(&f, n, &ctx);
		if (err)
			return 1;
		t1 = now();
		fibpeak = ctx.bytes_peak;
		err = bn_to_text(f, base, count_sink, &len, &ctx);
		t2 = now();
		bn_free_ctx(f, &ctx);
		if (err)
			return 1;
		getrusage(RUSAGE_SELF, &ru);
		printf("F(%u) base %u: %zu chars (bn_fib_text_len %lld); "
		       "F %.2f s, text %.2f s; peak %.1f MiB (F alone %.1f "
		       "MiB, bound %.1f MiB), maxrss %.1f MiB\n", n, base, len,
		       (long long)bn_fib_text_len(n, base), t1 - t0, t2 - t1,
		       ctx.bytes_peak / 1048576.0, fibpeak / 1048576.0,
		       bn_fib_peak_bytes(n, base) / 1048576.0,
		       ru.ru_maxrss / 1024.0);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "--one"))
		return one((unsigned int)strtoul(argv[2], NULL, 0),
			   argc > 3 ? (unsigned int)atoi(argv[3]) : 0);
	return table();
}
