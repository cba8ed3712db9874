#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# huge.sh - `make huge`: F(2^31 - 1) in the kernel build of bignum/ (the
# KUnit suite khttpd_bignum_huge, kunit/bignum_huge_kunit.c), on UML
# without sanitizers so that it runs at native speed.
#
# Usage: kunit/huge.sh [BUILD_DIR]
#
# 1. GMP computes F(2^31 - 1) in decimal and hex (tools/bench/gmp_fib_hash.c)
#    and its lengths and FNV-1a hashes must equal the constants the KUnit
#    suite checks against (so they are never unverified).
# 2. UML is built in $KHTTPD_CACHE/kunit-huge-build (its own config:
#    kunit/huge.kunitconfig) under the lock kunit/run.sh takes, then run
#    outside the lock with mem=$HUGE_MEM (default 5G; the peak is about
#    2 GiB) and only that suite.
# 3. Prints the suite's times and peaks and "# kunit-huge: pass=P fail=F".
set -uo pipefail

proj=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$proj/build}
mkdir -p "$build" && build=$(cd "$build" && pwd)
cache=${KHTTPD_CACHE:-${HOME:-/tmp}/.cache/khttpd}
src=$cache/linux-source-6.1
out=$cache/kunit-huge-build
log=$build/kunit-huge.log
mem=${HUGE_MEM:-5G}
n=2147483647
suite=$proj/kunit/bignum_huge_kunit.c

fail()
{
	echo "kunit-huge: $*" >&2
	echo "# kunit-huge: pass=0 fail=1"
	exit 1
}

# 1. the expected values, verified with GMP
gcc -O2 -Wall -Wextra -o "$build/gmp_fib_hash" \
	"$proj/tools/bench/gmp_fib_hash.c" -lgmp || fail "cannot build gmp_fib_hash"
for spec in 10:DEC 16:HEX; do
	base=${spec%%:*}
	name=${spec#*:}
	want_len=$(sed -nE "s/^#define HUGE_${name}_LEN ([0-9]+)LL$/\1/p" "$suite")
	want_fnv=$(sed -nE "s/^#define HUGE_${name}_FNV 0x([0-9a-f]+)ULL$/\1/p" "$suite")
	if [ -z "$want_len" ] || [ -z "$want_fnv" ]; then
		fail "no HUGE_${name}_LEN / _FNV in $suite"
	fi
	got=$(nice "$build/gmp_fib_hash" $n "$base") || fail "GMP failed"
	echo "GMP: $got"
	[ "$got" = "F($n) base $base: $want_len chars, fnv $want_fnv" ] ||
		fail "GMP says '$got'; the suite expects $want_len chars, fnv $want_fnv"
done

# 2. UML with the huge suite
mkdir -p "$cache"
(
	flock 9
	. "$proj/kunit/overlay.sh"
	kunit_overlay
	kunit_own_objects "$out"
	cd "$src" || fail "no $src"
	nice python3 tools/testing/kunit/kunit.py build \
		--kunitconfig="$proj/kunit/huge.kunitconfig" \
		--build_dir="$out" --jobs="$(nproc)" >"$log.build" 2>&1 ||
		{ tail -n 40 "$log.build" >&2; fail "UML build failed"; }
	cp "$out/linux" "$build/linux-huge"
) 9>"$cache/kunit.lock" || exit 1

start=$(date +%s)
timeout 3600 "$build/linux-huge" mem="$mem" console=tty kunit_shutdown=halt \
	kunit.filter_glob=khttpd_bignum_huge >"$log" 2>&1 </dev/null
echo "UML ran $(($(date +%s) - start)) s (mem=$mem)"
grep 'khttpd huge:' "$log" | sed 's/^.*khttpd huge: /  /'
(cd "$src" && python3 tools/testing/kunit/kunit.py parse "$log") \
	>"$log.parsed" 2>&1
grep -E '\[(PASSED|FAILED|CRASHED|SKIPPED)\]|Testing complete' "$log.parsed"
summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$log.parsed" | tail -n 1)
[ -n "$summary" ] || { tail -n 40 "$log" >&2; fail "no test results (log: $log)"; }
passed=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$summary")
crashed=$(sed -nE 's/.*crashed: ([0-9]+).*/\1/p' <<<"$summary")
failed=$((${failed:-0} + ${crashed:-0}))
[ "${passed:-0}" -eq 3 ] || failed=$((failed + 1))
echo "# kunit-huge: pass=${passed:-0} fail=$failed"
[ "$failed" -eq 0 ]
