#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the Debian packages khttpd's build and tests need.
#
# Usage: tools/vm/deps.sh [GROUP...]   (default: all groups)
#   build  - compile khttpd.ko against Debian's stock kernel headers
#   guest  - boot Debian's stock kernel in QEMU with a busybox initramfs
#   kunit  - run KUnit on UML from Debian's kernel source (and build the
#            debug guest kernel, tools/vm/debug-kernel.sh)
#   test   - user-space tests, fuzzers and tools
#   ops    - the in-guest suite's Prometheus checks (tests_ops.py):
#            promtool lints /metrics, a prometheus server scrapes it.
#            On a host that runs systemd, Debian's package also enables
#            and starts its own prometheus.service on port 9090; the
#            tests start theirs on a free port and need no service.
#   bench  - what `make bench` compares khttpd with (not installed by default)
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
	[ops]="prometheus"
	[bench]="nginx-light hyperfine"
	[trace]="trace-cmd linux-perf bpftrace"
)

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build guest kunit test ops)

missing=()
for g in "${groups[@]}"; do
	pkgs=${GROUPS_PKGS[$g]:-}
	if [ -z "$pkgs" ]; then
		echo "deps.sh: unknown group '$g'" >&2
		exit 2
	fi
	for p in $pkgs; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}" >&2
	echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/khttpd-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +720)" ]; then
	apt-get update -qq
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
