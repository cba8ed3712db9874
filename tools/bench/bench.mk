# SPDX-License-Identifier: GPL-2.0
#
# bench.mk - khttpd against nginx in one boot of the QEMU test guest
# (tools/bench/bench.py), included by the top-level Makefile.
#
#   make bench        the full comparison (about 15-20 minutes, TCG);
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
#   make bench-insn   section insn alone (13 to 24 minutes, niced, on this
#                     2-core host under a load of 8 to 12): instructions
#                     per response of khttpd, nginx and h2o, counted by
#                     the TCG plugin tools/bench/insn/insncount.c in a boot
#                     of its own; the table and khttpd's kernel profile in
#                     the log, build/bench/insn.md and build/bench/insn.json
#   make check-insn   the budget of make check (1 to 3 minutes): khttpd's
#                     instructions per keep-alive hit against the budget
#                     of tools/bench/insn/insn.py and against nginx's;
#                     prints "# insn-budget: pass=P fail=F"
#
# Variables: BENCH_DURATION (seconds per htstress run, default 8),
# INSN_DURATION (seconds of the guest's clock per wrk run of section insn,
# default 1),
# BENCH_ARGS (more bench.py options), ACCEL.  Debian packages: nginx-light,
# wrk, h2o (tools/vm/deps.sh bench) and python3-matplotlib for the plots.

BENCH_DIR = $(BUILD)/bench
BENCH_IDLECONNS = $(BENCH_DIR)/idleconns
BENCH_DURATION ?= 8
BENCH_ARGS ?=
BENCH_CC ?= gcc
INSN_DURATION ?= 1
INSN_PLUGIN = $(BENCH_DIR)/insncount.so
INSN_MARK = $(BENCH_DIR)/insnmark

.PHONY: bench bench-smoke bench-insn check-insn _bench _bench-smoke \
	_bench-insn _check-insn

# Install first, then the work in a child make that reads GUEST_KVER (the
# top-level Makefile's "the QEMU guest").
bench bench-smoke bench-insn check-insn:
	@tools/vm/deps.sh bench build guest
	@$(MAKE) --no-print-directory _$@

$(BENCH_IDLECONNS): tools/bench/idleconns.c tools/bench/bench.mk
	@mkdir -p $(dir $@)
	$(BENCH_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# The plugin is loaded by QEMU: -shared -fPIC, only its two symbols
# exported; the parameters of QEMU's callbacks are not all used.
$(INSN_PLUGIN): tools/bench/insn/insncount.c tools/bench/bench.mk
	@mkdir -p $(dir $@)
	$(BENCH_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
		-shared -fPIC -fvisibility=hidden -o $@ $<

$(INSN_MARK): tools/bench/insn/insnmark.c tools/bench/bench.mk
	@mkdir -p $(dir $@)
	$(BENCH_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

BENCH_RUN = $(PYTHON) tools/bench/bench.py --kernel $(GUEST_KERNEL)/vmlinuz \
	--kmods $(GUEST_KERNEL) --kver $(GUEST_KVER) --ko $(GUEST_KO) \
	--htstress $(BUILD)/htstress --idleconns $(BENCH_IDLECONNS) \
	--insn-plugin $(INSN_PLUGIN) --insnmark $(INSN_MARK) \
	--insn-duration $(INSN_DURATION) --workdir $(BENCH_DIR) --accel $(ACCEL)
BENCH_PREREQS = tools $(GUEST_KO) $(GUEST_KERNEL)/vmlinuz $(BENCH_IDLECONNS) \
	$(INSN_PLUGIN) $(INSN_MARK)

_bench: $(BENCH_PREREQS)
	$(BENCH_RUN) --duration $(BENCH_DURATION) --bignum $(BENCH_ARGS)

_bench-insn: $(BENCH_PREREQS)
	nice $(BENCH_RUN) --sections=insn $(BENCH_ARGS)

_check-insn: $(BENCH_PREREQS)
	nice $(BENCH_RUN) --insn-budget --workdir $(BENCH_DIR)/insn-budget \
		$(BENCH_ARGS)

_bench-smoke: $(BENCH_PREREQS)
	$(BENCH_RUN) --smoke --workdir $(BENCH_DIR)/smoke $(BENCH_ARGS)
