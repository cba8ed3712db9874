# SPDX-License-Identifier: GPL-2.0
"""Module lifecycle: parameters, rmmod with clients connected, reload."""
import socket
import time

from common import check, get


def test_reload_with_other_port_and_backlog(ctx):
    ctx.unload()
    rc, out = ctx.guest.insmod(args="port=8082 backlog=16")
    check(rc == 0, out)
    rc, out = ctx.guest.run("cat /sys/module/khttpd/parameters/port "
                            "/sys/module/khttpd/parameters/backlog; "
                            "netstat -ltn")
    check(out.split()[:2] == ["8082", "16"], out)
    check(":8082 " in out, "not listening on 8082: %s" % out)
    rc, out = ctx.guest.rmmod()
    check(rc == 0, out)


def test_rmmod_with_idle_client_connected(ctx):
    # The original oopsed: rmmod returned while a kthread still ran.
    socks = [ctx.connect() for _ in range(5)]
    time.sleep(0.5)
    took = ctx.unload()
    check(took < 10, "rmmod took %.1fs" % took)
    for s in socks:
        s.settimeout(10)
        try:
            check(s.recv(1) == b"", "connection not closed by rmmod")
        except ConnectionResetError:
            pass
        s.close()
    ctx.load()
    check(get(ctx, "/fib/10").body == b"55", "reload serves")


def test_rmmod_with_half_sent_request(ctx):
    s = ctx.connect()
    s.sendall(b"GET /fib/1")
    time.sleep(0.3)
    took = ctx.unload()
    check(took < 10, "rmmod took %.1fs" % took)
    s.close()
    ctx.load()


def test_new_idle_connection_is_closed_by_deadline(ctx):
    # Nothing sent: closed silently after header_timeout_ms (10 s).
    s = ctx.connect(timeout=30)
    t = time.monotonic()
    try:
        data = s.recv(1)
    except (ConnectionResetError, socket.timeout):
        data = b"?"
    waited = time.monotonic() - t
    s.close()
    check(data == b"", "unexpected %r" % data)
    check(8 < waited < 20, "idle connection kept for %.1fs" % waited)


def test_port_in_use_fails_cleanly(ctx):
    ctx.unload()
    rc, out = ctx.guest.run("nc -l -p 8081 </dev/null >/dev/null & "
                            "sleep 0.5; insmod /khttpd.ko port=8081; "
                            "echo rc=$?; kill %1")
    check("rc=0" not in out, "insmod succeeded on a busy port: %s" % out)
    rc, out = ctx.guest.run("lsmod")
    check("khttpd" not in out, "module left loaded")
    ctx.load()
