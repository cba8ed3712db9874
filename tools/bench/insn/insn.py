#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""insn - the host side of the instruction counter (insncount.c).

The bench (tools/bench/bench.py, sections "insn" and --insn-budget) boots
the guest with the plugin and wraps each load run between two markers
(insnmark.c); this module reads what the plugin wrote, turns it into
instructions per response, names the kernel blocks of a profile window,
and formats the tables.  It also holds the budget of `make check-insn`.

As a program, it names the blocks of a saved profile window again:

  insn.py profile build/bench/insn/marks.txt --window 1 --per 10000 \\
      --kallsyms build/bench/insn/kallsyms.txt \\
      --ko build/guest/module/khttpd.ko \\
      --sections build/bench/insn/sections.txt
"""
import argparse
import bisect
import re
import subprocess
import sys

# ---- the budget of `make check-insn` ----------------------------------------
#
# Instructions per keep-alive hit of /fib/1000 (kernel + user, the client
# included), measured by bench.py --insn-budget: htstress -n 2000 -c 8 in
# a one-vCPU guest whose clock is the instruction count (-icount shift=0),
# so the figure repeats from boot to boot.  Set 3 % above the figure
# measured on 2026-12-04 after the second round of hot-path changes
# (47,174; 54,708 after the first, 63,720 before them); lower it when the
# hot path gets cheaper.
BUDGET_KA_HIT = 48600
# khttpd's instructions per hit over nginx's in the same run, at most:
# 0.792 measured then (0.918, 1.070 before), +3 %.  The target, 0.50,
# is not met yet (performance.md).
BUDGET_RATIO_NGINX = 0.82


# ---- what the plugin writes -------------------------------------------------

class Marks:
    """The plugin's output file, read as it grows."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def read(self):
        """The records appended since the last call: ("T", kernel, user)
        and ("P", {vaddr: instructions}) for a profile ending in E."""
        with open(self.path) as f:
            f.seek(self.offset)
            text = f.read()
        end = text.rfind("\n") + 1      # a line still being written waits
        self.offset += len(text[:end].encode())
        recs, prof = [], {}
        for line in text[:end].splitlines():
            w = line.split()
            if not w or w[0] == "#":
                continue
            if w[0] == "T":
                recs.append(("T", int(w[2]), int(w[3])))
            elif w[0] == "P":
                v = int(w[1], 16)
                prof[v] = prof.get(v, 0) + int(w[2])
            elif w[0] == "E":
                recs.append(("P", prof))
                prof = {}
        return recs


def window_delta(recs):
    """(kernel, user) between the first and the last T of @recs, and the
    last profile among them (or None)."""
    t = [r for r in recs if r[0] == "T"]
    if len(t) < 2:
        raise ValueError("insn: %d totals marks in a window, expected 2"
                         % len(t))
    p = [r[1] for r in recs if r[0] == "P"]
    return t[-1][1] - t[0][1], t[-1][2] - t[0][2], (p[-1] if p else None)


# ---- wrk --------------------------------------------------------------------

def parse_wrk(out):
    """wrk's summary as a dict: responses, seconds, errors, non2xx."""
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    if not m:
        raise ValueError("wrk: no summary in %r" % out[-500:])
    secs = float(m.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0,
                                "m": 60.0}[m.group(3)]
    r = {"responses": int(m.group(1)), "seconds": secs, "errors": 0,
         "non2xx": 0}
    e = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                  r"timeout (\d+)", out)
    if e:
        r["errors"] = sum(int(x) for x in e.groups())
    n = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if n:
        r["non2xx"] = int(n.group(1))
    return r


# ---- symbols ----------------------------------------------------------------

def kallsyms_text(text, skip_module=None):
    """[(address, name, None)] of the text symbols of /proc/kallsyms,
    without those of module @skip_module (named from its .ko instead)."""
    syms = []
    for line in text.splitlines():
        w = line.split()
        if len(w) < 3 or w[1] not in "tTwW":
            continue
        if skip_module and len(w) > 3 and w[3] == "[%s]" % skip_module:
            continue
        name = w[2] + (" " + w[3] if len(w) > 3 else "")
        syms.append((int(w[0], 16), name, None))
    return syms


