#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot Debian's stock kernel in QEMU and drive it: the khttpd test guest.

As a library (tools/testing/guest/*.py): Guest(...).start(), .run(cmd),
.insmod(args), .rmmod(), .stop() -- stop() collects dmesg and fails on any
kernel splat.  As a program (`make run`): boot, load khttpd.ko, forward a
host port to it, print one ready line, serve until SIGINT/SIGTERM.

The guest runs tools/vm/init: commands go base64-encoded over its second
serial port (ttyS1, a UNIX socket on the host); its console (ttyS0) is kept
in a log file next to the dmesg of every run.
"""
import argparse
import base64
import binascii
import os
import re
import signal
import socket
import subprocess
import sys
import time

# What fails a run when it shows up in the guest's kernel log.
SPLAT_PATTERNS = [
    r"\bBUG[: ]", r"WARNING:", r"\bOops\b", r"general protection fault",
    r"soft lockup", r"hard LOCKUP", r"blocked for more than",
    r"\bKASAN\b", r"\bUBSAN\b", r"refcount_t:", r"Kernel panic",
    r"kernel BUG", r"unreferenced object", r"possible circular locking",
    r"INFO: task .* blocked", r"stack-protector", r"list_add corruption",
    r"list_del corruption", r"ODEBUG:", r"Unable to handle kernel",
]
SPLAT_RE = re.compile("|".join(SPLAT_PATTERNS))


class GuestError(Exception):
    """The guest did not boot, hung, or a command could not be run."""


def free_port():
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kvm_usable(kernel, timeout=20):
    """Boot @kernel under KVM until it panics for lack of a root fs.

    /dev/kvm can exist and open yet be unable to run a guest (nested
    virtualisation without the MSRs QEMU needs, for one): only a boot
    tells.  A working KVM gets there in about a second.
    """
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    cmd = ["qemu-system-x86_64", "-accel", "kvm", "-cpu", "host",
           "-m", "256", "-nodefaults", "-display", "none", "-no-reboot",
           "-kernel", kernel, "-append", "panic=-1 quiet"]
    try:
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return r.returncode == 0


def find_splats(text):
    """Return the lines of a kernel log that report a bug."""
    return [line for line in text.splitlines() if SPLAT_RE.search(line)]


class Guest:
    """One QEMU guest running tools/vm/init."""

    def __init__(self, kernel, initrd, workdir, mem=2048, smp=2,
                 accel="auto", forwards=(), append="", new_session=False,
                 qemu_args=()):
        self.kernel = kernel
        self.initrd = initrd
        self.workdir = workdir
        self.mem = mem
        self.smp = smp
        self.accel = accel
        self.forwards = list(forwards)   # (host_port, guest_port)
        self.append = append
        # new_session: QEMU in its own session, out of the terminal's
        # process group, so that Ctrl-C reaches only the program that
        # then stops the guest cleanly (tools/vm/cluster.py).
        self.new_session = new_session
        self.qemu_args = list(qemu_args)  # e.g. ["-plugin", "x.so"]
        self.proc = None
        self.ctl = None
        self.buf = b""
        self.seq = 0
        os.makedirs(workdir, exist_ok=True)
        self.console_log = os.path.join(workdir, "console.log")
        self.dmesg_log = os.path.join(workdir, "dmesg.log")
        self.ctl_path = os.path.join(workdir, "ctl.sock")

    def _qemu_cmd(self):
        accel = self.accel
        if accel == "auto":
            accel = "kvm" if kvm_usable(self.kernel) else "tcg"
        self.accel = accel
        cpu = "host" if accel == "kvm" else "max"
        fwd = "".join(",hostfwd=tcp:127.0.0.1:%d-:%d" % f
                      for f in self.forwards)
        return ["qemu-system-x86_64", "-accel", accel, "-cpu", cpu,
                "-smp", str(self.smp), "-m", str(self.mem),
                "-nodefaults", "-display", "none", "-no-reboot",
                "-kernel", self.kernel, "-initrd", self.initrd,
                "-append", "console=ttyS0 quiet panic=-1 " + self.append,
                "-serial", "file:" + self.console_log,
                "-serial", "unix:%s,server=on,wait=off" % self.ctl_path,
                "-netdev", "user,id=n0" + fwd,
                "-device", "virtio-net-pci,netdev=n0"] + self.qemu_args

    def start(self, timeout=180):
        """Boot and wait until the agent answers; raise GuestError if not."""
        for path in (self.ctl_path, self.console_log):
            if os.path.exists(path):
                os.unlink(path)
        self.proc = subprocess.Popen(self._qemu_cmd(),
                                     stdin=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE,
                                     start_new_session=self.new_session)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")
                raise GuestError("qemu exited: %s" % err.strip())
            if os.path.exists(self.ctl_path):
                try:
                    self.ctl = socket.socket(socket.AF_UNIX)
                    self.ctl.connect(self.ctl_path)
                    break
                except OSError:
                    self.ctl.close()
                    self.ctl = None
            time.sleep(0.1)
        if self.ctl is None:
            self.kill()
            raise GuestError("no control socket after %ds" % timeout)
        # The agent may not be reading yet: poll with a no-op command,
        # waiting longer each time (a loaded host boots slowly).
        wait = 2
        while time.monotonic() < deadline:
            try:
                rc, out = self.run("echo up", timeout=wait)
                if rc == 0 and out.strip() == "up":
                    return self
            except GuestError:
                wait = min(wait * 2, 30)
        self.kill()
        raise GuestError("guest agent did not answer in %ds" % timeout)

    def _read_line(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise GuestError("timed out waiting for the guest")
            self.ctl.settimeout(left)
            try:
                data = self.ctl.recv(65536)
            except socket.timeout:
                raise GuestError("timed out waiting for the guest")
            if not data:
                raise GuestError("guest closed the control channel")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.strip(b"\r")

    def run(self, cmd, timeout=60, check=False):
        """Run a shell command in the guest; return (status, output)."""
        if self.ctl is None:
            raise GuestError("guest is not running")
        self.seq += 1
        self.ctl.sendall(b"%d %s\n" % (self.seq,
                                        base64.b64encode(cmd.encode())))
        deadline = time.monotonic() + timeout
        chunks = []
        while True:
            line = self._read_line(deadline)
            if not line.startswith(b"@@RC "):
                chunks.append(line)
                continue
            try:
                seq, rc = (int(w) for w in line[5:].split())
            except ValueError:
                raise GuestError("garbled status line from the guest "
                                 "agent: %r" % line[:80])
            if seq == self.seq:
                break
            chunks = []     # the late answer of a command we gave up on
        try:
            out = base64.b64decode(b"".join(chunks), validate=True)
        except (binascii.Error, ValueError):
            # e.g. the tty echoed a command sent before the agent's stty
            raise GuestError("garbled answer from the guest agent")
        out = out.decode(errors="replace")
        if check and rc != 0:
            raise GuestError("guest command %r failed (%d): %s" %
                             (cmd, rc, out.strip()))
        return rc, out

    def insmod(self, path="/khttpd.ko", args=""):
        return self.run("insmod %s %s" % (path, args), timeout=60)

    def rmmod(self, name="khttpd", timeout=60):
        return self.run("rmmod %s" % name, timeout=timeout)

    def dmesg(self):
        return self.run("dmesg", timeout=60)[1]

    def meminfo(self):
        """Return /proc/meminfo as a dict of kB values."""
        out = self.run("cat /proc/meminfo")[1]
        info = {}
        for line in out.splitlines():
            key, _, rest = line.partition(":")
            if rest.split():
                info[key] = int(rest.split()[0])
        return info

    def stop(self):
        """Collect dmesg, power off; return the list of splat lines."""
        log = ""
        if self.ctl is not None and self.proc.poll() is None:
            try:
                log = self.dmesg()
            except GuestError:
                log = ""
            try:
                self.ctl.sendall(b"0 %s\n" % base64.b64encode(b"poweroff -f"))
            except OSError:
                pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        if not log and os.path.exists(self.console_log):
            with open(self.console_log, errors="replace") as f:
                log = f.read()
        with open(self.dmesg_log, "w") as f:
            f.write(log)
        return find_splats(log)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.ctl:
            self.ctl.close()
            self.ctl = None


def wait_http(port, path="/", timeout=30):
    """Wait until the forwarded port answers an HTTP request."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 2) as s:
                s.sendall(b"GET %s HTTP/1.0\r\nHost: x\r\n\r\n" %
                          path.encode())
                if s.recv(16).startswith(b"HTTP/1."):
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def serve(args):
    """`make run`: serve khttpd on a host port until interrupted."""
    g = Guest(args.kernel, args.initrd, args.workdir, mem=args.mem,
              smp=args.smp, accel=args.accel,
              forwards=[(args.port, args.guest_port)])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    g.start()
    rc, out = g.insmod(args=("port=%d %s" % (args.guest_port,
                                             args.module_args)).strip())
    if rc != 0:
        print("khttpd: insmod failed: %s" % out.strip(), file=sys.stderr)
        g.stop()
        return 1
    if not wait_http(args.port):
        print("khttpd: no answer on the forwarded port", file=sys.stderr)
        g.stop()
        return 1
    print("khttpd: guest kernel %s under %s; Ctrl-C or SIGTERM stops it"
          % (os.path.basename(os.path.dirname(args.kernel)), g.accel),
          file=sys.stderr, flush=True)
    print("khttpd ready: http://127.0.0.1:%d/" % args.port, flush=True)
    while not stop and g.proc.poll() is None:
        time.sleep(0.2)
    status = 0
    if g.proc.poll() is None:
        rc, out = g.rmmod()
        if rc != 0:
            print("khttpd: rmmod failed: %s" % out.strip(), file=sys.stderr)
            status = 1
    else:
        print("khttpd: the guest stopped unexpectedly", file=sys.stderr)
        status = 1
    splats = g.stop()
    for line in splats:
        print("khttpd: kernel log: %s" % line, file=sys.stderr)
    if splats:
        print("khttpd: kernel reported problems; log: %s" % g.dmesg_log,
              file=sys.stderr)
        status = 1
    print("khttpd: stopped (guest log: %s)" % g.dmesg_log)
    return status


def main():
    ap = argparse.ArgumentParser(description="Run khttpd in a QEMU guest.")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--port", type=int, default=8081, help="host port")
    ap.add_argument("--guest-port", type=int, default=8081)
    ap.add_argument("--module-args", default="",
                    help="extra insmod parameters (KHTTPD_ARGS)")
    ap.add_argument("--accel", default="auto", choices=["auto", "tcg", "kvm"])
    ap.add_argument("--mem", type=int, default=2048, help="MiB")
    ap.add_argument("--smp", type=int, default=2)
    return serve(ap.parse_args())


if __name__ == "__main__":
    sys.exit(main())
