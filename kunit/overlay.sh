# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# overlay.sh - sourced by kunit/run.sh, kunit/huge.sh and
# tools/vm/debug-kernel.sh: Debian's
# linux-source-6.1 is extracted once into $src, and the project is
# overlaid as lib/khttpd/, symbolic links to the checkout $proj.  Call
# kunit_overlay with the lock ($cache/kunit.lock) held: every worktree
# points the same links at itself.  Needs $src, $cache, $proj and a
# fail() that exits.
# shellcheck disable=SC2154

kunit_overlay()
{
	local tarball d

	if [ ! -f "$src/.khttpd-extracted" ]; then
		tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
		[ -n "$tarball" ] || fail "linux-source-6.1 is not installed"
		echo "kunit: extracting $tarball (once)" >&2
		rm -rf "$src"
		tar -xf "$tarball" -C "$cache" || fail "cannot extract $tarball"
		touch "$src/.khttpd-extracted"
	fi
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
}

# The objects of lib/khttpd/ in the build directory $1 come from whichever
# checkout built there last, and make compares only times: another
# checkout's newer objects look up to date against older sources here.
# Drop them when the checkout changes.
kunit_own_objects()
{
	local stamp=$1/.khttpd-checkout

	if [ "$(cat "$stamp" 2>/dev/null)" != "$proj" ]; then
		rm -rf "$1/lib/khttpd"
		mkdir -p "$1"
		echo "$proj" >"$stamp"
	fi
}
