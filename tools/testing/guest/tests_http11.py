# SPDX-License-Identifier: GPL-2.0
"""HTTP/1.1 semantics: keep-alive, pipelining, framing, limits, deadlines."""
import json
import socket
import subprocess
import time

from common import HttpConn, check, check_common_headers, fib, get


def test_keep_alive_many_requests_one_connection(ctx):
    with HttpConn(ctx) as c:
        for n in range(0, 60):
            c.send(b"GET /fib/%d HTTP/1.1\r\nHost: t\r\n\r\n" % n)
            r = c.read_response()
            check(r.status == 200 and r.body == str(fib(n)).encode(),
                  "N=%d: %d %r" % (n, r.status, r.body))
            check(r.header("connection") is None, "Connection header")


def test_curl_reuses_one_connection(ctx):
    urls = ["http://127.0.0.1:%d/fib/%d" % (ctx.port, n) for n in (1, 2, 3)]
    p = subprocess.run(["curl", "-sv"] + urls, capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 0, p.stderr)
    check(p.stdout == "112", "bodies %r" % p.stdout)
    check(p.stderr.count("Re-using existing connection") == 2 or
          p.stderr.count("Reusing existing") == 2,
          "curl did not reuse: %s" % p.stderr)


def test_http10_closes_by_default_and_keeps_alive_on_request(ctx):
    with HttpConn(ctx) as c:
        c.send(b"GET /fib/7 HTTP/1.0\r\n\r\n")
        r = c.read_response()
        check(r.body == b"13" and r.header("connection") == "close",
              "1.0: %r %r" % (r.body, r.header("connection")))
        check(c.closed_by_server(), "HTTP/1.0 connection left open")
    with HttpConn(ctx) as c:
        for _ in range(3):
            c.send(b"GET /fib/7 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            r = c.read_response()
            check(r.body == b"13" and r.header("connection") == "keep-alive",
                  "1.0 keep-alive: %r" % r.header("connection"))


def test_http10_keep_alive_two_requests_one_connection(ctx):
    """An HTTP/1.0 client assumes a close unless the response says
    keep-alive (RFC 9112 9.3): ab -k, for one, then opens a new connection."""
    with HttpConn(ctx) as c:
        c.send(b"GET /fib/10 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        r = c.read_response()
        check(r.status == 200 and r.body == b"55", "first: %r" % r.raw)
        check(r.header("connection") == "keep-alive",
              "first: Connection %r" % r.header("connection"))
        check(r.header("content-length") == "2" and
              r.header("transfer-encoding") is None, "first: framing")
        check(not c.closed_by_server(0.5), "closed after the first")
        c.sock.settimeout(20 * ctx.slow)
        c.send(b"HEAD /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
               b"GET /fib/11 HTTP/1.0\r\n\r\n")
        r = c.read_response(head_only=True)
        check(r.status == 404 and r.header("connection") == "keep-alive",
              "404: %r" % r.raw)
        r = c.read_response()
        check(r.body == b"89" and r.header("connection") == "close",
              "last: %r" % r.raw)
        check(c.closed_by_server(), "HTTP/1.0 without keep-alive left open")
    with HttpConn(ctx) as c:
        c.send(b"GET /fib/12 HTTP/1.1\r\nHost: t\r\n"
               b"Connection: keep-alive\r\n\r\n")
        r = c.read_response()
        check(r.body == b"144" and r.header("connection") is None,
              "1.1: Connection %r" % r.header("connection"))


def test_connection_close_honoured(ctx):
    with HttpConn(ctx) as c:
        c.send(b"GET /fib/5 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        r = c.read_response()
        check(r.body == b"5" and r.header("connection") == "close", "close")
        check(c.closed_by_server(), "not closed after Connection: close")


def test_100_pipelined_requests_in_one_write(ctx):
    reqs = b"".join(b"GET /fib/%d HTTP/1.1\r\nHost: t\r\n\r\n" % (n % 94)
                    for n in range(100))
    with HttpConn(ctx) as c:
        c.send(reqs)
        for n in range(100):
            r = c.read_response()
            check(r.body == str(fib(n % 94)).encode(),
                  "response %d out of order: %r" % (n, r.body))


def test_pipelined_mixed_methods_and_errors(ctx):
    reqs = (b"HEAD /fib/10 HTTP/1.1\r\nHost: t\r\n\r\n"
            b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
            b"GET /fib/11 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
            b"GET /fib/12 HTTP/1.1\r\nHost: t\r\n\r\n")
    with HttpConn(ctx) as c:
        c.send(reqs)
        r = c.read_response(head_only=True)
        check(r.status == 200 and r.header("content-length") == "2", "HEAD")
        check(c.read_response().status == 404, "404 in the pipeline")
        r = c.read_response()
        check(r.body == b"89", "GET with a body: %r" % r.body)
        r = c.read_response()
        check(r.body == b"144", "after the body: %r" % r.body)


def test_byte_at_a_time(ctx):
    req = b"GET /fib/50 HTTP/1.1\r\nHost: t\r\nX-Pad: abc\r\n\r\n"
    with HttpConn(ctx) as c:
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(req)):
            c.send(req[i:i + 1])
            time.sleep(0.002)
        r = c.read_response()
        check(r.body == str(fib(50)).encode(), "body %r" % r.body)


def test_head_framing_keep_alive(ctx):
    with HttpConn(ctx) as c:
        c.send(b"HEAD /fib/30 HTTP/1.1\r\nHost: t\r\n\r\n"
               b"GET /fib/30 HTTP/1.1\r\nHost: t\r\n\r\n")
        r = c.read_response(head_only=True)
        check(r.header("content-length") == str(len(str(fib(30)))), "len")
        r = c.read_response()
        check(r.body == str(fib(30)).encode(), "GET after HEAD: %r" % r.body)


def test_hex_and_query(ctx):
    r = get(ctx, "/fib/90?base=16")
    check(r.body == format(fib(90), "x").encode(), "hex %r" % r.body)
    r = get(ctx, "/fib/90?foo=bar&base=10")
    check(r.body == str(fib(90)).encode(), "base=10 %r" % r.body)
    r = get(ctx, "/fib/90?base=7")
    check(r.status == 400, "base=7: %d" % r.status)
    r = get(ctx, "/fib/%31%30")
    check(r.body == b"55", "percent-decoded path: %r" % r.body)
    r = get(ctx, "http://example.com/fib/10")
    check(r.body == b"55", "absolute-form: %r" % r.body)


def test_index_and_stats(ctx):
    r = get(ctx, "/")
    check(r.status == 200 and b"/fib/N" in r.body, "index %r" % r.body)
    before = json.loads(get(ctx, "/stats").body)
    get(ctx, "/nope")
    r = get(ctx, "/stats")
    check(r.header("content-type") == "application/json", "type")
    after = json.loads(r.body)
    check(after["status"]["404"] == before["status"]["404"] + 1,
          "404 counter %r -> %r" % (before["status"], after["status"]))
    check(after["requests"] >= before["requests"] + 2, "requests counter")
    check(after["connections"]["open"] >= 1, "open connections")


def test_limits_plus_minus_one(ctx):
    # Request line: 8192 bytes allowed, 8193 is 414.
    for line_len, want in ((8191, 404), (8192, 404), (8193, 414)):
        pad = line_len - len("GET / HTTP/1.1")
        target = b"/" + b"a" * pad
        req = b"GET " + target + b" HTTP/1.1\r\nHost: t\r\n\r\n"
        check(len(req.split(b"\r\n")[0]) == line_len, "test bug")
        with HttpConn(ctx) as c:
            c.send(req)
            r = c.read_response()
            check(r.status == want, "line %d: %d" % (line_len, r.status))
    # Header count: 100 allowed (Host + 99), 101 is 431.
    for count, want in ((99, 200), (100, 200), (101, 431)):
        fields = b"Host: t\r\n" + b"".join(b"X-%d: v\r\n" % i
                                             for i in range(count - 1))
        with HttpConn(ctx) as c:
            c.send(b"GET /fib/1 HTTP/1.1\r\n" + fields + b"\r\n")
            r = c.read_response()
            check(r.status == want, "%d fields: %d" % (count, r.status))
    # Header bytes: 16384 including the final CRLF.
    for total, want in ((16383, 200), (16384, 200), (16385, 431)):
        base = b"Host: t\r\nX-Pad: \r\n\r\n"
        pad = total - len(base)
        fields = b"Host: t\r\nX-Pad: " + b"p" * pad + b"\r\n\r\n"
        check(len(fields) == total, "test bug")
        with HttpConn(ctx) as c:
            c.send(b"GET /fib/1 HTTP/1.1\r\n" + fields)
            r = c.read_response()
            check(r.status == want, "%d header bytes: %d" % (total, r.status))


def test_slow_header_gets_408(ctx):
    # header_timeout_ms is 10 s from the first byte, however it trickles.
    with HttpConn(ctx, timeout=30) as c:
        t = time.monotonic()
        c.send(b"GET /fib/1 HTTP/1.1\r\n")
        for _ in range(6):
            time.sleep(1)
            c.send(b"X: y\r\n")
        r = c.read_response()
        took = time.monotonic() - t
        check(r.status == 408, "status %d" % r.status)
        check(8 < took < 16, "408 after %.1fs" % took)
        check(c.closed_by_server(), "not closed after 408")


def test_idle_keep_alive_closed_after_idle_timeout(ctx):
    with HttpConn(ctx, timeout=30) as c:
        c.send(b"GET /fib/1 HTTP/1.1\r\nHost: t\r\n\r\n")
        c.read_response()
        t = time.monotonic()
        check(c.closed_by_server(timeout=15), "kept open")
        took = time.monotonic() - t
        check(3.5 < took < 9, "idle close after %.1fs" % took)


def wait_established(ctx, count, timeout=30):
    """True once the guest has @count established TCP sockets on port
    8081 (khttpd's side of them: local port 1F91, state 01).  Twenty
    slirp connects take about 4 s on an idle machine; a loaded one took
    more than 10."""
    cmd = ("cat /proc/net/tcp /proc/net/tcp6 | "
           "awk '$2 ~ /:1F91$/ && $4 == \"01\"' | wc -l")
    deadline = time.monotonic() + timeout * ctx.slow
    while time.monotonic() < deadline:
        rc, out = ctx.guest.run(cmd)
        if rc == 0 and int(out.strip() or 0) >= count:
            return True
        time.sleep(0.2)
    return False


def test_connection_cap(ctx):
    ctx.unload()
    ctx.load("max_connections=20")
    socks = []
    try:
        for _ in range(20):
            socks.append(ctx.connect())
        # A host-side connect returns before slirp has connected inside
        # the guest: wait until khttpd's port has all 20 established, so
        # that the 21st is the one over the cap.
        check(wait_established(ctx, 20), "20 connections not established")
        with HttpConn(ctx) as c:
            r = c.read_response()
            check(r.status == 503 and r.header("retry-after") == "1",
                  "over the cap: %d" % r.status)
    finally:
        for s in socks:
            s.close()
    time.sleep(0.5)
    check(get(ctx, "/fib/10").body == b"55", "serves again under the cap")
    ctx.unload()
    ctx.load()


def test_connections_sending_at_once_all_answered(ctx):
    # Each client sends its request with the connection's first segment:
    # bytes can reach an accepted socket before khttpd has taken it over.
    import socket as so
    socks = []
    try:
        for _ in range(60):        # slirp makes each connect slow
            s = so.socket()
            s.settimeout(30)
            s.connect(("127.0.0.1", ctx.port))
            s.send(b"GET /fib/12 HTTP/1.1\r\nHost: t\r\n\r\n")
            socks.append(s)
        for i, s in enumerate(socks):
            data = b""
            while b"\r\n\r\n144" not in data:
                chunk = s.recv(4096)
                check(chunk, "connection %d closed without an answer" % i)
                data += chunk
    finally:
        for s in socks:
            s.close()
    check(get(ctx, "/fib/10").body == b"55", "server still answers")



def test_idle_deadline_counts_from_delivery(ctx):
    """The idle deadline starts when the client has the response, not when
    its last byte was queued.  An in-guest client (so that no proxy takes
    the bytes off khttpd's socket) with a small receive buffer reads
    nothing for 3 s (3 idle timeouts) while khttpd's socket, with a large
    send buffer, holds the rest of a 170 KB response.  Its second request,
    sent at 2 s on the same connection, must be answered."""
    rmem = ctx.guest.run("cat /proc/sys/net/ipv4/tcp_rmem")[1].strip()
    wmem = ctx.guest.run("cat /proc/sys/net/ipv4/tcp_wmem")[1].strip()
    ctx.unload()
    try:
        ctx.guest.run("echo 4096 8192 8192 > /proc/sys/net/ipv4/tcp_rmem; "
                      "echo 4096 4194304 4194304 > "
                      "/proc/sys/net/ipv4/tcp_wmem")
        ctx.load("idle_timeout_ms=1000")
        slow = max(1, int(ctx.slow))
        cmd = ("( printf 'GET /fib/1000000?base=16 HTTP/1.1\\r\\nHost: t"
               "\\r\\n\\r\\n'; sleep %d; printf 'GET /fib/10 HTTP/1.1"
               "\\r\\nHost: t\\r\\n\\r\\n'; sleep %d ) | "
               "nc 127.0.0.1 %d | ( sleep %d; cat ) > /tmp/idle.out; "
               "grep -c 'HTTP/1.1 200' /tmp/idle.out; tail -c 2 /tmp/idle.out"
               % (2 * slow, 3 * slow, 8081, 3 * slow))
        rc, out = ctx.guest.run(cmd, timeout=60 * slow)
        check(out.split() == ["2", "55"],
              "second request on the connection not answered: %r" % out)
    finally:
        ctx.guest.run("echo %s > /proc/sys/net/ipv4/tcp_rmem; "
                      "echo %s > /proc/sys/net/ipv4/tcp_wmem; "
                      "rm -f /tmp/idle.out" % (rmem, wmem))
        ctx.unload()
        ctx.load()
