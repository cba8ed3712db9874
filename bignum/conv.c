// SPDX-License-Identifier: GPL-2.0
/*
 * conv.c - numbers to decimal and hex text, streamed to a sink.
 *
 * Decimal is divide and conquer: with P_i = 10^(19 2^i) (P_0 is one limb,
 * P_(i+1) = P_i^2), a number x < P_(i+1) is x = q P_i + r; q and r both
 * have 19 2^i digits, q's are printed first.  The powers, normalized, and
 * their reciprocals are computed once per conversion; each split is a
 * Barrett division, two multiplications (a short leading split may divide
 * by the level below instead: conv_split_long()).  Below BN_DC_CONV_THR
 * limbs the basecase divides by 10^19 with a precomputed inverse.  Digits
 * leave through a BN_SINK_CHUNK buffer as soon as they are known: nothing
 * holds the whole string.
 */
#include "bn_internal.h"

#define CONV_LEVELS 40

struct conv_pow {
	u64 *d;		/* P_i << s, top bit set */
	u64 *x;		/* floor(B^2n / d), n + 1 limbs */
	size_t n;
	unsigned int s;
};

struct conv {
	struct bn_ctx *ctx;
	bn_sink_t sink;
	void *arg;
	size_t fill;
	unsigned int lb, top;	/* levels lb .. top are divide and conquer */
	u64 *scr;		/* shifted dividend + division scratch */
	u64 *chunks;		/* basecase: 19-digit chunks */
	struct conv_pow pw[CONV_LEVELS];
	char buf[BN_SINK_CHUNK];
};

static int flush(struct conv *c)
{
	int err = 0;

	if (c->fill)
		err = c->sink(c->arg, c->buf, c->fill);
	c->fill = 0;
	return err;
}

static int emit(struct conv *c, const char *s, size_t len)
{
	int err;

	while (len) {
		size_t k = sizeof(c->buf) - c->fill;

		if (k > len)
			k = len;
		memcpy(c->buf + c->fill, s, k);
		c->fill += k;
		s += k;
		len -= k;
		if (c->fill == sizeof(c->buf)) {
			err = flush(c);
			if (err)
				return err;
		}
	}
	return 0;
}

/* v < 10^19 as exactly 19 digits, or without leading zeros. */
static int put_dec(struct conv *c, u64 v, bool full)
{
	char t[20];
	int i = 19;

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (i > 0 && (full || v));
	return emit(c, t + i, 19 - i);
}

/* x (xn limbs, destroyed) in decimal, padded to 19 * width digits. */
static int basecase(struct conv *c, u64 *x, size_t xn, size_t width)
{
	size_t nc = 0, j;
	int err = 0;

	xn = bn_normlen(x, xn);
	while (xn) {
		c->chunks[nc++] = bn_div_1e19(x, x, xn);
		xn = bn_normlen(x, xn);
	}
	for (j = nc; !err && j < width; j++)
		err = put_dec(c, 0, true);
	for (j = nc; !err && j-- > 0;)
		err = put_dec(c, c->chunks[j], width || j + 1 < nc);
	if (!err)
		err = bn_poll(c->ctx);
	return err;
}

/* The reciprocal of level i, computed on first use. */
static noinline int conv_recip(struct conv *c, struct conv_pow *w)
{
	if (w->x)
		return 0;
	w->x = bn_alloc_limbs(c->ctx, w->n + 1);
	if (!w->x)
		return -ENOMEM;
	return bn_recip(w->x, w->d, w->n, c->ctx);
}

/*
 * q = xs / d, r = xs mod d for a quotient of at most ql limbs, much shorter
 * than d (the leading part of the number): the quotient comes from the
 * top ql + 2 limbs of both, with their own short reciprocal, and is at
 * most 2 too large; the remainder then needs one ql x n product.
 */
