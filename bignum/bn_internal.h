/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bn_internal.h - limb-level primitives shared by the files of bignum/.
 *
 * Numbers are little-endian arrays of 64-bit limbs with an explicit length.
 * Unless said otherwise, a result array must not overlap the inputs, except
 * that the element-wise routines (add/sub/shift/mul_1) allow r == a.
 */
#ifndef KHTTPD_BN_INTERNAL_H
#define KHTTPD_BN_INTERNAL_H

#include "include/khttpd_shim.h"
#include "bignum/bignum.h"

#ifndef noinline
#define noinline __attribute__((__noinline__))
#endif

/* 64 x 64 -> 128-bit products; the kernel allows them (no division). */
#define bn_u128 unsigned __int128

struct bn {
	size_t len;	/* limbs in use; d[len - 1] != 0 unless len == 0 */
	size_t cap;	/* limbs allocated */
	u64 d[];
};

/*
 * Tuned thresholds (limbs).  See tools/bench/tune.c and
 * Documentation/bignum.md.  The tuner builds the library with BN_TUNE,
 * which turns them into variables it can sweep; the module and the tests
 * use the constants.
 */
#define BN_DEF_MUL_KARA 32
#define BN_DEF_SQR_KARA 48
#define BN_DEF_MUL_TOOM3 300
#define BN_DEF_SQR_TOOM3 800
#define BN_DEF_MUL_SSA 2000
#define BN_DEF_SQR_SSA 1600
#define BN_DEF_SSA_INNER 500
#define BN_DEF_DC_CONV 16
#define BN_DEF_SSA_KBIAS 0

#ifdef BN_TUNE
extern size_t bn_tune_mul_kara, bn_tune_sqr_kara, bn_tune_mul_toom3,
	bn_tune_sqr_toom3, bn_tune_mul_ssa,
	bn_tune_sqr_ssa, bn_tune_ssa_inner, bn_tune_dc_conv;
extern int bn_tune_ssa_kbias;
extern bool bn_tune_asm;
#define BN_MUL_KARA_THR bn_tune_mul_kara
#define BN_SQR_KARA_THR bn_tune_sqr_kara
#define BN_MUL_TOOM3_THR bn_tune_mul_toom3
#define BN_SQR_TOOM3_THR bn_tune_sqr_toom3
#define BN_MUL_SSA_THR bn_tune_mul_ssa
#define BN_SQR_SSA_THR bn_tune_sqr_ssa
#define BN_SSA_INNER_THR bn_tune_ssa_inner
#define BN_DC_CONV_THR bn_tune_dc_conv
#define BN_SSA_KBIAS bn_tune_ssa_kbias
#define BN_ASM_ALLOWED bn_tune_asm
#else
#define BN_MUL_KARA_THR BN_DEF_MUL_KARA
#define BN_SQR_KARA_THR BN_DEF_SQR_KARA
#define BN_MUL_TOOM3_THR BN_DEF_MUL_TOOM3
#define BN_SQR_TOOM3_THR BN_DEF_SQR_TOOM3
#define BN_MUL_SSA_THR BN_DEF_MUL_SSA
#define BN_SQR_SSA_THR BN_DEF_SQR_SSA
#define BN_SSA_INNER_THR BN_DEF_SSA_INNER
#define BN_DC_CONV_THR BN_DEF_DC_CONV
#define BN_SSA_KBIAS BN_DEF_SSA_KBIAS
#define BN_ASM_ALLOWED true
#endif

/* bn_recip() divides directly up to this many limbs, Newton above. */
#define BN_RECIP_LONG 32

/* Operations above this many limbs poll the context (yield, cancel). */
#define BN_POLL_LIMBS 64

/* --- context, allocation (bignum.c) --- */
int bn_poll(struct bn_ctx *ctx);
void *bn_alloc(struct bn_ctx *ctx, size_t bytes);
void bn_dealloc(struct bn_ctx *ctx, void *p);
u64 *bn_alloc_limbs(struct bn_ctx *ctx, size_t n);
struct bn *bn_new(struct bn_ctx *ctx, size_t cap);
void bn_set_len(struct bn *a, size_t len);

/* --- Fibonacci (fib.c, bignum.c, conv.c) --- */
u64 bn_fib_small(u32 n);
s64 bn_fib_log_floor(u32 n, unsigned int base);
unsigned int bn_fib_steps(u32 n);
u64 bn_conv_peak_bytes(size_t limbs, unsigned int base);
unsigned int bn_conv_plan(size_t an, u64 top, size_t *width,
			  unsigned int max);
size_t bn_conv_state_bytes(void);
unsigned int bn_conv_guard(void);

/* --- basic arithmetic (basic.c) --- */
u64 bn_add_n(u64 *r, const u64 *a, const u64 *b, size_t n);
u64 bn_sub_n(u64 *r, const u64 *a, const u64 *b, size_t n);
u64 bn_add_1(u64 *r, const u64 *a, size_t n, u64 b);
u64 bn_sub_1(u64 *r, const u64 *a, size_t n, u64 b);
u64 bn_add(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn);
u64 bn_sub(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn);
u64 bn_lshift(u64 *r, const u64 *a, size_t n, unsigned int s);
u64 bn_rshift(u64 *r, const u64 *a, size_t n, unsigned int s);
u64 bn_mul_1(u64 *r, const u64 *a, size_t n, u64 b);
u64 bn_addmul_1(u64 *r, const u64 *a, size_t n, u64 b);
int bn_cmp(const u64 *a, const u64 *b, size_t n);
int bn_cmp2(const u64 *a, size_t an, const u64 *b, size_t bn);
size_t bn_normlen(const u64 *a, size_t n);
bool bn_is_zero(const u64 *a, size_t n);
void bn_zero(u64 *r, size_t n);
void bn_copy(u64 *r, const u64 *a, size_t n);
unsigned int bn_clz(u64 x);
u64 bn_div_1e19(u64 *q, const u64 *a, size_t n);

