#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Test of plot.py: draws every chart from CSV written by a real fibcheck
run (against a local test server) and from htstress JSON (synthetic, and
real ones when --htstress PATH is given), then checks the PNG files.

usage: test_plot.py [--htstress PATH] [--keep DIR]
Prints "ok NAME" / "not ok NAME" and "# plot: pass=P fail=F"; exits 1 on
failure.  Run with /usr/bin/python3 (matplotlib from Debian).
"""

import argparse
import contextlib
import importlib.util
import io
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
PLOT = os.path.join(HERE, "plot.py")
sys.path.insert(0, os.path.join(HERE, "..", "fibcheck"))


def png_problem(path):
    """None if @path is a complete PNG of sensible size, else why not."""
    if not os.path.exists(path):
        return "missing"
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 5000:
        return "only %d bytes" % len(data)
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    if not (200 <= width <= 4000 and 200 <= height <= 4000):
        return "odd size %dx%d" % (width, height)
    if data[-8:-4] != b"IEND":
        return "truncated PNG"
    return None


class Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Test:
    def __init__(self, tmp):
        self.tmp = tmp
        self.passed = self.failed = 0

    def report(self, name, problem):
        if problem:
            self.failed += 1
            print("not ok %s\n#   %s" % (name, problem))
        else:
            self.passed += 1
            print("ok %s" % name)
        sys.stdout.flush()

    def plot(self, name, args, expect_rc=0):
        out = os.path.join(self.tmp, name + ".png")
        p = subprocess.run([sys.executable, PLOT] + args + ["-o", out],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != expect_rc:
            self.report(name, "exit %d: %s" % (p.returncode,
                                               p.stderr.strip()[-500:]))
        elif expect_rc:
            self.report(name, None)
        else:
            self.report(name, png_problem(out))


def fibcheck_csv(tmp):
    """CSV from a real fibcheck run, every N twice (miss, then hit)."""
    import fibcheck
    import test_fibcheck
    path = os.path.join(tmp, "fib.csv")
    with test_fibcheck.fib_server() as (_, url):
        with contextlib.redirect_stdout(io.StringIO()):
            rc = fibcheck.main(["--url", url, "--range", "0:60", "--n",
                                "100,300,1000,3000,10000,30000,100000",
                                "--repeat", "2", "--csv", path, "-q"])
    return path if rc == 0 else None


def synthetic_runs(tmp):
    files = []
    for keepalive in (True, False):
        for conns in (1, 2, 4, 8, 16, 32):
            rps = conns * (9000.0 if keepalive else 3000.0) / (1 + conns / 8)
            res = {"connections": conns, "threads": 1, "pipeline": 1,
                   "keepalive": keepalive, "requests": 1000, "good": 1000,
                   "rps": rps, "good_rps": rps,
                   "latency_us": {"p50": 1e6 * conns / rps,
                                  "p90": 1.5e6 * conns / rps,
                                  "p99": 3e6 * conns / rps,
                                  "p999": 4e6 * conns / rps, "max": 9e4}}
            path = os.path.join(tmp, "run-%s-%d.json" % (keepalive, conns))
            with open(path, "w") as f:
                json.dump(res, f)
            files.append(path)
    return files


def real_runs(tmp, htstress):
    """htstress --json outputs against a local server, c = 1, 2, 4."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/x" % srv.server_address[1]
    files = []
    try:
        for conns in (1, 2, 4):
            p = subprocess.run([htstress, "--json", "-n", "300", "-c",
                                str(conns), url], capture_output=True,
                               text=True, timeout=60)
            path = os.path.join(tmp, "real-%d.json" % conns)
            with open(path, "w") as f:
                f.write(p.stdout)
            json.loads(p.stdout)
            files.append("real=" + path)
    finally:
        srv.shutdown()
        srv.server_close()
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--htstress", help="htstress binary for real runs")
    ap.add_argument("--keep", help="write the PNGs here and keep them")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or tmp
        os.makedirs(out, exist_ok=True)
        t = Test(out)
        if importlib.util.find_spec("matplotlib") is None:
            t.report("matplotlib", "missing: apt-get install "
                     "python3-matplotlib, run with /usr/bin/python3")
            print("# plot: pass=%d fail=%d" % (t.passed, t.failed))
            return 1
        csv_path = fibcheck_csv(tmp)
        t.report("fibcheck-csv", None if csv_path else "fibcheck run failed")
        if csv_path:
            t.plot("latency", ["latency", csv_path])
            t.plot("latency-ttfb", ["latency", "--metric", "ttfb", csv_path])
            t.plot("breakdown", ["breakdown", csv_path])
            t.plot("hitmiss", ["hitmiss", csv_path])
        runs = synthetic_runs(tmp)
        t.plot("throughput", ["throughput"] + runs)
        if args.htstress:
            try:
                real = real_runs(tmp, args.htstress)
            except (OSError, ValueError, subprocess.SubprocessError) as e:
                t.report("htstress-json", str(e))
            else:
                t.report("htstress-json", None)
                t.plot("throughput-real", ["throughput"] + real)
        empty = os.path.join(tmp, "empty.csv")
        with open(empty, "w") as f:
            f.write("n,base,attempt,status,total_us,result\n")
        t.plot("empty-input-refused", ["latency", empty], expect_rc=1)
        print("# plot: pass=%d fail=%d" % (t.passed, t.failed))
        return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
