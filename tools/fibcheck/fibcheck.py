#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fibcheck - check khttpd's /fib/N answers against a trusted reference.

Fetches /fib/N (and /fib/N?base=16) over one keep-alive connection for a set
of N, checks every body, and records client-side and server-side timings.

Reference, by size of N:
  exact     the whole expected number is compared digit by digit: Python
            integers (fast doubling) for small and medium N, GMP through
            gmpy2 (Debian: python3-gmpy2) for large N when it is installed;
  modular   for huge N (or large N without gmpy2) the body is streamed, never
            held whole, and checked without a full reference: its length
            against the exact digit count from N*log(phi) - log(sqrt 5)
            (high-precision Decimal, refused when too close to call), its
            leading digits from the same logarithm, its trailing digits and
            its value modulo several 61..64-bit primes against F(N) computed
            by fast doubling modulo those numbers.
A body may end with one newline.  N outside 0..2^31-1 must be refused (4xx).
"""

import argparse
import csv
import functools
import random
import socket
import sys
import time
from decimal import Decimal, localcontext
from urllib.parse import urlsplit

try:
    import gmpy2
except ImportError:  # Debian: apt-get install python3-gmpy2
    gmpy2 = None

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

MAX_N = 2 ** 31 - 1
PY_EXACT_MAX = {10: 300000, 16: 2000000}  # exact with Python ints up to
GMP_EXACT_MAX = 20000000                   # exact with gmpy2 up to
PRIMES = (2305843009213693951, 1000000000000000003, 1000000000000000009,
          4611686018427387847, 9223372036854775783, 18446744073709551557)
LEAD = 15       # leading digits checked in modular mode
TRAIL = 20      # trailing digits checked in modular mode
BLOCK = 4096    # digits converted at a time when streaming
SHOW = 24       # digits shown of a prefix or suffix in a report
BOUNDARIES = (0, 1, 2, 3, 4, 5, 10, 46, 47, 48, 92, 93, 94, 95, 96, 100,
              186, 187, 188, 1000, 1476, 1477)
INVALID = (MAX_N + 1, 2 ** 32, 2 ** 32 + 1, 10 ** 20)
HUGE = (10 ** 7, 10 ** 8, MAX_N)
LARGE = (10 ** 4, 10 ** 5, 10 ** 6)
TIMING_KEYS = ("parse", "queue", "cache", "compute", "convert", "total")
CSV_FIELDS = (["n", "base", "attempt", "status", "bytes", "digits",
               "ttfb_us", "total_us"] +
              ["srv_%s_us" % k for k in TIMING_KEYS] +
              ["srv_cache_desc", "server_timing", "check", "result",
               "reason"])


# ---- reference -------------------------------------------------------------

def fib_pair(n, mod=None):
    """(F(n), F(n+1)), modulo @mod when given, by fast doubling."""
    a, b = 0, 1
    for bit in bin(n)[2:]:
        c = a * (2 * b - a)
        d = a * a + b * b
        if mod:
            c %= mod
            d %= mod
        if bit == "1":
            a, b = d, c + d
            if mod:
                b %= mod
        else:
            a, b = c, d
    return a, b


def fib(n):
    """F(n) as a Python int."""
    return fib_pair(n)[0]


def fib_mod(n, mod):
    return fib_pair(n, mod)[0]


def to_base(x, base):
    return str(x) if base == 10 else format(x, "x")


def exact_reference(n, base):
    """The expected digits of F(n), or None if too costly here."""
    if n <= PY_EXACT_MAX[base]:
        return to_base(fib(n), base)
    if gmpy2 is not None and n <= GMP_EXACT_MAX:
        return gmpy2.fib(n).digits(base)
    return None


@functools.lru_cache(maxsize=None)
def log_constants(base, prec):
    """(log_base phi, log_base sqrt 5) to @prec significant digits."""
    with localcontext() as ctx:
        ctx.prec = prec
        sqrt5 = Decimal(5).sqrt()
        ln_b = Decimal(base).ln()
        return ((1 + sqrt5) / 2).ln() / ln_b, sqrt5.ln() / ln_b


def log_fib(n, base, prec=90):
    """log_base F(n) as a Decimal, to about 1e-41 for 100 <= n < 2^32.

    F(n) = (phi^n - psi^n) / sqrt 5; psi^n is ignored, so n >= 100, where
    its relative weight is below phi^-200 = 1e-41."""
    log_phi, log_sqrt5 = log_constants(base, prec)
    with localcontext() as ctx:
        ctx.prec = prec
        return n * log_phi - log_sqrt5


def digit_count(n, base):
    """The exact number of base-@base digits of F(n), or None if the
    logarithm is too close to an integer to decide (never seen)."""
    if n < 100:
        return len(to_base(fib(n), base))
    x = log_fib(n, base)
    whole = int(x)
    frac = x - whole
    if frac < Decimal("1e-38") or frac > 1 - Decimal("1e-38"):
        return None
    return whole + 1


def leading_digits(n, base, k=LEAD):
    """The first @k digits of F(n) in base @base, or fewer when the last of
    them cannot be decided from the logarithm."""
    if n < 100:
        return to_base(fib(n), base)[:k]
    x = log_fib(n, base)
    with localcontext() as ctx:
        ctx.prec = 90
        frac = x - int(x)
        lead = (frac * Decimal(base).ln()).exp() * Decimal(base) ** (k - 1)
    while k > 0:
        whole = int(lead)
        rest = lead - whole
        if Decimal("1e-20") < rest < 1 - Decimal("1e-20"):
            return to_base(whole, base)[:k]
        lead /= base
        k -= 1
    return ""


def trailing_digits(n, base, k=TRAIL, ndigits=None):
    """The last @k digits of F(n) (fewer if F(n) is shorter)."""
    if ndigits is not None:
        k = min(k, ndigits)
    s = to_base(fib_mod(n, base ** k), base)
    return s.rjust(k, "0")


# ---- checking a streamed body ----------------------------------------------

def describe(s, head=SHOW):
    if len(s) <= 2 * head + 3:
        return s
    return "%s...%s" % (s[:head], s[-head:])


class Checker:
    """Consumes a body as it arrives; finish() judges it.

    Holds back the last two bytes so that one final newline (LF or CRLF)
    can be dropped; keeps the first and last bytes for reports."""

    def __init__(self, n, base):
        self.n = n
        self.base = base
        self.length = 0
        self.prefix = b""
        self.suffix = b""
        self.held = b""
        self.bad_char = None

    def feed(self, data):
        data = self.held + data
        self.held = data[-2:]
        self.consume(data[:-2])

    def consume(self, data):
        if not data:
            return
        alphabet = b"0123456789" if self.base == 10 else \
            b"0123456789abcdef"
        if self.bad_char is None and data.translate(None, alphabet):
            stray = data.translate(None, alphabet)[0]
            self.bad_char = (self.length + data.index(stray), chr(stray))
        if len(self.prefix) < 64:
            self.prefix += data[:64 - len(self.prefix)]
        self.suffix = (self.suffix + data[-64:])[-64:]
        self.length += len(data)
        self.digest(data)

    def finish(self):
        tail = self.held
        if tail.endswith(b"\r\n"):
            tail = tail[:-2]
        elif tail.endswith(b"\n"):
            tail = tail[:-1]
        self.held = b""
        self.consume(tail)
        return self.judge()

    def got(self):
        p, s = self.prefix.decode("latin-1"), self.suffix.decode("latin-1")
        if self.length <= len(p):
            return describe(p)
        return "%s...%s" % (p[:SHOW], s[-SHOW:])

    def common_problems(self):
        if self.bad_char is not None:
            pos, ch = self.bad_char
            return "character %r at position %d is not a base-%d digit" % (
                ch, pos, self.base)
        if self.length == 0:
            return "empty body"
        if self.length > 1 and self.prefix[:1] == b"0":
            return "leading zero"
        return None

    def digest(self, data):
        pass

    def judge(self):
        raise NotImplementedError


class ExactChecker(Checker):
    """Compares with the whole expected string."""

    mode = "exact"

    def __init__(self, n, base, expected):
        super().__init__(n, base)
        self.expected = expected.encode()
        self.first_diff = None

    def digest(self, data):
        if self.first_diff is not None:
            return
        start = self.length - len(data)
        want = self.expected[start:start + len(data)]
        if want == data:
            return
        for i, (a, b) in enumerate(zip(want, data)):
            if a != b:
                self.first_diff = (start + i, chr(a), chr(b))
                return
        self.first_diff = (start + len(want), None, None)

    def judge(self):
        exp = self.expected.decode()
        if self.first_diff is None and self.length == len(exp):
            return None
        why = ["expected %d digits %s, got %d: %s" % (
            len(exp), describe(exp), self.length, self.got())]
        if self.first_diff is not None and self.first_diff[1] is not None:
            pos, a, b = self.first_diff
            why.append("first difference at digit %d (expected %r, got %r)"
                       % (pos + 1, a, b))
        elif self.first_diff is not None or self.length < len(exp):
            why.append("digits 1..%d agree" % min(self.length, len(exp)))
        problem = self.common_problems()
        if problem:
            why.insert(0, problem)
        return "; ".join(why)


class ModularChecker(Checker):
    """Checks length, leading and trailing digits and residues, streaming
    the body in blocks (a 448-million-digit body is never one int)."""

    mode = "modular"

    def __init__(self, n, base, primes=PRIMES):
        super().__init__(n, base)
        self.primes = primes
        self.modulus = 1
        for p in primes:
            self.modulus *= p
        self.ndigits = digit_count(n, base)
        self.lead = leading_digits(n, base)
        self.trail = trailing_digits(n, base, ndigits=self.ndigits)
        self.want = fib_mod(n, self.modulus)
        self.value = 0
        self.pending = b""
        self.step = pow(base, BLOCK, self.modulus)

    def digest(self, data):
        if self.bad_char is not None:
            return
        buf = self.pending + data
        end = len(buf) - len(buf) % BLOCK
        m, step, base = self.modulus, self.step, self.base
        v = self.value
        for i in range(0, end, BLOCK):
            v = (v * step + int(buf[i:i + BLOCK], base)) % m
        self.value = v
        self.pending = buf[end:]

    def flush(self):
        if self.pending and self.bad_char is None:
            k = len(self.pending)
            self.value = (self.value * pow(self.base, k, self.modulus) +
                          int(self.pending, self.base)) % self.modulus
        self.pending = b""

    def judge(self):
        self.flush()
        problem = self.common_problems()
        if problem:
            return "%s; got %d digits: %s" % (problem, self.length,
                                              self.got())
        why = []
        prefix = self.prefix.decode()
        suffix = self.suffix.decode()
        if self.ndigits is not None and self.length != self.ndigits:
            why.append("expected %d digits, got %d" % (self.ndigits,
                                                       self.length))
        if not prefix.startswith(self.lead[:self.length]):
            why.append("leading digits: expected %s, got %s" % (
                self.lead, prefix[:len(self.lead)]))
        if not suffix.endswith(self.trail[-self.length:]) or \
                self.length < len(self.trail):
            why.append("trailing digits: expected %s, got %s" % (
                self.trail, suffix[-len(self.trail):]))
        for p in self.primes:
            if self.value % p != self.want % p:
                why.append("mod %d: expected %d, got %d" % (
                    p, self.want % p, self.value % p))
        if not why:
            return None
        return "; ".join(why) + "; got %s" % self.got()


def make_checker(n, base, exact_max=None):
    """The cheapest trustworthy checker for F(n) in base @base."""
    if exact_max is None or n <= exact_max:
        ref = exact_reference(n, base)
        if ref is not None:
            return ExactChecker(n, base, ref)
    return ModularChecker(n, base)


# ---- HTTP ------------------------------------------------------------------

def parse_server_timing(value):
    """{name: (dur or None, desc or None)} from a Server-Timing value:
    'name;dur=123.4, name2;dur=5;desc="x"' (RFC 8941-ish, lenient)."""
    out = {}
    for item in split_outside_quotes(value, ","):
        parts = split_outside_quotes(item, ";")
        name = parts[0].strip()
        if not name:
            continue
        dur = desc = None
        for param in parts[1:]:
            key, _, val = param.partition("=")
            key, val = key.strip().lower(), val.strip()
            if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
                val = val[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            if key == "dur":
                try:
                    dur = float(val)
                except ValueError:
                    pass
            elif key == "desc":
                desc = val
        out[name] = (dur, desc)
    return out


def split_outside_quotes(s, sep):
    parts, cur, quoted, escaped = [], [], False, False
    for ch in s:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


class HTTPError(Exception):
    pass


class Response:
    def __init__(self):
        self.status = 0
        self.headers = {}
        self.ttfb = None
        self.total = None
        self.bytes = 0
        self.error = None


class Client:
    """HTTP/1.1 over one keep-alive connection, reopened when needed;
    bodies are handed to a sink as they arrive."""

    def __init__(self, url, timeout=60.0):
        u = urlsplit(url)
        if u.scheme != "http" or not u.hostname:
            raise ValueError("URL must be http://HOST[:PORT]")
        self.host = u.hostname
        self.port = u.port or 80
        self.hostport = u.netloc
        self.timeout = timeout
        self.sock = None
        self.buf = b""

    def close(self):
        if self.sock:
            self.sock.close()
        self.sock = None
        self.buf = b""

    def connect(self):
        self.sock = socket.create_connection((self.host, self.port),
                                             self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def recv(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError
        return data

    def get(self, path, sink):
        """GET @path; body bytes go to sink(data). Retries once when a
        reused connection turns out closed before any byte came back."""
        for attempt in (0, 1):
            fresh = self.sock is None
            resp = Response()
            try:
                if fresh:
                    self.connect()
                self.exchange(path, sink, resp)
                return resp
            except (EOFError, OSError) as e:
                self.close()
                if resp.ttfb is None and not fresh and attempt == 0:
                    continue
                if isinstance(e, EOFError):
                    resp.error = self.eof_reason(resp)
                else:
                    resp.error = str(e) or e.__class__.__name__
            except HTTPError as e:
                self.close()
                resp.error = str(e)
            return resp

    @staticmethod
    def eof_reason(resp):
        if resp.ttfb is None:
            return "connection closed before the response"
        if not resp.status:
            return "connection closed inside the response head"
        return "connection closed inside the body"

    def exchange(self, path, sink, resp):
        req = "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, self.hostport)
        t0 = time.perf_counter_ns()
        self.sock.sendall(req.encode())
        while b"\r\n\r\n" not in self.buf:
            data = self.recv()
            if resp.ttfb is None:
                resp.ttfb = (time.perf_counter_ns() - t0) // 1000
            self.buf += data
            # One recv() may bring the head and much of the body: only a
            # buffer without the end of the head is a head too long.
            if len(self.buf) > 65536 and b"\r\n\r\n" not in self.buf:
                raise HTTPError("response head too long")
        if resp.ttfb is None:
            resp.ttfb = (time.perf_counter_ns() - t0) // 1000
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.parse_head(head, resp)
        close = self.read_body(resp, sink)
        resp.total = (time.perf_counter_ns() - t0) // 1000
        if close:
            self.close()
        else:
            self.check_excess()

    def parse_head(self, head, resp):
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or \
                not parts[1].isdigit() or len(parts[1]) != 3:
            raise HTTPError("malformed status line %r" % lines[0][:80])
        resp.status = int(parts[1])
        resp.version = parts[0]
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise HTTPError("malformed header line %r" % line[:80])
            name = name.lower()
            value = value.strip()
            if name in resp.headers and name == "content-length" and \
                    resp.headers[name] != value:
                raise HTTPError("conflicting Content-Length")
            if name in resp.headers and name != "content-length":
                value = resp.headers[name] + ", " + value
            resp.headers[name] = value

    def read_body(self, resp, sink):
        """Return: True when the connection must be closed after it."""
        h = resp.headers
        conn = h.get("connection", "").lower()
        close = "close" in conn or (resp.version == "HTTP/1.0" and
                                    "keep-alive" not in conn)
        if resp.status in (204, 304) or 100 <= resp.status < 200:
            return close
        te = h.get("transfer-encoding", "").lower()
        if te:
            if "content-length" in h:
                raise HTTPError("both Content-Length and Transfer-Encoding")
            if te.split(",")[-1].strip() != "chunked":
                raise HTTPError("unsupported Transfer-Encoding %r" % te)
            self.read_chunked(resp, sink)
            return close
        if "content-length" in h:
            cl = h["content-length"]
            if not cl.isdigit():
                raise HTTPError("malformed Content-Length %r" % cl)
            self.read_exact(int(cl), resp, sink)
            return close
        self.read_until_close(resp, sink)
        return True

    def take(self, n, resp, sink):
        while n:
            if not self.buf:
                self.buf = self.recv()
            piece = self.buf[:n]
            self.buf = self.buf[len(piece):]
            n -= len(piece)
            resp.bytes += len(piece)
            sink(piece)

    def read_exact(self, n, resp, sink):
        try:
            self.take(n, resp, sink)
        except EOFError:
            raise HTTPError("connection closed after %d of %d body bytes "
                            "(Content-Length)" % (resp.bytes, n))

    def read_line(self):
        while b"\r\n" not in self.buf:
            if len(self.buf) > 4096:
                raise HTTPError("chunk line too long")
            self.buf += self.recv()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_chunked(self, resp, sink):
        try:
            while True:
                line = self.read_line().split(b";")[0].strip()
                try:
                    size = int(line, 16)
                except ValueError:
                    raise HTTPError("malformed chunk size %r" % line[:40])
                if size == 0:
                    break
                self.take(size, resp, sink)
                if self.read_line() != b"":
                    raise HTTPError("chunk data not followed by CRLF")
            while self.read_line() != b"":
                pass
        except EOFError:
            raise HTTPError("connection closed inside chunked body after "
                            "%d bytes" % resp.bytes)

    def read_until_close(self, resp, sink):
        try:
            while True:
                self.take(len(self.buf) or 1, resp, sink)
        except EOFError:
            pass

    def check_excess(self):
        """Bytes already there after a complete response mean its framing
        was wrong (we have only one request in flight)."""
        self.sock.setblocking(False)
        try:
            more = self.sock.recv(65536)
        except BlockingIOError:
            more = None
        except OSError:
            more = b""
        self.sock.settimeout(self.timeout)
        if more is None and not self.buf:
            return
        extra = len(self.buf) + len(more or b"")
        self.close()
        if extra:
            raise HTTPError("%d bytes after the end of the body (wrong "
                            "Content-Length?)" % extra)


# ---- the run ---------------------------------------------------------------

class Item:
    """One request to make: F(n) in @base, or a refusal when invalid."""

    def __init__(self, n, base, valid=True):
        self.n, self.base, self.valid = n, base, valid


def path_of(item):
    return "/fib/%d%s" % (item.n, "?base=16" if item.base == 16 else "")


def check_item(client, item, attempt, exact_max, unit="ms"):
    row = {"n": item.n, "base": item.base, "attempt": attempt}
    checker = make_checker(item.n, item.base, exact_max) if item.valid \
        else None
    sink = checker.feed if checker else (lambda data: None)
    resp = client.get(path_of(item), sink)
    row.update(status=resp.status, bytes=resp.bytes, ttfb_us=resp.ttfb,
               total_us=resp.total)
    add_server_timing(row, resp.headers.get("server-timing"),
                      1.0 if unit == "us" else 1000.0,
                      resp.headers.get("x-cache"))
    row["check"] = checker.mode if checker else "refusal"
    reason = resp.error
    if reason is None and not item.valid:
        if not 400 <= resp.status < 500:
            reason = "N out of range: expected a 4xx status, got %d" % (
                resp.status)
    elif reason is None and resp.status != 200:
        reason = "status %d" % resp.status
    elif reason is None:
        reason = checker.finish()
        row["digits"] = checker.length
    if resp.error:
        row["result"] = "error"
    else:
        row["result"] = "mismatch" if reason else "ok"
    row["reason"] = reason or ""
    return row


def add_server_timing(row, value, unit_us=1000.0, x_cache=None):
    """Fill the srv_* columns from a Server-Timing header value whose dur
    values are in ms (W3C; @unit_us = 1000) or us (@unit_us = 1).  Without
    a "total" entry, srv_total_us is the sum of the others."""
    row["server_timing"] = value or ""
    if x_cache:
        row["srv_cache_desc"] = x_cache.strip().lower()
    if not value:
        return
    timings = parse_server_timing(value)
    parts = 0.0
    for key in TIMING_KEYS:
        dur, desc = timings.get(key, (None, None))
        if dur is not None:
            row["srv_%s_us" % key] = round(dur * unit_us, 3)
            if key != "total":
                parts += dur * unit_us
        if key == "cache" and desc:
            row["srv_cache_desc"] = desc.lower()
    if "srv_total_us" not in row and any(
            timings.get(k, (None,))[0] is not None for k in TIMING_KEYS):
        row["srv_total_us"] = round(parts, 3)


def parse_range(s):
    a, sep, b = s.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError("expected A:B")
    a, b = int(a), int(b)
    if a < 0 or b < a:
        raise argparse.ArgumentTypeError("expected 0 <= A <= B")
    return a, b


def parse_list(s):
    return [int(x) for x in s.split(",") if x.strip()]


def build_items(args):
    """The (deduplicated, sorted) requests the options ask for."""
    ns = set()
    for a, b in args.range:
        ns.update(range(a, b + 1))
    for lst in args.n:
        ns.update(lst)
    if args.boundaries:
        ns.update(x for x in BOUNDARIES if x <= args.limit)
    if args.large:
        ns.update(x for x in LARGE if x <= args.limit)
    if args.huge:
        ns.update(x for x in HUGE if x <= args.limit)
    if args.random:
        rng = random.Random(args.seed)
        hi = min(args.max, args.limit)
        ns.update(rng.randint(args.min, hi) for _ in range(args.random))
    if not (args.range or args.n or args.boundaries or args.large or
            args.huge or args.random):
        ns.update(range(0, 101))
        ns.update(x for x in BOUNDARIES if x <= args.limit)
    bases = (10, 16) if args.base == "both" else (int(args.base),)
    items = [Item(n, b, n <= MAX_N) for n in sorted(ns) for b in bases]
    if args.boundaries:
        items += [Item(n, b, False) for n in INVALID for b in bases]
    return items


def make_parser():
    p = argparse.ArgumentParser(
        prog="fibcheck", description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="With no set of N: 0..100 and the boundaries.  Exit status: "
        "0 when every answer is right, 1 on any mismatch or error, 2 on a "
        "usage error or when the server cannot be reached.")
    p.add_argument("--url", default="http://127.0.0.1:8081",
                   help="server (default %(default)s)")
    p.add_argument("--range", action="append", type=parse_range,
                   default=[], metavar="A:B", help="every N in A..B")
    p.add_argument("--n", action="append", type=parse_list, default=[],
                   metavar="N,N,...", help="these N")
    p.add_argument("--random", type=int, default=0, metavar="K",
                   help="K random N in MIN..MAX")
    p.add_argument("--min", type=int, default=0)
    p.add_argument("--max", type=int, default=100000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--boundaries", action="store_true",
                   help="N at the 32/64/128-bit and float limits (%s), and "
                   "out-of-range N (%s) that must be refused" % (
                       ",".join(map(str, BOUNDARIES)),
                       ",".join(map(str, INVALID))))
    p.add_argument("--large", action="store_true",
                   help="N = %s" % ",".join(map(str, LARGE)))
    p.add_argument("--huge", action="store_true",
                   help="N = 10^7, 10^8, 2^31-1 (streamed; can take long)")
    p.add_argument("--limit", type=int, default=MAX_N,
                   help="skip valid N above this (default 2^31-1)")
    p.add_argument("--base", choices=("10", "16", "both"), default="10")
    p.add_argument("--repeat", type=int, default=1, metavar="R",
                   help="request every N R times in a row (the first is "
                   "usually a cache miss, later ones hits)")
    p.add_argument("--exact-max", type=int, default=None, metavar="N",
                   help="use the modular check above N even when an exact "
                   "reference is affordable")
    p.add_argument("--csv", metavar="FILE", help="write one row a request")
    p.add_argument("--timing-unit", choices=("ms", "us"), default="ms",
                   help="unit of the server's Server-Timing dur values "
                   "(default ms, as the W3C spec says); the CSV is in us")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="socket timeout in seconds (default %(default)s)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only mismatches and the summary")
    return p


def report(row, quiet):
    if row["result"] != "ok":
        print("MISMATCH n=%s base=%s attempt=%s: %s" % (
            row["n"], row["base"], row["attempt"], row["reason"]))
    elif not quiet:
        print("ok n=%s base=%s %s digits=%s total=%sus" % (
            row["n"], row["base"], row["check"], row.get("digits", "-"),
            row["total_us"]))
    sys.stdout.flush()


def run(args):
    try:
        client = Client(args.url, args.timeout)
        client.connect()
    except (OSError, ValueError) as e:
        print("fibcheck: cannot connect to %s: %s" % (args.url, e),
              file=sys.stderr)
        return 2
    items = build_items(args)
    out = open(args.csv, "w", newline="") if args.csv else None
    writer = csv.DictWriter(out, CSV_FIELDS) if out else None
    if writer:
        writer.writeheader()
    counts = {"ok": 0, "mismatch": 0, "error": 0}
    modes = {}
    try:
        for item in items:
            for attempt in range(1, args.repeat + 1):
                row = check_item(client, item, attempt, args.exact_max,
                                 args.timing_unit)
                counts[row["result"]] += 1
                modes[row["check"]] = modes.get(row["check"], 0) + 1
                report(row, args.quiet)
                if writer:
                    writer.writerow(row)
    finally:
        if out:
            out.close()
        client.close()
    print("# fibcheck %s: %d checked, %d ok, %d mismatches, %d errors (%s)%s"
          % (args.url, sum(counts.values()), counts["ok"],
             counts["mismatch"], counts["error"],
             ", ".join("%s %d" % kv for kv in sorted(modes.items())),
             "" if gmpy2 else "; gmpy2 not available"))
    return 0 if counts["ok"] == sum(counts.values()) else 1


def main(argv=None):
    args = make_parser().parse_args(argv)
    if args.repeat < 1 or args.random < 0 or args.min < 0 or \
            args.max < args.min:
        print("fibcheck: bad --repeat/--random/--min/--max",
              file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
