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
#include "bignum/bn_internal.h"

struct ssa_par {
	size_t n;		/* ring 2^(64 n) + 1 */
	unsigned int k;		/* K = 2^k pieces */
	size_t K, ml;		/* pieces, limbs per piece */
	size_t nl;		/* coefficient ring 2^(64 nl) + 1 */
	unsigned int k_in;	/* 0: pointwise by Karatsuba */
	bool cyc;		/* modulo 2^(64 n) - 1: cyclic, no weights */
};

/* k + the tuning bias, within 4 .. 16 and at least 4 limbs a piece. */
static unsigned int ssa_clamp_k(size_t n, int k)
{
	k += (int)BN_SSA_KBIAS;
	if (k > 16)
		k = 16;
	if (k < 4)
		k = 4;
	while (k > 4 && (n >> k) < 4)
		k--;
	return (unsigned int)k;
}

/* The number of pieces, 2^k, for a ring (or product) of n limbs. */
static unsigned int ssa_best_k(size_t n)
{
	unsigned int lg = 63 - bn_clz(n | 1);

	return ssa_clamp_k(n, (int)(lg / 2) + 2);
}

/*
 * The number of pieces for a full product of n limbs (cyclic).  From 2^15
 * to 2^21 limbs k = floor((floor(log2(3 n / 2)) + 1) / 2) + 2: one more
 * than ssa_best_k() except for n in [2^(2j), 4^j 4 / 3), where that
 * measured faster (squares of 27000 limbs 17 %, 54000 15 %, 108000 25 %,
 * 270000 13 %; 40000 limbs, where it stays, 3 % slower with one more;
 * Documentation/bignum.md).
 */
static unsigned int ssa_full_k(size_t n)
{
	unsigned int lg;

	if (n < ((size_t)1 << 15) || n >= ((size_t)1 << 21))
		return ssa_best_k(n);
	lg = 63 - bn_clz(n + n / 2);
	return ssa_clamp_k(n, (int)((lg + 1) / 2) + 2);
}

static size_t ssa_round_up(size_t x, size_t m)
{
	return (x + m - 1) / m * m;
}

/*
 * Parameters for the ring of n limbs split in 2^k pieces (2^k | n):
 * modulo 2^(64 n) + 1 (negacyclic, weights theta^i), or with cyc modulo
 * 2^(64 n) - 1 (cyclic).  omega = 2^(2 N' / K) needs K / 2 | N', the
 * weights theta = 2^(N' / K) need K | N'.
 */
static void ssa_params(struct ssa_par *p, size_t n, unsigned int k, bool cyc)
{
	size_t align, per = cyc ? 128 : 64;

	p->n = n;
	p->k = k;
	p->K = (size_t)1 << k;
	p->ml = n >> k;
	p->cyc = cyc;
	/*
	 * 2 M + k + 1 bits hold a coefficient of the negacyclic product, a
	 * signed sum of K products of M-bit pieces (2 M + k of the cyclic,
	 * a sum of non-negative ones).
	 */
	p->nl = 2 * p->ml + 1;
	align = p->K > per ? p->K / per : 1;
	p->k_in = 0;
	if (p->nl >= BN_SSA_INNER_THR) {
		p->k_in = ssa_best_k(p->nl);
		if (((size_t)1 << p->k_in) > align)
			align = (size_t)1 << p->k_in;
	}
	p->nl = ssa_round_up(p->nl, align);
}

/* --- arithmetic modulo 2^(64 nl) + 1 on nl + 1 limbs --- */

static void fm_sub(u64 *r, const u64 *a, const u64 *b, size_t nl)
{
	if (bn_sub_n(r, a, b, nl + 1)) {
		bn_add_1(r, r, nl + 1, 1);
		r[nl] += 1;
	}
}

