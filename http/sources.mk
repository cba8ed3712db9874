# SPDX-License-Identifier: GPL-2.0
# The kernel side of khttpd: module parameters, the listener, connections,
# the Fibonacci service, static files and counters (KHTTPD_SRCS, kernel
# APIs, only Kbuild builds them); and KHTTPD_ROUTE_SRCS, the application's
# routes, kernel-agnostic like http/proto/ and also tested in user space
# and under KUnit.  Paths are relative to the repository root.
KHTTPD_ROUTE_SRCS := http/resource.c
KHTTPD_SRCS := http/main.c http/listener.c http/conn.c http/send.c \
	http/timers.c http/route.c http/sock.c http/fib.c http/fib_job.c \
	http/stream.c http/stats.c http/metrics.c http/static.c \
	http/dirlist.c http/gzip.c
