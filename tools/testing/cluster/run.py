#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The cluster suite: three khttpd guests behind HAProxy, really.

Starts `tools/vm/cluster.py serve` (what make cluster runs) on free ports,
drives it through HAProxy and controls it with `cluster.py ctl` (what make
cluster-ctl runs).  Every response of every load run is checked: status
200, exact framing (Content-Length), body == F(N) computed here.

  sharding   300 distinct N once: the nodes' cache entries sum to 300, no
             node < 15 % or > 60 %; the second pass is 100 % hits
  upgrade    under load, each node in turn: drain, wait for its
             connections to end, rmmod, insmod (the same khttpd.ko),
             back in HAProxy: zero failed requests, no splat
  capacity   a working set 2.5x one node's cache, read twice:
             second pass >= 90 % hits through the cluster, and on one
             node alone with the same cap (reported, must be < 50 %)
  nodeloss   under load one guest's QEMU gets SIGKILL: zero
             failed requests; its keys move; booted again it serves them

All four run in make check (3 to 4 minutes here, most of it booting
guests under TCG); --long (make soak-cluster) makes the load phases 10 s
instead of 4, kills node 2 and then node 3, and upgrades every node three
times.

Prints "ok NAME" / "not ok NAME", a "# NAME: key=value ..." line of figures
per case (Documentation/cluster.md quotes them), then "# cluster: pass=P
fail=F".  The figures also go to WORKDIR/results.json.
"""
import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CLUSTER = os.path.join(ROOT, "tools", "vm", "cluster.py")
sys.path.insert(0, os.path.join(ROOT, "tools", "vm"))
sys.path.insert(0, os.path.join(ROOT, "tools", "testing", "guest"))

import cluster as clu  # noqa: E402
from common import fib  # noqa: E402

NODES = 3
CACHE_MB = 2


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


# ---- HTTP ------------------------------------------------------------------

class Conn:
    """A keep-alive client connection that reads responses by framing."""

    def __init__(self, port, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise EOFError("connection closed")
        self.buf += chunk

    def get(self, path):
        """(status, headers, body) of GET path; raises on bad framing."""
        self.sock.sendall(b"GET %s HTTP/1.1\r\nHost: c\r\n\r\n"
                          % path.encode())
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or parts[0] != "HTTP/1.1":
            raise Fail("status line %r" % lines[0])
        hdr = {}
        for line in lines[1:]:
            k, colon, v = line.partition(":")
            if not colon:
                raise Fail("header line %r" % line)
            hdr[k.strip().lower()] = v.strip()
        if "content-length" not in hdr:
            raise Fail("no Content-Length: %r" % lines)
        n = int(hdr["content-length"])
        while len(self.buf) < n:
            self._fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return int(parts[1]), hdr, body


def get_json(port, path):
    status, body = clu.http_get(port, path)
    check(status == 200, "GET %s on %d: %d" % (path, port, status))
    return json.loads(body)


class Answers:
    """F(N) as text, computed once per N."""

    def __init__(self):
        self.memo = {}
        self.lock = threading.Lock()

    def __call__(self, n):
        with self.lock:
            if n not in self.memo:
                self.memo[n] = str(fib(n)).encode()
            return self.memo[n]


ANSWERS = Answers()


class Load:
    """Client threads through HAProxy, each on a keep-alive connection,
    cycling over @keys; every response verified.  Records per request
    (time, N, node or None, ok)."""

    def __init__(self, port, keys, threads=3):
        self.port = port
        self.keys = keys
        self.threads = threads
        self.stop_ev = threading.Event()
        self.lock = threading.Lock()
        self.log = []           # (t, n, node, hit)
        self.failures = []      # (t, n, reason)
        self.workers = []

    def worker(self, seed):
        rnd = random.Random(seed)
        conn = None
        while not self.stop_ev.is_set():
            n = rnd.choice(self.keys)
            t = time.monotonic()
            try:
                if conn is None:
                    conn = Conn(self.port)
                status, hdr, body = conn.get("/fib/%d" % n)
                if status != 200 or body != ANSWERS(n):
                    raise Fail("N=%d: status %d, body %s" % (
                        n, status, "differs" if status == 200 else body[:80]))
                with self.lock:
                    self.log.append((t, n, hdr.get("x-khttpd-node"),
                                     hdr.get("x-cache") == "hit"))
                if hdr.get("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except Exception as e:  # a failed request, whatever the cause
                with self.lock:
                    self.failures.append((t, n, repr(e)))
                if conn:
                    conn.close()
                conn = None
        if conn:
            conn.close()

    def start(self):
        for i in range(self.threads):
            th = threading.Thread(target=self.worker, args=(i,), daemon=True)
            th.start()
            self.workers.append(th)
        return self

    def stop(self):
        self.stop_ev.set()
        for th in self.workers:
            th.join(60)


def one_pass(port, keys, threads=4):
    """GET every key once (threads in parallel); [(n, node, hit)]."""
    out = []
    errors = []
    it = iter(list(keys))
    lock = threading.Lock()

    def work():
        c = Conn(port)
        try:
            while True:
                with lock:
                    n = next(it, None)
                if n is None:
                    return
                status, hdr, body = c.get("/fib/%d" % n)
                if status != 200 or body != ANSWERS(n):
                    errors.append("N=%d status %d" % (n, status))
                with lock:
                    out.append((n, hdr.get("x-khttpd-node"),
                                hdr.get("x-cache") == "hit"))
                if hdr.get("connection", "").lower() == "close":
                    c.close()
                    c = Conn(port)
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()
    ths = [threading.Thread(target=work) for _ in range(threads)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    check(not errors, "pass failed: %s" % errors[:5])
    return out


# ---- the cluster -------------------------------------------------------------

def free_base():
    """A port P with P, P+9, P+11..P+10+NODES free on 127.0.0.1."""
    for _ in range(200):
        p = random.randrange(20000, 40000)
        ok = True
        for q in [p, p + 9] + [p + 10 + i for i in range(1, NODES + 1)]:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", q))
                except OSError:
                    ok = False
                    break
        if ok:
            return p
    raise RuntimeError("no free ports")


class Harness:
    def __init__(self, args):
        self.args = args
        self.workdir = os.path.abspath(args.workdir)
        self.port = free_base()
        self.node_ports = {"node%d" % i: self.port + 10 + i
                           for i in range(1, NODES + 1)}
        self.proc = None
        self.lines = []

    def start(self):
        cmd = [sys.executable, CLUSTER, "serve", "--kernel", self.args.kernel,
               "--initrd", self.args.initrd, "--workdir", self.workdir,
               "--nodes", str(NODES), "--port", str(self.port),
               "--mem", "512", "--cache-mb", str(CACHE_MB),
               "--accel", self.args.accel]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT,
                                     universal_newlines=True)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("cluster.py exited: %s" %
                                   "".join(self.lines[-10:]))
            self.lines.append(line)
            print("# " + line.rstrip())
            if line.startswith("khttpd cluster stats:"):
                threading.Thread(target=self._drain_output,
                                 daemon=True).start()
                return
        raise RuntimeError("cluster not ready in 600s")

    def _drain_output(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def ctl(self, node, action):
        ok, text = clu.ctl(self.workdir, node, action)
        check(ok, "cluster-ctl %d %s: %s" % (node, action, text))
        return text

    def stop(self):
        """SIGTERM: rmmod and splat check in every guest; exit status."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(180)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = -1
        time.sleep(0.2)
        return rc

    def node_stats(self):
        return {name: get_json(port, "/stats")
                for name, port in self.node_ports.items()}

    def haproxy_stat(self):
        out = clu.haproxy_cmd(os.path.join(self.workdir, "haproxy.sock"),
                              "show stat")
        lines = out.splitlines()
        fields = lines[0].lstrip("# ").split(",")
        rows = {}
        for line in lines[1:]:
            row = dict(zip(fields, line.split(",")))
            if row.get("pxname") == "khttpd":
                rows[row["svname"]] = row
        return rows


# ---- the cases ---------------------------------------------------------------

def share(nodes, names):
    total = len(nodes)
    return {n: nodes.count(n) / total for n in names}


def test_sharding(h, res):
    keys = list(range(3000, 3300))
    for i in range(1, NODES + 1):
        h.ctl(i, "flush")
    before = h.node_stats()
    t = time.monotonic()
    first = one_pass(h.port, keys)
    after = h.node_stats()
    entries = {n: after[n]["cache"]["entries"] - before[n]["cache"]["entries"]
               for n in after}
    total = sum(entries.values())
    shares = {n: v / 300 for n, v in entries.items()}
    by_header = share([node for _, node, _ in first], h.node_ports)
    second = one_pass(h.port, keys)
    hits = sum(1 for _, _, hit in second if hit)
    moved = sum(1 for (a, b) in zip(sorted(first), sorted(second))
                if a[1] != b[1])
    res.update(requests=600, entries=total,
               shares={n: round(v, 3) for n, v in shares.items()},
               second_pass_hits=hits, moved=moved,
               seconds=round(time.monotonic() - t, 1))
    check(total == 300, "cache entries sum to %d, not 300: %r"
          % (total, entries))
    for n, s in shares.items():
        check(0.15 <= s <= 0.60, "%s holds %.0f %%" % (n, 100 * s))
        check(abs(s - by_header[n]) < 0.01,
              "%s: entries %.3f, X-Khttpd-Node %.3f" % (n, s, by_header[n]))
    check(hits == 300, "second pass: %d/300 hits" % hits)
    check(moved == 0, "%d keys answered by another node" % moved)


