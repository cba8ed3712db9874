#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build the khttpd test guest's initramfs (a gzip'ed cpio "newc" archive).

Written in Python so that no root privileges are needed for device nodes:
the archive entries are written directly, /dev/console included.

Usage: initramfs.py -o OUT (--kmods DIR --kver KVER | --no-kmods)
                    [--file SRC:DEST ...]
The guest modules (virtio-net and virtio-pci with their dependencies) are
resolved with `modprobe --show-depends` against the unpacked Debian kernel,
and stored uncompressed (Debian's 6.12 kernels ship them as .ko.xz, which
busybox's insmod may not read).
With --no-kmods (a kernel that has them built in, tools/vm/debug-kernel.sh)
none are added and /etc/modules is empty.
"""
import argparse
import gzip
import lzma
import os
import stat
import subprocess
import sys

GUEST_MODULES = ["virtio_pci", "virtio_net"]


class Cpio:
    """A minimal writer of the SVR4 "newc" cpio format the kernel unpacks."""

    def __init__(self, out):
        self.out = out
        self.ino = 1
        self.seen = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name) + 1, 0]
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out.write(hdr + name.encode() + b"\0")
        self.out.write(b"\0" * ((4 - (len(hdr) + len(name) + 1) % 4) % 4))
        self.out.write(data)
        self.out.write(b"\0" * ((4 - len(data) % 4) % 4))

    def dir(self, path):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            sub = "/".join(parts[:i])
            if sub and sub not in self.seen:
                self.seen.add(sub)
                self._entry(sub, stat.S_IFDIR | 0o755)

    def file(self, path, data, mode=0o644):
        self.dir(os.path.dirname(path))
        self._entry(path.strip("/"), stat.S_IFREG | mode, data)

    def symlink(self, path, target):
        self.dir(os.path.dirname(path))
        self._entry(path.strip("/"), stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, path, major, minor):
        self.dir(os.path.dirname(path))
        self._entry(path.strip("/"), stat.S_IFCHR | 0o600, b"", (major, minor))

    def close(self):
        self._entry("TRAILER!!!", 0)


def module_chain(kmods, kver, names):
    """Return the .ko paths to insmod, dependencies first, no repeats."""
    chain = []
    for name in names:
        out = subprocess.run(
            ["modprobe", "--show-depends", "-d", kmods, "-S", kver, name],
            check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            words = line.split()
            if words and words[0] == "insmod" and words[1] not in chain:
                chain.append(words[1])
    return chain


def read_module(path):
    """Return (name.ko, the module's ELF bytes): .ko, .ko.xz, .ko.zst or
    .ko.gz."""
    base = os.path.basename(path)
    if base.endswith(".xz"):
        with lzma.open(path) as f:
            return base[:-3], f.read()
    if base.endswith(".gz"):
        with gzip.open(path) as f:
            return base[:-3], f.read()
    if base.endswith(".zst"):
        data = subprocess.run(["zstd", "-dcq", path], check=True,
                              capture_output=True).stdout
        return base[:-4], data
    with open(path, "rb") as f:
        return base, f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--kmods",
                    help="root of the unpacked kernel (has lib/modules)")
    ap.add_argument("--kver")
    ap.add_argument("--no-kmods", action="store_true",
                    help="no guest modules (virtio built into the kernel)")
    ap.add_argument("--init", required=True, help="the guest's /init")
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("--file", action="append", default=[],
                    help="SRC:DEST, a host file to place in the guest")
    args = ap.parse_args()
    if args.no_kmods:
        if args.kmods or args.kver:
            ap.error("--no-kmods excludes --kmods and --kver")
    elif not (args.kmods and args.kver):
        ap.error("--kmods and --kver are required without --no-kmods")

    tmp = args.output + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            cpio = Cpio(gz)
            for d in ("bin", "sbin", "proc", "sys", "dev", "tmp", "run",
                      "etc", "lib/modules", "root"):
                cpio.dir(d)
            cpio.chardev("dev/console", 5, 1)
            cpio.chardev("dev/null", 1, 3)
            with open(args.busybox, "rb") as f:
                cpio.file("bin/busybox", f.read(), 0o755)
            cpio.symlink("bin/sh", "busybox")
            with open(args.init, "rb") as f:
                cpio.file("init", f.read(), 0o755)
            names = []
            chain = [] if args.no_kmods else module_chain(
                args.kmods, args.kver, GUEST_MODULES)
            for ko in chain:
                name, data = read_module(ko)
                cpio.file("lib/modules/" + name, data)
                names.append(name)
            cpio.file("etc/modules",
                      "".join(n + "\n" for n in names).encode())
            for spec in args.file:
                src, dest = spec.split(":", 1)
                with open(src, "rb") as f:
                    mode = os.stat(src).st_mode & 0o777
                    cpio.file(dest, f.read(), mode)
            cpio.close()
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
