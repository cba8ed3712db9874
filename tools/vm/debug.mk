# SPDX-License-Identifier: GPL-2.0
#
# debug.mk - the in-guest suite under a debug kernel (KASAN, lockdep,
# kmemleak, debug objects, UBSAN), included from the top-level Makefile.
#
#   make debug-kernel     build it (cached in $(KHTTPD_CACHE)/debug-kernel)
#   make debug-module     khttpd.ko against it, warning-free
#   make debug-initramfs  the guest's initramfs for it (virtio built in)
#   make check-debug      boot it, run tools/testing/guest/run.py, then a
#                         kmemleak scan; prints "# guest-debug: pass=P fail=F"
#                         (K=PATTERN: only the cases whose name contains it)
#
# See Documentation/debug-kernel.md.

DEBUG_DIR = $(BUILD)/guest/debug
DEBUG_KDIR = $(KHTTPD_CACHE)/debug-kernel/build
DEBUG_KERNEL = $(DEBUG_KDIR)/arch/x86/boot/bzImage
DEBUG_KO = $(DEBUG_DIR)/module/khttpd.ko
DEBUG_INITRD = $(DEBUG_DIR)/initramfs.gz
# KASAN's shadow is 1/8 of the memory, kmemleak and lockdep want more.
DEBUG_MEM ?= 3072
# Timeout multiplier the slow-sensitive cases read as ctx.slow.
DEBUG_SLOW ?= 4
DEBUG_ARGS ?=

.PHONY: debug-kernel debug-module debug-initramfs check-debug

# The script is cached on its own: with nothing changed it returns at once.
debug-kernel:
	@tools/vm/deps.sh build guest kunit ops
	@tools/vm/debug-kernel.sh build >/dev/null

# Built in a copy of the tree, like guest-module; any compiler or modpost
# warning fails it (the instrumentation must not hide one).
debug-module: debug-kernel
	@mkdir -p $(DEBUG_DIR)/module
	@tar -cf - $(MODULE_SRCS) | tar -xf - -C $(DEBUG_DIR)/module
	@$(MAKE) -C $(DEBUG_KDIR) M=$(abspath $(DEBUG_DIR))/module modules \
		>$(DEBUG_DIR)/module.log 2>&1; st=$$?; \
		cat $(DEBUG_DIR)/module.log; exit $$st
	@if grep -E 'warning:|error:|WARNING:' $(DEBUG_DIR)/module.log; then \
		echo "debug-module: warnings (log: $(DEBUG_DIR)/module.log)" >&2; \
		exit 1; \
	fi

# Rewritten every time (a second): debug-module is always "new".
debug-initramfs: debug-module
	$(PYTHON) tools/vm/initramfs.py -o $(DEBUG_INITRD) --no-kmods \
		--init tools/vm/init --file $(DEBUG_KO):khttpd.ko \
		$(addprefix --file ,$(GUEST_FILES))

check-debug: debug-initramfs
	@$(PYTHON) tools/testing/guest/run.py --kernel $(DEBUG_KERNEL) \
		--initrd $(DEBUG_INITRD) --workdir $(DEBUG_DIR)/check \
		--accel $(ACCEL) --mem $(DEBUG_MEM) --slow $(DEBUG_SLOW) \
		--kmemleak --suite-name guest-debug $(GUEST_K) $(DEBUG_ARGS)