def test_upgrade(h, res):
    keys = list(range(100, 400))
    for k in keys:
        ANSWERS(k)
    load = Load(h.port, keys).start()
    t0 = time.monotonic()
    notes = []
    try:
        time.sleep(2)
        for _ in range(3 if h.args.long else 1):
            for i in range(1, NODES + 1):
                notes.append(h.ctl(i, "upgrade").split(" ", 1)[1])
                time.sleep(1)
        time.sleep(2)
    finally:
        load.stop()
    tail = [node for (t, _, node, _) in load.log if t > t0 + 2 and node]
    splats = [(i, h.ctl(i, "splats")) for i in range(1, NODES + 1)]
    splats = [(i, s) for i, s in splats if s.strip() != "ok"]
    # serving at the end: a pass through HAProxy reaches every node
    end = one_pass(h.port, list(range(5000, 5090)))
    end_nodes = set(node for _, node, _ in end)
    res.update(requests=len(load.log) + len(load.failures),
               failures=len(load.failures), seconds=round(
                   time.monotonic() - t0, 1), nodes=notes,
               end_nodes=sorted(end_nodes), load_rps=round(
                   len(load.log) / (time.monotonic() - t0), 1))
    check(not load.failures, "%d failed requests: %r" % (
        len(load.failures), load.failures[:5]))
    check(not splats, "kernel log: %r" % splats)
    check(end_nodes == set(h.node_ports), "serving at the end: %r"
          % sorted(end_nodes))
    check(len(tail) > 0, "no load")


def test_capacity(h, res):
    # One entry's cost, measured: node1, one N.
    base = 60000
    h.ctl(1, "flush")
    c = Conn(h.node_ports["node1"])
    c.get("/fib/%d" % base)
    c.close()
    st = get_json(h.node_ports["node1"], "/stats")["cache"]
    cost = st["bytes"] / max(st["entries"], 1)
    cap = st["cap"]
    count = int(2.5 * cap / cost)
    keys = [base + i for i in range(count)]
    for k in keys:
        ANSWERS(k)
    # One node alone, the same cap.
    h.ctl(1, "flush")
    one_pass(h.node_ports["node1"], keys)
    single = sum(hit for _, _, hit in one_pass(h.node_ports["node1"], keys))
    # The cluster.
    for i in range(1, NODES + 1):
        h.ctl(i, "flush")
    one_pass(h.port, keys)
    second = one_pass(h.port, keys)
    hits = sum(hit for _, _, hit in second)
    st = h.node_stats()
    res.update(entry_bytes=int(cost), cap_bytes=cap, keys=count,
               working_set_bytes=int(count * cost),
               single_node_hit_ratio=round(single / count, 3),
               cluster_hit_ratio=round(hits / count, 3),
               node_bytes={n: s["cache"]["bytes"] for n, s in st.items()})
    check(hits >= 0.9 * count, "cluster: %d/%d hits" % (hits, count))
    check(single < 0.5 * count, "one node: %d/%d hits" % (single, count))


