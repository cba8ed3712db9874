#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""khttpd's in-guest integration suite.

Boots the test guest once (tools/vm/guest.py), loads khttpd.ko, and runs
every test case in tests_*.py of this directory against it through a
forwarded port.  Guest-side checks go through the guest agent.  After the
last case the guest's dmesg must be free of splats.  Prints "ok NAME" or
"not ok NAME" per case and "# guest: pass=P fail=F".

Usage: run.py --kernel VMLINUZ --initrd INITRD --workdir DIR [-k PATTERN]
"""
import argparse
import importlib
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "vm"))
sys.path.insert(0, HERE)

import guest as vm  # noqa: E402
from common import Context  # noqa: E402

MODULES = ["tests_basic", "tests_http11", "tests_fib", "tests_lifecycle"]


def collect(pattern):
    cases = []
    for name in MODULES:
        mod = importlib.import_module(name)
        for attr in sorted(dir(mod)):
            if attr.startswith("test_") and (not pattern or
                                             pattern in attr):
                cases.append((attr, getattr(mod, attr)))
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("-k", dest="pattern", default="")
    args = ap.parse_args()

    port = vm.free_port()
    g = vm.Guest(args.kernel, args.initrd, args.workdir, accel=args.accel,
                 forwards=[(port, 8081)])
    passed = failed = 0
    t0 = time.monotonic()
    try:
        g.start()
    except vm.GuestError as e:
        print("not ok guest-boot: %s" % e)
        print("# guest: pass=0 fail=1")
        return 1
    print("# guest booted in %.1fs (%s)" % (time.monotonic() - t0, g.accel))
    ctx = Context(g, port)
    for name, fn in collect(args.pattern):
        t = time.monotonic()
        try:
            ctx.ensure_loaded()
            fn(ctx)
        except Exception:  # a failed assertion or anything unexpected
            failed += 1
            print("not ok %s" % name)
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print("ok %s (%.1fs)" % (name, time.monotonic() - t))
        sys.stdout.flush()
    if ctx.loaded:
        rc, out = g.rmmod()
        if rc != 0:
            failed += 1
            print("not ok final-rmmod: %s" % out.strip())
    splats = g.stop()
    if splats:
        failed += 1
        print("not ok dmesg-clean (log: %s)" % g.dmesg_log)
        for line in splats[:40]:
            print("#   " + line)
    else:
        passed += 1
        print("ok dmesg-clean")
    print("# guest: pass=%d fail=%d" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
