# SPDX-License-Identifier: GPL-2.0
"""Big F(N): values against Python integers, the cache, single flight,
computation limits, cancellation and unload in the middle of one."""
import json
import threading
import time
from decimal import ROUND_FLOOR, Decimal, getcontext

from common import (HttpConn, check, decimal_mod, fib, fib_mod, get)

PRIMES = [1000000007, 998244353, 2305843009213693951]


def stats(ctx):
    return json.loads(get(ctx, "/stats").body)


def test_big_n_matches_python(ctx):
    for n in (94, 100, 1000, 4096, 10000, 10001, 12345, 100000, 250000):
        want = str(fib(n)).encode()
        r = get(ctx, "/fib/%d" % n)
        check(r.status == 200, "N=%d: %d" % (n, r.status))
        check(r.header("content-length") == str(len(want)),
              "N=%d: Content-Length %s, %d digits" %
              (n, r.header("content-length"), len(want)))
        check(r.body == want, "N=%d: body differs from Python" % n)


def test_hex_matches_python(ctx):
    for n in (94, 5000, 100000):
        r = get(ctx, "/fib/%d?base=16" % n)
        check(r.body == format(fib(n), "x").encode(), "N=%d hex" % n)


def test_million_digits_by_residues(ctx):
    n = 5 * 10 ** 6
    r = get(ctx, "/fib/%d" % n)
    body = r.body.decode()
    check(r.status == 200 and body.isdigit(), "status %d" % r.status)
    # F(n) has floor(n log10(phi) - log10(sqrt 5)) + 1 digits.
    check(len(body) == 1044938, "digits %d" % len(body))
    for p in PRIMES:
        check(decimal_mod(body, p) == fib_mod(n, p), "mod %d" % p)


def test_miss_then_hit_same_bytes_and_etag(ctx):
    n = 31337
    first = get(ctx, "/fib/%d" % n)
    second = get(ctx, "/fib/%d" % n)
    check(first.header("x-cache") == "miss", "first %r" %
          first.header("x-cache"))
    check(second.header("x-cache") == "hit", "second %r" %
          second.header("x-cache"))
    check(first.body == second.body == str(fib(n)).encode(), "bodies")
    check(first.header("etag") == second.header("etag") ==
          '"fib-%d-10"' % n, "ETag %r" % first.header("etag"))
    check(first.header("cache-control") ==
          "public, max-age=31536000, immutable", "Cache-Control")
    timing = second.header("server-timing")
    check(timing and "cache;desc=hit" in timing, "Server-Timing %r" % timing)


def test_if_none_match_gives_304(ctx):
    for inm in ('"fib-777-10"', 'W/"fib-777-10"', '"x", "fib-777-10"', "*"):
        with HttpConn(ctx) as c:
            c.send(b"GET /fib/777 HTTP/1.1\r\nHost: t\r\n"
                   b"If-None-Match: %s\r\n\r\n" % inm.encode())
            r = c.read_response()
            check(r.status == 304, "%s: %d" % (inm, r.status))
            check(r.body == b"" and r.header("content-length") is None,
                  "304 with a body")
            check(r.header("etag") == '"fib-777-10"', "304 ETag")
            # The connection is still usable: 304 has no body.
            c.send(b"GET /fib/10 HTTP/1.1\r\nHost: t\r\n\r\n")
            check(c.read_response().body == b"55", "after 304")
    with HttpConn(ctx) as c:
        c.send(b"GET /fib/777 HTTP/1.1\r\nHost: t\r\n"
               b"If-None-Match: \"fib-777-16\"\r\n\r\n")
        check(c.read_response().status == 200, "other base matched")


def test_cache_cap_holds_over_a_sweep(ctx):
    ctx.unload()
    ctx.load("cache_mb=1")
    for n in range(20000, 20600, 1):
        r = get(ctx, "/fib/%d" % n)
        check(r.status == 200, "N=%d: %d" % (n, r.status))
    st = stats(ctx)["cache"]
    check(st["cap"] == 1 << 20, "cap %d" % st["cap"])
    check(0 < st["bytes"] <= st["cap"], "bytes %d > cap" % st["bytes"])
    check(st["evictions"] > 0, "no evictions: %r" % st)
    rc, out = ctx.guest.run("cat /sys/module/khttpd/parameters/cache_stats")
    check("cap=1048576" in out, out)
    rc, out = ctx.guest.run("echo 1 > /sys/module/khttpd/parameters/"
                            "cache_flush; cat /sys/module/khttpd/"
                            "parameters/cache_stats")
    check(rc == 0 and "entries=0 bytes=0" in out, "flush: %s" % out)
    ctx.unload()
    ctx.load()


def test_single_flight_many_waiters(ctx):
    n = 3 * 10 ** 6
    before = stats(ctx)
    results = [None] * 6

    def fetch(i):
        results[i] = get(ctx, "/fib/%d" % n)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    after = stats(ctx)
    bodies = set(r.body for r in results if r)
    check(len(bodies) == 1 and all(r and r.status == 200 for r in results),
          "waiters got different answers")
    body = bodies.pop().decode()
    for p in PRIMES[:2]:
        check(decimal_mod(body, p) == fib_mod(n, p), "mod %d" % p)
    started = after["compute"]["started"] - before["compute"]["started"]
    joins = after["compute"]["joins"] - before["compute"]["joins"]
    hits = after["cache"]["hits"] - before["cache"]["hits"]
    print("# single flight: started %d, joined %d, cache hits %d" %
          (started, joins, hits))
    # One computation for all six: each other request joined it, or came
    # after it was done and found its result in the cache (a slow host
    # may start a thread late).
    check(started == 1 and joins >= 1 and joins + hits == 5,
          "started %d, joined %d, hits %d" % (started, joins, hits))


