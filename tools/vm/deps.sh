#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the Debian packages khttpd's build and tests need.
#
# Usage: [KSERIES=6.12] tools/vm/deps.sh [GROUP...]   (default: all groups)
#   build  - compile khttpd.ko against Debian's stock kernel headers; with
#            KSERIES=6.12 or 6.12-rt (Documentation/kernels.md) also what
#            the programs of that series' linux-kbuild need (kbuild below:
#            tools/vm/guest-kernel.sh headers unpacks the headers rather
#            than installing them), and apt's lists, updated once when
#            they know no such kernel (a fresh machine's are empty)
#   guest  - boot Debian's stock kernel in QEMU with a busybox initramfs
#   kunit  - run KUnit on UML from Debian's kernel source (and build the
#            debug guest kernel, tools/vm/debug-kernel.sh)
#   test   - user-space tests, fuzzers and tools
#   cluster - make cluster and the cluster suite: HAProxy in front of guests
#   ops    - the in-guest suite's Prometheus checks (tests_ops.py):
#            promtool lints /metrics, a prometheus server scrapes it.
#            On a host that runs systemd, Debian's package also enables
#            and starts its own prometheus.service on port 9090; the
#            tests start theirs on a free port and need no service.
#   bench  - what `make bench` compares khttpd with and loads it with
#            (not installed by default)
#   trace  - the tracers tools/testing/ops/capture.py runs in the guest for
#            Documentation/operations.md (not installed by default)
#
# Idempotent and quiet when everything is present: it asks dpkg first and
# runs apt-get (update once, then install) only for what is missing.
set -euo pipefail

declare -A GROUPS_PKGS=(
	[build]="make gcc libc6-dev linux-headers-amd64 kmod"
	[guest]="qemu-system-x86 busybox-static cpio xz-utils zstd python3"
	[kunit]="linux-source-6.1 flex bison bc libelf-dev python3 xz-utils"
	[test]="libgmp-dev clang libclang-rt-14-dev python3 python3-gmpy2 python3-matplotlib curl"
	[cluster]="haproxy"
	[ops]="prometheus"
	[bench]="nginx-light hyperfine wrk h2o"
	# linux-headers-6.12.*'s and linux-kbuild-6.12.*'s own dependencies
	[kbuild]="gcc-12 libelf1 libssl3 zlib1g pahole"
	[trace]="trace-cmd linux-perf bpftrace"
)

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build guest kunit test ops cluster)
series=${KSERIES:-}
[ "$series" != 6.1 ] || series=
# When apt-get update last ran (a test points it elsewhere).
stamp=${KHTTPD_APT_STAMP:-/var/lib/apt/periodic/khttpd-update-stamp}
export DEBIAN_FRONTEND=noninteractive

installed()
{
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null |
		grep -q 'install ok installed'
}

need_root()
{
	[ "$(id -u)" -eq 0 ] && return
	echo "deps.sh: missing packages: $*" >&2
	echo "deps.sh: run as root, or: sudo apt-get install $*" >&2
	exit 1
}

updated=
update()
{
	apt-get update -qq
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
	updated=1
}

build_series=
[ -n "$series" ] && [[ " ${groups[*]} " == *" build "* ]] && build_series=1
[ -z "$build_series" ] || groups+=(kbuild)

missing=()
for g in "${groups[@]}"; do
	pkgs=${GROUPS_PKGS[$g]:-}
	if [ -z "$pkgs" ]; then
		echo "deps.sh: unknown group '$g'" >&2
		exit 2
	fi
	for p in $pkgs; do
		installed "$p" || missing+=("$p")
	done
done

# KSERIES: the series' newest kernel is looked up in apt's lists, which a
# fresh machine may not have yet.
guest_kernel=$(dirname "$0")/guest-kernel.sh
if [ -n "$build_series" ]; then
	known=0
	"$guest_kernel" version "$series" >/dev/null 2>&1 || known=$?
	case $known in
	0) ;;
	2) "$guest_kernel" version "$series" >/dev/null; exit 2 ;;
	*)
		if [ "$(id -u)" -ne 0 ]; then
			echo "deps.sh: apt knows no $series kernel: run as root, or: sudo apt-get update" >&2
			exit 1
		fi
		echo "deps.sh: apt knows no $series kernel: apt-get update" >&2
		update
		"$guest_kernel" version "$series" >/dev/null ;;
	esac
fi

[ ${#missing[@]} -eq 0 ] && exit 0
need_root "${missing[@]}"

echo "deps.sh: installing ${missing[*]}" >&2
if [ -z "$updated" ] &&
	{ [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +720)" ]; }; then
	update
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
