# SPDX-License-Identifier: GPL-2.0
#
# parser.mk - user-space tests and fuzzers of the HTTP parser and router.
#
# Included by the top-level Makefile, or used on its own from the
# repository root:
#
#   make -f http/parser.mk http-test            # ASan/UBSan unit tests
#   make -f http/parser.mk fuzz-http FUZZ_SECONDS=60
#
# Targets:
#   http-test  build $(BUILD)/http_parser_test and $(BUILD)/http_target_test
#              with ASan and UBSan and run both; the exit status is the
#              result.
#   fuzz-http  build both libFuzzer targets with clang and run each for
#              FUZZ_SECONDS on a scratch copy of its seed corpus; any crash
#              or sanitizer report fails it.

BUILD ?= build
FUZZ_SECONDS ?= 30
FUZZ_CC ?= clang-14
FUZZ_NICE ?= nice -n 10

HTTP_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
include $(HTTP_MK_DIR)/sources.mk

HTTP_HDRS := http/parser.h http/target.h include/khttpd_shim.h
HTTP_UNIT_DIR := tools/testing/unit
HTTP_FUZZ_DIR := tools/testing/fuzz
HTTP_INC := -I include -I http -I $(HTTP_UNIT_DIR)

HTTP_TEST_CFLAGS := -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-Wall -Wextra -Werror $(HTTP_INC)
HTTP_FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-Wall -Wextra -Werror $(HTTP_INC)

HTTP_TESTS := $(BUILD)/http_parser_test $(BUILD)/http_target_test
HTTP_FUZZERS := $(BUILD)/fuzz/fuzz_http_parser $(BUILD)/fuzz/fuzz_http_target

.PHONY: http-test fuzz-http

HTTP_TEST_DEPS := $(HTTP_CORE_SRCS) $(HTTP_HDRS) $(HTTP_UNIT_DIR)/ktest.h \
	$(HTTP_UNIT_DIR)/http_drive.h

$(BUILD)/http_parser_test: $(HTTP_UNIT_DIR)/http_parser_test.c $(HTTP_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HTTP_TEST_CFLAGS) -o $@ $< $(HTTP_CORE_SRCS)

$(BUILD)/http_target_test: $(HTTP_UNIT_DIR)/http_target_test.c $(HTTP_TEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HTTP_TEST_CFLAGS) -o $@ $< $(HTTP_CORE_SRCS)

http-test: $(HTTP_TESTS)
	@rc=0; for t in $(HTTP_TESTS); do $$t || rc=1; done; exit $$rc

$(BUILD)/fuzz/fuzz_http_parser: $(HTTP_FUZZ_DIR)/fuzz_http_parser.c \
		$(HTTP_TEST_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(HTTP_FUZZ_CFLAGS) -o $@ $< $(HTTP_CORE_SRCS)

$(BUILD)/fuzz/fuzz_http_target: $(HTTP_FUZZ_DIR)/fuzz_http_target.c \
		$(HTTP_TEST_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(HTTP_FUZZ_CFLAGS) -o $@ $< $(HTTP_CORE_SRCS)

fuzz-http: $(HTTP_FUZZERS)
	@set -e; for f in parser target; do \
		dir=$(BUILD)/fuzz/corpus-http_$$f; \
		rm -rf $$dir; mkdir -p $$dir; \
		cp $(HTTP_FUZZ_DIR)/corpus/http_$$f/* $$dir/; \
		echo "fuzz_http_$$f: $(FUZZ_SECONDS) s"; \
		$(FUZZ_NICE) $(BUILD)/fuzz/fuzz_http_$$f -max_len=65536 \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/crash-http_$$f- $$dir \
			2>$(BUILD)/fuzz/fuzz_http_$$f.log || \
			{ tail -50 $(BUILD)/fuzz/fuzz_http_$$f.log; exit 1; }; \
		grep -E '^#[0-9]+.*(DONE|pulse)|stat::' \
			$(BUILD)/fuzz/fuzz_http_$$f.log | tail -6; \
	done
