# SPDX-License-Identifier: GPL-2.0
#
# khttpd - in-kernel HTTP/1.1 server of Fibonacci numbers.
#
#   make            build khttpd.ko against $(KDIR)
#   make run        boot Debian's kernel in QEMU with khttpd.ko, serve on
#                   127.0.0.1:$(PORT) until Ctrl-C (installs what is missing)
#   make check      every test suite; ends with "N passed, N failed"
#   make run KSERIES=6.12   the guest on Debian's 6.12 kernel instead of
#                   6.1 (also check-guest, soak; 6.12-rt: PREEMPT_RT;
#                   Documentation/kernels.md)
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

# KSERIES: the guest's kernel series (Documentation/kernels.md).  Empty or
# 6.1: Debian 12's default, the version linux-headers-amd64 depends on;
# 6.12 or 6.12-rt (PREEMPT_RT): the newest linux-headers-6.12.N+deb12-amd64
# (-rt-amd64) apt knows of.  Exported: tools/vm/deps.sh installs its headers.
KSERIES ?=
export KSERIES
# Not the default series: its suites are named after it (guest-6.12).
KSERIES_ALT = $(filter-out 6.1,$(KSERIES))

# Build against the running kernel when its headers exist; otherwise (and
# always for `make run` / `make check`) against Debian's linux-headers-amd64,
# the kernel the QEMU guest boots.  GUEST_KVER is read once, when make
# starts: on a fresh machine it is empty until tools/vm/deps.sh has
# installed that package (see "the QEMU guest" below).
GUEST_KVER := $(shell tools/vm/guest-kernel.sh version $(KSERIES) 2>/dev/null)
ifneq ($(wildcard /lib/modules/$(shell uname -r)/build),)
KVER ?= $(shell uname -r)
else
KVER ?= $(GUEST_KVER)
endif
KDIR ?= /lib/modules/$(KVER)/build

MODULE_SRCS := $(shell find http bignum cache include \( -name '*.[ch]' -o -name 'sources.mk' \) 2>/dev/null) Kbuild

.PHONY: all modules kernel-headers clean install run check deps \
	guest-module initramfs check-unit check-kunit huge check-guest soak \
	first-run-test ktest-test help-test check-unit-matched soak-rt \
	_guest-module _initramfs _run _check-guest _soak \
	cluster cluster-ctl check-cluster soak-cluster \
	_cluster _check-cluster _soak-cluster huge-guest _huge-guest

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
# version anew (a fresh machine has no linux-headers-amd64 before deps.sh,
# nor, with KSERIES=6.12, the series' headers or even apt's lists).
#
# Another series than the default builds in its own directory, named by
# the version (build/guest-6.12.118+deb12-amd64), so that builds for 6.1
# and 6.12 do not overwrite each other, against headers unpacked beside
# the kernel in the cache (guest-kernel.sh headers: installing Debian's
# 6.12 headers would install that kernel in the host's /boot).

GUEST_DIR = $(BUILD)/guest$(if $(KSERIES_ALT),-$(GUEST_KVER))
GUEST_KO = $(GUEST_DIR)/module/khttpd.ko
GUEST_INITRD = $(GUEST_DIR)/initramfs.gz
GUEST_KERNEL = $(KHTTPD_CACHE)/guest/$(GUEST_KVER)
GUEST_HEADERS = $(GUEST_KERNEL)/headers
GUEST_KDIR = $(if $(KSERIES_ALT),$(GUEST_HEADERS)/usr/src/linux-headers-$(GUEST_KVER),/lib/modules/$(GUEST_KVER)/build)
GUEST_FILES ?=
GUEST_DEPS = build guest

