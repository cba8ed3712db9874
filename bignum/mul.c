// SPDX-License-Identifier: GPL-2.0
/*
 * mul.c - schoolbook and Karatsuba multiplication and squaring, and the
 * dispatcher that picks among them and Schonhage-Strassen (ssa.c).
 */
#include "bignum/bn_internal.h"

/*
 * r[0 .. an + bn) = a * b, an >= 1, bn >= 1, r not overlapping a or b.
 * Any shape works; the callers pass an >= bn (Karatsuba's leaves, and
 * mul_chunks() a piece of c < bn limbs times the bn-limb factor), so the
 * rows run over the longer factor.  With MULX and ADX the whole of it is
 * in asm (x86_64.c).
 */
void bn_mul_basecase(u64 *r, const u64 *a, size_t an, const u64 *b,
		     size_t bn)
{
	size_t j;

	if (bn_use_adx()) {
		bn_mul_basecase_adx(r, a, an, b, bn);
		return;
	}
	r[an] = bn_mul_1(r, a, an, b[0]);
	for (j = 1; j < bn; j++)
		r[an + j] = bn_addmul_1(r + j, a, an, b[j]);
}

/*
 * r[0 .. 2n) = a^2, n >= 1: the products a[i] a[j] with i < j once,
 * doubled by a shift, plus the squares a[i]^2 on the diagonal.
 */
void bn_sqr_basecase(u64 *r, const u64 *a, size_t n)
{
	u64 c = 0;
	size_t i;

	if (bn_use_adx()) {
		bn_sqr_basecase_adx(r, a, n);
		return;
	}
	r[0] = 0;
	r[2 * n - 1] = 0;
	if (n > 1)
		r[n] = bn_mul_1(r + 1, a + 1, n - 1, a[0]);
	for (i = 1; i + 1 < n; i++)
		r[i + n] = bn_addmul_1(r + 2 * i + 1, a + i + 1, n - i - 1,
				       a[i]);
	bn_lshift(r, r, 2 * n, 1);
	for (i = 0; i < n; i++) {
		bn_u128 p = (bn_u128)a[i] * a[i];
		u64 l = (u64)p, h = (u64)(p >> 64), x;

		x = r[2 * i];
		l += c;
		h += l < c;
		l += x;
		h += l < x;
		r[2 * i] = l;
		x = r[2 * i + 1];
		h += x;
		c = h < x;
		r[2 * i + 1] = h;
	}
}

static size_t kara_min_thr(void)
{
	size_t m = BN_MUL_KARA_THR, s = BN_SQR_KARA_THR;
	size_t t = m < s ? m : s;

	return t < 4 ? 4 : t;
}

/*
 * Scratch limbs that bn_mul_n_scr()/bn_sqr_n_scr() need for size n or
 * less (callers rely on the "or less").  Toom-3 levels allocate their own
 * and need none of it.
 */
size_t bn_kara_scratch(size_t n)
{
	size_t s = 0, h;

	while (n >= kara_min_thr()) {
		h = n - n / 2;
		s += 4 * h + 1;
		n = h;
	}
	return s;
}

/*
 * d[0 .. h) = |x0 - x1| where x0 has h limbs and x1 has l <= h limbs.
 * Returns true when x0 < x1.
 */
static bool absdiff(u64 *d, const u64 *x0, size_t h, const u64 *x1,
		    size_t l)
{
	int c = 1;

	if (l == h || !x0[h - 1])
		c = bn_cmp(x0, x1, l);
	if (l < h && !x0[h - 1] && c < 0) {
		bn_sub_n(d, x1, x0, l);
		d[h - 1] = 0;
		return true;
	}
	if (l == h && c < 0) {
		bn_sub_n(d, x1, x0, l);
		return true;
	}
	bn_sub(d, x0, h, x1, l);
	return false;
}

/* Add the middle term t (2h + 1 limbs) into r at limb h; r has 2n limbs. */
static void add_middle(u64 *r, size_t n, size_t h, const u64 *t)
{
	bn_add(r + h, r + h, 2 * n - h, t, 2 * h + 1);
}

/*
 * r[0 .. 2n) = a * b, all n limbs.  Karatsuba: with a = a0 + a1 B^h,
 * a0 b1 + a1 b0 = a0 b0 + a1 b1 - (a0 - a1)(b0 - b1).
 * scr has bn_kara_scratch(n) limbs.
 */
