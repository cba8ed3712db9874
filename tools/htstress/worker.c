// SPDX-License-Identifier: GPL-2.0
/*
 * worker.c - the load generator proper: one thread per worker, each with
 * its own epoll instance, connections, counters and random numbers.
 *
 * Accounting: every request put on a connection ends as exactly one of
 *   good      a complete, well-framed response with a good status,
 *   bad       a complete response with another status (bad_status), or a
 *             response whose framing is wrong (bad_framing): malformed
 *             status line, headers or chunks, a body cut short of its
 *             Content-Length, or bytes beyond the end of the last response,
 *   error     connect or socket error, or the connection closed before any
 *             byte of the response,
 *   timeout   no complete response within --timeout,
 *   unfinished  still in flight when the run ended (-d, Ctrl-C),
 * except that the requests queued behind a response that ended its
 * connection (Connection: close, a framing error, an error, a timeout) are
 * put back and sent again on a new connection.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "htstress.h"
#include "parser.h"

#define MS		1000000ULL
#define SCAN_NS		(10 * MS)	/* timeout and reconnect scan period */
#define BACKOFF_NS	(10 * MS)	/* before reconnecting after a refusal */
#define MAX_EVENTS	256
#define RBUF_SIZE	65536

enum { C_IDLE, C_CONNECTING, C_OPEN };
enum { K_GOOD, K_BAD_STATUS, K_BAD_FRAMING, K_ERROR, K_TIMEOUT };

struct worker;

struct conn {
	struct worker *w;
	int fd;
	int state;
	uint64_t retry_at;	/* C_IDLE: when to connect again */
	uint64_t *start;	/* ring of request start times, cfg->pipeline */
	unsigned int qhead, qlen;
	unsigned int sent;	/* requests put on this connection */
	bool closing;		/* no more requests on this connection */
	bool answered;		/* a response arrived on this connection */
	bool last_good;		/* ... and the last one was counted good */
	bool want_out;		/* EPOLLOUT is registered */
	char *out;
	size_t out_len, out_off;
	struct resp_parser rp;
};

struct worker {
	const struct config *cfg;
	struct conn *conns;
	unsigned int nconns;
	unsigned int id;
	int epfd;
	uint64_t deadline;
	uint64_t timeout_ns;
	uint64_t last_scan;
	uint64_t outstanding;	/* sum of qlen over conns */
	bool restart_pending;
	size_t req_max;		/* longest request text */
	struct rng rng;
	struct stats st;
	char *path;
	pthread_t tid;
	char rbuf[RBUF_SIZE];
};

volatile sig_atomic_t stop_now;
static uint64_t budget;		/* requests left to send, with -n */
static unsigned int path_next;	/* next path of a -f list */

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool take_request(const struct config *cfg)
{
	uint64_t left = __atomic_load_n(&budget, __ATOMIC_RELAXED);

	if (!cfg->requests)
		return true;
	do {
		if (!left)
			return false;
	} while (!__atomic_compare_exchange_n(&budget, &left, left - 1, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

static void give_back(const struct config *cfg, uint64_t n)
{
	if (cfg->requests && n)
		__atomic_add_fetch(&budget, n, __ATOMIC_RELAXED);
}

static void count(struct worker *w, int kind, int status, const char *why)
{
	struct stats *st = &w->st;

	if (status >= 100 && status < STATUS_MAX)
		st->status[status]++;
	switch (kind) {
	case K_GOOD:
		st->good++;
		return;
	case K_BAD_STATUS:
		st->bad++;
		st->bad_status++;
		return;
	case K_BAD_FRAMING:
		st->bad++;
		st->bad_framing++;
		st->last_bad = why;
		return;
	case K_ERROR:
		st->errors++;
		st->last_error = why;
		return;
	default:
		st->timeouts++;
		return;
	}
}

static void pop_request(struct conn *c)
{
	c->qhead = (c->qhead + 1) % c->w->cfg->pipeline;
	c->qlen--;
	c->w->outstanding--;
}

/* Close the socket; the connection is started again by scan(). */
static void conn_close(struct conn *c, uint64_t retry_at)
{
	struct worker *w = c->w;

	give_back(w->cfg, c->qlen);
	w->outstanding -= c->qlen;
	c->qlen = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_IDLE;
	c->retry_at = retry_at;
	w->restart_pending = true;
}

/* The connection failed: the request at its head ends as @kind. */
static void conn_fail(struct conn *c, int kind, const char *why, uint64_t now)
{
	bool refused = kind == K_ERROR && !c->answered;

	if (c->qlen) {
		count(c->w, kind, kind == K_BAD_FRAMING ? c->rp.status : 0,
		      why);
		pop_request(c);
	}
	conn_close(c, refused ? now + BACKOFF_NS : now);
}

/* Bytes after the last response: that response was longer than framed. */
static void excess(struct conn *c, uint64_t now)
{
	struct stats *st = &c->w->st;

	if (c->answered && c->last_good) {
		st->good--;
		st->bad++;
		st->bad_framing++;
		st->last_bad = "bytes after the end of the response";
	}
	conn_close(c, now);
}

static bool queue_request(struct conn *c, uint64_t now)
{
	struct worker *w = c->w;
	const struct config *cfg = w->cfg;
	const struct pattern *pat = cfg->paths;
	size_t room;
	int n;

	if (c->closing || c->qlen >= cfg->pipeline || (cfg->close && c->sent))
		return false;
	if (stop_now || (w->deadline && now >= w->deadline) ||
	    !take_request(cfg))
		return false;
	if (cfg->npaths > 1)
		pat += __atomic_fetch_add(&path_next, 1, __ATOMIC_RELAXED) %
		       cfg->npaths;
	pattern_expand(pat, &w->rng, w->path);
	if (c->out_off) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	room = w->req_max * cfg->pipeline + 1 - c->out_len;
	n = snprintf(c->out + c->out_len, room,
		     "%s %s HTTP/1.1\r\nHost: %s\r\n%s%s\r\n",
		     cfg->head ? "HEAD" : "GET", w->path, cfg->target.host,
		     cfg->close ? "Connection: close\r\n" : "", cfg->extra);
	c->out_len += (size_t)n;
	c->start[(c->qhead + c->qlen) % cfg->pipeline] = now;
	c->qlen++;
	c->sent++;
	w->outstanding++;
	return true;
}

static void set_events(struct conn *c, bool want_out)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	if (want_out == c->want_out)
		return;
	if (want_out)
		ev.events |= EPOLLOUT;
	epoll_ctl(c->w->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	c->want_out = want_out;
}

/* Send what is queued. Return: 0, or -1 if the connection failed. */
static int flush(struct conn *c, uint64_t now)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			conn_fail(c, K_ERROR, strerror(errno), now);
			return -1;
		}
		c->out_off += (size_t)n;
		c->w->st.bytes_out += (uint64_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	set_events(c, c->out_len > 0);
	return 0;
}

static void conn_start(struct conn *c, uint64_t now)
{
	struct worker *w = c->w;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
	int one = 1;

	c->closing = c->answered = c->last_good = false;
	c->sent = c->qhead = 0;
	c->out_len = c->out_off = 0;
	resp_init(&c->rp, w->cfg->head);
	while (queue_request(c, now))
		;
	if (!c->qlen) {
		c->retry_at = now + SCAN_NS;
		return;
	}
	c->fd = socket(w->cfg->target.addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		conn_fail(c, K_ERROR, strerror(errno), now);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (const struct sockaddr *)&w->cfg->target.addr,
		    w->cfg->target.addrlen) && errno != EINPROGRESS) {
		conn_fail(c, K_ERROR, strerror(errno), now);
		return;
	}
	c->state = C_CONNECTING;
	c->want_out = true;
	epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &ev);
}

static void complete(struct conn *c, uint64_t now)
{
	const struct config *cfg = c->w->cfg;
	struct resp_parser *p = &c->rp;
	uint64_t start = c->start[c->qhead];
	bool ok = cfg->expect_status ? p->status == cfg->expect_status :
				       p->status >= 200 && p->status < 400;

	hist_record(&c->w->st.hist, (now - start) / 1000);
	count(c->w, ok ? K_GOOD : K_BAD_STATUS, p->status, NULL);
	c->answered = true;
	c->last_good = ok;
	if (p->close)
		c->closing = true;
	pop_request(c);
	resp_init(p, cfg->head);
}

