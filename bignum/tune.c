// SPDX-License-Identifier: GPL-2.0
/*
 * tune.c - the thresholds as variables, for the user-space builds made
 * with -DBN_TUNE (the tests, the tuner, the bignum fuzzer), which set and
 * sweep them; the module, the benchmark and tools/fib use the constants of
 * bn_internal.h.  Not in BIGNUM_SRCS but BIGNUM_TUNE_SRCS: the tests,
 * fuzzers and tuner link it where -DBN_TUNE is given.
 */
#include "bignum/bn_internal.h"

#ifdef BN_TUNE
size_t bn_tune_mul_kara = BN_DEF_MUL_KARA;
size_t bn_tune_sqr_kara = BN_DEF_SQR_KARA;
size_t bn_tune_mul_toom3 = BN_DEF_MUL_TOOM3;
size_t bn_tune_sqr_toom3 = BN_DEF_SQR_TOOM3;
size_t bn_tune_mul_ssa = BN_DEF_MUL_SSA;
size_t bn_tune_sqr_ssa = BN_DEF_SQR_SSA;
size_t bn_tune_ssa_inner = BN_DEF_SSA_INNER;
size_t bn_tune_dc_conv = BN_DEF_DC_CONV;
int bn_tune_ssa_kbias = BN_DEF_SSA_KBIAS;
bool bn_tune_asm = true;
#endif
