# SPDX-License-Identifier: GPL-2.0
#
# bignum.mk - user-space builds of bignum/: tests, tools/fib, benchmark and
# threshold tuner.  Included by the top-level Makefile; also works alone:
#
#   make -f bignum/bignum.mk bignum-test    ASan+UBSan suite vs GMP, then
#                                           F(10^7) from an -O2 build
#   make -f bignum/bignum.mk fib-cli        $(BUILD)/fib N [-x]
#   make -f bignum/bignum.mk bench-bignum   the table of Documentation/bignum.md
#   make -f bignum/bignum.mk tune-bignum    measure the thresholds

BUILD ?= build
BIGNUM_DIR := $(dir $(lastword $(MAKEFILE_LIST)))
# Included early, this file must not become the including Makefile's
# default goal.
bn_saved_goal := $(.DEFAULT_GOAL)
include $(BIGNUM_DIR)sources.mk

BN_CC ?= cc
BN_WARN := -Wall -Wextra -Wno-unused-parameter
BN_INC := -I include -I bignum -I tools/testing/unit
BN_HDRS := include/khttpd_shim.h bignum/bignum.h bignum/bn_internal.h
BN_SAN := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined -DKSHIM_FAULT_INJECT
BN_OPT := -O2 -g

.PHONY: bignum-test fib-cli bench-bignum tune-bignum fiblen-check

$(BUILD)/bignum/bignum_test: tools/testing/unit/bignum_test.c $(BIGNUM_SRCS) bignum/tune.c $(BN_HDRS)
	@mkdir -p $(@D)
	$(BN_CC) $(BN_SAN) -DBN_TUNE $(BN_WARN) $(BN_INC) $(BIGNUM_SRCS) bignum/tune.c $< -lgmp -o $@

$(BUILD)/bignum/bignum_test_opt: tools/testing/unit/bignum_test.c $(BIGNUM_SRCS) bignum/tune.c $(BN_HDRS)
	@mkdir -p $(@D)
	$(BN_CC) $(BN_OPT) -DBN_TUNE -DKSHIM_FAULT_INJECT $(BN_WARN) $(BN_INC) $(BIGNUM_SRCS) bignum/tune.c $< -lgmp -o $@

bignum-test: $(BUILD)/bignum/bignum_test $(BUILD)/bignum/bignum_test_opt
	$(BUILD)/bignum/bignum_test
	$(BUILD)/bignum/bignum_test_opt --big

$(BUILD)/fib: tools/fib/fib.c $(BIGNUM_SRCS) $(BN_HDRS)
	@mkdir -p $(@D)
	$(BN_CC) $(BN_OPT) $(BN_WARN) $(BN_INC) $(BIGNUM_SRCS) $< -o $@

fib-cli: $(BUILD)/fib

$(BUILD)/bignum/bignum_bench: tools/bench/bignum_bench.c $(BIGNUM_SRCS) $(BN_HDRS)
	@mkdir -p $(@D)
	$(BN_CC) $(BN_OPT) $(BN_WARN) $(BN_INC) $(BIGNUM_SRCS) $< -lgmp -o $@

bench-bignum: $(BUILD)/bignum/bignum_bench
	nice $(BUILD)/bignum/bignum_bench

$(BUILD)/bignum/bignum_tune: tools/bench/bignum_tune.c $(BIGNUM_SRCS) bignum/tune.c $(BN_HDRS)
	@mkdir -p $(@D)
	$(BN_CC) $(BN_OPT) -DBN_TUNE $(BN_WARN) $(BN_INC) $(BIGNUM_SRCS) bignum/tune.c $< -lgmp -o $@

tune-bignum: $(BUILD)/bignum/bignum_tune
	nice $(BUILD)/bignum/bignum_tune

$(BUILD)/bignum/bignum_fiblen_check: tools/bench/bignum_fiblen_check.c $(BIGNUM_SRCS) $(BN_HDRS)
	@mkdir -p $(@D)
	$(BN_CC) $(BN_OPT) $(BN_WARN) $(BN_INC) $(BIGNUM_SRCS) $< -o $@

# One-off proof that bn_fib_text_len() is exact for every N (about a minute).
fiblen-check: $(BUILD)/bignum/bignum_fiblen_check
	nice $(BUILD)/bignum/bignum_fiblen_check

# Restore the including Makefile's default goal (or leave it to its next
# rule): `make -f bignum/bignum.mk` alone needs a target name.
.DEFAULT_GOAL := $(bn_saved_goal)
