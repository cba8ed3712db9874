// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_bignum_conv.c - libFuzzer target for bn_to_text() (bignum/conv.c).
 *
 * A number of up to MAX_LIMBS limbs is built from the input through the
 * library's internal constructor (bn_new(), bn_set_len() of bn_internal.h:
 * bignum.h has no constructor from limbs) and converted to decimal and hex.
 * Oracles:
 *  - decimal equals a plain reference conversion (repeated division by
 *    10^19 with 128-bit arithmetic, quadratic) and parses back, by
 *    multiply-and-add, to the very limbs it came from;
 *  - hex equals the limbs printed directly, and its length is bn_text_len();
 *  - the sink gets pieces of 1..BN_SINK_CHUNK characters, no leading zero;
 *  - the conversion frees all it allocates (ctx.bytes_now back to 0) and
 *    its peak stays within bn_conv_peak_bytes(), the bound the module's
 *    memory budget relies on;
 *  - a sink error, a cancellation or an allocation failure at any point
 *    ends the conversion with that error and without a leak (LeakSanitizer).
 *
 * Input: byte 0 selects the shape of the number and the failure to inject,
 * bytes 1..8 parameterise them, the rest are the limbs (little-endian).
 * Shapes: raw limbs; 10^k + d or 10^k - d (the decimal chunk boundaries);
 * 2^(64m) - 1 - d (all nines of hex, carries everywhere); the input limbs
 * repeated to a chosen length (reaches the divide-and-conquer levels with
 * short inputs).  Byte 8's top bit switches to tiny thresholds (built with
 * BN_TUNE), so that Karatsuba, Toom-3, SSA and its recursive pointwise
 * products all run inside conversions of these sizes; the next bit
 * switches off the x86-64 assembly loops.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/khttpd_shim.h"
#include "bignum/bignum.h"
#include "bignum/bn_internal.h"

/* Reference conversions are quadratic: keep numbers below ~6000 digits. */
#define MAX_LIMBS 260
#define E19 10000000000000000000ULL

long kshim_fail_after = -1;

/* The thresholds and loops of this input (byte 8, see the top). */
static void set_tuning(uint8_t b)
{
	bool tiny = b & 0x80;

	bn_tune_mul_kara = tiny ? 4 : BN_DEF_MUL_KARA;
	bn_tune_sqr_kara = tiny ? 4 : BN_DEF_SQR_KARA;
	bn_tune_mul_toom3 = tiny ? 12 : BN_DEF_MUL_TOOM3;
	bn_tune_sqr_toom3 = tiny ? 12 : BN_DEF_SQR_TOOM3;
	bn_tune_mul_ssa = tiny ? 40 : BN_DEF_MUL_SSA;
	bn_tune_sqr_ssa = tiny ? 40 : BN_DEF_SQR_SSA;
	bn_tune_ssa_inner = tiny ? 24 : BN_DEF_SSA_INNER;
	bn_tune_dc_conv = tiny ? 2 : BN_DEF_DC_CONV;
	bn_tune_asm = !(b & 0x40);
}

enum {
	SHAPE_RAW,
	SHAPE_POW10,
	SHAPE_ONES,
	SHAPE_REPEAT,
};

enum {
	INJECT_NONE,
	INJECT_SINK,
	INJECT_CANCEL,
	INJECT_ALLOC,
};

struct out {
	char *buf;
	size_t len, cap;
	unsigned long calls, fail_at;	/* fail_at 0: never */
};

static int sink(void *arg, const char *buf, size_t len)
{
	struct out *o = arg;

	assert(len >= 1 && len <= BN_SINK_CHUNK);
	if (o->fail_at && ++o->calls >= o->fail_at)
		return -EIO;
	assert(o->len + len <= o->cap);
	memcpy(o->buf + o->len, buf, len);
	o->len += len;
	return 0;
}

struct cancel {
	unsigned long polls, at;
};

static bool cancelled(void *arg)
{
	struct cancel *c = arg;

	return ++c->polls >= c->at;
}

