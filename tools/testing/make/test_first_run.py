#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The Makefile's targets on a fresh machine, with nothing installed.

Runs `make TARGET` for every target that needs the guest kernel's version
(GUEST_KVER, from Debian's linux-headers-amd64), with:

- dpkg-query a stub that says no package is installed until deps.sh has
  "installed" them (then linux-headers-amd64 points at a made-up version);
- SHELL a stub through which make runs every recipe line and $(shell):
  it logs the command, flips the stub's state for tools/vm/deps.sh, does
  nothing for what would download, build a kernel or boot a guest, and
  runs everything else (mkdir, tar, the recursive makes, guest-kernel.sh
  version) with bash;
- uname -r a kernel without headers, PYTHON and the compilers `true`.

Each case asserts that make succeeds, that no command line holds an empty
version (guest//, /lib/modules//, --kver with nothing after it), and that
the command which does the work uses the "installed" version.  A plain
`make` with no headers at all must fail and say what to install.  Prints
"ok NAME" / "not ok NAME" and "# first-run: pass=P fail=F".

Usage: test_first_run.py [-v] [NAME...]   (from the repository root, or
anywhere: it runs make -C on its own tree)
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
EMPTY = re.compile(r"guest//|/lib/modules//|--kver(\s+-|\s*$)")

STUB_SHELL = r"""#!/bin/bash
# make runs every command as: stubsh -c 'COMMAND'
printf '%s\0' "$2" >>"$FR_DIR/log"
case $2 in
tools/vm/deps.sh*)
	[ -e "$FR_DIR/broken" ] || touch "$FR_DIR/installed"
	exit 0 ;;
"tools/vm/guest-kernel.sh fetch"*|"tools/vm/debug-kernel.sh build"*|\
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
                 state=None):
        self.name = name
        self.argv = argv            # make arguments
        self.expect = expect or []  # regexes some command must match
        self.status = status        # 0, or "fail"
        self.message = message      # regex the output must match
        self.state = state          # None, "installed" or "broken"


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
    write(os.path.join(stubs, "uname"), STUB_UNAME)
    for name in ("apt-get", "qemu-system-x86_64", "insmod", "sudo"):
        write(os.path.join(stubs, name), STUB_FAIL)
    if case.state:
        open(os.path.join(d, case.state), "w").close()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MAKE") and k not in
           ("MFLAGS", "GNUMAKEFLAGS", "K", "KTEST_FILTER", "SUITES",
            "KDIR", "KVER", "GUEST_KVER")}
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
            if KVER in c or any(re.search(rx, c) for rx in case.expect):
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


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    names = [a for a in args if a != "-v"]
    passed = failed = 0
    tmp = tempfile.mkdtemp(prefix="khttpd-first-run.")
    try:
        for case in CASES:
            if names and not any(n in case.name for n in names):
                continue
            if run_case(case, tmp, verbose):
                passed += 1
                print("ok %s" % case.name)
            else:
                failed += 1
                print("not ok %s" % case.name)
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("# first-run: pass=%d fail=%d" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
