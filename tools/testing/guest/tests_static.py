# SPDX-License-Identifier: GPL-2.0
"""Static files from docroot=: path safety, types, validators, ranges,
listings, large files from ramfs and tmpfs (sendpage, and tmpfs holes by
copy), rmmod during a transfer; files read as nobody, pseudo filesystems
refused, listings capped, charged and cached."""
import hashlib
import json
import re
import time

from common import HttpConn, check, check_common_headers, get

ROOT = "/srv/www"
ARGS = "docroot=%s" % ROOT
BIG = 8 << 20

SETUP = r"""
set -e
mkdir -p /srv/www /srv/secret
mount -t ramfs ramfs /srv/www
echo 'root:x:0:0:secret' > /srv/secret/passwd
cd /srv/www
printf '<h1>home</h1>' > index.html
printf 'hello, file\n' > a.txt
printf 'body{}' > style.css
printf '\211PNG\r\n' > img.png
mkdir -p dir/sub list
printf 'x' > 'list/<script>alert(1)'
printf 'w' > 'list/"><img src=x onerror=alert(2)>'
printf 'yy' > 'list/a b'
printf 'z' > 'list/q"uote&'
printf 'u' > "list/$(printf '\303\274n\303\257.txt')"
printf 'in' > dir/inner.txt
dd if=/dev/urandom of=big.bin bs=1M count=8 2>/dev/null
mkdir -p /srv/tmp && mount -t tmpfs tmpfs /srv/tmp && cp big.bin /srv/tmp/
truncate -s 8M /srv/tmp/sparse.bin
printf 'page' | dd of=/srv/tmp/sparse.bin bs=1 seek=4194300 conv=notrunc \
	2>/dev/null
truncate -s 8M /srv/tmp/mixed.bin
i=0; while [ $i -lt 128 ]; do
	dd if=/dev/urandom of=/srv/tmp/mixed.bin bs=4096 count=1 \
		seek=$((16 * i + 3)) conv=notrunc 2>/dev/null; i=$((i + 1))
done
sha256sum /srv/tmp/mixed.bin | cut -d' ' -f1
ln -s /srv/secret escape
ln -s ../secret/passwd escape2
ln -s a.txt alias.txt
ln -s loop1 loop2
ln -s loop2 loop1
mkfifo fifo
printf 'no' > private.txt
chmod 600 private.txt
sha256sum big.bin | cut -d' ' -f1
"""

_state = {}


def setup(ctx):
    if "sha" not in _state:
        rc, out = ctx.guest.run(SETUP, timeout=120)
        check(rc == 0, "setup: %s" % out)
        _state["mixed"], _state["sha"] = out.split()[-2:]
    ctx.ensure_loaded(ARGS)
    return _state["sha"]


def test_static_file_with_type_and_validators(ctx):
    setup(ctx)
    r = get(ctx, "/a.txt")
    check(r.status == 200 and r.body == b"hello, file\n", "%d %r" %
          (r.status, r.body))
    check_common_headers(r)
    check(r.header("content-type") == "text/plain; charset=utf-8",
          r.header("content-type"))
    check(r.header("accept-ranges") == "bytes", "Accept-Ranges")
    check(r.header("etag", ) and r.header("last-modified"), "validators")
    check(get(ctx, "/style.css").header("content-type").startswith(
        "text/css"), "css type")
    check(get(ctx, "/img.png").header("content-type") == "image/png",
          "png type")
    r = get(ctx, "/a.txt", method="HEAD")
    check(r.header("content-length") == "12" and r.body == b"", "HEAD")


def test_static_index_html_at_root_and_fib_still_routed(ctx):
    setup(ctx)
    r = get(ctx, "/")
    check(r.body == b"<h1>home</h1>" and
          r.header("content-type").startswith("text/html"), r.body)
    check(get(ctx, "/fib/10").body == b"55", "fib with a docroot")


