// SPDX-License-Identifier: GPL-2.0
/*
 * div.c - reciprocals by Newton iteration and Barrett division, all with
 * multiplications (no 128-bit division: the kernel has none).
 */
#include "bn_internal.h"

/* x[0 .. n] = floor(B^2n / d) bit by bit; n <= 2, d normalized. */
static void recip_small(u64 *x, const u64 *d, size_t n)
{
	u64 r[3] = { 0 }, t[3];
	size_t bit;

	bn_zero(x, n + 1);
	for (bit = 128 * n + 1; bit-- > 0;) {
		u64 top = bn_lshift(r, r, n + 1, 1);

		if (bit == 128 * n)
			r[0] |= 1;
		/* r < 2 d always, so top is never set; compare r with d */
		if (top || bn_cmp2(r, n + 1, d, n) >= 0) {
			bn_copy(t, d, n);
			t[n] = 0;
			bn_sub_n(r, r, t, n + 1);
			x[bit / 64] |= 1ULL << (bit % 64);
		}
	}
}

/*
 * Make x exact: with R = B^2n - x d, step x until 0 <= R < d.  tmp has
 * 2n + 1 limbs.
 */
static int recip_fix(u64 *x, const u64 *d, size_t n, u64 *tmp,
		     struct bn_ctx *ctx)
{
	size_t len = 2 * n + 1;
	int err;

	err = bn_mul(tmp, x, n + 1, d, n, ctx);
	if (err)
		return err;
	/* tmp = B^2n - x d, two's complement over 2n + 1 limbs */
	for (size_t i = 0; i < len; i++)
		tmp[i] = ~tmp[i];
	bn_add_1(tmp, tmp, len, 1);
	tmp[2 * n] += 1;
	while (tmp[len - 1] >> 63) {
		bn_sub_1(x, x, n + 1, 1);
		bn_add(tmp, tmp, len, d, n);
	}
	while (bn_cmp2(tmp, len, d, n) >= 0) {
		bn_add_1(x, x, n + 1, 1);
		bn_sub(tmp, tmp, len, d, n);
	}
	return 0;
}

/**
 * bn_recip() - x = floor(B^2n / d), exactly
 * @x: n + 1 limbs
 * @d: n limbs, the top bit set
 * @n: limbs of d
 * @ctx: context
 *
 * Newton: from the reciprocal X_h of the top h limbs, y0 = X_h B^(n-h) and
 * y1 = y0 + y0 (B^2n - d y0) / B^2n, which doubles the correct limbs;
 * the product y0 (B^2n - d y0) only needs the top limbs of both factors.
 * A final correction makes the result exact, so each level starts from
 * an exact reciprocal.
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_recip(u64 *x, const u64 *d, size_t n, struct bn_ctx *ctx)
{
	size_t h = n - n / 2, e = n - h, tl;
	u64 *xh, *p, *t, *c, *blk;
	bool neg;
	int err;

	if (n <= 2) {
		recip_small(x, d, n);
		return 0;
	}
	blk = bn_alloc_limbs(ctx, (h + 1) + (n + h + 1) + (n + 1) +
				  (h + n + 3) + (2 * n + 1));
	if (!blk)
		return -ENOMEM;
	xh = blk;
	p = xh + h + 1;
	t = p + n + h + 1;
	c = t + n + 1;
	err = bn_recip(xh, d + e, h, ctx);
	if (!err)
		err = bn_mul(p, d, n, xh, h + 1, ctx);
	if (err)
		goto out;
	/* t = B^n - floor(d X_h / B^h), |t| = about B^e */
	bn_zero(t, n + 1);
	t[n] = 1;
	neg = bn_sub_n(t, t, p + h, n + 1);
	if (neg) {
		for (size_t i = 0; i <= n; i++)
			t[i] = ~t[i];
		bn_add_1(t, t, n + 1, 1);
	}
	tl = bn_normlen(t, n + 1);
	/* x = X_h B^e +- floor(X_h |t| / B^h) */
	bn_zero(x, e);
	bn_copy(x + e, xh, h + 1);
	if (tl) {
		err = bn_mul(c, xh, h + 1, t, tl, ctx);
		if (err)
			goto out;
		if (h + 1 + tl > h) {
			size_t cl = h + 1 + tl - h;

			if (cl > n + 1)
				cl = n + 1;
			if (neg)
				bn_sub(x, x, n + 1, c + h, cl);
			else
				bn_add(x, x, n + 1, c + h, cl);
		}
	}
	err = recip_fix(x, d, n, c, ctx);
out:
	bn_dealloc(ctx, blk);
	return err;
}

/* Scratch limbs bn_divrem_pre() needs for a divisor of n limbs. */
size_t bn_divrem_scratch(size_t n)
{
	return (2 * n + 3) + (2 * n + 1) + (n + 1);
}

/**
 * bn_divrem_pre() - Barrett division by a normalized divisor
 * @q: n limbs, receives floor(a / d)
 * @r: n limbs, receives a mod d
 * @a: dividend, an <= 2n limbs, a < d B^n
 * @an: its limbs
 * @d: divisor, n limbs, top bit set
 * @n: limbs of d
 * @x: floor(B^2n / d), n + 1 limbs
 * @scr: bn_divrem_scratch(n) limbs
 * @ctx: context
 *
 * q0 = floor(floor(a / B^(n-1)) x / B^(n+1)) is at most 2 below the
 * quotient; the remainder then takes at most two subtractions.
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_divrem_pre(u64 *q, u64 *r, const u64 *a, size_t an, const u64 *d,
		  size_t n, const u64 *x, u64 *scr, struct bn_ctx *ctx)
{
	u64 *t = scr, *qd = t + 2 * n + 3, *rr = qd + 2 * n + 1;
	size_t hn, ql;
	int err;

	an = bn_normlen(a, an);
	bn_zero(q, n);
	if (an < n) {
		bn_copy(r, a, an);
		bn_zero(r + an, n - an);
		return 0;
	}
	hn = an - (n - 1);
	err = bn_mul(t, a + n - 1, hn, x, n + 1, ctx);
	if (err)
		return err;
	ql = bn_normlen(t + n + 1, hn + n + 1 - (n + 1));
	if (ql > n)
		ql = n;
	bn_copy(q, t + n + 1, ql);
	bn_zero(rr, n + 1);
	bn_copy(rr, a, an < n + 1 ? an : n + 1);
	if (ql) {
		err = bn_mul(qd, q, ql, d, n, ctx);
		if (err)
			return err;
		bn_sub_n(rr, rr, qd, n + 1);
	}
	while (bn_cmp2(rr, n + 1, d, n) >= 0) {
		bn_sub(rr, rr, n + 1, d, n);
		bn_add_1(q, q, n, 1);
	}
	bn_copy(r, rr, n);
	return 0;
}
