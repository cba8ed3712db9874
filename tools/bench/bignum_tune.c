// SPDX-License-Identifier: GPL-2.0
/*
 * bignum_tune.c - measure the thresholds of bignum/ on this machine.
 *
 * The library is built with BN_TUNE, which turns its thresholds into the
 * variables below.  Each threshold is the first size from which the faster
 * algorithm wins at two consecutive measured sizes (best of several runs
 * each, thread CPU time); the SSA split bias and the recursive-pointwise threshold are the
 * values with the least total time over a few large squarings.  Prints the
 * lines to put into bignum/bn_internal.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bignum/bn_internal.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define NEVER ((size_t)1 << 40)

static u64 *A, *B, *R, *S;
static struct bn_ctx ctx;

static double now(void)
{
	struct timespec ts;

	/* thread CPU time: the machine is shared */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum op { MUL_N, SQR_N, MUL_KARA, SQR_KARA, MUL_SSA, SQR_SSA, SQR };

static void run(enum op op, size_t n)
{
	switch (op) {
	case MUL_N:
		bn_mul_n_scr(R, A, B, n, S, &ctx);
		break;
	case SQR_N:
		bn_sqr_n_scr(R, A, n, S, &ctx);
		break;
	case MUL_KARA:
		bn_mul_kara(R, A, n, B, n, &ctx);
		break;
	case SQR_KARA:
		bn_sqr_kara(R, A, n, &ctx);
		break;
	case MUL_SSA:
		bn_mul_ssa(R, A, n, B, n, &ctx);
		break;
	case SQR_SSA:
		bn_mul_ssa(R, A, n, A, n, &ctx);
		break;
	case SQR:
		bn_sqr(R, A, n, &ctx);
		break;
	}
}

/* Best time of op at size n over at least 3 runs and 20 ms. */
static double timeit(enum op op, size_t n)
{
	double best = 1e9, start = now(), t;
	int reps = 0;

	do {
		t = now();
		run(op, n);
		t = now() - t;
		if (t < best)
			best = t;
		reps++;
	} while (reps < 3 || now() - start < 0.02);
	return best;
}

/*
 * First n of the list from which slow (the small-size algorithm, with
 * *thr = NEVER) loses to fast (with *thr = n) twice in a row.
 */
static size_t crossover(const char *name, size_t *thr, enum op op,
			size_t from, size_t to, size_t step_div)
{
	size_t n, cand = 0;
	int wins = 0;

	for (n = from; n <= to; n += n / step_div + 1) {
		double slow, fast;

		*thr = NEVER;
		slow = timeit(op, n);
		*thr = n;
		fast = timeit(op, n);
		printf("  %-9s n=%-7zu %10.2f us %10.2f us\n", name, n,
		       slow * 1e6, fast * 1e6);
		if (fast < slow) {
			if (!wins++)
				cand = n;
			if (wins == 2)
				break;
		} else {
			wins = 0;
		}
	}
	if (wins < 2)
		cand = n;
	*thr = cand;
	printf("%s threshold: %zu limbs\n", name, cand);
	return cand;
}

/* Karatsuba or Toom-3 (whichever the thresholds pick) vs SSA, n x n. */
static size_t ssa_crossover(const char *name, size_t *thr, bool sqr)
{
	size_t n, cand = 0;
	int wins = 0;

	for (n = 500; n <= 40000; n += n / 5) {
		double k = timeit(sqr ? SQR_KARA : MUL_KARA, n);
		double s = timeit(sqr ? SQR_SSA : MUL_SSA, n);

		printf("  %-9s n=%-7zu below %10.1f us  ssa %10.1f us\n", name,
		       n, k * 1e6, s * 1e6);
		if (s < k) {
			if (!wins++)
				cand = n;
			if (wins == 2)
				break;
		} else {
			wins = 0;
		}
	}
	if (wins < 2)
		cand = n;
	*thr = cand;
	printf("%s threshold: %zu limbs\n", name, cand);
	return cand;
}

/* Total time of a few large squarings. */
static double sqr_suite(const size_t *ns, int cnt)
{
	double sum = 0;

	for (int i = 0; i < cnt; i++)
		sum += timeit(SQR, ns[i]);
	return sum;
}

/*
 * The split of SSA (k from the size, plus a bias) and the size from which
 * pointwise products recurse into SSA instead of Karatsuba.
 */
