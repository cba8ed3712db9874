// SPDX-License-Identifier: GPL-2.0
/*
 * div.c - reciprocals by Newton iteration and Barrett division, all with
 * multiplications (no 128-bit division: the kernel has none).
 */
#include "bignum/bn_internal.h"

/*
 * (u1 B + u0) / v for u1 < v and v normalized, from two 64 / 32-bit steps
 * (the kernel has 64-bit division on 64-bit machines, but no 128-bit one).
 * Each half-quotient estimate is at most 2 too large and is corrected
 * before it is used.
 */
static u64 div_2by1(u64 u1, u64 u0, u64 v)
{
	u64 vh = v >> 32, vl = v & 0xffffffffULL;
	u64 q1, q0, rhat, mid;

	q1 = u1 / vh;
	rhat = u1 - q1 * vh;
	while ((q1 >> 32) || q1 * vl > ((rhat << 32) | (u0 >> 32))) {
		q1--;
		rhat += vh;
		if (rhat >> 32)
			break;
	}
	mid = (u1 << 32) + (u0 >> 32) - q1 * v;
	q0 = mid / vh;
	rhat = mid - q0 * vh;
	while ((q0 >> 32) || q0 * vl > ((rhat << 32) | (u0 & 0xffffffffULL))) {
		q0--;
		rhat += vh;
		if (rhat >> 32)
			break;
	}
	return (q1 << 32) | q0;
}

/* x[0 .. 1] = floor(B^2 / d) for one normalized limb. */
static void recip_1(u64 *x, u64 d)
{
	if (d == 1ULL << 63) {
		x[0] = 0;
		x[1] = 2;
		return;
	}
	/* B^2 / d = B + B (B - d) / d, and B - d < d */
	x[0] = div_2by1(-d, 0, d);
	x[1] = 1;
}

/*
 * v = B^e - p as a signed residue modulo B^m + 1 (two's complement over
 * m + 1 limbs), e < 2m; p is a ring element.  z has 2 (m + 1) limbs.
 */
static void residual(u64 *v, const u64 *p, size_t e, size_t m, u64 *z)
{
	u64 *t = z + m + 1;

	bn_zero(z, 2 * (m + 1));
	if (e <= m) {
		t[e] = 1;
		bn_fermat_sub(v, t, p, m);
	} else {
		/* B^e = -B^(e - m) */
		t[e - m] = 1;
		bn_fermat_sub(v, z, p, m);
		bn_fermat_sub(v, v, t, m);
	}
	bn_fermat_signed(v, m);
}

/* Whether the n limbs at r all repeat the sign of top (0 or all ones). */
static bool bn_is_sign_fill(const u64 *r, size_t n, u64 top)
{
	u64 fill = (top >> 63) ? ~0ULL : 0;

	while (n--)
		if (r[n] != fill)
			return false;
	return true;
}

/*
 * A multiple k of d with k d <= |r| (r: len limbs, two's complement),
 * from the top limbs: at most 2 below |r| / d when |r| < B^n d / 2, and
 * B - 1 above that (the callers' bounds rule it out, but each such jump
 * still takes off (B - 1) d).  0 when |r| < B^n: single steps finish.
 */
static u64 settle_jump(const u64 *r, size_t len, const u64 *d, size_t n)
{
	u64 hi = r[n], lo = r[n - 1], v = d[n - 1] + 1;

	if (r[len - 1] >> 63) {
		/* |r| = ~r + 1: the top two limbs of ~r are close enough */
		hi = ~hi;
		lo = ~lo;
	}
	if (!bn_is_sign_fill(r + n + 1, len - n - 1, r[len - 1]))
		return ~0ULL;
	if (!hi)
		return 0;
	if (!v)
		return hi;
	return hi < v ? div_2by1(hi, lo, v) : ~0ULL;
}

/*
 * Bring a signed remainder r = A - q d (len > n + 1 limbs, two's
 * complement, a small multiple of d) into [0, d), moving q (qn limbs) to
 * match: multiples of d estimated from r's top limbs, then single steps.
 * tmp has n + 1 limbs.
 */
static void settle(u64 *q, size_t qn, u64 *r, size_t len, const u64 *d,
		   size_t n, u64 *tmp)
{
	u64 k;

	while ((k = settle_jump(r, len, d, n))) {
		tmp[n] = bn_mul_1(tmp, d, n, k);
		if (r[len - 1] >> 63) {
			bn_add(r, r, len, tmp, n + 1);
			bn_sub_1(q, q, qn, k);
		} else {
			bn_sub(r, r, len, tmp, n + 1);
			bn_add_1(q, q, qn, k);
		}
	}
	while (r[len - 1] >> 63) {
		bn_sub_1(q, q, qn, 1);
		bn_add(r, r, len, d, n);
	}
	while (bn_cmp2(r, len, d, n) >= 0) {
		bn_add_1(q, q, qn, 1);
		bn_sub(r, r, len, d, n);
	}
}

/*
 * Make x exact: with R = B^2n - x d, step x until 0 <= R < d.  |R| is a
 * small multiple of d, so R is the residue of B^2n - x d modulo B^m + 1
 * (m >= n + 2): a wrap-around product of half the size.  tmp has
 * 4 (m + 1) limbs.
 */
static int recip_fix(u64 *x, const u64 *d, size_t n, size_t m, u64 *tmp,
		     struct bn_ctx *ctx)
{
	size_t len = m + 1;
	u64 *r = tmp, *p = tmp + len;
	int err;

	err = bn_mulmod_fermat(p, x, n + 1, d, n, m, ctx);
	if (err)
		return err;
	residual(r, p, 2 * n, m, tmp + 2 * len);
	settle(x, n + 1, r, len, d, n, p);
	return 0;
}

/* Limbs bn_recip_from() allocates for n. */
size_t bn_recip_scratch(size_t n)
{
	size_t m = bn_fermat_ring(n + 2);

	return (m + 3) + 4 * (m + 1);
}

/**
 * bn_recip_from() - x = floor(B^2n / d), exactly, from a close start
 * @x: n + 1 limbs
 * @d: n limbs, the top bit set
 * @n: limbs of d, at least 2
 * @xh: h + 1 limbs (h = n - n / 2), within a few units of
 *	floor(B^2h / floor(d / B^(n-h))), the reciprocal of d's top h limbs
 * @exact: make x exact; false leaves it a few hundred units off at most,
 *	which bn_divrem_pre() accepts (one product less)
 * @ctx: context
 *
 * One Newton step: with y0 = X_h B^(n-h), y1 = y0 + y0 (B^2n - d y0) / B^2n
 * doubles the correct limbs.  T = B^(n+h) - d X_h is a few B^n in size, so
 * it comes from a product modulo B^m + 1 (m >= n + 2) instead of the full
 * product; y0 T / B^2n only needs the top limbs of T.  The error of y1
 * grows with the square of the start's, so a start off by a few units
 * ends tens of units off (2 (e + 2)^2 at most for a start e units off);
 * recip_fix() makes it exact.
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_recip_from(u64 *x, const u64 *d, size_t n, const u64 *xh,
		  bool exact, struct bn_ctx *ctx)
{
	size_t h = n - n / 2, e = n - h, m = bn_fermat_ring(n + 2), tl;
	u64 *p, *t, *c, *w, *blk;
	bool neg;
	int err;

	blk = bn_alloc_limbs(ctx, bn_recip_scratch(n));
	if (!blk)
		return -ENOMEM;
	c = blk;
	p = c + m + 3;
	t = p + m + 1;
	w = t + m + 1;
	err = bn_mulmod_fermat(p, d, n, xh, h + 1, m, ctx);
	if (err)
		goto out;
	/* t = B^(n+h) - d X_h, |t| <= a few B^n; keep |t| / B^h */
	residual(t, p, n + h, m, w);
	neg = t[m] >> 63;
	if (neg) {
		for (size_t i = 0; i <= m; i++)
			t[i] = ~t[i];
		bn_add_1(t, t, m + 1, 1);
	}
	t += h;
	tl = bn_normlen(t, n + 2 - h);
	/* x = X_h B^e +- floor(X_h |t| / B^h) */
	bn_zero(x, e);
	bn_copy(x + e, xh, h + 1);
	if (tl) {
		size_t cl = tl + 1;

		err = bn_mul(c, xh, h + 1, t, tl, ctx);
		if (err)
			goto out;
		if (cl > n + 1)
			cl = n + 1;
		if (neg)
			bn_sub(x, x, n + 1, c + h, cl);
		else
			bn_add(x, x, n + 1, c + h, cl);
	}
	if (exact)
		err = recip_fix(x, d, n, m, p, ctx);
out:
	bn_dealloc(ctx, blk);
	return err;
}

/*
 * x = floor(B^2n / d) by long division (Knuth, TAOCP vol. 2, 4.3.1,
 * algorithm D) for small n: one limb of quotient per step, estimated from
 * the top limbs of the remainder and d (two 64 / 32-bit divisions, then
 * corrected with d's second limb), then one multiply-and-subtract pass.
 * About n^2 limb products, against several products and wrap-around
 * residuals for Newton at these sizes.  u has 3 n + 2 limbs.
 */
static void recip_long(u64 *x, const u64 *d, size_t n, u64 *u)
{
	u64 *r = u, *t = u + 2 * n + 1, d1 = d[n - 1], d0 = d[n - 2];
	size_t j;

	/* B^2n / d is in (B^n, 2 B^n]: first limb 1, R = (B^n - d) B^n */
	bn_zero(r, 2 * n + 1);
	x[n] = 1;
	bn_sub(r + n, r + n, n + 1, d, n);
	r[2 * n] += 1;
	if (!bn_cmp(r + n, d, n)) {
		/* d = B^n / 2: B^2n / d = 2 B^n */
		bn_zero(x, n);
		x[n] = 2;
		return;
	}
	for (j = n; j-- > 0;) {
		u64 r2 = r[j + n], r1 = r[j + n - 1], r0 = r[j + n - 2], q, rh;
		bool big = false;

		if (r2 >= d1) {
			q = ~0ULL;
			rh = r1 + d1;
			big = rh < r1;
		} else {
			q = div_2by1(r2, r1, d1);
			rh = r1 - q * d1;
		}
		while (!big && (bn_u128)q * d0 > (((bn_u128)rh << 64) | r0)) {
			q--;
			rh += d1;
			big = rh < d1;
		}
		t[n] = bn_mul_1(t, d, n, q);
		if (bn_sub(r + j, r + j, n + 1, t, n + 1)) {
			q--;
			bn_add(r + j, r + j, n + 1, d, n);
		}
		x[j] = q;
	}
}

/**
 * bn_recip() - x = floor(B^2n / d), exactly
 * @x: n + 1 limbs
 * @d: n limbs, the top bit set
 * @n: limbs of d
 * @ctx: context
 *
 * Newton from the exact reciprocal of the top half (recursively), so each
 * level starts exact: bn_recip_from(); long division up to BN_RECIP_LONG
 * limbs.
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_recip(u64 *x, const u64 *d, size_t n, struct bn_ctx *ctx)
{
	size_t h = n - n / 2;
	u64 *xh;
	int err;

	if (n == 1) {
		recip_1(x, d[0]);
		return 0;
	}
	if (n <= BN_RECIP_LONG) {
		xh = bn_alloc_limbs(ctx, 3 * n + 2);
		if (!xh)
			return -ENOMEM;
		recip_long(x, d, n, xh);
		bn_dealloc(ctx, xh);
		return 0;
	}
	xh = bn_alloc_limbs(ctx, h + 1);
	if (!xh)
		return -ENOMEM;
	err = bn_recip(xh, d + (n - h), h, ctx);
	if (!err)
		err = bn_recip_from(x, d, n, xh, true, ctx);
	bn_dealloc(ctx, xh);
	return err;
}

/* Scratch limbs bn_divrem_pre() needs for a divisor of n limbs. */
size_t bn_divrem_scratch(size_t n)
{
	return (2 * n + 3) + 2 * (bn_fermat_ring(n + 2) + 1);
}

