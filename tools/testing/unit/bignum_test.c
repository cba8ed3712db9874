// SPDX-License-Identifier: GPL-2.0
/*
 * bignum_test.c - user-space tests of bignum/ against GMP, under ASan and
 * UBSan.  The library is built with BN_TUNE so that the tests can move the
 * thresholds and drive every algorithm (Karatsuba, SSA with and without
 * recursive pointwise products, divide-and-conquer conversion) at sizes
 * that stay fast under the sanitizers.
 *
 *   bignum_test          the suite
 *   bignum_test --big    F(10^7) only (run from an optimized build)
 */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/testing/unit/ktest.h"
#include "bignum/bn_internal.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

long kshim_fail_after = -1;

static void tune_defaults(void)
{
	bn_tune_mul_kara = BN_DEF_MUL_KARA;
	bn_tune_sqr_kara = BN_DEF_SQR_KARA;
	bn_tune_mul_toom3 = BN_DEF_MUL_TOOM3;
	bn_tune_sqr_toom3 = BN_DEF_SQR_TOOM3;
	bn_tune_mul_ssa = BN_DEF_MUL_SSA;
	bn_tune_sqr_ssa = BN_DEF_SQR_SSA;
	bn_tune_ssa_inner = BN_DEF_SSA_INNER;
	bn_tune_dc_conv = BN_DEF_DC_CONV;
	bn_tune_ssa_kbias = BN_DEF_SSA_KBIAS;
}

/* Small thresholds: every algorithm at small sizes. */
static void tune_small(void)
{
	bn_tune_mul_kara = 4;
	bn_tune_sqr_kara = 4;
	bn_tune_mul_toom3 = 12;
	bn_tune_sqr_toom3 = 12;
	bn_tune_mul_ssa = 40;
	bn_tune_sqr_ssa = 40;
	bn_tune_ssa_inner = 24;
	bn_tune_dc_conv = 2;
	bn_tune_ssa_kbias = 0;
}

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random limbs, sometimes all ones or sparse to stress carries. */
static void fill(u64 *a, size_t n)
{
	unsigned int mode = rnd() % 4;
	size_t i;

	for (i = 0; i < n; i++) {
		if (mode == 0)
			a[i] = ~0ULL;
		else if (mode == 1)
			a[i] = (rnd() % 8) ? 0 : rnd();
		else
			a[i] = rnd();
	}
	if (n && !a[n - 1])
		a[n - 1] = 1;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

typedef int (*mulfn)(u64 *, const u64 *, size_t, const u64 *, size_t,
		     struct bn_ctx *);

static int sqr_as_mul(u64 *r, const u64 *a, size_t an, const u64 *b,
		      size_t bn, struct bn_ctx *ctx)
{
	(void)b;
	(void)bn;
	return bn_sqr(r, a, an, ctx);
}

static int kara_sqr_as_mul(u64 *r, const u64 *a, size_t an, const u64 *b,
			   size_t bn, struct bn_ctx *ctx)
{
	(void)b;
	(void)bn;
	return bn_sqr_kara(r, a, an, ctx);
}

static int ssa_sqr_as_mul(u64 *r, const u64 *a, size_t an, const u64 *b,
			  size_t bn, struct bn_ctx *ctx)
{
	(void)b;
	(void)bn;
	return bn_mul_ssa(r, a, an, a, an, ctx);
}

/* Compare fn(a, b) with mpn_mul for one pair of sizes. */
static int check_mul(mulfn fn, size_t an, size_t bn, bool sqr)
{
	u64 *a, *b, *r, *g;
	struct bn_ctx ctx = { 0 };
	int ok;

	if (sqr)
		bn = an;
	a = xmalloc(an * 8);
	b = xmalloc(bn * 8);
	r = xmalloc((an + bn) * 8);
	g = xmalloc((an + bn) * 8);
	fill(a, an);
	if (sqr)
		memcpy(b, a, an * 8);
	else
		fill(b, bn);
	if (an >= bn)
		mpn_mul((mp_limb_t *)g, (mp_limb_t *)a, an, (mp_limb_t *)b, bn);
	else
		mpn_mul((mp_limb_t *)g, (mp_limb_t *)b, bn, (mp_limb_t *)a, an);
	memset(r, 0xa5, (an + bn) * 8);
	ok = fn(r, a, an, sqr ? a : b, bn, &ctx) == 0 &&
	     memcmp(r, g, (an + bn) * 8) == 0 && ctx.bytes_now == 0;
	free(a);
	free(b);
	free(r);
	free(g);
	return ok;
}

static int toom_sqr_as_mul(u64 *r, const u64 *a, size_t an, const u64 *b,
			   size_t bn, struct bn_ctx *ctx)
{
	(void)b;
	(void)bn;
	return bn_sqr_toom3(r, a, an, ctx);
}

static int toom_mul(u64 *r, const u64 *a, size_t an, const u64 *b,
		    size_t bn, struct bn_ctx *ctx)
{
	(void)bn;
	return bn_mul_toom3(r, a, b, an, ctx);
}

static const size_t sizes_small[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17,
				      31, 32, 33, 47, 48, 49, 63, 64, 65,
				      100, 127, 128, 129, 200 };

static void test_mul_schoolbook_karatsuba(void)
{
	size_t i, j;

	tune_defaults();
	for (i = 0; i < ARRAY_SIZE(sizes_small); i++) {
		for (j = 0; j <= i; j++) {
			size_t an = sizes_small[i], bn = sizes_small[j];

			KT_EXPECT(check_mul(bn_mul_kara, an, bn, false),
				  "kara %zu x %zu", an, bn);
			KT_EXPECT(check_mul(bn_mul_kara, bn, an, false),
				  "kara %zu x %zu", bn, an);
		}
		KT_EXPECT(check_mul(kara_sqr_as_mul, sizes_small[i], 0, true),
			  "kara sqr %zu", sizes_small[i]);
	}
	/* tiny Karatsuba threshold: deep recursion, odd splits */
	tune_small();
	for (i = 0; i < ARRAY_SIZE(sizes_small); i++) {
		size_t n = sizes_small[i];

		KT_EXPECT(check_mul(bn_mul_kara, n, n, false), "kara4 %zu", n);
		KT_EXPECT(check_mul(bn_mul_kara, n + 3, n, false),
			  "kara4 %zu", n);
		KT_EXPECT(check_mul(kara_sqr_as_mul, n, 0, true),
			  "kara4 sqr %zu", n);
	}
	tune_defaults();
}

/*
 * Toom-3 directly at every size 9 .. 160 (each remainder of n / 3, pieces
 * by Karatsuba or schoolbook) and a few larger ones; then with tiny
 * thresholds, where Toom-3 recurses into Toom-3.
 */
static void test_mul_toom3(void)
{
	static const size_t big[] = { 299, 300, 301, 1000, 1601 };
	size_t n, i;

	tune_defaults();
	for (n = 9; n <= 160; n++) {
		KT_EXPECT(check_mul(toom_mul, n, n, false), "toom3 %zu", n);
		KT_EXPECT(check_mul(toom_sqr_as_mul, n, 0, true),
			  "toom3 sqr %zu", n);
	}
	for (i = 0; i < ARRAY_SIZE(big); i++) {
		KT_EXPECT(check_mul(toom_mul, big[i], big[i], false),
			  "toom3 %zu", big[i]);
		KT_EXPECT(check_mul(toom_sqr_as_mul, big[i], 0, true),
			  "toom3 sqr %zu", big[i]);
	}
	tune_small();
	for (n = 12; n <= 400; n += 7) {
		KT_EXPECT(check_mul(bn_mul_kara, n, n, false), "toom3/12 %zu",
			  n);
		KT_EXPECT(check_mul(bn_mul_kara, n, n - n / 5, false),
			  "toom3/12 %zu x %zu", n, n - n / 5);
		KT_EXPECT(check_mul(kara_sqr_as_mul, n, 0, true),
			  "toom3/12 sqr %zu", n);
	}
	tune_defaults();
}

static void test_mul_ssa(void)
{
	static const size_t sz[] = { 32, 33, 40, 63, 64, 100, 257, 500,
				     1000, 1024, 1500, 3000 };
	size_t i;

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			tune_small();	/* recursive pointwise products */
		else
			tune_defaults();
		for (i = 0; i < ARRAY_SIZE(sz); i++) {
			size_t n = sz[i];

			KT_EXPECT(check_mul(bn_mul_ssa, n, n, false),
				  "ssa %zu pass %d", n, pass);
			KT_EXPECT(check_mul(bn_mul_ssa, n, n / 2 + 1, false),
				  "ssa %zu x %zu", n, n / 2 + 1);
			KT_EXPECT(check_mul(ssa_sqr_as_mul, n, 0, true),
				  "ssa sqr %zu pass %d", n, pass);
		}
		for (int kb = -2; kb <= 2; kb++) {
			bn_tune_ssa_kbias = kb;
			KT_EXPECT(check_mul(bn_mul_ssa, 700, 650, false),
				  "ssa kbias %d", kb);
			KT_EXPECT(check_mul(ssa_sqr_as_mul, 701, 0, true),
				  "ssa sqr kbias %d", kb);
		}
	}
	tune_defaults();
}