static noinline int div_short(struct conv *c, struct conv_pow *w,
			       u64 *q, u64 *r, const u64 *xs, size_t xn,
			       size_t ql)
{
	size_t n = w->n, tn = ql + 2, s = n - tn, pn = ql + n;
	u64 *x, *scr, *p, *rr;
	int err = -ENOMEM;

	if (xn <= s) {
		/* xs < B^s < d: the quotient is 0 */
		bn_zero(q, n);
		bn_zero(r, n);
		bn_copy(r, xs, xn);
		return 0;
	}
	x = bn_alloc_limbs(c->ctx, (tn + 1) + bn_divrem_scratch(tn) + tn +
				   (pn + 1) + (n + 1));
	if (!x)
		return err;
	scr = x + tn + 1;
	p = scr + bn_divrem_scratch(tn);
	rr = p + pn + 1;
	err = bn_recip(x, w->d + s, tn, c->ctx);
	if (!err)
		err = bn_divrem_pre(q, p, xs + s, xn - s, w->d + s, tn, x, scr,
				    c->ctx);
	if (err)
		goto out;
	bn_zero(q + tn, n - tn);
	ql = bn_normlen(q, tn);
	/* rr = xs - q d over n + 1 limbs, two's complement */
	bn_zero(rr, n + 1);
	bn_copy(rr, xs, xn < n + 1 ? xn : n + 1);
	if (ql) {
		err = bn_mul(p, w->d, n, q, ql, c->ctx);
		if (err)
			goto out;
		bn_sub_n(rr, rr, p, n + 1 < ql + n ? n + 1 : ql + n);
	}
	while (rr[n] >> 63) {
		bn_add(rr, rr, n + 1, w->d, n);
		bn_sub_1(q, q, n, 1);
	}
	bn_copy(r, rr, n);
out:
	bn_dealloc(c->ctx, x);
	return err;
}

static int conv_rec(struct conv *c, u64 *x, size_t xn, unsigned int i,
		    bool pad, bool owned);
static int conv_split(struct conv *c, u64 *x, size_t xn, unsigned int i,
		      bool pad, bool owned);

/*
 * Q = x / P, R = x mod P for the level-j power P and x of up to 3n - 3
 * limbs (so x < P^3 and Q < P^2): long division in blocks of n limbs from
 * the top, each a Barrett division by the level's own reciprocal.  Q has
 * 2n limbs, R n.
 */
static noinline int div_long(struct conv *c, struct conv_pow *p, u64 *qq,
			     u64 *rr, const u64 *x, size_t xn)
{
	size_t n = p->n, xsl = xn + 1 > 2 * n + 2 ? xn + 1 : 2 * n + 2;
	size_t len = xn + 1, k, o, bl;
	u64 *xs = c->scr, *a, *qt;
	int err;

	err = conv_recip(c, p);
	if (err)
		return err;
	a = bn_alloc_limbs(c->ctx, 3 * n);
	if (!a)
		return -ENOMEM;
	qt = a + 2 * n;
	xs[xn] = bn_lshift(xs, x, xn, p->s);
	bn_zero(qq, 2 * n);
	bn_zero(rr, n);
	for (k = (len + n - 1) / n; !err && k-- > 0;) {
		/* a = rr B^bl + block k, below d B^bl: its quotient fits bl */
		o = k * n;
		bl = len - o < n ? len - o : n;
		bn_copy(a, xs + o, bl);
		bn_copy(a + bl, rr, n);
		err = bn_divrem_pre(qt, rr, a, bl + n, p->d, n, p->x,
				    xs + xsl, c->ctx);
		if (!err && k < 2)
			bn_copy(qq + o, qt, bl);
		else if (!err && !bn_is_zero(qt, n))
			err = -EINVAL;	/* x >= P^3: not for this path */
	}
	if (!err)
		bn_rshift(rr, rr, n, p->s);
	bn_dealloc(c->ctx, a);
	return err;
}

/*
 * The leading part x (unpadded) whose split at level j + 1 would have a
 * short quotient: x = (Q1 P + Q0) P + R with P = P_j, all by level j's
 * reciprocal (three divisions, one of them short), instead of a division
 * by P_(j+1) with a reciprocal of its own.
 */
static int conv_split_long(struct conv *c, u64 *x, size_t xn, unsigned int j,
			   bool owned)
{
	struct conv_pow *p = &c->pw[j];
	u64 *q, *r;
	size_t qn;
	int err = -ENOMEM;

	q = bn_alloc_limbs(c->ctx, 2 * p->n);
	r = bn_alloc_limbs(c->ctx, p->n);
	if (q && r)
		err = div_long(c, p, q, r, x, xn);
	if (owned)
		bn_dealloc(c->ctx, x);
	if (err) {
		bn_dealloc(c->ctx, q);
		bn_dealloc(c->ctx, r);
		return err;
	}
	/* not 0: the caller's x has at least n_(j+1) - 1 limbs */
	qn = bn_normlen(q, 2 * p->n);
	err = conv_split(c, q, qn, j, false, true);
	if (err) {
		bn_dealloc(c->ctx, r);
		return err;
	}
	return conv_rec(c, r, p->n, j - 1, true, true);
}

