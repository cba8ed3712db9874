#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unit tests of fibcheck: the references, the streaming checks, and whole
runs against small local servers, one of which corrupts chosen answers.

Prints "ok NAME" / "not ok NAME" per test and "# fibcheck: pass=P fail=F";
exits 1 on any failure.  Standard library only (gmpy2 tests are skipped
without it); servers listen on 127.0.0.1 only.
"""

import contextlib
import csv
import io
import os
import socket
import sys
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fibcheck as fc  # noqa: E402

# F(0..30), from the definition.
KNOWN = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987,
         1597, 2584, 4181, 6765, 10946, 17711, 28657, 46368, 75025, 121393,
         196418, 317811, 514229, 832040]


def slow_fib(n):
    """F(n) by plain iteration: the test servers' independent reference."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def is_prime(n):
    """Deterministic Miller-Rabin for n < 3.3e24."""
    if n < 2:
        return False
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
    for p in small:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in small:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


class ReferenceTest(unittest.TestCase):
    def test_known_values(self):
        self.assertEqual([fc.fib(n) for n in range(31)], KNOWN)
        self.assertEqual(fc.fib(92), 7540113804746346429)
        self.assertEqual(fc.fib(93), 12200160415121876738)
        self.assertEqual(fc.fib(94), 19740274219868223167)
        self.assertEqual(fc.fib(100), 354224848179261915075)
        self.assertEqual(len(str(fc.fib(1000))), 209)
        self.assertTrue(str(fc.fib(1000)).startswith("43466557686937456"))
        self.assertTrue(str(fc.fib(1000)).endswith("849228875"))

    def test_fast_doubling_matches_iteration(self):
        a, b = 0, 1
        for n in range(700):
            self.assertEqual(fc.fib_pair(n), (a, b))
            a, b = b, a + b

    def test_fib_mod(self):
        for p in fc.PRIMES + (10 ** 20, 16 ** 20, 7):
            for n in (0, 1, 2, 93, 94, 500, 1477, 9999):
                self.assertEqual(fc.fib_mod(n, p), fc.fib(n) % p)

    def test_primes_are_prime(self):
        for p in fc.PRIMES:
            self.assertTrue(is_prime(p), p)
            self.assertGreater(p, 2 ** 59)

    def test_digit_count(self):
        for base in (10, 16):
            for n in list(range(0, 3000, 7)) + list(range(4780, 4800)):
                self.assertEqual(fc.digit_count(n, base),
                                 len(fc.to_base(fc.fib(n), base)), (n, base))

    def test_digit_count_at_every_length_change(self):
        prev = len(str(fc.fib(99)))
        for n in range(100, 2500):
            length = len(str(fc.fib(n)))
            if length != prev:
                self.assertEqual(fc.digit_count(n, 10), length, n)
                self.assertEqual(fc.digit_count(n - 1, 10), prev, n - 1)
            prev = length

    def test_leading_and_trailing_digits(self):
        for base in (10, 16):
            for n in (100, 101, 999, 4321, 20000, 65537):
                s = fc.to_base(fc.fib(n), base)
                lead = fc.leading_digits(n, base)
                self.assertGreaterEqual(len(lead), fc.LEAD - 2)
                self.assertTrue(s.startswith(lead), (n, base))
                self.assertEqual(fc.trailing_digits(n, base, ndigits=len(s)),
                                 s[-fc.TRAIL:])

    def test_exact_reference(self):
        self.assertEqual(fc.exact_reference(1000, 10), str(slow_fib(1000)))
        self.assertEqual(fc.exact_reference(1000, 16),
                         format(slow_fib(1000), "x"))
        self.assertIsNone(fc.exact_reference(fc.MAX_N, 10))

    @unittest.skipIf(fc.gmpy2 is None, "gmpy2 not installed")
    def test_gmpy2_agrees(self):
        for n in (0, 1, 94, 12345, 400001):
            self.assertEqual(int(fc.gmpy2.fib(n)), fc.fib(n))
        self.assertEqual(fc.exact_reference(400001, 10),
                         str(fc.fib(400001)))


def run_checker(checker, body, step=7):
    for i in range(0, len(body), step):
        checker.feed(body[i:i + step])
    return checker.finish()


