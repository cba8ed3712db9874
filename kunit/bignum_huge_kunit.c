// SPDX-License-Identifier: GPL-2.0
/*
 * bignum_huge_kunit.c - F(2^31 - 1) in the kernel build of bignum/:
 * computed, written in decimal and in hex through the sink, each text
 * checked by its length and a 64-bit FNV-1a hash against GMP's, and the
 * measured peak against bn_fib_peak_bytes().
 *
 * Built only with CONFIG_KHTTPD_KUNIT_HUGE (`make huge`, kunit/huge.sh:
 * UML without sanitizers, mem= large enough for the ~2 GiB peak); never
 * part of `make check-kunit`.  The work takes minutes, longer than the
 * 300 s KUnit gives one case in Linux 6.1, so suite_init does it and the
 * cases check what it recorded.  huge.sh verifies the expected lengths
 * and hashes below with GMP (tools/bench/gmp_fib_hash.c) on every run.
 */
#include <kunit/test.h>
#include <linux/ktime.h>

#include "bignum/bn_internal.h"

#define HUGE_N 2147483647U
#define HUGE_DEC_LEN 448797540LL
#define HUGE_DEC_FNV 0x67c809ec577d4518ULL
#define HUGE_HEX_LEN 372718289LL
#define HUGE_HEX_FNV 0x02d87aa281da5365ULL

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

struct huge_text {
	int err;
	s64 len;
	u64 hash;
	u64 ns;			/* wall time of the conversion */
	size_t peak;		/* bytes_peak while F(n) and its text */
};

static struct huge_result {
	int err;
	u64 fib_ns;
	size_t fib_peak;
	struct huge_text dec, hex;
} huge;

struct hash_sink {
	u64 h;
	s64 len;
};

static int hash_sink(void *arg, const char *buf, size_t len)
{
	struct hash_sink *k = arg;
	size_t i;

	for (i = 0; i < len; i++) {
		k->h ^= (unsigned char)buf[i];
		k->h *= FNV_PRIME;
	}
	k->len += len;
	return 0;
}

static void huge_text(const struct bn *f, unsigned int base,
		      struct bn_ctx *ctx, struct huge_text *t)
{
	struct hash_sink k = { FNV_OFFSET, 0 };
	u64 t0 = ktime_get_ns();

	ctx->bytes_peak = ctx->bytes_now;
	t->err = bn_to_text(f, base, hash_sink, &k, ctx);
	t->ns = ktime_get_ns() - t0;
	t->len = k.len;
	t->hash = k.h;
	t->peak = max(ctx->bytes_peak, huge.fib_peak);
	pr_info("khttpd huge: F(%u) base %u: %lld chars, fnv %016llx, %llu.%03llu s, peak %zu bytes (bound %llu), err %d\n",
		HUGE_N, base, t->len, t->hash, t->ns / 1000000000ULL,
		t->ns / 1000000ULL % 1000, t->peak,
		bn_fib_peak_bytes(HUGE_N, base), t->err);
}

static int huge_init(struct kunit_suite *suite)
{
	struct bn_ctx ctx = { 0 };
	struct bn *f;
	u64 t0 = ktime_get_ns();

	huge.err = bn_fib(&f, HUGE_N, &ctx);
	huge.fib_ns = ktime_get_ns() - t0;
	huge.fib_peak = ctx.bytes_peak;
	pr_info("khttpd huge: F(%u): %llu.%03llu s, peak %zu bytes (bound %llu), err %d\n",
		HUGE_N, huge.fib_ns / 1000000000ULL,
		huge.fib_ns / 1000000ULL % 1000, huge.fib_peak,
		bn_fib_peak_bytes(HUGE_N, 0), huge.err);
	if (huge.err)
		return 0;
	huge_text(f, 16, &ctx, &huge.hex);
	huge_text(f, 10, &ctx, &huge.dec);
	bn_free_ctx(f, &ctx);
	if (ctx.bytes_now)
		huge.err = -EFAULT;
	return 0;
}

/* The measured peak within [peak, 1.25 peak] of the bound. */
static void huge_expect_bound(struct kunit *test, size_t peak,
			      unsigned int base)
{
	u64 bound = bn_fib_peak_bytes(HUGE_N, base);

	KUNIT_EXPECT_LE(test, (u64)peak, bound);
	KUNIT_EXPECT_LE(test, bound, (u64)peak + peak / 4);
}

static void bignum_huge_fib(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, huge.err, 0);
	huge_expect_bound(test, huge.fib_peak, 0);
}

static void bignum_huge_hex(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, huge.err, 0);
	KUNIT_EXPECT_EQ(test, huge.hex.err, 0);
	KUNIT_EXPECT_EQ(test, huge.hex.len, HUGE_HEX_LEN);
	KUNIT_EXPECT_EQ(test, huge.hex.len, bn_fib_text_len(HUGE_N, 16));
	KUNIT_EXPECT_EQ(test, huge.hex.hash, HUGE_HEX_FNV);
	huge_expect_bound(test, huge.hex.peak, 16);
}

static void bignum_huge_decimal(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, huge.err, 0);
	KUNIT_EXPECT_EQ(test, huge.dec.err, 0);
	KUNIT_EXPECT_EQ(test, huge.dec.len, HUGE_DEC_LEN);
	KUNIT_EXPECT_EQ(test, huge.dec.len, bn_fib_text_len(HUGE_N, 10));
	KUNIT_EXPECT_EQ(test, huge.dec.hash, HUGE_DEC_FNV);
	huge_expect_bound(test, huge.dec.peak, 10);
}

static struct kunit_case bignum_huge_cases[] = {
	KUNIT_CASE(bignum_huge_fib),
	KUNIT_CASE(bignum_huge_hex),
	KUNIT_CASE(bignum_huge_decimal),
	{}
};

static struct kunit_suite bignum_huge_suite = {
	.name = "khttpd_bignum_huge",
	.suite_init = huge_init,
	.test_cases = bignum_huge_cases,
};

kunit_test_suite(bignum_huge_suite);
