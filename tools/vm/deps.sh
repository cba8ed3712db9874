#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the Debian packages khttpd's build and tests need.
#
# Usage: [KSERIES=6.12] tools/vm/deps.sh [GROUP...]   (default: all groups)
#   build  - compile khttpd.ko against Debian's stock kernel headers; with
#            KSERIES=6.12 or 6.12-rt (Documentation/kernels.md) also that
#            series' newest headers, linux-headers-VERSION of
#            tools/vm/guest-kernel.sh (apt-get update first when apt knows
#            of none, as on a machine whose lists are empty)
#   guest  - boot Debian's stock kernel in QEMU with a busybox initramfs
#   kunit  - run KUnit on UML from Debian's kernel source (and build the
#            debug guest kernel, tools/vm/debug-kernel.sh)
#   test   - user-space tests, fuzzers and tools
#   bench  - what `make bench` compares khttpd with (not installed by default)
#
# Idempotent and quiet when everything is present: it asks dpkg first and
# runs apt-get (update once, then install) only for what is missing.
set -euo pipefail

declare -A GROUPS_PKGS=(
	[build]="make gcc libc6-dev linux-headers-amd64 kmod"
	[guest]="qemu-system-x86 busybox-static cpio xz-utils zstd python3"
	[kunit]="linux-source-6.1 flex bison bc libelf-dev python3 xz-utils"
	[test]="libgmp-dev clang libclang-rt-14-dev python3 python3-gmpy2 python3-matplotlib curl"
	[bench]="nginx-light hyperfine"
)

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build guest kunit test)
series=${KSERIES:-}
[ "$series" != 6.1 ] || series=
guest_kernel=$(dirname "$0")/guest-kernel.sh
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

update()
{
	apt-get update -qq
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
	updated=1
}

updated=
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

# KSERIES: the headers of the series' newest kernel, found in apt's lists
# (guest-kernel.sh version), so the lists must exist first.
series_headers=
find_series_headers()
{
	local kver
	kver=$("$guest_kernel" version "$series") || return 1
	series_headers=linux-headers-$kver
}
if [ -n "$series" ] && [[ " ${groups[*]} " == *" build "* ]]; then
	if ! find_series_headers 2>/dev/null; then
		need_root "linux-headers-$series (KSERIES=$series)"
		echo "deps.sh: apt knows no $series kernel: apt-get update" >&2
		update
		find_series_headers
	fi
	installed "$series_headers" || missing+=("$series_headers")
fi

[ ${#missing[@]} -eq 0 ] && exit 0
need_root "${missing[@]}"

if [ -z "$updated" ] &&
	{ [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +720)" ]; }; then
	update
	# The update may have brought a newer kernel of the series: the
	# make that follows builds against that one.
	if [ -n "$series_headers" ]; then
		old=$series_headers
		find_series_headers
		if [ "$series_headers" != "$old" ]; then
			keep=()
			for p in "${missing[@]}"; do
				[ "$p" = "$old" ] || keep+=("$p")
			done
			missing=("${keep[@]}")
			installed "$series_headers" || missing+=("$series_headers")
		fi
	fi
fi
echo "deps.sh: installing ${missing[*]}" >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
