# SPDX-License-Identifier: GPL-2.0
"""gzip of /fib/N: Accept-Encoding negotiation, the gzip bytes against
Python's F(N), its own ETag and 304, HEAD, Range ignored, Vary on both
representations, and curl --compressed."""
import gzip
import subprocess
import zlib

from common import HttpConn, check, fib, get

AE = "Host: t\r\nAccept-Encoding: %s\r\n"


def gz(ctx, n, ae="gzip", extra="", method="GET", base=None):
    path = "/fib/%d" % n + ("?base=%d" % base if base else "")
    return get(ctx, path, method=method, headers=AE % ae + extra)


def text(n, base=10):
    return (str(fib(n)) if base == 10 else format(fib(n), "x")).encode()


def check_gzip(r, n, base=10):
    check(r.status == 200, "N=%d: %d" % (n, r.status))
    check(r.header("content-encoding") == "gzip",
          "N=%d: Content-Encoding %r" % (n, r.header("content-encoding")))
    check(r.header("vary") == "Accept-Encoding", "N=%d: Vary" % n)
    check(r.header("etag") == '"fib-%d-%d-gz"' % (n, base),
          "N=%d: ETag %r" % (n, r.header("etag")))
    check(r.header("content-length") == str(len(r.body)), "length")
    check(r.body[:2] == b"\x1f\x8b", "N=%d: not gzip" % n)
    check(gzip.decompress(r.body) == text(n, base),
          "N=%d: gunzip differs from Python's F(N)" % n)


def test_gzip_decodes_to_fib(ctx):
    for n in (5000, 10000, 10001, 100000, 250000, 1000000):
        check_gzip(gz(ctx, n), n)
    check_gzip(gz(ctx, 100000, base=16), 100000, 16)


def test_gzip_miss_then_hit_same_bytes(ctx):
    n = 123457
    first = gz(ctx, n)
    second = gz(ctx, n, "deflate, gzip;q=0.8, br")
    check(first.header("x-cache") == "miss", "first %r" %
          first.header("x-cache"))
    check(second.header("x-cache") == "hit", "second %r" %
          second.header("x-cache"))
    check(first.body == second.body, "bodies differ")
    check("gzip;dur=" in first.header("server-timing"), "Server-Timing")
    # The job cached the text too: identity is a hit, never gzip.
    plain = get(ctx, "/fib/%d" % n)
    check(plain.header("x-cache") == "hit", "text %r" %
          plain.header("x-cache"))
    check(plain.header("content-encoding") is None, "identity encoded")
    check(plain.header("vary") == "Accept-Encoding", "no Vary on text")
    check(plain.header("etag") == '"fib-%d-10"' % n, "text ETag")
    check(plain.body == text(n), "text body")
    check(len(first.body) * 2 < len(plain.body), "ratio below 2")


def test_gzip_only_when_asked(ctx):
    n = 20000
    for headers in ("Host: t\r\n", AE % "", AE % "br, deflate",
                    AE % "gzip;q=0", AE % "gzip;q=0.5, identity",
                    AE % "*, gzip;q=0", AE % "gzip;q=2",
                    AE % "gzip" + "Accept-Encoding: gzip\r\n"):
        r = get(ctx, "/fib/%d" % n, headers=headers)
        check(r.status == 200, "%r: %d" % (headers, r.status))
        check(r.header("content-encoding") is None,
              "%r: gzip unasked" % headers)
        check(r.header("vary") == "Accept-Encoding", "%r: Vary" % headers)
        check(r.body == text(n), "%r: body" % headers)
    for ae in ("gzip", "GZIP", "x-gzip", "*", "gzip;q=0.001",
               "gzip, identity", "identity;q=0.5, gzip;q=0.6"):
        check_gzip(gz(ctx, n, ae), n)


def test_small_bodies_stay_identity_unless_refused(ctx):
    # F(1000) is 209 digits: not worth gzip while identity is acceptable.
    r = gz(ctx, 1000)
    check(r.header("content-encoding") is None, "small body gzipped")
    check(r.body == text(1000), "small body")
    check_gzip(gz(ctx, 1000, "gzip, identity;q=0"), 1000)
    check_gzip(gz(ctx, 10, "*;q=0, gzip"), 10)


def test_nothing_acceptable_is_406(ctx):
    for ae in ("identity;q=0", "*;q=0", "gzip;q=0, identity;q=0",
               "br, identity;q=0"):
        for n in (10, 50000):
            r = gz(ctx, n, ae)
            check(r.status == 406, "%s N=%d: %d" % (ae, n, r.status))
            check(r.header("vary") == "Accept-Encoding", "406 Vary")
    with HttpConn(ctx) as c:        # and the connection goes on
        c.send(b"GET /fib/50000 HTTP/1.1\r\nHost: t\r\n"
               b"Accept-Encoding: identity;q=0\r\n\r\n"
               b"GET /fib/10 HTTP/1.1\r\nHost: t\r\n\r\n")
        check(c.read_response().status == 406, "first")
        check(c.read_response().body == b"55", "second")


