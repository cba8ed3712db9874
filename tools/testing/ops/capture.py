#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""capture - run what Documentation/operations.md shows, print its output.

Run by hand (not by any make target).  It builds an initramfs of its own
(BUILD/ops-capture/initramfs.gz: the test guest's plus khttpd.ko, and
trace-cmd, perf and bpftrace with every shared library they load, copied
from this machine: tools/vm/deps.sh trace), boots the guest once, loads
khttpd, and for each section runs a guest command while the host sends
requests with curl through the forwarded port.  Each command is printed
as "$ COMMAND" followed by its output, so that the document can show
real output; nothing here is an assertion, and it is not part of
`make check`: its initramfs is 80 MB compressed, and a run takes 5 to 15
minutes under TCG on a loaded 2-core host.

The prometheus section starts a Prometheus server on the host (as
tests_ops.py does) and prints the answers of the document's queries.

Usage: capture.py --kernel VMLINUZ --kmods DIR --kver KVER --ko KO
                  [--workdir DIR] [--accel A] [--sections a,b,...]
"""
import argparse
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "vm"))

import guest as vm  # noqa: E402

TOOLS = ["/usr/bin/trace-cmd", "/usr/bin/perf", "/usr/bin/bpftrace"]
PLUGINS = "/usr/lib/x86_64-linux-gnu/traceevent/plugins"
SECTIONS = ["metrics", "tracefs", "trace-cmd", "perf", "bpftrace", "params",
            "prometheus"]
GPORT = 8081
T = "/sys/kernel/tracing"


def ldd_deps(binary):
    out = subprocess.run(["ldd", binary], check=True, capture_output=True,
                         text=True).stdout
    return [m.group(1) for m in re.finditer(r"(/\S+)\s+\(0x", out)]


def build_initramfs(args, out):
    files = {args.ko: "/khttpd.ko"}
    for tool in TOOLS:
        files[tool] = tool
        for lib in ldd_deps(tool):
            files[lib] = lib
    for plugin in glob.glob(PLUGINS + "/*.so"):
        files[plugin] = plugin
    inputs = list(files) + [os.path.join(ROOT, "tools/vm/init")]
    if os.path.exists(out) and all(os.path.getmtime(f) <= os.path.getmtime(out)
                                   for f in inputs):
        return
    cmd = [sys.executable, os.path.join(ROOT, "tools/vm/initramfs.py"),
           "-o", out, "--kmods", args.kmods, "--kver", args.kver,
           "--init", os.path.join(ROOT, "tools/vm/init")]
    for src, dest in files.items():
        cmd += ["--file", "%s:%s" % (src, dest)]
    subprocess.run(cmd, check=True)


class Shell:
    """The guest's agent, with the tools' /usr/bin in PATH."""

    def __init__(self, g):
        self.g = g

    def run(self, cmd, timeout=120, check=False):
        return self.g.run("PATH=/usr/sbin:/usr/bin:/sbin:/bin; export PATH; "
                          + cmd, timeout=timeout, check=check)


class Capture:
    def __init__(self, g, port):
        self.g = Shell(g)
        self.port = port
        self.round = 0

    def show(self, cmd, out):
        print("$ " + cmd)
        print(out.rstrip("\n"))
        print(flush=True)

    def sh(self, cmd, timeout=120, show=True):
        """Run @cmd in the guest; print it and its output."""
        rc, out = self.g.run(cmd, timeout=timeout)
        if show:
            self.show(cmd, out + ("" if rc == 0 else "[exit %d]\n" % rc))
        return out

    def curl(self, *paths, show=True):
        """Requests from the host, one curl each, printed."""
        for p in paths:
            argv = ["curl", "-s", "-o", "/dev/null", "-w",
                    "%{http_code} %{size_download}\\n",
                    "http://127.0.0.1:%d%s" % (self.port, p)]
            out = subprocess.run(argv, capture_output=True, text=True,
                                 timeout=120).stdout
            if show:
                self.show("curl -s -o /dev/null -w '%%{http_code} "
                          "%%{size_download}\\n' http://127.0.0.1:%d%s"
                          % (GPORT, p), out)

    def traffic(self):
        """A miss computed in the handler, a miss computed as a job, its
        hit, a 404, /healthz; N new each time, so that each misses."""
        self.round += 1
        small, big = 100 + self.round, 30000 + self.round
        self.curl("/fib/%d" % small, "/fib/%d" % big, "/fib/%d" % big,
                  "/nope", "/healthz")

    def background(self, name, cmd, ready, timeout=600):
        """Start @cmd in the guest, wait until the shell condition @ready
        holds (the tool is attached)."""
        print("$ %s &" % cmd)
        self.g.run("(cd /tmp && exec %s) >/tmp/%s.out 2>&1 & "
                   "echo $! >/tmp/%s.pid" % (cmd, name, name))
        t = time.monotonic()
        while time.monotonic() - t < timeout:
            rc, _ = self.g.run("kill -0 $(cat /tmp/%s.pid) || exit 99; %s"
                               % (name, ready))
            if rc == 99:
                print(self.g.run("cat /tmp/%s.out" % name)[1])
                raise vm.GuestError("%s exited" % name)
            if rc == 0:
                print("# attached after %.0f s (TCG)" % (time.monotonic() - t))
                return
            time.sleep(1)
        raise vm.GuestError("%s not ready after %d s" % (name, timeout))

    def interrupt(self, name, timeout=120):
        """SIGINT @name as Ctrl-C would, wait for it, print its output; if
        it is still there after @timeout s, say in what state, kill it."""
        # Until it is gone or a zombie: orphans are PID 1's, which reaps
        # them only now and then (tools/vm/init).
        _, left = self.g.run(
            "p=$(cat /tmp/{0}.pid); kill -INT $p; i=0; "
            "while [ $i -lt {1} ] && [ -e /proc/$p ] && "
            "! grep -q '^State:.*zombie' /proc/$p/status; "
            "do sleep 0.2; i=$((i + 1)); done; "
            "if [ -e /proc/$p ] && ! grep -q '^State:.*zombie' "
            "/proc/$p/status; then grep -E '^(State|Sig)' /proc/$p/status; "
            "for t in /proc/$p/task/*; do echo \"$t $(cat $t/comm) "
            "$(cat $t/wchan)\"; cat $t/stack; done; kill -KILL $p; fi"
            .format(name, timeout * 5), timeout=timeout * 3)
        print("^C")
        print(self.g.run("cat /tmp/%s.out" % name)[1].rstrip("\n"))
        if left.strip():
            print("# still running %d s after SIGINT, killed:\n%s"
                  % (timeout, left.rstrip("\n")))
        print(flush=True)

    def attached_perf(self, name):
        return ("ls -l /proc/$(cat /tmp/%s.pid)/fd 2>/dev/null | "
                "grep -q perf_event" % name)

    def attached_bpftrace(self, name):
        # "Attaching 1 probe..." is printed before the probe is attached:
        # the tracepoint's perf event is open once it is.
        return "grep -q Attaching /tmp/%s.out && %s" % (
            name, self.attached_perf(name))

    def host(self, pipeline):
        """A host shell pipeline against the forwarded port, printed with
        the guest's port (what an operator on the guest would type)."""
        real = pipeline.replace("127.0.0.1:%d" % GPORT,
                                "127.0.0.1:%d" % self.port)
        p = subprocess.run(["bash", "-c", real], capture_output=True,
                           text=True, timeout=120)
        self.show(pipeline, p.stdout + p.stderr)

    # ---- sections ----------------------------------------------------------

    def metrics(self):
        self.traffic()
        self.host("curl -si http://127.0.0.1:%d/metrics | head -n 14" % GPORT)
        self.host("curl -s http://127.0.0.1:%d/metrics | grep -v '^#' | "
                  "grep -v _bucket" % GPORT)
        self.host("curl -s http://127.0.0.1:%d/metrics | "
                  "grep response_seconds_bucket" % GPORT)
        self.host("curl -s http://127.0.0.1:%d/metrics | "
                  "promtool check metrics; echo \"exit $?\"" % GPORT)

    def tracefs(self):
        self.sh("ls %s/events/khttpd" % T)
        self.sh("cat %s/events/khttpd/khttpd_request/format" % T)
        self.sh("cd %s && echo 1 > events/khttpd/enable" % T)
        self.traffic()
        self.sh("cat %s/trace" % T)
        self.sh("cd %s && echo 0 > events/khttpd/enable && echo > trace" % T)
        # a filter and a histogram trigger, tracefs alone
        ev = "events/khttpd/khttpd_request"
        self.sh("cd %s && echo 'status >= 400' > %s/filter && "
                "echo 1 > %s/enable" % (T, ev, ev))
        self.curl("/fib/10", "/nope", "/fib/abc")
        self.sh("cat %s/trace_pipe & sleep 2; kill $!" % T)
        self.sh("cd %s && echo 0 > %s/enable && echo 0 > %s/filter && "
                "echo > trace" % (T, ev, ev))
        self.sh("cd %s && echo 'hist:keys=status,cache:vals=hitcount,bytes,"
                "total_us:sort=status' > %s/trigger" % (T, ev))
        self.curl("/fib/10", "/fib/10", "/fib/20000", "/fib/20000",
                  "/fib/20000", "/nope", show=False)
        print("# (curl: /fib/10 twice, /fib/20000 three times, /nope)")
        self.sh("cat %s/%s/hist" % (T, ev))
        self.sh("cd %s && echo '!hist:keys=status,cache:vals=hitcount,bytes,"
                "total_us:sort=status' > %s/trigger" % (T, ev))

    def trace_cmd(self):
        self.sh("trace-cmd --help 2>&1 | head -3 || true")
        self.background("tc", "trace-cmd record -e khttpd",
                        "[ $(cat %s/events/khttpd/enable) = 1 ]" % T)
        self.traffic()
        self.interrupt("tc")
        self.sh("cd /tmp && trace-cmd report", timeout=300)

    def perf(self):
        self.sh("perf --version; uname -r")
        self.sh("perf list 'khttpd:*' 2>&1", timeout=300)
        self.background("pt", "perf trace -e 'khttpd:*'",
                        self.attached_perf("pt"))
        self.traffic()
        self.interrupt("pt")
        self.background("ps", "perf stat -e 'khttpd:*' -a",
                        self.attached_perf("ps"))
        self.traffic()
        self.interrupt("ps")

    def bpftrace(self):
        self.sh("bpftrace --version; ls -l /sys/kernel/btf/vmlinux")
        self.background(
            "bt", "bpftrace -e 'tracepoint:khttpd:khttpd_request "
            "{ @us = hist(args->total_us); }'",
            self.attached_bpftrace("bt"), timeout=1800)
        self.curl("/fib/10", "/fib/1000", "/fib/25000", "/fib/25001",
                  "/fib/25001", "/nope", show=False)
        print("# (curl: /fib/10, /fib/1000, /fib/25000, /fib/25001 twice, "
              "/nope)")
        self.interrupt("bt")
        self.background(
            "bt2", "bpftrace -e 'tracepoint:khttpd:khttpd_conn "
            "/!args->open/ { @closed[args->reason] = count(); }'",
            self.attached_bpftrace("bt2"), timeout=1800)
        self.curl("/fib/10", "/healthz", show=False)
        print("# (curl: /fib/10, /healthz)")
        self.interrupt("bt2")

    def params(self):
        P = "/sys/module/khttpd/parameters"
        self.curl("/fib/1000", "/fib/1000", show=False)
        self.sh("cat %s/cache_stats" % P)
        self.sh("echo 1 > %s/cache_flush; cat %s/cache_stats" % (P, P))
        self.curl("/healthz")
        # an idle kept-alive client, as a load balancer's pool keeps them
        idle = socket.create_connection(("127.0.0.1", self.port), 10)
        idle.sendall(b"GET /fib/10 HTTP/1.1\r\nHost: lb\r\n\r\n")
        idle.recv(4096)
        print("# (a kept-alive connection from the host, idle)")
        self.host("curl -s http://127.0.0.1:%d/metrics | grep -E "
                  "'^khttpd_connections_open|reason=\"drain\"'" % GPORT)
        self.sh("echo 1 > %s/drain; cat %s/drain" % (P, P))
        idle.settimeout(10)
        print("# the idle connection: %s" %
              ("closed by khttpd" if idle.recv(1) == b"" else "still open"))
        idle.close()
        self.host("curl -s http://127.0.0.1:%d/metrics | grep -E "
                  "'^khttpd_connections_open|reason=\"drain\"'" % GPORT)
        out = subprocess.run(["curl", "-si", "http://127.0.0.1:%d/healthz"
                              % self.port], capture_output=True,
                             text=True).stdout
        self.show("curl -si http://127.0.0.1:%d/healthz" % GPORT, out)
        out = subprocess.run(["curl", "-si", "http://127.0.0.1:%d/fib/10"
                              % self.port], capture_output=True,
                             text=True).stdout
        self.show("curl -si http://127.0.0.1:%d/fib/10" % GPORT, out)
        self.sh("echo 0 > %s/drain" % P)
        out = subprocess.run(["curl", "-s", "http://127.0.0.1:%d/stats"
                              % self.port], capture_output=True,
                             text=True).stdout
        self.show("curl -s http://127.0.0.1:%d/stats" % GPORT, out)

    def prometheus(self):
        tmp = tempfile.mkdtemp(prefix="khttpd-prom-capture.")
        port = vm.free_port()
        base = "http://127.0.0.1:%d" % port
        conf = os.path.join(tmp, "prometheus.yml")
        with open(conf, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: khttpd\n"
                    "    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % self.port)
        log = open(os.path.join(tmp, "log"), "w")
        proc = subprocess.Popen(
            ["prometheus", "--config.file=" + conf,
             "--storage.tsdb.path=" + tmp + "/data",
             "--web.listen-address=127.0.0.1:%d" % port],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        try:
            time.sleep(5)
            t = time.monotonic()
            n = 0
            burst = None
            while time.monotonic() - t < 40:
                self.curl("/fib/%d" % (1000 + n % 50), "/fib/%d" % (n % 30),
                          "/nope" if n % 10 == 0 else "/fib/10", show=False)
                n += 1
                if burst is None and time.monotonic() - t > 15:
                    # more computations at once than max_compute runs
                    url = "http://127.0.0.1:%d/fib/%%d" % self.port
                    burst = [subprocess.Popen(["curl", "-s", "-o", "/dev/null",
                                               url % (300000 + i)])
                             for i in range(8)]
            for p in burst or []:
                p.wait()
            print("# (curl: %d rounds of /fib/N misses, hits and 404s over "
                  "40 s, and 8 parallel /fib/300000.. after 15 s; "
                  "Prometheus scraping every 1 s)" % n)
            env = dict(os.environ)
            for k in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
                env.pop(k, None)
            q = "sum(khttpd_requests_total)"
            argv = ["curl", "-s", base + "/api/v1/query",
                    "--data-urlencode", "query=" + q]
            self.show(" ".join(shlex.quote(a) for a in argv),
                      subprocess.run(argv, capture_output=True, text=True,
                                     env=env).stdout)
            for q in QUERIES:
                argv = ["promtool", "query", "instant", base, q]
                p = subprocess.run(argv, capture_output=True, text=True,
                                   env=env)
                self.show(" ".join(shlex.quote(a) for a in argv),
                          p.stdout + p.stderr)
        finally:
            proc.send_signal(signal.SIGTERM)
            print("# prometheus exited %d" % proc.wait(timeout=30))
            log.close()
            shutil.rmtree(tmp, ignore_errors=True)


QUERIES = [
    "sum by (route) (rate(khttpd_requests_total[1m]))",
    'sum(rate(khttpd_responses_total{code="5xx"}[1m])) / '
    "sum(rate(khttpd_responses_total[1m]))",
    'sum(rate(khttpd_responses_total{code="4xx"}[1m])) / '
    "sum(rate(khttpd_responses_total[1m]))",
    "histogram_quantile(0.99, sum by (le) "
    "(rate(khttpd_response_seconds_bucket[1m])))",
    "histogram_quantile(0.5, sum by (le) "
    "(rate(khttpd_computation_seconds_bucket[1m])))",
    "sum(rate(khttpd_cache_hits_total[1m])) / "
    "(sum(rate(khttpd_cache_hits_total[1m])) + "
    "sum(rate(khttpd_cache_misses_total[1m])))",
    "max_over_time(khttpd_computations_queued[1m])",
    'sum by (reason) (increase(khttpd_connections_closed_total[1m]))',
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--kmods", required=True)
    ap.add_argument("--kver", required=True)
    ap.add_argument("--ko", required=True)
    ap.add_argument("--workdir", default="build/ops-capture")
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--mem", type=int, default=3072)
    ap.add_argument("--sections", default=",".join(SECTIONS))
    args = ap.parse_args()
    sections = args.sections.split(",")
    if not set(sections) <= set(SECTIONS):
        ap.error("unknown sections %s" % (set(sections) - set(SECTIONS)))
    for tool in TOOLS:
        if not os.path.exists(tool):
            ap.error("%s missing: tools/vm/deps.sh trace" % tool)
    os.makedirs(args.workdir, exist_ok=True)
    initrd = os.path.join(args.workdir, "initramfs.gz")
    build_initramfs(args, initrd)
    port = vm.free_port()
    g = vm.Guest(args.kernel, initrd, os.path.join(args.workdir, "guest"),
                 mem=args.mem, accel=args.accel, forwards=[(port, GPORT)])
    t0 = time.monotonic()
    g.start(timeout=600)
    print("# guest booted in %.0f s (%s)" % (time.monotonic() - t0, g.accel),
          flush=True)
    c = Capture(g, port)
    try:
        g.run("mount -t tracefs nodev %s" % T, check=True)
        c.sh("insmod /khttpd.ko port=%d" % GPORT)
        vm.wait_http(port)
        for s in sections:
            print("## %s" % s, flush=True)
            try:
                getattr(c, s.replace("-", "_"))()
            except (vm.GuestError, OSError, subprocess.SubprocessError) as e:
                print("# %s failed: %s" % (s, e), flush=True)
        c.sh("rmmod khttpd")
    finally:
        splats = g.stop()
    print("# splats: %s" % (splats or "none"))
    return 1 if splats else 0


if __name__ == "__main__":
    sys.exit(main())
