# SPDX-License-Identifier: GPL-2.0
#
# bench.mk - khttpd against nginx in one boot of the QEMU test guest
# (tools/bench/bench.py), included by the top-level Makefile.
#
#   make bench        the full comparison (about 12-15 minutes, TCG);
#                     writes Documentation/performance.md, the generated
#                     tables of Documentation/cache.md and the PNGs of
#                     Documentation/images/; logs and JSON in build/bench/
#   make bench-smoke  about a minute: short runs, each an assertion;
#                     prints "# bench-smoke: pass=P fail=F"
#   make bench BENCH_ARGS=--sections=static
#                     only the named sections (bench.py --help lists
#                     them), for iteration: prints their tables into the
#                     log, writes build/bench/results-partial.json and no
#                     documentation
#
# Variables: BENCH_DURATION (seconds per htstress run, default 8),
# BENCH_ARGS (more bench.py options), ACCEL.  Debian packages: nginx-light
# (tools/vm/deps.sh bench) and python3-matplotlib for the plots.

BENCH_DIR = $(BUILD)/bench
BENCH_IDLECONNS = $(BENCH_DIR)/idleconns
BENCH_DURATION ?= 8
BENCH_ARGS ?=
BENCH_CC ?= gcc

.PHONY: bench bench-smoke _bench _bench-smoke

# Install first, then the work in a child make that reads GUEST_KVER (the
# top-level Makefile's "the QEMU guest").
bench bench-smoke:
	@tools/vm/deps.sh bench build guest
	@$(MAKE) --no-print-directory _$@

$(BENCH_IDLECONNS): tools/bench/idleconns.c tools/bench/bench.mk
	@mkdir -p $(dir $@)
	$(BENCH_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

BENCH_RUN = $(PYTHON) tools/bench/bench.py --kernel $(GUEST_KERNEL)/vmlinuz \
	--kmods $(GUEST_KERNEL) --kver $(GUEST_KVER) --ko $(GUEST_KO) \
	--htstress $(BUILD)/htstress --idleconns $(BENCH_IDLECONNS) \
	--workdir $(BENCH_DIR) --accel $(ACCEL)

_bench: tools $(GUEST_KO) $(GUEST_KERNEL)/vmlinuz $(BENCH_IDLECONNS)
	$(BENCH_RUN) --duration $(BENCH_DURATION) --bignum $(BENCH_ARGS)

_bench-smoke: tools $(GUEST_KO) $(GUEST_KERNEL)/vmlinuz $(BENCH_IDLECONNS)
	$(BENCH_RUN) --smoke --workdir $(BENCH_DIR)/smoke $(BENCH_ARGS)