/**
 * bn_divrem_pre() - Barrett division by a normalized divisor
 * @q: n limbs, receives floor(a / d)
 * @r: n limbs, receives a mod d
 * @a: dividend, an <= 2n limbs, a < d B^n
 * @an: its limbs
 * @d: divisor, n limbs, top bit set
 * @n: limbs of d
 * @x: floor(B^2n / d), n + 1 limbs, or within a few hundred units of it
 * @scr: bn_divrem_scratch(n) limbs
 * @ctx: context
 *
 * q0 = floor(floor(a / B^(n-1)) x / B^(n+1)) is at most 2 below the
 * quotient for the exact x, and at most e + 2 away for an x e units off.
 * The remainder a - q0 d is then a small multiple of d, so it is the
 * signed residue modulo B^m + 1 (m >= n + 2): q0 d comes from a
 * wrap-around product of half the size of the full one.  settle() makes
 * it exact (at most two subtractions for the exact x).
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_divrem_pre(u64 *q, u64 *r, const u64 *a, size_t an, const u64 *d,
		  size_t n, const u64 *x, u64 *scr, struct bn_ctx *ctx)
{
	size_t m = bn_fermat_ring(n + 2), hn, ql;
	u64 *t = scr, *qd = t + 2 * n + 3, *rr = qd + m + 1;
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
	if (ql > n) {
		/* only an x above the exact one: q0 - q is small */
		ql = n;
		memset(t + n + 1, 0xff, n * sizeof(u64));
	}
	bn_copy(q, t + n + 1, ql);
	bn_fermat_reduce(rr, a, an, m);
	if (ql) {
		err = bn_mulmod_fermat(qd, q, ql, d, n, m, ctx);
		if (err)
			return err;
		bn_fermat_sub(rr, rr, qd, m);
		bn_fermat_signed(rr, m);
	}
	settle(q, n, rr, m + 1, d, n, qd);
	bn_copy(r, rr, n);
	return 0;
}

/* Scratch limbs bn_divrem_half() needs for a divisor of n limbs. */
size_t bn_divrem_half_scratch(size_t n)
{
	size_t h = n - n / 2 + 1;

	return (2 * n + 1) + (2 * h + 3) + 2 * (bn_fermat_ring(n + 2) + 1);
}

/**
 * bn_divrem_half() - division with the reciprocal of the divisor's top half
 * @q: n limbs, receives floor(a / d)
 * @r: n limbs, receives a mod d
 * @a: dividend, an <= 2n limbs, a < d B^n
 * @an: its limbs
 * @d: divisor, n limbs, top bit set
 * @n: limbs of d
 * @xh: h + 1 limbs, within a few units of floor(B^2h / d_h), d_h the top
 *	h limbs of d
 * @h: n / 2 <= h <= n - n / 2 + 1, h < n
 * @scr: bn_divrem_half_scratch(n) limbs
 * @ctx: context
 *
 * The quotient in two blocks, h limbs and then n - h, each a Barrett step
 * of the top limbs by d_h (an (s + 1) x (h + 1)-limb product) and a
 * remainder from a wrap-around product modulo B^m + 1 (m >= n + 2), as
 * bn_divrem_pre().  Dividing by d_h instead of d only lets the block's
 * quotient run a few units high (d_h B^(n-h) <= d), and settle() takes
 * those off.  The products cost about what bn_divrem_pre()'s do, but the
 * reciprocal has half the limbs: a caller that has it cheaply (the
 * decimal conversion derives it from a smaller power's) saves the Newton
 * step to the full one.
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_divrem_half(u64 *q, u64 *r, const u64 *a, size_t an, const u64 *d,
		   size_t n, const u64 *xh, size_t h, u64 *scr,
		   struct bn_ctx *ctx)
{
	size_t m = bn_fermat_ring(n + 2), p = n - h, sz = h, ql;
	u64 *w = scr, *t = w + 2 * n + 1, *qd = t + 2 * (n - n / 2 + 1) + 3;
	u64 *rr = qd + m + 1;
	int err;

	an = bn_normlen(a, an);
	bn_copy(w, a, an);
	bn_zero(w + an, 2 * n + 1 - an);
	bn_zero(q, n);
	for (;;) {
		/* w[p .. p + n + sz) < d B^sz: its quotient has sz limbs */
		u64 *wp = w + p;

		err = bn_mul(t, wp + n - 1, sz + 1, xh, h + 1, ctx);
		if (err)
			return err;
		ql = bn_normlen(t + h + 1, sz + 1);
		if (ql > sz) {
			/* only a few units high: settle() brings it down */
			ql = sz;
			memset(t + h + 1, 0xff, sz * sizeof(u64));
		}
		bn_copy(q + p, t + h + 1, ql);
		bn_fermat_reduce(rr, wp, n + sz, m);
		if (ql) {
			err = bn_mulmod_fermat(qd, q + p, ql, d, n, m, ctx);
			if (err)
				return err;
			bn_fermat_sub(rr, rr, qd, m);
			bn_fermat_signed(rr, m);
		}
		settle(q + p, sz, rr, m + 1, d, n, qd);
		bn_copy(wp, rr, n);
		bn_zero(wp + n, sz);
		if (!p)
			break;
		sz = p;
		p = 0;
	}
	bn_copy(r, w, n);
	return 0;
}