int bn_mul_n_scr(u64 *r, const u64 *a, const u64 *b, size_t n, u64 *scr,
		 struct bn_ctx *ctx)
{
	size_t h = n - n / 2, l = n / 2;
	u64 *zm = scr, *da = scr + 2 * h, *db = da + h, *t = da;
	u64 *next = scr + 4 * h + 1;
	bool sa, sb;
	int err;

	if (n < BN_MUL_KARA_THR || n < kara_min_thr()) {
		bn_mul_basecase(r, a, n, b, n);
		return 0;
	}
	if (n >= BN_MUL_TOOM3_THR)
		return bn_mul_toom3(r, a, b, n, ctx);
	if (n >= BN_POLL_LIMBS) {
		err = bn_poll(ctx);
		if (err)
			return err;
	}
	sa = absdiff(da, a, h, a + h, l);
	sb = absdiff(db, b, h, b + h, l);
	err = bn_mul_n_scr(zm, da, db, h, next, ctx);
	if (!err)
		err = bn_mul_n_scr(r, a, b, h, next, ctx);
	if (!err)
		err = bn_mul_n_scr(r + 2 * h, a + h, b + h, l, next, ctx);
	if (err)
		return err;
	t[2 * h] = bn_add(t, r, 2 * h, r + 2 * h, 2 * l);
	if (sa != sb)
		bn_add(t, t, 2 * h + 1, zm, 2 * h);
	else
		bn_sub(t, t, 2 * h + 1, zm, 2 * h);
	add_middle(r, n, h, t);
	return 0;
}

/* r[0 .. 2n) = a^2: 2 a0 a1 = a0^2 + a1^2 - (a0 - a1)^2. */
int bn_sqr_n_scr(u64 *r, const u64 *a, size_t n, u64 *scr,
		 struct bn_ctx *ctx)
{
	size_t h = n - n / 2, l = n / 2;
	u64 *zm = scr, *da = scr + 2 * h, *t = da;
	u64 *next = scr + 4 * h + 1;
	int err;

	if (n < BN_SQR_KARA_THR || n < kara_min_thr()) {
		bn_sqr_basecase(r, a, n);
		return 0;
	}
	if (n >= BN_SQR_TOOM3_THR)
		return bn_sqr_toom3(r, a, n, ctx);
	if (n >= BN_POLL_LIMBS) {
		err = bn_poll(ctx);
		if (err)
			return err;
	}
	absdiff(da, a, h, a + h, l);
	err = bn_sqr_n_scr(zm, da, h, next, ctx);
	if (!err)
		err = bn_sqr_n_scr(r, a, h, next, ctx);
	if (!err)
		err = bn_sqr_n_scr(r + 2 * h, a + h, l, next, ctx);
	if (err)
		return err;
	t[2 * h] = bn_add(t, r, 2 * h, r + 2 * h, 2 * l);
	bn_sub(t, t, 2 * h + 1, zm, 2 * h);
	add_middle(r, n, h, t);
	return 0;
}

/*
 * Unbalanced product, an >= bn: a is cut into pieces of bn limbs, each
 * multiplied by b with Karatsuba and added in.  tmp has 2 bn limbs, scr
 * bn_kara_scratch(bn).
 */
static int mul_chunks(u64 *r, const u64 *a, size_t an, const u64 *b,
		      size_t bn, u64 *tmp, u64 *scr, struct bn_ctx *ctx)
{
	size_t o, c;
	u64 carry;
	int err;

	err = bn_mul_n_scr(r, a, b, bn, scr, ctx);
	for (o = bn; !err && o < an; o += bn) {
		c = an - o < bn ? an - o : bn;
		if (c == bn) {
			err = bn_mul_n_scr(tmp, a + o, b, bn, scr, ctx);
		} else if (c < BN_MUL_KARA_THR) {
			bn_mul_basecase(tmp, b, bn, a + o, c);
		} else {
			u64 *t2 = bn_alloc_limbs(ctx, 2 * c);

			if (!t2)
				return -ENOMEM;
			err = mul_chunks(tmp, b, bn, a + o, c, t2, scr, ctx);
			bn_dealloc(ctx, t2);
		}
		if (err)
			break;
		carry = bn_add_n(r + o, r + o, tmp, bn);
		bn_copy(r + o + bn, tmp + bn, c);
		bn_add_1(r + o + bn, r + o + bn, c, carry);
	}
	return err;
}