def wait_haproxy(h, name, want, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if h.haproxy_stat()[name]["status"].startswith(want):
            return time.monotonic()
        time.sleep(0.05)
    raise Fail("%s not %s in HAProxy after %ds" % (name, want, timeout))


def test_nodeloss(h, res):
    phase = 10 if h.args.long else 4
    for victim in ([2, 3] if h.args.long else [2]):
        r = {}
        res["node%d" % victim] = r
        node_loss(h, r, victim, phase)


def node_loss(h, res, victim, phase):
    keys = list(range(600, 900))
    for k in keys:
        ANSWERS(k)
    vname = "node%d" % victim
    be0 = h.haproxy_stat()["BACKEND"]
    load = Load(h.port, keys).start()
    t0 = time.monotonic()
    try:
        time.sleep(phase)
        t_kill = time.monotonic()
        h.ctl(victim, "kill")
        t_down = wait_haproxy(h, vname, "DOWN", 30)
        time.sleep(phase)
        t_start = time.monotonic()
        h.ctl(victim, "start")          # boots, insmod, waits UP
        t_up = time.monotonic()
        time.sleep(phase)
    finally:
        load.stop()
    be1 = h.haproxy_stat()["BACKEND"]
    log = load.log
    # A request begun just before the kill may end on another node
    # (redispatched): "before" is what ended well before it.
    before = {n: node for (t, n, node, _) in log if t < t_kill - 1}
    during = [node for (t, n, node, _) in log if t_down < t < t_start]
    after = {n: node for (t, n, node, _) in log if t > t_up + 1}
    owned_before = {n for n, node in before.items() if node == vname}
    owned_after = {n for n, node in after.items() if node == vname}
    common = set(before) & set(after)
    res.update(requests=len(log) + len(load.failures),
               failures=len(load.failures),
               retries=int(be1["wretr"]) - int(be0["wretr"]),
               redispatches=int(be1["wredis"]) - int(be0["wredis"]),
               detect_s=round(t_down - t_kill, 2),
               out_of_service_s=round(t_up - t_kill, 1),
               reboot_s=round(t_up - t_start, 1),
               share_before=round(len(owned_before) / max(len(before), 1), 3),
               served_by_victim_while_down=during.count(vname),
               keys_back_on_victim=len(owned_after & common),
               keys_owned_before=len(owned_before & common),
               share_after=round(len(owned_after) / max(len(after), 1), 3))
    check(not load.failures, "%d failed requests: %r" % (
        len(load.failures), load.failures[:5]))
    check(during.count(vname) == 0, "%s served while down" % vname)
    check(len(during) > 0, "no request while the node was down")
    check(owned_before & common == owned_after & common,
          "the victim's keys differ before and after")
    check(len(owned_after) > 0, "%s serves nothing after rejoining" % vname)


ORDER = ["sharding", "capacity", "nodeloss", "upgrade"]
CASES = {"sharding": test_sharding, "upgrade": test_upgrade,
         "capacity": test_capacity, "nodeloss": test_nodeloss}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--accel", default="auto")
    ap.add_argument("--long", action="store_true",
                    help="soak-cluster: longer load phases, node loss "
                    "of two nodes, three rolling upgrades")
    ap.add_argument("-k", dest="pattern", default="")
    ap.add_argument("--suite-name", default="cluster")
    args = ap.parse_args()
    suite = args.suite_name
    names = [n for n in ORDER if args.pattern in n]
    if not names:
        print("# %s: no case matches -k %r" % (suite, args.pattern))
        print("# %s: pass=0 fail=0" % suite)
        return 1
    t_all = time.monotonic()
    h = Harness(args)
    passed = failed = 0
    results = {}
    try:
        t = time.monotonic()
        h.start()
        results["boot_s"] = round(time.monotonic() - t, 1)
        print("# %s: booted %d nodes in %.0fs" % (suite, NODES,
                                                  results["boot_s"]))
    except Exception as e:
        print("not ok cluster-boot: %s" % e)
        if h.proc and h.proc.poll() is None:
            h.stop()
        print("# %s: pass=0 fail=1" % suite)
        return 1
    for name in names:
        res = {}
        t = time.monotonic()
        try:
            CASES[name](h, res)
        except Exception:
            failed += 1
            print("not ok %s" % name)
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print("ok %s (%.1fs)" % (name, time.monotonic() - t))
        res["case_s"] = round(time.monotonic() - t, 1)
        results[name] = res
        print("# %s: %s" % (name, json.dumps(res, sort_keys=True)))
        sys.stdout.flush()
    rc = h.stop()
    if rc == 0:
        passed += 1
        print("ok shutdown (rmmod and a clean kernel log in every guest)")
    else:
        failed += 1
        print("not ok shutdown: cluster.py exited %d" % rc)
        for line in h.lines[-20:]:
            print("#   " + line.rstrip())
    results["total_s"] = round(time.monotonic() - t_all, 1)
    with open(os.path.join(h.workdir, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    print("# %s: total %.0fs" % (suite, results["total_s"]))
    print("# %s: pass=%d fail=%d" % (suite, passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
