#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""plot - PNG charts from fibcheck CSV files and htstress --json outputs.

  plot.py latency    CSV... -o latency.png     latency vs N, log-log,
                                               cache misses and hits
  plot.py breakdown  CSV    -o breakdown.png   server time per N: queue,
                                               compute, convert, rest of the
                                               server, send (client - server)
  plot.py throughput JSON... -o rps.png        requests/s and p99 latency vs
                                               connections
  plot.py hitmiss    CSV... -o hitmiss.png     median latency of misses and
                                               hits per range of N

A fibcheck row is a hit when its srv_cache_desc says "hit" (a miss when it
says "miss"); without that, the first attempt at an N (--repeat) is taken as
the miss and later ones as hits.  htstress JSON files may be given as
LABEL=FILE to group them into series; by default the series is named after
keep-alive/close and the pipeline depth.  Needs matplotlib (Debian:
python3-matplotlib); run with /usr/bin/python3.
"""

import argparse
import csv
import json
import math
import os
import statistics
import sys

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker
except ImportError:
    plt = None


def read_rows(paths):
    """{label: rows} of good fibcheck rows with a total time."""
    out = {}
    for path in paths:
        label = os.path.splitext(os.path.basename(path))[0]
        with open(path, newline="") as f:
            rows = [r for r in csv.DictReader(f)
                    if r.get("result") == "ok" and r.get("total_us")]
        for r in rows:
            r["n"] = int(r["n"])
            r["total_us"] = float(r["total_us"])
            r["ttfb_us"] = float(r["ttfb_us"] or r["total_us"])
        out[label] = rows
    return out


def cache_kind(row):
    desc = (row.get("srv_cache_desc") or "").lower()
    if desc in ("hit", "miss"):
        return desc
    return "miss" if int(row.get("attempt") or 1) == 1 else "hit"


def medians(rows, key):
    """[(n, median of key)] over rows grouped by n, sorted by n."""
    by_n = {}
    for r in rows:
        v = r.get(key)
        if v not in (None, ""):
            by_n.setdefault(r["n"], []).append(float(v))
    return sorted((n, statistics.median(v)) for n, v in by_n.items())


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print("wrote %s" % path)


def plot_latency(args):
    fig, ax = plt.subplots(figsize=(8, 5))
    drawn = 0
    for label, rows in read_rows(args.files).items():
        for kind, marker in (("miss", "o"), ("hit", "^")):
            pts = medians([r for r in rows if cache_kind(r) == kind and
                           r["n"] > 0], args.metric + "_us")
            if not pts:
                continue
            xs, ys = zip(*pts)
            ax.plot(xs, ys, marker=marker, markersize=3, linewidth=1,
                    label="%s %s" % (label, kind))
            drawn += 1
    if not drawn:
        return fail("no usable rows in %s" % ", ".join(args.files))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("N")
    ax.set_ylabel("%s latency (us)" % ("total" if args.metric == "total"
                                       else "time to first byte"))
    ax.set_title(args.title or "GET /fib/N latency vs N")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    save(fig, args.output)
    return 0


def breakdown_series(rows):
    """N and per-N median us of queue, compute, convert, the rest of the
    server's total, and send (client total - server total)."""
    parts = {"queue": [], "compute": [], "convert": [], "other server": [],
             "send": []}
    ns = []
    by_n = {}
    for r in rows:
        if r.get("srv_total_us") in (None, "") or r["n"] < 1:
            continue
        by_n.setdefault(r["n"], []).append(r)
    for n in sorted(by_n):
        group = by_n[n]

        def med(key):
            vals = [float(r[key]) for r in group if r.get(key) not in
                    (None, "")]
            return statistics.median(vals) if vals else 0.0
        total, queue = med("srv_total_us"), med("srv_queue_us")
        compute, convert = med("srv_compute_us"), med("srv_convert_us")
        ns.append(n)
        parts["queue"].append(queue)
        parts["compute"].append(compute)
        parts["convert"].append(convert)
        parts["other server"].append(
            max(total - queue - compute - convert, 0.0))
        parts["send"].append(max(med("total_us") - total, 0.0))
    return ns, parts


def plot_breakdown(args):
    rows = [r for rows in read_rows(args.files).values() for r in rows]
    if not args.all:
        rows = [r for r in rows if cache_kind(r) == "miss"]
    ns, parts = breakdown_series(rows)
    if not ns:
        return fail("no rows with Server-Timing (srv_total_us) data")
    fig, (ax, axf) = plt.subplots(2, 1, figsize=(8, 8), sharex=True)
    ax.stackplot(ns, *parts.values(), labels=list(parts))
    ax.set_ylabel("time (us), stacked")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_title(args.title or "where the time goes (%s)" % (
        "all requests" if args.all else "cache misses"))
    ax.legend(loc="upper left")
    ax.grid(True, alpha=0.3)
    totals = [sum(p[i] for p in parts.values()) or 1 for i in range(len(ns))]
    shares = [[100 * p[i] / totals[i] for i in range(len(ns))]
              for p in parts.values()]
    axf.stackplot(ns, *shares, labels=list(parts))
    axf.set_ylabel("share of the request (%)")
    axf.set_ylim(0, 100)
    axf.set_xlabel("N")
    axf.grid(True, alpha=0.3)
    axf.set_xscale("log")
    save(fig, args.output)
    return 0


