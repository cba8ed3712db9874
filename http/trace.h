/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - khttpd's tracepoints, system "khttpd": a request answered, a
 * connection opened or closed (and why), a computation started or ended.
 * The cache's own events are in cache/trace.h.  Disabled, each costs a
 * static branch and nothing else; what an event records that the code
 * would not keep anyway is gathered only under trace_*_enabled().
 * Documentation/operations.md shows how to read them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM khttpd

#if !defined(KHTTPD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define KHTTPD_TRACE_H

#include <linux/tracepoint.h>

/* How many bytes of the request-target a khttpd_request event keeps. */
#define KHTTPD_TRACE_TARGET	64

/* Why a connection closed. */
#define KHTTPD_CLOSE_REASONS						\
	EM(KHTTPD_CLOSE_CLIENT, "client")	/* FIN or reset */	\
	EM(KHTTPD_CLOSE_IDLE, "idle")		/* idle_timeout */	\
	EM(KHTTPD_CLOSE_TIMEOUT, "timeout")	/* header or send */	\
	EM(KHTTPD_CLOSE_DONE, "done")		/* Connection: close */	\
	EM(KHTTPD_CLOSE_LIMIT, "limit")		/* max_connections */	\
	EM(KHTTPD_CLOSE_ERROR, "error")		/* socket error */	\
	EM(KHTTPD_CLOSE_STOP, "stop")		/* unload */		\
	EMe(KHTTPD_CLOSE_DRAIN, "drain")	/* idle, drain=1 */

/* What happened to a computation. */
#define KHTTPD_COMPUTE_EVENTS						\
	EM(KHTTPD_COMPUTE_START, "start")				\
	EM(KHTTPD_COMPUTE_DONE, "done")					\
	EM(KHTTPD_COMPUTE_FAIL, "fail")					\
	EMe(KHTTPD_COMPUTE_CANCEL, "cancel")

#undef EM
#undef EMe
#define EM(a, b)	a,
#define EMe(a, b)	a

#ifndef KHTTPD_TRACE_ENUMS
#define KHTTPD_TRACE_ENUMS
enum khttpd_close_reason { KHTTPD_CLOSE_REASONS };
enum khttpd_compute_event { KHTTPD_COMPUTE_EVENTS };
#endif

#undef EM
#undef EMe
#define EM(a, b)	TRACE_DEFINE_ENUM(a);
#define EMe(a, b)	TRACE_DEFINE_ENUM(a);
KHTTPD_CLOSE_REASONS
KHTTPD_COMPUTE_EVENTS

#undef EM
#undef EMe
#define EM(a, b)	{ a, b },
#define EMe(a, b)	{ a, b }

/**
 * khttpd_request - a response was sent whole
 * @method: the request's method name
 * @target: the request-target, at most KHTTPD_TRACE_TARGET bytes of it
 * @target_len: its length
 * @status: the status sent
 * @bytes: bytes sent, head and body
 * @cache: "hit", "miss", or "" for a response that is not F(N)
 * @parse_ns..@total_ns: Server-Timing's stages (0 but for /fib/N)
 */
TRACE_EVENT(khttpd_request,
	TP_PROTO(const char *method, const char *target, u32 target_len,
		 int status, u64 bytes, const char *cache, u64 parse_ns,
		 u64 queue_ns, u64 compute_ns, u64 convert_ns, u64 total_ns),
	TP_ARGS(method, target, target_len, status, bytes, cache, parse_ns,
		queue_ns, compute_ns, convert_ns, total_ns),
	TP_STRUCT__entry(
		__array(char, method, 8)
		__array(char, target, KHTTPD_TRACE_TARGET + 1)
		__field(int, status)
		__field(u64, bytes)
		__array(char, cache, 8)
		__field(u64, parse_us)
		__field(u64, queue_us)
		__field(u64, compute_us)
		__field(u64, convert_us)
		__field(u64, total_us)
	),
	TP_fast_assign(
		u32 len = min_t(u32, target_len, KHTTPD_TRACE_TARGET);

		strscpy(__entry->method, method, sizeof(__entry->method));
		memcpy(__entry->target, target, len);
		__entry->target[len] = '\0';
		__entry->status = status;
		__entry->bytes = bytes;
		strscpy(__entry->cache, cache, sizeof(__entry->cache));
		__entry->parse_us = div_u64(parse_ns, 1000);
		__entry->queue_us = div_u64(queue_ns, 1000);
		__entry->compute_us = div_u64(compute_ns, 1000);
		__entry->convert_us = div_u64(convert_ns, 1000);
		__entry->total_us = div_u64(total_ns, 1000);
	),
	TP_printk("%s %s status=%d bytes=%llu cache=%s parse_us=%llu queue_us=%llu compute_us=%llu convert_us=%llu total_us=%llu",
		  __entry->method, __entry->target, __entry->status,
		  __entry->bytes, __entry->cache[0] ? __entry->cache : "-",
		  __entry->parse_us, __entry->queue_us, __entry->compute_us,
		  __entry->convert_us, __entry->total_us)
);

/**
 * khttpd_conn - a connection opened, closed or was refused
 * @sport: the client's port
 * @open: true when it opened
 * @reason: why it closed (enum khttpd_close_reason)
 * @requests: requests it answered
 */
TRACE_EVENT(khttpd_conn,
	TP_PROTO(u16 sport, bool open, int reason, u32 requests),
	TP_ARGS(sport, open, reason, requests),
	TP_STRUCT__entry(
		__field(u16, sport)
		__field(bool, open)
		__field(int, reason)
		__field(u32, requests)
	),
	TP_fast_assign(
		__entry->sport = sport;
		__entry->open = open;
		__entry->reason = reason;
		__entry->requests = requests;
	),
	TP_printk("sport=%u %s reason=%s requests=%u", __entry->sport,
		  __entry->open ? "open" : "close",
		  __entry->open ? "-" :
		  __print_symbolic(__entry->reason, KHTTPD_CLOSE_REASONS),
		  __entry->requests)
);

/**
 * khttpd_compute - a computation of F(N) started or ended
 * @what: enum khttpd_compute_event
 * @n: N
 * @base: 10 or 16
 * @bytes: the text's length (done), else 0
 * @ns: nanoseconds since it was queued (0 at start)
 */
TRACE_EVENT(khttpd_compute,
	TP_PROTO(int what, u32 n, u32 base, u64 bytes, u64 ns),
	TP_ARGS(what, n, base, bytes, ns),
	TP_STRUCT__entry(
		__field(int, what)
		__field(u32, n)
		__field(u32, base)
		__field(u64, bytes)
		__field(u64, us)
	),
	TP_fast_assign(
		__entry->what = what;
		__entry->n = n;
		__entry->base = base;
		__entry->bytes = bytes;
		__entry->us = div_u64(ns, 1000);
	),
	TP_printk("%s n=%u base=%u bytes=%llu us=%llu",
		  __print_symbolic(__entry->what, KHTTPD_COMPUTE_EVENTS),
		  __entry->n, __entry->base, __entry->bytes, __entry->us)
);

#endif /* KHTTPD_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH http
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
