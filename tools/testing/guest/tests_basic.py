# SPDX-License-Identifier: GPL-2.0
"""Basic HTTP behaviour of khttpd: /fib/N values, statuses, framing."""
from common import HttpConn, check, check_common_headers, fib, get, request


def test_fib_10_is_55(ctx):
    r = get(ctx, "/fib/10")
    check(r.status == 200, "status %d" % r.status)
    check(r.body == b"55", "body %r" % r.body)
    check(r.header("content-length") == "2", "Content-Length")
    check(r.header("content-type") == "text/plain; charset=utf-8",
          "Content-Type %r" % r.header("content-type"))
    check_common_headers(r)


def test_fib_small_range_matches_python(ctx):
    for n in list(range(0, 94)):
        r = get(ctx, "/fib/%d" % n)
        check(r.status == 200, "N=%d status %d" % (n, r.status))
        check(r.body == str(fib(n)).encode(),
              "N=%d: got %r want %d" % (n, r.body, fib(n)))
        check(len(r.raw) == r.raw.index(b"\r\n\r\n") + 4 +
              int(r.header("content-length")),
              "N=%d: bytes after the body" % n)


def test_head_has_no_body(ctx):
    r = get(ctx, "/fib/20", method="HEAD")
    check(r.status == 200, "status %d" % r.status)
    check(r.header("content-length") == "4", "Content-Length")
    check(r.raw.endswith(b"\r\n\r\n"), "HEAD response carries a body")


def test_error_statuses(ctx):
    # (request, status, connection closes after it)
    cases = [
        (b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", 404, False),
        (b"GET /fib/abc HTTP/1.1\r\nHost: t\r\n\r\n", 400, False),
        (b"GET /fib/-5 HTTP/1.1\r\nHost: t\r\n\r\n", 400, False),
        (b"GET /fib/2147483648 HTTP/1.1\r\nHost: t\r\n\r\n", 400, False),
        (b"GET /fib/99999999999999999999 HTTP/1.1\r\nHost: t\r\n\r\n",
         400, False),
        (b"DELETE /fib/1 HTTP/1.1\r\nHost: t\r\n\r\n", 405, False),
        (b"BREW /fib/1 HTTP/1.1\r\nHost: t\r\n\r\n", 501, True),
        (b"GET /fib/1 HTTP/2.0\r\nHost: t\r\n\r\n", 505, True),
        (b"GET /fib/1 HTTP/1.1\r\n\r\n", 400, True),          # no Host
        (b"GET /fib/1\r\n\r\n", 400, True),
        (b"\x00\x01\x02 garbage\r\n\r\n", 400, True),
    ]
    for raw, want, closes in cases:
        with HttpConn(ctx) as c:
            c.send(raw)
            r = c.read_response()
            check(r.status == want, "%r: status %d, want %d" %
                  (raw, r.status, want))
            check_common_headers(r)
            check((r.header("connection") == "close") == closes,
                  "%r: Connection %r" % (raw, r.header("connection")))
            check(r.body.startswith(b"%d " % want) and
                  r.body.endswith(b"\n") and r.body.count(b"\n") == 1,
                  "one-line reason: %r" % r.body)
            if closes:
                check(c.closed_by_server(), "%r: not closed" % raw)


def test_405_says_allow(ctx):
    r = get(ctx, "/fib/1", method="POST")
    check(r.status == 405 and r.header("allow") == "GET, HEAD",
          "Allow header %r" % r.header("allow"))


def test_long_url_is_refused_not_overflowed(ctx):
    # The original copied the URL into a 128-byte stack buffer.
    for size in (129, 4000, 100000):
        raw = b"GET /" + b"a" * size + b" HTTP/1.1\r\nHost: t\r\n\r\n"
        try:
            r = request(ctx, raw)
        except ConnectionResetError:
            continue        # closed while we were still sending: fine
        check(r.status == (414 if size > 8192 else 404),
              "size %d: status %d" % (size, r.status))
    check(get(ctx, "/fib/10").body == b"55", "server still answers")


def test_module_parameters_visible(ctx):
    rc, out = ctx.guest.run("cat /sys/module/khttpd/parameters/port "
                            "/sys/module/khttpd/parameters/backlog")
    check(rc == 0, out)
    check(out.split() == ["8081", "1024"], "parameters %r" % out)
