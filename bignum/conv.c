// SPDX-License-Identifier: GPL-2.0
/*
 * conv.c - numbers to decimal and hex text, streamed to a sink.
 *
 * Decimal is divide and conquer over a balanced tree.  The number has at
 * most C chunks of 19 digits (from its bit length); a node of w chunks
 * (x < 10^(19 w)) splits as x = q P + r with P = 10^(19 w') and
 * w' = ceil(w / 2): r has exactly w' chunks and q at most w', so every
 * node of one depth uses the same power, and each division is a balanced
 * 2n / n one.  The powers are built from the smallest: each is the square
 * of the one below, divided by 10^19 (exactly, in linear time) when its
 * width is odd.  Each division is a Barrett division by the normalized
 * power and its reciprocal; the reciprocal of a power comes from the one
 * below it by a single Newton step, since 1 / P^2 = (1 / P)^2 gives half
 * the limbs for free.  The reciprocals carry CONV_GUARD extra limbs, so
 * the Newton step's error (tens of units) stays below the limbs the
 * division and the next start use, and no step needs an exact one (which
 * costs a product).  Below BN_DC_CONV_THR limbs the basecase divides by
 * 10^19 with a precomputed inverse.  Digits leave through a BN_SINK_CHUNK
 * buffer as soon as they are known: nothing holds the whole string.
 */
#include "bignum/bn_internal.h"

#define CONV_LEVELS 40
#define CONV_GUARD 2
#define CONV_1E19 10000000000000000000ULL

/*
 * A power P: with d = P << s (n limbs, top bit set), dg = d B^G and
 * y = B^(2n+G) / d, the reciprocal of dg to within a few units (exact at
 * the smallest level); G = CONV_GUARD.  The division uses d = dg + G and
 * x = y + G (floor(B^2n / d) within one unit).
 */
struct conv_pow {
	u64 *dg;	/* n + G limbs, the bottom G zero */
	u64 *y;		/* n + G + 1 limbs */
	size_t n;
	unsigned int s;
};

/*
 * The plan of a conversion: a node at depth k holds width[k] chunks and,
 * for k < depth, splits by pw[k] = 10^(19 width[k + 1]); nodes at depth
 * `depth` go to the basecase.
 */
struct conv_plan {
	unsigned int depth;
	size_t width[CONV_LEVELS + 1];
};

struct conv {
	struct bn_ctx *ctx;
	bn_sink_t sink;
	void *arg;
	size_t fill;
	struct conv_plan pl;
	u64 *scr;		/* shifted dividend + division scratch */
	/* the leaves: 10^(19 lw) (ln limbs, shift ls), its reciprocal ly */
	const u64 *ly;
	u64 *lscr;		/* 3 ln + 6 limbs */
	size_t ln, lw;
	unsigned int ls;
	struct conv_pow leaf;	/* the leaves' power when depth is 0 */
	struct conv_pow pw[CONV_LEVELS];
	u64 *xh;		/* depth 0: reciprocal of the power's top xhn */
	size_t xhn;
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

/* "00" .. "99" */
static const char conv_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/* v < 10^4 as exactly 4 digits at t. */
static void put4(char *t, u32 v)
{
	memcpy(t, conv_pairs + 2 * (v / 100), 2);
	memcpy(t + 2, conv_pairs + 2 * (v % 100), 2);
}

/* v < 10^8 as exactly 8 digits at t. */
static void put8(char *t, u32 v)
{
	put4(t, v / 10000);
	put4(t + 4, v % 10000);
}

/* v < 10^19 as exactly 19 digits, or without leading zeros. */
static int put_dec(struct conv *c, u64 v, bool full)
{
	char tmp[19], *t = tmp;
	u64 m = v % 10000000000000000ULL;
	u32 top = (u32)(v / 10000000000000000ULL);
	/* whole chunks go straight into the buffer when they fit */
	bool direct = full && c->fill + 19 <= sizeof(c->buf);
	int i = 0;

	if (direct)
		t = c->buf + c->fill;
	t[0] = (char)('0' + top / 100);
	memcpy(t + 1, conv_pairs + 2 * (top % 100), 2);
	put8(t + 3, (u32)(m / 100000000));
	put8(t + 11, (u32)(m % 100000000));
	if (direct) {
		c->fill += 19;
		return c->fill == sizeof(c->buf) ? flush(c) : 0;
	}
	if (!full)
		while (i < 18 && t[i] == '0')
			i++;
	return emit(c, t + i, 19 - i);
}

/*
 * The leaf: x < 10^(19 width) (xn limbs) in decimal, exactly width chunks
 * if pad, else without leading zeros.  With P = 10^(19 W) (W = lw, the
 * widest leaf: W >= width), n its limbs, dg = P 2^s B^G and the exact
 * Y = floor(B^2(n+G) / dg) (G = CONV_GUARD), the fraction
 * F = floor(x (Y + 1) 2^s / B^(n+G-1)) + 1 over B^(n+1) is above x / P by
 * less than 2 B^-(n+1) < B^-1 / P, so floor(F 10^(19 i) / B^(n+1)) is
 * floor(x 10^(19 i) / P) for every i <= W: each chunk is the limb that a
 * multiplication of the fraction by 10^19 carries out, top chunk first.
 * When fewer limbs than W - i + 1 suffice for what is left, the bottom
 * limb is dropped and the rest rounded up (one unit each, B^-1 / P' in
 * total at most): about W^2 / 2 limb products (the division by 10^19 it
 * replaces is a chain of dependent steps per limb).
 */
static int basecase(struct conv *c, u64 *x, size_t xn, size_t width,
		    bool pad)
{
	size_t n = c->ln, w = c->lw, len = n + 1, i, lo = 0, skip;
	u64 *t = c->lscr, *f = t + 2 * n + 4;
	int err = 0;

	xn = bn_normlen(x, xn);
	if (!xn) {
		for (i = 0; !err && pad && i < width; i++)
			err = put_dec(c, 0, true);
		return err;
	}
	/* t = x (Y + 1), zero-extended to 2n + 4 limbs (x < P: xn <= n) */
	bn_zero(t, 2 * n + 4);
	if (xn < BN_MUL_KARA_THR)
		bn_mul_basecase(t, c->ly, n + CONV_GUARD + 1, x, xn);
	else
		err = bn_mul(t, c->ly, n + CONV_GUARD + 1, x, xn, c->ctx);
	if (err)
		return err;
	bn_add(t, t, 2 * n + 4, x, xn);
	bn_lshift(f, t + n + CONV_GUARD - 2, len + 1, c->ls);
	f++;
	bn_add_1(f, f, len, 1);
	skip = pad ? w - width : w;
	for (i = 0; !err && i < w; i++) {
		u64 v = bn_mul_1(f + lo, f + lo, len, CONV_1E19);

		if (len > w - i) {
			lo++;
			len--;
			bn_add_1(f + lo, f + lo, len, 1);
		}
		if (i < skip) {
			if (!pad && v) {
				skip = i;
				err = put_dec(c, v, false);
			}
			continue;
		}
		err = put_dec(c, v, true);
	}
	if (!err)
		err = bn_poll(c->ctx);
	return err;
}

/*
 * Chunks of 19 digits enough for any number of an limbs whose top limb is
 * top: digits <= bits log10(2) + 1, and 0.30103 > log10(2).
 */
static size_t conv_chunks(size_t an, u64 top)
{
	u64 bits = 64 * (u64)an - bn_clz(top);

	return (size_t)((bits * 30103 / 100000 + 1 + 18) / 19);
}

/*
 * Depths and widths for a number of at most w chunks.  10^(19 w) has at
 * most w limbs and at least (63 w + 64) / 64 (10^19 > 2^63): a depth
 * splits while its power has BN_DC_CONV_THR limbs (and 2) by that count.
 */
static void conv_plan(struct conv_plan *pl, size_t w)
{
	size_t thr = BN_DC_CONV_THR < 2 ? 2 : BN_DC_CONV_THR;
	unsigned int k = 0;

	pl->width[0] = w;
	while (k < CONV_LEVELS) {
		size_t half = w - w / 2;

		if ((63 * (u64)half + 64) / 64 < thr)
			break;
		pl->width[++k] = half;
		w = half;
	}
	pl->depth = k;
}

/*
 * a /= 10^19 in place; returns the limbs left.  Only for the powers,
 * exact multiples of 10^19: the remainder is 0.
 */
static size_t div_exact_1e19(u64 *a, size_t an)
{
	bn_div_1e19(a, a, an);
	return bn_normlen(a, an);
}

/* Keep P (pn limbs) normalized as level k. */
static int conv_keep(struct conv *c, unsigned int k, const u64 *p, size_t pn)
{
	struct conv_pow *w = &c->pw[k];

	w->n = pn;
	w->s = bn_clz(p[pn - 1]);
	w->dg = bn_alloc_limbs(c->ctx, pn + CONV_GUARD);
	if (!w->dg)
		return -ENOMEM;
	bn_zero(w->dg, CONV_GUARD);
	bn_lshift(w->dg + CONV_GUARD, p, pn, w->s);
	return 0;
}

/* The powers pw[depth - 1] .. pw[0], from the smallest. */
static int conv_powers(struct conv *c)
{
	const struct conv_plan *pl = &c->pl;
	unsigned int k = pl->depth - 1;
	size_t w = pl->width[k + 1], pn = 1, i;
	u64 *p, *p2;
	int err;

	/* 10^(19 w) < B^w */
	p = bn_alloc_limbs(c->ctx, w);
	if (!p)
		return -ENOMEM;
	p[0] = CONV_1E19;
	for (i = 1; i < w; i++) {
		p[pn] = bn_mul_1(p, p, pn, CONV_1E19);
		pn = bn_normlen(p, pn + 1);
	}
	for (;;) {
		err = conv_keep(c, k, p, pn);
		if (err || !k)
			break;
		k--;
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
		if (pl->width[k + 1] < 2 * pl->width[k + 2])
			pn = div_exact_1e19(p, pn);
	}
	bn_dealloc(c->ctx, p);
	return err;
}

/*
 * The start of level k's Newton step from level k + 1's reciprocal y'.
 * With N = n + G and N' = n' + G the limbs of dg and dg', P_k = P'^2 / f
 * (f = 1, or 10^19 when the width is odd) and dg = P 2^s B^G:
 * B^(N+h) / dg_k = f y'^2 2^e with e = 64 (N + h + G - 4 N') + 2 s' - s.
 * y' is within a few units in N' limbs, so this is within a few units of
 * the reciprocal of dg_k's top h limbs (h <= N' - 1).  z has 2 N' + 3
 * limbs; the start is its bottom h + 1 limbs.  False (no start) if the
 * scales do not fit, which the bounds rule out; the caller then takes
 * the long way.
 */
static int conv_seed(struct conv *c, unsigned int k, u64 *z, bool *ok)
{
	const struct conv_pow *lo = &c->pw[k + 1], *w = &c->pw[k];
	size_t nl = lo->n + CONV_GUARD, n = w->n + CONV_GUARD;
	size_t h = n - n / 2, zn = 2 * nl + 3, sh, l;
	s64 e = 64 * ((s64)(n + h + CONV_GUARD) - 4 * (s64)nl) +
		2 * lo->s - w->s;
	int err;

	*ok = false;
	err = bn_sqr(z, lo->y, nl + 1, c->ctx);
	if (err)
		return err;
	z[zn - 1] = 0;
	if (c->pl.width[k + 1] < 2 * c->pl.width[k + 2])
		z[zn - 1] = bn_mul_1(z, z, zn - 1, CONV_1E19);
	if (e >= 0)
		return 0;
	sh = (size_t)-e;
	l = sh / 64;
	if (l + h + 1 > zn)
		return 0;
	bn_rshift(z, z + l, zn - l, sh % 64);
	*ok = bn_is_zero(z + h + 1, zn - l - (h + 1)) && z[h] && z[h] <= 2;
	return 0;
}

/*
 * The reciprocal of level k: from level k + 1's, or from scratch.  The
 * top level (k = 0, one division) keeps the start of its Newton step, the
 * reciprocal of its top half, and divides with that (bn_divrem_half()).
 */
static int conv_recip(struct conv *c, unsigned int k)
{
	struct conv_pow *w = &c->pw[k];
	size_t n = w->n + CONV_GUARD;
	bool ok = false;
	u64 *z = NULL;
	int err = 0;

	if (k + 1 < c->pl.depth) {
		z = bn_alloc_limbs(c->ctx, 2 * (c->pw[k + 1].n + CONV_GUARD) +
					   3);
		if (!z)
			return -ENOMEM;
		err = conv_seed(c, k, z, &ok);
		if (!err && ok && !k && n - n / 2 < w->n) {
			c->xh = z;
			c->xhn = n - n / 2;
			return 0;
		}
	}
	w->y = bn_alloc_limbs(c->ctx, n + 1);
	if (!err && !w->y)
		err = -ENOMEM;
	if (!err && ok)
		err = bn_recip_from(w->y, w->dg, n, z, false, c->ctx);
	else if (!err)
		err = bn_recip(w->y, w->dg, n, c->ctx);
	bn_dealloc(c->ctx, z);
	return err;
}

static int conv_rec(struct conv *c, u64 *x, size_t xn, unsigned int k,
		    size_t width, bool pad, bool owned);

/*
 * Split x < 10^(19 width) at depth k and print both halves: r has exactly
 * the power's width w', q the rest of the node's.
 */
static int conv_split(struct conv *c, u64 *x, size_t xn, unsigned int k,
		      size_t width, bool pad, bool owned)
{
	struct conv_pow *p = &c->pw[k];
	size_t w = c->pl.width[k + 1], qn;
	u64 *xs = c->scr, *q, *r;
	int err = -ENOMEM;

	q = bn_alloc_limbs(c->ctx, p->n);
	r = bn_alloc_limbs(c->ctx, p->n);
	if (!q || !r)
		goto fail;
	/* x < P^2, so x << s < d B^n: the quotient fits n limbs */
	xs[xn] = bn_lshift(xs, x, xn, p->s);
	if (!p->y)
		err = bn_divrem_half(q, r, xs, xn + 1, p->dg + CONV_GUARD,
				     p->n, c->xh, c->xhn, xs + 2 * p->n + 2,
				     c->ctx);
	else
		err = bn_divrem_pre(q, r, xs, xn + 1, p->dg + CONV_GUARD,
				    p->n, p->y + CONV_GUARD, xs + 2 * p->n + 2,
				    c->ctx);
	if (err)
		goto fail;
	bn_rshift(r, r, p->n, p->s);
	if (owned)
		bn_dealloc(c->ctx, x);
	qn = bn_normlen(q, p->n);
	if (!pad && !qn) {
		bn_dealloc(c->ctx, q);
		return conv_rec(c, r, p->n, k + 1, w, false, true);
	}
	err = conv_rec(c, q, qn, k + 1, width - w, pad, true);
	if (err) {
		bn_dealloc(c->ctx, r);
		return err;
	}
	return conv_rec(c, r, p->n, k + 1, w, true, true);
fail:
	if (owned)
		bn_dealloc(c->ctx, x);
	bn_dealloc(c->ctx, q);
	bn_dealloc(c->ctx, r);
	return err;
}

/*
 * Print x < 10^(19 width), a node at depth k, as exactly width chunks if
 * pad; frees x if owned.  A node no wider than its depth's power (the
 * short leading side of odd widths) goes one depth down whole.
 */
static int conv_rec(struct conv *c, u64 *x, size_t xn, unsigned int k,
		    size_t width, bool pad, bool owned)
{
	int err;

	while (k < c->pl.depth && width <= c->pl.width[k + 1])
		k++;
	if (k < c->pl.depth)
		return conv_split(c, x, bn_normlen(x, xn), k, width, pad,
				  owned);
	err = basecase(c, x, xn, width, pad);
	if (owned)
		bn_dealloc(c->ctx, x);
	return err;
}

static void conv_free(struct conv *c)
{
	unsigned int i;

	for (i = 0; i < CONV_LEVELS; i++) {
		bn_dealloc(c->ctx, c->pw[i].dg);
		bn_dealloc(c->ctx, c->pw[i].y);
	}
	bn_dealloc(c->ctx, c->leaf.dg);
	bn_dealloc(c->ctx, c->leaf.y);
	bn_dealloc(c->ctx, c->scr);
	bn_dealloc(c->ctx, c->xh);
	bn_dealloc(c->ctx, c->lscr);
	bn_dealloc(c->ctx, c);
}

/*
 * The leaves' power 10^(19 lw) and its exact reciprocal when there is no
 * tree (depth 0): lw - 1 one-limb multiplications and bn_recip().
 */
static int leaf_power(struct conv *c, size_t lw)
{
	struct conv_pow *w = &c->leaf;
	size_t pn = 1, i;
	u64 *p;
	int err;

	p = bn_alloc_limbs(c->ctx, lw);
	if (!p)
		return -ENOMEM;
	p[0] = CONV_1E19;
	for (i = 1; i < lw; i++) {
		p[pn] = bn_mul_1(p, p, pn, CONV_1E19);
		pn = bn_normlen(p, pn + 1);
	}
	w->n = pn;
	w->s = bn_clz(p[pn - 1]);
	w->dg = bn_alloc_limbs(c->ctx, pn + CONV_GUARD);
	w->y = bn_alloc_limbs(c->ctx, pn + CONV_GUARD + 1);
	err = -ENOMEM;
	if (w->dg && w->y) {
		bn_zero(w->dg, CONV_GUARD);
		bn_lshift(w->dg + CONV_GUARD, p, pn, w->s);
		err = bn_recip(w->y, w->dg, pn + CONV_GUARD, c->ctx);
	}
	bn_dealloc(c->ctx, p);
	return err;
}

/* Point the leaves at the smallest power and its exact reciprocal. */
static int leaf_setup(struct conv *c)
{
	const struct conv_pow *w = &c->leaf;
	unsigned int d = c->pl.depth;
	int err;

	c->lw = c->pl.width[d];
	if (d) {
		w = &c->pw[d - 1];
	} else {
		err = leaf_power(c, c->lw);
		if (err)
			return err;
	}
	c->ln = w->n;
	c->ls = w->s;
	c->ly = w->y;
	c->lscr = bn_alloc_limbs(c->ctx, 3 * c->ln + 6);
	return c->lscr ? 0 : -ENOMEM;
}

static int to_dec(struct conv *c, const struct bn *a)
{
	size_t an = a->len, n;
	unsigned int k;
	int err = 0;

	conv_plan(&c->pl, conv_chunks(an, a->d[an - 1]));
	if (c->pl.depth) {
		err = conv_powers(c);
		for (k = c->pl.depth; !err && k-- > 0;)
			err = conv_recip(c, k);
		if (err)
			return err;
		n = c->pw[0].n;
		c->scr = bn_alloc_limbs(c->ctx, 2 * n + 2 +
					bn_divrem_half_scratch(n));
		if (!c->scr)
			return -ENOMEM;
	}
	err = leaf_setup(c);
	if (err)
		return err;
	return conv_rec(c, (u64 *)a->d, an, 0, c->pl.width[0], false, false);
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

/* --- for the memory bound (bignum.c) --- */

/**
 * bn_conv_plan() - the depths and widths to_dec() uses
 * @an: limbs of the number
 * @top: its top limb
 * @width: receives width[0 .. depth], chunks of a node at each depth
 * @max: entries @width has room for, less one
 *
 * Return: the depth (0: the basecase alone), at most @max.
 */
unsigned int bn_conv_plan(size_t an, u64 top, size_t *width,
			  unsigned int max)
{
	struct conv_plan pl;
	unsigned int k;

	conv_plan(&pl, conv_chunks(an, top));
	if (pl.depth > max)
		pl.depth = max;
	for (k = 0; k <= pl.depth; k++)
		width[k] = pl.width[k];
	return pl.depth;
}

/* Bytes of the converter's state, which bn_to_text() allocates. */
size_t bn_conv_state_bytes(void)
{
	return sizeof(struct conv);
}

/* Guard limbs of each level's divisor and reciprocal. */
unsigned int bn_conv_guard(void)
{
	return CONV_GUARD;
}