class CheckerTest(unittest.TestCase):
    N = 1234

    def bodies(self, base):
        s = fc.to_base(fc.fib(self.N), base).encode()
        changed = s[:100] + (b"1" if s[100:101] != b"1" else b"2") + s[101:]
        return s, {
            "digit changed": changed,
            "digit dropped": s[:50] + s[51:],
            "digit added": s + s[-1:],
            "truncated": s[:-30],
            "leading zero": b"0" + s[:-1],
            "not a digit": s[:10] + b"x" + s[11:],
            "empty": b"",
            "upper case": s.upper() if base == 16 else s[:5] + b" " + s[6:],
        }

    def checkers(self, base):
        yield lambda: fc.ExactChecker(self.N, base,
                                      fc.to_base(fc.fib(self.N), base))
        yield lambda: fc.ModularChecker(self.N, base)

    def test_correct_bodies_pass(self):
        for base in (10, 16):
            good, _ = self.bodies(base)
            for make in self.checkers(base):
                for body in (good, good + b"\n", good + b"\r\n"):
                    self.assertIsNone(run_checker(make(), body))
                    self.assertIsNone(run_checker(make(), body, 100000))

    def test_corrupted_bodies_fail(self):
        for base in (10, 16):
            _, bad = self.bodies(base)
            for make in self.checkers(base):
                for what, body in bad.items():
                    with self.subTest(base=base, what=what,
                                      mode=make().mode):
                        self.assertIsNotNone(run_checker(make(), body))

    def test_exact_report_is_precise(self):
        good, bad = self.bodies(10)
        why = run_checker(fc.ExactChecker(self.N, 10, good.decode()),
                          bad["digit changed"])
        self.assertIn("first difference at digit 101", why)
        self.assertIn("expected %d digits" % len(good), why)
        why = run_checker(fc.ExactChecker(self.N, 10, good.decode()),
                          bad["digit dropped"])
        self.assertIn("first difference at digit 51", why)
        self.assertIn("got %d" % (len(good) - 1), why)

    def test_modular_report_is_precise(self):
        good, bad = self.bodies(10)
        why = run_checker(fc.ModularChecker(self.N, 10), bad["digit dropped"])
        self.assertIn("expected %d digits, got %d" % (len(good),
                                                      len(good) - 1), why)
        why = run_checker(fc.ModularChecker(self.N, 10), bad["digit changed"])
        self.assertNotIn("digits, got", why)
        self.assertIn("mod 2305843009213693951", why)

    def test_modular_streams_in_blocks(self):
        n = 60000
        s = str(fc.fib(n)).encode()
        self.assertGreater(len(s), 3 * fc.BLOCK)
        for step in (1000, fc.BLOCK, 65536):
            self.assertIsNone(run_checker(fc.ModularChecker(n, 10), s, step))
        corrupt = s[:5000] + b"0123456789" + s[5010:]
        self.assertIsNotNone(run_checker(fc.ModularChecker(n, 10), corrupt,
                                         4096))


class ServerTimingTest(unittest.TestCase):
    def test_parse(self):
        t = fc.parse_server_timing(
            'parse;dur=1.5, cache;desc="miss";dur=2, compute;dur=300,'
            'convert;dur=40.25,total;dur=345, x;desc="a,b;c"')
        self.assertEqual(t["parse"], (1.5, None))
        self.assertEqual(t["cache"], (2.0, "miss"))
        self.assertEqual(t["compute"], (300.0, None))
        self.assertEqual(t["convert"], (40.25, None))
        self.assertEqual(t["total"], (345.0, None))
        self.assertEqual(t["x"], (None, "a,b;c"))

    def test_row_us(self):
        row = {}
        fc.add_server_timing(row, "compute;dur=7, cache;desc=hit;dur=0.5",
                             unit_us=1)
        self.assertEqual(row["srv_compute_us"], 7.0)
        self.assertEqual(row["srv_cache_us"], 0.5)
        self.assertEqual(row["srv_cache_desc"], "hit")
        self.assertEqual(row["srv_total_us"], 7.5)

    def test_row_ms_like_khttpd(self):
        row = {}
        fc.add_server_timing(row, "parse;dur=0.002, queue;dur=0.010, "
                             "compute;dur=1.250, convert;dur=0.300, "
                             "cache;desc=miss", x_cache="MISS")
        self.assertEqual(row["srv_parse_us"], 2.0)
        self.assertEqual(row["srv_queue_us"], 10.0)
        self.assertEqual(row["srv_compute_us"], 1250.0)
        self.assertEqual(row["srv_convert_us"], 300.0)
        self.assertEqual(row["srv_total_us"], 1562.0)
        self.assertEqual(row["srv_cache_desc"], "miss")
        self.assertNotIn("srv_cache_us", row)

    def test_row_total_wins(self):
        row = {}
        fc.add_server_timing(row, "compute;dur=1, total;dur=3")
        self.assertEqual(row["srv_total_us"], 3000.0)


