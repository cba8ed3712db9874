#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run khttpd's KUnit suites on UML (User-Mode Linux).
#
# Usage: kunit/run.sh [BUILD_DIR [FILTER_GLOB]]
#
# FILTER_GLOB (or KUNIT_FILTER) runs only the matching suites or cases,
# kunit.py's "suite_glob[.test_glob]", e.g. 'khttpd-cache' or
# 'khttpd-http*.*date*'; one that matches nothing fails the run.
#
# Debian's linux-source-6.1 is extracted once into $KHTTPD_CACHE (default
# ~/.cache/khttpd) and the project is overlaid as lib/khttpd/, symbolic links
# to this checkout; UML is built in $KHTTPD_CACHE/kunit-build, so a warm run
# only recompiles what changed.  Prints "# kunit: pass=P fail=F".
set -uo pipefail

proj=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$proj/build}
filter=${2:-${KUNIT_FILTER:-}}
mkdir -p "$build" && build=$(cd "$build" && pwd)
cache=${KHTTPD_CACHE:-${HOME:-/tmp}/.cache/khttpd}
src=$cache/linux-source-6.1
out=$cache/kunit-build
log=$build/kunit.log

mkdir -p "$cache" "$build"
exec 9>"$cache/kunit.lock"
flock 9

fail()
{
	echo "kunit: $*" >&2
	echo "# kunit: pass=0 fail=1"
	exit 1
}

. "$proj/kunit/overlay.sh"
kunit_overlay
kunit_own_objects "$out"

cd "$src" || fail "no $src"
python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$proj/kunit/.kunitconfig" \
	--build_dir="$out" --jobs="$(nproc)" --timeout=600 \
	${filter:+"$filter"} >"$log" 2>&1
status=$?
sed -n '/=====/,$p' "$log" | grep -E '\[(PASSED|FAILED|CRASHED|SKIPPED)\]|Testing complete|Error' >&2

summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$log" | tail -n 1)
[ -n "$summary" ] || {
	tail -n 40 "$log" >&2
	fail "no test results (log: $log)"
}
passed=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$summary")
crashed=$(sed -nE 's/.*crashed: ([0-9]+).*/\1/p' <<<"$summary")
failed=$((${failed:-0} + ${crashed:-0}))
if [ -n "$filter" ] && [ "${passed:-0}" -eq 0 ] && [ "$failed" -eq 0 ]; then
	echo "kunit: no case matches '$filter'" >&2
	failed=1
fi
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
# A sanitizer or lockdep report fails the run even if every case passed.
if grep -qE 'BUG: KASAN|UBSAN:|possible circular locking|WARNING:' "$log"; then
	grep -E 'BUG: KASAN|UBSAN:|possible circular locking|WARNING:' "$log" >&2
	failed=$((failed + 1))
fi
echo "# kunit: pass=${passed:-0} fail=$failed"
[ "$failed" -eq 0 ]
