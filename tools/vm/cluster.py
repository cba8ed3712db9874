#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A khttpd cluster: NODES QEMU guests behind HAProxy (make cluster).

  cluster.py serve --kernel VMLINUZ --initrd INITRD --workdir DIR
                   [--nodes 3] [--port 8080] [--cache-mb 8] ...
      Boots the guests (1 vCPU each), loads khttpd.ko in each, writes
      DIR/haproxy.cfg from tools/vm/haproxy.cfg.in and runs haproxy in
      the foreground; prints
        khttpd cluster ready: http://127.0.0.1:PORT/ nodes: http://...
        khttpd cluster stats: http://127.0.0.1:PORT+9/
      and serves until SIGINT/SIGTERM, then rmmod and a splat check in
      every guest, and HAProxy stopped.  Node I listens on PORT+10+I.

  cluster.py ctl --workdir DIR NODE ACTION      (make cluster-ctl)
      Controls the running cluster through DIR/cluster.sock.  ACTION:
        drain     drain=1: /healthz 503, HAProxy takes the node out
        undrain   drain=0
        rmmod     rmmod khttpd (drain first, or requests are retried)
        insmod    insmod khttpd.ko with the cluster's parameters
        upgrade   drain, wait until its connections end, rmmod, insmod,
                  wait until HAProxy has it UP again
        kill      SIGKILL the node's QEMU (a crash, a pulled cable)
        start     boot a killed node again and insmod
        flush     empty the node's response cache
        splats    the node's kernel log lines that report a bug
        status    every node (NODE is ignored; 0 is fine)
      Prints the answer; exits non-zero when the action failed.

