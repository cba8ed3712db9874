# SPDX-License-Identifier: GPL-2.0
"""What operators read: /metrics (Prometheus text format 0.0.4) and the
khttpd tracepoints, checked for exact values."""
import re
import socket
import time

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