static void tune_ssa_shape(void)
{
	static const size_t ns[] = { 20000, 150000, 600000 };
	static const size_t big[] = { 1100000 };
	static const size_t inner[] = { 200, 300, 500, 800, 1200, 2000,
					NEVER };
	double t, tbest = 1e9;
	int kb, kbest = 0;
	size_t i, ibest = NEVER;

	bn_tune_ssa_inner = NEVER;
	for (kb = -1; kb <= 3; kb++) {
		bn_tune_ssa_kbias = kb;
		t = sqr_suite(ns, 3);
		printf("  kbias %+d: %.1f ms\n", kb, t * 1e3);
		if (t < tbest) {
			tbest = t;
			kbest = kb;
		}
	}
	bn_tune_ssa_kbias = kbest;
	printf("SSA k bias: %+d\n", kbest);
	tbest = 1e9;
	for (i = 0; i < ARRAY_SIZE(inner); i++) {
		bn_tune_ssa_inner = inner[i];
		t = sqr_suite(big, 1);
		printf("  inner %zu: %.1f ms\n", inner[i], t * 1e3);
		if (t < tbest) {
			tbest = t;
			ibest = inner[i];
		}
	}
	bn_tune_ssa_inner = ibest;
	printf("SSA recursive pointwise threshold: %zu limbs\n", ibest);
}

static int null_sink(void *arg, const char *buf, size_t len)
{
	return 0;
}

static void tune_dc(void)
{
	static const size_t thr[] = { 4, 8, 16, 32, 64, 128, 256 };
	struct bn *x = bn_new(&ctx, 30000);
	double tbest = 1e9;
	size_t i, best = 16;

	for (i = 0; i < 30000; i++)
		x->d[i] = A[i] | 1;
	bn_set_len(x, 30000);
	for (i = 0; i < ARRAY_SIZE(thr); i++) {
		double t = 1e9, t0;

		bn_tune_dc_conv = thr[i];
		for (int r = 0; r < 3; r++) {
			t0 = now();
			bn_to_text(x, 10, null_sink, NULL, &ctx);
			t0 = now() - t0;
			if (t0 < t)
				t = t0;
		}
		printf("  dc %zu: %.2f ms\n", thr[i], t * 1e3);
		if (t < tbest) {
			tbest = t;
			best = thr[i];
		}
	}
	bn_tune_dc_conv = best;
	bn_free(x);
	printf("conversion basecase threshold: %zu limbs\n", best);
}

int main(void)
{
	size_t max = 2400000, i;

	A = malloc(max * 8);
	B = malloc(max * 8);
	R = malloc(2 * max * 8 + 64);
	S = malloc(bn_kara_scratch(1024) * 8 + 8 * 4096);
	if (!A || !B || !R || !S)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	srand(1);
	for (i = 0; i < max; i++) {
		A[i] = ((u64)rand() << 40) ^ ((u64)rand() << 20) ^ rand();
		B[i] = ((u64)rand() << 40) ^ ((u64)rand() << 20) ^ rand();
	}
	bn_tune_mul_ssa = NEVER;
	bn_tune_sqr_ssa = NEVER;
	bn_tune_mul_toom3 = NEVER;
	bn_tune_sqr_toom3 = NEVER;
	crossover("mul_kara", &bn_tune_mul_kara, MUL_N, 8, 200, 8);
	crossover("sqr_kara", &bn_tune_sqr_kara, SQR_N, 8, 200, 8);
	/* one Toom-3 level over Karatsuba against Karatsuba alone */
	crossover("mul_toom3", &bn_tune_mul_toom3, MUL_N, 30, 800, 8);
	crossover("sqr_toom3", &bn_tune_sqr_toom3, SQR_N, 30, 800, 8);
	ssa_crossover("mul_ssa", &bn_tune_mul_ssa, false);
	ssa_crossover("sqr_ssa", &bn_tune_sqr_ssa, true);
	tune_ssa_shape();
	tune_dc();
	printf("\n#define BN_DEF_MUL_KARA %zu\n", bn_tune_mul_kara);
	printf("#define BN_DEF_SQR_KARA %zu\n", bn_tune_sqr_kara);
	printf("#define BN_DEF_MUL_TOOM3 %zu\n", bn_tune_mul_toom3);
	printf("#define BN_DEF_SQR_TOOM3 %zu\n", bn_tune_sqr_toom3);
	printf("#define BN_DEF_MUL_SSA %zu\n", bn_tune_mul_ssa);
	printf("#define BN_DEF_SQR_SSA %zu\n", bn_tune_sqr_ssa);
	printf("#define BN_DEF_SSA_INNER %zu\n", bn_tune_ssa_inner);
	printf("#define BN_DEF_DC_CONV %zu\n", bn_tune_dc_conv);
	printf("#define BN_DEF_SSA_KBIAS %d\n", bn_tune_ssa_kbias);
	free(A);
	free(B);
	free(R);
	free(S);
	return 0;
}