/* Limbs to an mpz. */
static void mpz_from_limbs(mpz_t z, const u64 *a, size_t n)
{
	mpz_import(z, n, -1, sizeof(u64), 0, 0, a);
}

/*
 * bn_mulmod_fermat() (negacyclic SSA above the threshold) against GMP:
 * a b mod B^m + 1 for factors of an, bn <= m limbs, m = bn_fermat_ring(n).
 */
static int check_mulmod(size_t n, size_t an, size_t bn)
{
	size_t m = bn_fermat_ring(n);
	u64 *a = xmalloc(an * 8), *b = xmalloc(bn * 8);
	u64 *r = xmalloc((m + 1) * 8);
	struct bn_ctx ctx = { 0 };
	mpz_t za, zb, zr, zm;
	int ok;

	fill(a, an);
	fill(b, bn);
	mpz_inits(za, zb, zr, zm, NULL);
	mpz_from_limbs(za, a, an);
	mpz_from_limbs(zb, b, bn);
	mpz_mul(za, za, zb);
	mpz_ui_pow_ui(zm, 2, 64 * m);
	mpz_add_ui(zm, zm, 1);
	mpz_mod(za, za, zm);
	ok = bn_mulmod_fermat(r, a, an, b, bn, m, &ctx) == 0 &&
	     ctx.bytes_now == 0;
	if (ok) {
		mpz_from_limbs(zr, r, m + 1);
		ok = mpz_cmp(zr, za) == 0;
	}
	mpz_clears(za, zb, zr, zm, NULL);
	free(a);
	free(b);
	free(r);
	return ok;
}

/*
 * SSA shapes: full (cyclic) products and squares on both sides of the
 * bounds where ssa_full_k() changes k (rings of 2^15 limbs and
 * 4 / 3 2^16), wrap-around (negacyclic) products modulo B^m + 1 with
 * m from bn_fermat_ring() around the SSA threshold, and both with k bias
 * -1 .. +1 and tiny thresholds (recursive pointwise products).
 */
static void test_ssa_shapes(void)
{
	static const size_t sq[] = { 16383, 16384, 16385, 43690, 43691 };
	static const size_t mm[] = { 2000, 2001, 3000, 5000, 20000 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sq); i++) {
		KT_EXPECT(check_mul(ssa_sqr_as_mul, sq[i], 0, true),
			  "ssa sqr %zu", sq[i]);
		KT_EXPECT(check_mul(bn_mul_ssa, sq[i], sq[i] - 1, false),
			  "ssa %zu x %zu", sq[i], sq[i] - 1);
	}
	KT_EXPECT(check_mul(bn_mul_ssa, 30000, 13000, false),
		  "ssa 30000 x 13000");
	for (i = 0; i < ARRAY_SIZE(mm); i++) {
		KT_EXPECT(check_mulmod(mm[i], mm[i], mm[i]), "mulmod %zu",
			  mm[i]);
		KT_EXPECT(check_mulmod(mm[i], mm[i] / 2, mm[i] - 3),
			  "mulmod %zu unbalanced", mm[i]);
	}
	/*
	 * A work area above 2^21 limbs is two allocations: each one failing
	 * (a square of 2^20 limbs, nothing computed before the second)
	 */
	{
		size_t n = (size_t)1 << 20;
		u64 *a = xmalloc(n * 8), *r = xmalloc(2 * n * 8);
		struct bn_ctx ctx = { 0 };

		fill(a, n);
		for (long k = 0; k < 2; k++) {
			kshim_fail_after = k;
			KT_EXPECT(bn_mul_ssa(r, a, n, a, n, &ctx) == -ENOMEM &&
				  ctx.bytes_now == 0,
				  "ssa split work area, allocation %ld fails", k);
			kshim_fail_after = -1;
		}
		free(a);
		free(r);
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			tune_small();
		for (int kb = -1; kb <= 1; kb++) {
			bn_tune_ssa_kbias = kb;
			KT_EXPECT(check_mulmod(700, 700, 650),
				  "mulmod 700 kbias %d pass %d", kb, pass);
			KT_EXPECT(check_mulmod(3001, 3001, 3001),
				  "mulmod 3001 kbias %d pass %d", kb, pass);
			KT_EXPECT(check_mul(ssa_sqr_as_mul, 16500, 0, true),
				  "ssa sqr 16500 kbias %d pass %d", kb, pass);
		}
		tune_defaults();
	}
}

/* The dispatcher across the default thresholds. */
/*
 * Operands for the basecase tests: mode 0 random, 1 all ones (every
 * carry taken), 2 sparse, 3 random with an all-ones top half.
 */
static void fill_mode(u64 *a, size_t n, unsigned int mode)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (mode == 1 || (mode == 3 && i >= n / 2))
			a[i] = ~0ULL;
		else if (mode == 2)
			a[i] = (rnd() % 4) ? 0 : rnd();
		else
			a[i] = rnd();
	}
}

