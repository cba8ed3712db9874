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

u64 bn_fib_peak_bytes(u32 n, unsigned int base)
{
	u64 fib, conv;

	if (n > BN_FIB_MAX || (base != 0 && base != 10 && base != 16))
		return 0;
	fib = bn_fib_peak_bytes_fib(n);
	if (!base)
		return fib;
	conv = bn_fib_result_bytes(n) +
	       bn_conv_peak_bytes(bn_fib_result_bytes(n) / 8, base);
	return fib > conv ? fib : conv;
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