/* r = a + b; r may be a or b. */
static void fm_add(u64 *r, const u64 *a, const u64 *b, size_t nl)
{
	u64 t;

	/* the top limbs are at most 1: a + b fits in nl + 1 limbs */
	bn_add_n(r, a, b, nl + 1);
	t = r[nl];
	r[nl] = 0;
	if (t && bn_sub_1(r, r, nl, t))
		r[nl] = bn_add_1(r, r, nl, 1);
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

/*
 * The limbs of P = a << s (a has nl limbs, 0 <= s < 64) from limb lo to
 * hi - 1 into r, complemented when inv; P[nl] is the bits shifted out.
 */
static void fm_shl(u64 *r, const u64 *a, size_t lo, size_t hi,
		   unsigned int s, size_t nl, bool inv)
{
	u64 m = inv ? ~0ULL : 0, prev = lo ? a[lo - 1] : 0, cur;
	size_t i;

	if (!s) {
		for (i = lo; i < hi; i++)
			r[i - lo] = (i < nl ? a[i] : 0) ^ m;
		return;
	}
	for (i = lo; i < hi && i < nl; i++) {
		cur = a[i];
		r[i - lo] = ((cur << s) | (prev >> (64 - s))) ^ m;
		prev = cur;
	}
	if (i < hi)
		r[i - lo] = (prev >> (64 - s)) ^ m;
}

/*
 * r = a 2^e mod 2^(64 nl) + 1, 0 <= e < 2 * 64 nl; r must not be a.
 * With e = 64 q + s (less 64 nl when e >= 64 nl, and then negated) and
 * P = a << s (nl + 1 limbs): a B^q = L B^q - H with L the low nl - q limbs
 * of P and H its high q + 1 limbs.  Both are written in one pass straight
 * from a (H complemented, or L when negating); the "+ 1" of the two's
 * complement and the single limb H[q] are added afterwards, and the
 * carries of these one-limb additions stop after a limb or two.
 */
static void fm_mul2exp(u64 *r, const u64 *a, size_t e, size_t nl)
{
	size_t nb = 64 * nl, q;
	unsigned int s;
	bool neg = false;
	u64 h, c;

	if (e >= nb) {
		e -= nb;
		neg = true;
	}
	if (a[nl]) {
		/* a = 2^N' = -1 */
		bn_zero(r, nl + 1);
		r[e / 64] = 1ULL << (e % 64);
		if (!neg)
			fm_neg(r, nl);
		return;
	}
	q = e / 64;
	s = e % 64;
	r[nl] = 0;
	/* h = H[q], the top limb of P */
	h = s ? a[nl - 1] >> (64 - s) : 0;
	if (!neg) {
		/* r = L B^q - H: r[0 .. q) = ~H, + 1; r[q ..) = L - H[q] - b */
		fm_shl(r, a, nl - q, nl, s, nl, true);
		fm_shl(r + q, a, 0, nl - q, s, nl, false);
		c = q ? 1 - bn_add_1(r, r, q, 1) : 0;
		c = bn_sub_1(r + q, r + q, nl - q, h) +
		    bn_sub_1(r + q, r + q, nl - q, c);
		/* -B^nl = 1 */
		if (c)
			r[nl] = bn_add_1(r, r, nl, 1);
	} else {
		/* r = H - L B^q: r[0 .. q) = H; r[q ..) = ~L + 1 + H[q] */
		fm_shl(r, a, nl - q, nl, s, nl, false);
		fm_shl(r + q, a, 0, nl - q, s, nl, true);
		c = bn_add_1(r + q, r + q, nl - q, h) +
		    bn_add_1(r + q, r + q, nl - q, 1);
		/* the complement stands for B^(nl - q) - 1 - L: less B^nl */
		if (!c)
			r[nl] = bn_add_1(r, r, nl, 1);
	}
}

/* a, d = a + b, a - b (d first: a is overwritten). */
static void fm_addsub(u64 *a, u64 *d, const u64 *b, size_t nl)
{
	u64 cd, t;

	/* the top limbs are at most 1: a + b fits in nl + 1 limbs */
	cd = bn_sub_n(d, a, b, nl + 1);
	bn_add_n(a, a, b, nl + 1);
	t = a[nl];
	a[nl] = 0;
	if (t && bn_sub_1(a, a, nl, t))
		a[nl] = bn_add_1(a, a, nl, 1);
	if (cd) {
		bn_add_1(d, d, nl + 1, 1);
		d[nl] += 1;
	}
}

/* --- the transforms --- */

/*
 * Decimation in frequency: natural order in, bit-reversed order out.
 * hz: the upper half of x is zero and need not have been written (the
 * first butterflies are then a, a omega^i).
 */
static int fft_dif(u64 *x, size_t K, size_t w, const struct ssa_par *p,
		   u64 *tmp, bool hz, struct bn_ctx *ctx)
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

		if (hz) {
			fm_mul2exp(b, a, i * w, p->nl);
			continue;
		}
		fm_addsub(a, tmp, b, p->nl);
		fm_mul2exp(b, tmp, i * w, p->nl);
	}
	err = fft_dif(x, half, 2 * w, p, tmp, false, ctx);
	if (!err)
		err = fft_dif(x + half * sz, half, 2 * w, p, tmp, false, ctx);
	return err;
}

