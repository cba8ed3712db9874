# SPDX-License-Identifier: GPL-2.0
"""Streamed /fib/N: a text the cache would not keep goes to the socket as
it is converted, through a bounded window, with back-pressure
(Documentation/http.md, "Streaming").  The module is loaded with a 1 MiB
cache, so that F(N) of a few million digits is streamed."""
import json
import os
import socket
import subprocess
import time

from common import HttpConn, check, get, parse_response
from tests_fib import fib_text_len

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..",
                                    ".."))
ARGS = "cache_mb=1 send_timeout_ms=3000"
WINDOW = 256 << 10          # KHTTPD_STREAM_WINDOW (http/stream.h)
# 1,462,914 digits, 1,214,924 hex digits: over the cache's cap either way
N_EXACT = 7 * 10 ** 6
# 6,269,590 digits: more than the socket buffers between the server and
# a client that does not read take, so that the computation must wait.
N_STALL = 3 * 10 ** 7

_tools = {}


def host_tool(name, *args):
    """Run build/NAME (made first) on the host: its standard output."""
    if name not in _tools:
        subprocess.run(["make", "-s", "-C", ROOT, "build/" + name],
                       check=True, stdout=subprocess.DEVNULL)
        _tools[name] = os.path.join(ROOT, "build", name)
    return subprocess.run([_tools[name]] + [str(a) for a in args],
                          check=True, stdout=subprocess.PIPE).stdout


def gmp_text(n, base=10):
    """F(n) as GMP writes it (tools/fib/fib_gmp.c)."""
    return host_tool("fib-gmp", n, *(["-x"] if base == 16 else []))


def text_len(ctx, n):
    """The length of F(n) in decimal, from a HEAD (computes nothing)."""
    return int(get(ctx, "/fib/%d" % n, method="HEAD").header(
        "content-length"))


def stats(ctx):
    return json.loads(get(ctx, "/stats").body)