/* Parse received bytes. Return: 0, or -1 if the connection was closed. */
static int consume(struct conn *c, const char *buf, size_t len, uint64_t now)
{
	enum resp_result r;
	size_t pos = 0, used;

	while (pos < len) {
		if (!c->qlen || c->closing) {
			excess(c, now);
			return -1;
		}
		r = resp_feed(&c->rp, buf + pos, len - pos, &used);
		pos += used;
		if (r == RESP_BAD) {
			conn_fail(c, K_BAD_FRAMING, c->rp.why, now);
			return -1;
		}
		if (r == RESP_DONE)
			complete(c, now);
	}
	return 0;
}

static void on_eof(struct conn *c, uint64_t now)
{
	enum resp_result r;

	if (!c->qlen) {
		conn_close(c, now);
		return;
	}
	r = resp_eof(&c->rp);
	if (r == RESP_DONE) {
		complete(c, now);
		conn_close(c, now);
	} else if (r == RESP_EMPTY) {
		conn_fail(c, K_ERROR, "connection closed before the response",
			  now);
	} else {
		conn_fail(c, K_BAD_FRAMING, c->rp.why, now);
	}
}

/* Return: 0, or -1 if the connection was closed. */
static int on_readable(struct conn *c, uint64_t now)
{
	struct worker *w = c->w;
	ssize_t n;
	int i;

	for (i = 0; i < 8; i++) {
		n = recv(c->fd, w->rbuf, sizeof(w->rbuf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			conn_fail(c, K_ERROR, strerror(errno), now);
			return -1;
		}
		if (!n) {
			on_eof(c, now);
			return -1;
		}
		w->st.bytes_in += (uint64_t)n;
		if (consume(c, w->rbuf, (size_t)n, now))
			return -1;
		if ((size_t)n < sizeof(w->rbuf))
			break;
	}
	if (c->closing || (w->cfg->close && !c->qlen)) {
		conn_close(c, now);
		return -1;
	}
	return 0;
}

/* Return: 0, or -1 if the connection failed. */
static int on_connected(struct conn *c, uint64_t now)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		conn_fail(c, K_ERROR, strerror(err), now);
		return -1;
	}
	c->state = C_OPEN;
	c->w->st.connects++;
	return 0;
}

static void on_event(struct conn *c, uint32_t events, uint64_t now)
{
	if (c->fd < 0)
		return;
	if (c->state == C_CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (on_connected(c, now))
			return;
	}
	if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && on_readable(c, now))
		return;
	while (queue_request(c, now))
		;
	flush(c, now);
}

/* Time out stuck requests and reopen closed connections. */
static void scan(struct worker *w, uint64_t now)
{
	unsigned int i;

	w->restart_pending = false;
	w->last_scan = now;
	for (i = 0; i < w->nconns; i++) {
		struct conn *c = &w->conns[i];

		if (c->state != C_IDLE && c->qlen &&
		    now - c->start[c->qhead] >= w->timeout_ns)
			conn_fail(c, K_TIMEOUT, "timeout", now);
		if (c->state == C_IDLE && c->retry_at <= now)
			conn_start(c, now);
	}
}

static bool finished(struct worker *w, uint64_t now)
{
	if (stop_now || (w->deadline && now >= w->deadline))
		return true;
	return w->cfg->requests &&
	       !__atomic_load_n(&budget, __ATOMIC_RELAXED) && !w->outstanding;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[MAX_EVENTS];
	uint64_t now = now_ns();
	unsigned int i;
	int n;

	w->last_scan = now;
	for (i = 0; i < w->nconns; i++)
		conn_start(&w->conns[i], now);
	while (!finished(w, now)) {
		n = epoll_wait(w->epfd, ev, MAX_EVENTS, 10);
		now = now_ns();
		for (i = 0; n > 0 && i < (unsigned int)n; i++)
			on_event(ev[i].data.ptr, ev[i].events, now);
		if (w->restart_pending || now - w->last_scan >= SCAN_NS)
			scan(w, now);
	}
	w->st.unfinished += w->outstanding;
	for (i = 0; i < w->nconns; i++)
		if (w->conns[i].fd >= 0)
			close(w->conns[i].fd);
	return NULL;
}

