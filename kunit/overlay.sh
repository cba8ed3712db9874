#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh - overlay this checkout on the shared kernel source tree as
# lib/khttpd/ (symbolic links) and hook it into lib/Kconfig.debug and
# lib/Makefile.
#
# Usage: kunit/overlay.sh SRC   (the caller holds $KHTTPD_CACHE/kunit.lock)
#
# kunit/run.sh builds UML from the overlay.  tools/vm/debug-kernel.sh does
# not use it, but configures the same tree, whose lib/Kconfig.debug then
# sources lib/khttpd/Kconfig: the links must point to a checkout that
# exists, not to one deleted since the last KUnit run.
set -euo pipefail

proj=$(cd "$(dirname "$0")/.." && pwd)
src=${1:?usage: $0 SRC}

mkdir -p "$src/lib/khttpd"
for d in include http bignum cache kunit; do
	ln -sfn "$proj/$d" "$src/lib/khttpd/$d"
done
ln -sfn "$proj/kunit/Kconfig" "$src/lib/khttpd/Kconfig"
ln -sfn "$proj/kunit/Makefile.kunit" "$src/lib/khttpd/Makefile"
grep -q 'lib/khttpd/Kconfig' "$src/lib/Kconfig.debug" ||
	echo 'source "lib/khttpd/Kconfig"' >>"$src/lib/Kconfig.debug"
grep -q 'khttpd/' "$src/lib/Makefile" ||
	echo 'obj-$(CONFIG_KHTTPD_KUNIT) += khttpd/' >>"$src/lib/Makefile"
