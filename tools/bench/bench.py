#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench - khttpd against nginx, side by side in ONE boot of the test guest.

`make bench` (tools/bench/bench.mk) runs this.  It builds an initramfs of
its own (build/bench/initramfs.gz: the test guest's plus khttpd.ko, the
static htstress and idleconns, nginx with every shared library it needs),
boots the guest once, and inside the guest runs the load generator against
khttpd (port 8081) and nginx (port 8082) on the guest's 127.0.0.1:

  1. keep-alive throughput/latency for /fib/1000 at 1, 50, 500
     connections, pipelining 16, and one connection per request;
  2. cache hits against misses for N around 10^3, 10^5, 10^6, with the
     cache counters of /stats, and nginx serving the same bodies as files;
  3. zerocopy=1 against zerocopy=0 for /fib/1000000 hits;
  4. kernel memory per idle keep-alive connection (MemFree, Slab);
  5. fibcheck from the host (Server-Timing breakdown) through a forwarded
     port;
  7. (section 7 of the document) static files of four sizes on tmpfs,
     the two large ones on ramfs too, beneath khttpd's docroot, which is
     nginx's root, after checking that both servers send their bytes.

Then it writes build/bench/results.json, the PNGs of Documentation/images/
and the generated parts of Documentation/performance.md and
Documentation/cache.md.  Any kernel splat in the guest's dmesg fails it.

--sections static (a comma-separated subset of SECTIONS) runs only those
sections, for iteration: it prints their tables and writes
results-partial.json, but no documentation, which stays one boot's.

--smoke is the short version `make bench-smoke` runs: a few short runs,
each a real assertion, printed as "ok NAME" / "not ok NAME" and
"# bench-smoke: pass=P fail=F"; it writes no documentation.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "vm"))
sys.path.insert(0, os.path.join(ROOT, "tools", "plot"))

import guest as vm  # noqa: E402

KPORT = 8081            # khttpd in the guest
NPORT = 8082            # nginx in the guest
GBIN = "/bench"         # where the bench's binaries live in the guest
WWW = "/tmp/www"        # nginx's document root (tmpfs)
NRUN = "/tmp/nginx"     # nginx's pid, log, temp files
PYTHON = "/usr/bin/python3"

# The N of the cache comparison and the ranges their misses come from:
# far more distinct N than a 1 MiB cache holds.
CACHE_POINTS = [
    (1000, 1000, 9999),
    (100000, 50000, 150000),
    (1000000, 900000, 1100000),
]
MISS_CACHE_MB = 1
IDLE_CONNS = 10000

# The static files of section 7: (filesystem, name, size), random bytes in
# WWW/<filesystem>/, WWW being khttpd's docroot and nginx's root.  Sizes: a
# small HTML page (one write for either server); a stylesheet or script
# (one fill of khttpd's 16 KiB copy buffer); a large image (many fills); a
# download (bulk transfer, where the cost per byte dominates).  khttpd
# copies files of tmpfs (no ->read_folio in 6.1) through that buffer but
# lends ramfs's pages to TCP, so the large files are on a ramfs mount too.
STATIC_FILES = [("tmpfs", "1k.html", 1 << 10), ("tmpfs", "16k.css", 16 << 10),
                ("tmpfs", "256k.jpg", 256 << 10), ("tmpfs", "4m.bin", 4 << 20),
                ("ramfs", "256k.jpg", 256 << 10), ("ramfs", "4m.bin", 4 << 20)]
STATIC_CONNS = 8
# khttpd's keep-alive timeout for them, nginx's keepalive_timeout: with
# khttpd's default of 5 s, counted from when the last byte of a response is
# queued, runs of the 4 MiB file from tmpfs lost a few requests to it.
STATIC_IDLE_MS = 600000
SECTIONS = ["idle", "throughput", "zerocopy", "fibcheck", "hitmiss",
            "static"]


def log(msg):
    print("bench: %s" % msg, flush=True)


# ---- the initramfs ----------------------------------------------------------

def ldd_deps(binary):
    """The shared libraries and ELF interpreter @binary loads."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True,
                         text=True).stdout
    deps = []
    for line in out.splitlines():
        m = re.search(r"(/\S+)\s+\(0x", line)
        if m:
            deps.append(m.group(1))
    return deps


def build_initramfs(args, out):
    """The test guest's initramfs plus what the bench runs in the guest."""
    files = [(args.ko, "/khttpd.ko"),
             (args.htstress, GBIN + "/htstress"),
             (args.idleconns, GBIN + "/idleconns"),
             (args.nginx, GBIN + "/nginx")]
    for lib in ldd_deps(args.nginx):
        files.append((lib, lib))
    etc = os.path.join(args.workdir, "etc")
    os.makedirs(etc, exist_ok=True)
    extra = {
        "passwd": "root:x:0:0:root:/root:/bin/sh\n"
                  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
        "group": "root:x:0:\nnogroup:x:65534:\n",
    }
    with open(os.path.join(HERE, "nginx.conf.in")) as f:
        conf = f.read()
    for key, val in (("@WORKERS@", str(args.smp)), ("@PORT@", str(NPORT)),
                     ("@ROOT@", WWW), ("@RUN@", NRUN)):
        conf = conf.replace(key, val)
    extra["nginx.conf"] = conf
    for name, text in extra.items():
        path = os.path.join(etc, name)
        with open(path, "w") as f:
            f.write(text)
        dest = GBIN + "/nginx.conf" if name == "nginx.conf" else "/etc/" + name
        files.append((path, dest))
    cmd = [PYTHON, os.path.join(ROOT, "tools/vm/initramfs.py"), "-o", out,
           "--kmods", args.kmods, "--kver", args.kver,
           "--init", os.path.join(ROOT, "tools/vm/init")]
    for src, dest in files:
        cmd += ["--file", "%s:%s" % (src, dest)]
    subprocess.run(cmd, check=True)


def parse_slabinfo(text):
    """{cache: active objects x object size} from /proc/slabinfo."""
    caches = {}
    for line in text.splitlines()[2:]:
        f = line.split()
        if len(f) > 3 and f[1].isdigit() and f[3].isdigit():
            caches[f[0]] = caches.get(f[0], 0) + int(f[1]) * int(f[3])
    return caches