static size_t request_max(const struct config *cfg)
{
	size_t i, m = 0;

	for (i = 0; i < cfg->npaths; i++)
		if (cfg->paths[i].maxlen > m)
			m = cfg->paths[i].maxlen;
	return m + strlen(cfg->target.host) + strlen(cfg->extra) + 64;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "htstress: out of memory\n");
		exit(2);
	}
	return p;
}

static void worker_init(struct worker *w, const struct config *cfg,
			unsigned int id, unsigned int nconns, uint64_t t0)
{
	unsigned int i;

	w->cfg = cfg;
	w->id = id;
	w->nconns = nconns;
	w->timeout_ns = (uint64_t)(cfg->timeout * 1e9);
	w->deadline = cfg->duration > 0 ?
		      t0 + (uint64_t)(cfg->duration * 1e9) : 0;
	w->req_max = request_max(cfg);
	w->path = xcalloc(1, w->req_max);
	w->conns = xcalloc(nconns, sizeof(*w->conns));
	rng_seed(&w->rng, cfg->seed + id * 0x9e3779b97f4a7c15ULL);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0) {
		perror("htstress: epoll_create1");
		exit(2);
	}
	for (i = 0; i < nconns; i++) {
		struct conn *c = &w->conns[i];

		c->w = w;
		c->fd = -1;
		c->state = C_IDLE;
		c->start = xcalloc(cfg->pipeline, sizeof(*c->start));
		c->out = xcalloc(1, w->req_max * cfg->pipeline + 1);
	}
}

static void merge(struct stats *dst, const struct stats *src)
{
	unsigned int i;

	dst->good += src->good;
	dst->bad += src->bad;
	dst->bad_status += src->bad_status;
	dst->bad_framing += src->bad_framing;
	dst->errors += src->errors;
	dst->timeouts += src->timeouts;
	dst->unfinished += src->unfinished;
	dst->connects += src->connects;
	dst->bytes_in += src->bytes_in;
	dst->bytes_out += src->bytes_out;
	for (i = 0; i < STATUS_MAX; i++)
		dst->status[i] += src->status[i];
	hist_merge(&dst->hist, &src->hist);
	if (src->last_bad)
		dst->last_bad = src->last_bad;
	if (src->last_error)
		dst->last_error = src->last_error;
}

static void worker_free(struct worker *w)
{
	unsigned int i;

	for (i = 0; i < w->nconns; i++) {
		free(w->conns[i].start);
		free(w->conns[i].out);
	}
	free(w->conns);
	free(w->path);
	close(w->epfd);
}

/**
 * run_workers() - run the load and add up the counters
 * @cfg: the configuration
 * @total: zeroed counters to add into
 * @seconds: set to the wall time of the run
 *
 * Return: 0, or -1 if a thread could not be started.
 */
int run_workers(const struct config *cfg, struct stats *total,
		double *seconds)
{
	struct worker *ws = xcalloc(cfg->threads, sizeof(*ws));
	uint64_t t0 = now_ns();
	unsigned int i, started = 0;
	int err = 0;

	budget = cfg->requests;
	for (i = 0; i < cfg->threads; i++) {
		unsigned int n = cfg->conns / cfg->threads +
				 (i < cfg->conns % cfg->threads);

		worker_init(&ws[i], cfg, i, n, t0);
	}
	for (i = 0; i < cfg->threads; i++) {
		err = pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]);
		if (err) {
			fprintf(stderr, "htstress: pthread_create: %s\n",
				strerror(err));
			stop_now = 1;
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(ws[i].tid, NULL);
	*seconds = (double)(now_ns() - t0) / 1e9;
	for (i = 0; i < cfg->threads; i++) {
		merge(total, &ws[i].st);
		worker_free(&ws[i]);
	}
	free(ws);
	return err ? -1 : 0;
}
