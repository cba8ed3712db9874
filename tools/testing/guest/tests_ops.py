# SPDX-License-Identifier: GPL-2.0
"""What operators read: /metrics (Prometheus text format 0.0.4) and the
khttpd tracepoints, checked for exact values; /metrics linted by promtool
and scraped by a real Prometheus server on the host (Debian's prometheus
package, tools/vm/deps.sh ops).  Documentation/operations.md is the
operator's side of these."""
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import guest as vm
from common import check, get

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def metrics(ctx):
    r = get(ctx, "/metrics")
    check(r.status == 200, "status %d" % r.status)
    check(r.header("content-type") ==
          "text/plain; version=0.0.4; charset=utf-8",
          "type %r" % r.header("content-type"))
    out = {}
    types = {}
    for line in r.body.decode().splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        check(m, "not a sample line: %r" % line)
        out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out, types


def test_metrics_counts_exactly(ctx):
    """Counters move by exactly what was asked; histograms are cumulative
    and their _count is the number of responses."""
    ctx.ensure_loaded()
    m0, types = metrics(ctx)
    for n in (10, 11, 12):
        check(get(ctx, "/fib/%d" % n).status == 200, "fib")
    check(get(ctx, "/nope").status == 404, "404")
    m1, _ = metrics(ctx)
    d = lambda k: m1[k] - m0[k]
    check(d('khttpd_requests_total{route="fib"}') == 3,
          "fib requests %r" % d('khttpd_requests_total{route="fib"}'))
    check(d('khttpd_requests_total{route="other"}') == 1, "other")
    # the first /metrics itself is counted in the second
    check(d('khttpd_requests_total{route="metrics"}') == 1, "metrics")
    check(d('khttpd_responses_total{code="2xx"}') == 4, "2xx")
    check(d('khttpd_responses_total{code="4xx"}') == 1, "4xx")
    check(types["khttpd_response_seconds"] == "histogram", "type")
    buckets = sorted((float(k.split('le="')[1].rstrip('"}'))
                      if "+Inf" not in k else float("inf"), v)
                     for k, v in m1.items()
                     if k.startswith("khttpd_response_seconds_bucket"))
    check(len(buckets) == 17, "%d buckets" % len(buckets))
    check(all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])),
          "buckets not cumulative")
    check(buckets[-1][1] == m1["khttpd_response_seconds_count"], "+Inf")
    check(d("khttpd_response_seconds_count") == 5, "count %r" %
          d("khttpd_response_seconds_count"))
    check(m1["khttpd_connections_open"] >= 1, "open")
    for k in ("khttpd_cache_entries", "khttpd_inflight_bytes",
              "khttpd_computations_running", "khttpd_computations_queued"):
        check(types[k] == "gauge", "%s is %s" % (k, types.get(k)))


TRACE = "/sys/kernel/tracing"


def trace_on(ctx):
    g = ctx.guest
    g.run("mount -t tracefs nodev %s 2>/dev/null; true" % TRACE)
    rc, out = g.run("echo 0 > %s/tracing_on; echo > %s/trace; "
                    "echo 1 > %s/events/khttpd/enable && "
                    "echo 1 > %s/tracing_on" % ((TRACE,) * 4))
    check(rc == 0, "cannot enable the khttpd events: %s" % out)


def trace_off(ctx):
    g = ctx.guest
    rc, out = g.run("echo 0 > %s/events/khttpd/enable; cat %s/trace"
                    % (TRACE, TRACE), timeout=60)
    g.run("echo > %s/trace" % TRACE)
    return out


def test_tracepoints_record_exactly(ctx):
    """The khttpd events, enabled through tracefs, record each request
    (status, bytes), each computation (N, bytes) and each connection's
    close with its reason (an idle timeout says idle)."""
    ctx.ensure_loaded()
    ctx.unload()
    ctx.load("idle_timeout_ms=500")
    try:
        trace_on(ctx)
        r = get(ctx, "/fib/30000")          # a computation: a job
        check(r.status == 200, "fib")
        body_len = len(r.body)
        head_len = len(r.raw) - body_len
        s = ctx.connect()
        s.sendall(b"GET /fib/10 HTTP/1.1\r\nHost: t\r\n\r\n")
        got = s.recv(4096)
        check(got.endswith(b"55"), "kept-alive answer")
        time.sleep(1.5)                     # idle_timeout_ms=500
        check(s.recv(1) == b"", "not closed when idle")
        s.close()
        text = trace_off(ctx)
    finally:
        ctx.unload()
        ctx.load()
    req = [l for l in text.splitlines() if "khttpd_request:" in l]
    big = [l for l in req if "/fib/30000 " in l]
    check(len(big) == 1, "request events: %r" % req)
    check(" status=200 " in big[0] and
          " bytes=%d " % (head_len + body_len) in big[0] and
          " cache=miss " in big[0], big[0])
    comp = [l for l in text.splitlines() if "khttpd_compute:" in l]
    check(any("start n=30000 base=10 bytes=0" in l for l in comp) and
          any("done n=30000 base=10 bytes=%d " % body_len in l
              for l in comp), "compute events: %r" % comp)
    closes = [l for l in text.splitlines()
              if "khttpd_conn:" in l and " close " in l]
    check(any("reason=idle requests=1" in l for l in closes),
          "close events: %r" % closes)
    cache = [l for l in text.splitlines() if "khttpd_cache:" in l]
    check(any("insert key=%#x " % (30000 << 8 | 10) in l for l in cache),
          "cache events: %r" % cache)


def test_drain_closes_idle_and_fails_healthz(ctx):
    """drain=1: /healthz answers 503, every response says Connection:
    close, an idle kept-alive connection is closed at once, and a new
    connection is still served; drain=0 restores keep-alive and 200."""
    ctx.ensure_loaded()
    param = "/sys/module/khttpd/parameters/drain"
    r = get(ctx, "/healthz")
    check(r.status == 200 and r.body == b"ok\n", "healthz %d" % r.status)
    idle = ctx.connect()
    idle.sendall(b"GET /fib/10 HTTP/1.1\r\nHost: t\r\n\r\n")
    check(idle.recv(4096).endswith(b"55"), "kept-alive answer")
    rc, out = ctx.guest.run("echo 1 > %s" % param)
    check(rc == 0, "cannot set drain: %s" % out)
    try:
        idle.settimeout(5)
        t = time.monotonic()
        check(idle.recv(1) == b"", "idle connection not closed")
        took = time.monotonic() - t
        check(took < 2, "idle connection closed after %.1fs" % took)
        r = get(ctx, "/healthz")
        check(r.status == 503, "draining healthz %d" % r.status)
        r = get(ctx, "/fib/10")
        check(r.status == 200 and r.body == b"55" and
              r.header("connection") == "close",
              "draining answer %d %r" % (r.status, r.header("connection")))
        rc, out = ctx.guest.run("cat %s" % param)
        check(out.strip() == "1", "drain reads %r" % out)
    finally:
        idle.close()
        ctx.guest.run("echo 0 > %s" % param)
    r = get(ctx, "/healthz")
    check(r.status == 200, "healthz after drain=0: %d" % r.status)
    r = get(ctx, "/fib/10")
    check(r.header("connection") is None, "still closing after drain=0")


def traffic(ctx, n=8):
    """Some of every kind: computations, cache hits, a 404, /healthz."""
    for i in range(n):
        check(get(ctx, "/fib/%d" % (20000 + i % 4)).status == 200, "fib")
    check(get(ctx, "/nope").status == 404, "404")
    check(get(ctx, "/healthz").status == 200, "healthz")