The control socket is served by the `serve` process, which owns each
guest's agent channel; one action at a time per node.
"""
import argparse
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest as vm  # noqa: E402

TEMPLATE = os.path.join(HERE, "haproxy.cfg.in")


def http_get(port, path, timeout=5):
    """One GET on a new connection to 127.0.0.1:port; (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout) as s:
        s.sendall(b"GET %s HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n"
                  % path.encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, body


def haproxy_cmd(sock_path, cmd, timeout=5):
    """A command on HAProxy's runtime API (stats socket); its answer."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(sock_path)
        s.sendall(cmd.encode() + b"\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data.decode(errors="replace")


def haproxy_servers(sock_path):
    """{server name: status} of the khttpd backend (UP, DOWN, ...)."""
    out = haproxy_cmd(sock_path, "show stat")
    lines = out.splitlines()
    if not lines:
        return {}
    fields = lines[0].lstrip("# ").split(",")
    res = {}
    for line in lines[1:]:
        row = dict(zip(fields, line.split(",")))
        if row.get("pxname") == "khttpd" and row.get("svname", "").startswith("node"):
            res[row["svname"]] = row.get("status", "")
    return res


class Node:
    def __init__(self, idx, cl):
        self.idx = idx
        self.name = "node%d" % idx
        self.port = cl.port + 10 + idx
        self.cl = cl
        self.lock = threading.Lock()
        self.workdir = os.path.join(cl.workdir, self.name)
        self.guest = None
        self.loaded = False
        self.state = "off"      # off, booting, up, killed
        self.splats = []

    def boot(self):
        self.state = "booting"
        self.guest = vm.Guest(self.cl.kernel, self.cl.initrd, self.workdir,
                              mem=self.cl.mem, smp=1, accel=self.cl.accel,
                              forwards=[(self.port, 8081)],
                              new_session=True)
        self.guest.start(timeout=300)
        self.state = "up"
        self.insmod()

    def insmod(self):
        args = "port=8081 cache_mb=%d %s" % (self.cl.cache_mb,
                                             self.cl.module_args)
        rc, out = self.guest.insmod(args=args.strip())
        if rc != 0:
            raise vm.GuestError("insmod: %s" % out.strip())
        self.loaded = True
        if not vm.wait_http(self.port, "/healthz"):
            raise vm.GuestError("no answer on port %d" % self.port)

    def rmmod(self):
        rc, out = self.guest.rmmod()
        if rc != 0:
            raise vm.GuestError("rmmod: %s" % out.strip())
        self.loaded = False

    def set_drain(self, on):
        self.guest.run("echo %d > /sys/module/khttpd/parameters/drain"
                       % on, check=True)

    def open_conns(self):
        _, body = http_get(self.port, "/stats")
        return json.loads(body)["connections"]["open"]

    def check_splats(self):
        log = self.guest.dmesg()
        found = vm.find_splats(log)
        self.splats += [l for l in found if l not in self.splats]
        return found

    def kill(self):
        self.guest.kill()
        self.loaded = False
        self.state = "killed"


class Cluster:
    def __init__(self, args):
        self.kernel = args.kernel
        self.initrd = args.initrd
        self.workdir = os.path.abspath(args.workdir)
        self.port = args.port
        self.mem = args.mem
        self.accel = args.accel
        self.cache_mb = args.cache_mb
        self.module_args = args.module_args
        self.stats_port = args.port + 9
        self.admin = os.path.join(self.workdir, "haproxy.sock")
        self.nodes = [Node(i + 1, self) for i in range(args.nodes)]
        self.haproxy = None
        os.makedirs(self.workdir, exist_ok=True)

    def node(self, idx):
        if not 1 <= idx <= len(self.nodes):
            raise ValueError("no node %d (1..%d)" % (idx, len(self.nodes)))
        return self.nodes[idx - 1]

    def write_config(self):
        servers = "\n".join("\tserver %s 127.0.0.1:%d" % (n.name, n.port)
                            for n in self.nodes)
        with open(TEMPLATE) as f:
            text = f.read()
        text = (text.replace("@BIND@", "127.0.0.1:%d" % self.port)
                .replace("@STATS@", "127.0.0.1:%d" % self.stats_port)
                .replace("@ADMIN@", self.admin)
                .replace("@SERVERS@", servers))
        path = os.path.join(self.workdir, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_haproxy(self):
        cfg = self.write_config()
        r = subprocess.run(["haproxy", "-c", "-f", cfg],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise RuntimeError("haproxy -c: %s" % r.stdout.decode())
        log = open(os.path.join(self.workdir, "haproxy.log"), "w")
        self.haproxy = subprocess.Popen(["haproxy", "-db", "-f", cfg],
                                        stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=log,
                                        start_new_session=True)

    def wait_status(self, node, want, timeout=30):
        """Wait until HAProxy reports @node's status starting with @want."""
        deadline = time.monotonic() + timeout
        st = None
        while time.monotonic() < deadline:
            try:
                st = haproxy_servers(self.admin).get(node.name, "")
                if st.startswith(want):
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("%s is %s in HAProxy, not %s after %ds"
                           % (node.name, st, want, timeout))

    # ---- control actions ------------------------------------------------

    def action(self, idx, act):
        if act == "status":
            return self.status()
        n = self.node(idx)
        with n.lock:
            if act == "start":
                if n.state not in ("killed", "off"):
                    raise RuntimeError("%s is %s" % (n.name, n.state))
                t = time.monotonic()
                try:
                    n.boot()
                except Exception:
                    n.kill()
                    raise
                self.wait_status(n, "UP", 60)
                return "%s started and UP in %.1fs" % (n.name,
                                                        time.monotonic() - t)
            if n.state != "up":
                raise RuntimeError("%s is %s" % (n.name, n.state))
            if act == "kill":
                n.kill()
                return "%s killed" % n.name
            if act == "drain":
                n.set_drain(1)
                return "%s drain=1" % n.name
            if act == "undrain":
                n.set_drain(0)
                return "%s drain=0" % n.name
            if act == "rmmod":
                n.rmmod()
                return "%s rmmod done" % n.name
            if act == "insmod":
                n.insmod()
                return "%s insmod done" % n.name
            if act == "flush":
                n.guest.run("echo 1 > /sys/module/khttpd/parameters/"
                            "cache_flush", check=True)
                return "%s cache flushed" % n.name
            if act == "splats":
                return "\n".join(n.check_splats())
            if act == "upgrade":
                return self.upgrade(n)
        raise ValueError("unknown action %r" % act)

    def upgrade(self, n):
        """Drain, wait for idle, rmmod, insmod, undrain, wait UP."""
        t0 = time.monotonic()
        n.set_drain(1)
        self.wait_status(n, "DOWN", 30)
        # Our own /stats connection is one of them.
        deadline = time.monotonic() + 30
        while n.open_conns() > 1:
            if time.monotonic() > deadline:
                raise RuntimeError("%s: connections still open after 30s"
                                   % n.name)
            time.sleep(0.1)
        t1 = time.monotonic()
        n.rmmod()
        n.insmod()      # drain is 0 in the new module
        self.wait_status(n, "UP", 30)
        t2 = time.monotonic()
        return ("%s upgraded: drained in %.1fs, out of service %.1fs"
                % (n.name, t1 - t0, t2 - t0))

    def status(self):
        try:
            hs = haproxy_servers(self.admin)
        except OSError as e:
            hs = {}
        return "\n".join("%s %s port=%d module=%s haproxy=%s" %
                         (n.name, n.state, n.port,
                          "loaded" if n.loaded else "no",
                          hs.get(n.name, "?")) for n in self.nodes)

    def serve_ctl(self):
        cl = self
        path = os.path.join(self.workdir, "cluster.sock")
        if os.path.exists(path):
            os.unlink(path)

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                line = self.rfile.readline().decode().split()
                try:
                    idx, act = int(line[0]), line[1]
                    out = "ok " + cl.action(idx, act).replace("\n", "\n  ")
                except Exception as e:  # the operator reads the reason
                    out = "error %s" % e
                self.wfile.write(out.encode() + b"\n")

        class Server(socketserver.ThreadingMixIn,
                     socketserver.UnixStreamServer):
            daemon_threads = True

        self.ctl_server = Server(path, Handler)
        threading.Thread(target=self.ctl_server.serve_forever,
                         daemon=True).start()

    # ---- whole cluster --------------------------------------------------

    def boot_all(self):
        errors = []

        def boot(n):
            try:
                n.boot()
            except Exception as e:
                errors.append("%s: %s" % (n.name, e))
        threads = [threading.Thread(target=boot, args=(n,))
                   for n in self.nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError("; ".join(errors))

    def shutdown(self):
        """rmmod and splat check in every guest, HAProxy stopped;
        returns the list of problems."""
        problems = []
        for n in self.nodes:
            with n.lock:
                if n.guest is None or n.state != "up":
                    if n.guest:
                        n.guest.kill()
                    continue
                if n.loaded:
                    try:
                        n.rmmod()
                    except Exception as e:
                        problems.append("%s: %s" % (n.name, e))
                for line in n.guest.stop():
                    problems.append("%s: kernel log: %s" % (n.name, line))
                n.state = "off"
                for line in n.splats:
                    problems.append("%s: kernel log: %s" % (n.name, line))
        if self.haproxy and self.haproxy.poll() is None:
            self.haproxy.terminate()
            try:
                self.haproxy.wait(10)
            except subprocess.TimeoutExpired:
                self.haproxy.kill()
        return problems


def serve(args):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    cl = Cluster(args)
    t0 = time.monotonic()
    status = 0
    try:
        cl.start_haproxy()
        cl.serve_ctl()
        cl.boot_all()
        for n in cl.nodes:
            cl.wait_status(n, "UP", 60)
    except Exception as e:
        print("khttpd cluster: %s" % e, file=sys.stderr)
        for p in cl.shutdown():
            print("khttpd cluster: %s" % p, file=sys.stderr)
        return 1
    print("khttpd cluster: %d guest(s) booted in %.0fs (%s); Ctrl-C or "
          "SIGTERM stops it; control: %s ctl --workdir %s NODE ACTION"
          % (len(cl.nodes), time.monotonic() - t0, cl.nodes[0].guest.accel,
             sys.argv[0], cl.workdir), file=sys.stderr, flush=True)
    print("khttpd cluster ready: http://127.0.0.1:%d/ nodes: %s"
          % (cl.port, " ".join("http://127.0.0.1:%d/" % n.port
                               for n in cl.nodes)), flush=True)
    print("khttpd cluster stats: http://127.0.0.1:%d/" % cl.stats_port,
          flush=True)
    while not stop:
        if cl.haproxy.poll() is not None:
            print("khttpd cluster: haproxy exited", file=sys.stderr)
            status = 1
            break
        time.sleep(0.2)
    problems = cl.shutdown()
    for p in problems:
        print("khttpd cluster: %s" % p, file=sys.stderr)
    print("khttpd cluster: stopped (logs: %s)" % cl.workdir, flush=True)
    return 1 if problems or status else 0


def ctl(workdir, node, action, timeout=400):
    """Send one action to a running cluster; (ok, answer)."""
    path = os.path.join(os.path.abspath(workdir), "cluster.sock")
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(("%d %s\n" % (node, action)).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    text = data.decode().rstrip("\n")
    return text.startswith("ok"), text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--kernel", required=True)
    s.add_argument("--initrd", required=True)
    s.add_argument("--workdir", required=True)
    s.add_argument("--nodes", type=int, default=3)
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--mem", type=int, default=640, help="MiB per guest")
    s.add_argument("--cache-mb", type=int, default=8)
    s.add_argument("--module-args", default="")
    s.add_argument("--accel", default="auto", choices=["auto", "tcg", "kvm"])
    c = sub.add_parser("ctl")
    c.add_argument("--workdir", required=True)
    c.add_argument("node", type=int)
    c.add_argument("action")
    args = ap.parse_args()
    if args.cmd == "serve":
        return serve(args)
    try:
        ok, text = ctl(args.workdir, args.node, args.action)
    except OSError as e:
        print("cluster ctl: no cluster at %s: %s" % (args.workdir, e),
              file=sys.stderr)
        return 1
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