/*
 * --- x86-64 inner loops for multiples of four limbs (x86_64.c) ---
 * BN_NO_ASM builds the portable loops alone (to compile-test the path
 * other machines take).
 */
#if defined(__x86_64__) && !defined(BN_NO_ASM)
#define BN_X86_ASM 1
u64 bn_add_4k_x86(u64 *r, const u64 *a, const u64 *b, size_t n);
u64 bn_sub_4k_x86(u64 *r, const u64 *a, const u64 *b, size_t n);
u64 bn_mul_4k_adx(u64 *r, const u64 *a, size_t n, u64 b);
u64 bn_addmul_4k_adx(u64 *r, const u64 *a, size_t n, u64 b);
void bn_mul_basecase_adx(u64 *r, const u64 *a, size_t an, const u64 *b,
			 size_t bn);
void bn_sqr_basecase_adx(u64 *r, const u64 *a, size_t n);

/* Whether bn_mul_1()/bn_addmul_1() take the MULX/ADX loops. */
static inline bool bn_use_adx(void)
{
	return BN_ASM_ALLOWED && kshim_cpu_has_adx();
}

/*
 * The limbs an x86_64.c loop takes of n: the largest multiple of four,
 * from the bottom (the caller's portable loop does the rest with the
 * carry), or 0 when @ok is false.
 */
static inline size_t bn_asm_limbs(size_t n, bool ok)
{
	return ok ? n & ~(size_t)3 : 0;
}
#else
/* Never called: bn_asm_limbs() is 0 on other machines. */
#define bn_add_4k_x86(r, a, b, n) 0
#define bn_sub_4k_x86(r, a, b, n) 0
#define bn_mul_4k_adx(r, a, n, b) 0
#define bn_addmul_4k_adx(r, a, n, b) 0
#define bn_mul_basecase_adx(r, a, an, b, bn) do { } while (0)
#define bn_sqr_basecase_adx(r, a, n) do { } while (0)

static inline bool bn_use_adx(void)
{
	return false;
}

static inline size_t bn_asm_limbs(size_t n, bool ok)
{
	return 0;
}
#endif

/* --- multiplication (mul.c, ssa.c) --- */
void bn_mul_basecase(u64 *r, const u64 *a, size_t an, const u64 *b,
		     size_t bn);
void bn_sqr_basecase(u64 *r, const u64 *a, size_t n);
size_t bn_kara_scratch(size_t n);
int bn_mul_n_scr(u64 *r, const u64 *a, const u64 *b, size_t n, u64 *scr,
		 struct bn_ctx *ctx);
int bn_sqr_n_scr(u64 *r, const u64 *a, size_t n, u64 *scr,
		 struct bn_ctx *ctx);
int bn_mul(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn,
	   struct bn_ctx *ctx);
int bn_sqr(u64 *r, const u64 *a, size_t n, struct bn_ctx *ctx);
int bn_mul_kara(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn,
		struct bn_ctx *ctx);
int bn_sqr_kara(u64 *r, const u64 *a, size_t n, struct bn_ctx *ctx);
int bn_mul_toom3(u64 *r, const u64 *a, const u64 *b, size_t n,
		 struct bn_ctx *ctx);
int bn_sqr_toom3(u64 *r, const u64 *a, size_t n, struct bn_ctx *ctx);
u64 bn_toom_peak_bytes(size_t n, bool sqr);
int bn_mul_ssa(u64 *r, const u64 *a, size_t an, const u64 *b, size_t bn,
	       struct bn_ctx *ctx);
size_t bn_fermat_ring(size_t n);
void bn_fermat_reduce(u64 *r, const u64 *a, size_t an, size_t m);
void bn_fermat_sub(u64 *r, const u64 *a, const u64 *b, size_t m);
void bn_fermat_signed(u64 *v, size_t m);
int bn_mulmod_fermat(u64 *r, const u64 *a, size_t an, const u64 *b,
		     size_t bn, size_t m, struct bn_ctx *ctx);
u64 bn_mul_peak_bytes(size_t an, size_t bn, bool sqr);
u64 bn_ssa_peak_bytes(size_t an, size_t bn, bool sqr);
u64 bn_mulmod_peak_bytes(size_t m);

/* --- division (div.c) --- */
int bn_recip(u64 *x, const u64 *d, size_t n, struct bn_ctx *ctx);
int bn_recip_from(u64 *x, const u64 *d, size_t n, const u64 *xh,
		  bool exact, struct bn_ctx *ctx);
size_t bn_divrem_scratch(size_t n);
size_t bn_recip_scratch(size_t n);
int bn_divrem_pre(u64 *q, u64 *r, const u64 *a, size_t an, const u64 *d,
		  size_t n, const u64 *x, u64 *scr, struct bn_ctx *ctx);
size_t bn_divrem_half_scratch(size_t n);
int bn_divrem_half(u64 *q, u64 *r, const u64 *a, size_t an, const u64 *d,
		   size_t n, const u64 *xh, size_t h, u64 *scr,
		   struct bn_ctx *ctx);

#endif /* KHTTPD_BN_INTERNAL_H */
