// SPDX-License-Identifier: GPL-2.0
/*
 * toom.c - Toom-Cook 3-way multiplication and squaring, between Karatsuba
 * (mul.c) and Schonhage-Strassen (ssa.c).
 *
 * With X = B^k, k = ceil(n / 3), a = a0 + a1 X + a2 X^2 and likewise b.
 * The product c(X) = c0 + c1 X + ... + c4 X^4 is found from its values
 * at 0, 1, -1, 2 and infinity: five products of k + 1 limbs instead of
 * Karatsuba's three of n / 2 (asymptotically n^1.46 against n^1.58).
 * Interpolation, every intermediate value a sum of non-negative c_i:
 *
 *   c0 = v(0), c4 = v(inf)
 *   c1 + c3 = (v(1) - v(-1)) / 2
 *   c2      = (v(1) + v(-1)) / 2 - c0 - c4
 *   c3      = ((v(2) - c0 - 4 c2 - 16 c4) / 2 - (c1 + c3)) / 3
 *   c1      = (c1 + c3) - c3
 *
 * The division by 3 is exact (bn_divexact_3()).  v(-1) may be negative for
 * a product; it is kept as a magnitude and a sign.
 */
#include "bignum/bn_internal.h"

/* 1 / 3 modulo 2^64 */
#define BN_INV3 0xaaaaaaaaaaaaaaabULL

/* r = a / 3 for a that is a multiple of 3 (r may equal a). */
static void bn_divexact_3(u64 *r, const u64 *a, size_t n)
{
	u64 c = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		u64 x = a[i], y = x - c, q;

		c = x < c;
		q = y * BN_INV3;
		r[i] = q;
		/* q 3 = y + (high limb of q 3) B */
		c += (u64)(((bn_u128)q * 3) >> 64);
	}
}

struct toom_buf {
	size_t k, l;		/* piece sizes: a0, a1 have k limbs, a2 l */
	size_t vl;		/* limbs of each evaluated product */
	u64 *ea, *eb;		/* evaluations, k + 1 limbs each */
	u64 *s02a, *s02b;	/* a0 + a2, b0 + b2 */
	u64 *v1, *vm1, *v2;	/* products, vl limbs each */
	u64 *t;			/* vl limbs of temporary */
	u64 *kscr;		/* scratch for the products */
};

static size_t toom_piece(size_t n)
{
	return (n + 2) / 3;
}

/* Limbs toom_alloc() takes for size n (not counting deeper levels). */
static size_t toom_limbs(size_t n)
{
	size_t k = toom_piece(n), vl = 2 * k + 2;

	return 4 * (k + 1) + 4 * vl + bn_kara_scratch(k + 1);
}

static u64 *toom_alloc(struct toom_buf *t, size_t n, struct bn_ctx *ctx)
{
	u64 *m;

	t->k = toom_piece(n);
	t->l = n - 2 * t->k;
	t->vl = 2 * t->k + 2;
	m = bn_alloc_limbs(ctx, toom_limbs(n));
	if (!m)
		return NULL;
	t->ea = m;
	t->eb = t->ea + t->k + 1;
	t->s02a = t->eb + t->k + 1;
	t->s02b = t->s02a + t->k + 1;
	t->v1 = t->s02b + t->k + 1;
	t->vm1 = t->v1 + t->vl;
	t->v2 = t->vm1 + t->vl;
	t->t = t->v2 + t->vl;
	t->kscr = t->t + t->vl;
	return m;
}

/* s = x0 + x2 over k + 1 limbs. */
static void eval_s02(u64 *s, const u64 *x, const struct toom_buf *t)
{
	s[t->k] = bn_add(s, x, t->k, x + 2 * t->k, t->l);
}

/* e = s02 + x1 (the value at 1). */
static void eval_p1(u64 *e, const u64 *s, const u64 *x,
		    const struct toom_buf *t)
{
	e[t->k] = s[t->k] + bn_add_n(e, s, x + t->k, t->k);
}

