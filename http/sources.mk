# SPDX-License-Identifier: GPL-2.0
# The kernel side of khttpd: module parameters, the listener, connections,
# the Fibonacci service, static files and counters.  Only Kbuild builds
# these (they use kernel APIs directly).  Paths are relative to the
# repository root.
KHTTPD_SRCS := http/main.c http/listener.c http/conn.c http/send.c \
	http/timers.c http/route.c http/compute.c http/body.c http/stats.c \
	http/static.c
