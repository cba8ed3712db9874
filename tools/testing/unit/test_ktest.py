#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of the harness ktest.h itself: its case filter and summary.

Builds a three-case test binary with CC (the unit tests' compiler and
flags) and runs it with arguments and KTEST_FILTER / KTEST_MATCHED.
Prints "ok NAME" / "not ok NAME" and "# ktest: pass=P fail=F".

Usage: test_ktest.py [--cc 'gcc -fsanitize=...']   (from the repository
root, or anywhere with --cc naming -I for ktest.h)
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

SOURCE = r"""
#include "ktest.h"

static void test_alpha(void) { KT_EXPECT(1 + 1 == 2, "arithmetic"); }
static void test_alpha_beta(void) { KT_EXPECT(1, "never fails"); }
static void test_gamma_fails(void) { KT_EXPECT(0, "fails on purpose"); }

int main(void)
{
	KT_RUN(test_alpha);
	KT_RUN(test_alpha_beta);
	KT_RUN(test_gamma_fails);
	return ktest_summary("selftest");
}
"""

# name, arguments, environment, exit status, (pass, fail) or None, cases
# that must run, lines the output must hold
CASES = [
    ("no-filter", [], {}, 1, (2, 1),
     ["test_alpha", "test_alpha_beta", "test_gamma_fails"], []),
    ("argument", ["alpha"], {}, 0, (2, 0), ["test_alpha", "test_alpha_beta"],
     ["# selftest: filter 'alpha': ran 2 of 3 cases"]),
    ("argument-failing-case", ["gamma"], {}, 1, (0, 1),
     ["test_gamma_fails"], []),
    ("two-arguments", ["beta", "gamma"], {}, 1, (1, 1),
     ["test_alpha_beta", "test_gamma_fails"], []),
    ("options-are-not-filters", ["--big", "alpha_b"], {}, 0, (1, 0),
     ["test_alpha_beta"], []),
    ("no-match-fails", ["nosuch"], {}, 1, (0, 0), [],
     ["# selftest: no case matches the filter"]),
    ("env", [], {"KTEST_FILTER": "beta,gamma"}, 1, (1, 1),
     ["test_alpha_beta", "test_gamma_fails"], []),
    ("env-words", [], {"KTEST_FILTER": " test_alpha_beta  "}, 0, (1, 0),
     ["test_alpha_beta"], []),
    ("empty-env-runs-all", [], {"KTEST_FILTER": ""}, 1, (2, 1),
     ["test_alpha", "test_alpha_beta", "test_gamma_fails"], []),
    ("arguments-before-env", ["gamma"], {"KTEST_FILTER": "alpha"}, 1, (0, 1),
     ["test_gamma_fails"], []),
    ("env-no-match-fails", [], {"KTEST_FILTER": "nosuch"}, 1, (0, 0), [],
     ["# selftest: no case matches the filter"]),
    ("matched-file-no-match", [], {"KTEST_FILTER": "nosuch",
                                   "KTEST_MATCHED": "@"}, 0, (0, 0), [],
     ["@selftest 0"]),
    ("matched-file", [], {"KTEST_FILTER": "alpha", "KTEST_MATCHED": "@"}, 0,
     (2, 0), ["test_alpha", "test_alpha_beta"], ["@selftest 2"]),
]


def check(binary, tmp, case):
    name, args, env_add, status, counts, ran, lines = case
    matched = os.path.join(tmp, name + ".matched")
    env = {k: v for k, v in os.environ.items()
           if k not in ("KTEST_FILTER", "KTEST_MATCHED")}
    for k, v in env_add.items():
        env[k] = matched if v == "@" else v
    p = subprocess.run([binary] + args, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True,
                       timeout=60)
    out = p.stdout.splitlines()
    errors = []
    if p.returncode != status:
        errors.append("exit status %d, expected %d" % (p.returncode, status))
    if counts is not None:
        want = "# selftest: pass=%d fail=%d" % counts
        if not out or out[-1] != want:
            errors.append("last line %r, expected %r"
                          % (out[-1] if out else "", want))
    got = sorted(line.split()[-1] for line in out
                 if line.startswith(("ok ", "not ok ")))
    if got != sorted(ran):
        errors.append("ran %s, expected %s" % (got, sorted(ran)))
    for line in lines:
        if line.startswith("@"):
            try:
                with open(matched) as f:
                    text = f.read()
            except FileNotFoundError:
                text = ""
            if text != line[1:] + "\n":
                errors.append("KTEST_MATCHED file holds %r" % text)
        elif line not in out:
            errors.append("no line %r" % line)
    if errors:
        for line in out:
            print("#   | " + line)
        for e in errors:
            print("#   " + e)
    return not errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cc", default="gcc -std=gnu11 -Wall -Wextra -Werror")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="khttpd-ktest.")
    passed = failed = 0
    try:
        src = os.path.join(tmp, "selftest.c")
        binary = os.path.join(tmp, "selftest")
        with open(src, "w") as f:
            f.write(SOURCE)
        cc = shlex.split(args.cc) + ["-I" + HERE, "-o", binary, src]
        p = subprocess.run(cc, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        if p.returncode != 0:
            print(p.stdout)
            print("not ok build: %s" % " ".join(cc))
            print("# ktest: pass=0 fail=1")
            return 1
        for case in CASES:
            if check(binary, tmp, case):
                passed += 1
                print("ok %s" % case[0])
            else:
                failed += 1
                print("not ok %s" % case[0])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("# ktest: pass=%d fail=%d" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