#define GUARD 0x5a5a5a5a5a5a5a5aULL

/*
 * bn_mul_basecase(), or bn_sqr_basecase() when bn is 0, against mpn_mul
 * and mpn_sqr for one shape and operand mode; r has two guard limbs on
 * each side (the assembly's stores are not seen by ASan).
 */
static int check_basecase(size_t an, size_t bn, unsigned int ma,
			  unsigned int mb)
{
	size_t rn = an + (bn ? bn : an);
	u64 *a = xmalloc(an * 8), *b = xmalloc((bn ? bn : 1) * 8);
	u64 *rg = xmalloc((rn + 4) * 8), *r = rg + 2;
	u64 *g = xmalloc(rn * 8);
	int ok;

	fill_mode(a, an, ma);
	fill_mode(b, bn, mb);
	rg[0] = rg[1] = rg[rn + 2] = rg[rn + 3] = GUARD;
	memset(r, 0xa5, rn * 8);
	if (bn) {
		bn_mul_basecase(r, a, an, b, bn);
		if (an >= bn)
			mpn_mul((mp_limb_t *)g, (mp_limb_t *)a, an,
				(mp_limb_t *)b, bn);
		else
			mpn_mul((mp_limb_t *)g, (mp_limb_t *)b, bn,
				(mp_limb_t *)a, an);
	} else {
		bn_sqr_basecase(r, a, an);
		mpn_sqr((mp_limb_t *)g, (mp_limb_t *)a, an);
	}
	ok = !memcmp(r, g, rn * 8) && rg[0] == GUARD && rg[1] == GUARD &&
	     rg[rn + 2] == GUARD && rg[rn + 3] == GUARD;
	free(a);
	free(b);
	free(rg);
	free(g);
	return ok;
}

/*
 * The schoolbook product and square directly, every an in 1..80 and bn in
 * 1..an (the callers' shapes: Karatsuba's leaves and mul_chunks() pieces
 * have an >= bn), a few with bn > an, in every operand mode.
 */
static void basecase_shapes(const char *path)
{
	size_t an, bn;
	unsigned int m;

	for (an = 1; an <= 80; an++) {
		for (bn = 1; bn <= an; bn++) {
			for (m = 0; m < 4; m++)
				KT_EXPECT(check_basecase(an, bn, m, (m + bn) % 4),
					  "%s basecase %zu x %zu mode %u", path,
					  an, bn, m);
		}
		for (m = 0; m < 4; m++) {
			KT_EXPECT(check_basecase(an, 0, m, 0),
				  "%s sqr basecase %zu mode %u", path, an, m);
			KT_EXPECT(check_basecase(an, an + 1 + an % 7, m, m),
				  "%s basecase %zu x %zu mode %u", path, an,
				  an + 1 + an % 7, m);
		}
	}
}

static void test_basecase(void)
{
	basecase_shapes(bn_use_adx() ? "asm" : "C");
	bn_tune_asm = false;
	basecase_shapes("portable");
	bn_tune_asm = true;
}

static void test_mul_dispatch(void)
{
	static const size_t sz[] = { 1, 31, 32, 33, 47, 48, 49, 2399, 2400,
				     2401, 6000, 20000 };
	size_t i;

	tune_defaults();
	for (i = 0; i < ARRAY_SIZE(sz); i++) {
		KT_EXPECT(check_mul(bn_mul, sz[i], sz[i], false), "mul %zu",
			  sz[i]);
		KT_EXPECT(check_mul(sqr_as_mul, sz[i], 0, true), "sqr %zu",
			  sz[i]);
		KT_EXPECT(check_mul(bn_mul, sz[i], sz[i] / 3 + 1, false),
			  "mul %zu x %zu", sz[i], sz[i] / 3 + 1);
	}
}

static void test_add_sub_shift(void)
{
	for (int it = 0; it < 300; it++) {
		size_t n = 1 + rnd() % 70, m = 1 + rnd() % n;
		u64 *a = xmalloc(n * 8), *b = xmalloc(m * 8);
		u64 *r = xmalloc((n + 1) * 8), *g = xmalloc((n + 1) * 8);
		unsigned int s = rnd() % 64;

		fill(a, n);
		fill(b, m);
		r[n] = bn_add(r, a, n, b, m);
		g[n] = mpn_add((mp_limb_t *)g, (mp_limb_t *)a, n,
			       (mp_limb_t *)b, m);
		KT_EXPECT(!memcmp(r, g, (n + 1) * 8), "add %zu %zu", n, m);
		r[n] = bn_sub(r, a, n, b, m);
		g[n] = mpn_sub((mp_limb_t *)g, (mp_limb_t *)a, n,
			       (mp_limb_t *)b, m);
		KT_EXPECT(!memcmp(r, g, (n + 1) * 8), "sub %zu %zu", n, m);
		if (s) {
			r[n] = bn_lshift(r, a, n, s);
			g[n] = mpn_lshift((mp_limb_t *)g, (mp_limb_t *)a, n, s);
			KT_EXPECT(!memcmp(r, g, (n + 1) * 8), "lsh %u", s);
			r[n] = bn_rshift(r, a, n, s);
			g[n] = mpn_rshift((mp_limb_t *)g, (mp_limb_t *)a, n, s);
			KT_EXPECT(!memcmp(r, g, (n + 1) * 8), "rsh %u", s);
		}
		memcpy(r, a, n * 8);
		memcpy(g, a, n * 8);
		r[n] = bn_addmul_1(r, b, m, a[n - 1]);
		g[n] = mpn_addmul_1((mp_limb_t *)g, (mp_limb_t *)b, m,
				    a[n - 1]);
		KT_EXPECT(!memcmp(r, g, (n + 1) * 8), "addmul_1 %zu", m);
		r[n] = bn_mul_1(r, a, n, b[0]);
		g[n] = mpn_mul_1((mp_limb_t *)g, (mp_limb_t *)a, n, b[0]);
		KT_EXPECT(!memcmp(r, g, (n + 1) * 8), "mul_1 %zu", n);
		r[n] = bn_div_1e19(r, a, n);
		g[n] = mpn_divrem_1((mp_limb_t *)g, 0, (mp_limb_t *)a, n,
				    10000000000000000000ULL);
		KT_EXPECT(!memcmp(r, g, (n + 1) * 8), "div1e19 %zu", n);
		free(a);
		free(b);
		free(r);
		free(g);
	}
}

/* Reciprocal and Barrett division against mpn_tdiv_qr. */
/* floor(B^2n / d) from GMP, n + 1 limbs. */
static void gmp_recip(u64 *x, const u64 *d, size_t n)
{
	mpz_t t, dd;

	mpz_init(t);
	mpz_init(dd);
	mpz_setbit(t, 128 * n);
	mpz_import(dd, n, -1, 8, 0, 0, d);
	mpz_fdiv_q(t, t, dd);
	memset(x, 0, (n + 1) * 8);
	mpz_export(x, NULL, -1, 8, 0, 0, t);
	mpz_clear(t);
	mpz_clear(dd);
}

