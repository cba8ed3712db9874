#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make huge-guest: F(N) (by default N = 2^31 - 1, 448,797,540 digits)
served from a QEMU guest with enough memory, streamed, to a client that
checks its length and SHA-256 against GMP's F(N) (build/fib-gmp, computed
on the host meanwhile), and reports the peak memory, the time to the
head, to the first body byte and to the last.

Usage: huge.py --kernel VMLINUZ --initrd INITRD --workdir DIR --fib-gmp BIN
               [--n N] [--mem MB] [--cache-mb MB] [--accel A]
               [--timeout SECONDS]

The module is loaded with max_result_mb and max_inflight_mb of the
guest's memory, so that the 507 estimate admits N, and with --cache-mb
(16 by default), so that N = 10^8 (20.9 MB of text) is streamed too.
Every --interval seconds the guest's used memory (MemTotal -
MemAvailable) and the server's in-flight bytes (/stats) are sampled; the
largest of each is reported.  Prints "# huge: {json}" and exits non-zero
unless the length and hash match and dmesg is clean.
"""
import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import guest as vm  # noqa: E402


def reference(fib_gmp, n, out):
    """GMP's F(n): its length and SHA-256, into @out (a thread's)."""
    t = time.monotonic()
    h = hashlib.sha256()
    size = 0
    p = subprocess.Popen([fib_gmp, str(n)], stdout=subprocess.PIPE,
                         preexec_fn=lambda: os.nice(10))
    while True:
        chunk = p.stdout.read(1 << 20)
        if not chunk:
            break
        h.update(chunk)
        size += len(chunk)
    out.update(rc=p.wait(), length=size, sha256=h.hexdigest(),
               seconds=round(time.monotonic() - t, 1))


def http(port, request, timeout=60):
    """One request on its own connection: the head and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout) as s:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def header(head, name):
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name:
            return value.strip()
    return None


class Sampler(threading.Thread):
    """The largest guest memory in use and in-flight figure, sampled."""

    def __init__(self, g, port, interval):
        super().__init__(daemon=True)
        self.g, self.port, self.interval = g, port, interval
        self.stop = threading.Event()
        self.used_kb = self.inflight = 0
        self.base_kb = None

    def sample(self):
        info = self.g.meminfo()
        used = info["MemTotal"] - info["MemAvailable"]
        if self.base_kb is None:
            self.base_kb = used
        self.used_kb = max(self.used_kb, used)
        _, body = http(self.port, b"GET /stats HTTP/1.0\r\n\r\n")
        inflight = json.loads(body)["compute"]["inflight_bytes"]
        self.inflight = max(self.inflight, inflight)

    def run(self):
        while not self.stop.is_set():
            try:
                self.sample()
            except (OSError, ValueError, KeyError, vm.GuestError):
                pass
            self.stop.wait(self.interval)


def fetch(port, n, timeout):
    """GET /fib/n, hashed as it comes: times, length, SHA-256."""
    r = {}
    h = hashlib.sha256()
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), 60) as s:
        s.settimeout(timeout)
        s.sendall(b"GET /fib/%d HTTP/1.1\r\nHost: t\r\n"
                  b"Connection: close\r\n\r\n" % n)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("closed before the head")
            buf += chunk
        r["head_s"] = round(time.monotonic() - t0, 2)
        head, _, body = buf.partition(b"\r\n\r\n")
        head = head.decode("latin-1")
        r["status"] = head.split("\r\n")[0]
        r["x_cache"] = header(head, "x-cache")
        r["server_timing"] = header(head, "server-timing")
        r["content_length"] = int(header(head, "content-length") or -1)
        size = 0
        while True:
            if body:
                if not size:
                    r["first_byte_s"] = round(time.monotonic() - t0, 2)
                h.update(body)
                size += len(body)
            if size >= r["content_length"]:
                break
            body = s.recv(1 << 20)
            if not body:
                break
    r["total_s"] = round(time.monotonic() - t0, 2)
    r["length"] = size
    r["sha256"] = h.hexdigest()
    return r


def serve_and_check(g, port, args):
    result = {"n": args.n, "mem_mb": args.mem, "accel": g.accel}
    rc, out = g.insmod(args="port=8081 max_result_mb=%d max_inflight_mb=%d "
                       "cache_mb=%d" % (args.mem, args.mem, args.cache_mb))
    if rc:
        raise vm.GuestError("insmod: %s" % out.strip())
    if not vm.wait_http(port):
        raise vm.GuestError("khttpd does not answer")
    head, _ = http(port, b"HEAD /fib/%d HTTP/1.0\r\n\r\n" % args.n)
    result["head_content_length"] = int(header(head, "content-length"))
    ref = {}
    ref_thread = threading.Thread(target=reference,
                                  args=(args.fib_gmp, args.n, ref))
    ref_thread.start()
    sampler = Sampler(g, port, args.interval)
    sampler.start()
    try:
        result.update(fetch(port, args.n, args.timeout))
    finally:
        sampler.stop.set()
        sampler.join()
    ref_thread.join()
    result["gmp"] = ref
    result["guest_used_peak_mib"] = round(sampler.used_kb / 1024, 1)
    result["guest_used_before_mib"] = round((sampler.base_kb or 0) / 1024, 1)
    result["inflight_peak_mib"] = round(sampler.inflight / 2 ** 20, 1)
    result["ok"] = (ref.get("rc") == 0 and
                    result["length"] == ref["length"] ==
                    result["content_length"] ==
                    result["head_content_length"] and
                    result["sha256"] == ref["sha256"])
    rc, out = g.rmmod(timeout=120)
    result["rmmod"] = rc
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--fib-gmp", required=True)
    ap.add_argument("--n", type=int, default=2147483647)
    ap.add_argument("--mem", type=int, default=6144, help="guest MiB")
    ap.add_argument("--cache-mb", type=int, default=16)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--interval", type=float, default=2.0)
    ap.add_argument("--timeout", type=float, default=86400,
                    help="seconds the client waits for a byte")
    args = ap.parse_args()
    port = vm.free_port()
    g = vm.Guest(args.kernel, args.initrd, args.workdir, accel=args.accel,
                 forwards=[(port, 8081)], mem=args.mem)
    result = {"ok": False}
    try:
        g.start()
        result = serve_and_check(g, port, args)
    except (OSError, vm.GuestError) as e:
        result["error"] = str(e)
    finally:
        splats = g.stop()
    result["splats"] = splats[:5]
    ok = result["ok"] and not splats and result.get("rmmod") == 0
    print("# huge: %s" % json.dumps(result, sort_keys=True))
    print("# huge-guest: %s" % ("pass" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