def test_metrics_pass_promtool(ctx):
    """`promtool check metrics` (Prometheus's own linter: the text format,
    the type of each family, names, units and suffixes, HELP texts) finds
    nothing to say about /metrics after traffic of every kind."""
    ctx.ensure_loaded()
    traffic(ctx)
    r = get(ctx, "/metrics")
    check(r.status == 200, "status %d" % r.status)
    p = subprocess.run(["promtool", "check", "metrics"], input=r.body,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    out = p.stdout.decode(errors="replace").strip()
    check(p.returncode == 0 and not out,
          "promtool check metrics exited %d:\n%s" % (p.returncode, out))


PROM_CONFIG = """global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: khttpd
    metrics_path: /metrics
    static_configs:
      - targets: ['127.0.0.1:%d']
"""

# Through no proxy: the API is on this machine's loopback.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def prom_query(base, expr):
    """An instant query through the HTTP API: the vector's values."""
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with _direct.open(url, timeout=10) as f:
        doc = json.load(f)
    check(doc.get("status") == "success", "query %r: %r" % (expr, doc))
    check(doc["data"]["resultType"] == "vector", "%r: %r" % (expr, doc))
    return [float(v["value"][1]) for v in doc["data"]["result"]]


def wait_for(what, fn, deadline, log):
    """Poll fn() until it returns something true; fail with the server's
    log's tail if it does not by the deadline."""
    last = None
    while time.monotonic() < deadline:
        try:
            last = fn()
            if last:
                return last
        except OSError as e:            # not listening yet, or reset
            last = e
        time.sleep(0.25)
    with open(log, errors="replace") as f:
        tail = "".join(f.readlines()[-15:])
    check(False, "%s: still %r; prometheus's log ends:\n%s" %
          (what, last, tail))


def test_prometheus_scrapes_and_queries(ctx):
    """A real Prometheus server on the host scrapes /metrics through the
    forwarded port every second; after traffic, the HTTP API answers
    sum(khttpd_requests_total) > 0 and a finite p90 from the
    khttpd_response_seconds histogram; the server stops cleanly."""
    ctx.ensure_loaded()
    tmp = tempfile.mkdtemp(prefix="khttpd-prometheus.")
    port = vm.free_port()
    base = "http://127.0.0.1:%d" % port
    conf = os.path.join(tmp, "prometheus.yml")
    log = os.path.join(tmp, "prometheus.log")
    with open(conf, "w") as f:
        f.write(PROM_CONFIG % ctx.port)
    deadline = time.monotonic() + 25 * ctx.slow
    with open(log, "w") as logf:
        proc = subprocess.Popen(
            ["prometheus", "--config.file=" + conf,
             "--storage.tsdb.path=" + os.path.join(tmp, "data"),
             "--web.listen-address=127.0.0.1:%d" % port,
             "--log.level=warn"], cwd=tmp,
            stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
    try:
        def ready():
            with _direct.open(base + "/-/ready", timeout=5) as f:
                return f.status == 200
        wait_for("not ready", ready, deadline, log)
        # One scrape in, then traffic: its increase is what rate() sees.
        wait_for("no successful scrape",
                 lambda: prom_query(base, 'up{job="khttpd"}') == [1.0],
                 deadline, log)
        fib_q = 'khttpd_requests_total{route="fib"}'
        fib0 = prom_query(base, fib_q)
        check(len(fib0) == 1, "%s: %r" % (fib_q, fib0))
        traffic(ctx)
        fib = wait_for("no scrape saw the traffic",
                       lambda: [v for v in prom_query(base, fib_q)
                                if v >= fib0[0] + 8], deadline, log)
        total = prom_query(base, "sum(khttpd_requests_total)")
        check(len(total) == 1 and total[0] >= fib[0] + 2,
              "sum(khttpd_requests_total) %r" % total)
        q = "histogram_quantile(0.9, sum by (le) " \
            "(rate(khttpd_response_seconds_bucket[30s])))"
        p90 = wait_for("no finite p90",
                       lambda: [v for v in prom_query(base, q)
                                if math.isfinite(v)], deadline, log)
        check(0 < p90[0] <= 10, "p90 %r s" % p90[0])
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = "killed after 20 s"
    with open(log, errors="replace") as f:
        text = f.read()
    shutil.rmtree(tmp, ignore_errors=True)
    check(rc == 0, "prometheus exited %r:\n%s" % (rc, text[-2000:]))
