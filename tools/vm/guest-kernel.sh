#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-kernel.sh - find Debian's stock kernel and unpack it for the guest.
#
# Usage: tools/vm/guest-kernel.sh version [SERIES]
#            -> prints e.g. 6.1.0-57-amd64, or 6.12.118+deb12-amd64
#        tools/vm/guest-kernel.sh fetch DIR [KVER]
#            -> unpacks linux-image-KVER into DIR/KVER (vmlinuz, config,
#               lib/modules); KVER defaults to `version $KSERIES`
#        tools/vm/guest-kernel.sh headers DIR [KVER]
#            -> unpacks linux-headers-KVER, its -common and its
#               linux-kbuild into DIR/KVER/headers and prints the tree to
#               build against (make -C TREE M=...)
#
# SERIES (default: $KSERIES, see Documentation/kernels.md):
#   "" or 6.1  the version linux-headers-amd64 depends on (Debian 12's
#              default kernel; the metapackage must be installed)
#   6.12       the newest linux-headers-6.12.N+debNN-amd64 apt knows of
#              that has a matching linux-image-6.12.N+debNN-amd64
#   6.12-rt    the same for the PREEMPT_RT flavour, ...-rt-amd64
# Any X.Y or X.Y-rt works alike (another word: exit status 2).  `version`
# only reads apt's cache, never `apt-get update` (tools/vm/deps.sh does
# that when the lists are empty); nothing is ever hard-coded.
#
# Nothing is installed into the host's /boot.  That is why `headers`
# unpacks the 6.12 headers rather than installing them: Debian's
# linux-headers-6.12.* depend on their linux-image, whose installation
# would put that kernel in /boot, build its initramfs (minutes) and, with
# GRUB, make it the machine's default.  The 6.1 headers have no such
# dependency; tools/vm/deps.sh installs them (linux-headers-amd64).
set -euo pipefail

tmp=

# The version linux-headers-amd64 points at (Debian 12: the 6.1 series).
default_version()
{
	local dep
	dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
		echo "guest-kernel.sh: linux-headers-amd64 is not installed" >&2
		return 1
	}
	# "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)" -> "6.1.0-56-amd64"
	dep=${dep%% *}
	echo "${dep#linux-headers-}"
}

# The newest X.Y.N+debNN-amd64 (or -rt-amd64) with both a headers and an
# image package in apt's cache: one apt-cache call (no pkgcache.bin on
# some machines, so each call parses every list).
series_version()
{
	local series=$1 major flavour re names kver
	case $series in
	[0-9]*.[0-9]*-rt) major=${series%-rt} flavour=rt-amd64 ;;
	[0-9]*.[0-9]*) major=$series flavour=amd64 ;;
	*)
		echo "guest-kernel.sh: unknown kernel series '$series' (6.1, 6.12, 6.12-rt)" >&2
		return 2 ;;
	esac
	re="${major//./\\.}\\.[0-9]+\\+deb[0-9]+-$flavour"
	names=$(apt-cache pkgnames "linux-" 2>/dev/null |
		grep -E "^linux-(headers|image)-$re\$" || true)
	kver=$(sed -n 's/^linux-headers-//p' <<<"$names" | sort -rV |
		while read -r v; do
			if grep -qxF "linux-image-$v" <<<"$names"; then
				echo "$v"
				break
			fi
		done)
	if [ -z "$kver" ]; then
		echo "guest-kernel.sh: apt knows no linux-headers-$major.N+debNN-$flavour with its linux-image (KSERIES=$series tools/vm/deps.sh build runs apt-get update)" >&2
		return 1
	fi
	echo "$kver"
}

kernel_version()
{
	local series=${1-${KSERIES:-}}
	case $series in
	"" | 6.1) default_version ;;
	*) series_version "$series" ;;
	esac
}

# Download the packages named into $tmp (a new one).
download()
{
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# apt's downloads run as _apt, which must be able to write here.
	[ "$(id -u)" -ne 0 ] || chown _apt "$tmp" 2>/dev/null || true
	(cd "$tmp" && apt-get download -q "$@" >/dev/null 2>&1) || {
		apt-get update -qq && (cd "$tmp" && apt-get download -q "$@" >/dev/null)
	}
}

fetch()
{
	local dir=$1 kver=${2:-} deb new
	[ -n "$kver" ] || kver=$(kernel_version)
	if [ -e "$dir/$kver/vmlinuz" ]; then
		echo "$dir/$kver"
		return
	fi
	download "linux-image-$kver"
	deb=$(ls "$tmp"/linux-image-*.deb)
	mkdir -p "$tmp/x"
	dpkg-deb -x "$deb" "$tmp/x"
	new=$dir/$kver/image.new
	rm -rf "$new"
	mkdir -p "$new/lib/modules"
	cp "$tmp/x/boot/vmlinuz-$kver" "$new/vmlinuz"
	cp "$tmp/x/boot/config-$kver" "$new/config" 2>/dev/null || true
	cp -a "$tmp/x/lib/modules/$kver" "$new/lib/modules/"
	depmod -b "$new" "$kver"
	# Into DIR/KVER beside headers/, vmlinuz last: it says all is there.
	rm -rf "$dir/$kver/lib"
	mv "$new/lib" "$dir/$kver/lib"
	[ ! -e "$new/config" ] || mv "$new/config" "$dir/$kver/config"
	mv "$new/vmlinuz" "$dir/$kver/vmlinuz"
	rm -rf "$new"
	echo "$dir/$kver"
}

# linux-headers-KVER depends on its -common headers (the Makefile, most of
# include/) and on linux-kbuild (scripts/, tools/): unpacked together, the
# relative links between them hold; only the Makefile's absolute include
# of the -common one is pointed at the copy.  The programs of linux-kbuild
# need gcc-12, libelf, libssl and pahole (deps.sh build with KSERIES).
headers()
{
	local dir=$1 kver=${2:-} root tree deps p deb more=()
	[ -n "$kver" ] || kver=$(kernel_version)
	root=$dir/$kver/headers
	tree=$root/usr/src/linux-headers-$kver
	if [ -e "$root/.unpacked" ]; then
		echo "$tree"
		return
	fi
	download "linux-headers-$kver"
	deps=$(dpkg-deb -f "$tmp"/linux-headers-"$kver"_*.deb Depends | tr ',|' '\n\n')
	for p in $(sed -nE 's/^ *(linux-(headers-[^ ]*-common[^ ]*|kbuild-[^ ]*)).*/\1/p' <<<"$deps"); do
		more+=("$p")
	done
	[ ${#more[@]} -gt 0 ] || {
		echo "guest-kernel.sh: linux-headers-$kver depends on no -common headers nor linux-kbuild" >&2
		return 1
	}
	(cd "$tmp" && apt-get download -q "${more[@]}" >/dev/null)
	rm -rf "$root.new"
	mkdir -p "$root.new"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$root.new"
	done
	sed -i "s|^include /usr/src/|include $(realpath -m "$root")/usr/src/|" \
		"$root.new/usr/src/linux-headers-$kver/Makefile"
	touch "$root.new/.unpacked"
	rm -rf "$root"
	mv "$root.new" "$root"
	echo "$tree"
}

case "${1:-}" in
version) kernel_version ${2+"$2"} ;;
fetch) fetch "${2:?usage: guest-kernel.sh fetch DIR [KVER]}" "${3:-}" ;;
headers) headers "${2:?usage: guest-kernel.sh headers DIR [KVER]}" "${3:-}" ;;
*) echo "usage: guest-kernel.sh version [SERIES] | fetch DIR [KVER] | headers DIR [KVER]" >&2; exit 2 ;;
esac
