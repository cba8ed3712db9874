// SPDX-License-Identifier: GPL-2.0
/*
 * bignum_kunit.c - KUnit suite of khttpd's bignum core, running the very
 * sources of khttpd.ko in the kernel (UML, KASAN): known values, Fibonacci
 * identities, every multiplication algorithm against schoolbook, injected
 * allocation failures, and cancellation.
 */
#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "bignum/bn_internal.h"

struct kbuf {
	char *s;
	size_t len, cap;
};

static int kbuf_sink(void *arg, const char *buf, size_t len)
{
	struct kbuf *b = arg;

	if (b->len + len + 1 > b->cap)
		return -ENOSPC;
	memcpy(b->s + b->len, buf, len);
	b->len += len;
	b->s[b->len] = '\0';
	return 0;
}

/* F(n) as text in a kunit-managed buffer. */
static char *fib_text(struct kunit *test, u32 n, unsigned int base)
{
	struct kbuf b = { .cap = 4096 };
	struct bn *f;

	b.s = kunit_kzalloc(test, b.cap, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b.s);
	KUNIT_ASSERT_EQ(test, bn_fib(&f, n, NULL), 0);
	KUNIT_EXPECT_EQ(test, bn_to_text(f, base, kbuf_sink, &b, NULL), 0);
	bn_free(f);
	return b.s;
}

static void bignum_known_values(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, fib_text(test, 0, 10), "0");
	KUNIT_EXPECT_STREQ(test, fib_text(test, 1, 10), "1");
	KUNIT_EXPECT_STREQ(test, fib_text(test, 2, 10), "1");
	KUNIT_EXPECT_STREQ(test, fib_text(test, 93, 10),
			   "12200160415121876738");
	KUNIT_EXPECT_STREQ(test, fib_text(test, 94, 10),
			   "19740274219868223167");
	KUNIT_EXPECT_STREQ(test, fib_text(test, 94, 16), "111f38ad0840bf6bf");
	KUNIT_EXPECT_STREQ(test, fib_text(test, 1000, 10),
			   "43466557686937456435688527675040625802564660517371780402481729089536555417949051890403879840079255169295922593080322634775209689623239873322471161642996440906533187938298969649928516003704476137795166849228875");
	KUNIT_EXPECT_EQ(test, bn_fib_text_len(1000, 10), 209);
	KUNIT_EXPECT_EQ(test, bn_fib_text_len(0x7fffffff, 10), 448797540);
}

/* Limbs of F(n) in a kunit-managed array; *len receives the length. */
static u64 *fib_limbs(struct kunit *test, u32 n, size_t *len)
{
	struct bn *f;
	u64 *d;

	KUNIT_ASSERT_EQ(test, bn_fib(&f, n, NULL), 0);
	*len = f->len;
	d = kunit_kcalloc(test, f->len + 2, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	memcpy(d, f->d, f->len * sizeof(u64));
	bn_free(f);
	return d;
}

static u64 *product(struct kunit *test, const u64 *a, size_t an,
		    const u64 *b, size_t bn)
{
	struct bn_ctx ctx = { 0 };
	u64 *r = kunit_kcalloc(test, an + bn + 1, sizeof(u64), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, bn_mul(r, a, an, b, bn, &ctx), 0);
	return r;
}

/* Cassini: F(n - 1) F(n + 1) - F(n)^2 = (-1)^n. */
static void bignum_cassini(struct kunit *test)
{
	static const u32 ns[] = { 95, 100, 1001, 12345, 100000, 250001 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		size_t l0, l1, l2, pl, sl;
		u64 *f0 = fib_limbs(test, ns[i] - 1, &l0);
		u64 *f1 = fib_limbs(test, ns[i], &l1);
		u64 *f2 = fib_limbs(test, ns[i] + 1, &l2);
		u64 *p = product(test, f0, l0, f2, l2);
		u64 *s = product(test, f1, l1, f1, l1);

		pl = l0 + l2;
		sl = 2 * l1;
		if (ns[i] & 1)
			bn_add_1(p, p, pl, 1);	/* p + 1 = s */
		else
			bn_add_1(s, s, sl, 1);	/* p = s + 1 */
		KUNIT_EXPECT_EQ_MSG(test, bn_cmp2(p, pl, s, sl), 0, "n=%u",
				    ns[i]);
	}
}

/* F(2n) = F(n) L(n), L(n) = F(n - 1) + F(n + 1). */
static void bignum_doubling(struct kunit *test)
{
	static const u32 ns[] = { 94, 500, 4097, 60000, 200000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		size_t l0, l1, l2, l3;
		u64 *f0 = fib_limbs(test, ns[i] - 1, &l0);
		u64 *f1 = fib_limbs(test, ns[i], &l1);
		u64 *f2 = fib_limbs(test, ns[i] + 1, &l2);
		u64 *f3 = fib_limbs(test, 2 * ns[i], &l3);
		u64 *lu = kunit_kcalloc(test, l2 + 1, sizeof(u64), GFP_KERNEL);
		u64 *p;

		KUNIT_ASSERT_NOT_NULL(test, lu);
		lu[l2] = bn_add(lu, f2, l2, f0, l0);
		p = product(test, f1, l1, lu, l2 + 1);
		KUNIT_EXPECT_EQ_MSG(test, bn_cmp2(p, l1 + l2 + 1, f3, l3), 0,
				    "n=%u", ns[i]);
	}
}

static void fill_random(struct rnd_state *st, u64 *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = ((u64)prandom_u32_state(st) << 32) |
		       prandom_u32_state(st);
	if (n % 3 == 0)
		for (i = 0; i < n / 2; i++)
			a[i] = ~0ULL;	/* long carry chains */
}

/*
 * r = a b, one 128-bit product at a time: the reference, independent of
 * bignum/'s own loops (which may be the x86-64 assembly of x86_64.c).
 */
static void ref_mul(u64 *r, const u64 *a, size_t an, const u64 *b,
		    size_t bn)
{
	size_t i, j;

	memset(r, 0, (an + bn) * 8);
	for (j = 0; j < bn; j++) {
		u64 c = 0;

		for (i = 0; i < an; i++) {
			unsigned __int128 t = (unsigned __int128)a[i] * b[j] +
					      r[i + j] + c;

			r[i + j] = (u64)t;
			c = (u64)(t >> 64);
		}
		r[an + j] = c;
	}
}

/*
 * Schoolbook, Karatsuba, Toom-3 and SSA, multiply and square, against
 * the reference.
 */
static void bignum_mul_algorithms(struct kunit *test)
{
	static const size_t sz[][2] = { { 1, 1 }, { 7, 3 }, { 33, 33 },
					{ 64, 40 }, { 100, 100 }, { 257, 130 },
					{ 700, 700 }, { 1500, 999 } };
	struct bn_ctx ctx = { 0 };
	struct rnd_state st;
	unsigned int i;

	prandom_seed_state(&st, 42);
	for (i = 0; i < ARRAY_SIZE(sz); i++) {
		size_t an = sz[i][0], bn = sz[i][1], rn = an + bn;
		u64 *a = kunit_kcalloc(test, an, 8, GFP_KERNEL);
		u64 *b = kunit_kcalloc(test, bn, 8, GFP_KERNEL);
		u64 *ref = kunit_kcalloc(test, 2 * an, 8, GFP_KERNEL);
		u64 *r = kunit_kcalloc(test, 2 * an, 8, GFP_KERNEL);

		KUNIT_ASSERT_TRUE(test, a && b && ref && r);
		fill_random(&st, a, an);
		fill_random(&st, b, bn);
		ref_mul(ref, a, an, b, bn);
		bn_mul_basecase(r, a, an, b, bn);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(r, ref, rn * 8), 0,
				    "basecase %zu x %zu", an, bn);
		KUNIT_EXPECT_EQ(test, bn_mul_kara(r, a, an, b, bn, &ctx), 0);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(r, ref, rn * 8), 0,
				    "kara %zu x %zu", an, bn);
		if (rn >= 8) {
			KUNIT_EXPECT_EQ(test,
					bn_mul_ssa(r, a, an, b, bn, &ctx), 0);
			KUNIT_EXPECT_EQ_MSG(test, memcmp(r, ref, rn * 8), 0,
					    "ssa %zu x %zu", an, bn);
		}
		if (bn >= 9) {
			KUNIT_EXPECT_EQ(test, bn_mul_toom3(r, a, a + an - bn,
							   bn, &ctx), 0);
			ref_mul(ref, a, bn, a + an - bn, bn);
			KUNIT_EXPECT_EQ_MSG(test, memcmp(r, ref, 2 * bn * 8),
					    0, "toom3 %zu", bn);
		}
		ref_mul(ref, a, an, a, an);
		if (an >= 9) {
			KUNIT_EXPECT_EQ(test, bn_sqr_toom3(r, a, an, &ctx), 0);
			KUNIT_EXPECT_EQ_MSG(test, memcmp(r, ref, 2 * an * 8),
					    0, "toom3 sqr %zu", an);
		}
		KUNIT_EXPECT_EQ(test, bn_sqr_kara(r, a, an, &ctx), 0);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(r, ref, 2 * an * 8), 0,
				    "kara sqr %zu", an);
		bn_sqr_basecase(r, a, an);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(r, ref, 2 * an * 8), 0,
				    "sqr basecase %zu", an);
		if (an >= 4) {
			KUNIT_EXPECT_EQ(test,
					bn_mul_ssa(r, a, an, a, an, &ctx), 0);
			KUNIT_EXPECT_EQ_MSG(test, memcmp(r, ref, 2 * an * 8),
					    0, "ssa sqr %zu", an);
		}
	}
	KUNIT_EXPECT_EQ(test, ctx.bytes_now, 0);
}

static int null_sink(void *arg, const char *buf, size_t len)
{
	return 0;
}

/* Each allocation in turn fails: -ENOMEM, nothing leaks. */
static void bignum_alloc_failures(struct kunit *test)
{
	static const u32 ns[] = { 94, 3000, 60000 };
	unsigned int i;
	long k;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		for (k = 0; k < 100000; k++) {
			struct bn_ctx ctx = { 0 };
			struct bn *f = NULL;
			int err;

			kshim_fail_after = k;
			err = bn_fib(&f, ns[i], &ctx);
			if (!err) {
				err = bn_to_text(f, 10, null_sink, NULL, &ctx);
				bn_free_ctx(f, &ctx);
			}
			kshim_fail_after = -1;
			KUNIT_EXPECT_EQ(test, ctx.bytes_now, 0);
			if (!err)
				break;
			KUNIT_EXPECT_EQ(test, err, -ENOMEM);
		}
		KUNIT_EXPECT_LT(test, k, 100000);
	}
}

struct cancel_state {
	long calls, after;
};

static bool cancel_cb(void *arg)
{
	struct cancel_state *c = arg;

	return ++c->calls > c->after;
}

/* The first "stop" is obeyed at once: no further polls, all freed. */
static void bignum_cancellation(struct kunit *test)
{
	struct cancel_state cs = { 0, 5 };
	struct bn_ctx ctx = { cancel_cb, &cs, 0, 0 };
	struct bn *f;

	KUNIT_EXPECT_EQ(test, bn_fib(&f, 3000000, &ctx), -ECANCELED);
	KUNIT_EXPECT_EQ(test, cs.calls, 6);
	KUNIT_EXPECT_EQ(test, ctx.bytes_now, 0);

	cs.after = 1000000;
	KUNIT_ASSERT_EQ(test, bn_fib(&f, 200000, &ctx), 0);
	cs.calls = 0;
	cs.after = 2;
	KUNIT_EXPECT_EQ(test, bn_to_text(f, 10, null_sink, NULL, &ctx),
			-ECANCELED);
	KUNIT_EXPECT_EQ(test, cs.calls, 3);
	bn_free_ctx(f, &ctx);
	KUNIT_EXPECT_EQ(test, ctx.bytes_now, 0);
}

static struct kunit_case bignum_cases[] = {
	KUNIT_CASE(bignum_known_values),
	KUNIT_CASE(bignum_cassini),
	KUNIT_CASE(bignum_doubling),
	KUNIT_CASE(bignum_mul_algorithms),
	KUNIT_CASE(bignum_alloc_failures),
	KUNIT_CASE(bignum_cancellation),
	{}
};

static struct kunit_suite bignum_suite = {
	.name = "khttpd_bignum",
	.test_cases = bignum_cases,
};

kunit_test_suite(bignum_suite);