# ---- the bench --------------------------------------------------------------

class Bench:
    def __init__(self, args, guest, host_port):
        self.args = args
        self.g = guest
        self.host_port = host_port
        self.loaded = None
        self.res = {"runs": {}, "idle": {}, "stats": {}, "loads": {}}
        self.checks = []
        self.jsondir = os.path.join(args.workdir, "json")
        os.makedirs(self.jsondir, exist_ok=True)

    # -- plumbing
    def sh(self, cmd, timeout=120, check=True):
        rc, out = self.g.run(cmd, timeout=timeout)
        if check and rc != 0:
            raise vm.GuestError("guest: %r failed (%d): %s" %
                                (cmd, rc, out.strip()[-2000:]))
        return out

    def check(self, name, ok, detail=""):
        detail = "; ".join(detail.split("\n"))
        self.checks.append((name, bool(ok), detail))
        print("%s %s%s" % ("ok" if ok else "not ok", name,
                           (": " + detail) if detail else ""), flush=True)
        return ok

    def load(self, label, params):
        if self.loaded:
            rc, out = self.g.rmmod()
            if not self.check("rmmod (%s)" % self.loaded, rc == 0,
                              out.strip()):
                raise vm.GuestError("rmmod failed")
        params = ("port=%d %s" % (KPORT, params)).strip()
        rc, out = self.g.insmod(args=params)
        if rc != 0:
            raise vm.GuestError("insmod %s failed: %s" % (params, out))
        self.loaded = label
        self.res["loads"][label] = "insmod khttpd.ko " + params
        for _ in range(100):
            if self.g.run("wget -q -O /dev/null http://127.0.0.1:%d/stats"
                          % KPORT, timeout=30)[0] == 0:
                return
            time.sleep(0.2)
        raise vm.GuestError("khttpd does not answer after insmod")

    def stats(self):
        out = self.sh("wget -q -O - http://127.0.0.1:%d/stats" % KPORT)
        return json.loads(out)

    def param(self, name, value):
        self.sh("echo %s > /sys/module/khttpd/parameters/%s" % (value, name))

    def ht(self, name, port, path, conns, threads=2, duration=None,
           pipeline=1, close=False, timeout=60, status=None):
        """One htstress run in the guest; its --json result."""
        duration = duration or self.args.duration
        threads = max(1, min(threads, conns))
        url = "http://127.0.0.1:%d%s" % (port, path)
        cmd = ("%s/htstress --json --allow-errors --seed 1 -c %d -t %d -d %s"
               " --timeout %d" % (GBIN, conns, threads, duration, timeout))
        if pipeline > 1:
            cmd += " -p %d" % pipeline
        if close:
            cmd += " --close"
        if status:
            cmd += " --expect-status %d" % status
        cmd += " " + shlex.quote(url) + " 2>/tmp/htstress.err"
        out = self.sh(cmd, timeout=int(duration) + timeout + 120,
                      check=False)
        try:
            res = json.loads(out[out.index("{"):out.rindex("}") + 1])
        except ValueError:
            err = self.sh("cat /tmp/htstress.err", check=False)
            raise vm.GuestError("htstress %s: no JSON: %s %s" %
                                (name, out.strip()[-500:], err.strip()))
        res["server"] = "khttpd" if port == KPORT else "nginx"
        res["path"] = path
        self.res["runs"][name] = res
        with open(os.path.join(self.jsondir, name + ".json"), "w") as f:
            json.dump(res, f, indent=1)
        lat = res["latency_us"]
        log("%-28s %9.0f req/s  p50 %8.0f us  p99 %9.0f us  good %d bad %d "
            "err %d timeout %d" % (name, res["good_rps"], lat["p50"],
                                   lat["p99"], res["good"], res["bad"],
                                   res["errors"], res["timeouts"]))
        return res

    def ht_khttpd(self, name, path, **kw):
        """An htstress run against khttpd with the /stats delta around it."""
        s0 = self.stats()
        res = self.ht(name, KPORT, path, **kw)
        s1 = self.stats()
        c0, c1 = s0["cache"], s1["cache"]
        res["cache_delta"] = {k: c1[k] - c0[k] for k in
                              ("hits", "misses", "inserts", "evictions")}
        res["cache_delta"]["joins"] = (s1["compute"]["joins"] -
                                       s0["compute"]["joins"])
        res["jobs_started"] = (s1["compute"]["started"] -
                               s0["compute"]["started"])
        res["cache_after"] = c1
        with open(os.path.join(self.jsondir, name + ".json"), "w") as f:
            json.dump(res, f, indent=1)
        d = res["cache_delta"]
        log("%-28s cache hits +%d misses +%d inserts +%d evictions +%d "
            "jobs +%d" % (name, d["hits"], d["misses"], d["inserts"],
                          d["evictions"], res["jobs_started"]))
        return res

    # -- setup
    def machine(self):
        info = {}
        with open("/proc/cpuinfo") as f:
            models = re.findall(r"^model name\s*:\s*(.*)$", f.read(), re.M)
        info["host_cpu"] = models[0] if models else platform.processor()
        info["host_nproc"] = os.cpu_count()
        info["host_kernel"] = platform.release()
        info["qemu"] = subprocess.run(
            ["qemu-system-x86_64", "--version"], capture_output=True,
            text=True).stdout.splitlines()[0]
        info["accel"] = self.g.accel
        info["guest_kernel"] = self.sh("uname -r").strip()
        info["guest_nproc"] = int(self.sh("nproc").strip())
        info["guest_mem_kb"] = self.g.meminfo()["MemTotal"]
        gcpu = re.findall(r"^model name\s*:\s*(.*)$",
                          self.sh("cat /proc/cpuinfo"), re.M)
        info["guest_cpu"] = gcpu[0] if gcpu else "?"
        info["nginx"] = self.sh("%s/nginx -v 2>&1" % GBIN).strip()
        info["date"] = datetime.datetime.now(
            datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        self.res["machine"] = info
        log("machine: %s" % json.dumps(info))

    def start_nginx(self):
        """Fetch khttpd's bodies into nginx's root, start nginx, compare."""
        ns = sorted({10, 1000} | {n for n, _, _ in CACHE_POINTS})
        self.sh("mkdir -p %s/fib %s/body /var/log/nginx /var/lib/nginx"
                % (WWW, NRUN))
        for n in ns:
            self.sh("wget -q -O %s/fib/%d http://127.0.0.1:%d/fib/%d"
                    % (WWW, n, KPORT, n), timeout=300)
        self.sh("cd %s && %s/nginx -c %s/nginx.conf -e %s/error.log"
                % (NRUN, GBIN, GBIN, NRUN))
        for n in ns:
            out = self.sh("wget -q -O /tmp/cmp.%d http://127.0.0.1:%d/fib/%d"
                          " && cmp /tmp/cmp.%d %s/fib/%d && wc -c < /tmp/cmp.%d"
                          % (n, NPORT, n, n, WWW, n, n), check=False)
            self.check("nginx serves khttpd's bytes for /fib/%d" % n,
                       out.strip().isdigit(), out.strip())
        self.res["body_bytes"] = {
            n: int(self.sh("wc -c < %s/fib/%d" % (WWW, n)).strip())
            for n in ns}
        self.sh("rm -f /tmp/cmp.*")

    # -- 4. idle connections
    def slab_objects(self):
        """{cache: bytes of allocated objects} (active objects x size)."""
        return parse_slabinfo(self.sh("cat /proc/slabinfo"))

    def settle(self):
        """Free what the previous run left: caches, empty slabs."""
        self.sh("sleep 3; sync; echo 3 > /proc/sys/vm/drop_caches; "
                "for f in /sys/kernel/slab/*/shrink; do echo 1 > $f; done "
                "2>/dev/null; sleep 2", check=False)

    def idle_one(self, label, opts, count, hold):
        self.settle()
        m0 = self.g.meminfo()
        o0 = self.slab_objects()
        self.sh("%s/idleconns -n %d -H %d %s > /tmp/idle.out 2>&1 &"
                % (GBIN, count, hold, opts))
        deadline = time.monotonic() + 600
        out = ""
        while "ready" not in out and time.monotonic() < deadline:
            time.sleep(1)
            out = self.sh("cat /tmp/idle.out", check=False)
        t_ready = time.monotonic()
        time.sleep(2)
        m1 = self.g.meminfo()
        o1 = self.slab_objects()
        sockstat = self.sh("cat /proc/net/sockstat", check=False)
        open_conns = None
        if label == "khttpd":
            open_conns = self.stats()["connections"]["open"]
        while "alive" not in out and time.monotonic() < t_ready + hold + 120:
            time.sleep(1)
            out = self.sh("cat /tmp/idle.out", check=False)
        m = re.search(r"ready (\d+)", out)
        a = re.search(r"alive (\d+) closed (\d+)", out)
        ready = int(m.group(1)) if m else 0
        r = {
            "count": count, "ready": ready,
            "alive": int(a.group(1)) if a else 0,
            "closed": int(a.group(2)) if a else -1,
            "memfree_delta_kb": m0["MemFree"] - m1["MemFree"],
            "slab_delta_kb": m1["Slab"] - m0["Slab"],
            "sunreclaim_delta_kb": m1["SUnreclaim"] - m0["SUnreclaim"],
            "slab_objects_delta": sum(o1.values()) - sum(o0.values()),
            "top_caches": sorted(
                ((k, o1.get(k, 0) - o0.get(k, 0)) for k in set(o0) | set(o1)),
                key=lambda kv: -abs(kv[1]))[:8],
            "khttpd_open": open_conns,
            "sockstat": sockstat.strip(),
            "output": out.strip(),
        }
        if ready:
            r["memfree_per_conn"] = r["memfree_delta_kb"] * 1024.0 / ready
            r["slab_per_conn"] = r["slab_delta_kb"] * 1024.0 / ready
            r["objects_per_conn"] = r["slab_objects_delta"] / float(ready)
        self.res["idle"][label] = r
        log("idle %-8s ready %d alive %d: MemFree %+d kB, Slab %+d kB, "
            "slab objects %+d kB (%.0f / %.0f / %.0f bytes per connection)"
            % (label, ready, r["alive"], -r["memfree_delta_kb"],
               r["slab_delta_kb"], r["slab_objects_delta"] // 1024,
               r.get("memfree_per_conn", 0), r.get("slab_per_conn", 0),
               r.get("objects_per_conn", 0)))
        log("idle %-8s slab caches that grew most: %s" % (label, ", ".join(
            "%s %+d kB" % (k, v // 1024) for k, v in r["top_caches"])))
        self.check("idle %s: %d connections held" % (label, count),
                   ready == count and r["alive"] == count, r["output"])
        time.sleep(2)
        return r

    def idle(self, count, hold):
        self.idle_one("pairs", "--self", count, hold)
        self.idle_one("khttpd", "-p %d -r /fib/10" % KPORT, count, hold)
        self.idle_one("nginx", "-p %d -r /fib/10" % NPORT, count, hold)

    # -- 1. keep-alive and close
    def throughput(self):
        d = self.args.duration
        for conns in (1, 50, 500):
            for srv, port in (("khttpd", KPORT), ("nginx", NPORT)):
                self.ht("ka-%s-c%d" % (srv, conns), port, "/fib/1000",
                        conns, threads=2, duration=d)
        for srv, port in (("khttpd", KPORT), ("nginx", NPORT)):
            self.ht("pipe16-%s-c50" % srv, port, "/fib/1000", 50,
                    pipeline=16, duration=d)
        for srv, port in (("khttpd", KPORT), ("nginx", NPORT)):
            self.ht("close-%s-c50" % srv, port, "/fib/1000", 50,
                    close=True, duration=d)

    # -- 2. hits and misses
    def hitmiss(self):
        d = self.args.duration
        for n, lo, hi in CACHE_POINTS:
            dm = d * 2 if n >= 1000000 else d
            self.sh("wget -q -O /dev/null http://127.0.0.1:%d/fib/%d"
                    % (KPORT, n), timeout=300)
            self.ht_khttpd("hit-khttpd-%d" % n, "/fib/%d" % n, conns=8,
                           duration=d)
            self.ht_khttpd("miss-khttpd-%d" % n,
                           "/fib/{rand:%d:%d}" % (lo, hi), conns=8,
                           duration=dm, timeout=120)
            self.ht("hit-nginx-%d" % n, NPORT, "/fib/%d" % n, 8, duration=d)

    # -- 3. zero-copy
    def zerocopy(self):
        d = self.args.duration
        path = "/fib/1000000"
        self.sh("wget -q -O /dev/null http://127.0.0.1:%d%s" % (KPORT, path),
                timeout=300)
        for zc in (1, 0):
            self.param("zerocopy", zc)
            self.ht_khttpd("zc%d-khttpd-1000000" % zc, path, conns=8,
                           duration=d)
        self.param("zerocopy", 1)
        self.ht("zc-nginx-1000000", NPORT, path, 8, duration=d)

    # -- 6. fibcheck from the host
    def fibcheck(self):
        self.param("cache_flush", 1)
        csv = os.path.join(self.args.workdir, "fibcheck.csv")
        ns = "10,100,1000,3000,10000,30000,100000,300000,1000000"
        cmd = [PYTHON, os.path.join(ROOT, "tools/fibcheck/fibcheck.py"),
               "--url", "http://127.0.0.1:%d" % self.host_port,
               "--n", ns, "--repeat", "3", "--csv", csv, "-q"]
        self.res["fibcheck_cmd"] = " ".join(cmd[1:]).replace(ROOT + "/", "")
        t = time.monotonic()
        r = subprocess.run(["nice"] + cmd, capture_output=True, text=True,
                           timeout=1200)
        self.check("fibcheck from the host (N up to 10^6, miss then hits)",
                   r.returncode == 0, (r.stdout + r.stderr).strip()[-300:])
        log("fibcheck took %.0fs" % (time.monotonic() - t))
        self.res["fibcheck_csv"] = csv
        return csv

    # -- 7. static files
    def static_files(self, files):
        """Write @files beneath WWW; check that both servers send them."""
        for fs in sorted({fs for fs, _, _ in files}):
            d = "%s/%s" % (WWW, fs)
            self.sh("mkdir -p %s" % d)
            if fs != "tmpfs":       # /tmp is one
                self.sh("mount -t %s %s %s" % (fs, fs, d))
            got = self.sh("stat -f -c %%T %s" % d).strip()
            self.check("%s is on %s" % (d, fs), got == fs, got)
        for fs, name, size in files:
            path = "%s/%s/%s" % (WWW, fs, name)
            self.sh("head -c %d /dev/urandom > %s" % (size, path))
            want = self.sh("sha256sum %s" % path).split()[0]
            for srv, port in (("khttpd", KPORT), ("nginx", NPORT)):
                got = self.sh("wget -q -O /tmp/got http://127.0.0.1:%d/%s/%s"
                              " && sha256sum /tmp/got" % (port, fs, name),
                              check=False).split()
                self.check("%s sends /%s/%s (%d bytes, sha256 %s...)" %
                           (srv, fs, name, size, want[:12]),
                           got[:1] == [want], " ".join(got[:1]))
        self.sh("rm -f /tmp/got")

    def static(self):
        self.static_files(STATIC_FILES)
        for fs, name, size in STATIC_FILES:
            d = self.args.duration * (2 if size >= 1 << 20 else 1)
            for srv, port in (("khttpd", KPORT), ("nginx", NPORT)):
                r = self.ht("static-%s-%s-%s" % (srv, fs, name), port,
                            "/%s/%s" % (fs, name), STATIC_CONNS,
                            duration=d, status=200)
                self.check("/%s/%s from %s: only 200s of the whole file"
                           % (fs, name, srv), r["good"] > 0 and
                           r["bytes"] >= r["good"] * size and
                           r["bad"] + r["errors"] + r["timeouts"] == 0,
                           "good %d bad %d errors %d timeouts %d bytes %d" %
                           (r["good"], r["bad"], r["errors"], r["timeouts"],
                            r["bytes"]))


# ---- reports ----------------------------------------------------------------

def fmt_int(v):
    return "{:,}".format(int(round(v)))


def fmt_us(v):
    if v >= 1000000:
        return "%.2f s" % (v / 1e6)
    if v >= 10000:
        return "%.1f ms" % (v / 1000.0)
    return "%.0f µs" % v


def fmt_size(n):
    return "%d MiB" % (n >> 20) if n >= 1 << 20 else "%d KiB" % (n >> 10)


def run_row(label, r, extra=()):
    lat = r["latency_us"]
    errs = r["bad"] + r["errors"] + r["timeouts"]
    return ("| %s | %s | %s | %s | %s | %s |" %
            (label, fmt_int(r["good_rps"]), fmt_us(lat["p50"]),
             fmt_us(lat["p99"]), fmt_int(r["good"]), errs) +
            "".join(" %s |" % e for e in extra))


RUN_HEAD = ("| run | req/s | p50 | p99 | good | bad+err+timeout |",
            "|---|---:|---:|---:|---:|---:|")


def ratio(a, b):
    return a / b if b else float("nan")


def tables(res):
    """{name: markdown} of every table, from the results."""
    runs = res["runs"]
    t = {}
    rows = list(RUN_HEAD)
    rows[0] += " khttpd / nginx req/s |"
    rows[1] += "---:|"
    for key, label in (("ka-%s-c1", "keep-alive, 1 connection"),
                       ("ka-%s-c50", "keep-alive, 50 connections"),
                       ("ka-%s-c500", "keep-alive, 500 connections"),
                       ("pipe16-%s-c50", "50 connections, pipeline 16"),
                       ("close-%s-c50", "close, 50 concurrent")):
        k, n = runs.get(key % "khttpd"), runs.get(key % "nginx")
        if not (k and n):
            continue
        r = "%.2f×" % ratio(k["good_rps"], n["good_rps"])
        rows.append(run_row("khttpd: " + label, k, (r,)))
        rows.append(run_row("nginx: " + label, n, ("",)))
    t["throughput"] = "\n".join(rows)

    rows = ["| N | path | req/s | p50 | p99 | good | bad+err+timeout | "
            "cache hits Δ | misses Δ | evictions Δ | computations |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, lo, hi in CACHE_POINTS:
        for key, label in (("hit-khttpd-%d", "khttpd hit (/fib/%d)" % n),
                           ("miss-khttpd-%d",
                            "khttpd miss (/fib/{rand:%d:%d})" % (lo, hi)),
                           ("hit-nginx-%d", "nginx file (/fib/%d)" % n)):
            r = runs.get(key % n)
            if not r:
                continue
            lat = r["latency_us"]
            d = r.get("cache_delta")
            cd = (fmt_int(d["hits"]), fmt_int(d["misses"]),
                  fmt_int(d["evictions"]), fmt_int(r["jobs_started"])) \
                if d else ("–",) * 4
            cells = ["10^%d" % len(str(n)[1:]), label,
                     fmt_int(r["good_rps"]), fmt_us(lat["p50"]),
                     fmt_us(lat["p99"]), fmt_int(r["good"]),
                     str(r["bad"] + r["errors"] + r["timeouts"])] + list(cd)
            rows.append("| " + " | ".join(cells) + " |")
    t["hitmiss"] = "\n".join(rows)

    rows = list(RUN_HEAD)
    rows[0] += " MB/s |"
    rows[1] += "---:|"
    for key, label in (("zc1-khttpd-1000000", "khttpd zerocopy=1 (sendpage)"),
                       ("zc0-khttpd-1000000", "khttpd zerocopy=0 (sendmsg copy)"),
                       ("zc-nginx-1000000", "nginx sendfile")):
        r = runs.get(key)
        if r:
            rows.append(run_row(label, r, ("%.1f" % (r["throughput"] / 1e6)
                                           if "throughput" in r else "",)))
    t["zerocopy"] = "\n".join(rows)

    idle = res.get("idle", {})
    rows = ["| connections held by | open | MemFree Δ / conn | Slab Δ / conn"
            " | slab objects Δ / conn | server side / conn: slab objects "
            "(MemFree), minus half a socket pair |",
            "|---|---:|---:|---:|---:|---:|"]
    pair = idle.get("pairs", {})
    for key, label in (("pairs", "idleconns --self (a plain TCP socket pair"
                        " per connection, no server)"),
                       ("khttpd", "khttpd (client + server sockets)"),
                       ("nginx", "nginx (client + server sockets)")):
        r = idle.get(key)
        if not r or not r.get("ready"):
            continue
        server = "–"
        if key != "pairs" and pair.get("ready") and \
                "objects_per_conn" in r and "objects_per_conn" in pair:
            server = "%s B (%s B)" % (
                fmt_int(r["objects_per_conn"] - pair["objects_per_conn"] / 2),
                fmt_int(r["memfree_per_conn"] -
                        pair["memfree_per_conn"] / 2))
        rows.append("| %s | %s | %s B | %s B | %s B | %s |" %
                    (label, fmt_int(r["ready"]),
                     fmt_int(r["memfree_per_conn"]),
                     fmt_int(r["slab_per_conn"]),
                     fmt_int(r.get("objects_per_conn", float("nan")))
                     if "objects_per_conn" in r else "–", server))
    t["idle"] = "\n".join(rows)

    rows = list(RUN_HEAD)
    rows[0] += " MB/s | khttpd / nginx req/s |"
    rows[1] += "---:|---:|"
    for fs, name, size in STATIC_FILES:
        k = runs.get("static-khttpd-%s-%s" % (fs, name))
        n = runs.get("static-nginx-%s-%s" % (fs, name))
        for srv, r in (("khttpd", k), ("nginx", n)):
            if not r:
                continue
            x = "%.2f×" % ratio(k["good_rps"], n["good_rps"]) \
                if srv == "khttpd" and k and n else ""
            rows.append(run_row("%s: /%s/%s (%s)" % (srv, fs, name,
                                                      fmt_size(size)), r,
                                ("%.1f" % (r["throughput"] / 1e6), x)))
    t["static"] = "\n".join(rows)
    return t


def observations(res):
    """Sentences computed from the numbers (no adjectives chosen by hand)."""
    runs, out = res["runs"], []

    def rps(k):
        return runs[k]["good_rps"] if k in runs else None
    for key, label in (("ka-%s-c1", "1 keep-alive connection"),
                       ("ka-%s-c50", "50 keep-alive connections"),
                       ("ka-%s-c500", "500 keep-alive connections"),
                       ("pipe16-%s-c50", "pipelining 16 on 50 connections"),
                       ("close-%s-c50", "a new connection per request")):
        k, n = rps(key % "khttpd"), rps(key % "nginx")
        if k and n:
            out.append("With %s khttpd answered %.2f× nginx's requests/s "
                       "(%s against %s)." % (label, k / n, fmt_int(k),
                                              fmt_int(n)))
    for n, _, _ in CACHE_POINTS:
        h, m = rps("hit-khttpd-%d" % n), rps("miss-khttpd-%d" % n)
        x = rps("hit-nginx-%d" % n)
        if h and m:
            d = runs["miss-khttpd-%d" % n]["cache_delta"]
            tot = d["hits"] + d["misses"]
            out.append("Around N = %s a hit served %.1f× the requests/s of "
                       "a miss; %.1f %% of the miss run's lookups missed "
                       "(%s of %s)%s." %
                       (fmt_int(n), h / m,
                        100.0 * d["misses"] / tot if tot else 0,
                        fmt_int(d["misses"]), fmt_int(tot),
                        "; khttpd hits ran at %.2f× nginx's file" % (h / x)
                        if x else ""))
    z1, z0 = rps("zc1-khttpd-1000000"), rps("zc0-khttpd-1000000")
    if z1 and z0:
        out.append("For the 209 KB body of /fib/1000000, zerocopy=1 served "
                   "%.2f× the requests/s of zerocopy=0." % (z1 / z0))
    idle = res.get("idle", {})
    if all(idle.get(k, {}).get("ready") for k in ("pairs", "khttpd",
                                                  "nginx")):
        p = idle["pairs"].get("objects_per_conn", 0) / 2
        out.append("Counting allocated slab objects, an idle kept-alive "
                   "connection cost khttpd about %s bytes beyond its client "
                   "socket and nginx about %s (its user-space memory is in "
                   "the MemFree column only); half a plain user-space socket"
                   " pair took %s." %
                   (fmt_int(idle["khttpd"].get("objects_per_conn", 0) - p),
                    fmt_int(idle["nginx"].get("objects_per_conn", 0) - p),
                    fmt_int(p)))
    for fs, name, size in STATIC_FILES:
        k = rps("static-khttpd-%s-%s" % (fs, name))
        n = rps("static-nginx-%s-%s" % (fs, name))
        if k and n:
            out.append("For the %s file /%s/%s, khttpd answered %.2f× "
                       "nginx's requests/s (%s against %s)." %
                       (fmt_size(size), fs, name, k / n, fmt_int(k),
                        fmt_int(n)))
    return out


def replace_block(path, name, text, skeleton):
    """Put @text between <!-- bench:NAME begin/end --> in @path."""
    begin = "<!-- bench:%s begin -->" % name
    end = "<!-- bench:%s end -->" % name
    if os.path.exists(path):
        with open(path) as f:
            doc = f.read()
    else:
        doc = skeleton
    if begin not in doc:
        doc = doc.rstrip("\n") + "\n\n%s\n%s\n" % (begin, end)
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    doc = head + begin + "\n" + text.strip("\n") + "\n" + end + tail
    with open(path, "w") as f:
        f.write(doc)


def plots(res, images, workdir):
    """The PNGs; returns {name: relative path} of those written."""
    done = {}
    plot = os.path.join(ROOT, "tools/plot/plot.py")
    j = os.path.join(workdir, "json")
    runs = res["runs"]

    def draw(name, argv):
        out = os.path.join(images, name)
        r = subprocess.run(["nice", PYTHON, plot] + argv + ["-o", out],
                           capture_output=True, text=True)
        if r.returncode == 0:
            done[name] = "images/" + name
        else:
            log("plot %s failed: %s" % (name, r.stderr.strip()))

    specs = []
    for srv in ("khttpd", "nginx"):
        for c in (1, 50, 500):
            if "ka-%s-c%d" % (srv, c) in runs:
                specs.append("%s keep-alive=%s/ka-%s-c%d.json" % (srv, j, srv,
                                                                 c))
    if specs:
        draw("bench-throughput.png",
             ["throughput", "--title",
              "/fib/1000, keep-alive, in one guest boot (TCG)"] + specs)
    csv = res.get("fibcheck_csv")
    if csv and os.path.exists(csv):
        draw("bench-latency.png", ["latency", csv, "--title",
                                   "fibcheck from the host: latency vs N"])
        draw("bench-breakdown.png", ["breakdown", csv, "--title",
                                     "server-side time of cache misses"])
        draw("bench-fibcheck-hitmiss.png",
             ["hitmiss", csv, "--title",
              "fibcheck from the host: miss vs hit latency"])
    # Bars of the in-guest htstress runs: hits vs misses, static files.
    if any(k.startswith("miss-") for k in runs):
        ns = [n for n, _, _ in CACHE_POINTS]
        bars(done, images, "bench-hitmiss.png",
             "cache hit vs miss, in-guest htstress (TCG; ratios only)",
             [[runs.get(k % n) for n in ns] for k in
              ("hit-khttpd-%d", "miss-khttpd-%d", "hit-nginx-%d")],
             ["khttpd hit", "khttpd miss", "nginx file"],
             ["N ≈ 10^%d" % len(str(n)[1:]) for n in ns], 8)
    if any(k.startswith("static-") for k in runs):
        bars(done, images, "bench-static.png",
             "static files, in-guest htstress (TCG; ratios only)",
             [[runs.get("static-%s-%s-%s" % (srv, fs, f))
               for fs, f, _ in STATIC_FILES] for srv in ("khttpd", "nginx")],
             ["khttpd", "nginx"],
             ["%s\n%s" % (f, fs) for fs, f, _ in STATIC_FILES], STATIC_CONNS)
    return done


def bars(done, images, name, title, series, labels, ticks, conns):
    """Two log-scale bar charts side by side, requests/s and p50 latency:
    @series[i][j] is the htstress result of bar @labels[i] in group j."""
    try:
        import plot as plotmod  # tools/plot/plot.py
    except ImportError:
        return
    if plotmod.plt is None:
        return
    fig, (ax, axl) = plotmod.plt.subplots(1, 2, figsize=(11, 4.5))
    width = 0.8 / len(series)
    for i, (rs, lab) in enumerate(zip(series, labels)):
        xs = [p + (i - (len(series) - 1) / 2.0) * width
              for p in range(len(ticks))]
        ys = [r["good_rps"] if r else 0 for r in rs]
        ls = [r["latency_us"]["p50"] / 1000.0 if r else 0 for r in rs]
        b = ax.bar(xs, ys, width, label=lab)
        ax.bar_label(b, labels=[short(v) for v in ys], fontsize=7)
        b = axl.bar(xs, ls, width, label=lab)
        axl.bar_label(b, labels=[short(v) for v in ls], fontsize=7)
    for a in (ax, axl):
        a.set_xticks(range(len(ticks)))
        a.set_xticklabels(ticks)
        a.set_yscale("log")
        a.grid(True, axis="y", alpha=0.3)
        a.legend(fontsize=8)
    ax.set_ylabel("good requests/s (%d connections)" % conns)
    axl.set_ylabel("p50 latency (ms)")
    fig.suptitle(title)
    plotmod.save(fig, os.path.join(images, name))
    done[name] = "images/" + name


def fib_table(path):
    """Server-side medians per N from the fibcheck CSV: miss, then hits."""
    import csv
    import statistics
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r.get("result") != "ok":
                continue
            kind = r.get("srv_cache_desc") or "?"
            rows.setdefault((int(r["n"]), kind), []).append(r)
    out = ["| N | cache | requests | server compute | server convert | "
           "server total | client total (through slirp) |",
           "|---:|---|---:|---:|---:|---:|---:|"]
    for (n, kind) in sorted(rows, key=lambda k: (k[0], k[1] != "miss")):
        rs = rows[(n, kind)]

        def med(key):
            vals = [float(r[key]) for r in rs if r.get(key) not in (None, "")]
            return fmt_us(statistics.median(vals)) if vals else "–"
        out.append("| %s | %s | %d | %s | %s | %s | %s |" %
                   (fmt_int(n), kind, len(rs), med("srv_compute_us"),
                    med("srv_convert_us"), med("srv_total_us"),
                    med("total_us")))
    return "\n".join(out)


def short(v):
    """A bar label: 3 significant digits, no exponent."""
    if v >= 100:
        return "%.0f" % v
    return "%.3g" % v


def write_docs(res, args):
    t = tables(res)
    imgs = plots(res, args.images, args.workdir)
    m = res["machine"]
    loads = res["loads"]
    d = args.duration

    def img(name, alt):
        return "![%s](%s)\n" % (alt, imgs[name]) if name in imgs else ""

    machine = "\n".join([
        "| | |", "|---|---|",
        "| host CPU | %s, %d CPUs (`nproc`), shared with other builds |"
        % (m["host_cpu"], m["host_nproc"]),
        "| host kernel | %s |" % m["host_kernel"],
        "| emulator | %s, accel **%s** |" % (m["qemu"], m["accel"]),
        "| guest | Debian kernel %s, %d vCPUs (`%s`), %s MiB |"
        % (m["guest_kernel"], m["guest_nproc"], m["guest_cpu"],
           fmt_int(m["guest_mem_kb"] / 1024)),
        "| nginx | %s (Debian nginx-light), %d workers |"
        % (m["nginx"].replace("nginx version: ", ""), m["guest_nproc"]),
        "| run | %s, `make bench`, %s s per htstress run |" % (m["date"], d),
    ])
    gen = {
        "machine": machine,
        "loads": "\n".join("- %s: `%s`" % (k, v) for k, v in loads.items()),
        "throughput": t["throughput"] + "\n\n" +
        img("bench-throughput.png", "throughput vs connections"),
        "hitmiss": t["hitmiss"] + "\n\n" +
        img("bench-hitmiss.png", "cache hit vs miss"),
        "zerocopy": t["zerocopy"],
        "idle": t["idle"],
        "static": t["static"] + "\n\n" +
        img("bench-static.png", "static files, khttpd vs nginx"),
        "fibcheck": "`%s`\n\n" % re.sub(
            r"127\.0\.0\.1:\d+", "127.0.0.1:PORT",
            res.get("fibcheck_cmd", "")) +
        (fib_table(res["fibcheck_csv"]) + "\n\n"
         if os.path.exists(res.get("fibcheck_csv") or "") else "") +
        img("bench-latency.png", "latency vs N") +
        img("bench-breakdown.png", "server-side breakdown") +
        img("bench-fibcheck-hitmiss.png", "fibcheck miss vs hit"),
        "observations": "\n".join("- " + s for s in observations(res)),
        "bignum": res.get("bignum", "(not run)"),
    }
    for name, text in gen.items():
        replace_block(args.perf_doc, name, text, "# Performance\n")
    cache_gen = {
        "cache-hitmiss": "Measured with `make bench` (%s, TCG guest; see "
        "[performance.md](performance.md)); khttpd loaded with `%s`.\n\n"
        % (m["date"], loads.get("cache", "")) + t["hitmiss"] + "\n\n" +
        img("bench-hitmiss.png", "cache hit vs miss"),
        "cache-zerocopy": "khttpd loaded with `%s`; the parameter switched at "
        "run time between the two runs.\n\n" % loads.get("main", "") +
        t["zerocopy"],
    }
    for name, text in cache_gen.items():
        replace_block(args.cache_doc, name, text, "# The response cache\n")
    log("wrote %s, %s" % (args.perf_doc, args.cache_doc))


def bignum_table(args):
    """`make bench-bignum`'s output if the target works, natively."""
    if not args.bignum:
        return None
    try:
        r = subprocess.run(["make", "--no-print-directory", "-C", ROOT,
                            "bench-bignum"], capture_output=True, text=True,
                           timeout=900)
    except subprocess.TimeoutExpired:
        return "`make bench-bignum` did not finish within 15 minutes."
    if r.returncode != 0:
        return ("`make bench-bignum` failed here (exit %d); see "
                "Documentation/bignum.md when it works:\n\n```\n%s\n```"
                % (r.returncode, r.stderr.strip()[-1500:]))
    out = "\n".join(line for line in r.stdout.splitlines()
                    if not line.startswith(("make", "nice ", "cc ", "gcc ")))
    return "`make bench-bignum` (native, not in the guest):\n\n```\n%s\n```" \
        % out.strip()


# ---- main -------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default=None, help="the guest's vmlinuz")
    ap.add_argument("--kmods", default=None, help="unpacked guest kernel")
    ap.add_argument("--kver", default=None)
    ap.add_argument("--ko", default=None, help="khttpd.ko for the guest")
    ap.add_argument("--htstress", default=None)
    ap.add_argument("--idleconns", default=None)
    ap.add_argument("--nginx", default="/usr/sbin/nginx")
    ap.add_argument("--workdir", default="build/bench")
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", type=int, default=2048)
    ap.add_argument("--duration", type=int, default=8,
                    help="seconds per htstress run")
    ap.add_argument("--idle-conns", type=int, default=IDLE_CONNS)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--sections", default=",".join(SECTIONS),
                    help="run only these (comma-separated: %(default)s);"
                    " a subset writes results-partial.json and no docs")
    ap.add_argument("--bignum", action="store_true",
                    help="also run `make bench-bignum` (native)")
    ap.add_argument("--perf-doc", default=os.path.join(
        ROOT, "Documentation/performance.md"))
    ap.add_argument("--cache-doc", default=os.path.join(
        ROOT, "Documentation/cache.md"))
    ap.add_argument("--images", default=os.path.join(
        ROOT, "Documentation/images"))
    ap.add_argument("--from-results", metavar="JSON",
                    help="only write the documentation from a results.json")
    args = ap.parse_args()
    sections = args.sections.split(",")
    partial = set(sections) != set(SECTIONS)
    if not set(sections) <= set(SECTIONS):
        ap.error("--sections: unknown %s" % (set(sections) - set(SECTIONS)))
    os.makedirs(args.workdir, exist_ok=True)
    t0 = time.monotonic()
    if args.from_results:
        with open(args.from_results) as f:
            res = json.load(f)
        if args.bignum and not res.get("bignum"):
            res["bignum"] = bignum_table(args)
            with open(args.from_results, "w") as f:
                json.dump(res, f, indent=1)
        os.makedirs(args.images, exist_ok=True)
        write_docs(res, args)
        return 0

    initrd = os.path.join(args.workdir, "initramfs.gz")
    build_initramfs(args, initrd)
    for attempt in (1, 2):
        host_port = vm.free_port()
        g = vm.Guest(args.kernel, initrd, os.path.join(args.workdir, "guest"),
                     mem=args.mem, smp=args.smp, accel=args.accel,
                     forwards=[(host_port, KPORT)])
        try:
            g.start()
            break
        except Exception as e:  # GuestError, or garbage on the channel
            g.kill()
            log("boot attempt %d failed: %r" % (attempt, e))
            if attempt == 2:
                print("not ok guest boot\n# bench%s: pass=0 fail=1"
                      % ("-smoke" if args.smoke else ""))
                return 1
    log("guest booted in %.0fs (%s)" % (time.monotonic() - t0, g.accel))
    b = Bench(args, g, host_port)
    failed = False
    try:
        if args.smoke:
            smoke(b)
        else:
            full(b, sections)
    except (vm.GuestError, OSError, ValueError, KeyError) as e:
        b.check("bench ran to the end", False, str(e))
        failed = True
    if b.loaded and g.proc.poll() is None:
        rc, out = g.rmmod()
        b.check("final rmmod", rc == 0, out.strip())
    splats = g.stop()
    b.check("guest dmesg free of splats (%s)" % g.dmesg_log, not splats,
            "; ".join(splats[:5]))
    b.res["checks"] = b.checks
    b.res["elapsed_s"] = time.monotonic() - t0
    results = "results-partial.json" if partial else "results.json"
    with open(os.path.join(args.workdir, results), "w") as f:
        json.dump(b.res, f, indent=1)
    npass = sum(1 for _, ok, _ in b.checks if ok)
    nfail = len(b.checks) - npass
    if partial and not args.smoke:
        for name, text in tables(b.res).items():
            if text.count("\n") > 1:
                print(text)
    elif not args.smoke and not failed:
        if args.bignum:
            b.res["bignum"] = bignum_table(args)
            with open(os.path.join(args.workdir, "results.json"), "w") as f:
                json.dump(b.res, f, indent=1)
        os.makedirs(args.images, exist_ok=True)
        write_docs(b.res, args)
    log("done in %.0fs" % (time.monotonic() - t0))
    print("# bench%s: pass=%d fail=%d" % ("-smoke" if args.smoke else "",
                                         npass, nfail))
    return 1 if nfail else 0


def full(b, sections):
    """The @sections, in this order, each with the khttpd load it needs;
    nginx starts after the first load (it serves khttpd's bodies)."""
    loads = {"idle": "max_connections=%d header_timeout_ms=600000 "
             "idle_timeout_ms=600000" % (2 * b.args.idle_conns),
             "main": "", "cache": "cache_mb=%d" % MISS_CACHE_MB,
             "static": "docroot=%s idle_timeout_ms=%d" % (WWW,
                                                          STATIC_IDLE_MS)}
    plan = [("idle", "idle", lambda: b.idle(b.args.idle_conns, hold=10)),
            ("throughput", "main", b.throughput),
            ("zerocopy", "main", b.zerocopy),
            ("fibcheck", "main", b.fibcheck),
            ("hitmiss", "cache", b.hitmiss),
            ("static", "static", b.static)]
    b.machine()
    b.sh("mkdir -p %s" % WWW)       # docroot= must exist at insmod
    for section, load, run in plan:
        if section not in sections:
            continue
        if b.loaded != load:
            b.load(load, loads[load])
        if "body_bytes" not in b.res:
            b.start_nginx()
        run()


def smoke(b):
    """About a minute: each step is an assertion."""
    b.machine()
    b.sh("mkdir -p %s" % WWW)
    b.load("main", "max_connections=2000 idle_timeout_ms=60000 docroot="
           + WWW)
    b.start_nginx()
    fs, name, _ = STATIC_FILES[2]
    b.static_files([STATIC_FILES[2]])
    r = b.ht("smoke-static", KPORT, "/%s/%s" % (fs, name), 4, duration=2,
             status=200)
    b.check("htstress: /%s/%s from khttpd, only 200s" % (fs, name),
            r["good"] > 0 and r["bad"] + r["errors"] + r["timeouts"] == 0,
            "good %d bad %d errors %d timeouts %d" %
            (r["good"], r["bad"], r["errors"], r["timeouts"]))
    for srv, port in (("khttpd", KPORT), ("nginx", NPORT)):
        r = b.ht("smoke-%s" % srv, port, "/fib/1000", 16, duration=3)
        b.check("htstress against %s: good > 0, 0 bad/errors/timeouts" % srv,
                r["good"] > 0 and r["bad"] + r["errors"] + r["timeouts"] == 0,
                "good %d bad %d errors %d timeouts %d" %
                (r["good"], r["bad"], r["errors"], r["timeouts"]))
    r = b.ht_khttpd("smoke-hit", "/fib/1000", conns=4, duration=2)
    b.check("hit run: cache hits grew by about the requests",
            r["cache_delta"]["hits"] >= r["good"] > 0,
            str(r["cache_delta"]))
    b.param("cache_flush", 1)
    r = b.ht_khttpd("smoke-miss", "/fib/{rand:20000:2000000}", conns=4,
                    duration=3, timeout=60)
    b.check("miss run: misses > 0 and computations started, no errors",
            r["cache_delta"]["misses"] > 0 and r["jobs_started"] > 0 and
            r["bad"] + r["errors"] + r["timeouts"] == 0,
            "%s jobs %d" % (r["cache_delta"], r["jobs_started"]))
    b.sh("wget -q -O /dev/null http://127.0.0.1:%d/fib/1000000" % KPORT,
         timeout=300)
    for zc in (0, 1):
        b.param("zerocopy", zc)
        r = b.ht_khttpd("smoke-zc%d" % zc, "/fib/1000000", conns=2,
                        duration=2)
        b.check("zerocopy=%d: 209 KB bodies, 0 bad/errors" % zc,
                r["good"] > 0 and r["bad"] + r["errors"] == 0 and
                r["cache_delta"]["hits"] > 0,
                "good %d bytes %d" % (r["good"], r["bytes"]))
    b.idle_one("khttpd", "-p %d -r /fib/10" % KPORT, 500, 2)
    b.idle_one("nginx", "-p %d -r /fib/10" % NPORT, 500, 2)


if __name__ == "__main__":
    sys.exit(main())
