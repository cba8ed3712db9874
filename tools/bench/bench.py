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
     nginx's root, after checking that both servers send their bytes;
  8. (section insn, in a second boot under TCG with the plugin
     tools/bench/insn/insncount.c) instructions per response of khttpd,
     nginx and h2o, each wrk run between two markers, and the kernel
     profile of khttpd's keep-alive hit (tools/bench/insn/insn.py).

Then it writes build/bench/results.json, the PNGs of Documentation/images/
and the generated parts of Documentation/performance.md and
Documentation/cache.md.  Any kernel splat in the guest's dmesg fails it.

--sections static (a comma-separated subset of SECTIONS) runs only those
sections, for iteration: it prints their tables and writes
results-partial.json, but no documentation, which stays one boot's.

--smoke is the short version `make bench-smoke` runs: a few short runs,
each a real assertion, printed as "ok NAME" / "not ok NAME" and
"# bench-smoke: pass=P fail=F"; it writes no documentation.

--insn-budget is `make check-insn`: khttpd's and nginx's instructions per
keep-alive hit in a one-vCPU guest clocked by its instruction count,
against the budget of tools/bench/insn/insn.py; "# insn-budget: pass=P
fail=F".
"""
import argparse
import base64
import datetime
import gzip
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
sys.path.insert(0, os.path.join(HERE, "insn"))

import guest as vm  # noqa: E402
import insn  # noqa: E402

KPORT = 8081            # khttpd in the guest
NPORT = 8082            # nginx in the guest
HPORT = 8083            # h2o in the guest (section insn)
GBIN = "/bench"         # where the bench's binaries live in the guest
WWW = "/tmp/www"        # nginx's document root (tmpfs)
NRUN = "/tmp/nginx"     # nginx's pid, log, temp files
HRUN = "/tmp/h2o"       # h2o's pid and log
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
            "static", "insn"]

# Section insn: instructions per response, counted by the TCG plugin
# tools/bench/insn/insncount.c in a boot of its own (-accel
# tcg,thread=single, nokaslr), wrk in the guest against khttpd, nginx and
# h2o.  (key, label, path, wrk options); "khttpd_script" replaces the path
# for khttpd only.
INSN_RUNS = [
    ("ka", "keep-alive, `/fib/1000` (209 B)", "/fib/1000", {}),
    ("pipe16", "pipelined ×16, `/fib/1000`", "/fib/1000",
     {"script": "pipeline.lua"}),
    ("fib1m", "`/fib/1000000` cache hit (208,988 B)", "/fib/1000000", {}),
    ("file256k", "256 KiB docroot file (tmpfs)", "/tmpfs/256k.jpg", {}),
    ("file1k", "1 KiB docroot file (tmpfs)", "/tmpfs/1k.html", {}),
    ("miss", "miss, N = 10,000 up, each once (nginx, h2o: the file "
     "`/fib/10000`, 2,090 B)", "/fib/10000", {"khttpd_script": "miss.lua"}),
    ("close", "new connection per request (`Connection: close`), "
     "`/fib/1000`", "/fib/1000", {"header": "Connection: close"}),
]
INSN_SERVERS = [("khttpd", KPORT), ("nginx", NPORT), ("h2o", HPORT)]
INSN_CONNS = 8
INSN_PROFILE_TOP = 15
# The budget run of `make check-insn` (bench.py --insn-budget).
BUDGET_REQUESTS = 2000


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


def h2o_conf(workers):
    """h2o's configuration: the files of WWW, typed as nginx types them,
    no access log (nginx has access_log off)."""
    return "\n".join([
        "# h2o.conf of `make bench` (tools/bench/bench.py, section insn)",
        "listen:", "  host: 127.0.0.1", "  port: %d" % HPORT,
        "user: root", "num-threads: %d" % workers,
        "pid-file: %s/h2o.pid" % HRUN, "error-log: %s/error.log" % HRUN,
        "file.mime.setdefaulttype: \"text/plain; charset=utf-8\"",
        "file.mime.addtypes:",
        "  \"text/html; charset=utf-8\": .html",
        "  \"text/css; charset=utf-8\": .css",
        "  \"image/jpeg\": .jpg",
        "  \"application/octet-stream\": .bin",
        "hosts:", "  default:", "    paths:", "      /:",
        "        file.dir: %s" % WWW, ""])


def build_initramfs(args, out, insn_tools=None, workers=None):
    """The test guest's initramfs plus what the bench runs in the guest;
    @insn_tools "budget" adds the marker of insncount.so, "full" also wrk
    and h2o (section insn)."""
    files = [(args.ko, "/khttpd.ko"),
             (args.htstress, GBIN + "/htstress"),
             (args.idleconns, GBIN + "/idleconns"),
             (args.nginx, GBIN + "/nginx")]
    dynamic = [args.nginx]
    if insn_tools:
        files.append((args.insnmark, GBIN + "/insnmark"))
    if insn_tools == "full":
        files += [(args.wrk, GBIN + "/wrk"), (args.h2o, GBIN + "/h2o")]
        files += [(os.path.join(HERE, "insn", lua), GBIN + "/" + lua)
                  for lua in ("pipeline.lua", "miss.lua")]
        dynamic += [args.wrk, args.h2o]
    libs = []
    for binary in dynamic:
        libs += [lib for lib in ldd_deps(binary) if lib not in libs]
    files += [(lib, lib) for lib in libs]
    etc = os.path.join(args.workdir, "etc")
    os.makedirs(etc, exist_ok=True)
    extra = {
        "passwd": "root:x:0:0:root:/root:/bin/sh\n"
                  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
        "group": "root:x:0:\nnogroup:x:65534:\n",
    }
    with open(os.path.join(HERE, "nginx.conf.in")) as f:
        conf = f.read()
    workers = workers or args.smp
    for key, val in (("@WORKERS@", str(workers)), ("@PORT@", str(NPORT)),
                     ("@ROOT@", WWW), ("@RUN@", NRUN)):
        conf = conf.replace(key, val)
    extra["nginx.conf"] = conf
    if insn_tools == "full":
        extra["h2o.conf"] = h2o_conf(workers)
    for name, text in extra.items():
        path = os.path.join(etc, name)
        with open(path, "w") as f:
            f.write(text)
        dest = GBIN + "/" + name if name.endswith(".conf") else "/etc/" + name
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
        self.marks = None       # insn.Marks of a boot with the plugin
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

    def start_nginx(self, ns=None):
        """Fetch khttpd's bodies into nginx's root, start nginx, compare."""
        ns = sorted(ns or ({10, 1000} | {n for n, _, _ in CACHE_POINTS}))
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

    def start_h2o(self, ns):
        """Start h2o on nginx's root (start_nginx() filled it); compare."""
        self.sh("mkdir -p %s && %s/h2o -c %s/h2o.conf > %s/out.log 2>&1 &"
                % (HRUN, GBIN, GBIN, HRUN))
        for _ in range(100):
            if self.g.run("wget -q -O /dev/null http://127.0.0.1:%d/fib/%d"
                          % (HPORT, ns[0]), timeout=30)[0] == 0:
                break
            time.sleep(0.2)
        for n in ns:
            out = self.sh("wget -q -O /tmp/cmp http://127.0.0.1:%d/fib/%d"
                          " && cmp /tmp/cmp %s/fib/%d && wc -c < /tmp/cmp"
                          % (HPORT, n, WWW, n), check=False)
            self.check("h2o serves khttpd's bytes for /fib/%d" % n,
                       out.strip().isdigit(), out.strip())
        self.sh("rm -f /tmp/cmp")

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
    def static_files(self, files, servers=(("khttpd", KPORT),
                                           ("nginx", NPORT))):
        """Write @files beneath WWW; check that the servers send them."""
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
            for srv, port in servers:
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

    # -- insn: instructions per response (a boot with insncount.so)
    def insn_window(self, cmd, profile=False, timeout=600):
        """Run @cmd in the guest between two totals markers (and a profile
        window around it with @profile); (status, kernel, user, profile or
        None, output of @cmd)."""
        self.marks.read()
        mark = GBIN + "/insnmark"
        rc, out = self.g.run(
            "%s %s; %s > /tmp/insn.out 2>&1; rc=$?; %s %s; cat /tmp/insn.out;"
            " exit $rc" % (mark, "reset totals" if profile else "totals",
                           cmd, mark,
                           "totals profile" if profile else "totals"),
            timeout=timeout)
        k, u, prof = insn.window_delta(self.marks.read())
        return rc, k, u, prof, out

    def insn_wrk(self, key, srv, port, path, opts, secs, profile=False,
                 miss_first=10000, miss_stride=None):
        """One wrk run of @secs against @srv between two markers; its
        result (and the kernel block profile of the run with @profile)."""
        threads = self.args.insn_smp
        script = opts.get("script")
        if srv == "khttpd" and opts.get("khttpd_script"):
            script = opts["khttpd_script"]
        url = "http://127.0.0.1:%d%s" % (port, path)
        if script != "miss.lua":
            self.sh("wget -q -O /dev/null %s" % url, timeout=300)
        cmd = "%s/wrk -t%d -c%d -d%ds" % (GBIN, threads, INSN_CONNS, secs)
        if script:
            cmd += " -s %s/%s" % (GBIN, script)
        if opts.get("header"):
            cmd += " -H %s" % shlex.quote(opts["header"])
        cmd += " " + url
        if script == "miss.lua":
            cmd += " -- %d %d" % (miss_stride or threads, miss_first)
        s0 = self.stats() if srv == "khttpd" else None
        t0 = time.monotonic()
        # A second of the -icount guest took up to 400 s of a loaded
        # 2-core host (other guests, kernel builds): wait long, the count
        # does not depend on it.
        rc, k, u, prof, out = self.insn_window(cmd, profile,
                                               600 * secs + 600)
        host_s = time.monotonic() - t0
        name = "%s-%s" % (key, srv)
        try:
            r = insn.parse_wrk(out)
        except ValueError as e:
            self.check("insn %s: wrk ran" % name, False, str(e))
            return None, None
        n = r["responses"]
        r.update({"server": srv, "path": path, "status": rc,
                  "host_seconds": host_s,
                  "wrk": cmd.replace(GBIN + "/", ""), "kernel": k, "user": u,
                  "kernel_per": k / n if n else 0,
                  "user_per": u / n if n else 0,
                  "total_per": (k + u) / n if n else 0})
        if s0:
            s1 = self.stats()
            r["cache_delta"] = {x: s1["cache"][x] - s0["cache"][x]
                                for x in ("hits", "misses")}
        self.check("insn %s: %d responses, no socket errors, no non-2xx"
                   % (name, n), rc == 0 and n > 0 and not r["errors"] and
                   not r["non2xx"], "status %d errors %d non-2xx %d" %
                   (rc, r["errors"], r["non2xx"]))
        log("%-16s %8d responses %7.0f req/s of the host  kernel %9s  user "
            "%9s  total %9s per response%s" % (
                name, n, n / host_s,
                insn.fmt(r["kernel_per"]), insn.fmt(r["user_per"]),
                insn.fmt(r["total_per"]),
                "  cache %s" % r["cache_delta"] if s0 else ""))
        return (r if n else None), prof

    def insn_symbols(self, outdir):
        """Kernel and khttpd symbols of this boot (saved in @outdir)."""
        # gzip'ed: the agent's serial line is slow under TCG.
        packed = self.sh("gzip -c /proc/kallsyms | base64", timeout=600)
        kallsyms = gzip.decompress(base64.b64decode(packed)).decode()
        sections = self.sh("cd /sys/module/khttpd/sections && for f in "
                           ".*text*; do echo $f $(cat $f); done")
        for name, text in (("kallsyms.txt", kallsyms),
                           ("sections.txt", sections)):
            with open(os.path.join(outdir, name), "w") as f:
                f.write(text)
        return insn.Symbols(
            insn.kallsyms_text(kallsyms, "khttpd") +
            insn.module_text(self.args.ko, insn.parse_sections(sections),
                             "khttpd"))

    def insn(self, outdir):
        """Section insn: every run of INSN_RUNS against every server of
        INSN_SERVERS for the same time, each between two markers."""
        d = self.args.insn_duration
        res = self.res["insn"] = {"runs": {}, "duration_s": d,
                                  "conns": INSN_CONNS,
                                  "threads": self.args.insn_smp,
                                  "icount": self.args.insn_smp == 1}
        ns = [1000, 10000, 1000000]
        self.start_nginx(ns)
        self.start_h2o(ns)
        self.static_files([f for f in STATIC_FILES if f[0] == "tmpfs" and
                           f[1] in ("1k.html", "256k.jpg")], INSN_SERVERS)
        res["versions"] = {
            "wrk": self.sh("%s/wrk -v 2>&1" % GBIN,
                           check=False).split("Copyright")[0].strip(),
            "h2o": self.sh("%s/h2o --version" % GBIN).splitlines()[0],
            "nginx": self.sh("%s/nginx -v 2>&1" % GBIN).strip()}
        # The idle guest for as long as one run: what every run includes.
        rc, k, u, _, _ = self.insn_window("sleep %d" % d)
        res["idle"] = {"seconds": d, "kernel": k, "user": u}
        log("idle guest: %s kernel + %s user instructions in %d s" %
            (insn.fmt(k), insn.fmt(u), d))
        # The profiled runs: every server's keep-alive run, and khttpd's
        # runs named by --insn-profile: {"run-server": (blocks, n)}.
        extra = set(k for k in self.args.insn_profile.split(",") if k)
        profiles = {}
        for key, label, path, opts in INSN_RUNS:
            for srv, port in INSN_SERVERS:
                want = key == "ka" or (srv == "khttpd" and key in extra)
                r, prof = self.insn_wrk(key, srv, port, path, opts, d, want)
                if r:
                    res["runs"]["%s-%s" % (key, srv)] = r
                if r and prof:
                    profiles["%s-%s" % (key, srv)] = (prof, r["responses"])
        # What a run costs besides its responses (wrk's start and exit,
        # the connections' setup), from a run of twice the length: the
        # difference of the two over the difference of their responses
        # has none of it.
        one = res["runs"].get("ka-khttpd")
        two, _ = self.insn_wrk("ka2", "khttpd", KPORT, "/fib/1000", {}, 2 * d)
        if one and two and two["responses"] > one["responses"]:
            n = two["responses"] - one["responses"]
            per = (two["kernel"] + two["user"] - one["kernel"] -
                   one["user"]) / n
            res["fixed"] = {
                "runs": [one["wrk"], two["wrk"]], "per_response": per,
                "fixed": one["kernel"] + one["user"] - per * one["responses"]}
            log("a run's fixed cost: %s instructions (%s per response of a "
                "%d-s keep-alive run; %s per response from the difference)"
                % (insn.fmt(res["fixed"]["fixed"]),
                   insn.fmt(res["fixed"]["fixed"] / one["responses"]), d,
                   insn.fmt(per)))
        syms = self.insn_symbols(outdir) if profiles else None
        res["profiles"] = {}
        for run, (prof, n) in profiles.items():
            funcs = insn.by_function(prof, syms)
            res["profiles"][run] = {
                "run": run, "responses": n,
                "kernel_per": sum(funcs.values()) / n,
                "top": insn.profile_rows(funcs, n, INSN_PROFILE_TOP)}

    def insn_budget(self):
        """`make check-insn`: khttpd's instructions per keep-alive hit
        against the budget and against nginx, two runs each (the second
        counts)."""
        self.load("main", "")
        self.start_nginx([1000])
        res = self.res["insn_budget"] = {"requests": BUDGET_REQUESTS,
                                         "conns": INSN_CONNS, "runs": {}}
        for srv, port in (("khttpd", KPORT), ("nginx", NPORT)):
            url = "http://127.0.0.1:%d/fib/1000" % port
            self.sh("wget -q -O /dev/null %s" % url)
            cmd = "%s/htstress --json -n %d -c %d -t 1 %s" % (
                GBIN, BUDGET_REQUESTS, INSN_CONNS, url)
            res["command"] = cmd.replace(GBIN + "/", "").replace(
                str(port), "PORT")
            runs = res["runs"][srv] = []
            for i in (1, 2):
                rc, k, u, _, out = self.insn_window(cmd)
                try:
                    j = json.loads(out[out.index("{"):out.rindex("}") + 1])
                except ValueError:
                    j = {"good": 0}
                ok = rc == 0 and j["good"] == BUDGET_REQUESTS
                self.check("%s run %d: %d good keep-alive hits" %
                           (srv, i, BUDGET_REQUESTS), ok,
                           "" if ok else "status %d: %s" %
                           (rc, out.strip()[-300:]))
                n = BUDGET_REQUESTS
                runs.append({"kernel_per": k / n, "user_per": u / n,
                             "total_per": (k + u) / n})
                log("insn-budget: %s run %d: %s kernel + %s user = %s "
                    "instructions per hit" % (
                        srv, i, insn.fmt(k / n), insn.fmt(u / n),
                        insn.fmt((k + u) / n)))
        kh = res["runs"]["khttpd"][-1]["total_per"]
        ng = res["runs"]["nginx"][-1]["total_per"]
        res["khttpd"], res["nginx"] = kh, ng
        res["ratio"] = kh / ng
        res["budget"] = insn.BUDGET_KA_HIT
        res["ratio_max"] = insn.BUDGET_RATIO_NGINX
        self.check("khttpd: %s instructions per keep-alive hit <= budget %s"
                   " (tools/bench/insn/insn.py)" % (
                       insn.fmt(kh), insn.fmt(insn.BUDGET_KA_HIT)),
                   kh <= insn.BUDGET_KA_HIT)
        self.check("khttpd / nginx = %s / %s = %.3f <= %.2f" % (
            insn.fmt(kh), insn.fmt(ng), kh / ng, insn.BUDGET_RATIO_NGINX),
            kh / ng <= insn.BUDGET_RATIO_NGINX)


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
    if res.get("insn", {}).get("report"):
        gen["insn"] = res["insn"]["report"]
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
    ap.add_argument("--insn-plugin", help="insncount.so (section insn)")
    ap.add_argument("--insnmark", help="insnmark, static (section insn)")
    ap.add_argument("--wrk", default="/usr/bin/wrk")
    ap.add_argument("--h2o", default="/usr/bin/h2o")
    ap.add_argument("--insn-duration", type=int, default=1,
                    help="seconds per wrk run of section insn (of the "
                    "guest's clock: instructions with --insn-smp 1)")
    ap.add_argument("--insn-profile", default="",
                    help="section insn: khttpd's runs to profile besides "
                    "the keep-alive hit, comma-separated keys "
                    "(pipe16,fib1m,file256k,file1k,miss,close)")
    ap.add_argument("--insn-smp", type=int, default=1,
                    help="vCPUs of section insn's guest; 1 runs with "
                    "-icount shift=0 (QEMU 7.2 hangs bringing up a second "
                    "vCPU with -icount), more without it")
    ap.add_argument("--insn-budget", action="store_true",
                    help="only the budget of `make check-insn`")
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

    if args.insn_budget:
        return insn_budget_main(args, t0)
    res = {"runs": {}, "idle": {}, "stats": {}, "loads": {}}
    checks, failed = [], False
    main_sections = [s for s in sections if s != "insn"]
    if main_sections or args.smoke:
        initrd = os.path.join(args.workdir, "initramfs.gz")
        build_initramfs(args, initrd)
        b, failed = session(args, initrd, args.workdir,
                            (lambda b: smoke(b)) if args.smoke else
                            (lambda b: full(b, main_sections)))
        res, checks = b.res, b.checks
    if "insn" in sections and not args.smoke:
        b, f = insn_session(args)
        failed = failed or f
        checks += b.checks
        if b.res.get("insn", {}).get("runs"):
            res["insn"] = b.res["insn"]
            res["insn"]["machine"] = b.res.get("machine")
            res["insn"]["loads"] = b.res["loads"]
            res["insn"]["report"] = insn_report(res["insn"])
            for name, data in (("insn.json", json.dumps(res["insn"],
                                                        indent=1)),
                               ("insn.md", res["insn"]["report"] + "\n")):
                with open(os.path.join(args.workdir, name), "w") as f:
                    f.write(data)
    res["checks"] = checks
    res["elapsed_s"] = time.monotonic() - t0
    results = "results-partial.json" if partial else "results.json"
    with open(os.path.join(args.workdir, results), "w") as f:
        json.dump(res, f, indent=1)
    npass = sum(1 for _, ok, _ in checks if ok)
    nfail = len(checks) - npass
    if partial and not args.smoke:
        for name, text in tables(res).items():
            if text.count("\n") > 1:
                print(text)
        if res.get("insn"):
            print(res["insn"]["report"])
    elif not args.smoke and not failed:
        if args.bignum:
            res["bignum"] = bignum_table(args)
            with open(os.path.join(args.workdir, "results.json"), "w") as f:
                json.dump(res, f, indent=1)
        os.makedirs(args.images, exist_ok=True)
        write_docs(res, args)
    log("done in %.0fs" % (time.monotonic() - t0))
    print("# bench%s: pass=%d fail=%d" % ("-smoke" if args.smoke else "",
                                         npass, nfail))
    return 1 if nfail else 0