/* |a - b| for n-limb numbers, saturated at 2^63. */
static u64 limb_distance(const u64 *a, const u64 *b, size_t n)
{
	u64 *t = xmalloc(n * 8), v;

	if (bn_cmp(a, b, n) >= 0)
		bn_sub_n(t, a, b, n);
	else
		bn_sub_n(t, b, a, n);
	v = bn_normlen(t, n) > 1 || (t[0] >> 63) ? 1ULL << 63 : t[0];
	free(t);
	return v;
}

/* One division test: a (2n limbs) / d (n limbs, normalized) with x. */
struct divcase {
	size_t n;
	u64 *d, *x, *a, *q, *r, *gq, *gr, *scr;
};

static void divcase_init(struct divcase *t, size_t n)
{
	t->n = n;
	t->d = xmalloc(n * 8);
	t->x = xmalloc((n + 1) * 8);
	t->a = xmalloc(2 * n * 8);
	t->q = xmalloc(n * 8);
	t->r = xmalloc(n * 8);
	t->gq = xmalloc((n + 2) * 8);
	t->gr = xmalloc(n * 8);
	t->scr = xmalloc(bn_divrem_scratch(n) * 8);
	fill(t->d, n);
	t->d[n - 1] |= 1ULL << 63;
}

/* A random dividend below d B^n. */
static void divcase_fill(struct divcase *t)
{
	size_t n = t->n;

	fill(t->a, 2 * n);
	if (bn_cmp(t->a + n, t->d, n) >= 0)
		bn_sub_n(t->a + n, t->a + n, t->d, n);
}

/* bn_divrem_pre() with t->x, against mpn_tdiv_qr(). */
static bool divcase_check(struct divcase *t, struct bn_ctx *ctx)
{
	size_t n = t->n;

	if (bn_divrem_pre(t->q, t->r, t->a, 2 * n, t->d, n, t->x, t->scr,
			  ctx))
		return false;
	mpn_tdiv_qr((mp_limb_t *)t->gq, (mp_limb_t *)t->gr, 0,
		    (mp_limb_t *)t->a, 2 * n, (mp_limb_t *)t->d, n);
	return !memcmp(t->q, t->gq, n * 8) && !t->gq[n] &&
	       !memcmp(t->r, t->gr, n * 8);
}

static void divcase_free(struct divcase *t)
{
	free(t->d);
	free(t->x);
	free(t->a);
	free(t->q);
	free(t->r);
	free(t->gq);
	free(t->gr);
	free(t->scr);
}

static void test_divide(void)
{
	static const size_t sz[] = { 1, 2, 3, 4, 5, 8, 13, 31, 64, 100, 257,
				     1000, 3000 };

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			tune_small();
		for (size_t i = 0; i < ARRAY_SIZE(sz); i++) {
			struct bn_ctx ctx = { 0 };
			struct divcase t;

			divcase_init(&t, sz[i]);
			divcase_fill(&t);
			KT_EXPECT(bn_recip(t.x, t.d, t.n, &ctx) == 0, "recip");
			/* x == floor(B^2n / d) */
			gmp_recip(t.gq, t.d, t.n);
			KT_EXPECT(!memcmp(t.x, t.gq, (t.n + 1) * 8), "recip %zu",
				  t.n);
			KT_EXPECT(divcase_check(&t, &ctx), "divrem %zu pass %d",
				  t.n, pass);
			KT_EXPECT(ctx.bytes_now == 0, "leak");
			divcase_free(&t);
		}
	}
	tune_defaults();
}

/*
 * bn_recip() at every size across BN_RECIP_LONG (long division below,
 * Newton above) with random, all-ones, sparse and power-of-two divisors.
 */
static void test_recip_sizes(void)
{
	for (size_t n = 1; n <= 2 * BN_RECIP_LONG + 6; n++) {
		for (unsigned int kind = 0; kind < 5; kind++) {
			u64 *d = xmalloc(n * 8), *x = xmalloc(n * 8 + 8);
			u64 *g = xmalloc(n * 8 + 8);
			struct bn_ctx ctx = { 0 };

			fill(d, n);
			for (size_t i = 0; i < n; i++) {
				if (kind == 1)
					d[i] = ~0ULL;
				else if (kind == 2 || (kind == 3 && i & 1))
					d[i] = 0;
				else if (kind == 4 && i + 1 < n)
					d[i] = i ? ~0ULL : 1;
			}
			d[n - 1] |= 1ULL << 63;
			KT_EXPECT(bn_recip(x, d, n, &ctx) == 0, "recip");
			gmp_recip(g, d, n);
			KT_EXPECT(!memcmp(x, g, (n + 1) * 8),
				  "recip %zu kind %u", n, kind);
			KT_EXPECT(ctx.bytes_now == 0, "leak");
			free(d);
			free(x);
			free(g);
		}
	}
}

/* An offset that perturb_recip() reads as 2^70 (B^1.1) units. */
#define OFF_FAR 1000

/* x (n + 1 limbs) += off units, or +-2^70 for off = +-OFF_FAR. */
static void perturb_recip(u64 *x, size_t n, int off)
{
	if (off == OFF_FAR)
		bn_add_1(x + 1, x + 1, n, 64);
	else if (off == -OFF_FAR)
		bn_sub_1(x + 1, x + 1, n, 64);
	else if (off < 0)
		bn_sub_1(x, x, n + 1, -off);
	else
		bn_add_1(x, x, n + 1, off);
}

/*
 * bn_divrem_pre() is exact with a reciprocal up to 300 units off either
 * way, for the largest quotient (a = d B^n - 1), the smallest, and random
 * dividends, and (from 3 limbs) 2^70 off, where the remainder exceeds
 * B^(n+1) and settle() jumps by (B - 1) d; bn_recip_from() without the
 * fix stays within 2 (e + 2)^2.
 */
static void test_divide_inexact_recip(void)
{
	static const size_t sz[] = { 2, 5, 16, 33, 100, 601, 2500 };
	static const int off[] = { -300, -3, -1, 1, 3, 300, -OFF_FAR,
				   OFF_FAR };

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			tune_small();
		for (size_t i = 0; i < ARRAY_SIZE(sz); i++) {
			size_t n = sz[i], h = n - n / 2;
			u64 *g = xmalloc((n + 1) * 8), *xh = xmalloc((h + 1) * 8);
			struct bn_ctx ctx = { 0 };
			struct divcase t;

			divcase_init(&t, n);
			gmp_recip(g, t.d, n);
			for (int e = 0; e <= 7; e += 7) {
				gmp_recip(xh, t.d + (n - h), h);
				bn_add_1(xh, xh, h + 1, e);
				KT_EXPECT(!bn_recip_from(t.x, t.d, n, xh, false,
							 &ctx), "recip_from");
				KT_EXPECT(limb_distance(t.x, g, n + 1) <=
					  2 * (u64)(e + 2) * (e + 2),
					  "unfixed recip %zu start %d", n, e);
			}
			for (size_t j = 0; j < ARRAY_SIZE(off); j++) {
				for (int kind = 0; kind < 3; kind++) {
					if (abs(off[j]) == OFF_FAR && n < 3)
						continue;
					memcpy(t.x, g, (n + 1) * 8);
					perturb_recip(t.x, n, off[j]);
					if (kind == 0) {	/* d B^n - 1 */
						memset(t.a, 0, n * 8);
						memcpy(t.a + n, t.d, n * 8);
						bn_sub_1(t.a, t.a, 2 * n, 1);
					} else if (kind == 1) {	/* d - 1 */
						memset(t.a, 0, 2 * n * 8);
						bn_sub_1(t.a, t.d, n, 1);
					} else {
						divcase_fill(&t);
					}
					KT_EXPECT(divcase_check(&t, &ctx),
						  "divrem %zu off %d kind %d pass %d",
						  n, off[j], kind, pass);
				}
			}
			KT_EXPECT(ctx.bytes_now == 0, "leak");
			divcase_free(&t);
			free(g);
			free(xh);
		}
	}
	tune_defaults();
}

