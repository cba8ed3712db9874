#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh - build khttpd's debug guest kernel: x86_64, from Debian's
# linux-source-6.1, allnoconfig plus tools/vm/debug-kernel.config (KASAN,
# lockdep, kmemleak, debug objects, UBSAN, ...).
#
# Usage: tools/vm/debug-kernel.sh [build]   build if needed; print the build dir
#        tools/vm/debug-kernel.sh dir       print the build dir only
#
# The source is the tree kunit/run.sh extracts once into
# $KHTTPD_CACHE/linux-source-6.1 (same marker, same lock); it is only read
# here.  The kernel is built out of tree in $KHTTPD_CACHE/debug-kernel/build
# (bzImage, Module.symvers, modules_prepare: ready for `make M=`), at
# `nice -n 10`.  A stamp of the fragment, this script, the source tarball
# and the compiler skips everything when nothing changed.
# See Documentation/debug-kernel.md.
set -euo pipefail

proj=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KHTTPD_CACHE:-${HOME:-/tmp}/.cache/khttpd}
src=$cache/linux-source-6.1
top=$cache/debug-kernel
out=$top/build
frag=$proj/tools/vm/debug-kernel.config
jobs=${JOBS:-$(nproc)}

die()
{
	echo "debug-kernel: $*" >&2
	exit 1
}

case "${1:-build}" in
dir)	echo "$out"; exit 0 ;;
build)	;;
*)	die "usage: $0 [build|dir]" ;;
esac

mkdir -p "$cache" "$top"

# One builder at a time per cache (two `make check`s in parallel).
exec 8>"$top/build.lock"
flock 8

tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1) || true
[ -n "$tarball" ] || die "linux-source-6.1 is not installed (apt-get install linux-source-6.1)"

# objtool (ORC unwinder) needs libelf's headers; the rest is deps.sh kunit.
for h in gelf.h; do
	[ -f "/usr/include/$h" ] || die "/usr/include/$h missing (apt-get install libelf-dev)"
done
for t in make gcc flex bison bc; do
	command -v "$t" >/dev/null || die "$t missing (tools/vm/deps.sh build kunit)"
done

stamp=$( {
	cat "$frag" "$0"
	stat -c '%n %s %Y' "$tarball"
	${CC:-gcc} --version | head -n 1
} | sha256sum | cut -d' ' -f1)

if [ -f "$out/.khttpd-stamp" ] && [ "$(cat "$out/.khttpd-stamp")" = "$stamp" ] &&
   [ -f "$out/arch/x86/boot/bzImage" ] && [ -f "$out/Module.symvers" ]; then
	echo "$out"
	exit 0
fi

# The shared tree: extract it (once) and read its Kconfig under KUnit's lock,
# as kunit/run.sh does, since run.sh appends to lib/Kconfig.debug.
exec 9>"$cache/kunit.lock"
flock 9
# kunit_overlay() extracts the tree once and points lib/khttpd/ (which
# lib/Kconfig.debug may source, from a KUnit run of a checkout deleted
# since) at this checkout.
fail() { die "$@"; }
# shellcheck source=kunit/overlay.sh
. "$proj/kunit/overlay.sh"
kunit_overlay

mkdir -p "$out"
kmake()
{
	nice -n 10 make -C "$src" O="$out" ARCH=x86_64 -j"$jobs" "$@"
}

# A .config whose contents did not change keeps its timestamp, so that a
# changed script alone does not look like a new configuration to Kbuild.
[ -f "$out/.config" ] && cp -p "$out/.config" "$out/.config.prev"
rm -f "$out/.khttpd-stamp"
echo "debug-kernel: configuring $out (allnoconfig + $frag)" >&2
kmake -s KCONFIG_ALLCONFIG="$frag" allnoconfig >&2
kmake -s olddefconfig >&2
if [ -f "$out/.config.prev" ] && cmp -s "$out/.config" "$out/.config.prev"; then
	mv "$out/.config.prev" "$out/.config"
else
	rm -f "$out/.config.prev"
fi
flock -u 9

# Every option the fragment sets must have made it.
missing=$(grep -E '^CONFIG_[A-Za-z0-9_]+=' "$frag" | while IFS= read -r line; do
	grep -qxF "$line" "$out/.config" || echo "  $line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$out/.config" || echo absent))"
done)
[ -z "$missing" ] || die "options missing from $out/.config:
$missing"

echo "debug-kernel: building bzImage and modules_prepare in $out (-j$jobs, nice 10)" >&2
t0=$(date +%s)
kmake bzImage modules modules_prepare >"$top/build.log" 2>&1 || {
	tail -n 40 "$top/build.log" >&2
	die "build failed (log: $top/build.log)"
}
echo "debug-kernel: built in $(( $(date +%s) - t0 ))s" >&2
echo "$stamp" >"$out/.khttpd-stamp"
echo "$out"
