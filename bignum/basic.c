// SPDX-License-Identifier: GPL-2.0
/*
 * basic.c - linear-time limb arithmetic: add, subtract, shift, compare,
 * multiply by one limb, divide by 10^19.
 */
#include "bignum/bn_internal.h"

u64 bn_add_n(u64 *r, const u64 *a, const u64 *b, size_t n)
{
	size_t i = bn_asm_limbs(n, BN_ASM_ALLOWED);
	u64 c = i ? bn_add_4k_x86(r, a, b, i) : 0;

	for (; i < n; i++) {
		u64 s = a[i] + c;

		c = s < c;
		r[i] = s + b[i];
		c += r[i] < s;
	}
	return c;
}

u64 bn_sub_n(u64 *r, const u64 *a, const u64 *b, size_t n)
{
	size_t i = bn_asm_limbs(n, BN_ASM_ALLOWED);
	u64 c = i ? bn_sub_4k_x86(r, a, b, i) : 0;

	for (; i < n; i++) {
		u64 x = a[i], y = b[i] + c;

		c = y < c;
		c += x < y;
		r[i] = x - y;
	}
	return c;
}

u64 bn_add_1(u64 *r, const u64 *a, size_t n, u64 b)
{
	size_t i;

	for (i = 0; i < n; i++) {
		u64 s = a[i] + b;

		b = s < b;
		r[i] = s;
		if (!b) {
			if (r != a)
				memcpy(r + i + 1, a + i + 1,
				       (n - i - 1) * sizeof(u64));
			return 0;
		}
	}
	return b;
}

u64 bn_sub_1(u64 *r, const u64 *a, size_t n, u64 b)
{
	size_t i;

	for (i = 0; i < n; i++) {
		u64 x = a[i];

		r[i] = x - b;
		b = x < b;
		if (!b) {
			if (r != a)
				memcpy(r + i + 1, a + i + 1,
				       (n - i - 1) * sizeof(u64));
			return 0;
		}
	}
	return b;
}

/* r = a + b with an >= bn; returns the carry. */
u64 bn_add(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn)
{
	u64 c = bn_add_n(r, a, b, bn);

	return bn_add_1(r + bn, a + bn, an - bn, c);
}

/* r = a - b with an >= bn; returns the borrow. */
u64 bn_sub(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn)
{
	u64 c = bn_sub_n(r, a, b, bn);

	return bn_sub_1(r + bn, a + bn, an - bn, c);
}

/* r = a << s, 0 < s < 64 (s == 0 copies); returns the bits shifted out. */
u64 bn_lshift(u64 *r, const u64 *a, size_t n, unsigned int s)
{
	u64 out;
	size_t i;

	if (!n)
		return 0;
	if (!s) {
		memmove(r, a, n * sizeof(u64));
		return 0;
	}
	out = a[n - 1] >> (64 - s);
	for (i = n - 1; i > 0; i--)
		r[i] = (a[i] << s) | (a[i - 1] >> (64 - s));
	r[0] = a[0] << s;
	return out;
}

/* r = a >> s, 0 < s < 64 (s == 0 copies); returns the bits shifted out. */
u64 bn_rshift(u64 *r, const u64 *a, size_t n, unsigned int s)
{
	u64 out;
	size_t i;

	if (!n)
		return 0;
	if (!s) {
		memmove(r, a, n * sizeof(u64));
		return 0;
	}
	out = a[0] << (64 - s);
	for (i = 0; i + 1 < n; i++)
		r[i] = (a[i] >> s) | (a[i + 1] << (64 - s));
	r[n - 1] = a[n - 1] >> s;
	return out;
}

/*
 * r = a * b; returns the high limb.  The carries are kept in 64-bit
 * variables: compilers spill 128-bit sums to the stack, which costs
 * nearly half the speed of the basecase.
 */
u64 bn_mul_1(u64 *r, const u64 *a, size_t n, u64 b)
{
	size_t i = bn_asm_limbs(n, bn_use_adx());
	u64 c = i ? bn_mul_4k_adx(r, a, i, b) : 0;

	for (; i < n; i++) {
		bn_u128 p = (bn_u128)a[i] * b;
		u64 l = (u64)p, h = (u64)(p >> 64);

		l += c;
		h += l < c;
		r[i] = l;
		c = h;
	}
	return c;
}

/* r += a * b; returns the carry limb. */
u64 bn_addmul_1(u64 *r, const u64 *a, size_t n, u64 b)
{
	size_t i = bn_asm_limbs(n, bn_use_adx());
	u64 c = i ? bn_addmul_4k_adx(r, a, i, b) : 0;

	for (; i < n; i++) {
		bn_u128 p = (bn_u128)a[i] * b;
		u64 l = (u64)p, h = (u64)(p >> 64), x = r[i];

		l += c;
		h += l < c;
		l += x;
		h += l < x;
		r[i] = l;
		c = h;
	}
	return c;
}
int bn_cmp(const u64 *a, const u64 *b, size_t n)
{
	while (n--) {
		if (a[n] != b[n])
			return a[n] > b[n] ? 1 : -1;
	}
	return 0;
}

/* Compare numbers of possibly different lengths (high zeros allowed). */
int bn_cmp2(const u64 *a, size_t an, const u64 *b, size_t bn)
{
	an = bn_normlen(a, an);
	bn = bn_normlen(b, bn);
	if (an != bn)
		return an > bn ? 1 : -1;
	return bn_cmp(a, b, an);
}

size_t bn_normlen(const u64 *a, size_t n)
{
	while (n && !a[n - 1])
		n--;
	return n;
}

bool bn_is_zero(const u64 *a, size_t n)
{
	return bn_normlen(a, n) == 0;
}

void bn_zero(u64 *r, size_t n)
{
	if (n)
		memset(r, 0, n * sizeof(u64));
}

void bn_copy(u64 *r, const u64 *a, size_t n)
{
	if (n && r != a)
		memmove(r, a, n * sizeof(u64));
}

/* Leading zero bits of x; 64 for 0. */
unsigned int bn_clz(u64 x)
{
	return x ? (unsigned int)__builtin_clzll(x) : 64;
}

/*
 * 10^19 is normalized (2^63 <= 10^19 < 2^64), so one limb of quotient
 * comes from the high limb of (hi, lo) with the precomputed reciprocal
 * v = floor((2^128 - 1) / 10^19) - 2^64 (Moller and Granlund, "Improved
 * division by invariant integers", 2011), without any 128-bit division.
 */
#define BN_1E19 10000000000000000000ULL
#define BN_1E19_INV 15581492618384294730ULL

static inline u64 div_1e19_step(u64 hi, u64 lo, u64 *rem)
{
	bn_u128 q = (bn_u128)BN_1E19_INV * hi + (((bn_u128)hi << 64) | lo);
	u64 q1 = (u64)(q >> 64) + 1, q0 = (u64)q;
	u64 r = lo - q1 * BN_1E19;

	if (r > q0) {
		q1--;
		r += BN_1E19;
	}
	if (r >= BN_1E19) {
		q1++;
		r -= BN_1E19;
	}
	*rem = r;
	return q1;
}

/* q = a / 10^19 (n limbs, q may equal a); returns the remainder. */
u64 bn_div_1e19(u64 *q, const u64 *a, size_t n)
{
	u64 r = 0;

	while (n--)
		q[n] = div_1e19_step(r, a[n], &r);
	return r;
}
