#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-kernel.sh - find Debian's stock kernel and unpack it for the guest.
#
# Usage: tools/vm/guest-kernel.sh version   -> prints e.g. 6.1.0-56-amd64
#        tools/vm/guest-kernel.sh fetch DIR -> unpacks linux-image-$KVER
#                                 into DIR/$KVER (vmlinuz, lib/modules)
#
# The version is whatever Debian's linux-headers-amd64 metapackage points
# at, so the module is always built against the headers of the kernel the
# guest boots.  Nothing is installed into the host's /boot.
set -euo pipefail

tmp=

kernel_version()
{
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
		echo "guest-kernel.sh: linux-headers-amd64 is not installed" >&2
		exit 1
	}
	# "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)" -> "6.1.0-56-amd64"
	dep=${dep%% *}
	echo "${dep#linux-headers-}"
}

fetch()
{
	local dir=$1 kver deb
	kver=$(kernel_version)
	if [ -e "$dir/$kver/vmlinuz" ]; then
		echo "$dir/$kver"
		return
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "linux-image-$kver" >/dev/null 2>&1) || {
		apt-get update -qq && (cd "$tmp" && apt-get download -q "linux-image-$kver" >/dev/null)
	}
	deb=$(ls "$tmp"/linux-image-*.deb)
	mkdir -p "$tmp/x"
	dpkg-deb -x "$deb" "$tmp/x"
	mkdir -p "$dir/$kver.new"
	cp "$tmp/x/boot/vmlinuz-$kver" "$dir/$kver.new/vmlinuz"
	mkdir -p "$dir/$kver.new/lib/modules"
	cp -a "$tmp/x/lib/modules/$kver" "$dir/$kver.new/lib/modules/"
	depmod -b "$dir/$kver.new" "$kver"
	rm -rf "$dir/$kver"
	mv "$dir/$kver.new" "$dir/$kver"
	echo "$dir/$kver"
}

case "${1:-}" in
version) kernel_version ;;
fetch) fetch "${2:?usage: guest-kernel.sh fetch DIR}" ;;
*) echo "usage: guest-kernel.sh version | fetch DIR" >&2; exit 2 ;;
esac
