// SPDX-License-Identifier: GPL-2.0
/*
 * bignum_bench.c - bignum/ against GMP, side by side in one run.
 *
 *   bignum_bench              the table for N = 10^4 .. 10^8
 *   bignum_bench --one N [B]  F(N) once: times and peak memory, in base
 *                             B (10 or 16; both if omitted); used for
 *                             N = 2^31 - 1
 *   bignum_bench --cmp N B    F(N) in base B against GMP's, by length and
 *                             a 64-bit FNV-1a hash of the text
 *   bignum_bench --mul        n x n-limb products against mpn_mul_n for
 *                             n = 22 .. 10850 (the conversion's sizes)
 *   bignum_bench --sqr        n-limb squares against mpn_sqr at the sizes
 *                             of the doubling steps of F(10^5 .. 10^8)
 *   bignum_bench --fib [R]    F(N) alone against mpz_fib_ui, N = 10^4 ..
 *                             10^8, best of R rounds (default 5)
 *
 * Times are thread CPU time, the best of several runs (at least 1 s of
 * runs and 5 runs per row below 10^7, 3 runs at 10^7, 2 at 10^8),
 * alternating bignum and GMP; below 10^6 a run is the mean of a batch.
 * Conversions write into a sink that only
 * counts, GMP's into a preallocated buffer.
 */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "bignum/bn_internal.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * CPU time of this thread: the machines this runs on are shared, and wall
 * time under load measures the neighbours.
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double wall(void)
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

/*
 * Below 10^6 one sample repeats each operation this many times (and
 * reports the mean): a few microseconds are too close to the clock's
 * resolution under virtualisation to be measured alone.
 */
static int inner_reps(unsigned int n)
{
	return n < 1000000 ? 2000000 / n : 1;
}

static int run_ours(unsigned int n, struct cell *c, size_t *peak,
		    size_t *digits)
{
	int k = inner_reps(n), i, err = 0;
	struct bn_ctx ctx = { 0 };
	struct bn *f;
	double t0, t1, t2;

	t0 = now();
	for (i = 0; i < k && !err; i++) {
		err = bn_fib(&f, n, &ctx);
		if (!err && i + 1 < k)
			bn_free_ctx(f, &ctx);
	}
	if (err)
		return err;
	t1 = now();
	for (i = 0; i < k && !err; i++) {
		*digits = 0;
		err = bn_to_text(f, 10, count_sink, digits, &ctx);
	}
	t2 = now();
	bn_free_ctx(f, &ctx);
	c->fib = (t1 - t0) / k;
	c->dec = (t2 - t1) / k;
	*peak = ctx.bytes_peak;
	return err;
}

static void run_gmp(unsigned int n, struct cell *c, char *buf)
{
	int k = inner_reps(n), i;
	double t0, t1, t2;
	mpz_t z;

	mpz_init(z);
	t0 = now();
	for (i = 0; i < k; i++)
		mpz_fib_ui(z, n);
	t1 = now();
	for (i = 0; i < k; i++)
		mpz_get_str(buf, 10, z);
	t2 = now();
	mpz_clear(z);
	c->fib = (t1 - t0) / k;
	c->dec = (t2 - t1) / k;
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

	printf("bignum vs GMP %s (thread CPU time, best of runs; "
	       "ratio = bignum / GMP)\n\n",
	       gmp_version);
	printf("%-10s | %10s %10s %6s | %10s %10s %6s\n", "N", "F(N)",
	       "GMP", "ratio", "decimal", "GMP", "ratio");
	printf("-----------+-------------------------------+------------------------------\n");
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		struct cell ours = { 1e9, 1e9 }, gmp = { 1e9, 1e9 }, c;
		char *buf = malloc(ns[i] / 4 + 16);
		char a[16], b[16], d[16], e[16];
		double start = wall();
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
		} while ((ns[i] < 10000000 && (wall() - start < 1.0 || reps < 5)) ||
			 (ns[i] == 10000000 && reps < 3) ||
			 (ns[i] > 10000000 && reps < 2));
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
	printf("\npeak memory for F(10^8) and its decimal conversion: %.1f MiB (bound from bn_fib_peak_bytes: %.1f MiB)\n",
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
		printf("F(%u) base %u: %zu chars (bn_fib_text_len %lld); F %.2f s, text %.2f s (CPU); peak %.1f MiB (F alone %.1f MiB, bound %.1f MiB), maxrss %.1f MiB\n",
		       n, base, len,
		       (long long)bn_fib_text_len(n, base), t1 - t0, t2 - t1,
		       ctx.bytes_peak / 1048576.0, fibpeak / 1048576.0,
		       bn_fib_peak_bytes(n, base) / 1048576.0,
		       ru.ru_maxrss / 1024.0);
		fflush(stdout);
	}
	return 0;
}

static u64 fnv(u64 h, const char *s, size_t len)
{
	while (len--) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

struct hash_sink {
	u64 h;
	size_t len;
};

static int hash_sink(void *arg, const char *buf, size_t len)
{
	struct hash_sink *k = arg;

	k->h = fnv(k->h, buf, len);
	k->len += len;
	return 0;
}

static int cmp(unsigned int n, unsigned int base)
{
	struct hash_sink k = { 1469598103934665603ULL, 0 };
	u64 h2 = 1469598103934665603ULL;
	struct bn *f;
	size_t len;
	char *s;
	mpz_t z;
	int ok;

	if (bn_fib(&f, n, NULL))
		return 2;
	if (bn_to_text(f, base, hash_sink, &k, NULL))
		return 2;
	bn_free(f);
	mpz_init(z);
	mpz_fib_ui(z, n);
	s = mpz_get_str(NULL, (int)base, z);
	len = strlen(s);
	h2 = fnv(h2, s, len);
	ok = h2 == k.h && len == k.len;
	printf("F(%u) base %u: bignum %zu chars, hash %016llx; GMP %zu chars, hash %016llx: %s\n",
	       n, base, k.len, (unsigned long long)k.h, len,
	       (unsigned long long)h2, ok ? "same" : "DIFFERENT");
	free(s);
	mpz_clear(z);
	return !ok;
}

/*
 * Best of 5 batches of bn_mul() and of mpn_mul_n() at the sizes of the
 * divisions of a conversion of F(10^6) (n, n/2, ...) and twice it.
 */
static int mul_table(void)
{
	static const size_t sz[] = { 22, 43, 85, 170, 340, 680, 1357, 2713,
				     5425, 10850 };
	struct bn_ctx ctx = { 0 };
	size_t i, j;

	printf("n x n-limb products, bignum vs GMP %s\n", gmp_version);
	printf("(thread CPU time, best of 5 batches)\n\n");
	for (i = 0; i < ARRAY_SIZE(sz); i++) {
		size_t n = sz[i];
		u64 *a = malloc(8 * n), *b = malloc(8 * n), *r = malloc(16 * n);
		int reps = 2000000 / (int)(4 * n) + 3, k, run;
		double ours = 1e9, gmp = 1e9, t;

		if (!a || !b || !r)
			return 1;
		for (j = 0; j < n; j++) {
			a[j] = (u64)rand() * 0x9e3779b97f4a7c15ULL;
			b[j] = ((u64)rand() * 0xc2b2ae3d27d4eb4fULL) ^ j;
		}
		for (run = 0; run < 5; run++) {
			t = now();
			for (k = 0; k < reps; k++)
				if (bn_mul(r, a, n, b, n, &ctx))
					return 1;
			t = (now() - t) / reps;
			ours = t < ours ? t : ours;
			t = now();
			for (k = 0; k < reps; k++)
				mpn_mul_n((mp_limb_t *)r, (mp_limb_t *)a,
					  (mp_limb_t *)b, n);
			t = (now() - t) / reps;
			gmp = t < gmp ? t : gmp;
		}
		printf("n %6zu: bignum %9.2f us  GMP %9.2f us  ratio %.2fx\n",
		       n, ours * 1e6, gmp * 1e6, ours / gmp);
		free(a);
		free(b);
		free(r);
	}
	return 0;
}

/*
 * Best of 5 batches of bn_sqr() and of mpn_sqr() at the sizes of the
 * squares of the doubling steps (F(k) has about 0.0108 k limbs).
 */
static int sqr_table(void)
{
	static const size_t sz[] = { 54, 170, 340, 680, 1357, 2713, 5425,
				     10850, 27000, 54000, 108000, 270000,
				     540000 };
	struct bn_ctx ctx = { 0 };
	size_t i, j;

	printf("n-limb squares, bignum vs GMP %s\n", gmp_version);
	printf("(thread CPU time, best of 5 batches, interleaved)\n\n");
	for (i = 0; i < ARRAY_SIZE(sz); i++) {
		size_t n = sz[i];
		u64 *a = malloc(8 * n), *r = malloc(16 * n);
		int reps = 2000000 / (int)(4 * n) + 1, k, run;
		double ours = 1e9, gmp = 1e9, t;

		if (!a || !r)
			return 1;
		for (j = 0; j < n; j++)
			a[j] = (u64)rand() * 0x9e3779b97f4a7c15ULL ^ j;
		for (run = 0; run < 5; run++) {
			t = now();
			for (k = 0; k < reps; k++)
				if (bn_sqr(r, a, n, &ctx))
					return 1;
			t = (now() - t) / reps;
			ours = t < ours ? t : ours;
			t = now();
			for (k = 0; k < reps; k++)
				mpn_sqr((mp_limb_t *)r, (mp_limb_t *)a, n);
			t = (now() - t) / reps;
			gmp = t < gmp ? t : gmp;
		}
		printf("n %6zu: bignum %10.2f us  GMP %10.2f us  ratio %.2fx\n",
		       n, ours * 1e6, gmp * 1e6, ours / gmp);
		free(a);
		free(r);
	}
	return 0;
}

/* F(N) alone against mpz_fib_ui(), best of @rounds interleaved rounds. */
static int fib_table(int rounds)
{
	static const unsigned int ns[] = { 10000, 100000, 1000000, 10000000,
					   100000000 };
	unsigned int i;

	printf("F(N), bignum vs GMP %s (thread CPU time, best of %d rounds)\n\n",
	       gmp_version, rounds);
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		unsigned int n = ns[i];
		int k = inner_reps(n), run, j;
		double ours = 1e9, gmp = 1e9, t;
		struct bn_ctx ctx = { 0 };
		struct bn *f;
		mpz_t z;

		mpz_init(z);
		for (run = 0; run < rounds; run++) {
			t = now();
			for (j = 0; j < k; j++) {
				if (bn_fib(&f, n, &ctx))
					return 1;
				bn_free_ctx(f, &ctx);
			}
			t = (now() - t) / k;
			ours = t < ours ? t : ours;
			t = now();
			for (j = 0; j < k; j++)
				mpz_fib_ui(z, n);
			t = (now() - t) / k;
			gmp = t < gmp ? t : gmp;
		}
		mpz_clear(z);
		printf("%-10u | %12.1f us %12.1f us  %.2fx\n", n, ours * 1e6,
		       gmp * 1e6, ours / gmp);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--sqr"))
		return sqr_table();
	if (argc >= 2 && !strcmp(argv[1], "--fib"))
		return fib_table(argc > 2 ? atoi(argv[2]) : 5);
	if (argc == 4 && !strcmp(argv[1], "--cmp"))
		return cmp((unsigned int)strtoul(argv[2], NULL, 0),
			   (unsigned int)atoi(argv[3]));
	if (argc == 2 && !strcmp(argv[1], "--mul"))
		return mul_table();
	if (argc >= 3 && !strcmp(argv[1], "--one"))
		return one((unsigned int)strtoul(argv[2], NULL, 0),
			   argc > 3 ? (unsigned int)atoi(argv[3]) : 0);
	return table();
}