/* Split x at level i and print both halves. */
static int conv_split(struct conv *c, u64 *x, size_t xn, unsigned int i,
		      bool pad, bool owned)
{
	struct conv_pow *p = &c->pw[i];
	u64 *xs = c->scr, *q, *r;
	size_t xsl = xn + 1 > 2 * p->n + 2 ? xn + 1 : 2 * p->n + 2;
	size_t qn = xn + 1 > p->n ? xn + 2 - p->n : 1;
	int err = -ENOMEM;

	/* measured: the long way wins from quotients of about n / 5 */
	if (!pad && qn + 2 < p->n / 2 && 5 * qn >= p->n && i > c->lb &&
	    xn + 3 <= 3 * c->pw[i - 1].n)
		return conv_split_long(c, x, xn, i - 1, owned);
	q = bn_alloc_limbs(c->ctx, p->n);
	r = bn_alloc_limbs(c->ctx, p->n);
	if (!q || !r)
		goto fail;
	xs[xn] = bn_lshift(xs, x, xn, p->s);
	if (qn + 2 < p->n / 2) {
		err = div_short(c, p, q, r, xs, xn + 1, qn);
	} else {
		err = conv_recip(c, p);
		if (!err)
			err = bn_divrem_pre(q, r, xs, xn + 1, p->d, p->n, p->x,
					    xs + xsl, c->ctx);
	}
	if (err)
		goto fail;
	bn_rshift(r, r, p->n, p->s);
	if (owned)
		bn_dealloc(c->ctx, x);
	qn = bn_normlen(q, p->n);
	if (!pad && !qn) {
		bn_dealloc(c->ctx, q);
		return conv_rec(c, r, p->n, i - 1, false, true);
	}
	err = conv_rec(c, q, qn, i - 1, pad, true);
	if (err) {
		bn_dealloc(c->ctx, r);
		return err;
	}
	return conv_rec(c, r, p->n, i - 1, true, true);
fail:
	if (owned)
		bn_dealloc(c->ctx, x);
	bn_dealloc(c->ctx, q);
	bn_dealloc(c->ctx, r);
	return err;
}

/* Print x < P_(i+1); frees x if owned. */
static int conv_rec(struct conv *c, u64 *x, size_t xn, unsigned int i,
		    bool pad, bool owned)
{
	int err;

	if (i >= c->lb)
		return conv_split(c, x, xn, i, pad, owned);
	err = basecase(c, x, xn, pad ? (size_t)1 << (i + 1) : 0);
	if (owned)
		bn_dealloc(c->ctx, x);
	return err;
}

static void conv_free(struct conv *c)
{
	unsigned int i;

	for (i = 0; i < CONV_LEVELS; i++) {
		bn_dealloc(c->ctx, c->pw[i].d);
		bn_dealloc(c->ctx, c->pw[i].x);
	}
	bn_dealloc(c->ctx, c->scr);
	bn_dealloc(c->ctx, c->chunks);
	bn_dealloc(c->ctx, c);
}

/* Keep P_i (pn limbs) normalized with its reciprocal as level i. */
static int conv_keep(struct conv *c, unsigned int i, const u64 *p, size_t pn)
{
	struct conv_pow *w = &c->pw[i];

	w->n = pn;
	w->s = bn_clz(p[pn - 1]);
	w->d = bn_alloc_limbs(c->ctx, pn);
	if (!w->d)
		return -ENOMEM;
	bn_lshift(w->d, p, pn, w->s);
	return 0;
}

static bool conv_is_dc(unsigned int i, size_t pn)
{
	return i >= 1 && pn >= BN_DC_CONV_THR;
}

/*
 * Powers P_0, P_1, ... up to the first P_top with P_top^2 > a (an limbs),
 * keeping the divide-and-conquer levels.
 */
static int conv_powers(struct conv *c, size_t an)
{
	u64 *p, *p2;
	size_t pn = 1;
	unsigned int i = 0;
	int err = 0;

	p = bn_alloc_limbs(c->ctx, 1);
	if (!p)
		return -ENOMEM;
	p[0] = 10000000000000000000ULL;
	c->lb = CONV_LEVELS;
	for (;;) {
		if (conv_is_dc(i, pn)) {
			if (c->lb == CONV_LEVELS)
				c->lb = i;
			err = conv_keep(c, i, p, pn);
			if (err)
				break;
		}
		/* P_i >= B^(pn - 1), so a < B^an <= P_i^2 */
		if (2 * pn - 2 >= an || i + 1 == CONV_LEVELS)
			break;
		p2 = bn_alloc_limbs(c->ctx, 2 * pn);
		if (!p2) {
			err = -ENOMEM;
			break;
		}
		err = bn_sqr(p2, p, pn, c->ctx);
		bn_dealloc(c->ctx, p);
		p = p2;
		if (err)
			break;
		pn = bn_normlen(p, 2 * pn);
		i++;
	}
	c->top = i;
	bn_dealloc(c->ctx, p);
	return err;
}