/*
 * bn_divrem_half() against mpn_tdiv_qr(): reciprocals of the divisor's top
 * h limbs (h = n - n / 2 + 1, the conversion's, and n - n / 2) up to 8
 * units off either way; dividends d B^n - 1, d - 1, d B^(n - 1) (a zero
 * low block), random; sizes across the thresholds of the products.
 */
static void test_divide_half(void)
{
	static const size_t sz[] = { 4, 5, 6, 9, 16, 33, 64, 101, 601, 2500,
				     4100 };
	static const int off[] = { -8, -1, 0, 1, 8 };

	for (size_t i = 0; i < ARRAY_SIZE(sz); i++) {
		size_t n = sz[i];
		u64 *xh = xmalloc((n + 2) * 8);
		u64 *scr = xmalloc(bn_divrem_half_scratch(n) * 8);
		struct bn_ctx ctx = { 0 };
		struct divcase t;

		divcase_init(&t, n);
		for (size_t h = n - n / 2; h <= n - n / 2 + 1; h++) {
			for (size_t j = 0; j < ARRAY_SIZE(off); j++) {
				for (int kind = 0; kind < 4; kind++) {
					bool ok;

					gmp_recip(xh, t.d + (n - h), h);
					if (off[j] < 0)
						bn_sub_1(xh, xh, h + 1, -off[j]);
					else
						bn_add_1(xh, xh, h + 1, off[j]);
					memset(t.a, 0, 2 * n * 8);
					if (kind == 0) {
						memcpy(t.a + n, t.d, n * 8);
						bn_sub_1(t.a, t.a, 2 * n, 1);
					} else if (kind == 1) {
						bn_sub_1(t.a, t.d, n, 1);
					} else if (kind == 2) {
						memcpy(t.a + n - 1, t.d, n * 8);
					} else {
						divcase_fill(&t);
					}
					ok = !bn_divrem_half(t.q, t.r, t.a, 2 * n,
							     t.d, n, xh, h, scr,
							     &ctx);
					mpn_tdiv_qr((mp_limb_t *)t.gq,
						    (mp_limb_t *)t.gr, 0,
						    (mp_limb_t *)t.a, 2 * n,
						    (mp_limb_t *)t.d, n);
					ok = ok && !memcmp(t.q, t.gq, n * 8) &&
					     !memcmp(t.r, t.gr, n * 8);
					KT_EXPECT(ok, "half %zu h %zu off %d kind %d",
						  n, h, off[j], kind);
				}
			}
		}
		KT_EXPECT(ctx.bytes_now == 0, "leak");
		divcase_free(&t);
		free(xh);
		free(scr);
	}
}

/*
 * bn_recip_from() is exact from a start up to 40 units off either way (the
 * conversion's starts are a few units off): a Newton step then the
 * correction of recip_fix(), including its jump of several units.
 */
static void test_recip_from_start(void)
{
	static const size_t sz[] = { 2, 3, 4, 7, 16, 33, 100, 601, 2500 };
	static const int off[] = { -40, -7, -2, -1, 0, 1, 2, 7, 40 };

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			tune_small();
		for (size_t i = 0; i < ARRAY_SIZE(sz); i++) {
			size_t n = sz[i], h = n - n / 2;
			u64 *d = xmalloc(n * 8), *x = xmalloc((n + 1) * 8);
			u64 *g = xmalloc((n + 1) * 8), *xh = xmalloc((h + 1) * 8);

			fill(d, n);
			d[n - 1] |= 1ULL << 63;
			if (i & 1)	/* a top limb of ones: v + 1 wraps */
				d[n - 1] = ~0ULL;
			gmp_recip(g, d, n);
			for (size_t j = 0; j < ARRAY_SIZE(off); j++) {
				struct bn_ctx ctx = { 0 };

				gmp_recip(xh, d + (n - h), h);
				if (off[j] < 0)
					bn_sub_1(xh, xh, h + 1, -off[j]);
				else
					bn_add_1(xh, xh, h + 1, off[j]);
				KT_EXPECT(bn_recip_from(x, d, n, xh, true, &ctx) ==
					  0, "recip_from %zu", n);
				KT_EXPECT(!memcmp(x, g, (n + 1) * 8),
					  "recip_from %zu off %d pass %d", n,
					  off[j], pass);
				KT_EXPECT(ctx.bytes_now == 0, "leak");
			}
			free(d);
			free(x);
			free(g);
			free(xh);
		}
	}
	tune_defaults();
}

struct strsink {
	char *s;
	size_t len, cap, max_piece;
	int fail_at;	/* piece number that fails, -1 never */
	int pieces;
};

static int str_sink(void *arg, const char *buf, size_t len)
{
	struct strsink *k = arg;

	if (k->fail_at >= 0 && k->pieces == k->fail_at)
		return -EPIPE;
	k->pieces++;
	if (len > k->max_piece)
		k->max_piece = len;
	if (k->len + len + 1 > k->cap) {
		k->cap = (k->len + len + 1) * 2;
		k->s = realloc(k->s, k->cap);
		if (!k->s)
			abort();
	}
	memcpy(k->s + k->len, buf, len);
	k->len += len;
	k->s[k->len] = 0;
	return 0;
}

/* Text of a in base via the library; caller frees. */
static char *text(const struct bn *a, unsigned int base, int *err,
		  struct bn_ctx *ctx)
{
	struct strsink k = { .fail_at = -1 };

	*err = bn_to_text(a, base, str_sink, &k, ctx);
	if (k.max_piece > BN_SINK_CHUNK)
		*err = -E2BIG;
	if (!k.s) {
		k.s = xmalloc(1);
		k.s[0] = 0;
	}
	return k.s;
}

static struct bn *bn_from(const u64 *a, size_t n)
{
	struct bn_ctx ctx = { 0 };
	struct bn *r = bn_new(&ctx, n ? n : 1);

	bn_copy(r->d, a, n);
	bn_set_len(r, n);
	return r;
}