def module_text(ko, sections, modname):
    """[(address, "name [modname]", size)] of the functions of @ko, placed
    at the section addresses @sections ({".text": address, ...}, from
    /sys/module/MOD/sections/) of the loaded module."""
    out = subprocess.run(["nm", "--defined-only", "-f", "sysv", ko],
                         check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        f = [x.strip() for x in line.split("|")]
        if len(f) < 7 or f[3] != "FUNC" or f[6] not in sections:
            continue
        syms.append((sections[f[6]] + int(f[1], 16),
                     "%s [%s]" % (f[0], modname), int(f[4] or "0", 16)))
    return syms


def parse_sections(text):
    """{section: address} from lines "NAME ADDRESS"."""
    secs = {}
    for line in text.splitlines():
        w = line.split()
        if len(w) == 2 and w[1].startswith("0x"):
            secs[w[0]] = int(w[1], 16)
    return secs


class Symbols:
    def __init__(self, syms):
        self.syms = sorted(syms)
        self.addrs = [s[0] for s in self.syms]

    def name(self, vaddr):
        i = bisect.bisect_right(self.addrs, vaddr) - 1
        if i < 0:
            return "?"
        addr, name, size = self.syms[i]
        if size is not None and vaddr >= addr + max(size, 1):
            return "? (after %s)" % name
        return name


def by_function(profile, symbols):
    """{function: instructions} of a profile window."""
    funcs = {}
    for vaddr, n in profile.items():
        name = symbols.name(vaddr) if vaddr else "? (plugin table full)"
        funcs[name] = funcs.get(name, 0) + n
    return funcs


def profile_rows(funcs, per, top):
    """[(function, instructions per response, share)] of the top @top."""
    total = sum(funcs.values())
    rows = sorted(funcs.items(), key=lambda kv: -kv[1])[:top]
    return [(name, n / per, n / total if total else 0.0) for name, n in rows]


# ---- tables -----------------------------------------------------------------

def fmt(v):
    return "{:,}".format(int(round(v)))


def cell(r):
    """"kernel / user / **total**" per response of one run."""
    if not r or not r.get("responses"):
        return "–"
    return "%s / %s / **%s**" % (fmt(r["kernel_per"]), fmt(r["user_per"]),
                                  fmt(r["total_per"]))


def ratio(a, b):
    if not a or not b or not b.get("total_per"):
        return "–"
    return "%.2f" % (a["total_per"] / b["total_per"])


def table(res, runs, servers):
    """The markdown table of instructions per response."""
    head = ["run"] + ["%s: kernel / user / **total**" % s for s in servers]
    head += ["khttpd / %s" % s for s in servers if s != "khttpd"]
    rows = ["| " + " | ".join(head) + " |",
            "|---|" + "---:|" * (len(head) - 1)]
    for key, label in runs:
        rs = [res.get("%s-%s" % (key, s)) for s in servers]
        if not any(rs):
            continue
        k = res.get("%s-khttpd" % key)
        cells = [label] + [cell(r) for r in rs]
        cells += [ratio(k, res.get("%s-%s" % (key, s)))
                  for s in servers if s != "khttpd"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def rate_table(res, runs, servers):
    """Responses of each run and the requests/s they make in the host's
    time, under TCG (secondary)."""
    rows = ["| run | " + " | ".join("%s: responses (host req/s)" % s
                                    for s in servers) + " |",
            "|---|" + "---:|" * len(servers)]
    for key, label in runs:
        cells = []
        for s in servers:
            r = res.get("%s-%s" % (key, s))
            if not r:
                cells.append("–")
            elif r.get("host_seconds"):
                cells.append("%s (%s)" % (fmt(r["responses"]), fmt(
                    r["responses"] / r["host_seconds"])))
            else:
                cells.append(fmt(r["responses"]))
        if any(c != "–" for c in cells):
            rows.append("| %s | %s |" % (label, " | ".join(cells)))
    return "\n".join(rows)


def profile_table(rows):
    out = ["| function | instructions per response | share of kernel |",
           "|---|---:|---:|"]
    for name, per, share in rows:
        out.append("| `%s` | %s | %.1f %% |" % (name, fmt(per), 100 * share))
    return "\n".join(out)


# ---- as a program -----------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("profile", help="name the blocks of a profile window")
    p.add_argument("marks")
    p.add_argument("--window", type=int, default=1,
                   help="which profile window of the file (1 = first)")
    p.add_argument("--kallsyms", required=True,
                   help="the guest's /proc/kallsyms (nokaslr boot)")
    p.add_argument("--ko", help="the module's .ko")
    p.add_argument("--sections",
                   help="lines 'SECTION ADDRESS' of the loaded module")
    p.add_argument("--module", default="khttpd")
    p.add_argument("--per", type=float, default=1.0,
                   help="divide every count by this (responses)")
    p.add_argument("--top", type=int, default=15)
    a = ap.parse_args()
    with open(a.kallsyms) as f:
        syms = kallsyms_text(f.read(), a.module if a.ko else None)
    if a.ko:
        with open(a.sections) as f:
            syms += module_text(a.ko, parse_sections(f.read()), a.module)
    profiles = [r[1] for r in Marks(a.marks).read() if r[0] == "P"]
    if not 1 <= a.window <= len(profiles):
        ap.error("--window: the file has %d profile windows" % len(profiles))
    funcs = by_function(profiles[a.window - 1], Symbols(syms))
    print("%s kernel instructions per response in window %d" %
          (fmt(sum(funcs.values()) / a.per), a.window))
    print(profile_table(profile_rows(funcs, a.per, a.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