/* x = x * m + a over n limbs; returns the carry limb. */
static u64 mul_add_1(u64 *x, size_t n, u64 m, u64 a)
{
	bn_u128 t;
	size_t i;

	for (i = 0; i < n; i++) {
		t = (bn_u128)x[i] * m + a;
		x[i] = (u64)t;
		a = (u64)(t >> 64);
	}
	return a;
}

/* (hi * 2^64 + lo) / 10^19 with hi < 10^19; the remainder in *r. */
static u64 div_e19(u64 hi, u64 lo, u64 *r)
{
#if defined(__x86_64__)
	u64 q, rem;

	__asm__("divq %4" : "=a"(q), "=d"(rem) : "a"(lo), "d"(hi), "r"(E19));
	*r = rem;
	return q;
#else
	bn_u128 cur = (bn_u128)hi << 64 | lo;

	*r = (u64)(cur % E19);
	return (u64)(cur / E19);
#endif
}

/* Reference decimal of d[0..n) (normalised); returns the length. */
static size_t ref_dec(const u64 *d, size_t n, char *s)
{
	u64 *x = malloc((n ? n : 1) * sizeof(u64));
	u64 *chunk = malloc((2 * n + 1) * sizeof(u64));
	size_t nc = 0, len;
	char t[24];

	assert(x && chunk);
	memcpy(x, d, n * sizeof(u64));
	while (n) {
		u64 r = 0;
		size_t i;

		for (i = n; i-- > 0;)
			x[i] = div_e19((u64)r, x[i], &r);
		chunk[nc++] = (u64)r;
		while (n && !x[n - 1])
			n--;
	}
	if (!nc) {
		s[0] = '0';
		len = 1;
	} else {
		len = (size_t)sprintf(s, "%llu", (unsigned long long)chunk[nc - 1]);
		while (nc-- > 1) {
			sprintf(t, "%019llu", (unsigned long long)chunk[nc - 1]);
			memcpy(s + len, t, 19);
			len += 19;
		}
	}
	free(x);
	free(chunk);
	return len;
}

static size_t ref_hex(const u64 *d, size_t n, char *s)
{
	size_t len;

	if (!n) {
		s[0] = '0';
		return 1;
	}
	len = (size_t)sprintf(s, "%llx", (unsigned long long)d[n - 1]);
	while (n-- > 1)
		len += (size_t)sprintf(s + len, "%016llx",
				       (unsigned long long)d[n - 1]);
	return len;
}

/* Decimal text back to limbs: must give the number converted. */
static void parse_back(const char *s, size_t len, const u64 *d, size_t n)
{
	u64 *x = calloc(n + 2, sizeof(u64));
	size_t i, xn = n + 1;

	assert(x);
	for (i = 0; i < len;) {
		/* the first group has len % 19 digits, the others 19 */
		size_t g = i ? 19 : (len % 19 ? len % 19 : 19), j;
		u64 v = 0, m = 1;

		for (j = 0; j < g; j++, i++) {
			assert(s[i] >= '0' && s[i] <= '9');
			v = v * 10 + (u64)(s[i] - '0');
			m *= 10;
		}
		assert(!mul_add_1(x, xn, m, v));
	}
	assert(bn_normlen(x, xn) == n);
	assert(!memcmp(x, d, n * sizeof(u64)));
	free(x);
}

static u64 get_u64(const uint8_t *p, size_t avail)
{
	u64 v = 0;
	size_t i;

	for (i = 0; i < 8 && i < avail; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

/* Build the number the input describes in a (cap MAX_LIMBS + 2). */
static void build(struct bn *a, const uint8_t *data, size_t size)
{
	unsigned int shape = data[0] & 3;
	const uint8_t *rest = data + 9;
	size_t nrest = size - 9, n = 0, i;
	u64 p1 = get_u64(data + 1, 8);
	u64 delta = get_u64(rest, nrest);
	bool minus = data[0] & 0x80;
	u64 *d = a->d;

	memset(d, 0, a->cap * sizeof(u64));
	switch (shape) {
	case SHAPE_RAW:
		n = nrest / 8;
		if (n > MAX_LIMBS)
			n = MAX_LIMBS;
		for (i = 0; i < n; i++)
			d[i] = get_u64(rest + 8 * i, 8);
		break;
	case SHAPE_POW10: {
		/* 10^k + d or 10^k - d, k < 19 * (MAX_LIMBS - 2) */
		size_t k = (size_t)(p1 % (19 * (MAX_LIMBS - 2)));
		u64 c;

		d[0] = 1;
		n = 1;
		for (; k >= 19; k -= 19) {
			c = mul_add_1(d, n, E19, 0);
			if (c)
				d[n++] = c;
		}
		for (; k; k--) {
			c = mul_add_1(d, n, 10, 0);
			if (c)
				d[n++] = c;
		}
		if (minus) {
			if (n > 1 || d[0] > delta)
				bn_sub_1(d, d, n, delta);
		} else {
			d[n] = bn_add_1(d, d, n, delta);
			n++;
		}
		break;
	}
	case SHAPE_ONES:
		n = (size_t)(p1 % MAX_LIMBS) + 1;
		for (i = 0; i < n; i++)
			d[i] = ~0ULL;
		bn_sub_1(d, d, n, delta);
		break;
	case SHAPE_REPEAT:
		n = (size_t)(p1 % MAX_LIMBS) + 1;
		for (i = 0; i < n * 8; i++)
			((uint8_t *)d)[i] = nrest ? rest[i % nrest] : 0xa5;
		/* little-endian host assumed (x86-64, arm64) */
		break;
	}
	bn_set_len(a, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bn_ctx mk = { 0 };
	struct bn *a;
	unsigned int inject, base;
	unsigned long k;
	struct out o = { 0 };
	char *ref;
	size_t ref_len;
	int err;

	if (size < 9)
		return 0;
	set_tuning(data[8]);
	a = bn_new(&mk, MAX_LIMBS + 2);
	assert(a);
	build(a, data, size);
	assert(a->len <= MAX_LIMBS + 1);
	inject = (data[0] >> 2) & 3;
	k = (unsigned long)(data[0] >> 4 & 7) * 37 + (data[1] ^ data[8]) % 64 + 1;

	o.cap = 20 * (a->len + 1) + 1;
	o.buf = malloc(o.cap);
	ref = malloc(o.cap);
	assert(o.buf && ref);

	for (base = 10; base <= 16; base += 6) {
		struct cancel cc = { .polls = 0, .at = ~0UL };
		struct bn_ctx ctx = { .cancelled = cancelled, .arg = &cc };
		int want_err = 0;

		o.len = 0;
		o.calls = 0;
		o.fail_at = 0;
		switch (inject) {
		case INJECT_SINK:
			o.fail_at = k;
			want_err = -EIO;
			break;
		case INJECT_CANCEL:
			cc.at = k;
			want_err = -ECANCELED;
			break;
		case INJECT_ALLOC:
			kshim_fail_after = (long)(k % 24);
			want_err = -ENOMEM;
			break;
		}
		err = bn_to_text(a, base, sink, &o, &ctx);
		kshim_fail_after = -1;
		/* Everything the conversion allocated is freed, error or not. */
		assert(ctx.bytes_now == 0);
		assert(ctx.bytes_peak <= bn_conv_peak_bytes(a->len, base));
		if (err) {
			assert(err == want_err);
			continue;
		}
		if (base == 10) {
			ref_len = ref_dec(a->d, a->len, ref);
			parse_back(o.buf, o.len, a->d, a->len);
		} else {
			ref_len = ref_hex(a->d, a->len, ref);
			assert(bn_text_len(a, 16) == (s64)o.len);
		}
		assert(o.len == ref_len);
		assert(!memcmp(o.buf, ref, ref_len));
		assert(o.len == 1 || o.buf[0] != '0');
	}
	/* Bad bases are refused before anything is allocated. */
	assert(bn_to_text(a, data[2] == 10 || data[2] == 16 ? 8 : data[2],
			  sink, &o, NULL) == -EINVAL);
	free(o.buf);
	free(ref);
	bn_free_ctx(a, &mk);
	assert(mk.bytes_now == 0);
	return 0;
}
