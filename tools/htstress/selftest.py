#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of htstress against deliberately misbehaving local servers.

usage: selftest.py [-v] PATH/TO/htstress

Starts a small HTTP server on 127.0.0.1 (and ::1 when available), on an
ephemeral port, whose paths misbehave in known ways (wrong Content-Length,
broken chunked framing, hangs, closes mid-response...), runs htstress
against each, and checks its exact counts and exit status.  Prints
"ok NAME" / "not ok NAME" per case and "# htstress: pass=P fail=F";
exits 1 on any failure.  Standard library only; loopback only.
"""

import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HOLD = 5.0  # longest a handler waits on a silent client


def ok_response(body=b"ok", extra=b""):
    return (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s"
            % (len(body), extra, body))


def chunked(parts, trailer=b""):
    out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    for i, p in enumerate(parts):
        ext = b";x=1" if i == 0 else b""
        out += b"%x%s\r\n%s\r\n" % (len(p), ext, p)
    return out + b"0\r\n" + trailer + b"\r\n"


class Server:
    """A threaded raw-socket HTTP server; each path is one behaviour."""

    def __init__(self, family=socket.AF_INET, host="127.0.0.1"):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.hits = {}
        self.paths = []
        self.stopping = False
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def close(self):
        self.stopping = True
        self.sock.close()

    def accept_loop(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,),
                             daemon=True).start()

    def count(self, key):
        with self.lock:
            self.hits[key] = self.hits.get(key, 0) + 1
            return self.hits[key]

    def serve(self, conn):
        conn.settimeout(HOLD)
        buf = b""
        served = 0
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, buf = buf.split(b"\r\n\r\n", 1)
                method, path = head.split(b" ")[:2]
                served += 1
                with self.lock:
                    self.paths.append(path.decode())
                if not self.respond(conn, method, path.decode(), served):
                    return
        except OSError:
            pass
        finally:
            self.linger(conn)

    def linger(self, conn):
        """Close gracefully: FIN first, then read what the client sent."""
        try:
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(1.0)
            while conn.recv(65536):
                pass
        except OSError:
            pass
        conn.close()

    def hang(self, conn):
        """Say nothing until the client gives up."""
        try:
            while conn.recv(65536):
                pass
        except OSError:
            pass
        return False

    def reset(self, conn):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
        conn.close()
        raise OSError("reset")

    def respond(self, conn, method, path, served):
        """Answer one request; False closes the connection."""
        name = path.split("/")[1] if "/" in path else path
        send = conn.sendall
        if name == "ok":
            send(ok_response())
        elif name == "head":
            if method != b"HEAD":
                send(b"HTTP/1.1 405 No\r\nContent-Length: 0\r\n\r\n")
            else:
                send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        elif name == "chunked":
            send(chunked([b"hello ", b"chunked ", b"world"],
                         b"X-Trailer: 1\r\n"))
        elif name == "eof":
            send(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil eof")
            return False
        elif name == "http10":
            send(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
            return False
        elif name == "interim":
            send(b"HTTP/1.1 100 Continue\r\n\r\n" + ok_response())
        elif name == "nocontent":
            send(b"HTTP/1.1 204 No Content\r\n\r\n")
        elif name == "notfound":
            send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno\n")
        elif name == "short":
            send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
            return False
        elif name == "long":
            send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA")
        elif name == "badchunk":
            send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"zz\r\nhello\r\n0\r\n\r\n")
        elif name == "chunknocrlf":
            send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"5\r\nhelloX\r\n0\r\n\r\n")
        elif name == "chunktrunc":
            send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"10\r\nonly part")
            return False
        elif name == "bothlen":
            send(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        elif name == "twolen":
            send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                 b"Content-Length: 3\r\n\r\nok")
        elif name == "garbage":
            send(b"HELLO THERE\r\n\r\n")
        elif name == "bareLF":
            send(b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok")
        elif name == "midheader":
            send(b"HTTP/1.1 200 OK\r\nContent-Le")
            return False
        elif name == "drop":
            return False
        elif name == "reset":
            return self.reset(conn)
        elif name == "hang":
            return self.hang(conn)
        elif name == "flaky":  # every third request: closed unanswered
            if self.count("flaky") % 3 == 0:
                return False
            send(ok_response())
        elif name == "slow":  # every fourth request: no answer
            if self.count("slow") % 4 == 0:
                return self.hang(conn)
            send(ok_response())
        elif name == "closing":  # Connection: close every 3rd answer
            if served % 3 == 0:
                send(ok_response(extra=b"Connection: close\r\n"))
                return False
            send(ok_response())
        elif name == "range":
            n = int(path.split("/")[2])
            send(ok_response() if 5 <= n <= 7 else
                 b"HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n")
        elif name == "big":
            send(ok_response(b"x" * 300000))
        else:
            send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        return True


class Runner:
    def __init__(self, binary, verbose):
        self.binary = binary
        self.verbose = verbose
        self.passed = 0
        self.failed = 0

    def report(self, name, problems):
        if problems:
            self.failed += 1
            print("not ok %s" % name)
            for p in problems:
                print("#   %s" % p)
        else:
            self.passed += 1
            print("ok %s" % name)
        sys.stdout.flush()

    def run(self, args, timeout=30):
        try:
            p = subprocess.run([self.binary] + args, capture_output=True,
                               text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, None, "htstress did not finish in %ds" % timeout
        if self.verbose:
            print("# $ htstress %s -> %d\n# %s" % (" ".join(args),
                                                  p.returncode, p.stdout))
        return p.returncode, p.stdout, p.stderr

    def case(self, name, url, args, expect, rc=None, check=None):
        """Run htstress --json and compare counters with @expect."""
        code, out, err = self.run(["--json"] + args + [url])
        problems = []
        if code is None:
            self.report(name, [err])
            return None
        try:
            res = json.loads(out)
        except ValueError:
            self.report(name, ["not JSON: %r %r" % (out, err)])
            return None
        for key, want in expect.items():
            got = res.get(key)
            if isinstance(got, dict):
                got = {k: v for k, v in got.items()}
            if got != want:
                problems.append("%s: expected %r, got %r" % (key, want, got))
        if rc is None:
            rc = 0 if res.get("good") == res.get("requests") else 1
        if code != rc:
            problems.append("exit status %d, expected %d" % (code, rc))
        if check:
            problems += check(res)
        self.report(name, problems)
        return res


def framing_cases(r, base):
    """Responses with wrong framing count as bad, never good."""
    bad = {"good": 0, "bad": 5, "bad_framing": 5, "errors": 0,
           "timeouts": 0, "requests": 5}
    for path in ("short", "long", "badchunk", "chunknocrlf", "chunktrunc",
                 "bothlen", "twolen", "garbage", "bareLF", "midheader"):
        r.case("bad-" + path, base + "/" + path, ["-n", "5"], bad)
    r.case("bad-status-404", base + "/notfound", ["-n", "7", "-c", "2"],
           {"good": 0, "bad": 7, "bad_status": 7, "bad_framing": 0,
            "status": {"404": 7}})
    r.case("expect-status-404", base + "/notfound",
           ["-n", "4", "--expect-status", "404"],
           {"good": 4, "bad": 0, "status": {"404": 4}})


def good_cases(r, base):
    """Correct responses of every framing count as good."""
    for path, extra in (("ok", []), ("chunked", []), ("eof", []),
                        ("http10", []), ("interim", []), ("nocontent", []),
                        ("head", ["--head"]), ("closing", ["-p", "4"]),
                        ("big", ["-c", "2"])):
        r.case("good-" + path, base + "/" + path, ["-n", "30"] + extra,
               {"good": 30, "bad": 0, "errors": 0, "timeouts": 0,
                "requests": 30})
    r.case("pipeline", base + "/ok", ["-n", "400", "-c", "4", "-t", "2",
                                      "-p", "8"],
           {"good": 400, "requests": 400, "connects": 4},
           check=lambda res: [] if res["latency_us"]["count"] == 400 else
           ["latency count %r" % res["latency_us"]])
    r.case("close-mode", base + "/ok", ["-n", "40", "-c", "3", "--close"],
           {"good": 40, "connects": 40, "keepalive": False})
    r.case("pipeline-chunked", base + "/chunked", ["-n", "90", "-p", "5"],
           {"good": 90, "connects": 1})


def failure_cases(r, base, srv):
    """Errors and timeouts are counted and the connection reopened."""
    r.case("errors-drop", base + "/drop", ["-n", "4"],
           {"good": 0, "errors": 4, "bad": 0, "requests": 4})
    r.case("errors-reset", base + "/reset", ["-n", "3"],
           {"good": 0, "errors": 3, "bad": 0, "requests": 3})
    srv.hits.clear()
    r.case("errors-flaky-reconnect", base + "/flaky", ["-n", "9"],
           {"good": 6, "errors": 3, "bad": 0, "requests": 9})
    srv.hits.clear()
    r.case("timeouts-slow", base + "/slow",
           ["-n", "8", "--timeout", "0.3"],
           {"good": 6, "timeouts": 2, "errors": 0, "requests": 8})
    r.case("timeouts-hang", base + "/hang",
           ["-n", "4", "-c", "2", "--timeout", "0.2"],
           {"good": 0, "timeouts": 4, "requests": 4})
    r.case("allow-errors", base + "/drop", ["-n", "2", "--allow-errors"],
           {"errors": 2}, rc=0)
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    port = dead.getsockname()[1]
    dead.close()
    r.case("errors-refused", "http://127.0.0.1:%d/ok" % port, ["-n", "5"],
           {"good": 0, "errors": 5, "connects": 0})


def pattern_cases(r, base, srv):
    with srv.lock:
        srv.paths.clear()

    def seen_all(res):
        with srv.lock:
            got = {p for p in srv.paths if p.startswith("/range/")}
        want = {"/range/5", "/range/6", "/range/7"}
        return [] if got == want else ["paths seen: %r" % sorted(got)]
    r.case("rand-pattern", base + "/range/{rand:5:7}",
           ["-n", "60", "-c", "2", "--seed", "7"],
           {"good": 60, "seed": 7}, check=seen_all)

    def seeded(seed):
        with srv.lock:
            srv.paths.clear()
        r.run(["--seed", str(seed), "-n", "20",
               base + "/range/{rand:0:1000000}"])
        with srv.lock:
            return list(srv.paths)
    a, b = seeded(42), seeded(42)
    r.report("rand-seed-reproducible",
             [] if a == b and len(a) == 20 else ["%r != %r" % (a, b)])

    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        f.write("# paths\n/ok\n\n%s/notfound  # full URL\n" % base)
        f.flush()
        r.case("file-list", base, ["-n", "10", "-f", f.name],
               {"good": 5, "bad_status": 5, "status": {"200": 5, "404": 5}})
    r.case("duration", base + "/ok", ["-d", "0.5", "-c", "2"], {"bad": 0},
           check=lambda res: [] if res["good"] > 10 and
           0.45 < res["seconds"] < 2 else ["%r" % res])


def cli_cases(r, base):
    code, out, _ = r.run(["--help"])
    r.report("help", [] if code == 0 and "usage: htstress" in out and
             "Exit status" in out else ["--help -> %r" % code])
    for name, args in (("no-url", []), ("bad-scheme", ["https://1.2.3.4/"]),
                       ("hostname", ["http://example.invalid/"]),
                       ("bad-pattern", [base + "/{rand:9:1}"]),
                       ("bad-count", ["-n", "0", base + "/ok"])):
        code, _, err = r.run(args)
        r.report("usage-" + name, [] if code == 2 else
                 ["exit %r (%s)" % (code, err.strip())])


def ipv6_cases(r):
    try:
        srv6 = Server(socket.AF_INET6, "::1")
    except OSError:
        print("ok ipv6 # SKIP no ::1")
        r.passed += 1
        return
    r.case("ipv6", "http://[::1]:%d/ok" % srv6.port,
           ["-n", "50", "-c", "2", "-p", "2"], {"good": 50})
    srv6.close()


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv[1:] if a != "-v"]
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args and args[0] in ("-h", "--help") else 2
    binary = os.path.abspath(args[0])
    r = Runner(binary, verbose)
    srv = Server()
    base = "http://127.0.0.1:%d" % srv.port
    start = time.monotonic()
    cli_cases(r, base)
    good_cases(r, base)
    framing_cases(r, base)
    failure_cases(r, base, srv)
    pattern_cases(r, base, srv)
    ipv6_cases(r)
    r.case("localhost", "http://localhost:%d/ok" % srv.port, ["-n", "3"],
           {"good": 3})
    srv.close()
    print("# selftest took %.1f s" % (time.monotonic() - start))
    print("# htstress: pass=%d fail=%d" % (r.passed, r.failed))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