class FibHandler(BaseHTTPRequestHandler):
    """GET /fib/N[?base=16], HTTP/1.1 keep-alive, with optional faults:
    server.corrupt maps N to one of digit, drop, long, short, status,
    zero, close; server.chunked sends chunked bodies."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.lock:
            self.server.connections += 1

    def do_GET(self):
        path, _, query = self.path.partition("?")
        base = 16 if query == "base=16" else 10
        if not path.startswith("/fib/") or not path[5:].isdigit():
            return self.send(404, b"not found\n")
        n = int(path[5:])
        if n > fc.MAX_N:
            return self.send(400, b"N out of range\n")
        value = slow_fib(n) if n < 20000 else fc.fib(n)
        body = (str(value) if base == 10 else format(value, "x")).encode()
        fault = self.server.corrupt.get(n)
        if fault == "digit":
            i = len(body) // 2
            body = body[:i] + (b"7" if body[i:i + 1] != b"7" else b"3") + \
                body[i + 1:]
        elif fault == "drop":
            body = body[:3] + body[4:]
        elif fault == "zero":
            body = b"0" + body
        elif fault == "status":
            return self.send(500, b"oops\n")
        elif fault == "close":
            self.close_connection = True
            return
        length = len(body)
        if fault == "long":
            length += 5
            self.close_connection = True
        elif fault == "short":
            length -= 2
        self.send(200, body + self.server.newline, length)

    def send(self, status, body, length=None):
        with self.server.lock:
            hit = self.path in self.server.seen
            self.server.seen.add(self.path)
        self.send_response(status)
        # As khttpd: ms with us resolution, cache hit or miss, no total.
        self.send_header("X-Cache", "hit" if hit else "miss")
        self.send_header("Server-Timing",
                         "parse;dur=0.002, queue;dur=0.000, "
                         "compute;dur=%.3f, convert;dur=0.003, "
                         "cache;desc=%s" % (0 if hit else len(body) / 1000,
                                            "hit" if hit else "miss"))
        if self.server.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            half = len(body) // 2
            for part in (body[:half], body[half:]):
                if part:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        if length is None:
            length = len(body)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def fib_server(corrupt=None, chunked=False, newline=b""):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), FibHandler)
    srv.daemon_threads = True
    srv.corrupt = corrupt or {}
    srv.chunked = chunked
    srv.newline = newline
    srv.lock = threading.Lock()
    srv.connections = 0
    srv.seen = set()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv, "http://127.0.0.1:%d" % srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


def run_fibcheck(args):
    """fibcheck.main(args): (exit status, stdout, CSV rows)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.csv")
        out = io.StringIO()
        with contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(out):
            code = fc.main(args + ["--csv", path, "--timeout", "10"])
        rows = []
        if os.path.exists(path):
            with open(path, newline="") as f:
                rows = list(csv.DictReader(f))
    return code, out.getvalue(), rows


class ClientFramingTest(unittest.TestCase):
    def test_head_and_large_body_in_one_recv(self):
        # A 100 KB body right behind its head arrives in one recv():
        # that is a complete head, not a head too long.
        a, b = socket.socketpair()
        body = b"7" * 100000
        resp = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
        client = fc.Client("http://127.0.0.1:1")
        client.sock = a
        got = []
        try:
            for _ in range(2):
                b.sendall(resp + body)
                r = fc.Response()
                client.exchange("/fib/1", got.append, r)
                self.assertEqual((r.status, r.error), (200, None))
        finally:
            a.close()
            b.close()
        self.assertEqual(b"".join(got), body + body)


