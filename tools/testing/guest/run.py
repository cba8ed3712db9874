#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""khttpd's in-guest integration suite.

Boots the test guest once (tools/vm/guest.py), loads khttpd.ko, and runs
every test case in tests_*.py of this directory against it through a
forwarded port.  Guest-side checks go through the guest agent.  After the
last case the guest's dmesg must be free of splats.  Prints "ok NAME" or
"not ok NAME" per case and "# guest: pass=P fail=F".

Usage: run.py --kernel VMLINUZ --initrd INITRD --workdir DIR [-k PATTERN]
              [-m MODULE] [--mem MB] [--slow FACTOR] [--kmemleak]
              [--suite-name NAME]
-k runs only the cases whose name, as tests_FILE.test_CASE, contains
PATTERN (make check-guest K=PATTERN: K=http11 is one file, K=etag the
cases about ETags); one that matches none fails before the guest boots.
--kmemleak (a kernel with CONFIG_DEBUG_KMEMLEAK, tools/vm/debug-kernel.sh)
takes a baseline after boot and fails the run on any object kmemleak
reports after the final rmmod.  --slow is read by slow-sensitive cases as
ctx.slow; --suite-name names the summary line ("# NAME: pass=P fail=F").
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

MODULES = ["tests_basic", "tests_http11", "tests_fib", "tests_static",
           "tests_lifecycle", "tests_hostile", "tests_ops", "tests_gzip",
           "tests_stream"]


def collect(pattern, modules):
    cases = []
    for name in modules or MODULES:
        mod = importlib.import_module(name)
        for attr in sorted(dir(mod)):
            if attr.startswith("test_") and (not pattern or
                                             pattern in name + "." + attr):
                cases.append((attr, getattr(mod, attr)))
    return cases


KMEMLEAK = "/sys/kernel/debug/kmemleak"


def kmemleak_baseline(g):
    """Forget what kmemleak suspects before khttpd is ever loaded."""
    g.run("echo scan > %s && echo clear > %s" % (KMEMLEAK, KMEMLEAK),
          timeout=600, check=True)


def kmemleak_report(g):
    """Scan twice (objects must be 5s old and unreferenced in two scans)
    and return what kmemleak reports: empty when nothing leaked."""
    for _ in range(2):
        g.run("sleep 6; echo scan > %s" % KMEMLEAK, timeout=600, check=True)
    return g.run("cat %s" % KMEMLEAK, timeout=120, check=True)[1].strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("-k", dest="pattern", default="",
                    help="run only the cases whose tests_FILE.test_CASE "
                    "name contains this")
    ap.add_argument("-m", dest="modules", action="append",
                    help="run only this module (tests_static, ...)")
    ap.add_argument("--mem", type=int, default=2048, help="guest MiB")
    ap.add_argument("--slow", type=float, default=1.0,
                    help="timeout multiplier for a slow (debug) kernel")
    ap.add_argument("--kmemleak", action="store_true",
                    help="kmemleak must report nothing after the last rmmod")
    ap.add_argument("--suite-name", default="guest")
    args = ap.parse_args()
    suite = args.suite_name
    cases = collect(args.pattern, args.modules)
    if not cases:
        # A typo in -k must not pass, nor cost a boot.
        print("# %s: no case matches -k %r" % (suite, args.pattern))
        print("# %s: pass=0 fail=0" % suite)
        return 1

    port = vm.free_port()
    g = vm.Guest(args.kernel, args.initrd, args.workdir, accel=args.accel,
                 forwards=[(port, 8081)], mem=args.mem)
    passed = failed = 0
    t0 = time.monotonic()
    try:
        g.start(timeout=int(180 * args.slow))
    except vm.GuestError as e:
        print("not ok guest-boot: %s" % e)
        print("# %s: pass=0 fail=1" % suite)
        return 1
    print("# %s booted in %.1fs (%s)" % (suite, time.monotonic() - t0,
                                         g.accel))
    if args.kmemleak:
        try:
            kmemleak_baseline(g)
        except vm.GuestError as e:
            failed += 1
            print("not ok kmemleak-baseline: %s" % e)
    ctx = Context(g, port)
    ctx.slow = args.slow
    for name, fn in cases:
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
    if args.kmemleak:
        try:
            leaks = kmemleak_report(g)
        except vm.GuestError as e:
            leaks = "kmemleak scan failed: %s" % e
        if leaks:
            failed += 1
            path = os.path.join(args.workdir, "kmemleak.log")
            with open(path, "w") as f:
                f.write(leaks + "\n")
            print("not ok kmemleak (log: %s)" % path)
            for line in leaks.splitlines()[:60]:
                print("#   " + line)
        else:
            passed += 1
            print("ok kmemleak")
    splats = g.stop()
    if splats:
        failed += 1
        print("not ok dmesg-clean (log: %s)" % g.dmesg_log)
        for line in splats[:40]:
            print("#   " + line)
    else:
        passed += 1
        print("ok dmesg-clean")
    print("# %s: pass=%d fail=%d" % (suite, passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
