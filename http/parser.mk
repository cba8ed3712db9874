# SPDX-License-Identifier: GPL-2.0
#
# parser.mk - user-space tests and fuzzers of the HTTP parser and router.
#
# Included by the top-level Makefile, or used on its own from the
# repository root:
#
#   make -f http/parser.mk http-test            # ASan/UBSan unit tests
#   make -f tools/testing/fuzz/fuzz.mk fuzz-http FUZZ_SECONDS=60
#
# Targets:
#   http-test  build $(BUILD)/http_parser_test and $(BUILD)/http_target_test
#              with ASan and UBSan and run both; the exit status is the
#              result.
#   the fuzzers' binaries ($(HTTP_FUZZERS)); tools/testing/fuzz/fuzz.mk
#              runs them (fuzz-http, fuzz, check-fuzz).

BUILD ?= build
FUZZ_CC ?= clang-14

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

.PHONY: http-test

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
