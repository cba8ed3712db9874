# SPDX-License-Identifier: GPL-2.0
#
# unit.mk - user-space unit tests of the kernel-agnostic code, built with
# AddressSanitizer and UndefinedBehaviorSanitizer.  Included by the
# top-level Makefile; `make check-unit` runs every suite.

BUILD ?= build
UNIT_CC ?= gcc
UNIT_CFLAGS ?= -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Iinclude -Ihttp -Itools/testing/unit

$(BUILD)/unit/http_response_test: tools/testing/unit/http_response_test.c \
		http/response.c http/response.h \
		include/khttpd_shim.h tools/testing/unit/ktest.h
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $(filter %.c,$^)

.PHONY: http-response-test
http-response-test: $(BUILD)/unit/http_response_test
	$<

$(BUILD)/unit/cache_clock_test: tools/testing/unit/cache_clock_test.c \
		cache/clock.c cache/clock.h include/khttpd_shim.h \
		tools/testing/unit/ktest.h
	@mkdir -p $(dir $@)
	$(UNIT_CC) $(UNIT_CFLAGS) -Icache -o $@ $(filter %.c,$^)

.PHONY: cache-clock-test
cache-clock-test: $(BUILD)/unit/cache_clock_test
	$<