static void test_conversion_random(void)
{
	static const size_t sz[] = { 0, 1, 2, 3, 5, 16, 17, 31, 32, 33, 64,
				     65, 100, 255, 256, 257, 1000, 3000,
				     5000 };

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			tune_small();
		for (size_t i = 0; i < ARRAY_SIZE(sz); i++) {
			for (int rep = 0; rep < 3; rep++) {
				size_t n = sz[i];
				u64 *a = xmalloc(n * 8 + 8);
				struct bn *b;
				char *s, *g;
				mpz_t z;
				int err;

				fill(a, n);
				if (rep == 2 && n) /* 10^k - 1 style: nines */
					memset(a, 0xff, n * 8);
				b = bn_from(a, n);
				mpz_init(z);
				mpz_import(z, n, -1, 8, 0, 0, a);
				for (unsigned int base = 10; base <= 16;
				     base += 6) {
					struct bn_ctx ctx = { 0 };

					s = text(b, base, &err, &ctx);
					g = mpz_get_str(NULL, base, z);
					KT_EXPECT(!err && !strcmp(s, g),
						  "conv %zu limbs base %u pass %d",
						  n, base, pass);
					KT_EXPECT(ctx.bytes_now == 0, "leak");
					KT_EXPECT(ctx.bytes_peak <=
						  bn_conv_peak_bytes(n, base),
						  "conv bound %zu", n);
					if (base == 16)
						KT_EXPECT(bn_text_len(b, 16) ==
							  (s64)strlen(s),
							  "hex len");
					free(s);
					free(g);
				}
				/* exact powers of ten and their neighbours */
				if (rep == 0 && n > 1) {
					mpz_ui_pow_ui(z, 10, 19 * (n - 1));
					mpz_sub_ui(z, z, i & 1);
					bn_free(b);
					memset(a, 0, n * 8);
					mpz_export(a, NULL, -1, 8, 0, 0, z);
					b = bn_from(a, n);
					s = text(b, 10, &err, NULL);
					g = mpz_get_str(NULL, 10, z);
					KT_EXPECT(!err && !strcmp(s, g),
						  "pow10 %zu", n);
					free(s);
					free(g);
				}
				mpz_clear(z);
				bn_free(b);
				free(a);
			}
		}
	}
	tune_defaults();
}

/*
 * Decimal text of z against GMP's, and the memory bound; true on a match.
 */
static bool conv_matches(mpz_t z)
{
	size_t n = mpz_size(z);
	u64 *a = xmalloc(n * 8 + 8);
	struct bn_ctx ctx = { 0 };
	struct bn *b;
	char *s, *g;
	bool ok;
	int err;

	memset(a, 0, n * 8 + 8);
	mpz_export(a, NULL, -1, 8, 0, 0, z);
	b = bn_from(a, n);
	s = text(b, 10, &err, &ctx);
	g = mpz_get_str(NULL, 10, z);
	ok = !err && !strcmp(s, g) && ctx.bytes_now == 0 &&
	     ctx.bytes_peak <= bn_conv_peak_bytes(n, 10);
	if (!ok)
		fprintf(stderr, "conv %zu limbs (%zu digits): err %d\n", n,
			strlen(g), err);
	free(s);
	free(g);
	bn_free(b);
	free(a);
	return ok;
}

/* The v-th structured number of about dg digits (see below). */
static void edge_value(mpz_t z, mpz_t t, size_t dg, int v)
{
	mpz_ui_pow_ui(z, 10, dg);
	if (v == 1) {
		mpz_sub_ui(z, z, 1);
	} else if (v == 2) {
		mpz_add_ui(z, z, 1);
	} else if (v == 3 || v == 4) {
		mpz_ui_pow_ui(t, 10, dg / 2);
		if (v == 3)
			mpz_add(z, z, t);
		else
			mpz_sub(z, z, t);
	} else if (v == 5) {
		mpz_mul_ui(z, z, 7);
	} else if (v == 6) {
		mpz_set_ui(z, 0);
		mpz_setbit(z, dg * 3 + 1);
		mpz_sub_ui(z, z, 1);
	} else if (v == 7) {
		/* chunks: random, 0, 1, random, ... */
		mpz_set_ui(z, 7);
		mpz_ui_pow_ui(t, 10, 19);
		for (size_t i = 0; i < dg / 19 + 1; i++) {
			mpz_mul(z, z, t);
			if (i % 3 == 2)
				mpz_add_ui(z, z, 1);
			else if (!(i % 3))
				mpz_add_ui(z, z, rnd() >> 4);
		}
	}
}

/*
 * Decimal conversion of structured numbers, where the leaves and the
 * splits meet chunk boundaries exactly: 10^D and its neighbours, runs of
 * nines and of zeros (10^D +- 10^E; 37 zeros and a 1 across every third
 * chunk boundary of a random number), 2^b - 1; D from 1 to about 3000
 * digits, past the depths the plan makes at the default threshold and
 * at tiny ones (2, 3: every size is a few depths deep).
 */
static void test_conversion_edges(void)
{
	static const size_t thr[] = { BN_DEF_DC_CONV, 2, 3 };
	mpz_t z, t;

	mpz_init(z);
	mpz_init(t);
	for (size_t p = 0; p < ARRAY_SIZE(thr); p++) {
		bn_tune_dc_conv = thr[p];
		for (size_t dg = 1; dg < 3100; dg += dg < 80 ? 1 :
		     dg < 700 ? 17 : 131) {
			bool ok = true;

			for (int v = 0; v < 8; v++) {
				edge_value(z, t, dg, v);
				ok &= conv_matches(z);
			}
			KT_EXPECT(ok, "conv edges %zu digits thr %zu", dg,
				  thr[p]);
		}
	}
	tune_defaults();
	mpz_clear(z);
	mpz_clear(t);
}

/* Compare F(n) in both bases with GMP; returns true when all match. */
static bool check_fib(u32 n, bool check_bound)
{
	struct bn_ctx ctx = { 0 };
	struct bn *f;
	bool ok = true;
	mpz_t z;
	int err;

	err = bn_fib(&f, n, &ctx);
	if (err)
		return false;
	if (check_bound && ctx.bytes_peak > bn_fib_peak_bytes(n, 0)) {
		fprintf(stderr, "F(%u) peak %zu > bound %llu\n", n,
			ctx.bytes_peak,
			(unsigned long long)bn_fib_peak_bytes(n, 0));
		ok = false;
	}
	mpz_init(z);
	mpz_fib_ui(z, n);
	for (unsigned int base = 10; base <= 16; base += 6) {
		char *g = mpz_get_str(NULL, base, z), *s;
		size_t before = ctx.bytes_peak;

		ctx.bytes_peak = ctx.bytes_now;
		s = text(f, base, &err, &ctx);
		if (err || strcmp(s, g)) {
			fprintf(stderr, "F(%u) base %u differs\n", n, base);
			ok = false;
		}
		if (bn_fib_text_len(n, base) != (s64)strlen(g)) {
			fprintf(stderr, "F(%u) base %u len %lld != %zu\n", n,
				base, (long long)bn_fib_text_len(n, base),
				strlen(g));
			ok = false;
		}
		if (check_bound && ctx.bytes_peak > bn_fib_peak_bytes(n, base)) {
			fprintf(stderr, "F(%u) b%u peak %zu > bound %llu\n", n,
				base, ctx.bytes_peak,
				(unsigned long long)bn_fib_peak_bytes(n, base));
			ok = false;
		}
		if (ctx.bytes_peak < before)
			ctx.bytes_peak = before;
		free(s);
		free(g);
	}
	bn_free_ctx(f, &ctx);
	if (ctx.bytes_now) {
		fprintf(stderr, "F(%u) leaves %zu bytes\n", n, ctx.bytes_now);
		ok = false;
	}
	mpz_clear(z);
	return ok;
}

