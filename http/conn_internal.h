/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conn_internal.h - what the files of one connection share: the
 * connection itself and the functions they call across files.
 *
 *   conn.c    lifetime, socket callbacks, receive and the state machine
 *   send.c    responses: the head, and the copy, page and file writers
 *   timers.c  deadlines: header, idle, send and linger
 *   route.c   what a request names: /, /stats, /fib/N, the docroot
 *
 * Only these files include it; everyone else sees struct khttpd_conn as
 * an opaque type (http/conn.h).
 */
#ifndef KHTTPD_CONN_INTERNAL_H
#define KHTTPD_CONN_INTERNAL_H

#include <linux/timer.h>
#include <linux/workqueue.h>

#include "cache/body.h"
#include "http/conn.h"
#include "http/fib.h"
#include "http/server.h"
#include "http/stats.h"
#include "http/trace.h"

#define RX_INITIAL		2048
#define LINGER_TIME		(2 * HZ)
#define RUN_BUDGET		64

enum conn_flags {
	CONN_DEAD,		/* closed: callbacks and timer do nothing */
	CONN_STOP,		/* unload: close at once */
	CONN_TIMER,		/* the timer fired */
	CONN_JOB_DONE,		/* the computation completed */
};

enum conn_deadline {
	DL_NONE,
	DL_HEADER,		/* request started, head (or body) incomplete */
	DL_IDLE,		/* waiting for a request */
	DL_SEND,		/* response made no progress */
	DL_LINGER,		/* response sent, draining before close */
};

/* What to answer once a computation completes. */
struct pending_fib {
	u32 n;
	u32 base;
	bool gzip;
	bool head_only;
	u64 parse_ns;
};

/*
 * What the khttpd_request tracepoint records of a request, kept from its
 * dispatch to the end of its response; allocated only while it is on.
 */
struct conn_trace {
	char method[8];
	char target[KHTTPD_TRACE_TARGET];
	u32 target_len;
	const char *cache;
	struct khttpd_timing timing;
};

struct khttpd_conn {
	struct khttpd_server *srv;
	struct socket *sock;
	struct list_head node;
	refcount_t ref;
	unsigned long flags;
	struct work_struct io_work;
	struct work_struct free_work;
	struct timer_list timer;
	enum conn_deadline deadline;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);

	/* receiving */
	char *rx;
	u32 rx_off;		/* rx[rx_off, rx_len): received, not consumed */
	u32 rx_len;
	u32 rx_cap;
	struct http_parser parser;
	bool head_started;
	bool in_body;
	bool peer_closed;
	bool lingering;
	bool close_after;
	bool http10;		/* the request is HTTP/1.0 */
	bool corked;		/* pipelined responses held for one push */
	unsigned long request_start;
	unsigned long idle_since;
	unsigned long linger_start;
	u32 lingered;
	u64 head_start_ns;
	u32 requests;

	/* the response being sent */
	bool tx_active;
	bool tx_head_only;
	int tx_status;
	char head[512];
	char *big_head;		/* a head larger than @head, or NULL */
	const char *tx_head;	/* @head or @big_head */
	u32 head_len;
	u32 head_sent;
	struct khttpd_body *body;
	struct khttpd_stream *stream;	/* a body sent as it is made */
	size_t body_sent;
	unsigned long last_progress;
	u32 una_seen;		/* snd_una when last looked at */
	char *fbuf;		/* file bytes read, for filesystems that */
	u32 fbuf_len;		/* cannot lend their page-cache pages */
	u32 fbuf_off;

	/* the computation being waited for */
	struct khttpd_fib_wait wait;
	struct pending_fib pending;

	struct conn_trace *trace;	/* NULL unless tracing requests */
};

/*
 * The received bytes not yet consumed, where the request being handled
 * starts: its spans (struct http_span) are offsets from here.
 */
static inline const char *conn_rx(const struct khttpd_conn *conn)
{
	return conn->rx + conn->rx_off;
}

static inline u32 conn_rx_len(const struct khttpd_conn *conn)
{
	return conn->rx_len - conn->rx_off;
}

/* conn.c */
void conn_kick(struct khttpd_conn *conn);
void conn_close(struct khttpd_conn *conn, int reason);
void conn_start_linger(struct khttpd_conn *conn);

/* send.c */
int conn_start_response(struct khttpd_conn *conn, int status,
			struct khttpd_body *body, const char *type,
			const char *extra, bool head_only);
int conn_start_response_len(struct khttpd_conn *conn, int status,
			    struct khttpd_body *body, const char *type,
			    const char *extra, size_t extra_len,
			    bool head_only);
int conn_start_head(struct khttpd_conn *conn, int status, u64 len,
		    const char *type, const char *extra);
int conn_error_with(struct khttpd_conn *conn, int status, const char *reason,
		    const char *extra, bool close, bool head_only);
int conn_error(struct khttpd_conn *conn, int status, const char *reason,
	       bool close, bool head_only);
int conn_send(struct khttpd_conn *conn, bool *more);
int conn_start_stream(struct khttpd_conn *conn, struct khttpd_stream *stream,
		      const char *type, const char *extra);
void conn_stream_release(struct khttpd_conn *conn);
bool conn_tx_starved(struct khttpd_conn *conn);

/* timers.c */
void conn_timer_fn(struct timer_list *t);
void conn_arm_timer(struct khttpd_conn *conn);
void conn_deadline(struct khttpd_conn *conn);

/* route.c */
int conn_dispatch(struct khttpd_conn *conn, const struct http_request *req);
void conn_finish_job(struct khttpd_conn *conn);

#endif /* KHTTPD_CONN_INTERNAL_H */
