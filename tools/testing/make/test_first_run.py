#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The Makefile's targets on a fresh machine, with nothing installed.

Runs `make TARGET` for every target that needs the guest kernel's version
(GUEST_KVER, from Debian's linux-headers-amd64; with KSERIES=6.12 or
6.12-rt, the newest such kernel apt-cache knows of), with:

- dpkg-query a stub that says no package is installed until deps.sh has
  "installed" them (then linux-headers-amd64 points at a made-up version);
- apt-cache a stub that knows no package until then either (a machine
  whose apt lists are empty: deps.sh runs apt-get update), then made-up
  6.12 kernels: a newer one without its image, other flavours, versions
  that sort differently as text;
- SHELL a stub through which make runs every recipe line and $(shell):
  it logs the command, flips the stub's state for tools/vm/deps.sh, does
  nothing for what would download, build a kernel or boot a guest, and
  runs everything else (mkdir, tar, the recursive makes, guest-kernel.sh
  version) with bash;
- uname -r a kernel without headers, PYTHON and the compilers `true`.

Each case asserts that make succeeds, that no command line holds an empty
version (guest//, guest-/, /lib/modules//, --kver with nothing after it),
and that the command which does the work uses the "installed" version.
The deps-* cases run tools/vm/deps.sh itself with KSERIES, apt-get a stub
too: it must update apt's lists when they know no such kernel, install
what linux-kbuild needs, and never the 6.12 headers (which would pull
their kernel into /boot).  A plain
`make` with no headers at all must fail and say what to install.  Prints
"ok NAME" / "not ok NAME" and "# first-run: pass=P fail=F".

Usage: test_first_run.py [-v] [NAME...]   (from the repository root, or
anywhere: it runs make -C on its own tree).  NAME, or KTEST_FILTER as
ktest.h reads it, selects cases; "first" (in the suite's name) all of them.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
KVER = "6.1.0-777-amd64"
# What guest-kernel.sh must pick from STUB_APT_CACHE's names.
KVER_612 = "6.12.777+deb12-amd64"
KVER_612_RT = "6.12.777+deb12-rt-amd64"
EMPTY = re.compile(r"guest//|guest-/|/lib/modules//|--kver(\s+-|\s*$)")

STUB_SHELL = r"""#!/bin/bash
# make runs every command as: stubsh -c 'COMMAND'
printf '%s\0' "$2" >>"$FR_DIR/log"
case $2 in
tools/vm/deps.sh*)
	[ -e "$FR_DIR/broken" ] || touch "$FR_DIR/installed"
	exit 0 ;;
"tools/vm/guest-kernel.sh fetch"*|"tools/vm/guest-kernel.sh headers"*|\
"tools/vm/debug-kernel.sh build"*|\
tools/testing/run-suites*|"make -C "*[[:space:]]M=*)
	exit 0 ;;
esac
exec /bin/bash "$@"
"""

STUB_DPKG_QUERY = r"""#!/bin/bash
if [ ! -e "$FR_DIR/installed" ]; then
	echo "dpkg-query: no packages found matching ${!#}" >&2
	exit 1
fi
case $* in
*Depends*) printf 'linux-headers-%s (= 6.1.999-1)' "$FR_KVER" ;;
*) printf 'install ok installed' ;;
esac
"""

# 6.12.778 has headers but no image; 6.12.99 sorts after 6.12.777 as text.
STUB_APT_CACHE = r"""#!/bin/bash
[ -e "$FR_DIR/installed" ] || exit 0
[ "$1" = pkgnames ] || { echo "apt-cache stub: $*" >&2; exit 1; }
grep "^${2:-}" <<EOF
linux-headers-6.1.0-777-amd64
linux-image-6.1.0-777-amd64
linux-headers-6.12.99+deb12-amd64
linux-image-6.12.99+deb12-amd64
linux-headers-6.12.777+deb12-amd64
linux-image-6.12.777+deb12-amd64
linux-headers-6.12.778+deb12-amd64
linux-headers-6.12.777+deb12-common
linux-headers-6.12.779+deb12-cloud-amd64
linux-image-6.12.779+deb12-cloud-amd64
linux-headers-6.12.99+deb12-rt-amd64
linux-image-6.12.99+deb12-rt-amd64
linux-headers-6.12.777+deb12-rt-amd64
linux-image-6.12.777+deb12-rt-amd64
linux-image-6.12.777+deb12-rt-amd64-dbg
linux-headers-6.13.1+deb12-amd64
linux-image-6.13.1+deb12-amd64
EOF
"""

STUB_UNAME = r"""#!/bin/bash
[ "$*" = -r ] && { echo 0.0.0-no-headers; exit 0; }
exec /bin/uname "$@"
"""

STUB_FAIL = r"""#!/bin/bash
echo "first-run stub: $(basename "$0") $* must not run" >&2
echo "$(basename "$0") $*" >>"$FR_DIR/forbidden"
exit 1
"""


class Case:
    def __init__(self, name, argv, expect=None, status=0, message=None,
                 state=None, kver=KVER):
        self.name = name
        self.argv = argv            # make arguments
        self.expect = expect or []  # regexes some command must match
        self.status = status        # 0, or "fail"
        self.message = message      # regex the output must match
        self.state = state          # None, "installed" or "broken"
        self.kver = kver            # the version deps.sh "installs"


GUEST = r"guest/%s/vmlinuz" % re.escape(KVER)
CASES = [
    Case("run", ["run"], [r"tools/vm/guest\.py --kernel \S*" + GUEST]),
    Case("check", ["check"], [r"run-suites"]),
    Case("check-guest", ["check-guest"],
         [r"tools/testing/guest/run\.py --kernel \S*" + GUEST]),
    Case("soak", ["soak"],
         [r"KHTTPD_SOAK=1 .*run\.py\s+--kernel \S*" + GUEST]),
    Case("cluster", ["cluster"],
         [r"tools/vm/cluster\.py serve --kernel \S*" + GUEST]),
    Case("check-cluster", ["check-cluster"],
         [r"tools/testing/cluster/run\.py --kernel \S*" + GUEST]),
    Case("bench", ["bench"],
         [r"tools/bench/bench\.py .*--kver %s .*--bignum" % KVER]),
    Case("bench-smoke", ["bench-smoke"],
         [r"tools/bench/bench\.py .*--kver %s .*--smoke" % KVER]),
    Case("huge-guest", ["huge-guest"],
         [r"tools/vm/huge\.py --kernel \S*" + GUEST]),
    Case("check-debug", ["check-debug"],
         [r"debug-kernel\.sh build", r"run\.py --kernel \S*bzImage"]),
    Case("guest-module", ["guest-module"],
         [r"-C /lib/modules/%s/build\s+M=" % KVER]),
    Case("initramfs", ["initramfs"],
         [r"initramfs\.py .*--kver %s" % KVER, r"-C /lib/modules/%s/build\s+M="
          % KVER]),
    # Plain make on a machine with no kernel headers at all: no install,
    # a clear message.
    Case("make-no-headers", [], status="fail",
         message=r"linux-headers-amd64.*\n(.*\n)*.*tools/vm/deps\.sh build"),
    # ... and with linux-headers-amd64 installed: built against it.
    Case("make-guest-headers", [], [r"-C /lib/modules/%s/build\s+M=" % KVER],
         state="installed"),
    # deps.sh runs but the version still cannot be read: say so.
    Case("run-no-version", ["run"], status="fail",
         message=r"linux-headers-amd64 is not installed", state="broken"),
]

# KSERIES: the same on a machine whose apt lists are empty until deps.sh
# has run; the work in build/guest-VERSION, the suites named after the
# series.
GUEST_612 = r"guest/%s/vmlinuz" % re.escape(KVER_612)
DIR_612 = r"guest-%s/" % re.escape(KVER_612)
GUEST_RT = r"guest/%s/vmlinuz" % re.escape(KVER_612_RT)
DIR_RT = r"guest-%s/" % re.escape(KVER_612_RT)
CASES += [
    Case("run-6.12", ["run", "KSERIES=6.12"],
         [r"tools/vm/guest\.py --kernel \S*%s .*--workdir \S*%srun"
          % (GUEST_612, DIR_612)], kver=KVER_612),
    Case("check-guest-6.12", ["check-guest", "KSERIES=6.12"],
         [r"tools/testing/guest/run\.py --kernel \S*%s .*--workdir \S*%s"
          r"check .*--slow 1 --suite-name guest-6\.12\b"
          % (GUEST_612, DIR_612)],
         kver=KVER_612),
    # Against the headers guest-kernel.sh unpacks into the cache.
    Case("guest-module-6.12", ["guest-module", "KSERIES=6.12"],
         [r"guest-kernel\.sh headers \S*/cache/guest %s" % re.escape(KVER_612),
          r"-C \S*/cache/guest/%s/headers/usr/src/linux-headers-%s\s+"
          r"M=\S*%smodule" % (re.escape(KVER_612), re.escape(KVER_612),
                              DIR_612)], kver=KVER_612),
    Case("initramfs-6.12", ["initramfs", "KSERIES=6.12"],
         [r"guest-kernel\.sh fetch \S*/guest %s" % re.escape(KVER_612),
          r"initramfs\.py -o \S*%sinitramfs\.gz --kmods \S*/guest/%s\s+"
          r"--kver %s" % (DIR_612, re.escape(KVER_612), re.escape(KVER_612))],
         kver=KVER_612),
    Case("soak-6.12-rt", ["soak", "KSERIES=6.12-rt"],
         [r"KHTTPD_SOAK=1 .*run\.py\s+--kernel \S*%s .*--workdir \S*%s"
          r"soak .*--slow 2 --suite-name soak-6\.12-rt\b"
          % (GUEST_RT, DIR_RT)],
         kver=KVER_612_RT),
    Case("soak-rt", ["soak-rt"],
         [r"KHTTPD_SOAK=1 .*run\.py\s+--kernel \S*%s .*--suite-name "
          r"soak-6\.12-rt\b" % GUEST_RT], kver=KVER_612_RT),
    Case("bench-smoke-6.12", ["bench-smoke", "KSERIES=6.12"],
         [r"tools/bench/bench\.py .*--kver %s .*--smoke"
          % re.escape(KVER_612)], kver=KVER_612),
    # KSERIES=6.1 is the default series: the default's names and dirs.
    Case("check-guest-6.1", ["check-guest", "KSERIES=6.1"],
         [r"run\.py --kernel \S*%s .*--workdir \S*/guest/check "
          r".*--suite-name guest(\s|$)" % GUEST]),
    # deps.sh runs, yet apt still knows no such kernel: say so.
    Case("run-6.12-no-version", ["run", "KSERIES=6.12"], status="fail",
         message=r"apt knows no linux-headers of series 6\.12",
         state="broken", kver=KVER_612),
]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


def run_case(case, tmp, verbose):
    d = os.path.join(tmp, case.name)
    stubs = os.path.join(d, "bin")
    os.makedirs(stubs)
    write(os.path.join(stubs, "stubsh"), STUB_SHELL)
    write(os.path.join(stubs, "dpkg-query"), STUB_DPKG_QUERY)
    write(os.path.join(stubs, "apt-cache"), STUB_APT_CACHE)
    write(os.path.join(stubs, "uname"), STUB_UNAME)
    for name in ("apt-get", "qemu-system-x86_64", "insmod", "sudo"):
        write(os.path.join(stubs, name), STUB_FAIL)
    if case.state:
        open(os.path.join(d, case.state), "w").close()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MAKE") and k not in
           ("MFLAGS", "GNUMAKEFLAGS", "K", "KTEST_FILTER", "SUITES",
            "KDIR", "KVER", "GUEST_KVER", "KSERIES")}
    env.update(PATH=stubs + ":" + os.environ["PATH"], FR_DIR=d,
               FR_KVER=KVER, KHTTPD_CACHE=os.path.join(d, "cache"),
               HOME=d, LC_ALL="C")
    argv = ["make", "--no-print-directory", "-C", ROOT,
            "SHELL=" + os.path.join(stubs, "stubsh"), "PYTHON=true",
            "BUILD=" + os.path.join(d, "build"), "TOOLS_CC=true",
            "BENCH_CC=true"] + case.argv
    p = subprocess.run(argv, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True,
                       timeout=300)
    try:
        with open(os.path.join(d, "log")) as f:
            # as the shell reads them: continued lines joined
            cmds = [re.sub(r"\\\n\s*", " ", c)
                    for c in f.read().split("\0") if c]
    except FileNotFoundError:
        cmds = []
    errors = []
    if case.status == 0 and p.returncode != 0:
        errors.append("make exited with status %d" % p.returncode)
    if case.status == "fail" and p.returncode == 0:
        errors.append("make succeeded, expected it to fail")
    if case.message and not re.search(case.message, p.stdout):
        errors.append("no message matching %r" % case.message)
    for c in cmds:
        if EMPTY.search(c):
            errors.append("empty version in: %s" % c.strip())
    for rx in case.expect:
        if not any(re.search(rx, c) for c in cmds):
            errors.append("no command matches %r" % rx)
    # Nothing that needs the packages before deps.sh has installed them.
    deps = next((i for i, c in enumerate(cmds)
                 if c.startswith("tools/vm/deps.sh")),
                len(cmds))
    if case.state is None:
        for i, c in enumerate(cmds[:deps]):
            if case.kver in c or any(re.search(rx, c)
                                     for rx in case.expect):
                errors.append("before deps.sh: %s" % c.strip())
    if os.path.exists(os.path.join(d, "forbidden")):
        with open(os.path.join(d, "forbidden")) as f:
            errors.append("ran: " + f.read().strip())
    if errors or verbose:
        for c in cmds:
            print("#   $ " + c.strip().replace("\n", "\n#     "))
        for line in p.stdout.splitlines()[-30:]:
            print("#   | " + line)
    for e in errors:
        print("#   " + e)
    return not errors


# tools/vm/deps.sh with KSERIES: what apt-get is asked to do.  The
# headers are never installed (guest-kernel.sh headers unpacks them);
# pahole stands for what linux-kbuild needs.
STUB_DEPS_DPKG_QUERY = r"""#!/bin/bash
case ${!#} in
linux-headers-6.12*|linux-image-6.12*) exit 1 ;;
pahole) [ -e "$FR_DIR/no-pahole" ] && exit 1 ;;
esac
printf 'install ok installed'
"""

# The lists are empty until apt-get update, unless "lists".
STUB_DEPS_APT_CACHE = r"""#!/bin/bash
[ -e "$FR_DIR/updated" ] || [ -e "$FR_DIR/lists" ] || exit 0
printf '%s\n' linux-headers-6.12.777+deb12-amd64 \
	linux-image-6.12.777+deb12-amd64
"""

STUB_DEPS_APT_GET = r"""#!/bin/bash
echo "apt-get $*" >>"$FR_DIR/apt-get"
[ "$1" != update ] || touch "$FR_DIR/updated"
"""

STUB_ID = r"""#!/bin/bash
[ "$*" = -u ] && { echo 0; exit 0; }
exec /usr/bin/id "$@"
"""

INSTALL = "apt-get install -y -qq --no-install-recommends "
DEPS_CASES = [
    # Empty lists: update them once; nothing to install.
    ("deps-6.12-fresh", [], ["apt-get update -qq"]),
    # Lists that know 6.12 and everything installed: no apt-get at all.
    ("deps-6.12-lists", ["lists"], []),
    # linux-kbuild's needs are missing: installed (the lists are recent).
    ("deps-6.12-kbuild", ["lists", "no-pahole", "stamp"],
     [INSTALL + "pahole"]),
    # Not a series: fail at once, no apt-get update.
    ("deps-unknown-series", ["series=foo"], [], 2),
]


def run_deps_case(name, state, want, tmp, verbose, status=0):
    d = os.path.join(tmp, name)
    stubs = os.path.join(d, "bin")
    os.makedirs(stubs)
    write(os.path.join(stubs, "dpkg-query"), STUB_DEPS_DPKG_QUERY)
    write(os.path.join(stubs, "apt-cache"), STUB_DEPS_APT_CACHE)
    write(os.path.join(stubs, "apt-get"), STUB_DEPS_APT_GET)
    write(os.path.join(stubs, "id"), STUB_ID)
    series = "6.12"
    for f in state:
        if f.startswith("series="):
            series = f[len("series="):]
        else:
            open(os.path.join(d, f), "w").close()
    stamp_path = os.path.join(d, "stamp")
    env = dict(os.environ, PATH=stubs + ":" + os.environ["PATH"], FR_DIR=d,
               KSERIES=series, KHTTPD_APT_STAMP=stamp_path, LC_ALL="C")
    p = subprocess.run([os.path.join(ROOT, "tools", "vm", "deps.sh"),
                        "build"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True,
                       timeout=60)
    try:
        with open(os.path.join(d, "apt-get")) as f:
            got = f.read().splitlines()
    except FileNotFoundError:
        got = []
    errors = []
    if p.returncode != status:
        errors.append("deps.sh exited with status %d, expected %d" %
                      (p.returncode, status))
    if got != want:
        errors.append("apt-get ran %r, expected %r" % (got, want))
    if errors or verbose:
        for line in p.stdout.splitlines()[-30:]:
            print("#   | " + line)
    for e in errors:
        print("#   " + e)
    return not errors


SUITE = "first-run"


def main():
    """Like ktest.h: NAME... or KTEST_FILTER (make check-unit K=PATTERN)
    selects the cases whose name contains one of the words; a word in the
    suite's own name ("first-run": K=first) selects every case.  With
    KTEST_MATCHED, a filter that selects none appends "first-run 0" to
    that file and passes (check-unit checks that some suite ran one)."""
    args = sys.argv[1:]
    verbose = "-v" in args
    words = [a for a in args if not a.startswith("-")]
    if not words:
        words = re.split(r"[\s,]+", os.environ.get("KTEST_FILTER", "").strip())
        words = [w for w in words if w]
    if any(w in SUITE for w in words):
        names = []
    else:
        names = words
    cases = [(c.name, lambda c=c: run_case(c, tmp, verbose)) for c in CASES]
    cases += [(c[0], lambda c=c: run_deps_case(*c[:3], tmp=tmp,
                                               verbose=verbose,
                                               status=(c[3:] or [0])[0]))
              for c in DEPS_CASES]
    passed = failed = skipped = 0
    tmp = tempfile.mkdtemp(prefix="khttpd-first-run.")
    try:
        for name, run in cases:
            if names and not any(n in name for n in names):
                skipped += 1
                continue
            if run():
                passed += 1
                print("ok %s" % name)
            else:
                failed += 1
                print("not ok %s" % name)
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ran = passed + failed
    if words:
        print("# %s: filter %s: ran %d of %d cases" %
              (SUITE, " ".join("'%s'" % w for w in words), ran,
               ran + skipped))
        matched = os.environ.get("KTEST_MATCHED")
        if matched:
            with open(matched, "a") as f:
                f.write("%s %d\n" % (SUITE, ran))
            if not ran:
                print("# %s: pass=0 fail=0" % SUITE)
                return 0
    print("# %s: pass=%d fail=%d" % (SUITE, passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