def test_static_traversal_never_leaks(ctx):
    setup(ctx)
    attempts = {
        "/../secret/passwd": 403, "/%2e%2e/secret/passwd": 403,
        "/dir/../../secret/passwd": 403, "/.%2E/secret/passwd": 403,
        "/escape/passwd": 403, "/escape2": 403,
        "/%5c..%5csecret": 400, "/a.txt%00.png": 400,
        "/loop1": 404, "/fifo": 403, "/private.txt": 403,
        "//secret/passwd": 404, "/nope": 404,
        "/" + "d/" * 70 + "x": 414,
    }
    for path, want in attempts.items():
        r = get(ctx, path)
        check(r.status == want, "%s: %d, want %d" % (path, r.status, want))
        check(b"root:" not in r.raw, "%s leaked the secret" % path)
    check(get(ctx, "/alias.txt").body == b"hello, file\n",
          "a symlink inside the root is served")


def test_static_conditional_requests(ctx):
    setup(ctx)
    r = get(ctx, "/a.txt")
    etag, lm = r.header("etag"), r.header("last-modified")
    for hdr in ("If-None-Match: %s" % etag, "If-None-Match: *",
                "If-Modified-Since: %s" % lm):
        r = get(ctx, "/a.txt", headers="Host: t\r\n%s\r\n" % hdr)
        check(r.status == 304 and r.body == b"", "%s: %d" % (hdr, r.status))
        check(r.header("etag") == etag, "304 ETag")
    r = get(ctx, "/a.txt",
            headers="Host: t\r\nIf-Modified-Since: Thu, 01 Jan 1970 "
                    "00:00:00 GMT\r\n")
    check(r.status == 200, "old IMS: %d" % r.status)


def test_static_ranges(ctx):
    setup(ctx)
    cases = [("bytes=0-4", 206, b"hello", "bytes 0-4/12"),
             ("bytes=-5", 206, b"file\n", "bytes 7-11/12"),
             ("bytes=7-", 206, b"file\n", "bytes 7-11/12"),
             ("bytes=100-", 416, None, "bytes */12"),
             ("bytes=0-0,-1", 200, b"hello, file\n", None),
             ("lines=1-2", 200, b"hello, file\n", None)]
    for rng, status, body, crange in cases:
        r = get(ctx, "/a.txt", headers="Host: t\r\nRange: %s\r\n" % rng)
        check(r.status == status, "%s: %d" % (rng, r.status))
        if body is not None:
            check(r.body == body, "%s: %r" % (rng, r.body))
        check(r.header("content-range") == crange, "%s: Content-Range %r" %
              (rng, r.header("content-range")))


def test_static_directory_listing_escapes_and_redirects(ctx):
    setup(ctx)
    r = get(ctx, "/list")
    check(r.status == 301 and r.header("location") == "/list/",
          "redirect %d %r" % (r.status, r.header("location")))
    r = get(ctx, "/list/")
    check(r.status == 200 and
          r.header("content-type") == "text/html; charset=utf-8", "listing")
    html = r.body.decode()
    check("<script>" not in html and "<img" not in html, "unescaped name")
    check("&lt;script&gt;alert(1)" in html, "escaped name")
    check('href="%3Cscript%3Ealert%281%29"' in html, "percent-encoded link")
    check("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html,
          "attribute breakout escaped")
    check("a%20b" in html and "q&quot;uote&amp;" in html, "space, quote, &")
    check("\u00fcn\u00ef.txt" in html and "%C3%BCn%C3%AF.txt" in html,
          "UTF-8 name")
    r = get(ctx, "/dir/")
    check(b"inner.txt" in r.body and b"sub/" in r.body, "dir listing")


def _sparse_body():
    """/srv/tmp/sparse.bin: 8 MiB of holes but for b"page" at 4194300
    (across a page boundary)."""
    body = bytearray(BIG)
    body[4194300:4194304] = b"page"
    return hashlib.sha256(body).hexdigest()