def test_too_big_result_is_507(ctx):
    r = get(ctx, "/fib/2147483647")
    check(r.status == 507, "default cap: %d" % r.status)
    check(b"max_result_mb" in r.body, r.body)


def fib_text_len(n, base=10):
    """Digits of F(n), n >= 2: floor(n log(phi) - log(sqrt 5)) + 1 in the
    base, with 60 significant digits (F(n) is never that close to a power
    of 10 or 16 for these n)."""
    getcontext().prec = 60
    five = Decimal(5)
    phi = (1 + five.sqrt()) / 2
    x = (n * phi.ln() - five.sqrt().ln()) / Decimal(base).ln()
    return int(x.to_integral_value(rounding=ROUND_FLOOR)) + 1


def test_head_fib_not_cached_computes_nothing(ctx):
    """HEAD needs only the length, known in O(1): F(N) is not computed."""
    n = 10 ** 8
    rc, out = ctx.guest.run("echo 1 > /sys/module/khttpd/parameters/"
                            "cache_flush")
    check(rc == 0, "cache_flush: %s" % out)
    before = stats(ctx)["compute"]
    for base in (10, 16):
        t = time.monotonic()
        r = get(ctx, "/fib/%d?base=%d" % (n, base), method="HEAD")
        took = time.monotonic() - t
        check(r.status == 200, "base %d: %d" % (base, r.status))
        check(took < 1.0, "base %d: HEAD took %.2fs" % (base, took))
        check(r.header("content-length") == str(fib_text_len(n, base)),
              "base %d: Content-Length %s, want %d" %
              (base, r.header("content-length"), fib_text_len(n, base)))
        check(r.header("etag") == '"fib-%d-%d"' % (n, base),
              "ETag %r" % r.header("etag"))
        check(r.header("cache-control") ==
              "public, max-age=31536000, immutable", "Cache-Control")
        check(r.header("x-cache") == "miss", "X-Cache %r" %
              r.header("x-cache"))
        timing = r.header("server-timing") or ""
        check("compute;dur=0.000" in timing, "Server-Timing %r" % timing)
    after = stats(ctx)["compute"]
    check(after["started"] == before["started"] and after["active"] == 0,
          "a computation started: %r -> %r" % (before, after))
    # the same headers as GET's, for a small N (Python checks the length)
    with HttpConn(ctx) as c:
        c.send(b"HEAD /fib/4321 HTTP/1.1\r\nHost: t\r\n\r\n"
               b"GET /fib/4321 HTTP/1.1\r\nHost: t\r\n\r\n"
               b"HEAD /fib/4321 HTTP/1.1\r\nHost: t\r\n\r\n")
        head = c.read_response(head_only=True)
        body = c.read_response()
        hit = c.read_response(head_only=True)
    check(body.body == str(fib(4321)).encode(), "GET after HEAD")
    for name in ("content-length", "content-type", "etag", "cache-control"):
        check(head.header(name) == body.header(name) == hit.header(name),
              "%s: %r %r %r" % (name, head.header(name), body.header(name),
                                hit.header(name)))
    check(hit.header("x-cache") == "hit", "X-Cache %r" % hit.header("x-cache"))


def test_head_fib_too_big_is_507_like_get(ctx):
    r = get(ctx, "/fib/2147483647", method="HEAD")
    check(r.status == 507, "HEAD: %d" % r.status)


def test_disconnect_cancels_computation(ctx):
    before = stats(ctx)
    c = HttpConn(ctx)
    c.send(b"GET /fib/60000000 HTTP/1.1\r\nHost: t\r\n\r\n")
    time.sleep(1.0)
    check(stats(ctx)["compute"]["active"] == 1, "not computing")
    c.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        st = stats(ctx)
        if st["compute"]["active"] == 0:
            break
        time.sleep(0.2)
    st = stats(ctx)
    check(st["compute"]["active"] == 0, "still computing after 20 s")
    check(st["compute"]["cancelled"] == before["compute"]["cancelled"] + 1,
          "cancelled %d -> %d" % (before["compute"]["cancelled"],
                                  st["compute"]["cancelled"]))
    check(st["compute"]["inflight_bytes"] == 0,
          "memory still reserved: %d" % st["compute"]["inflight_bytes"])


def test_queue_full_is_503(ctx):
    ctx.unload()
    ctx.load("max_compute=1 max_compute_queue=0")
    busy = HttpConn(ctx)
    busy.send(b"GET /fib/60000000 HTTP/1.1\r\nHost: t\r\n\r\n")
    time.sleep(0.5)
    r = get(ctx, "/fib/50000000")
    check(r.status == 503 and r.header("retry-after") == "1",
          "queue full: %d" % r.status)
    check(get(ctx, "/fib/20").body == b"6765", "quick ones still served")
    busy.close()
    ctx.unload()
    ctx.load()


def test_rmmod_during_computation(ctx):
    c = HttpConn(ctx)
    c.send(b"GET /fib/80000000 HTTP/1.1\r\nHost: t\r\n\r\n")
    time.sleep(1.0)
    took = ctx.unload()
    check(took < 10, "rmmod took %.1fs" % took)
    check(c.closed_by_server(5), "client not closed")
    c.close()
    ctx.load()
    check(get(ctx, "/fib/10").body == b"55", "reloaded")