static void test_fib_0_3000(void)
{
	tune_defaults();
	for (u32 n = 0; n <= 3000; n++)
		KT_EXPECT(check_fib(n, true), "F(%u)", n);
}

static void test_fib_small_thresholds(void)
{
	tune_small();
	for (u32 n = 90; n <= 20000; n = n * 5 / 4 + 1)
		KT_EXPECT(check_fib(n, false), "F(%u) small thresholds", n);
	tune_defaults();
}

static void test_fib_large(void)
{
	static const u32 ns[] = { 100000, 123457, 1000000 };

	tune_defaults();
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++)
		KT_EXPECT(check_fib(ns[i], true), "F(%u)", ns[i]);
}

static void test_fib_text_len(void)
{
	for (u32 n = 0; n < 200000; n += 1 + n / 7) {
		mpz_t z;
		char *d, *h;

		mpz_init(z);
		mpz_fib_ui(z, n);
		d = mpz_get_str(NULL, 10, z);
		h = mpz_get_str(NULL, 16, z);
		KT_EXPECT(bn_fib_text_len(n, 10) == (s64)strlen(d),
			  "dec len F(%u)", n);
		KT_EXPECT(bn_fib_text_len(n, 16) == (s64)strlen(h),
			  "hex len F(%u)", n);
		free(d);
		free(h);
		mpz_clear(z);
	}
	KT_EXPECT(bn_fib_text_len(BN_FIB_MAX, 10) == 448797540, "F(2^31-1)");
	KT_EXPECT(bn_fib_text_len(BN_FIB_MAX + 1U, 10) == -EINVAL, "range");
	KT_EXPECT(bn_fib_text_len(5, 8) == -EINVAL, "base");
}

static void test_fib_to_buf(void)
{
	char buf[64];

	KT_EXPECT(bn_fib_to_buf(0, 10, buf, sizeof(buf), NULL) == 1 &&
		  !strcmp(buf, "0"), "F(0)");
	KT_EXPECT(bn_fib_to_buf(93, 10, buf, sizeof(buf), NULL) == 20 &&
		  !strcmp(buf, "12200160415121876738"), "F(93)");
	KT_EXPECT(bn_fib_to_buf(94, 16, buf, sizeof(buf), NULL) == 17 &&
		  !strcmp(buf, "111f38ad0840bf6bf"), "F(94) hex");
	KT_EXPECT(bn_fib_to_buf(1000, 10, buf, sizeof(buf), NULL) == -ENOSPC,
		  "ENOSPC");
	KT_EXPECT(bn_fib_to_buf(94, 10, buf, 20, NULL) == -ENOSPC, "exact");
	KT_EXPECT(bn_fib_to_buf(94, 10, buf, 21, NULL) == 20, "fits");
}

/* Every allocation of F(n) and its conversion fails in turn. */
static void test_alloc_failures(void)
{
	static const u32 ns[] = { 50, 94, 300, 5000, 40000 };

	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			tune_small();
		for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
			long k;

			for (k = 0;; k++) {
				struct bn_ctx ctx = { 0 };
				struct bn *f = NULL;
				char *s = NULL;
				int err;

				kshim_fail_after = k;
				err = bn_fib(&f, ns[i], &ctx);
				if (!err) {
					s = text(f, 10, &err, &ctx);
					free(s);
					bn_free_ctx(f, &ctx);
				} else {
					KT_EXPECT(!f, "out set on error");
				}
				kshim_fail_after = -1;
				KT_EXPECT(ctx.bytes_now == 0,
					  "F(%u) fail %ld leaks %zu", ns[i], k,
					  ctx.bytes_now);
				KT_EXPECT(!err || err == -ENOMEM,
					  "F(%u) err %d", ns[i], err);
				if (!err)
					break;
				if (k > 200000) {
					KT_EXPECT(0, "never succeeds");
					break;
				}
			}
		}
	}
	tune_defaults();
}

struct cancel_arg {
	long calls, after;
};

static bool cancel_cb(void *arg)
{
	struct cancel_arg *c = arg;

	return ++c->calls > c->after;
}

static void test_cancellation(void)
{
	struct cancel_arg ca;
	struct bn *f;

	for (long after = 0; after < 60; after += 7) {
		struct bn_ctx ctx = { cancel_cb, &ca, 0, 0 };

		ca.calls = 0;
		ca.after = after;
		KT_EXPECT(bn_fib(&f, 2000000, &ctx) == -ECANCELED,
			  "cancel after %ld", after);
		KT_EXPECT(ca.calls == after + 1, "stops at once: %ld calls",
			  ca.calls);
		KT_EXPECT(ctx.bytes_now == 0, "leak after cancel");
	}
	/* conversion */
	{
		struct bn_ctx ctx = { cancel_cb, &ca, 0, 0 };
		struct strsink k = { .fail_at = -1 };
		int err;

		ca.calls = 0;
		ca.after = 1000000;
		err = bn_fib(&f, 300000, &ctx);
		KT_ASSERT(err == 0, "fib");
		ca.calls = 0;
		ca.after = 3;
		KT_EXPECT(bn_to_text(f, 10, str_sink, &k, &ctx) == -ECANCELED,
			  "conversion cancels");
		bn_free_ctx(f, &ctx);
		free(k.s);
		KT_EXPECT(ctx.bytes_now == 0, "leak");
	}
}

static void test_sink_errors(void)
{
	struct bn *f;
	struct bn_ctx ctx = { 0 };
	int err = bn_fib(&f, 100000, &ctx);

	KT_ASSERT(err == 0, "fib");
	for (unsigned int base = 10; base <= 16; base += 6) {
		for (int at = 0; at < 4; at++) {
			struct strsink k = { .fail_at = at };

			KT_EXPECT(bn_to_text(f, base, str_sink, &k, &ctx) ==
				  -EPIPE, "sink error base %u", base);
			KT_EXPECT(k.max_piece <= BN_SINK_CHUNK, "piece");
			free(k.s);
		}
	}
	KT_EXPECT(bn_to_text(f, 8, str_sink, NULL, &ctx) == -EINVAL, "base");
	bn_free_ctx(f, &ctx);
	KT_EXPECT(ctx.bytes_now == 0, "leak");
	KT_EXPECT(bn_fib(&f, BN_FIB_MAX + 1U, NULL) == -EINVAL && !f, "max");
}

