# SPDX-License-Identifier: GPL-2.0
#
# static.mk - user-space tests and fuzzers of the static-file building
# blocks (http/path.c, mime.c, conditional.c, range.c, listing.c).
#
# Included by the top-level Makefile, or used on its own from the
# repository root:
#
#   make -f http/static.mk http-static-test        # ASan/UBSan unit tests
#   make -f tools/testing/fuzz/fuzz.mk fuzz-static FUZZ_SECONDS=60
#
# Targets:
#   http-static-test  build $(BUILD)/http_static_test with ASan and UBSan
#                     and run it; the exit status is the result.
#   the fuzzers' binaries ($(HTTP_STATIC_FUZZERS)); fuzz.mk in
#                     tools/testing/fuzz/ runs them (fuzz-static, fuzz,
#                     check-fuzz).

BUILD ?= build
FUZZ_CC ?= clang-14

HTTP_STATIC_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
include $(HTTP_STATIC_MK_DIR)/sources.mk
include $(HTTP_STATIC_MK_DIR)/static_sources.mk

HTTP_STATIC_ALL_SRCS := $(HTTP_STATIC_SRCS) $(HTTP_CORE_SRCS) http/response.c
HTTP_STATIC_HDRS := $(HTTP_STATIC_SRCS:.c=.h) http/parser.h http/target.h \
	http/response.h include/khttpd_shim.h
HTTP_STATIC_UNIT_DIR := tools/testing/unit
HTTP_STATIC_FUZZ_DIR := tools/testing/fuzz
HTTP_STATIC_INC := -I include -I http -I $(HTTP_STATIC_UNIT_DIR)

HTTP_STATIC_TEST_CFLAGS := -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-Wall -Wextra -Werror $(HTTP_STATIC_INC)
HTTP_STATIC_FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	-Wall -Wextra -Werror $(HTTP_STATIC_INC)

HTTP_STATIC_DEPS := $(HTTP_STATIC_ALL_SRCS) $(HTTP_STATIC_HDRS) \
	$(HTTP_STATIC_UNIT_DIR)/ktest.h
HTTP_STATIC_FUZZERS := $(BUILD)/fuzz/fuzz_http_path \
	$(BUILD)/fuzz/fuzz_http_range

.PHONY: http-static-test

$(BUILD)/http_static_test: $(HTTP_STATIC_UNIT_DIR)/http_static_test.c \
		$(HTTP_STATIC_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HTTP_STATIC_TEST_CFLAGS) -o $@ $< $(HTTP_STATIC_ALL_SRCS)

http-static-test: $(BUILD)/http_static_test
	$(BUILD)/http_static_test

$(BUILD)/fuzz/fuzz_http_path: $(HTTP_STATIC_FUZZ_DIR)/fuzz_http_path.c \
		$(HTTP_STATIC_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(HTTP_STATIC_FUZZ_CFLAGS) -o $@ $< $(HTTP_STATIC_ALL_SRCS)

$(BUILD)/fuzz/fuzz_http_range: $(HTTP_STATIC_FUZZ_DIR)/fuzz_http_range.c \
		$(HTTP_STATIC_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(HTTP_STATIC_FUZZ_CFLAGS) -o $@ $< $(HTTP_STATIC_ALL_SRCS)