/* Karatsuba product of any sizes; r has an + bn limbs. */
int bn_mul_kara(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn,
		struct bn_ctx *ctx)
{
	u64 *scr, *pad = NULL;
	int err;

	if (an < bn) {
		const u64 *t = a;

		a = b;
		b = t;
		an ^= bn;
		bn ^= an;
		an ^= bn;
	}
	if (bn < BN_MUL_KARA_THR || bn < kara_min_thr()) {
		bn_mul_basecase(r, a, an, b, bn);
		return 0;
	}
	if (an != bn && an - bn <= bn / 4) {
		/* nearly balanced: zero-extend b instead of cutting a */
		u64 *prod;

		scr = bn_alloc_limbs(ctx, 3 * an + bn_kara_scratch(an));
		if (!scr)
			return -ENOMEM;
		pad = scr + bn_kara_scratch(an);
		prod = pad + an;
		bn_copy(pad, b, bn);
		bn_zero(pad + bn, an - bn);
		err = bn_mul_n_scr(prod, a, pad, an, scr, ctx);
		/* the top an - bn limbs of the 2 an are zero; r has an + bn */
		bn_copy(r, prod, an + bn);
		bn_dealloc(ctx, scr);
		return err;
	}
	scr = bn_alloc_limbs(ctx, 2 * bn + bn_kara_scratch(bn));
	if (!scr)
		return -ENOMEM;
	err = mul_chunks(r, a, an, b, bn, scr + bn_kara_scratch(bn), scr, ctx);
	bn_dealloc(ctx, scr);
	return err;
}

int bn_sqr_kara(u64 *r, const u64 *a, size_t n, struct bn_ctx *ctx)
{
	u64 *scr;
	int err;

	if (n < BN_SQR_KARA_THR || n < kara_min_thr()) {
		bn_sqr_basecase(r, a, n);
		return 0;
	}
	scr = bn_alloc_limbs(ctx, bn_kara_scratch(n));
	if (!scr)
		return -ENOMEM;
	err = bn_sqr_n_scr(r, a, n, scr, ctx);
	bn_dealloc(ctx, scr);
	return err;
}

/**
 * bn_mul() - r = a * b with the fastest algorithm for the sizes
 * @r: an + bn limbs, not overlapping a or b
 * @a: first factor
 * @an: its limbs (may be 0)
 * @b: second factor (may equal a: then it squares)
 * @bn: its limbs
 * @ctx: context
 *
 * Return: 0, -ENOMEM or -ECANCELED.
 */
int bn_mul(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn,
	   struct bn_ctx *ctx)
{
	size_t mn = an < bn ? an : bn;

	if (!mn) {
		bn_zero(r, an + bn);
		return 0;
	}
	if (a == b && an == bn)
		return bn_sqr(r, a, an, ctx);
	if (mn >= BN_MUL_SSA_THR)
		return bn_mul_ssa(r, a, an, b, bn, ctx);
	return bn_mul_kara(r, a, an, b, bn, ctx);
}

/* r[0 .. 2n) = a^2. */
int bn_sqr(u64 *r, const u64 *a, size_t n, struct bn_ctx *ctx)
{
	if (!n)
		return 0;
	if (n >= BN_SQR_SSA_THR)
		return bn_mul_ssa(r, a, n, a, n, ctx);
	return bn_sqr_kara(r, a, n, ctx);
}

/* Upper bound of the bytes bn_mul()/bn_sqr() allocate (headers included). */
u64 bn_mul_peak_bytes(size_t an, size_t bn, bool sqr)
{
	size_t mn = an < bn ? an : bn, mx = an < bn ? bn : an;
	u64 k;

	if (sqr && an == bn && mn >= BN_SQR_SSA_THR)
		return bn_ssa_peak_bytes(an, bn, true);
	if (mn >= BN_MUL_SSA_THR)
		return bn_ssa_peak_bytes(an, bn, false);
	/* chunks: scratch for bn plus temporaries halving each level */
	k = (u64)(3 * mx + bn_kara_scratch(mx) + 64) * 8;
	return 2 * k + 256 + bn_toom_peak_bytes(mx, sqr && an == bn);
}
