// SPDX-License-Identifier: GPL-2.0
/*
 * ssa.c - Schonhage-Strassen multiplication.
 *
 * ssa_mulmod() multiplies modulo 2^N + 1 (N = 64 n): both factors are cut
 * into K = 2^k pieces of M = N / K bits, the pieces are weighted by powers
 * of theta = 2^(N'/K), a 2K-th root of unity modulo 2^N' + 1, so that the
 * cyclic convolution an FFT computes becomes the negacyclic one that
 * reduction modulo 2^N + 1 needs: the wrap-around is the reduction, and no
 * zero padding is needed.  The FFT runs over the ring Z / (2^N' + 1) where
 * omega = theta^2 is a power of two, so every twiddle factor is a shift.
 * Pointwise products are modulo 2^N' + 1 again: by Karatsuba, or by
 * ssa_mulmod() itself when N' is large.  A full product is the product
 * modulo 2^N + 1 for N at least the sum of the sizes.
 *
 * Ring elements are nl + 1 limbs holding a value in [0, 2^N'].
 */
#include "bn_internal.h"

struct ssa_par {
	size_t n;		/* ring 2^(64 n) + 1 */
	unsigned int k;		/* K = 2^k pieces */
	size_t K, ml;		/* pieces, limbs per piece */
	size_t nl;		/* coefficient ring 2^(64 nl) + 1 */
	unsigned int k_in;	/* 0: pointwise by Karatsuba */
};

/* The number of pieces, 2^k, for a ring (or product) of n limbs. */
static unsigned int ssa_best_k(size_t n)
{
	unsigned int lg = 63 - bn_clz(n | 1);
	int k = (int)(lg / 2) + 2 + (int)BN_SSA_KBIAS;

	if (k > 16)
		k = 16;
	if (k < 4)
		k = 4;
	while (k > 4 && (n >> k) < 4)
		k--;
	return (unsigned int)k;
}

static size_t ssa_round_up(size_t x, size_t m)
{
	return (x + m - 1) / m * m;
}

/* Parameters for the ring of n limbs split in 2^k pieces (2^k | n). */
static void ssa_params(struct ssa_par *p, size_t n, unsigned int k)
{
	size_t align;

	p->n = n;
	p->k = k;
	p->K = (size_t)1 << k;
	p->ml = n >> k;
	/* 2 M + k + 1 bits hold a coefficient of the negacyclic product */
	p->nl = 2 * p->ml + 1;
	align = p->K > 64 ? p->K / 64 : 1;
	p->k_in = 0;
	if (p->nl >= BN_SSA_INNER_THR) {
		p->k_in = ssa_best_k(p->nl);
		if (((size_t)1 << p->k_in) > align)
			align = (size_t)1 << p->k_in;
	}
	p->nl = ssa_round_up(p->nl, align);
	/* theta^i 2^k must stay below 2^N' for the final scaling */
	while (64 * p->nl / p->K <= k)
		p->nl += align;
}

/* --- arithmetic modulo 2^(64 nl) + 1 on nl + 1 limbs --- */

static void fm_add(u64 *r, const u64 *a, const u64 *b, size_t nl)
{
	u64 t;

	bn_add_n(r, a, b, nl + 1);
	t = r[nl];
	r[nl] = 0;
	if (t && bn_sub_1(r, r, nl, t))
		r[nl] = bn_add_1(r, r, nl, 1);
}

static void fm_sub(u64 *r, const u64 *a, const u64 *b, size_t nl)
{
	if (bn_sub_n(r, a, b, nl + 1)) {
		bn_add_1(r, r, nl + 1, 1);
		r[nl] += 1;
	}
}

static void fm_neg(u64 *r, size_t nl)
{
	size_t i;

	if (r[nl]) {
		bn_zero(r, nl + 1);
		r[0] = 1;
		return;
	}
	if (bn_is_zero(r, nl))
		return;
	for (i = 0; i < nl; i++)
		r[i] = ~r[i];
	r[nl] = bn_add_1(r, r, nl, 2);
}

/* r = a 2^e mod 2^(64 nl) + 1, 0 <= e < 2 * 64 nl; r may be a. */
static void fm_mul2exp(u64 *r, const u64 *a, size_t e, size_t nl, u64 *tmp)
{
	size_t nb = 64 * nl, q;
	bool neg = false;

	if (e >= nb) {
		e -= nb;
		neg = true;
	}
	if (a[nl]) {
		bn_zero(r, nl + 1);
		r[e / 64] = 1ULL << (e % 64);
		neg = !neg;
	} else if (!e) {
		bn_copy(r, a, nl + 1);
	} else {
		q = e / 64;
		tmp[nl] = bn_lshift(tmp, a, nl, e % 64);
		bn_zero(r, q);
		bn_copy(r + q, tmp, nl - q);
		r[nl] = 0;
		if (bn_sub(r, r, nl, tmp + nl - q, q + 1))
			r[nl] = bn_add_1(r, r, nl, 1);
	}
	if (neg)
		fm_neg(r, nl);
}

/* --- the transforms --- */

/* Decimation in frequency: natural order in, bit-reversed order out. */
static int fft_dif(u64 *x, size_t K, size_t w, const struct ssa_par *p,
		   u64 *tmp, struct bn_ctx *ctx)
{
	size_t sz = p->nl + 1, half = K / 2, i;
	int err;

	if (K == 1)
		return 0;
	err = bn_poll(ctx);
	if (err)
		return err;
	for (i = 0; i < half; i++) {
		u64 *a = x + i * sz, *b = x + (i + half) * sz;

		fm_sub(tmp, a, b, p->nl);
		fm_add(a, a, b, p->nl);
		fm_mul2exp(b, tmp, i * w, p->nl, tmp + sz);
	}
	err = fft_dif(x, half, 2 * w, p, tmp, ctx);
	if (!err)
		err = fft_dif(x + half * sz, half, 2 * w, p, tmp, ctx);
	return err;
}

/* Decimation in time with omega^-1: bit-reversed in, natural out, times K. */
static int fft_dit_inv(u64 *x, size_t K, size_t w, const struct ssa_par *p,
		       u64 *tmp, struct bn_ctx *ctx)
{
	size_t sz = p->nl + 1, half = K / 2, i, nb2 = 2 * 64 * p->nl;
	int err;

	if (K == 1)
		return 0;
	err = fft_dit_inv(x, half, 2 * w, p, tmp, ctx);
	if (!err)
		err = fft_dit_inv(x + half * sz, half, 2 * w, p, tmp, ctx);
	if (!err)
		err = bn_poll(ctx);
	if (err)
		return err;
	for (i = 0; i < half; i++) {
		u64 *a = x + i * sz, *b = x + (i + half) * sz;

		fm_mul2exp(tmp, b, i ? nb2 - i * w : 0, p->nl, tmp + sz);
		fm_sub(b, a, tmp, p->nl);
		fm_add(a, a, tmp, p->nl);
	}
	return 0;
}

static int ssa_mulmod(u64 *r, size_t rlen, const u64 *a, size_t an,
		      const u64 *b, size_t bn, size_t n, unsigned int k,
		      struct bn_ctx *ctx);

/* x = x * y mod 2^(64 nl) + 1 (y == x squares); prod as pointwise_scr(). */
static int pointwise(u64 *x, const u64 *y, const struct ssa_par *p,
		     u64 *prod, struct bn_ctx *ctx)
{
	size_t nl = p->nl;
	int err;

	if (x[nl] || y[nl]) {
		/* one of them is 2^N' = -1 */
		if (x == y) {
			bn_zero(x, nl + 1);
			x[0] = 1;
		} else {
			if (x[nl])
				bn_copy(x, y, nl + 1);
			fm_neg(x, nl);
		}
		return 0;
	}
	if (p->k_in)
		return ssa_mulmod(x, nl + 1, x, nl, y, nl, nl, p->k_in, ctx);
	if (x == y)
		err = bn_sqr_n_scr(prod, x, nl, prod + 2 * nl, ctx);
	else
		err = bn_mul_n_scr(prod, x, y, nl, prod + 2 * nl, ctx);
	if (err)
		return err;
	x[nl] = 0;
	if (bn_sub_n(x, prod, prod + nl, nl))
		x[nl] = bn_add_1(x, x, nl, 1);
	return 0;
}