def _fetch_sha(ctx, path):
    with HttpConn(ctx, timeout=120) as c:
        c.send(b"GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path.encode())
        r = c.read_response()
    check(r.status == 200 and len(r.body) == BIG, "%s: %d, %d bytes" %
          (path, r.status, len(r.body)))
    return hashlib.sha256(r.body).hexdigest()


def test_static_large_file_from_ramfs_and_tmpfs(ctx):
    sha = setup(ctx)
    check(_fetch_sha(ctx, "/big.bin") == sha, "ramfs (sendpage) body")
    for zc in (1, 0):
        ctx.unload()
        ctx.load("docroot=/srv/tmp zerocopy=%d" % zc)
        check(_fetch_sha(ctx, "/big.bin") == sha, "tmpfs body, zerocopy=%d"
              % zc)
        # holes are read by copy, around the one page that is lent
        check(_fetch_sha(ctx, "/sparse.bin") == _sparse_body(),
              "tmpfs sparse body, zerocopy=%d" % zc)
        # 128 switches between copied holes and lent pages
        check(_fetch_sha(ctx, "/mixed.bin") == _state["mixed"],
              "tmpfs holes and pages, zerocopy=%d" % zc)
    # ... and serving them did not fill them: two pages hold "page"
    rc, out = ctx.guest.run("du -k /srv/tmp/sparse.bin")
    check(rc == 0 and int(out.split()[0]) <= 8,
          "sparse file now takes %s KiB" % out.strip())
    ctx.unload()
    ctx.load(ARGS)


def test_static_changed_file_new_content_and_etag(ctx):
    setup(ctx)
    before = get(ctx, "/dir/inner.txt")
    time.sleep(1.1)
    ctx.guest.run("printf 'changed!' > %s/dir/inner.txt" % ROOT)
    after = get(ctx, "/dir/inner.txt")
    check(after.body == b"changed!", "content %r" % after.body)
    check(after.header("etag") != before.header("etag"), "ETag unchanged")


def test_static_rmmod_during_large_transfer(ctx):
    setup(ctx)
    c = HttpConn(ctx, timeout=30)
    c.sock.setsockopt(__import__("socket").SOL_SOCKET,
                      __import__("socket").SO_RCVBUF, 4096)
    c.send(b"GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
    c.sock.recv(1000)
    time.sleep(0.5)
    took = ctx.unload()
    check(took < 10, "rmmod took %.1fs" % took)
    c.close()
    ctx.load(ARGS)
    check(get(ctx, "/a.txt").status == 200, "reloaded")


# ---- files are read as an unprivileged user would read them ---------------

PERMS = r"""
set -e
cd /srv/www
mkdir -p admin own wonly ronly
printf 'admin-secret\n' > admin/pw.txt
chmod 644 admin/pw.txt
chmod 700 admin
printf 'nobody-only\n' > own/mine.txt
chown -R 65534:65534 own
chmod 600 own/mine.txt
chmod 700 own
printf 'w\n' > wonly/f.txt
chmod 711 wonly
printf 'r\n' > ronly/f.txt
chmod 744 ronly
"""


NOBODY = r"""
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null ||
	echo 'nogroup:x:65534:' >> /etc/group
su -s /bin/sh -c 'cat %s%s' nobody >/dev/null
"""


def _nobody_can_read(ctx, path):
    """What user-space says: can uid/gid 65534, no other group, read it?"""
    rc, _ = ctx.guest.run(NOBODY % (ROOT, path))
    return rc == 0


def test_static_files_read_as_nobody(ctx):
    setup(ctx)
    ctx.guest.run(PERMS, check=True)
    # status wanted; for files, whether user-space nobody can read it
    cases = {
        "/admin/pw.txt": 403,     # 0644 file in a 0700 directory of root
        "/admin/": 403,
        "/admin": 403,            # not even redirected
        "/own/mine.txt": 200,     # 0600, but nobody's own
        "/own/": 200,
        "/wonly/f.txt": 200,      # searchable, not readable: files only
        "/wonly/": 403,
        "/ronly/f.txt": 403,      # readable, not searchable
        "/ronly/": 403,
        "/private.txt": 403,      # 0600 of root
        "/a.txt": 200,
    }
    for path, want in cases.items():
        r = get(ctx, path)
        check(r.status == want, "%s: %d, want %d" % (path, r.status, want))
        check(b"admin-secret" not in r.raw, "%s leaked admin/pw.txt" % path)
        if not path.endswith("/") and "." in path:
            check(_nobody_can_read(ctx, path) == (want == 200),
                  "%s: user-space nobody disagrees" % path)
    check(get(ctx, "/own/mine.txt").body == b"nobody-only\n", "own file")
    check(b"mine.txt" in get(ctx, "/own/").body, "own listing")


PSEUDO = {
    "proc": "/proc/version /proc/ /proc/sys/kernel/hostname /proc/1/status",
    "sysfs": "/sys/kernel/ /sys/kernel/uevent_seqnum /sys/module/khttpd/",
}


def test_static_pseudo_filesystems_refused(ctx):
    setup(ctx)
    ctx.guest.run("mkdir -p %s/proc %s/sys && mount -t proc proc %s/proc && "
                  "mount -t sysfs sysfs %s/sys" % ((ROOT,) * 4), check=True)
    try:
        for fs, paths in PSEUDO.items():
            for path in paths.split():
                r = get(ctx, path)
                check(r.status == 403, "%s: %d, want 403" % (path, r.status))
                check(b"pseudo filesystem" in r.body, "%s: %r" %
                      (path, r.body))
        r = get(ctx, "/proc")
        check(r.status == 403, "/proc: %d, want 403, not a redirect" %
              r.status)
        # the rest of the tree is served as before
        check(get(ctx, "/a.txt").body == b"hello, file\n", "a file")
        check(b"inner.txt" in get(ctx, "/dir/").body, "a listing")
    finally:
        ctx.guest.run("umount %s/proc; umount %s/sys; rmdir %s/proc %s/sys"
                      % ((ROOT,) * 4))


# ---- listings: capped, charged, cached -------------------------------------

def _make_dir(ctx, name, count, width=0):
    """@name under the docroot with files 1..@count, names padded with 'x'
    to @width bytes."""
    if _state.get(name) == (count, width):
        return
    ctx.guest.run(
        "set -e; rm -rf %s/%s; mkdir -p %s/%s; cd %s/%s; "
        "awk 'BEGIN { p = sprintf(\"%%%ds\", \"\"); gsub(/ /, \"x\", p); "
        "for (i = 1; i <= %d; i++) print \"f\" i \"-\" p }' | xargs touch"
        % (ROOT, name, ROOT, name, ROOT, name, width, count),
        timeout=300, check=True)
    _state[name] = (count, width)


def _rows(body):
    """Entries of a listing page, the "../" row not counted."""
    return body.count(b'<tr><td><a href="') - body.count(b'href="../"')


def stats(ctx):
    return json.loads(get(ctx, "/stats").body)


def _wait_inflight_zero(ctx, timeout=15):
    deadline = time.monotonic() + timeout * ctx.slow
    while time.monotonic() < deadline:
        if stats(ctx)["compute"]["inflight_bytes"] == 0:
            return True
        time.sleep(0.2)
    return False


def test_static_listing_cap_truncates(ctx):
    setup(ctx)
    _make_dir(ctx, "n50", 50)
    _make_dir(ctx, "n51", 51)
    ctx.ensure_loaded(ARGS + " listing_max_entries=50")
    r = get(ctx, "/n50/")
    check(r.status == 200 and _rows(r.body) == 50, "n50: %d, %d rows" %
          (r.status, _rows(r.body)))
    check(b"Truncated" not in r.body, "n50 said truncated")
    r = get(ctx, "/n51/")
    check(r.status == 200 and _rows(r.body) == 50, "n51: %d, %d rows, "
          "want 200 and 50" % (r.status, _rows(r.body)))
    check(b"<p>Truncated: the directory has more entries than the 50 "
          b"listed.</p>" in r.body, "n51: no truncation note")
    check(r.body.endswith(b"</body></html>\n"), "n51: page end")
    ctx.ensure_loaded(ARGS)


def test_static_listing_charged_and_released(ctx):
    setup(ctx)
    _make_dir(ctx, "wide", 2500, 200)   # a page of about 1.3 MB
    check(_wait_inflight_zero(ctx), "inflight_bytes not 0 to begin with")
    # A reader that stops after the head holds the page.
    c = HttpConn(ctx, timeout=30)
    c.sock.setsockopt(__import__("socket").SOL_SOCKET,
                      __import__("socket").SO_RCVBUF, 4096)
    c.send(b"GET /wide/ HTTP/1.1\r\nHost: t\r\n\r\n")
    head = c.read_response(head_only=True)
    length = int(head.header("content-length"))
    check(head.status == 200 and length > 1 << 20, "wide: %d, %d bytes" %
          (head.status, length))
    held = stats(ctx)["compute"]["inflight_bytes"]
    check(held >= length, "a listing being sent is not charged: "
          "inflight_bytes %d, page %d bytes" % (held, length))
    c.close()
    check(_wait_inflight_zero(ctx), "inflight_bytes not back to 0: %d" %
          stats(ctx)["compute"]["inflight_bytes"])
    # A page that does not fit the budget is refused, and nothing stays.
    ctx.ensure_loaded(ARGS + " max_inflight_mb=1")
    r = get(ctx, "/wide/")
    check(r.status == 503 and r.header("retry-after") == "1",
          "over the budget: %d, want 503 with Retry-After" % r.status)
    check(get(ctx, "/dir/").status == 200, "a small listing still fits")
    check(_wait_inflight_zero(ctx), "inflight_bytes not back to 0: %d" %
          stats(ctx)["compute"]["inflight_bytes"])
    ctx.ensure_loaded(ARGS)


# What khttpd allocates (kmalloc, kvmalloc, vmalloc; kprobes and the
# kmem:kmalloc event) for each of two requests made back to back in the
# guest (busybox wget), between trace markers that also time them.
TRACE = r"""
T=/sys/kernel/tracing
[ -e $T/kprobe_events ] || mount -t tracefs nodev $T
cd $T || exit 1
echo 0 > tracing_on
echo 0 > events/enable
echo > kprobe_events
echo 'p:kh_kv kvmalloc_node size=%%di:u64 caller=+0($stack):symbol' \
	>> kprobe_events || exit 1
echo 'p:kh_v __vmalloc size=%%di:u64 caller=+0($stack):symbol' \
	>> kprobe_events || exit 1
echo 40960 > buffer_size_kb
echo 1 > events/kprobes/enable
for e in kmalloc kmalloc_node; do
	[ ! -e events/kmem/$e ] || echo 1 > events/kmem/$e/enable
done
echo > trace
echo 1 > tracing_on
for i in 1 2; do
	echo kh-start > trace_marker
	wget -q -O /dev/null http://127.0.0.1:8081%s
	echo kh-end > trace_marker
done
echo 0 > tracing_on
cat trace
echo 0 > events/enable
echo > kprobe_events
echo > trace
echo 1408 > buffer_size_kb
"""


def _traced_requests(ctx, path):
    """[(bytes, {function: bytes}, seconds)] for two requests of @path, or
    None without kprobes."""
    rc, out = ctx.guest.run(TRACE % path, timeout=300)
    if rc != 0 or "kh-start" not in out:
        return None
    reqs, cur = [], None
    for line in out.splitlines():
        m = re.search(r" (\d+\.\d+): tracing_mark_write: kh-(start|end)",
                      line)
        if m:
            if m.group(2) == "start":
                cur = [0, {}, float(m.group(1))]
            else:
                cur[2] = float(m.group(1)) - cur[2]
                reqs.append(tuple(cur))
                cur = None
            continue
        m = (re.search(r"kh_k?v: .* size=(\d+) caller=(\w+)\S* \[khttpd\]",
                       line) or
             re.search(r"kmalloc(?:_node)?: call_site=(\w+)\S* \[khttpd\]"
                       r".* bytes_alloc=(\d+)", line))
        if m and cur is not None:
            size, fn = ((int(m.group(1)), m.group(2)) if "kh_" in line
                        else (int(m.group(2)), m.group(1)))
            cur[0] += size
            cur[1][fn] = cur[1].get(fn, 0) + size
    return reqs


# Seconds each of @count requests takes in the guest (wget, between trace
# markers), @pause seconds apart.
TIMES = r"""
T=/sys/kernel/tracing
[ -e $T/trace_marker ] || mount -t tracefs nodev $T
cd $T || exit 1
echo 0 > tracing_on
echo 0 > events/enable
echo > trace
echo 1 > tracing_on
for i in $(seq %d); do
	echo kh-start > trace_marker
	wget -q -O /dev/null http://127.0.0.1:8081%s
	echo kh-end > trace_marker
	sleep %s
done
echo 0 > tracing_on
cat trace
echo > trace
"""


def _guest_times(ctx, path, count, pause):
    rc, out = ctx.guest.run(TIMES % (count, path, pause), timeout=300)
    check(rc == 0, "timing %s: %s" % (path, out[-300:]))
    marks = [float(m.group(1)) for m in re.finditer(
        r" (\d+\.\d+): tracing_mark_write: kh-", out)]
    return [b - a for a, b in zip(marks[::2], marks[1::2])]


def test_static_listing_cost(ctx):
    """Allocation and time of listings of 2 and of 10,000 entries, made and
    from the cache (the figures of Documentation/static-files.md); then
    10,001 entries."""
    setup(ctx)
    _make_dir(ctx, "m10k", 10000)
    ctx.guest.run("rm -f %s/m10k/extra" % ROOT)
    traced = {}
    for path in ("/dir/", "/m10k/"):
        r = get(ctx, path)
        check(r.status == 200, "%s: %d" % (path, r.status))
        print("# listing %s: page %d bytes" % (path, len(r.body)))
        time.sleep(1.5)                 # the kept page has expired
        traced[path] = _traced_requests(ctx, path)
        for i, (total, where, secs) in enumerate(traced[path] or []):
            print("#   request %d: %d bytes allocated by khttpd: %s" %
                  (i + 1, total, ", ".join("%s %d" % kv for kv in
                                           sorted(where.items()))))
        for what, pause in (("1.2 s apart", "1.2"), ("back to back", "0")):
            times = sorted(_guest_times(ctx, path, 7, pause))
            print("#   7 requests %s: median %.3f s (%s)" %
                  (what, times[3], " ".join("%.3f" % t for t in times)))
            time.sleep(1.5)
    small = traced["/dir/"]
    if small is not None:
        check(small[0][0] < 64 << 10, "a listing of 2 entries allocates %d "
              "bytes" % small[0][0])
        check("scratch_alloc" not in small[1][1],
              "the second listing was made again, not kept")
    check(_rows(get(ctx, "/m10k/").body) == 10000, "10,000 listed")
    ctx.guest.run("touch %s/m10k/extra" % ROOT, check=True)
    r = get(ctx, "/m10k/")
    check(r.status == 200 and _rows(r.body) == 10000 and
          b"Truncated" in r.body, "10,001 entries: %d, %d rows" %
          (r.status, _rows(r.body)))
    ctx.guest.run("rm -f %s/m10k/extra" % ROOT)
