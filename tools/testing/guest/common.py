# SPDX-License-Identifier: GPL-2.0
"""Helpers shared by the in-guest test cases: HTTP on raw sockets, asserts."""
import socket
import sys
import time
from email.utils import parsedate_to_datetime

DEFAULT_ARGS = ""

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)     # F(N) has many digits


class Context:
    """What a test case gets: the guest, the host port, module state."""

    def __init__(self, guest, port):
        self.guest = guest
        self.port = port
        self.loaded = False
        self.args = None
        self.slow = 1.0      # run.py --slow: timeouts scale with it

    def load(self, args=DEFAULT_ARGS):
        rc, out = self.guest.insmod(args=("port=8081 " + args).strip())
        check(rc == 0, "insmod failed: %s" % out.strip())
        self.loaded = True
        self.args = args
        check(wait_listening(self.port), "khttpd does not answer")

    def unload(self, timeout=30):
        t = time.monotonic()
        rc, out = self.guest.rmmod(timeout=timeout)
        check(rc == 0, "rmmod failed: %s" % out.strip())
        self.loaded = False
        return time.monotonic() - t

    def ensure_loaded(self, args=DEFAULT_ARGS):
        if self.loaded and self.args != args:
            self.unload()
        if not self.loaded:
            self.load(args)

    def connect(self, timeout=10):
        return socket.create_connection(("127.0.0.1", self.port), timeout)


class Response:
    def __init__(self, status, reason, headers, body, raw):
        self.status = status
        self.reason = reason
        self.headers = headers      # lower-case name -> list of values
        self.body = body
        self.raw = raw

    def header(self, name):
        vals = self.headers.get(name.lower(), [])
        check(len(vals) <= 1, "header %s repeated: %r" % (name, vals))
        return vals[0] if vals else None


def check(cond, msg="check failed"):
    if not cond:
        raise AssertionError(msg)


def wait_listening(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 2) as s:
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                if s.recv(8) == b"HTTP/1.1":
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def recv_all(sock, limit=1 << 26):
    data = b""
    while len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


class HttpConn:
    """One client connection that reads responses by their framing."""

    def __init__(self, ctx, timeout=20):
        self.sock = ctx.connect(timeout * ctx.slow)
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise EOFError("connection closed by the server")
        self.buf += chunk

    def _take_until(self, sep):
        while sep not in self.buf:
            self._fill()
        out, self.buf = self.buf.split(sep, 1)
        return out

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_response(self, head_only=False):
        head = self._take_until(b"\r\n\r\n")
        resp = parse_response(head + b"\r\n\r\n", head_only=True)
        if head_only or resp.status in (204, 304):
            return resp
        length = resp.header("content-length")
        if length is not None:
            resp.body = self._take(int(length))
        elif resp.header("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int(self._take_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    self._take_until(b"\r\n")
                    break
                body += self._take(size)
                check(self._take(2) == b"\r\n", "chunk not followed by CRLF")
            resp.body = body
        else:
            check(False, "response without framing")
        resp.raw = head + b"\r\n\r\n" + resp.body
        return resp

    def closed_by_server(self, timeout=5):
        """True if the server closes the connection (EOF) within @timeout."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except (socket.timeout, TimeoutError):
            return False
        except ConnectionResetError:
            return True


def parse_response(raw, head_only=False):
    """Parse one complete response from @raw; check its framing."""
    head, sep, rest = raw.partition(b"\r\n\r\n")
    check(sep, "no end of header block in %r" % raw[:200])
    lines = head.decode("latin-1").split("\r\n")
    version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
    check(version == "HTTP/1.1", "status line %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        check(colon and name == name.strip(), "bad header line %r" % line)
        headers.setdefault(name.lower(), []).append(value.strip())
    resp = Response(int(status), reason, headers, rest, raw)
    length = resp.header("content-length")
    if head_only or resp.status in (204, 304):
        resp.body = b""
    elif length is not None:
        check(len(rest) >= int(length), "body shorter than Content-Length")
        resp.body = rest[:int(length)]
    return resp


def request(ctx, raw_request, head_only=False, timeout=20):
    """Send one request on a new connection and read its response."""
    with HttpConn(ctx, timeout) as c:
        c.send(raw_request)
        return c.read_response(head_only)


def get(ctx, path, method="GET", version="1.1", headers="Host: t\r\n"):
    req = "%s %s HTTP/%s\r\n%s\r\n" % (method, path, version, headers)
    return request(ctx, req.encode(), head_only=(method == "HEAD"))


def check_common_headers(resp):
    """Every response: Date (IMF-fixdate), Server, exact framing."""
    date = resp.header("date")
    check(date is not None, "no Date header")
    parsedate_to_datetime(date)
    check(date.endswith(" GMT") and len(date) == 29, "Date %r" % date)
    check(resp.header("server") == "khttpd", "Server header")
    length = resp.header("content-length")
    check(length is not None or
          resp.header("transfer-encoding") == "chunked",
          "no framing")


def fib_pair(n):
    """(F(n), F(n+1)) by fast doubling on Python integers."""
    if n == 0:
        return 0, 1
    a, b = fib_pair(n >> 1)
    c = a * (2 * b - a)
    d = a * a + b * b
    return (d, c + d) if n & 1 else (c, d)


def fib(n):
    return fib_pair(n)[0]


def fib_mod(n, p):
    """F(n) mod p by fast doubling, for checking huge answers."""
    def pair(k):
        if k == 0:
            return 0, 1
        a, b = pair(k >> 1)
        c = a * (2 * b - a) % p
        d = (a * a + b * b) % p
        return (d, (c + d) % p) if k & 1 else (c, d)
    return pair(n)[0]


def decimal_mod(digits, p):
    """The value of a decimal string mod p, in blocks (no huge int)."""
    r = 0
    step = 10 ** 18 % p
    for i in range(0, len(digits) - len(digits) % 18, 18):
        r = (r * step + int(digits[i:i + 18])) % p
    rest = digits[len(digits) - len(digits) % 18:]
    if rest:
        r = (r * pow(10, len(rest), p) + int(rest)) % p
    return r