static void test_peak_bound_samples(void)
{
	/* bound >= measured across size classes, by a counting context */
	for (u32 n = 3001; n < 400000; n = n * 3 / 2 + 7)
		KT_EXPECT(check_fib(n, true), "F(%u) bound", n);
}

/*
 * The memory bound against the measured peak: bytes_peak <=
 * bn_fib_peak_bytes(n, base) <= PEAK_SLACK bytes_peak for base 0 (F(n)
 * alone), 10 and 16 (F(n), then its text with F(n) held).  Ratios are
 * kept per base for the summary line.
 */
#define PEAK_SLACK 1.25

struct peak_ratio {
	double lo[3], hi[3];
	unsigned int count;
};

static int null_text_sink(void *arg, const char *buf, size_t len)
{
	return 0;
}

static bool check_peak(u32 n, struct peak_ratio *pr)
{
	static const unsigned int bases[3] = { 0, 10, 16 };
	struct bn_ctx ctx = { 0 };
	size_t fib_peak;
	struct bn *f;
	bool ok = true;

	if (bn_fib(&f, n, &ctx))
		return false;
	fib_peak = ctx.bytes_peak;
	for (int i = 0; i < 3; i++) {
		size_t peak = fib_peak;
		u64 bound = bn_fib_peak_bytes(n, bases[i]);
		double r;

		if (bases[i]) {
			ctx.bytes_peak = ctx.bytes_now;
			if (bn_to_text(f, bases[i], null_text_sink, NULL,
				       &ctx))
				ok = false;
			if (ctx.bytes_peak > peak)
				peak = ctx.bytes_peak;
		}
		r = (double)bound / (double)peak;
		if (!pr->count || r < pr->lo[i])
			pr->lo[i] = r;
		if (!pr->count || r > pr->hi[i])
			pr->hi[i] = r;
		if (bound < peak || r > PEAK_SLACK) {
			fprintf(stderr,
				"F(%u) base %u: peak %zu, bound %llu (%.4fx)\n",
				n, bases[i], peak, (unsigned long long)bound,
				r);
			ok = false;
		}
	}
	pr->count++;
	bn_free_ctx(f, &ctx);
	return ok && !ctx.bytes_now;
}

/* n = a, a + step, ... below b, then times g up to c. */
static void peak_sweep(const char *what, u32 a, u32 b, u32 step, u32 c,
		       double g)
{
	struct peak_ratio pr;
	unsigned int bad = 0;
	u64 n;

	memset(&pr, 0, sizeof(pr));
	for (n = a; n < b; n += step)
		bad += !check_peak((u32)n, &pr);
	for (n = b; n <= c; n = (u64)(n * g) + 1)
		bad += !check_peak((u32)n, &pr);
	KT_EXPECT(!bad, "%u of %u n outside [peak, %.2f peak]", bad,
		  pr.count, PEAK_SLACK);
	printf("# %s: %u n in %u..%u, bound / peak: base 0 %.4f..%.4f, 10 %.4f..%.4f, 16 %.4f..%.4f\n",
	       what, pr.count, a, c, pr.lo[0], pr.hi[0], pr.lo[1], pr.hi[1],
	       pr.lo[2], pr.hi[2]);
}

static void test_peak_bound_sweep(void)
{
	tune_defaults();
	peak_sweep("peak sweep", 0, 20000, 1, 20000, 1.0);
	peak_sweep("peak sweep", 20001, 100000, 37, 1000000, 1.1);
}

/*
 * The same checks with the x86-64 assembly loops (x86_64.c) switched off:
 * the portable C loops that other machines run.  (With them on, every
 * other test runs the assembly where the CPU has it.)
 */
static void test_portable_loops(void)
{
	static const size_t sz[] = { 1, 5, 33, 100, 129, 301, 2500 };
	size_t i;

	bn_tune_asm = false;
	test_add_sub_shift();
	for (i = 0; i < ARRAY_SIZE(sz); i++) {
		KT_EXPECT(check_mul(bn_mul, sz[i], sz[i], false),
			  "portable mul %zu", sz[i]);
		KT_EXPECT(check_mul(sqr_as_mul, sz[i], 0, true),
			  "portable sqr %zu", sz[i]);
		KT_EXPECT(check_mul(bn_mul, sz[i], sz[i] / 3 + 1, false),
			  "portable mul %zu x %zu", sz[i], sz[i] / 3 + 1);
	}
	KT_EXPECT(check_fib(100000, false), "portable F(10^5)");
	bn_tune_asm = true;
}

static void test_fib_big(void)
{
	KT_EXPECT(check_fib(10000000, true), "F(10^7)");
	/* the last ring where ssa_full_k() differs from ssa_best_k() */
	KT_EXPECT(check_mul(ssa_sqr_as_mul, 1048575, 0, true),
		  "ssa sqr 2^20 - 1");
	KT_EXPECT(check_mul(bn_mul_ssa, 1048576, 1048576, false),
		  "ssa 2^20 x 2^20");
}

static void test_peak_bound_big(void)
{
	peak_sweep("peak sweep", 1000000, 1000000, 1, 10000000, 1.2);
}

static int run_big(void)
{
	KT_RUN(test_fib_big);
	KT_RUN(test_peak_bound_big);
	return ktest_summary("bignum-big");
}

/* make peak-sweep-bignum: every n to 10^5, then 5 % steps to 10^8. */
static void test_peak_bound_full(void)
{
	peak_sweep("peak sweep", 0, 100000, 1, 100000000, 1.05);
}

static int run_peak(void)
{
	KT_RUN(test_peak_bound_full);
	return ktest_summary("bignum-peak");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--big"))
		return run_big();
	if (argc > 1 && !strcmp(argv[1], "--peak"))
		return run_peak();
	KT_RUN(test_add_sub_shift);
	KT_RUN(test_basecase);
	KT_RUN(test_mul_schoolbook_karatsuba);
	KT_RUN(test_mul_toom3);
	KT_RUN(test_mul_ssa);
	KT_RUN(test_ssa_shapes);
	KT_RUN(test_mul_dispatch);
	KT_RUN(test_portable_loops);
	KT_RUN(test_divide);
	KT_RUN(test_recip_sizes);
	KT_RUN(test_divide_half);
	KT_RUN(test_recip_from_start);
	KT_RUN(test_divide_inexact_recip);
	KT_RUN(test_conversion_random);
	KT_RUN(test_conversion_edges);
	KT_RUN(test_fib_text_len);
	KT_RUN(test_fib_to_buf);
	KT_RUN(test_fib_0_3000);
	KT_RUN(test_fib_small_thresholds);
	KT_RUN(test_fib_large);
	KT_RUN(test_peak_bound_samples);
	KT_RUN(test_peak_bound_sweep);
	KT_RUN(test_alloc_failures);
	KT_RUN(test_cancellation);
	KT_RUN(test_sink_errors);
	return ktest_summary("bignum");
}