/* Decimation in time with omega^-1: bit-reversed in, natural out, times K. */
static int fft_dit_inv(u64 *x, size_t K, size_t w, const struct ssa_par *p,
		       u64 *tmp, struct bn_ctx *ctx)
{
	size_t sz = p->nl + 1, half = K / 2, i, nb = 64 * p->nl;
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

		if (!i) {
			bn_copy(tmp, b, sz);
			fm_addsub(a, b, tmp, p->nl);
			continue;
		}
		/* b omega^-i = -(b 2^(N' - i w)): a - t goes to a, a + t to b */
		fm_mul2exp(tmp, b, nb - i * w, p->nl);
		fm_add(b, a, tmp, p->nl);
		fm_sub(a, a, tmp, p->nl);
	}
	return 0;
}

static int ssa_mulmod(u64 *r, size_t rlen, const u64 *a, size_t an,
		      const u64 *b, size_t bn, size_t n, unsigned int k,
		      bool cyc, struct bn_ctx *ctx);

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
		return ssa_mulmod(x, nl + 1, x, nl, y, nl, nl, p->k_in, false,
				  ctx);
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

/*
 * Whether a factor of an limbs leaves the upper half of its coefficients
 * zero: decompose() then writes the lower half only, and the transform's
 * first level takes that into account.
 */
static bool ssa_half_zero(const struct ssa_par *p, size_t an)
{
	return an <= (p->K / 2) * p->ml;
}

/*
 * Cut a (an <= n limbs) into the K weighted coefficients of x (K / 2 when
 * ssa_half_zero()).
 */
static int decompose(u64 *x, const u64 *a, size_t an,
		     const struct ssa_par *p, u64 *tmp, struct bn_ctx *ctx)
{
	size_t sz = p->nl + 1, tw = 64 * p->nl / p->K, i, o, c;
	size_t cn = ssa_half_zero(p, an) ? p->K / 2 : p->K;
	int err;

	if (p->cyc)
		tw = 0;
	for (i = 0; i < cn; i++) {
		u64 *xi = x + i * sz;

		if (!(i & 63)) {
			err = bn_poll(ctx);
			if (err)
				return err;
		}
		o = i * p->ml;
		if (o >= an) {
			bn_zero(xi, sz);
			continue;
		}
		c = an - o < p->ml ? an - o : p->ml;
		if (!tw) {
			bn_copy(xi, a + o, c);
			bn_zero(xi + c, sz - c);
			continue;
		}
		bn_copy(tmp, a + o, c);
		bn_zero(tmp + c, sz - c);
		fm_mul2exp(xi, tmp, i * tw, p->nl);
	}
	return 0;
}