/* Cut a (an <= n limbs) into the K weighted coefficients of x. */
static void decompose(u64 *x, const u64 *a, size_t an,
		      const struct ssa_par *p, u64 *tmp)
{
	size_t sz = p->nl + 1, tw = 64 * p->nl / p->K, i, o, c;

	bn_zero(x, p->K * sz);
	for (i = 0; i < p->K; i++) {
		o = i * p->ml;
		if (o >= an)
			break;
		c = an - o < p->ml ? an - o : p->ml;
		bn_copy(x + i * sz, a + o, c);
		fm_mul2exp(x + i * sz, x + i * sz, i * tw, p->nl, tmp);
	}
}

static void acc_add(u64 *acc, size_t len, size_t o, const u64 *c, size_t cn)
{
	u64 carry = bn_add_n(acc + o, acc + o, c, cn);

	if (carry)
		bn_add_1(acc + o + cn, acc + o + cn, len - o - cn, carry);
}

/* acc (n + h limbs) reduced modulo 2^(64 n) + 1 into acc[0 .. n]. */
static void fold(u64 *acc, size_t n, size_t h)
{
	u64 borrow = bn_sub(acc, acc, n, acc + n, h);

	acc[n] = 0;
	if (borrow)
		acc[n] = bn_add_1(acc, acc, n, 1);
}

/*
 * Unweight and scale the coefficients, sum them with their signs at
 * offsets i M, and reduce modulo 2^N + 1 into r.
 */
static int recompose(u64 *r, size_t rlen, u64 *x, const struct ssa_par *p,
		     u64 *tmp, struct bn_ctx *ctx)
{
	size_t sz = p->nl + 1, tw = 64 * p->nl / p->K, nb2 = 2 * 64 * p->nl;
	size_t len = p->n + p->nl + 2, i;
	u64 *pos, *neg;

	pos = bn_alloc_limbs(ctx, 2 * len);
	if (!pos)
		return -ENOMEM;
	neg = pos + len;
	bn_zero(pos, 2 * len);
	for (i = 0; i < p->K; i++) {
		u64 *c = x + i * sz;

		fm_mul2exp(c, c, nb2 - i * tw - p->k, p->nl, tmp);
		if (c[p->nl] || (c[p->nl - 1] >> 63)) {
			fm_neg(c, p->nl);
			acc_add(neg, len, i * p->ml, c, sz);
		} else {
			acc_add(pos, len, i * p->ml, c, sz);
		}
	}
	fold(pos, p->n, p->nl + 2);
	fold(neg, p->n, p->nl + 2);
	fm_sub(pos, pos, neg, p->n);
	bn_copy(r, pos, rlen);
	bn_dealloc(ctx, pos);
	return 0;
}

static size_t pointwise_scr(const struct ssa_par *p)
{
	return p->k_in ? 0 : 2 * p->nl + bn_kara_scratch(p->nl);
}

/* x = transform of x, y = of y; pointwise x = x * y. */
static int ssa_core(u64 *x, u64 *y, const struct ssa_par *p, u64 *tmp,
		    struct bn_ctx *ctx)
{
	size_t w = 2 * 64 * p->nl / p->K, sz = p->nl + 1, i;
	u64 *prod = NULL;
	int err;

