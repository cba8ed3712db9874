# SPDX-License-Identifier: GPL-2.0
#
# tools.mk - the user-space tools of tools/README.md, included by the
# top-level Makefile (and usable alone: make -f tools/tools.mk tools-test).
#
#   make tools        $(BUILD)/htstress, statically linked for the guest
#   make tools-test   htstress unit tests (ASan/UBSan) and self-test,
#                     fibcheck unit tests, plot test; each prints
#                     "# NAME: pass=P fail=F"
#   make fib-cli      $(BUILD)/fib N [-x]: F(N) from bignum/, -O2
#   make bench-bignum the table of Documentation/bignum.md (vs GMP)
#   make tune-bignum  measure bignum/'s thresholds
#   make fiblen-check one-off proof that bn_fib_text_len() is exact for
#                     every N (about a minute)
#   make tools-smoke  fibcheck and a short htstress run against a server
#                     already listening on 127.0.0.1:$(PORT); set
#                     FIB_LIMIT=93 while only 64-bit answers are served
#
# Debian packages: gcc, libc6-dev (static libc), python3, python3-gmpy2
# (optional, large N in fibcheck), python3-matplotlib (plot), libgmp-dev
# (bench-bignum, tune-bignum).

BUILD ?= build
TOOLS_CC ?= gcc
TOOLS_PYTHON ?= /usr/bin/python3
HTSTRESS_CFLAGS ?= -std=gnu11 -O2 -Wall -Wextra -Werror -pthread
HTSTRESS_LDFLAGS ?= -static -pthread
HTSTRESS_TEST_CFLAGS ?= -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HTSTRESS_LIB := $(addprefix tools/htstress/,parser.c hist.c url.c)
HTSTRESS_HDRS := $(wildcard tools/htstress/*.h)

PORT ?= 8081
FIB_LIMIT ?= 2147483647

.PHONY: tools tools-test htstress-test fibcheck-test plot-test tools-smoke

tools: $(BUILD)/htstress

$(BUILD)/htstress: tools/htstress/htstress.c tools/htstress/worker.c \
		$(HTSTRESS_LIB) $(HTSTRESS_HDRS) tools/tools.mk
	@mkdir -p $(dir $@)
	$(TOOLS_CC) $(HTSTRESS_CFLAGS) -o $@ $(filter %.c,$^) \
		$(HTSTRESS_LDFLAGS)

$(BUILD)/htstress_unit: tools/htstress/unit_test.c $(HTSTRESS_LIB) \
		$(HTSTRESS_HDRS) tools/tools.mk
	@mkdir -p $(dir $@)
	$(TOOLS_CC) $(HTSTRESS_TEST_CFLAGS) -o $@ $(filter %.c,$^)

htstress-test: $(BUILD)/htstress $(BUILD)/htstress_unit
	$(BUILD)/htstress_unit
	$(TOOLS_PYTHON) tools/htstress/selftest.py $(BUILD)/htstress

fibcheck-test:
	$(TOOLS_PYTHON) tools/fibcheck/test_fibcheck.py

plot-test: $(BUILD)/htstress
	$(TOOLS_PYTHON) tools/plot/test_plot.py --htstress $(BUILD)/htstress

# Every suite runs even when one fails; the target fails if any did.
tools-test: $(BUILD)/htstress $(BUILD)/htstress_unit
	@status=0; \
	$(BUILD)/htstress_unit || status=1; \
	$(TOOLS_PYTHON) tools/htstress/selftest.py $(BUILD)/htstress || status=1; \
	$(TOOLS_PYTHON) tools/fibcheck/test_fibcheck.py 2>&1 || status=1; \
	$(TOOLS_PYTHON) tools/plot/test_plot.py --htstress $(BUILD)/htstress \
		|| status=1; \
	exit $$status

tools-smoke: $(BUILD)/htstress
	$(TOOLS_PYTHON) tools/fibcheck/fibcheck.py -q \
		--url http://127.0.0.1:$(PORT) --range 0:300 --boundaries \
		--random 50 --max 100000 --base both --limit $(FIB_LIMIT)
	$(BUILD)/htstress -n 2000 -c 4 -t 2 \
		'http://127.0.0.1:$(PORT)/fib/{rand:0:$(if $(filter $(FIB_LIMIT),2147483647),1000,$(FIB_LIMIT))}'
	$(BUILD)/htstress -n 2000 -c 4 -p 8 http://127.0.0.1:$(PORT)/fib/93
	$(BUILD)/htstress -n 200 -c 2 --close http://127.0.0.1:$(PORT)/fib/93

# ---- bignum/ in user space, optimised ---------------------------------

include bignum/sources.mk

BN_CFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter -I.
BN_HDRS := include/khttpd_shim.h bignum/bignum.h bignum/bn_internal.h

.PHONY: fib-cli bench-bignum tune-bignum fiblen-check

$(BUILD)/fib: tools/fib/fib.c $(BIGNUM_SRCS) $(BN_HDRS)
	@mkdir -p $(@D)
	$(TOOLS_CC) $(BN_CFLAGS) -o $@ $< $(BIGNUM_SRCS)

fib-cli: $(BUILD)/fib

# GMP's F(N), the reference of the streaming tests and make huge-guest.
$(BUILD)/fib-gmp: tools/fib/fib_gmp.c
	@mkdir -p $(@D)
	$(TOOLS_CC) -O2 -Wall -o $@ $< -lgmp

$(BUILD)/bignum/bignum_bench: tools/bench/bignum_bench.c $(BIGNUM_SRCS) \
		$(BN_HDRS)
	@mkdir -p $(@D)
	$(TOOLS_CC) $(BN_CFLAGS) -o $@ $< $(BIGNUM_SRCS) -lgmp

bench-bignum: $(BUILD)/bignum/bignum_bench
	nice $(BUILD)/bignum/bignum_bench

$(BUILD)/bignum/bignum_tune: tools/bench/bignum_tune.c $(BIGNUM_SRCS) \
		$(BIGNUM_TUNE_SRCS) $(BN_HDRS)
	@mkdir -p $(@D)
	$(TOOLS_CC) $(BN_CFLAGS) -DBN_TUNE -o $@ $< $(BIGNUM_SRCS) \
		$(BIGNUM_TUNE_SRCS) -lgmp

tune-bignum: $(BUILD)/bignum/bignum_tune
	nice $(BUILD)/bignum/bignum_tune

$(BUILD)/bignum/bignum_fiblen_check: tools/bench/bignum_fiblen_check.c \
		$(BIGNUM_SRCS) $(BN_HDRS)
	@mkdir -p $(@D)
	$(TOOLS_CC) $(BN_CFLAGS) -o $@ $< $(BIGNUM_SRCS)

fiblen-check: $(BUILD)/bignum/bignum_fiblen_check
	nice $(BUILD)/bignum/bignum_fiblen_check
