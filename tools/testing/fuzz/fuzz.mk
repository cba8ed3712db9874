# SPDX-License-Identifier: GPL-2.0
#
# fuzz.mk - every libFuzzer target of the project, with clang's ASan and
# UBSan.  Include it from the top-level Makefile *after* http/parser.mk and
# http/static.mk (it includes whichever of them is present and not yet
# included), or use it alone from the repository root:
#
#   make -f tools/testing/fuzz/fuzz.mk fuzz                 # 600 s each
#   make -f tools/testing/fuzz/fuzz.mk fuzz FUZZ_SECONDS=60
#   make -f tools/testing/fuzz/fuzz.mk check-fuzz           # ~1 minute
#
# Targets:
#   fuzz         every fuzzer for FUZZ_SECONDS (default 600 here, whatever
#                the included fragments default to) on a scratch copy of
#                its checked-in corpus; prints each run's final figures.
#   check-fuzz   replays every checked-in corpus file through its fuzzer,
#                then fuzzes each for CHECK_FUZZ_SECONDS (default 10, so
#                about a minute for five fuzzers); prints "ok"/"not ok" per
#                fuzzer and "# fuzz: pass=P fail=F" (one pass per fuzzer
#                that ran clean), the line `make check` adds up.
#   fuzz-bignum  fuzz_bignum_conv alone, for FUZZ_SECONDS; fuzz-http and
#                fuzz-static likewise for the parser/router and the
#                static-file fuzzers.
#
# A crash, a sanitizer report, a leak or a failed oracle fails the fuzzer;
# the input is kept as $(BUILD)/fuzz/crash-NAME-*; reproduce it with
# $(BUILD)/fuzz/fuzz_NAME FILE.

BUILD ?= build
FUZZ_CC ?= clang-14
FUZZ_NICE ?= nice -n 10
CHECK_FUZZ_SECONDS ?= 10

FUZZ_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

# The long budget: FUZZ_SECONDS if the user gave it, else 600.
ifneq ($(filter command line environment,$(origin FUZZ_SECONDS)),)
FUZZ_RUN_SECONDS := $(FUZZ_SECONDS)
else
FUZZ_RUN_SECONDS := 600
endif

ifndef HTTP_FUZZERS
-include http/parser.mk
endif
ifndef HTTP_STATIC_FUZZERS
-include http/static.mk
endif

# ---- fuzz_bignum_conv ----------------------------------------------------

include bignum/sources.mk

FUZZ_BN_CFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-Wall -Wextra -Werror -Wno-unused-parameter -DKSHIM_FAULT_INJECT \
	-DBN_TUNE -I include -I bignum

$(BUILD)/fuzz/fuzz_bignum_conv: $(FUZZ_MK_DIR)/fuzz_bignum_conv.c \
		$(BIGNUM_SRCS) bignum/tune.c bignum/bignum.h \
		bignum/bn_internal.h include/khttpd_shim.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_BN_CFLAGS) -o $@ $< $(BIGNUM_SRCS) bignum/tune.c

# ---- the list: NAME:max_len, binary $(BUILD)/fuzz/fuzz_NAME, corpus
# $(FUZZ_MK_DIR)/corpus/NAME ----------------------------------------------

FUZZ_LIST :=
ifdef HTTP_FUZZERS
FUZZ_LIST += http_parser:65536 http_target:65536
endif
ifdef HTTP_STATIC_FUZZERS
FUZZ_LIST += http_path:8192 http_range:8192
endif
FUZZ_LIST += bignum_conv:4096

FUZZ_BINS := $(foreach f,$(FUZZ_LIST),$(BUILD)/fuzz/fuzz_$(firstword $(subst :, ,$(f))))

.PHONY: fuzz check-fuzz fuzz-bignum fuzz-http fuzz-static

# $(call fuzz_run,SECONDS,LIST): fuzz each for SECONDS; with REPLAY=1
# first run every checked-in corpus file once.  Counts and prints.
define fuzz_run
	@pass=0; fail=0; \
	for spec in $(2); do \
		f=$${spec%%:*}; len=$${spec#*:}; \
		bin=$(BUILD)/fuzz/fuzz_$$f; src=$(FUZZ_MK_DIR)/corpus/$$f; \
		dir=$(BUILD)/fuzz/corpus-$$f; log=$(BUILD)/fuzz/fuzz_$$f.log; \
		ok=1; \
		if [ "$(3)" = replay ] && [ -d $$src ] && \
		   [ -n "$$(ls -A $$src)" ]; then \
			$(FUZZ_NICE) $$bin -max_len=$$len $$src/* \
				>$(BUILD)/fuzz/replay_$$f.log 2>&1 || { ok=0; \
				echo "not ok fuzz_$$f: corpus replay"; \
				tail -30 $(BUILD)/fuzz/replay_$$f.log; }; \
		fi; \
		rm -rf $$dir; mkdir -p $$dir; \
		[ -d $$src ] && cp $$src/* $$dir/ 2>/dev/null; \
		if [ $$ok = 1 ]; then \
			$(FUZZ_NICE) $$bin -max_len=$$len -max_total_time=$(1) \
				-print_final_stats=1 \
				-artifact_prefix=$(BUILD)/fuzz/crash-$$f- $$dir \
				>$$log 2>&1 || { ok=0; \
				echo "not ok fuzz_$$f: see $$log"; tail -40 $$log; }; \
		fi; \
		if [ $$ok = 1 ]; then \
			pass=$$((pass + 1)); \
			echo "ok fuzz_$$f ($(1) s): $$(grep -E '^#[0-9]+.*DONE' $$log | \
				sed -E 's/.*(cov: [0-9]+ ft: [0-9]+).*(exec\/s: [0-9]+).*/\1 \2/') runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log)"; \
		else fail=$$((fail + 1)); fi; \
	done; \
	echo "# fuzz: pass=$$pass fail=$$fail"; [ $$fail = 0 ]
endef

fuzz: $(FUZZ_BINS)
	$(call fuzz_run,$(FUZZ_RUN_SECONDS),$(FUZZ_LIST),replay)

check-fuzz: $(FUZZ_BINS)
	$(call fuzz_run,$(CHECK_FUZZ_SECONDS),$(FUZZ_LIST),replay)

fuzz-bignum: $(BUILD)/fuzz/fuzz_bignum_conv
	$(call fuzz_run,$(FUZZ_RUN_SECONDS),bignum_conv:4096,replay)

fuzz-http: $(HTTP_FUZZERS)
	$(call fuzz_run,$(FUZZ_RUN_SECONDS),http_parser:65536 http_target:65536,replay)

fuzz-static: $(HTTP_STATIC_FUZZERS)
	$(call fuzz_run,$(FUZZ_RUN_SECONDS),http_path:8192 http_range:8192,replay)