def session(args, initrd, workdir, run, smp=None, accel=None, append="",
            qemu_args=()):
    """Boot a guest (a second try if the first fails), run @run(Bench),
    unload khttpd, stop the guest and check its dmesg; (Bench, whether
    run() failed).  Every step is a check of the Bench."""
    t0 = time.monotonic()
    for attempt in (1, 2):
        host_port = vm.free_port()
        g = vm.Guest(args.kernel, initrd, os.path.join(workdir, "guest"),
                     mem=args.mem, smp=smp or args.smp,
                     accel=accel or args.accel,
                     forwards=[(host_port, KPORT)], append=append,
                     qemu_args=qemu_args)
        try:
            g.start()
            break
        except Exception as e:  # GuestError, or garbage on the channel
            g.kill()
            log("boot attempt %d failed: %r" % (attempt, e))
            if attempt == 2:
                b = Bench(args, g, host_port)
                b.check("guest boot", False, repr(e))
                return b, True
    log("guest booted in %.0fs (%s)" % (time.monotonic() - t0, g.accel))
    b = Bench(args, g, host_port)
    failed = False
    try:
        run(b)
    except (vm.GuestError, OSError, ValueError, KeyError,
            subprocess.CalledProcessError) as e:
        b.check("bench ran to the end", False, str(e))
        failed = True
    if b.loaded and g.proc.poll() is None:
        rc, out = g.rmmod()
        b.check("final rmmod", rc == 0, out.strip())
    splats = g.stop()
    b.check("guest dmesg free of splats (%s)" % g.dmesg_log, not splats,
            "; ".join(splats[:5]))
    return b, failed


def insn_qemu_args(args, marks):
    """QEMU's options that load the plugin, writing to @marks (removed
    first: a QEMU still exiting keeps writing to the file it opened)."""
    if os.path.exists(marks):
        os.unlink(marks)
    return ["-plugin", "%s,out=%s" % (os.path.abspath(args.insn_plugin),
                                      os.path.abspath(marks))]


def insn_session(args):
    """Section insn, in a boot of its own with the counting plugin."""
    workdir = os.path.join(args.workdir, "insn")
    os.makedirs(workdir, exist_ok=True)
    initrd = os.path.join(workdir, "initramfs.gz")
    build_initramfs(args, initrd, insn_tools="full", workers=args.insn_smp)
    marks = os.path.join(workdir, "marks.txt")

    def run(b):
        b.marks = insn.Marks(marks)
        b.machine()
        b.sh("mkdir -p %s" % WWW)
        b.load("insn", "docroot=%s" % WWW)
        b.insn(workdir)
    log("section insn: a boot with %s (TCG, one thread, %d vCPU%s)" %
        (args.insn_plugin, args.insn_smp, "s" if args.insn_smp > 1 else
         ", -icount shift=0"))
    return session(args, initrd, workdir, run, smp=args.insn_smp,
                   accel="tcg,thread=single", append="nokaslr",
                   qemu_args=insn_qemu_args(args, marks) +
                   (["-icount", "shift=0"] if args.insn_smp == 1 else []))


def insn_budget_main(args, t0):
    """`make check-insn`: one vCPU whose clock is the instruction count
    (-icount shift=0), so the figures repeat; "# insn-budget: pass=P
    fail=F"."""
    initrd = os.path.join(args.workdir, "initramfs.gz")
    build_initramfs(args, initrd, insn_tools="budget", workers=1)
    marks = os.path.join(args.workdir, "marks.txt")

    def run(b):
        b.marks = insn.Marks(marks)
        b.insn_budget()
    b, _ = session(args, initrd, args.workdir, run, smp=1,
                   accel="tcg,thread=single", append="nokaslr",
                   qemu_args=insn_qemu_args(args, marks) +
                   ["-icount", "shift=0"])
    b.res["checks"] = b.checks
    b.res["elapsed_s"] = time.monotonic() - t0
    with open(os.path.join(args.workdir, "insn-budget.json"), "w") as f:
        json.dump(b.res, f, indent=1)
    npass = sum(1 for _, ok, _ in b.checks if ok)
    nfail = len(b.checks) - npass
    r = b.res.get("insn_budget", {})
    if "ratio" in r:
        print("insn-budget: khttpd %s instructions per keep-alive hit "
              "(budget %s), nginx %s, khttpd/nginx %.3f (at most %.2f)" %
              (insn.fmt(r["khttpd"]), insn.fmt(r["budget"]),
               insn.fmt(r["nginx"]), r["ratio"], r["ratio_max"]))
    log("done in %.0fs" % (time.monotonic() - t0))
    print("# insn-budget: pass=%d fail=%d" % (npass, nfail))
    return 1 if nfail else 0


