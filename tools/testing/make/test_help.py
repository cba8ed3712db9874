#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`make help` lists exactly the public targets, on one screen.

The targets are those of make's database (the Makefile and every .mk file
it includes) whose names are plain words, but for the internal ones (_NAME
and INTERNAL below).  In the help text, the target section is every line
before "Variables"; an indented line names targets up to its first run of
two spaces.  A name in capitals (unit-NAME) stands for a family of
targets made by a pattern, whose names are not plain words.  Prints "ok NAME" / "not ok NAME" and "# help: pass=P fail=F".
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
INTERNAL = {"kernel-headers", "check-unit-matched", "help"}


def make(*args):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MAKE") and k not in ("MFLAGS", "K")}
    return subprocess.run(["make", "--no-print-directory", "-C", ROOT] +
                          list(args), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120)


def targets():
    """Every target make knows whose name is a word, from make -p."""
    out = make("-pRrq", ":").stdout
    names = set()
    not_target = False
    for line in out.splitlines():
        if line.startswith("# Not a target:"):
            not_target = True
            continue
        m = re.match(r"^([a-z][a-z0-9-]*):(?!=)", line)
        if m and not not_target:
            names.add(m.group(1))
        not_target = False
    return names


def listed(text):
    names = []
    for line in text.splitlines()[1:]:
        if line.startswith("Variables"):
            break
        if line.startswith("  "):
            names += [n for n in
                      re.split(r"\s{2,}", line.strip())[0].split()
                      if not re.search(r"[A-Z]", n)]   # unit-NAME: a family
    return names


def main():
    results = []
    p = make("help")
    text = p.stdout
    results.append(("exit-status", p.returncode == 0 and not p.stderr,
                    "status %d, stderr %r" % (p.returncode, p.stderr)))
    lines = text.splitlines()
    results.append(("one-screen", len(lines) <= 40,
                    "%d lines" % len(lines)))
    wide = [line for line in lines if len(line) > 79]
    results.append(("79-columns", not wide, "%r" % wide))
    have = targets() - INTERNAL
    names = listed(text)
    missing = sorted(have - set(names))
    results.append(("lists-every-target", bool(have) and not missing,
                    "missing: %s" % " ".join(missing)))
    extra = sorted(set(names) - have)
    results.append(("lists-only-targets", bool(names) and not extra,
                    "not targets: %s" % " ".join(extra)))
    twice = sorted({n for n in names if names.count(n) > 1})
    results.append(("each-once", not twice, "twice: %s" % " ".join(twice)))
    variables = text[text.find("\nVariables"):]
    want = ["PORT", "KHTTPD_ARGS", "ACCEL", "K", "SUITES", "BUILD", "KDIR",
            "KHTTPD_CACHE"]
    absent = [v for v in want if not re.search(r"^  %s=" % v, variables,
                                               re.M)]
    results.append(("variables", not absent, "absent: %s" % absent))
    failed = 0
    for name, ok, detail in results:
        print("%s %s" % ("ok" if ok else "not ok", name))
        if not ok:
            failed += 1
            print("#   " + detail)
    print("# help: pass=%d fail=%d" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