class EndToEndTest(unittest.TestCase):
    def test_correct_server(self):
        with fib_server() as (srv, url):
            code, out, rows = run_fibcheck(["--url", url, "--range", "0:150",
                                            "--n", "5000,25000", "-q"])
        self.assertEqual(code, 0, out)
        self.assertEqual(len(rows), 153)
        self.assertTrue(all(r["result"] == "ok" for r in rows))
        self.assertEqual(srv.connections, 1)  # one keep-alive connection
        r = rows[100]
        self.assertEqual((r["n"], r["status"], r["digits"]), ("100", "200",
                                                              "21"))
        self.assertEqual(float(r["srv_compute_us"]), 21.0)
        self.assertEqual(float(r["srv_parse_us"]), 2.0)
        self.assertEqual(float(r["srv_total_us"]), 26.0)
        self.assertEqual(r["srv_cache_desc"], "miss")
        self.assertGreater(int(r["total_us"]), 0)
        self.assertGreaterEqual(int(r["total_us"]), int(r["ttfb_us"]))

    def test_corrupted_answers_are_caught(self):
        corrupt = {77: "digit", 150: "drop", 200: "long", 90: "short",
                   120: "zero", 130: "status", 140: "close"}
        with fib_server(corrupt) as (_, url):
            code, out, rows = run_fibcheck(["--url", url, "--range", "0:210",
                                            "-q"])
        self.assertEqual(code, 1)
        failed = {int(r["n"]): r for r in rows if r["result"] != "ok"}
        self.assertEqual(sorted(failed), sorted(corrupt), out)
        self.assertEqual(len(rows), 211)
        self.assertIn("first difference at digit 9", failed[77]["reason"])
        self.assertIn("expected 31 digits", failed[150]["reason"])
        self.assertIn("first difference at digit 4", failed[150]["reason"])
        self.assertIn("Content-Length", failed[200]["reason"])
        self.assertIn("after the end of the body", failed[90]["reason"])
        self.assertIn("leading zero", failed[120]["reason"])
        self.assertEqual(failed[130]["reason"], "status 500")
        self.assertIn("closed before the response", failed[140]["reason"])
        self.assertEqual(out.count("MISMATCH"), len(corrupt))

    def test_modular_mode_catches_corruption(self):
        corrupt = {3000: "digit", 3001: "drop", 3002: "zero"}
        with fib_server(corrupt) as (_, url):
            code, out, rows = run_fibcheck(
                ["--url", url, "--range", "2998:3003", "--exact-max", "0",
                 "-q"])
        self.assertEqual(code, 1)
        self.assertTrue(all(r["check"] == "modular" for r in rows))
        failed = sorted(int(r["n"]) for r in rows if r["result"] != "ok")
        self.assertEqual(failed, [3000, 3001, 3002])

    def test_hex_chunked_newline(self):
        with fib_server({333: "digit"}, chunked=True,
                        newline=b"\n") as (_, url):
            code, out, rows = run_fibcheck(["--url", url, "--range", "320:340",
                                            "--base", "16", "-q"])
        self.assertEqual(code, 1)
        failed = [int(r["n"]) for r in rows if r["result"] != "ok"]
        self.assertEqual(failed, [333])
        self.assertTrue(all(r["base"] == "16" for r in rows))

    def test_boundaries_and_refusals(self):
        with fib_server() as (_, url):
            code, out, rows = run_fibcheck(["--url", url, "--boundaries",
                                            "--repeat", "2", "-q"])
        self.assertEqual(code, 0, out)
        ns = {int(r["n"]) for r in rows}
        self.assertTrue({92, 93, 94, fc.MAX_N + 1} <= ns)
        self.assertEqual({r["attempt"] for r in rows}, {"1", "2"})
        refused = [r for r in rows if r["check"] == "refusal"]
        self.assertEqual(len(refused), 2 * len(fc.INVALID))

    def test_unreachable_server(self):
        with fib_server() as (_, url):
            pass
        code, _, _ = run_fibcheck(["--url", url, "--n", "1"])
        self.assertEqual(code, 2)


class CountingResult(unittest.TextTestResult):
    """Prints ok/not ok per test; a test with a failed subtest fails."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.failed_ids = set()
        self.passed = 0

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skip_reason = reason

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed_ids.add(test.id())

    def stopTest(self, test):
        super().stopTest(test)
        bad = test.id() in self.failed_ids or any(
            t is test for t, _ in self.failures + self.errors)
        if bad:
            self.failed_ids.add(test.id())
        else:
            self.passed += 1
        skip = getattr(self, "skip_reason", None)
        self.skip_reason = None
        self.stream.write("%s %s%s\n" % ("not ok" if bad else "ok", test.id(),
                                          " # SKIP " + skip if skip else ""))
        self.stream.flush()


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[__name__])
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=0,
                                     resultclass=CountingResult)
    result = runner.run(suite)
    print("# fibcheck: pass=%d fail=%d" % (result.passed,
                                           len(result.failed_ids)))
    return 1 if result.failed_ids else 0


if __name__ == "__main__":
    sys.exit(main())