/* e = |s02 - x1| (the value at -1); returns true when it is negative. */
static bool eval_m1(u64 *e, const u64 *s, const u64 *x,
		    const struct toom_buf *t)
{
	const u64 *x1 = x + t->k;

	if (!s[t->k] && bn_cmp(s, x1, t->k) < 0) {
		bn_sub_n(e, x1, s, t->k);
		e[t->k] = 0;
		return true;
	}
	e[t->k] = s[t->k] - bn_sub_n(e, s, x1, t->k);
	return false;
}

/* e = x0 + 2 x1 + 4 x2 (the value at 2), as (2 x2 + x1) 2 + x0. */
static void eval_2(u64 *e, const u64 *x, const struct toom_buf *t)
{
	size_t k = t->k;

	bn_zero(e, k + 1);
	e[t->l] = bn_lshift(e, x + 2 * k, t->l, 1);
	e[k] += bn_add_n(e, e, x + k, k);
	e[k] = (e[k] << 1) | bn_lshift(e, e, k, 1);
	e[k] += bn_add_n(e, e, x, k);
}

/* r[0 .. rn) += x (xn limbs, normalized here) at limb o. */
static void add_at(u64 *r, size_t rn, size_t o, const u64 *x, size_t xn)
{
	xn = bn_normlen(x, xn);
	if (xn)
		bn_add(r + o, r + o, rn - o, x, xn);
}

/*
 * v2 -= (c << s) for c of cn limbs; t (cn + 1 limbs) is scratch.  The
 * result is non-negative by construction.
 */
static void sub_shifted(u64 *v2, size_t vl, const u64 *c, size_t cn,
			unsigned int s, u64 *t)
{
	cn = bn_normlen(c, cn);
	if (!cn)
		return;
	t[cn] = bn_lshift(t, c, cn, s);
	bn_sub(v2, v2, vl, t, cn + 1);
}

/*
 * The interpolation.  r (2n limbs) holds c0 at 0 and c4 at 4k; v1, vm1
 * (with its sign) and v2 are in the buffer.  Fills in the rest of r.
 */
static void toom_interpolate(u64 *r, size_t n, struct toom_buf *t,
			     bool vm1_neg)
{
	size_t k = t->k, vl = t->vl, rn = 2 * n, c4n = 2 * t->l;
	u64 *c0 = r, *c4 = r + 4 * k, *c13 = t->t, *c2 = t->vm1, *c3 = t->v2;

	/* c13 = (v1 - v(-1)) / 2, c2 = (v1 + v(-1)) / 2 */
	if (vm1_neg) {
		bn_add_n(c13, t->v1, t->vm1, vl);
		bn_sub_n(c2, t->v1, t->vm1, vl);
	} else {
		bn_sub_n(c13, t->v1, t->vm1, vl);
		bn_add_n(c2, t->v1, t->vm1, vl);
	}
	bn_rshift(c13, c13, vl, 1);
	bn_rshift(c2, c2, vl, 1);
	bn_sub(c2, c2, vl, c0, 2 * k);
	if (c4n)
		bn_sub(c2, c2, vl, c4, c4n);
	/* c3 = ((v2 - c0 - 4 c2 - 16 c4) / 2 - c13) / 3 */
	bn_sub(c3, t->v2, vl, c0, 2 * k);
	sub_shifted(c3, vl, c2, vl - 1, 2, t->v1);
	sub_shifted(c3, vl, c4, c4n, 4, t->v1);
	bn_rshift(c3, c3, vl, 1);
	bn_sub_n(c3, c3, c13, vl);
	bn_divexact_3(c3, c3, vl);
	bn_sub_n(c13, c13, c3, vl);	/* c1 */
	/* r = c0 + c1 X + c2 X^2 + c3 X^3 + c4 X^4 */
	bn_zero(r + 2 * k, 2 * k);
	add_at(r, rn, k, c13, vl);
	add_at(r, rn, 2 * k, c2, vl);
	add_at(r, rn, 3 * k, c3, vl);
}

