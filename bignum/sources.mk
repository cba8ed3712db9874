# SPDX-License-Identifier: GPL-2.0
# The big-number core, kernel-agnostic: linked into khttpd.ko (Kbuild), the
# KUnit build and every user-space test, fuzzer and tool.  bignum/tune.c
# (BN_TUNE builds only) makes the thresholds variables for tests and the
# tuner.  Paths are relative to the repository root.
BIGNUM_SRCS := bignum/basic.c bignum/x86_64.c bignum/mul.c bignum/toom.c \
	bignum/ssa.c bignum/div.c bignum/fib.c bignum/conv.c bignum/bignum.c
BIGNUM_TUNE_SRCS := bignum/tune.c