def read_runs(specs):
    """{series label: [(connections, result)]} from htstress JSON files."""
    series = {}
    for spec in specs:
        label, sep, path = spec.partition("=")
        if not sep or not os.path.exists(path):
            label, path = None, spec
        with open(path) as f:
            res = json.load(f)
        if label is None:
            label = "%s, pipeline %s" % (
                "keep-alive" if res.get("keepalive", True) else "close",
                res.get("pipeline", 1))
        series.setdefault(label, []).append((res["connections"], res))
    return {k: sorted(v, key=lambda cr: cr[0]) for k, v in series.items()}


def plot_throughput(args):
    series = read_runs(args.files)
    fig, (ax, axl) = plt.subplots(2, 1, figsize=(8, 8), sharex=True)
    for label, runs in series.items():
        conns = [c for c, _ in runs]
        line, = ax.plot(conns, [r.get("good_rps", r["rps"]) for _, r in runs],
                        marker="o", label=label)
        color = line.get_color()
        axl.plot(conns, [r["latency_us"]["p99"] for _, r in runs],
                 marker="o", color=color, label=label + " p99")
        axl.plot(conns, [r["latency_us"]["p50"] for _, r in runs],
                 marker=".", linestyle="--", color=color,
                 label=label + " p50")
    ax.set_ylabel("good requests/s")
    ax.set_title(args.title or "throughput vs connections")
    ax.set_ylim(bottom=0)
    axl.set_ylabel("latency (us)")
    axl.set_yscale("log")
    axl.set_xlabel("connections")
    for a in (ax, axl):
        a.set_xscale("log", base=2)
        a.xaxis.set_major_formatter(ticker.FuncFormatter(
            lambda v, _: "%g" % v))
        a.xaxis.set_minor_formatter(ticker.NullFormatter())
        a.grid(True, which="both", alpha=0.3)
        a.legend()
    save(fig, args.output)
    return 0


def decade(n):
    if n < 10:
        return 0
    return int(math.log10(n))


def plot_hitmiss(args):
    rows = [r for rows in read_rows(args.files).values() for r in rows]
    groups = {}
    for r in rows:
        groups.setdefault((decade(r["n"]), cache_kind(r)), []).append(
            r["total_us"])
    decades = sorted({d for d, _ in groups})
    if not decades:
        return fail("no usable rows")
    fig, ax = plt.subplots(figsize=(8, 5))
    width = 0.4
    for i, kind in enumerate(("miss", "hit")):
        xs = [j + (i - 0.5) * width for j in range(len(decades))]
        ys = [statistics.median(groups.get((d, kind), [0])) for d in decades]
        bars = ax.bar(xs, ys, width, label=kind)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(range(len(decades)))
    ax.set_xticklabels(["N < 10" if d == 0 else "1e%d <= N < 1e%d" % (d, d + 1)
                        for d in decades], rotation=20)
    ax.set_yscale("log")
    ax.set_ylabel("median latency (us)")
    ax.set_title(args.title or "cache miss vs hit")
    ax.legend()
    ax.grid(True, axis="y", alpha=0.3)
    save(fig, args.output)
    return 0


def fail(msg):
    print("plot: %s" % msg, file=sys.stderr)
    return 1


def make_parser():
    p = argparse.ArgumentParser(
        prog="plot", description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit status: 0 when the PNG was written, 1 when the input "
        "has nothing to plot, 2 on a usage error or without matplotlib.")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, fn, what in (
            ("latency", plot_latency, "fibcheck CSV files"),
            ("breakdown", plot_breakdown, "fibcheck CSV files"),
            ("throughput", plot_throughput,
             "htstress --json outputs, optionally LABEL=FILE"),
            ("hitmiss", plot_hitmiss, "fibcheck CSV files")):
        s = sub.add_parser(name, help=what)
        s.add_argument("files", nargs="+", help=what)
        s.add_argument("-o", "--output", required=True, help="PNG to write")
        s.add_argument("--title")
        if name == "latency":
            s.add_argument("--metric", choices=("total", "ttfb"),
                           default="total")
        if name == "breakdown":
            s.add_argument("--all", action="store_true",
                           help="include cache hits")
        s.set_defaults(func=fn)
    return p


def main(argv=None):
    args = make_parser().parse_args(argv)
    if plt is None:
        print("plot: matplotlib is missing (apt-get install "
              "python3-matplotlib; run with /usr/bin/python3)",
              file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
