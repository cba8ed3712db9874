# SPDX-License-Identifier: GPL-2.0
#
# khttpd - in-kernel HTTP/1.1 server of Fibonacci numbers.
#
#   make            build khttpd.ko against $(KDIR)
#   make run        boot Debian's kernel in QEMU with khttpd.ko, serve on
#                   127.0.0.1:$(PORT) until Ctrl-C (installs what is missing)
#   make check      every test suite; ends with "N passed, N failed"
#   make install    install khttpd.ko into /lib/modules/$(KVER)/extra
#   make help       every target and the main variables, one line each
#
# K=PATTERN runs only the test cases whose name contains PATTERN, in
# check-unit, check-guest, soak and check-debug (check-kunit: kunit.py's
# glob, 'suite[.case]').  See README.md.

BUILD ?= build
KHTTPD_CACHE ?= $(HOME)/.cache/khttpd
export KHTTPD_CACHE
PORT ?= 8081
KHTTPD_ARGS ?=
ACCEL ?= auto
PYTHON ?= /usr/bin/python3

# Build against the running kernel when its headers exist; otherwise (and
# always for `make run` / `make check`) against Debian's linux-headers-amd64,
# the kernel the QEMU guest boots.  GUEST_KVER is read once, when make
# starts: on a fresh machine it is empty until tools/vm/deps.sh has
# installed that package (see "the QEMU guest" below).
GUEST_KVER := $(shell tools/vm/guest-kernel.sh version 2>/dev/null)
ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
KVER ?= $(shell uname -r)
else
KVER ?= $(GUEST_KVER)
endif
KDIR ?= /lib/modules/$(KVER)/build

MODULE_SRCS := $(shell find http bignum cache include \( -name '*.[ch]' -o -name 'sources.mk' \) 2>/dev/null) Kbuild

.PHONY: all modules kernel-headers clean install run check deps \
	guest-module initramfs check-unit check-kunit check-guest soak \
	first-run-test ktest-test help-test check-unit-matched \
	_guest-module _initramfs _run _check-guest _soak

all: modules

modules: kernel-headers
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# No KDIR=, no headers for the running kernel and no linux-headers-amd64
# (a fresh machine): say what to install.
kernel-headers:
ifeq ($(KVER)$(filter-out file,$(origin KDIR)),)
	@echo "khttpd: no kernel headers: /lib/modules/$(shell uname -r)/build is missing and linux-headers-amd64 is not installed." >&2
	@echo "khttpd: install the running kernel's (apt-get install linux-headers-$(shell uname -r))," >&2
	@echo "khttpd: or Debian's stock kernel's, the one make run boots (tools/vm/deps.sh build)," >&2
	@echo "khttpd: or give a kernel build tree: make KDIR=/path/to/build." >&2
	@exit 1
endif

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf $(BUILD)

deps:
	@tools/vm/deps.sh

# ---- the QEMU guest -------------------------------------------------------
#
# Each public target that needs GUEST_KVER runs tools/vm/deps.sh, then does
# its work as the internal target _NAME in a child make, which reads the
# version anew (a fresh machine has no linux-headers-amd64 before deps.sh).

GUEST_DIR = $(BUILD)/guest
GUEST_KO = $(GUEST_DIR)/module/khttpd.ko
GUEST_INITRD = $(GUEST_DIR)/initramfs.gz
GUEST_KERNEL = $(KHTTPD_CACHE)/guest/$(GUEST_KVER)
GUEST_FILES ?=
GUEST_DEPS = build guest