static int to_dec(struct conv *c, const struct bn *a)
{
	size_t an = a->len, nch;
	u64 *x;
	int err;

	err = conv_powers(c, an);
	if (err)
		return err;
	if (c->top >= c->lb) {
		size_t n = c->pw[c->top].n, xsl = 2 * n + 2;

		/* a short top quotient (div_short) needs only the shifted a */
		if (c->top > c->lb && an + 4 - n < n / 2) {
			n = c->pw[c->top - 1].n;
			xsl = an + 1 > 2 * n + 2 ? an + 1 : 2 * n + 2;
		}
		c->scr = bn_alloc_limbs(c->ctx, xsl + bn_divrem_scratch(n));
		nch = ((size_t)1 << c->lb) + 2;
		c->chunks = bn_alloc_limbs(c->ctx, nch);
		if (!c->scr || !c->chunks)
			return -ENOMEM;
		return conv_rec(c, (u64 *)a->d, an, c->top, false, false);
	}
	/* small: the basecase does it all, on a copy */
	c->chunks = bn_alloc_limbs(c->ctx, 2 * an + 2);
	x = bn_alloc_limbs(c->ctx, an);
	if (!c->chunks || !x) {
		bn_dealloc(c->ctx, x);
		return -ENOMEM;
	}
	bn_copy(x, a->d, an);
	return conv_rec(c, x, an, c->top, false, true);
}

static int to_hex(struct conv *c, const struct bn *a)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = a->len;
	bool lead = true;
	int err = 0;

	while (!err && i-- > 0) {
		char t[16];
		int j, k = 0;

		for (j = 60; j >= 0; j -= 4) {
			unsigned int v = (a->d[i] >> j) & 15;

			if (lead && !v)
				continue;
			lead = false;
			t[k++] = hex[v];
		}
		err = emit(c, t, k);
		if (!err && !(i & 0xffff))
			err = bn_poll(c->ctx);
	}
	return err;
}

int bn_to_text(const struct bn *a, unsigned int base, bn_sink_t sink,
	       void *sink_arg, struct bn_ctx *uctx)
{
	struct bn_ctx local = { 0 }, *ctx = uctx ? uctx : &local;
	struct conv *c;
	int err;

	if (base != 10 && base != 16)
		return -EINVAL;
	c = bn_alloc(ctx, sizeof(*c));
	if (!c)
		return -ENOMEM;
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->sink = sink;
	c->arg = sink_arg;
	if (!a->len)
		err = emit(c, "0", 1);
	else if (base == 16)
		err = to_hex(c, a);
	else
		err = to_dec(c, a);
	if (!err)
		err = flush(c);
	conv_free(c);
	return err;
}

/* --- memory bound --- */

static u64 lb8(u64 limbs)
{
	return limbs * 8 + 16;
}

/* Bytes bn_recip() on n limbs holds at most. */
static u64 recip_peak(size_t n)
{
	size_t h = n - n / 2, m = bn_fermat_ring(n + 2);
	u64 blk, m1, m2, inner;

	if (n <= 1)
		return 0;
	blk = lb8(bn_recip_scratch(n));
	inner = recip_peak(h);
	m1 = bn_mulmod_peak_bytes(m);
	m2 = bn_mul_peak_bytes(h + 1, n + 2, false);
	if (m2 > m1)
		m1 = m2;
	return blk + (inner > m1 ? inner : m1);
}

/*
 * Upper bound of the bytes bn_to_text() allocates for a number of an
 * limbs.  P_i has at most 2^i limbs and at least 2^i - 2^i / 64 (it has
 * 63.1 * 2^i bits), which bounds both the sizes and the top level.
 */
u64 bn_conv_peak_bytes(size_t an, unsigned int base)
{
	u64 fixed = sizeof(struct conv) + 16, stored = 0, path = 0;
	u64 init, run, u;
	unsigned int i, top = 0;

	if (base != 10)
		return fixed + 64;
	/* the basecase alone: chunks and a copy */
	fixed += lb8(2 * an + 2) + lb8(an) + lb8(2);
	while (2 * (((u64)1 << top) - ((u64)1 << top) / 64) < (u64)an + 2)
		top++;
	for (i = 0; i <= top; i++) {
		u = (u64)1 << i;
		stored += lb8(u) + lb8(u + 1);
		path += 2 * lb8(u);
	}
	u = (u64)1 << top;
	init = stored + lb8(u) + lb8(2 * u) +
	       bn_mul_peak_bytes(u, u, true) + recip_peak(u);
	run = stored + path + lb8(2 * u + 2 + bn_divrem_scratch(u)) +
	      recip_peak(u) + lb8(4 * u + bn_divrem_scratch(u / 2)) +
	      lb8(u + 2) + bn_mul_peak_bytes(u + 1, u + 1, false) +
	      bn_mulmod_peak_bytes(bn_fermat_ring(u + 2));
	return fixed + (init > run ? init : run);
}