def wait_until(cond, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def stalled_client(ctx, n):
    """A client that asks for F(n) and reads nothing; its receive buffer
    is as small as the kernel allows."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10 * ctx.slow)
    s.connect(("127.0.0.1", ctx.port))
    s.sendall(b"GET /fib/%d HTTP/1.1\r\nHost: t\r\n\r\n" % n)
    return s


def read_head(s):
    """The response head from a raw socket, and the body bytes after it."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(4096)
        check(chunk, "closed before the head")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    fields = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return head.split(b"\r\n")[0], fields, rest


def timed_get(c, path, what):
    """GET @path on HttpConn @c; prints when the head, the first and the
    last body byte came."""
    t0 = time.monotonic()
    c.send(b"GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path.encode())
    head = c._take_until(b"\r\n\r\n") + b"\r\n\r\n"
    t_head = time.monotonic() - t0
    while not c.buf:
        c._fill()
    t_first = time.monotonic() - t0
    r = parse_response(head, head_only=True)
    r.body = c._take(int(r.header("content-length")))
    total = time.monotonic() - t0
    print("# %s: %d bytes, head %.2fs, first body byte %.2fs, last %.2fs; "
          "%s" % (what, len(r.body), t_head, t_first, total,
                  r.header("server-timing")))
    r.times = (t_head, t_first, total)
    return r


def test_stream_body_matches_gmp(ctx):
    """Decimal and hex, byte for byte against GMP, Content-Length exact;
    the connection is kept alive after it; nothing is cached."""
    ctx.ensure_loaded(ARGS)
    get(ctx, "/fib/10")         # the keep-alive check's, cached now
    before = stats(ctx)
    for base in (10, 16):
        want = gmp_text(N_EXACT, base)
        path = "/fib/%d%s" % (N_EXACT, "?base=16" if base == 16 else "")
        with HttpConn(ctx, timeout=300) as c:
            r = timed_get(c, path, "stream base %d" % base)
            c.send(b"GET /fib/10 HTTP/1.1\r\nHost: t\r\n\r\n")
            check(c.read_response().body == b"55", "keep-alive after it")
        check(r.status == 200, "base %d: %d" % (base, r.status))
        check(r.header("x-cache") == "stream",
              "base %d: X-Cache %r, not streamed" % (base,
                                                     r.header("x-cache")))
        check(r.header("content-length") == str(len(want)),
              "base %d: Content-Length %s, GMP %d" %
              (base, r.header("content-length"), len(want)))
        check(r.body == want, "base %d: body differs from GMP's" % base)
        check(r.header("etag") == '"fib-%d-%d"' % (N_EXACT, base), "ETag")
    after = stats(ctx)
    check(after["compute"]["started"] - before["compute"]["started"] == 2,
          "started %r" % after["compute"])
    check(after["compute"]["done"] - before["compute"]["done"] == 2,
          "done %r" % after["compute"])
    check(after["cache"]["inserts"] == before["cache"]["inserts"],
          "a streamed text went into the cache")
    check(wait_until(lambda: stats(ctx)["compute"]["inflight_bytes"] == 0,
                     5), "in-flight bytes left: %r" % stats(ctx)["compute"])


def test_stream_charges_bignum_peak_and_window(ctx):
    """While a streamed F(N) waits for a client that does not read, the
    in-flight budget holds the bignum bound and the window, never the
    text: exactly bn_fib_peak_bytes() + 256 KiB."""
    ctx.ensure_loaded("cache_mb=1 send_timeout_ms=60000")
    peak = int(host_tool("fib", N_STALL, "-p"))
    length = text_len(ctx, N_STALL)
    s = stalled_client(ctx, N_STALL)
    try:
        check(wait_until(lambda: stats(ctx)["compute"]["active"] == 1, 5),
              "not computing")
        inflight = stats(ctx)["compute"]["inflight_bytes"]
        print("# stream charge: in flight %d = bignum bound %d + window %d;"
              " text %d" % (inflight, peak, inflight - peak, length))
        check(inflight == peak + WINDOW,
              "in flight %d, want %d + %d" % (inflight, peak, WINDOW))
        check(inflight - peak < length, "the text is charged")
        s.settimeout(300 * ctx.slow)
        status, fields, rest = read_head(s)
        check(fields.get("x-cache") == "stream", "not streamed: %r" % fields)
        # Stalled: the computation waits for room, still charged the same.
        time.sleep(2)
        st = stats(ctx)["compute"]
        check(st["active"] == 1 and st["inflight_bytes"] == peak + WINDOW,
              "not waiting for the client: %r" % st)
        got = len(rest)
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            got += len(chunk)
            if got >= length:
                break
        check(got == length, "body %d bytes, Content-Length %d" %
              (got, length))
    finally:
        s.close()
    check(wait_until(lambda: stats(ctx)["compute"]["inflight_bytes"] == 0,
                     5), "in-flight bytes left: %r" % stats(ctx)["compute"])


def test_stream_stalled_client_cut_and_cancelled(ctx):
    """A client that stops reading is disconnected after send_timeout_ms
    and the computation is cancelled; what it got is short of
    Content-Length."""
    ctx.ensure_loaded(ARGS)
    before = stats(ctx)
    s = stalled_client(ctx, N_STALL)
    try:
        t = time.monotonic()
        check(wait_until(lambda: stats(ctx)["compute"]["cancelled"] >
                         before["compute"]["cancelled"], 300 * ctx.slow),
              "not cancelled: %r" % stats(ctx)["compute"])
        print("# stalled client: cancelled %.1fs after the request" %
              (time.monotonic() - t))
        st = stats(ctx)
        check(st["connections"]["timeouts"] >
              before["connections"]["timeouts"], "no timeout counted")
        check(st["compute"]["done"] == before["compute"]["done"],
              "the text was finished anyway")
        check(wait_until(lambda: stats(ctx)["compute"]["active"] == 0 and
                         stats(ctx)["compute"]["inflight_bytes"] == 0, 5),
              "still charged: %r" % stats(ctx)["compute"])
        s.settimeout(10 * ctx.slow)
        status, fields, rest = read_head(s)
        got = len(rest)
        try:
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                got += len(chunk)
        except (ConnectionResetError, socket.timeout, TimeoutError):
            pass
        length = int(fields["content-length"])
        print("# stalled client: %d of %d bytes, then the end" %
              (got, length))
        check(got < length, "got the whole body")
    finally:
        s.close()


def test_stream_disconnect_cancels(ctx):
    """A client that goes away in the middle of a stream cancels its
    computation at once."""
    ctx.ensure_loaded(ARGS)
    before = stats(ctx)
    s = stalled_client(ctx, N_STALL)
    s.settimeout(300 * ctx.slow)
    status, fields, rest = read_head(s)
    check(fields.get("x-cache") == "stream", "not streamed: %r" % fields)
    got = len(rest)
    while got < 100000:
        chunk = s.recv(65536)
        check(chunk, "closed early")
        got += len(chunk)
    check(stats(ctx)["compute"]["active"] == 1, "not streaming any more")
    t = time.monotonic()
    s.close()       # unread bytes: a reset
    check(wait_until(lambda: stats(ctx)["compute"]["active"] == 0,
                     10 * ctx.slow), "still computing")
    print("# disconnect mid-stream: cancelled in %.2fs" %
          (time.monotonic() - t))
    st = stats(ctx)["compute"]
    check(st["cancelled"] == before["compute"]["cancelled"] + 1,
          "cancelled %d -> %d" % (before["compute"]["cancelled"],
                                  st["cancelled"]))
    check(wait_until(lambda: stats(ctx)["compute"]["inflight_bytes"] == 0,
                     5), "in-flight bytes left: %r" % stats(ctx)["compute"])


def test_stream_head_and_etag_compute_nothing(ctx):
    """HEAD and If-None-Match of a streamed N answer at once; gzip is not
    offered for it (the text would be held whole to compress it)."""
    ctx.ensure_loaded(ARGS)
    before = stats(ctx)["compute"]
    r = get(ctx, "/fib/%d" % N_STALL, method="HEAD",
            headers="Host: t\r\nAccept-Encoding: gzip\r\n")
    check(r.status == 200 and r.header("x-cache") == "miss",
          "HEAD: %d %r" % (r.status, r.header("x-cache")))
    check(r.header("content-encoding") is None, "gzip offered")
    check(int(r.header("content-length")) == fib_text_len(N_STALL),
          "Content-Length %s" % r.header("content-length"))
    r = get(ctx, "/fib/%d" % N_STALL,
            headers='Host: t\r\nIf-None-Match: "fib-%d-10"\r\n' % N_STALL)
    check(r.status == 304, "If-None-Match: %d" % r.status)
    after = stats(ctx)["compute"]
    check(after["started"] == before["started"], "a computation started")


def test_stream_first_byte_against_whole(ctx):
    """The same F(N) streamed (1 MiB cache) and whole (64 MiB cache): the
    streamed head leaves once F(N) is computed, the whole one once it is
    converted too."""
    n = N_EXACT
    times = {}
    for args, what in ((ARGS, "streamed"), ("", "whole")):
        ctx.ensure_loaded(args)
        with HttpConn(ctx, timeout=300) as c:
            r = timed_get(c, "/fib/%d" % n, "%s F(%d)" % (what, n))
        check(r.header("x-cache") == ("stream" if args else "miss"),
              "%s: X-Cache %r" % (what, r.header("x-cache")))
        times[what] = r.times
    check(times["streamed"][0] < times["whole"][0],
          "streamed head %.2fs, whole %.2fs" % (times["streamed"][0],
                                                times["whole"][0]))


def test_stream_rmmod_mid_stream(ctx):
    """rmmod while a streamed F(N) waits for a client that does not read:
    the connection is closed, the computation stops, unload is prompt."""
    ctx.ensure_loaded("cache_mb=1")
    s = stalled_client(ctx, N_STALL)
    try:
        s.settimeout(300 * ctx.slow)
        status, fields, rest = read_head(s)
        check(fields.get("x-cache") == "stream", "not streamed: %r" % fields)
        took = ctx.unload()
        print("# rmmod mid-stream: %.1fs" % took)
        check(took < 10, "rmmod took %.1fs" % took)
    finally:
        s.close()
    ctx.load()
    check(get(ctx, "/fib/10").body == b"55", "reloaded")