def insn_report(ires):
    """The markdown of section insn: the table, the responses and rates,
    the kernel profile of khttpd's keep-alive hit."""
    runs = ires["runs"]
    labels = [(key, label) for key, label, _, _ in INSN_RUNS]
    servers = [s for s, _ in INSN_SERVERS]
    idle = ires["idle"]
    ka = runs.get("ka-khttpd")
    v = ires.get("versions", {})
    m = ires.get("machine") or {}
    clock = ("%d s of the guest's clock, which `-icount shift=0` makes "
             "its instruction count (10^9 a second)" % ires["duration_s"]
             if ires.get("icount") else "%d s" % ires["duration_s"])
    out = ["`make bench-insn` (section insn of `make bench`), %s: every "
           "cell one `wrk -t%d -c%d -d%ds` in the guest (%s vCPU%s, TCG, "
           "`tools/bench/insn/insncount.c`) between two markers, against "
           "khttpd (`%s`), %s and %s serving the same bytes from tmpfs; %s."
           "  Instructions per response, kernel / user / **total** (wrk's "
           "own included); each run lasts %s:"
           % (m.get("date", "?"), ires["threads"], ires["conns"],
              ires["duration_s"], m.get("guest_nproc", "?"),
              "s" if m.get("guest_nproc", 1) != 1 else "",
              ires.get("loads", {}).get("insn", "insmod khttpd.ko"),
              v.get("nginx", "nginx").replace("nginx version: ", ""),
              v.get("h2o", "h2o").replace(" version ", " "),
              v.get("wrk", "wrk"), clock), "",
           insn.table(runs, labels, servers), ""]
    notes = ["Every run includes the idle guest's background for the same "
             "time, not subtracted: %s kernel + %s user instructions in %d s"
             " with no load (%s per response of khttpd's keep-alive run)." %
             (insn.fmt(idle["kernel"]), insn.fmt(idle["user"]),
              idle["seconds"],
              insn.fmt((idle["kernel"] + idle["user"]) / ka["responses"])
              if ka else "–")]
    fixed = ires.get("fixed")
    if fixed and ka:
        notes.append(
            "Every run also includes wrk's start and exit and the setup of "
            "its connections: %s instructions, from a run of twice the "
            "length (`%s`), whose difference with the first gives %s per "
            "keep-alive hit of khttpd against %s in the table." %
            (insn.fmt(fixed["fixed"]), fixed["runs"][1],
             insn.fmt(fixed["per_response"]), insn.fmt(ka["total_per"])))
    out += [" ".join(notes), "",
            "Responses per run, and the requests/s they make in the host's "
            "time (secondary: TCG's speed on a shared host, not the "
            "servers'):", "",
            insn.rate_table(runs, labels, servers)]
    profs = ires.get("profiles", {})
    for key, label in labels:
        prof = profs.get(key + "-khttpd")
        if prof:
            out += ["", "Kernel profile of khttpd's %s (%s kernel "
                    "instructions per response; top %d functions):" %
                    ("keep-alive hit" if key == "ka" else "run " + label,
                     insn.fmt(prof["kernel_per"]), len(prof["top"])), "",
                    insn.profile_table(prof["top"])]
    return "\n".join(out)


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