	err = fft_dif(x, p->K, w, p, tmp, ctx);
	if (!err && y != x)
		err = fft_dif(y, p->K, w, p, tmp, ctx);
	if (err)
		return err;
	if (pointwise_scr(p)) {
		prod = bn_alloc_limbs(ctx, pointwise_scr(p));
		if (!prod)
			return -ENOMEM;
	}
	for (i = 0; i < p->K && !err; i++) {
		err = pointwise(x + i * sz, y + i * sz, p, prod, ctx);
		if (!err && p->nl >= BN_POLL_LIMBS)
			err = bn_poll(ctx);
	}
	bn_dealloc(ctx, prod);
	return err;
}

/*
 * r[0 .. rlen) = a * b mod 2^(64 n) + 1 with an, bn <= n; 2^k | n.
 * a == b (with an == bn) squares.  r may overlap a or b.
 */
static int ssa_mulmod(u64 *r, size_t rlen, const u64 *a, size_t an,
		      const u64 *b, size_t bn, size_t n, unsigned int k,
		      struct bn_ctx *ctx)
{
	struct ssa_par p;
	bool sqr = a == b && an == bn;
	u64 *x, *y, *tmp;
	size_t sz;
	int err;

	ssa_params(&p, n, k);
	sz = p.nl + 1;
	tmp = bn_alloc_limbs(ctx, 2 * sz);
	x = bn_alloc_limbs(ctx, p.K * sz);
	y = sqr ? x : bn_alloc_limbs(ctx, p.K * sz);
	if (!tmp || !x || !y) {
		err = -ENOMEM;
		goto out;
	}
	decompose(x, a, an, &p, tmp);
	if (!sqr)
		decompose(y, b, bn, &p, tmp);
	err = ssa_core(x, y, &p, tmp, ctx);
	if (!sqr) {
		bn_dealloc(ctx, y);
		y = NULL;
	}
	if (!err)
		err = fft_dit_inv(x, p.K, 2 * 64 * p.nl / p.K, &p, tmp, ctx);
	if (!err)
		err = recompose(r, rlen, x, &p, tmp, ctx);
out:
	if (y != x)
		bn_dealloc(ctx, y);
	bn_dealloc(ctx, x);
	bn_dealloc(ctx, tmp);
	return err;
}

/* Ring size and split for a full product of an + bn limbs. */
static size_t ssa_top(size_t an, size_t bn, unsigned int *k)
{
	size_t pn = an + bn;

	*k = ssa_best_k(pn);
	return ssa_round_up(pn, (size_t)1 << *k);
}

/**
 * bn_mul_ssa() - full product by Schonhage-Strassen
 * @r: an + bn limbs, not overlapping the factors
 * @a: first factor
 * @an: its limbs, >= 1
 * @b: second factor; b == a with bn == an squares (one transform)
 * @bn: its limbs, >= 1
 * @ctx: context
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_mul_ssa(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn,
	       struct bn_ctx *ctx)
{
	unsigned int k;
	size_t n = ssa_top(an, bn, &k);

	return ssa_mulmod(r, an + bn, a, an, b, bn, n, k, ctx);
}

/* Bytes ssa_mulmod() allocates at most, allocation headers included. */
static u64 ssa_mulmod_peak(size_t n, unsigned int k, bool sqr)
{
	struct ssa_par p;
	u64 sz, base, ph1, ph2, inner;

	ssa_params(&p, n, k);
	sz = p.nl + 1;
	base = (2 * sz + 2) * 8 + 64;
	base += (p.K * sz) * 8 + 32;
	inner = p.k_in ? ssa_mulmod_peak(p.nl, p.k_in, sqr) :
			 (u64)pointwise_scr(&p) * 8 + 32;
	ph1 = base + (sqr ? 0 : p.K * sz * 8 + 32) + inner;
	ph2 = base + 2 * (p.n + p.nl + 2) * 8 + 32;
	return ph1 > ph2 ? ph1 : ph2;
}

u64 bn_ssa_peak_bytes(size_t an, size_t bn, bool sqr)
{
	unsigned int k;
	size_t n = ssa_top(an, bn, &k);

	return ssa_mulmod_peak(n, k, sqr && an == bn);
}