ifneq ($(filter _% $(GUEST_KO) $(GUEST_INITRD),$(MAKECMDGOALS)),)
ifeq ($(GUEST_KVER),)
$(error cannot find the guest kernel's version: linux-headers-amd64 is not installed (tools/vm/deps.sh build))
endif
endif

guest-module: GUEST_DEPS = build
check-guest: GUEST_DEPS = build guest ops
guest-module initramfs run check-guest soak:
	@tools/vm/deps.sh $(GUEST_DEPS)
	@$(MAKE) --no-print-directory _$@

# khttpd.ko for the guest, built in a copy of the tree so that a native
# `make` in the source directory is left alone.
$(GUEST_KO): $(MODULE_SRCS)
	@mkdir -p $(GUEST_DIR)/module
	@tar -cf - $(MODULE_SRCS) | tar -xf - -C $(GUEST_DIR)/module
	$(MAKE) -C /lib/modules/$(GUEST_KVER)/build \
		M=$(abspath $(GUEST_DIR))/module modules

_guest-module: $(GUEST_KO)

$(GUEST_KERNEL)/vmlinuz:
	@tools/vm/guest-kernel.sh fetch $(KHTTPD_CACHE)/guest >/dev/null

$(GUEST_INITRD): $(GUEST_KO) $(GUEST_KERNEL)/vmlinuz tools/vm/init \
		tools/vm/initramfs.py $(filter-out %:,$(subst :, :,$(GUEST_FILES)))
	$(PYTHON) tools/vm/initramfs.py -o $@ --kmods $(GUEST_KERNEL) \
		--kver $(GUEST_KVER) --init tools/vm/init \
		--file $(GUEST_KO):khttpd.ko $(addprefix --file ,$(GUEST_FILES))

_initramfs: $(GUEST_INITRD)

_run: $(GUEST_INITRD)
	@$(PYTHON) tools/vm/guest.py --kernel $(GUEST_KERNEL)/vmlinuz \
		--initrd $(GUEST_INITRD) --workdir $(GUEST_DIR)/run \
		--port $(PORT) --accel $(ACCEL) --module-args "$(KHTTPD_ARGS)"

# ---- tests ----------------------------------------------------------------

check:
	@tools/vm/deps.sh
	@tools/testing/run-suites $(BUILD)

# make, run, check and the guest's targets as on a fresh machine, with
# nothing installed (stubs; a few seconds).
first-run-test:
	@$(PYTHON) tools/testing/make/test_first_run.py

# make help lists exactly the public targets, on one screen.
help-test:
	@$(PYTHON) tools/testing/make/test_help.py

# The harness's own filter and summary (tools/testing/unit/ktest.h).
ktest-test:
	@$(PYTHON) tools/testing/unit/test_ktest.py --cc "$(TEST_CC) $(TEST_CFLAGS)"

# K=PATTERN, for the test targets: only the cases whose name contains
# PATTERN (check-kunit: kunit.py's glob, suite[.case]).
K ?=
GUEST_K = $(if $(K),-k '$(K)')

# check-unit runs these and every unit suite of testing.mk.
UNIT_SUITES := first-run-test ktest-test help-test
include tools/testing/testing.mk
include tools/tools.mk

# With K=, a suite without a matching case says so and passes; check-unit
# fails if no suite ran one (KTEST_FILTER and KTEST_MATCHED, ktest.h).
ifneq ($(K),)
KTEST_MATCHED_FILE := $(abspath $(BUILD))/ktest-matched.$(shell echo $$PPID)
check-unit: export KTEST_FILTER = $(K)
check-unit: export KTEST_MATCHED = $(KTEST_MATCHED_FILE)
check-unit: check-unit-matched
check-unit-matched: $(UNIT_SUITES)
	@n=$$(cat $(KTEST_MATCHED_FILE) 2>/dev/null | awk '{ n += $$2 } END { print n + 0 }'); \
	rm -f $(KTEST_MATCHED_FILE); \
	if [ "$$n" -eq 0 ]; then \
		echo "check-unit: no test case matches K='$(K)'" >&2; exit 1; \
	fi; \
	echo "# check-unit: cases matching K='$(K)': $$n"
endif

check-kunit:
	@tools/vm/deps.sh kunit
	@kunit/run.sh $(BUILD) $(if $(K),'$(K)')

# check-guest and soak run tools/vm/deps.sh, then these in a child make
# (see "the QEMU guest").
_check-guest: $(GUEST_INITRD)
	@$(PYTHON) tools/testing/guest/run.py --kernel $(GUEST_KERNEL)/vmlinuz \
		--initrd $(GUEST_INITRD) --workdir $(GUEST_DIR)/check --accel $(ACCEL) \
		$(GUEST_K)

# The hostile-client cases, five times longer and larger (KHTTPD_SOAK).
_soak: $(GUEST_INITRD)
	@KHTTPD_SOAK=1 $(PYTHON) tools/testing/guest/run.py \
		--kernel $(GUEST_KERNEL)/vmlinuz --initrd $(GUEST_INITRD) \
		--workdir $(GUEST_DIR)/soak --accel $(ACCEL) -m tests_hostile \
		--suite-name soak $(GUEST_K)
-include tools/bench/bench.mk
-include tools/vm/debug.mk

# ---- make help: every public target, one screen ---------------------------

define HELP_TEXT
Usage: make [TARGET...] [VARIABLE=value...]   make help: this text; README.md
Build and run
  all modules          khttpd.ko against KDIR (the default target)
  install              khttpd.ko into /lib/modules/KVER/extra, then depmod
  clean                kbuild's files and BUILD/
  deps                 install the Debian packages of every suite
  run                  serve khttpd on 127.0.0.1:PORT from a QEMU guest
  guest-module initramfs  the guest's khttpd.ko and initramfs
  tools fib-cli        BUILD/htstress (load generator), BUILD/fib
Tests
  check                every suite in SUITES; ends "N passed, N failed"
  check-unit           user-space unit tests (ASan, UBSan), tools' self-tests
  check-fuzz           each fuzzer's corpus, then 10 s of fuzzing each
  check-kunit          KUnit on UML with KASAN, lockdep, UBSAN
  check-guest          the in-guest suite, against khttpd.ko in QEMU
  soak                 check-guest's hostile clients, five times longer
  check-debug          check-guest under a KASAN/lockdep/kmemleak kernel
  bench-smoke          htstress against khttpd and nginx, with assertions
  unit-NAME            one unit suite: tools/testing/unit/NAME.c
  tools-test first-run-test ktest-test help-test   (check-unit's too)
  htstress-test fibcheck-test plot-test     (tools-test's suites)
  tools-smoke          fibcheck, htstress against khttpd on 127.0.0.1:PORT
  fiblen-check         bn_fib_text_len() is exact for every N (a minute)
Fuzzing, benchmarks, debug kernel
  fuzz                 every fuzzer for FUZZ_SECONDS (default 600)
  fuzz-NAME            one fuzzer: tools/testing/fuzz/fuzz_NAME.c
  bench                khttpd vs nginx: Documentation/performance.md
  bench-bignum tune-bignum  bignum vs GMP table; measure its thresholds
  debug-kernel debug-module debug-initramfs  check-debug's steps
Variables
  PORT=8081            host port of make run
  KHTTPD_ARGS='...'    more module parameters for make run
  ACCEL=auto           QEMU accelerator: kvm, tcg, auto (kvm if it boots)
  K=PATTERN            only the test cases whose name contains PATTERN, for
                       check-unit check-guest soak check-debug; check-kunit:
                       kunit.py's glob 'suite[.case]'
  SUITES='unit guest'  make check's suites (unit fuzz kunit guest bench)
  BUILD=build          where everything is built
  KDIR=DIR             kernel build tree (default: the running kernel's)
  KHTTPD_CACHE=DIR     guest kernel, UML, debug kernel (~/.cache/khttpd)
endef

.PHONY: help
help:
	$(info $(HELP_TEXT))
	@:
