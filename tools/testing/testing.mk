# SPDX-License-Identifier: GPL-2.0
#
# testing.mk - every user-space build of the tests: the unit suites of
# tools/testing/unit/ (ASan + UBSan) and the libFuzzer targets of
# tools/testing/fuzz/ (clang, ASan + UBSan).  Included by the top-level
# Makefile:
#
#   make check-unit     every unit suite, then the tools' self-tests
#   make check-fuzz     replay each fuzzer's corpus, then fuzz each for
#                       CHECK_FUZZ_SECONDS (10); "# fuzz: pass=P fail=F"
#   make fuzz           every fuzzer for FUZZ_SECONDS (600)
#   make fuzz-NAME      one fuzzer (fuzz-http_parser, fuzz-bignum_conv, ...)
#   make unit-NAME      one unit suite (unit-http_parser_test, ...)
#   make peak-sweep-bignum  bignum's memory bound, n up to 10^8 (-O2)
#
# Every suite prints "# NAME: pass=P fail=F", which `make check` adds up.
# A unit test is tools/testing/unit/NAME.c linked with the sources of
# the component its name starts with (http_, cache_, bignum_); a fuzzer
# likewise from tools/testing/fuzz/fuzz_NAME.c.  Every test depends on
# every header of the kernel-agnostic code, so a header change rebuilds
# them all (seconds).

BUILD ?= build
TEST_CC ?= gcc
FUZZ_CC ?= clang-14
FUZZ_NICE ?= nice -n 10
CHECK_FUZZ_SECONDS ?= 10
FUZZ_SECONDS ?= 600

include bignum/sources.mk
include cache/sources.mk
include http/proto/sources.mk
include http/sources.mk

# One set of flags: sanitizers that stop at the first report, warnings
# as errors, allocation-failure injection (include/khttpd_shim.h), and
# headers by their path from the repository root.
TEST_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
TEST_COMMON := -std=gnu11 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-DKSHIM_FAULT_INJECT -I.
TEST_CFLAGS := -O1 $(TEST_COMMON) $(TEST_SAN)
FUZZ_CFLAGS := -O1 $(TEST_COMMON) $(TEST_SAN) -fsanitize=fuzzer

# What each component's tests link.
TEST_SRCS_http := $(HTTP_PROTO_SRCS) $(KHTTPD_ROUTE_SRCS)
TEST_SRCS_cache := $(CACHE_CORE_SRCS)
TEST_SRCS_bignum := $(BIGNUM_SRCS) $(BIGNUM_TUNE_SRCS)
TEST_LIBS_bignum := -lgmp
test_component = $(firstword $(subst _, ,$(1)))
test_srcs = $(TEST_SRCS_$(call test_component,$(1)))
test_libs = $(TEST_LIBS_$(call test_component,$(1)))
TEST_HDRS := $(wildcard include/*.h http/proto/*.h http/resource.h cache/*.h \
	bignum/*.h tools/testing/unit/*.h)
test_defs = $(if $(filter bignum,$(call test_component,$(1))),-DBN_TUNE)

UNIT_TESTS := $(patsubst tools/testing/unit/%.c,%,\
	$(wildcard tools/testing/unit/*_test.c))
FUZZERS := $(patsubst tools/testing/fuzz/fuzz_%.c,%,\
	$(wildcard tools/testing/fuzz/fuzz_*.c))
# Longest input each fuzzer is given.
FUZZ_MAX_LEN_http_parser := 65536
FUZZ_MAX_LEN_http_target := 65536
FUZZ_MAX_LEN_http_path := 8192
FUZZ_MAX_LEN_http_range := 8192
FUZZ_MAX_LEN_bignum_conv := 4096

.SECONDEXPANSION:

$(BUILD)/unit/%: tools/testing/unit/%.c $$(call test_srcs,$$*) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) $(TEST_CFLAGS) $(call test_defs,$*) -o $@ $< \
		$(call test_srcs,$*) $(call test_libs,$*)

# bignum_test again at -O2, for the large cases ASan would make too slow.
$(BUILD)/unit/bignum_test_opt: tools/testing/unit/bignum_test.c \
		$(TEST_SRCS_bignum) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) -O2 $(TEST_COMMON) -DBN_TUNE -o $@ $< $(TEST_SRCS_bignum) \
		-lgmp

$(BUILD)/fuzz/fuzz_%: tools/testing/fuzz/fuzz_%.c $$(call test_srcs,$$*) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(call test_defs,$*) -o $@ $< \
		$(call test_srcs,$*)

.PHONY: check-unit check-fuzz fuzz $(addprefix unit-,$(UNIT_TESTS)) \
	unit-bignum_test_opt peak-sweep-bignum $(addprefix fuzz-,$(FUZZERS))

$(addprefix unit-,$(UNIT_TESTS)): unit-%: $(BUILD)/unit/%
	$<

unit-bignum_test_opt: $(BUILD)/unit/bignum_test_opt
	$< --big

# The memory bound's long sweep, not in check-unit (its -O2 build checks
# to 10^7): every n up to 10^5, then steps of 5 % up to 10^8, each with
# bytes_peak <= bn_fib_peak_bytes() <= 1.25 bytes_peak in bases 0, 10, 16.
peak-sweep-bignum: $(BUILD)/unit/bignum_test_opt
	nice $< --peak

# make -k check-unit runs every suite even when one fails; the including
# Makefile may have put more suites in UNIT_SUITES.
UNIT_SUITES += $(addprefix unit-,$(UNIT_TESTS)) unit-bignum_test_opt tools-test
check-unit: $(UNIT_SUITES)

# $(call fuzz_run,SECONDS,NAMES,replay): fuzz each for SECONDS on a
# scratch copy of its corpus; with "replay" first run every checked-in
# corpus file once.  A crash, a sanitizer report, a leak or a failed
# oracle fails the fuzzer; the input is kept as
# $(BUILD)/fuzz/crash-NAME-*.  Counts and prints.
define fuzz_run
	@pass=0; fail=0; \
	for spec in $(foreach f,$(2),$(f):$(or $(FUZZ_MAX_LEN_$(f)),4096)); do \
		f=$${spec%%:*}; len=$${spec#*:}; \
		bin=$(BUILD)/fuzz/fuzz_$$f; src=tools/testing/fuzz/corpus/$$f; \
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

check-fuzz: $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZERS))
	$(call fuzz_run,$(CHECK_FUZZ_SECONDS),$(FUZZERS),replay)

fuzz: $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZERS))
	$(call fuzz_run,$(FUZZ_SECONDS),$(FUZZERS),replay)

$(addprefix fuzz-,$(FUZZERS)): fuzz-%: $(BUILD)/fuzz/fuzz_%
	$(call fuzz_run,$(FUZZ_SECONDS),$*,replay)