ifneq ($(filter _% $(GUEST_KO) $(GUEST_INITRD),$(MAKECMDGOALS)),)
ifeq ($(GUEST_KVER),)
ifeq ($(KSERIES_ALT),)
$(error cannot find the guest kernel's version: linux-headers-amd64 is not installed (tools/vm/deps.sh build))
else
$(error cannot find the guest kernel's version: apt knows no linux-headers of series $(KSERIES) with its linux-image (KSERIES=$(KSERIES) tools/vm/deps.sh build))
endif
endif
endif

guest-module: GUEST_DEPS = build
check-guest: GUEST_DEPS = build guest ops
guest-module initramfs run check-guest soak cluster check-cluster soak-cluster \
		huge-guest:
	@tools/vm/deps.sh $(GUEST_DEPS)
	@$(MAKE) --no-print-directory _$@

# khttpd.ko for the guest, built in a copy of the tree so that a native
# `make` in the source directory is left alone.
$(GUEST_KO): $(MODULE_SRCS) $(if $(KSERIES_ALT),$(GUEST_HEADERS)/.unpacked)
	@mkdir -p $(GUEST_DIR)/module
	@tar -cf - $(MODULE_SRCS) | tar -xf - -C $(GUEST_DIR)/module
	$(MAKE) -C $(GUEST_KDIR) \
		M=$(abspath $(GUEST_DIR))/module modules

$(GUEST_HEADERS)/.unpacked:
	@tools/vm/guest-kernel.sh headers $(KHTTPD_CACHE)/guest $(GUEST_KVER) >/dev/null

_guest-module: $(GUEST_KO)

$(GUEST_KERNEL)/vmlinuz:
	@tools/vm/guest-kernel.sh fetch $(KHTTPD_CACHE)/guest $(GUEST_KVER) >/dev/null

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

# ---- a cluster behind HAProxy (Documentation/cluster.md) ------------------
#
# make cluster NODES=3: NODES guests (1 vCPU, CLUSTER_MEM MiB, cache_mb=
# CLUSTER_CACHE_MB) behind HAProxy on 127.0.0.1:CLUSTER_PORT (PORT= moves
# it; node I is on CLUSTER_PORT+10+I, the stats page on CLUSTER_PORT+9).
# make cluster-ctl NODE=2 ACTION=drain|undrain|rmmod|insmod|upgrade|kill|
# start|splats|status controls the running one.

NODES ?= 3
CLUSTER_PORT = $(if $(filter command line environment,$(origin PORT)),$(PORT),8080)
CLUSTER_MEM ?= 640
CLUSTER_CACHE_MB ?= 8
CLUSTER_DIR = $(GUEST_DIR)/cluster
NODE ?= 0
ACTION ?= status
cluster check-cluster soak-cluster: GUEST_DEPS = build guest cluster

_cluster: $(GUEST_INITRD)
	@$(PYTHON) tools/vm/cluster.py serve --kernel $(GUEST_KERNEL)/vmlinuz \
		--initrd $(GUEST_INITRD) --workdir $(CLUSTER_DIR) \
		--nodes $(NODES) --port $(CLUSTER_PORT) --mem $(CLUSTER_MEM) \
		--cache-mb $(CLUSTER_CACHE_MB) --accel $(ACCEL) \
		--module-args "$(KHTTPD_ARGS)"

cluster-ctl:
	@$(PYTHON) tools/vm/cluster.py ctl --workdir $(CLUSTER_DIR) \
		$(NODE) $(ACTION)

# The cluster suite (tools/testing/cluster/run.py): sharding, capacity,
# node loss and a rolling upgrade, in make check (3 to 4 minutes here);
# soak-cluster: longer load, two nodes lost, three rolling upgrades.
_check-cluster: $(GUEST_INITRD)
	@$(PYTHON) tools/testing/cluster/run.py --kernel $(GUEST_KERNEL)/vmlinuz \
		--initrd $(GUEST_INITRD) --workdir $(GUEST_DIR)/check-cluster \
		--accel $(ACCEL) $(GUEST_K)

_soak-cluster: $(GUEST_INITRD)
	@$(PYTHON) tools/testing/cluster/run.py --kernel $(GUEST_KERNEL)/vmlinuz \
		--initrd $(GUEST_INITRD) --workdir $(GUEST_DIR)/soak-cluster \
		--accel $(ACCEL) --long --suite-name soak-cluster $(GUEST_K)

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

# F(2^31 - 1) in the kernel build of bignum/ on UML (KUnit suite
# khttpd_bignum_huge), checked against GMP; minutes, ~2 GiB; not in check.
huge:
	@tools/vm/deps.sh kunit test
	@kunit/huge.sh $(BUILD)

# check-guest and soak run tools/vm/deps.sh, then these in a child make
# (see "the QEMU guest").
# Their summary lines: "# guest: ..." on 6.1, "# guest-6.12: ..." on 6.12.
SUITE_SUFFIX = $(if $(KSERIES_ALT),-$(KSERIES_ALT))
# The cases' timeout factor (run.py --slow): a PREEMPT_RT guest under TCG
# ran two to four times slower here (boot: 31-62 s against 14 s).
GUEST_SLOW ?= $(if $(filter %-rt,$(KSERIES)),2,1)
_check-guest: $(GUEST_INITRD)
	@$(PYTHON) tools/testing/guest/run.py --kernel $(GUEST_KERNEL)/vmlinuz \
		--initrd $(GUEST_INITRD) --workdir $(GUEST_DIR)/check --accel $(ACCEL) \
		--slow $(GUEST_SLOW) --suite-name guest$(SUITE_SUFFIX) $(GUEST_K)

# F(HUGE_N) streamed from a guest of HUGE_MEM MiB to a client that checks
# its length and SHA-256 against GMP's (tools/vm/huge.py; not in make
# check: F(2^31-1) takes hours under TCG; HUGE_N=100000000 proves it).
HUGE_N ?= 2147483647
HUGE_MEM ?= 6144
_huge-guest: $(GUEST_INITRD) $(BUILD)/fib-gmp
	@$(PYTHON) tools/vm/huge.py --kernel $(GUEST_KERNEL)/vmlinuz \
		--initrd $(GUEST_INITRD) --workdir $(GUEST_DIR)/huge \
		--accel $(ACCEL) --fib-gmp $(BUILD)/fib-gmp --n $(HUGE_N) \
		--mem $(HUGE_MEM)

# The hostile-client cases, five times longer and larger (KHTTPD_SOAK).
_soak: $(GUEST_INITRD)
	@KHTTPD_SOAK=1 $(PYTHON) tools/testing/guest/run.py \
		--kernel $(GUEST_KERNEL)/vmlinuz --initrd $(GUEST_INITRD) \
		--workdir $(GUEST_DIR)/soak --accel $(ACCEL) -m tests_hostile \
		--slow $(GUEST_SLOW) --suite-name soak$(SUITE_SUFFIX) $(GUEST_K)

# soak on Debian's PREEMPT_RT kernel (6.12-rt): preemptible spinlocks and
# threaded interrupts, other interleavings of the same code.
soak-rt:
	@$(MAKE) --no-print-directory soak KSERIES=6.12-rt
-include tools/bench/bench.mk
-include tools/vm/debug.mk

# ---- make help: every public target, one screen ---------------------------

define HELP_TEXT
Usage: make [TARGET...] [VARIABLE=value...]   make help: this text; README.md
Build and run
  all modules          khttpd.ko against KDIR (the default target)
  install clean        khttpd.ko into /lib/modules/KVER/extra; kbuild's, BUILD/
  deps                 install the Debian packages of every suite
  run                  serve khttpd on 127.0.0.1:PORT from a QEMU guest
  guest-module initramfs  the guest's khttpd.ko and initramfs
  tools fib-cli        BUILD/htstress (load generator), BUILD/fib
Tests
  check                every suite in SUITES; ends "N passed, N failed"
  check-unit           user-space unit tests (ASan, UBSan), tools' self-tests
  check-fuzz           each fuzzer's corpus, then 10 s of fuzzing each
  check-kunit          KUnit on UML with KASAN, lockdep, UBSAN
  check-guest          the in-guest suite, against khttpd.ko in QEMU (KSERIES)
  check-cluster        3 guests behind HAProxy: shards, node loss, upgrade
  soak soak-rt soak-cluster  hostile clients 5x (-rt: 6.12-rt), cluster 5x
  cluster cluster-ctl  NODES guests behind HAProxy; NODE=2 ACTION=upgrade
  check-debug          check-guest under a KASAN/lockdep/kmemleak kernel
  bench-smoke check-insn  htstress vs nginx, asserted; instructions per hit
  unit-NAME tools-test first-run-test ktest-test help-test  (check-unit's)
  htstress-test fibcheck-test plot-test     (tools-test's suites)
  tools-smoke          fibcheck, htstress against khttpd on 127.0.0.1:PORT
  fiblen-check peak-sweep-bignum  exact text lengths; memory bound to 10^8
  huge huge-guest      F(2^31-1): in UML (KUnit), from a guest (HUGE_N)
Fuzzing, benchmarks, debug kernel
  fuzz fuzz-NAME       every fuzzer, or one (fuzz_NAME.c); FUZZ_SECONDS=600
  bench bench-insn     khttpd vs nginx (performance.md); exact instructions
  bench-bignum tune-bignum  bignum vs GMP table; measure its thresholds
  debug-kernel debug-module debug-initramfs  check-debug's steps
Variables
  PORT=8081 NODES=3    make run's host port (cluster: 8080); cluster's guests
  KHTTPD_ARGS='...'    more module parameters for make run
  ACCEL=auto           QEMU accelerator: kvm, tcg, auto (kvm if it boots)
  K=PATTERN            only cases matching PATTERN (check-unit check-guest soak
                       check-debug check-cluster; check-kunit: 'suite[.case]')
  KSERIES=6.12         the guest's kernel: 6.1 (default), 6.12, 6.12-rt
  SUITES='unit guest'  check's: unit fuzz kunit guest guest-6.12 bench cluster
  BUILD=build          where everything is built
  KDIR=DIR             kernel build tree (default: the running kernel's)
  KHTTPD_CACHE=DIR     guest kernel, UML, debug kernel (~/.cache/khttpd)
endef

.PHONY: help
help:
	$(info $(HELP_TEXT))
	@:
