// SPDX-License-Identifier: GPL-2.0
/*
 * bignum.c - contexts, accounted allocation, number objects, and the
 * lengths of Fibonacci numbers in text.
 */
#include "bignum/bn_internal.h"

/* Every allocation carries its size, so the context can count bytes. */
#define BN_HDR 16

/**
 * bn_poll() - yield, then ask the caller whether to stop
 * @ctx: the context
 *
 * Return: 0 or -ECANCELED.
 */
int bn_poll(struct bn_ctx *ctx)
{
	kshim_yield();
	if (ctx->cancelled && ctx->cancelled(ctx->arg))
		return -ECANCELED;
	return 0;
}

void *bn_alloc(struct bn_ctx *ctx, size_t bytes)
{
	u8 *p;

	if (bytes > KSHIM_ALLOC_MAX - BN_HDR)
		return NULL;
	p = kshim_alloc(bytes + BN_HDR);
	if (!p)
		return NULL;
	*(size_t *)p = bytes + BN_HDR;
	ctx->bytes_now += bytes + BN_HDR;
	if (ctx->bytes_now > ctx->bytes_peak)
		ctx->bytes_peak = ctx->bytes_now;
	return p + BN_HDR;
}

void bn_dealloc(struct bn_ctx *ctx, void *p)
{
	u8 *q = p;

	if (!p)
		return;
	q -= BN_HDR;
	if (ctx)
		ctx->bytes_now -= *(size_t *)q;
	kshim_free(q);
}

u64 *bn_alloc_limbs(struct bn_ctx *ctx, size_t n)
{
	if (n > (KSHIM_ALLOC_MAX - BN_HDR) / sizeof(u64))
		return NULL;
	return bn_alloc(ctx, n * sizeof(u64));
}

struct bn *bn_new(struct bn_ctx *ctx, size_t cap)
{
	struct bn *a;

	if (cap > (KSHIM_ALLOC_MAX - BN_HDR - sizeof(*a)) / sizeof(u64))
		return NULL;
	a = bn_alloc(ctx, sizeof(*a) + cap * sizeof(u64));
	if (a) {
		a->len = 0;
		a->cap = cap;
	}
	return a;
}

/* Set the length to len limbs, less the high zero limbs. */
void bn_set_len(struct bn *a, size_t len)
{
	a->len = bn_normlen(a->d, len);
}

void bn_free(struct bn *a)
{
	bn_dealloc(NULL, a);
}

void bn_free_ctx(struct bn *a, struct bn_ctx *ctx)
{
	bn_dealloc(ctx, a);
}

u64 bn_bits(const struct bn *a)
{
	if (!a->len)
		return 0;
	return 64 * (u64)a->len - bn_clz(a->d[a->len - 1]);
}

s64 bn_text_len(const struct bn *a, unsigned int base)
{
	if (base == 16)
		return a->len ? (s64)((bn_bits(a) + 3) / 4) : 1;
	if (base == 10)
		return -EAGAIN;
	return -EINVAL;
}

/*
 * log_b(phi) and log_b(sqrt(5)) times 2^128 (integer part in [2]), for
 * b = 10 and b = 2: F(n) = phi^n / sqrt(5) - psi^n / sqrt(5), and for
 * n > 93 the second term moves log_b F(n) by less than 10^-38, far below
 * the 2^-64 margin checked below.
 */
static const u64 log10_phi[3] = { 0x65d3db23845599f5ULL,
				   0x358036c82451b7f3ULL, 0 };
static const u64 log10_sqrt5[3] = { 0xdc1da994fd20dba1ULL,
				     0x5977d95ec10c0219ULL, 0 };
static const u64 log2_phi[3] = { 0xe48fc7426f0c4428ULL,
				  0xb1b9d68a8e53425dULL, 0 };
static const u64 log2_sqrt5[3] = { 0x9257edfe9b5fb699ULL,
				    0x2934f0979a3715fcULL, 1 };

/*
 * floor(n log_b(phi) - log_b(sqrt(5))) in 128-bit fixed point.  The
 * constants are within 2^-128, so the result is within 2^-96; when the
 * fraction is within 2^-64 of an integer the answer could be off by one
 * and -ERANGE is returned (no n <= BN_FIB_MAX does that: checked by
 * tools/bench/bignum_fiblen_check.c).
 */
static s64 fib_log_floor(u32 n, const u64 *c, const u64 *d)
{
	bn_u128 p0 = (bn_u128)n * c[0], p1 = (bn_u128)n * c[1];
	u64 x[3], y[3];

	x[0] = (u64)p0;
	p1 += (u64)(p0 >> 64);
	x[1] = (u64)p1;
	x[2] = (u64)(p1 >> 64);
	bn_sub_n(y, x, d, 3);
	if (y[1] == 0 || y[1] == ~0ULL)
		return -ERANGE;
	return (s64)y[2];
}

s64 bn_fib_text_len(u32 n, unsigned int base)
{
	s64 f;

	if (n > BN_FIB_MAX || (base != 10 && base != 16))
		return -EINVAL;
	if (n <= 93) {
		u64 v = bn_fib_small(n);
		s64 len = 1;

		if (base == 16)
			return v ? (64 - bn_clz(v) + 3) / 4 : 1;
		while (v >= 10) {
			v /= 10;
			len++;
		}
		return len;
	}
	if (base == 10) {
		f = fib_log_floor(n, log10_phi, log10_sqrt5);
		return f < 0 ? f : f + 1;
	}
	f = fib_log_floor(n, log2_phi, log2_sqrt5);
	return f < 0 ? f : (f + 1 + 3) / 4;
}

/* Exported for the length check tool: the raw fixed-point test. */
s64 bn_fib_log_floor(u32 n, unsigned int base)
{
	if (base == 10)
		return fib_log_floor(n, log10_phi, log10_sqrt5);
	return fib_log_floor(n, log2_phi, log2_sqrt5);
}

/*
 * --- the memory bound ---
 *
 * bn_fib_peak_bytes() replays the allocations of bn_fib() and
 * bn_to_text() without doing the arithmetic: the same sizes in the same
 * order, from the same size functions the code allocates with
 * (bn_kara_scratch(), bn_fermat_ring(), bn_recip_scratch(),
 * bn_divrem_scratch(), the conversion's plan) and, for SSA and Toom-3,
 * the peak functions next to that code (bn_ssa_peak_bytes(),
 * bn_mulmod_peak_bytes(), bn_toom_peak_bytes()).  A replay counts bytes
 * as struct bn_ctx does (BN_HDR a block) and keeps their maximum.  Where
 * a size depends on the digits (the normalized length of a dividend or
 * of a Newton residual), the replay takes the largest of the lengths the
 * bounds allow, and the two or three below it, which is where the
 * products change shape (balanced, nearly balanced, cut in pieces).
 */
struct rp {
	s64 now;
	s64 peak;
};

static u64 hb(u64 limbs)
{
	return limbs * 8 + BN_HDR;
}

static u64 rp_max(u64 a, u64 b)
{
	return a > b ? a : b;
}

static void rp_get(struct rp *r, u64 bytes)
{
	r->now += bytes;
	if (r->now > r->peak)
		r->peak = r->now;
}

static void rp_put(struct rp *r, u64 bytes)
{
	r->now -= bytes;
}

/* A call that allocates at most @extra bytes above what is held now. */
static void rp_call(struct rp *r, u64 extra)
{
	if (r->now + (s64)extra > r->peak)
		r->peak = r->now + (s64)extra;
}

static size_t rp_kara_min(void)
{
	size_t m = BN_MUL_KARA_THR, s = BN_SQR_KARA_THR;
	size_t t = m < s ? m : s;

	return t < 4 ? 4 : t;
}

/* bn_mul_n_scr() on n limbs: only Toom-3 levels allocate. */
static u64 rp_mul_n(size_t n)
{
	if (n < BN_MUL_KARA_THR || n < rp_kara_min() || n < BN_MUL_TOOM3_THR)
		return 0;
	return bn_toom_peak_bytes(n, false);
}

/* mul_chunks() of an by bn limbs, beyond its caller's scratch. */
static u64 rp_chunks(size_t an, size_t bn)
{
	size_t c = an % bn;
	u64 p = rp_mul_n(bn);

	if (c && c >= BN_MUL_KARA_THR)
		p = rp_max(p, hb(2 * c) + rp_chunks(bn, c));
	return p;
}

/* bn_mul() of distinct factors of an and bn limbs. */
static u64 rp_mul(size_t an, size_t bn)
{
	if (an < bn) {
		size_t t = an;

		an = bn;
		bn = t;
	}
	if (!bn)
		return 0;
	if (bn >= BN_MUL_SSA_THR)
		return bn_ssa_peak_bytes(an, bn, false);
	if (bn < BN_MUL_KARA_THR || bn < rp_kara_min())
		return 0;
	if (an != bn && an - bn <= bn / 4)
		return hb(3 * an + bn_kara_scratch(an)) + rp_mul_n(an);
	return hb(2 * bn + bn_kara_scratch(bn)) + rp_chunks(an, bn);
}

/* bn_mul() of an by bl, bl - 1 or bl - 2 limbs (bl is a bound). */
static u64 rp_mul_upto(size_t an, size_t bl)
{
	u64 p = rp_mul(an, bl);

	if (bl > 1)
		p = rp_max(p, rp_mul(an, bl - 1));
	if (bl > 2)
		p = rp_max(p, rp_mul(an, bl - 2));
	return p;
}

/* bn_sqr() of n limbs. */
static u64 rp_sqr(size_t n)
{
	if (!n)
		return 0;
	if (n >= BN_SQR_SSA_THR)
		return bn_ssa_peak_bytes(n, n, true);
	if (n < BN_SQR_KARA_THR || n < rp_kara_min())
		return 0;
	return hb(bn_kara_scratch(n)) + (n >= BN_SQR_TOOM3_THR ?
					 bn_toom_peak_bytes(n, true) : 0);
}

/* bn_mulmod_fermat() modulo B^m + 1 of an and up to bl limbs. */
static u64 rp_mulmod(size_t m, size_t an, size_t bl)
{
	u64 p = 0;
	size_t b;

	if (m >= BN_MUL_SSA_THR)
		return bn_mulmod_peak_bytes(m);
	for (b = bl; b && b + 2 >= bl; b--)
		p = rp_max(p, hb(an + b) + rp_mul(an, b));
	return p;
}

/* bn_recip_from() on n limbs. */
static u64 rp_recip_from(size_t n, bool exact)
{
	size_t h = n - n / 2, m = bn_fermat_ring(n + 2);
	u64 p;

	p = rp_max(rp_mulmod(m, n, h + 1), rp_mul_upto(h + 1, n + 2 - h));
	if (exact)
		p = rp_max(p, rp_mulmod(m, n + 1, n));
	return hb(bn_recip_scratch(n)) + p;
}

/* bn_recip() on n limbs: long division up to BN_RECIP_LONG, else Newton. */
static u64 rp_recip(size_t n)
{
	size_t h = n - n / 2;

	if (n <= 1)
		return 0;
	if (n <= BN_RECIP_LONG)
		return hb(3 * n + 2);
	return hb(h + 1) + rp_max(rp_recip(h), rp_recip_from(n, true));
}

/* Deeper than any conversion plan (conv.c has at most 40 depths). */
#define RP_LEVELS 48
#define RP_MEMO 3

/*
 * A decimal conversion's plan, and for each depth the peak of the nodes
 * entering it whose width is width[k] - i, i < RP_MEMO (0: not yet known);
 * what a leaf allocates; whether the top split divides by its power's top
 * half (bn_divrem_half(), with a reciprocal of xhn + 1 limbs).
 */
struct rp_conv {
	unsigned int depth;
	size_t width[RP_LEVELS + 1];
	s64 memo[RP_LEVELS + 1][RP_MEMO];
	s64 leaf;
	bool half;
	size_t xhn;
};

/*
 * Limbs of 10^(19 w), or one more: bits = floor(19 w log2(10)) + 1 with
 * log2(10) rounded up in 64.64 fixed point (19 w < 2^40 here).
 */
static size_t pow10_limbs(size_t w)
{
	const bn_u128 l2_10 = ((bn_u128)3 << 64) | 0x5269e12f346e2bfaULL;
	u64 bits = (u64)(((bn_u128)19 * w * l2_10) >> 64) + 1;

	return (size_t)((bits + 63) / 64);
}

/* Bytes a division at a depth whose power has n limbs allocates. */
static u64 rp_div(size_t n)
{
	return rp_max(rp_mul_upto(n + 1, n + 1),
		    rp_mulmod(bn_fermat_ring(n + 2), n, n));
}

/*
 * Bytes bn_divrem_half() by a power of n limbs allocates, with the
 * reciprocal of its top h limbs: per block of sz limbs (h, then n - h),
 * an (sz + 1) x (h + 1)-limb product and one modulo B^m + 1 of up to sz
 * limbs by n.
 */
static u64 rp_div_half(size_t n, size_t h)
{
	size_t m = bn_fermat_ring(n + 2), sz[2] = { h, n - h };
	u64 p = 0;
	int i;

	for (i = 0; i < 2; i++) {
		p = rp_max(p, rp_mul(sz[i] + 1, h + 1));
		p = rp_max(p, rp_mulmod(m, n, sz[i]));
	}
	return p;
}

/*
 * A leaf's product: the reciprocal of its power (n + G + 1 limbs) by its
 * number, of xn <= n limbs (the top of the tree's quotients may be short).
 */
static u64 rp_leaf(size_t n, size_t xn)
{
	size_t g = bn_conv_guard(), i;
	u64 p = 0;

	for (i = xn; i >= BN_MUL_KARA_THR && i > 0; i--)
		p = rp_max(p, rp_mul(n + g + 1, i));
	return p;
}

/*
 * conv_rec() of a node of @width chunks entering at depth @k, its number
 * owned (held in r->now) unless k == 0: the most it allocates above what
 * is held when it starts.  Nodes entering at one depth with one width
 * allocate alike (the widths at a depth differ by a chunk or two), hence
 * the memo.
 */
static s64 rp_node(struct rp_conv *c, unsigned int k, size_t width)
{
	size_t i = c->width[k] - width, n;
	s64 *memo = i < RP_MEMO ? &c->memo[k][i] : NULL;
	s64 x = k ? (s64)hb(pow10_limbs(c->width[k])) : 0, p, v, q;

	if (memo && *memo)
		return *memo;
	while (k < c->depth && width <= c->width[k + 1])
		k++;
	if (k >= c->depth)
		return c->leaf;
	/* q and r, the division; x freed; q's subtree, then r's */
	n = pow10_limbs(c->width[k + 1]);
	p = (s64)hb(n);
	v = 2 * p + (s64)(!k && c->half ? rp_div_half(n, c->xhn) : rp_div(n));
	q = 2 * p - x + rp_node(c, k + 1, width - c->width[k + 1]);
	v = q > v ? q : v;
	q = p - x + rp_node(c, k + 1, c->width[k + 1]);
	v = q > v ? q : v;
	if (memo)
		*memo = v;
	return v;
}

/* No tree: the leaves' power and its reciprocal, then one leaf. */
static void rp_dec_leaf(struct rp *r, size_t an, struct rp_conv *c)
{
	size_t g = bn_conv_guard(), lw = c->width[0], n = pow10_limbs(lw);

	rp_get(r, hb(lw));
	rp_get(r, hb(n + g));
	rp_get(r, hb(n + g + 1));
	rp_call(r, rp_recip(n + g));
	rp_put(r, hb(lw));
	rp_get(r, hb(3 * n + 6));
	rp_call(r, rp_leaf(n, an));
}

/*
 * The reciprocal of depth k (n limbs with its guard), from the one below
 * if there is one (bn_recip() too, which the code falls back to if the
 * seed does not take).  The top one (k = 0) keeps its seed, the
 * reciprocal of its top half, for bn_divrem_half() and makes no full one
 * (conv_seed()'s scales always fit: the code's fallback is not replayed
 * there).
 */
static void rp_dec_recip(struct rp *r, struct rp_conv *c, unsigned int k)
{
	size_t g = bn_conv_guard(), n = pow10_limbs(c->width[k + 1]) + g;
	size_t nl, h = n - n / 2;

	if (k + 1 >= c->depth) {
		rp_get(r, hb(n + 1));
		rp_call(r, rp_recip(n));
		return;
	}
	nl = pow10_limbs(c->width[k + 2]) + g;
	rp_get(r, hb(2 * nl + 3));
	rp_call(r, rp_sqr(nl + 1));
	if (!k && h < n - g) {
		c->half = true;
		c->xhn = h;
		return;
	}
	rp_get(r, hb(n + 1));
	rp_call(r, rp_max(rp_recip_from(n, false), rp_recip(n)));
	rp_put(r, hb(2 * nl + 3));
}

/* bn_to_text() in decimal of a number of an limbs with top limb top. */
static void rp_dec(struct rp *r, size_t an, u64 top, struct rp_conv *c)
{
	size_t g = bn_conv_guard(), n, pa;
	unsigned int k;

	memset(c, 0, sizeof(*c));
	c->depth = bn_conv_plan(an, top, c->width, RP_LEVELS);
	if (!c->depth) {
		rp_dec_leaf(r, an, c);
		return;
	}
	/* the powers, from the smallest; each kept with its guard limbs */
	k = c->depth - 1;
	pa = c->width[c->depth];
	rp_get(r, hb(pa));
	for (;;) {
		n = pow10_limbs(c->width[k + 1]);
		rp_get(r, hb(n + g));
		if (!k)
			break;
		rp_get(r, hb(2 * n));
		rp_call(r, rp_sqr(n));
		rp_put(r, hb(pa));
		pa = 2 * n;
		k--;
	}
	rp_put(r, hb(pa));
	/* the reciprocals, each seeded from the one below */
	for (k = c->depth; k-- > 0;)
		rp_dec_recip(r, c, k);
	/* the division's scratch, the leaves' scratch, the tree */
	n = pow10_limbs(c->width[1]);
	rp_get(r, hb(2 * n + 2 + bn_divrem_half_scratch(n)));
	n = pow10_limbs(c->width[c->depth]);
	rp_get(r, hb(3 * n + 6));
	c->leaf = (s64)rp_leaf(n, n);
	rp_call(r, (u64)rp_node(c, 0, c->width[0]));
}

/* bn_to_text() of a number of an limbs with top limb top. */
static void rp_text(struct rp *r, size_t an, u64 top, unsigned int base,
		    struct rp_conv *c)
{
	rp_get(r, bn_conv_state_bytes() + BN_HDR);
	if (an && base == 10)
		rp_dec(r, an, top, c);
}

/**
 * bn_conv_peak_bytes() - upper bound of bn_to_text()'s own allocations
 * @an: limbs of the number
 * @base: 10 or 16
 *
 * The largest replay over the top limbs (so the chunk counts) a number of
 * @an limbs may have; the number itself is not counted.
 *
 * Return: bytes.
 */
u64 bn_conv_peak_bytes(size_t an, unsigned int base)
{
	struct rp_conv c;
	u64 p = 0;
	unsigned int b;

	for (b = 0; b < 64; b++) {
		struct rp r = { 0, 0 };

		rp_text(&r, an, (u64)1 << b, base, &c);
		p = rp_max(p, (u64)r.peak);
		if (!an || base != 10)
			break;
	}
	return p;
}

/* Limbs of F(k), exactly when the logarithm allows, else one more. */
static size_t fib_limbs(u32 k)
{
	s64 f;

	if (k <= 93)
		return 1;
	f = bn_fib_log_floor(k, 2);
	if (f < 0)
		return (size_t)((u64)k * 711 / 1024 / 64 + 2);
	return (size_t)(f / 64 + 1);
}

/* Top bit of F(n) (n > 93) as a limb, for the conversion's plan. */
static u64 fib_top(u32 n)
{
	s64 f = bn_fib_log_floor(n, 2);

	return (u64)1 << (f < 0 ? 63 : f % 64);
}

/* bn_fib(n); leaves the result held, returns its bytes. */
static u64 rp_fib(struct rp *r, u32 n)
{
	unsigned int j = bn_fib_steps(n), bit;
	size_t l1 = 1, l0 = 1, a1 = 1, a0 = 1, len, ul;
	u64 res;
	u32 k;

	if (!j) {
		res = hb(1) + sizeof(u64) * 2;	/* struct bn of one limb */
		rp_get(r, res);
		return res;
	}
	k = n >> j;
	rp_get(r, hb(1));
	rp_get(r, hb(1));
	while (--j) {
		bit = (n >> j) & 1;
		len = 2 * l1 + 1;
		rp_get(r, hb(len));
		rp_get(r, hb(len));
		rp_call(r, rp_sqr(l1));
		rp_put(r, hb(a1));
		rp_call(r, rp_sqr(l0));
		rp_put(r, hb(a0));
		a1 = len;
		a0 = len;
		k = 2 * k + bit;
		l1 = fib_limbs(k);
		l0 = fib_limbs(k - 1);
	}
	bit = n & 1;
	ul = l1 + 1;
	rp_get(r, hb(bit ? 2 * ul : ul));
	rp_put(r, hb(a0));
	if (bit)
		rp_put(r, hb(a1));
	res = hb(2 * ul) + sizeof(u64) * 2;	/* struct bn of 2 ul limbs */
	rp_get(r, res);
	rp_call(r, bit ? rp_mul(ul, ul) : rp_mul(l1, ul));
	rp_put(r, hb(bit ? 2 * ul : ul));
	if (!bit)
		rp_put(r, hb(a1));
	return res;
}

u64 bn_fib_peak_bytes(u32 n, unsigned int base)
{
	struct rp r = { 0, 0 };
	struct rp_conv c;
	size_t an;

	if (n > BN_FIB_MAX || (base != 0 && base != 10 && base != 16))
		return 0;
	rp_fib(&r, n);
	if (!base)
		return (u64)r.peak;
	an = n ? fib_limbs(n) : 0;
	rp_text(&r, an, n > 93 ? fib_top(n) : bn_fib_small(n), base, &c);
	return (u64)r.peak;
}

struct buf_sink {
	char *p;
	size_t left;
};

static int buf_sink(void *arg, const char *s, size_t len)
{
	struct buf_sink *b = arg;

	if (len >= b->left)
		return -ENOSPC;
	memcpy(b->p, s, len);
	b->p += len;
	b->left -= len;
	return 0;
}

s64 bn_fib_to_buf(u32 n, unsigned int base, char *buf, size_t size,
		  struct bn_ctx *ctx)
{
	struct buf_sink b = { buf, size };
	s64 len = bn_fib_text_len(n, base);
	struct bn *f;
	int err;

	if (len < 0)
		return len;
	if ((u64)len >= size)
		return -ENOSPC;
	err = bn_fib(&f, n, ctx);
	if (err)
		return err;
	err = bn_to_text(f, base, buf_sink, &b, ctx);
	bn_free_ctx(f, ctx);
	if (err)
		return err;
	*b.p = '\0';
	return b.p - buf;
}