def test_gzip_etag_304(ctx):
    n = 54321
    check_gzip(gz(ctx, n), n)
    tag = '"fib-%d-10-gz"' % n
    for inm in (tag, "W/" + tag, '"x", ' + tag, "*"):
        r = gz(ctx, n, extra="If-None-Match: %s\r\n" % inm)
        check(r.status == 304, "%s: %d" % (inm, r.status))
        check(r.header("etag") == tag, "304 ETag %r" % r.header("etag"))
        check(r.header("vary") == "Accept-Encoding", "304 Vary")
        check(r.header("content-encoding") is None, "304 Content-Encoding")
    # The text's tag does not validate the gzip, nor the gzip's the text.
    r = gz(ctx, n, extra='If-None-Match: "fib-%d-10"\r\n' % n)
    check_gzip(r, n)
    r = get(ctx, "/fib/%d" % n, headers="Host: t\r\nIf-None-Match: %s\r\n"
            % tag)
    check(r.status == 200 and r.body == text(n), "text after gzip tag")
    r = get(ctx, "/fib/%d" % n, headers='Host: t\r\nIf-None-Match: '
            '"fib-%d-10"\r\n' % n)
    check(r.status == 304, "text 304")
    check(r.header("vary") == "Accept-Encoding", "text 304 Vary")


def test_gzip_head(ctx):
    n = 77777
    # Not cached: HEAD computes nothing and describes the text.
    h = gz(ctx, n, method="HEAD")
    check(h.status == 200 and h.header("content-encoding") is None,
          "cold HEAD %d %r" % (h.status, h.header("content-encoding")))
    check(h.header("content-length") == str(len(text(n))), "cold length")
    check(h.header("vary") == "Accept-Encoding", "cold HEAD Vary")
    g = gz(ctx, n)
    check_gzip(g, n)
    # Cached: HEAD says what GET sends.
    h = gz(ctx, n, method="HEAD")
    check(h.header("content-encoding") == "gzip", "warm HEAD")
    check(h.header("content-length") == str(len(g.body)), "warm length")
    check(h.header("etag") == g.header("etag"), "warm ETag")
    # Identity refused: the HEAD has to make the gzip to know its length.
    m = 88888
    h = gz(ctx, m, "gzip, identity;q=0", method="HEAD")
    check(h.status == 200 and h.header("content-encoding") == "gzip",
          "HEAD, identity refused: %d" % h.status)
    check(int(h.header("content-length")) ==
          len(gz(ctx, m).body), "HEAD length vs GET")


def test_gzip_ignores_range(ctx):
    # /fib ignores Range (200, whole body), gzip or not.
    n = 60000
    for ae in ("gzip", "identity"):
        r = gz(ctx, n, ae, "Range: bytes=0-9\r\n")
        check(r.status == 200 and r.header("content-range") is None,
              "%s: %d" % (ae, r.status))
        body = gzip.decompress(r.body) if ae == "gzip" else r.body
        check(body == text(n), "%s: body" % ae)


def test_gzip_keep_alive_and_pipelined(ctx):
    with HttpConn(ctx) as c:
        c.send(b"".join(b"GET /fib/%d HTTP/1.1\r\nHost: t\r\n"
                        b"Accept-Encoding: gzip\r\n\r\n" % n
                        for n in (30001, 30002, 10, 30001)))
        for n in (30001, 30002):
            check_gzip(c.read_response(), n)
        check(c.read_response().body == b"55", "small")
        check_gzip(c.read_response(), 30001)


def test_curl_compressed(ctx):
    n = 200000
    url = "http://127.0.0.1:%d/fib/%d" % (ctx.port, n)
    p = subprocess.run(["curl", "-s", "--compressed", "-D", "-", url],
                       capture_output=True, timeout=60)
    check(p.returncode == 0, p.stderr)
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    check(b"content-encoding: gzip" in head.lower(), "curl: %r" % head)
    check(body == text(n), "curl --compressed body")
    # curl without --compressed asks for nothing and gets the text.
    p = subprocess.run(["curl", "-s", url], capture_output=True, timeout=60)
    check(p.stdout == text(n), "curl plain")


def test_zlib_stream_is_one_member(ctx):
    r = gz(ctx, 400000)
    d = zlib.decompressobj(wbits=31)
    out = d.decompress(r.body)
    check(d.eof and d.unused_data == b"", "trailing bytes after member")
    check(out == text(400000), "body")