/* Zero n limbs, polling between blocks (the arrays reach 400 MB). */
static int zero_polled(u64 *x, size_t n, struct bn_ctx *ctx)
{
	size_t o, c;
	int err;

	for (o = 0; o < n; o += c) {
		c = n - o < ((size_t)1 << 18) ? n - o : ((size_t)1 << 18);
		bn_zero(x + o, c);
		err = bn_poll(ctx);
		if (err)
			return err;
	}
	return 0;
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

/* acc (n + h limbs) reduced modulo 2^(64 n) - 1 into acc[0 .. n). */
static void fold_cyc(u64 *acc, size_t n, size_t h)
{
	u64 carry = bn_add(acc, acc, n, acc + n, h);

	if (carry)
		bn_add_1(acc, acc, n, carry);
}

/* Limbs of recompose()'s accumulators. */
static size_t acc_limbs(const struct ssa_par *p)
{
	return (p->cyc ? 1 : 2) * (p->n + p->nl + 2);
}

/*
 * Unweight and scale the coefficients, sum them with their signs at
 * offsets i M, and reduce modulo 2^N + 1 (2^N - 1 when cyclic: the
 * coefficients are non-negative) into r.  acc has acc_limbs() limbs.
 */
static int recompose(u64 *r, size_t rlen, u64 *x, const struct ssa_par *p,
		     u64 *tmp, u64 *acc, struct bn_ctx *ctx)
{
	size_t sz = p->nl + 1, tw = 64 * p->nl / p->K, nb2 = 2 * 64 * p->nl;
	size_t len = p->n + p->nl + 2, i;
	u64 *pos = acc, *neg = acc + len;
	int err;

	if (p->cyc)
		tw = 0;
	err = zero_polled(pos, acc_limbs(p), ctx);
	for (i = 0; i < p->K && !err; i++) {
		u64 *c = x + i * sz;

		if (!(i & 63))
			err = bn_poll(ctx);

		bn_copy(tmp, c, sz);
		fm_mul2exp(c, tmp, nb2 - i * tw - p->k, p->nl);
		if (p->cyc) {
			acc_add(pos, len, i * p->ml, c, sz);
		} else if (c[p->nl] || (c[p->nl - 1] >> 63)) {
			fm_neg(c, p->nl);
			acc_add(neg, len, i * p->ml, c, sz);
		} else {
			acc_add(pos, len, i * p->ml, c, sz);
		}
	}
	if (!err && p->cyc) {
		fold_cyc(pos, p->n, p->nl + 2);
		bn_copy(r, pos, rlen);
	} else if (!err) {
		fold(pos, p->n, p->nl + 2);
		fold(neg, p->n, p->nl + 2);
		fm_sub(pos, pos, neg, p->n);
		bn_copy(r, pos, rlen);
	}
	return err;
}

static size_t pointwise_scr(const struct ssa_par *p)
{
	return p->k_in ? 0 : 2 * p->nl + bn_kara_scratch(p->nl);
}

/* x = transform of x, y = of y; pointwise x = x * y; prod: pointwise_scr(). */
static int ssa_core(u64 *x, u64 *y, const struct ssa_par *p, u64 *tmp,
		    u64 *prod, bool hx, bool hy, struct bn_ctx *ctx)
{
	size_t w = 2 * 64 * p->nl / p->K, sz = p->nl + 1, i;
	int err;

	err = fft_dif(x, p->K, w, p, tmp, hx, ctx);
	if (!err && y != x)
		err = fft_dif(y, p->K, w, p, tmp, hy, ctx);
	for (i = 0; i < p->K && !err; i++) {
		err = pointwise(x + i * sz, y + i * sz, p, prod, ctx);
		if (!err && p->nl >= BN_POLL_LIMBS)
			err = bn_poll(ctx);
	}
	return err;
}

/*
 * The work area of ssa_mulmod(), one allocation (fewer and larger blocks
 * are cheaper to get from kvmalloc() and from a user-space malloc()):
 * tmp (2 sz), the coefficients x (K sz), then a region used first for y
 * (K sz, products only) and the pointwise scratch, later for recompose()'s
 * accumulators.  Above SSA_SPLIT limbs (16 MiB) the late region is a
 * second allocation: as one block of more than 32 MiB (F(10^8)'s last
 * products) glibc's malloc() maps it afresh for every product and each
 * page is faulted in again, while halves stay in its heap (F(10^8): about
 * 700 -> 560 ms).  To the kernel's kvmalloc() it makes no difference.
 */
#define SSA_SPLIT ((size_t)1 << 21)

static size_t ssa_work_limbs(const struct ssa_par *p, bool sqr, size_t *late)
{
	size_t sz = p->nl + 1, early, acc;

	early = (sqr ? 0 : p->K * sz) + pointwise_scr(p);
	acc = acc_limbs(p);
	*late = early > acc ? early : acc;
	return 2 * sz + p->K * sz + *late;
}

/*
 * r[0 .. rlen) = a * b mod 2^(64 n) + 1 (2^(64 n) - 1 with cyc) with
 * an, bn <= n; 2^k | n.  a == b (with an == bn) squares.  r may overlap a
 * or b.
 */
static int ssa_mulmod(u64 *r, size_t rlen, const u64 *a, size_t an,
		      const u64 *b, size_t bn, size_t n, unsigned int k,
		      bool cyc, struct bn_ctx *ctx)
{
	struct ssa_par p;
	bool sqr = a == b && an == bn;
	u64 *work, *x, *y, *tmp, *late;
	size_t sz, late_n, work_n;
	bool split;
	int err;

	ssa_params(&p, n, k, cyc);
	sz = p.nl + 1;
	work_n = ssa_work_limbs(&p, sqr, &late_n);
	split = work_n > SSA_SPLIT;
	work = bn_alloc_limbs(ctx, split ? work_n - late_n : work_n);
	if (!work)
		return -ENOMEM;
	tmp = work;
	x = tmp + 2 * sz;
	late = x + p.K * sz;
	if (split) {
		late = bn_alloc_limbs(ctx, late_n);
		if (!late) {
			bn_dealloc(ctx, work);
			return -ENOMEM;
		}
	}
	y = sqr ? x : late;
	err = decompose(x, a, an, &p, tmp, ctx);
	if (!err && !sqr)
		err = decompose(y, b, bn, &p, tmp, ctx);
	if (!err)
		err = ssa_core(x, y, &p, tmp, sqr ? late : late + p.K * sz,
			       ssa_half_zero(&p, an), ssa_half_zero(&p, bn), ctx);
	if (!err)
		err = fft_dit_inv(x, p.K, 2 * 64 * p.nl / p.K, &p, tmp, ctx);
	if (!err)
		err = recompose(r, rlen, x, &p, tmp, late, ctx);
	if (split)
		bn_dealloc(ctx, late);
	bn_dealloc(ctx, work);
	return err;
}

/* Ring size and split for a full product of an + bn limbs. */
static size_t ssa_top(size_t an, size_t bn, unsigned int *k)
{
	size_t pn = an + bn;

	*k = ssa_full_k(pn);
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

	/* the product is below 2^(64 n) - 1: the cyclic product is exact */
	return ssa_mulmod(r, an + bn, a, an, b, bn, n, k, true, ctx);
}

/* Bytes ssa_mulmod() allocates at most, allocation headers included. */
static u64 ssa_mulmod_peak(size_t n, unsigned int k, bool sqr, bool cyc)
{
	struct ssa_par p;
	size_t late;
	u64 base, inner;

	ssa_params(&p, n, k, cyc);
	base = (u64)ssa_work_limbs(&p, sqr, &late) * 8 + 2 * 16;
	inner = p.k_in ? ssa_mulmod_peak(p.nl, p.k_in, sqr, false) :
			 bn_toom_peak_bytes(p.nl, sqr);
	return base + inner;
}

u64 bn_ssa_peak_bytes(size_t an, size_t bn, bool sqr)
{
	unsigned int k;
	size_t n = ssa_top(an, bn, &k);

	return ssa_mulmod_peak(n, k, sqr && an == bn, true);
}

/* --- products modulo B^m + 1 for the callers that know the result is small --- */

/**
 * bn_fermat_ring() - a ring size m >= n that bn_mulmod_fermat() accepts
 * @n: the least number of limbs
 *
 * Return: m.
 */
size_t bn_fermat_ring(size_t n)
{
	if (n < BN_MUL_SSA_THR)
		return n;
	return ssa_round_up(n, (size_t)1 << ssa_best_k(n));
}

/* r[0 .. m] = a (an <= 2m limbs) mod B^m + 1. */
void bn_fermat_reduce(u64 *r, const u64 *a, size_t an, size_t m)
{
	if (an <= m) {
		bn_copy(r, a, an);
		bn_zero(r + an, m + 1 - an);
		return;
	}
	r[m] = 0;
	if (bn_sub(r, a, m, a + m, an - m))
		r[m] = bn_add_1(r, r, m, 1);
}

void bn_fermat_sub(u64 *r, const u64 *a, const u64 *b, size_t m)
{
	fm_sub(r, a, b, m);
}

/* Ring value v (m + 1 limbs) to the signed residue in (-B^m/2, B^m/2]. */
void bn_fermat_signed(u64 *v, size_t m)
{
	if (!v[m] && !(v[m - 1] >> 63))
		return;
	bn_sub_1(v, v, m + 1, 1);
	v[m] -= 1;
}

/**
 * bn_mulmod_fermat() - r = a * b mod B^m + 1, the wrap-around product
 * @r: m + 1 limbs; may not overlap a or b
 * @a: an <= m limbs
 * @an: its limbs
 * @b: bn <= m limbs
 * @bn: its limbs
 * @m: from bn_fermat_ring()
 * @ctx: context
 *
 * When the caller knows the product is close to a known value (a
 * remainder, a Newton residual), the product modulo B^m + 1 with m a little
 * above the size of the difference gives the difference exactly, at about
 * half the cost of the full product.
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_mulmod_fermat(u64 *r, const u64 *a, size_t an, const u64 *b,
		     size_t bn, size_t m, struct bn_ctx *ctx)
{
	unsigned int k;
	u64 *t;
	int err;

	an = bn_normlen(a, an);
	bn = bn_normlen(b, bn);
	if (!an || !bn) {
		bn_zero(r, m + 1);
		return 0;
	}
	if (m < BN_MUL_SSA_THR) {
		t = bn_alloc_limbs(ctx, an + bn);
		if (!t)
			return -ENOMEM;
		err = bn_mul(t, a, an, b, bn, ctx);
		if (!err)
			bn_fermat_reduce(r, t, an + bn, m);
		bn_dealloc(ctx, t);
		return err;
	}
	k = ssa_best_k(m);
	while (m & (((size_t)1 << k) - 1))
		k--;
	return ssa_mulmod(r, m + 1, a, an, b, bn, m, k, false, ctx);
}

/* Bytes bn_mulmod_fermat() allocates at most for ring m. */
u64 bn_mulmod_peak_bytes(size_t m)
{
	unsigned int k;

	if (m < BN_MUL_SSA_THR)
		return 2 * m * 8 + 16 + bn_mul_peak_bytes(m, m, false);
	k = ssa_best_k(m);
	while (m & (((size_t)1 << k) - 1))
		k--;
	return ssa_mulmod_peak(m, k, false, false);
}