/**
 * bn_sqr_toom3() - r = a^2 by Toom-Cook 3-way
 * @r: 2n limbs, not overlapping a
 * @a: n limbs
 * @n: limbs, at least 9
 * @ctx: context
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_sqr_toom3(u64 *r, const u64 *a, size_t n, struct bn_ctx *ctx)
{
	struct toom_buf t;
	u64 *mem;
	int err;

	err = bn_poll(ctx);
	if (err)
		return err;
	mem = toom_alloc(&t, n, ctx);
	if (!mem)
		return -ENOMEM;
	eval_s02(t.s02a, a, &t);
	eval_p1(t.ea, t.s02a, a, &t);
	err = bn_sqr_n_scr(t.v1, t.ea, t.k + 1, t.kscr, ctx);
	if (!err) {
		eval_m1(t.ea, t.s02a, a, &t);
		err = bn_sqr_n_scr(t.vm1, t.ea, t.k + 1, t.kscr, ctx);
	}
	if (!err) {
		eval_2(t.ea, a, &t);
		err = bn_sqr_n_scr(t.v2, t.ea, t.k + 1, t.kscr, ctx);
	}
	if (!err)
		err = bn_sqr_n_scr(r, a, t.k, t.kscr, ctx);
	if (!err)
		err = bn_sqr_n_scr(r + 4 * t.k, a + 2 * t.k, t.l, t.kscr, ctx);
	if (!err)
		toom_interpolate(r, n, &t, false);
	bn_dealloc(ctx, mem);
	return err;
}

/**
 * bn_mul_toom3() - r = a * b by Toom-Cook 3-way, both of n limbs
 * @r: 2n limbs, not overlapping a or b
 * @a: n limbs
 * @b: n limbs
 * @n: limbs, at least 9
 * @ctx: context
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_mul_toom3(u64 *r, const u64 *a, const u64 *b, size_t n,
		 struct bn_ctx *ctx)
{
	struct toom_buf t;
	bool neg;
	u64 *mem;
	int err;

	err = bn_poll(ctx);
	if (err)
		return err;
	mem = toom_alloc(&t, n, ctx);
	if (!mem)
		return -ENOMEM;
	eval_s02(t.s02a, a, &t);
	eval_s02(t.s02b, b, &t);
	eval_p1(t.ea, t.s02a, a, &t);
	eval_p1(t.eb, t.s02b, b, &t);
	err = bn_mul_n_scr(t.v1, t.ea, t.eb, t.k + 1, t.kscr, ctx);
	if (!err) {
		neg = eval_m1(t.ea, t.s02a, a, &t);
		neg ^= eval_m1(t.eb, t.s02b, b, &t);
		err = bn_mul_n_scr(t.vm1, t.ea, t.eb, t.k + 1, t.kscr, ctx);
	}
	if (!err) {
		eval_2(t.ea, a, &t);
		eval_2(t.eb, b, &t);
		err = bn_mul_n_scr(t.v2, t.ea, t.eb, t.k + 1, t.kscr, ctx);
	}
	if (!err)
		err = bn_mul_n_scr(r, a, b, t.k, t.kscr, ctx);
	if (!err)
		err = bn_mul_n_scr(r + 4 * t.k, a + 2 * t.k, b + 2 * t.k, t.l,
				   t.kscr, ctx);
	if (!err)
		toom_interpolate(r, n, &t, neg);
	bn_dealloc(ctx, mem);
	return err;
}

/* Upper bound of the bytes the Toom levels above n allocate. */
u64 bn_toom_peak_bytes(size_t n, bool sqr)
{
	size_t thr = sqr ? BN_SQR_TOOM3_THR : BN_MUL_TOOM3_THR;
	u64 b = 0;

	while (n >= thr) {
		b += (u64)toom_limbs(n) * 8 + 64;
		n = toom_piece(n) + 1;
	}
	return b;
}
