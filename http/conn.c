// SPDX-License-Identifier: GPL-2.0
/*
 * conn.c - one HTTP/1.1 connection: an event-driven state machine.
 *
 * The socket is never read or written in blocking mode.  Its callbacks
 * (data_ready, write_space, state_change), the connection's timer and the
 * end of a computation only queue the connection's work item on the I/O
 * workqueue; the work item reads what is there, parses, answers, writes
 * what fits and returns.  A work item never runs on two CPUs at once, so
 * the state below needs no lock.
 *
 * Requests are answered strictly in order, one at a time: pipelined
 * requests wait in the receive buffer, whose size is bounded by the
 * parser's limits; when it is full the connection stops reading and TCP
 * flow control holds the client back.
 *
 * Lifetime: a connection holds one reference, the server's list's, until
 * conn_close() detaches it from the socket, stops waiting for its
 * computation (the Fibonacci service never calls back after
 * khttpd_fib_cancel()) and drops it.  The last reference queues
 * free_work, which stops the timer, then cancels the work item, then
 * frees, on the same workqueue that unload drains.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "http/compat.h"
#include "http/conn_internal.h"
#include "http/sock.h"

/* Connections have their own slab cache: no rounding up to kmalloc-2k. */
static struct kmem_cache *conn_cache;

/*
 * Each CPU keeps one spare receive buffer of RX_INITIAL bytes.  A
 * keep-alive connection gives its buffer back after each response (an
 * idle connection holds none) and takes one for the next request; from
 * kmalloc() that is 2 KiB zeroed each time under init_on_alloc (Debian's
 * default), the largest item of a keep-alive hit's profile.  I/O work
 * runs on the CPU that queued it, so the spare mostly returns to the CPU
 * that lent it.  A buffer only ever holds bytes read from a socket, and
 * nothing reads past rx_len, so a spare's old contents are never seen.
 */
static DEFINE_PER_CPU(char *, rx_spare);

static char *rx_take(size_t cap)
{
	char *rx = NULL;

	if (cap == RX_INITIAL)
		rx = this_cpu_xchg(rx_spare, NULL);
	return rx ?: kmalloc(cap, GFP_KERNEL);
}

/* Give the receive buffer back: to this CPU's spare slot, else kfree(). */
static void rx_release(struct khttpd_conn *conn)
{
	if (conn->rx_cap != RX_INITIAL ||
	    this_cpu_cmpxchg(rx_spare, NULL, conn->rx))
		kfree(conn->rx);
	conn->rx = NULL;
	conn->rx_cap = 0;
	conn->rx_off = 0;
}

/**
 * khttpd_conn_cache_init() - create the slab cache of connections
 *
 * Return: 0 or -ENOMEM.
 */
int khttpd_conn_cache_init(void)
{
	conn_cache = KMEM_CACHE(khttpd_conn, 0);
	return conn_cache ? 0 : -ENOMEM;
}

/**
 * khttpd_conn_cache_exit() - destroy it and the spare receive buffers,
 * once every connection is freed
 */
void khttpd_conn_cache_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kfree(per_cpu(rx_spare, cpu));
		per_cpu(rx_spare, cpu) = NULL;
	}
	kmem_cache_destroy(conn_cache);
}

void conn_kick(struct khttpd_conn *conn)
{
	if (!test_bit(CONN_DEAD, &conn->flags))
		queue_work(conn->srv->io_wq, &conn->io_work);
}

static void conn_data_ready(struct sock *sk)
{
	struct khttpd_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		conn_kick(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void conn_write_space(struct sock *sk)
{
	struct khttpd_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		conn_kick(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

/* Drop a reference; the last one frees the connection, from a work item. */
static void conn_put(struct khttpd_conn *conn)
{
	if (refcount_dec_and_test(&conn->ref))
		queue_work(conn->srv->io_wq, &conn->free_work);
}

static void conn_free_work(struct work_struct *work)
{
	struct khttpd_conn *conn =
		container_of(work, struct khttpd_conn, free_work);
	struct khttpd_server *srv = conn->srv;

	/*
	 * The timer first: a callback that passed the CONN_DEAD check may
	 * still queue io_work; once the timer is stopped, nothing else can
	 * (the socket callbacks and the computation were detached by
	 * conn_close()), so cancelling io_work then is final.
	 */
	khttpd_timer_shutdown_sync(&conn->timer);
	cancel_work_sync(&conn->io_work);
	WARN_ON_ONCE(work_pending(&conn->io_work));
	khttpd_body_put(conn->body);
	kfree(conn->big_head);
	kfree(conn->trace);
	rx_release(conn);
	kfree(conn->fbuf);
	sock_release(conn->sock);
	kmem_cache_free(conn_cache, conn);
	khttpd_stat_inc(KHTTPD_STAT_CLOSED);
	if (atomic_dec_and_test(&srv->nr_conns))
		wake_up(&srv->conns_gone);
}

/*
 * Detach from the socket, cancel the computation, leave the list.
 * @reason (enum khttpd_close_reason) is for the khttpd_conn tracepoint.
 */
void conn_close(struct khttpd_conn *conn, int reason)
{
	struct khttpd_server *srv = conn->srv;
	struct sock *sk = conn->sock->sk;

	if (test_and_set_bit(CONN_DEAD, &conn->flags))
		return;
	trace_khttpd_conn(khttpd_sock_peer_port(conn->sock), false, reason,
			  conn->requests);
	khttpd_stat_close(reason);
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = conn->saved_data_ready;
	sk->sk_write_space = conn->saved_write_space;
	sk->sk_state_change = conn->saved_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	/* The last one waiting cancels the computation; so does a stream's. */
	khttpd_fib_cancel(&conn->wait);
	conn_stream_release(conn);
	del_timer(&conn->timer);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	mutex_lock(&srv->lock);
	list_del_init(&conn->node);
	mutex_unlock(&srv->lock);
	conn_put(conn);
}

/*
 * Close after a response: send FIN, then read and drop what the client
 * still sends for a moment (khttpd_sock_drain()), so that closing with
 * unread bytes does not turn into a reset that destroys the response
 * before the client read it.
 */
void conn_start_linger(struct khttpd_conn *conn)
{
	kernel_sock_shutdown(conn->sock, SHUT_WR);
	conn->lingering = true;
	conn->linger_start = jiffies;
	conn->rx_len = 0;
	conn->rx_off = 0;
}

static void conn_linger(struct khttpd_conn *conn)
{
	if (khttpd_sock_drain(conn->sock, &conn->lingered,
			      KHTTPD_LINGER_BYTES) != -EAGAIN)
		conn_close(conn, KHTTPD_CLOSE_DONE);
}

/*
 * Consume @n bytes: the offset moves, nothing is copied (pipelined
 * requests are parsed where they are); an empty buffer starts over.
 */
static void rx_consume(struct khttpd_conn *conn, u32 n)
{
	conn->rx_off += n;
	if (conn->rx_off == conn->rx_len)
		conn->rx_off = conn->rx_len = 0;
}

/* Make room to receive: 0, or -ENOSPC if the buffer is at its limit. */
static int rx_reserve(struct khttpd_conn *conn)
{
	size_t max = http_head_buffer_size(&conn->srv->cfg.limits);
	size_t cap;
	char *rx;

	if (conn->rx && conn->rx_len < conn->rx_cap)
		return 0;
	if (conn->rx_off) {	/* full: move what is left to the front */
		conn->rx_len -= conn->rx_off;
		memmove(conn->rx, conn->rx + conn->rx_off, conn->rx_len);
		conn->rx_off = 0;
		return 0;
	}
	if (conn->rx_cap >= max)
		return -ENOSPC;
	cap = conn->rx_cap ? min_t(size_t, conn->rx_cap * 2, max) :
			     min_t(size_t, RX_INITIAL, max);
	rx = conn->rx ? krealloc(conn->rx, cap, GFP_KERNEL) : rx_take(cap);
	if (!rx)
		return -ENOMEM;
	conn->rx = rx;
	conn->rx_cap = cap;
	return 0;
}

/* Read what is there: bytes read, 0 at end of stream, or -errno. */
static int conn_recv(struct khttpd_conn *conn)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec vec;
	int err, n;

	err = rx_reserve(conn);
	if (err)
		return err;
	vec.iov_base = conn->rx + conn->rx_len;
	vec.iov_len = conn->rx_cap - conn->rx_len;
	n = kernel_recvmsg(conn->sock, &msg, &vec, 1, vec.iov_len,
			   MSG_DONTWAIT);
	if (n > 0) {
		conn->rx_len += n;
		khttpd_stat_add(KHTTPD_STAT_BYTES_IN, n);
	} else if (n == -EAGAIN && !conn->rx_len) {
		/*
		 * Nothing came: an idle connection keeps no buffer.  This is
		 * also what frees it after a response, whose work item reads
		 * next (conn_step()).
		 */
		rx_release(conn);
	}
	return n;
}

/*
 * Pipelining: while more requests wait in the buffer, the responses are
 * corked, so that TCP sends full segments instead of one (or two, head
 * and body) per response; the end of the work item's pass uncorks them,
 * which pushes what is queued.
 */
static void conn_cork(struct khttpd_conn *conn, bool on)
{
	tcp_sock_set_cork(conn->sock->sk, on);
	conn->corked = on;
}

/*
 * Parse and act on what the buffer holds: 0, with *@progress set if
 * something was done (false: more bytes are needed), or -errno to close
 * at once.
 */
static int conn_process(struct khttpd_conn *conn, bool *progress)
{
	struct http_request req;
	enum http_result r;
	const char *reason;
	size_t used = 0;
	int status;

	*progress = false;
	if (conn->in_body) {
		r = http_skip_body(&conn->parser, conn_rx(conn),
				   conn_rx_len(conn), &used);
		rx_consume(conn, used);
		*progress = used || r != HTTP_NEED_MORE;
		if (r == HTTP_NEED_MORE)
			return 0;
		conn->in_body = false;
		if (r == HTTP_BODY_DONE)
			return 0;
		goto bad_request;
	}
	if (conn->tx_active || khttpd_fib_waiting(&conn->wait) ||
	    conn->close_after || !conn->rx_len)
		return 0;
	if (!conn->head_started) {
		conn->head_started = true;
		conn->request_start = jiffies;
		conn->head_start_ns = ktime_get_ns();
	}
	r = http_parse_head(&conn->parser, conn_rx(conn), conn_rx_len(conn),
			    &req);
	if (r == HTTP_NEED_MORE) {
		if (conn_rx_len(conn) <
		    http_head_buffer_size(&conn->srv->cfg.limits))
			return 0;
		*progress = true;
		return conn_error(conn, 431, "request head too large", true,
				  false);
	}
	if (r == HTTP_ERROR)
		goto bad_request;
	conn->head_started = false;
	status = conn_dispatch(conn, &req);
	rx_consume(conn, req.head_len);
	conn->in_body = true;
	*progress = true;
	if (conn->rx_len && !conn->corked)
		conn_cork(conn, true);
	return status;

bad_request:
	*progress = true;
	status = http_parser_error(&conn->parser, &reason);
	if (conn->tx_active || khttpd_fib_waiting(&conn->wait)) {
		/* A bad body while answering: finish that answer, then go. */
		conn->close_after = true;
		return 0;
	}
	return conn_error(conn, status ?: 400, reason ?: "bad request", true,
			  false);
}

/*
 * With the receive buffer full (pipelined requests waiting behind a
 * computation) the connection reads nothing, so the FIN or reset of a
 * client that left is never read: look at the socket instead.  A reset
 * or error always ends the connection; a FIN ends it while it waits for
 * a computation (as a FIN that is read does: the computation is
 * cancelled if nobody else waits).
 */
static bool conn_peer_left(struct khttpd_conn *conn)
{
	struct sock *sk = conn->sock->sk;

	if (READ_ONCE(sk->sk_err))
		return true;
	return khttpd_fib_waiting(&conn->wait) &&
	       (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN);
}

/*
 * One pass of the state machine: 0, with *@progress set if it did
 * anything, or -errno to close.
 */
static int conn_step(struct khttpd_conn *conn, bool *progress)
{
	bool processed, more;
	int err, n;

	*progress = false;
	if (conn->tx_active) {
		err = conn_send(conn, &more);
		if (err)
			return err;
		*progress = more;
		if (!conn->tx_active) {
			*progress = true;
			if (conn->close_after) {
				conn_start_linger(conn);
				*progress = false;
				return 0;
			}
		}
	}
	err = conn_process(conn, &processed);
	if (err)
		return err;
	*progress |= processed;
	if (!conn->peer_closed &&
	    (!conn->close_after || khttpd_fib_waiting(&conn->wait))) {
		n = conn_recv(conn);
		if (n > 0 && conn->close_after) {
			/* Only watching for the client to go away. */
			conn->rx_len = 0;
			conn->rx_off = 0;
		} else if (n > 0) {
			*progress = true;
		} else if (n == 0 || (n == -ENOSPC && conn_peer_left(conn))) {
			conn->peer_closed = true;
			*progress = true;
		} else if (n != -EAGAIN && n != -ENOSPC) {
			return n;
		}
	}
	return 0;
}

/*
 * Kept alive between requests: one answered, nothing to send, compute or
 * finish reading.  (A new connection is not idle: its request is coming.)
 */
static bool conn_idle(const struct khttpd_conn *conn)
{
	return conn->requests && !conn->tx_active &&
	       !khttpd_fib_waiting(&conn->wait) && !conn->head_started &&
	       !conn->in_body && !conn->rx_len;
}

static void conn_run(struct khttpd_conn *conn)
{
	int budget = RUN_BUDGET, err;
	bool progress;

	do {
		err = conn_step(conn, &progress);
		if (err) {
			conn_close(conn, err == -ECONNRESET || err == -EPIPE ?
					 KHTTPD_CLOSE_CLIENT :
					 KHTTPD_CLOSE_ERROR);
			return;
		}
		if (test_bit(CONN_DEAD, &conn->flags))
			return;
		if (conn->lingering)
			return;
	} while (progress && --budget);
	if (!budget) {
		/* Let other connections run; come back later. */
		queue_work(conn->srv->io_wq, &conn->io_work);
		return;
	}
	/* It leaves its computation, or the one streaming its body. */
	if (conn->peer_closed && (!conn->tx_active || conn->stream))
		conn_close(conn, KHTTPD_CLOSE_CLIENT);
	else if (conn_idle(conn) && READ_ONCE(conn->srv->draining))
		conn_close(conn, KHTTPD_CLOSE_DRAIN);
}

static void conn_io_work(struct work_struct *work)
{
	struct khttpd_conn *conn =
		container_of(work, struct khttpd_conn, io_work);

	if (test_bit(CONN_DEAD, &conn->flags))
		return;
	if (test_bit(CONN_STOP, &conn->flags)) {
		conn_close(conn, KHTTPD_CLOSE_STOP);
		return;
	}
	if (test_and_clear_bit(CONN_JOB_DONE, &conn->flags))
		conn_finish_job(conn);
	if (test_and_clear_bit(CONN_TIMER, &conn->flags))
		conn_deadline(conn);
	if (test_bit(CONN_DEAD, &conn->flags))
		return;
	if (conn->lingering)
		conn_linger(conn);
	else
		conn_run(conn);
	if (test_bit(CONN_DEAD, &conn->flags))
		return;
	if (conn->corked)
		conn_cork(conn, false);
	conn_arm_timer(conn);
}

/* The computation waited for completed (under the service's spinlock). */
static void conn_fib_done(struct khttpd_fib_wait *wait)
{
	struct khttpd_conn *conn = container_of(wait, struct khttpd_conn, wait);

	set_bit(CONN_JOB_DONE, &conn->flags);
	conn_kick(conn);
}

/**
 * khttpd_conn_open() - serve a newly accepted socket
 * @srv: the server
 * @sock: the socket; khttpd_conn_open() owns it from now on
 */
void khttpd_conn_open(struct khttpd_server *srv, struct socket *sock)
{
	struct khttpd_conn *conn = kmem_cache_zalloc(conn_cache, GFP_KERNEL);
	struct sock *sk = sock->sk;

	if (!conn) {
		sock_release(sock);
		return;
	}
	conn->srv = srv;
	conn->sock = sock;
	refcount_set(&conn->ref, 1);
	INIT_WORK(&conn->io_work, conn_io_work);
	INIT_WORK(&conn->free_work, conn_free_work);
	timer_setup(&conn->timer, conn_timer_fn, 0);
	conn->wait.done = conn_fib_done;
	http_parser_init(&conn->parser, &srv->cfg.limits);
	conn->idle_since = jiffies;
	tcp_sock_set_nodelay(sk);
	atomic_inc(&srv->nr_conns);

	mutex_lock(&srv->lock);
	if (srv->stopping) {
		mutex_unlock(&srv->lock);
		set_bit(CONN_DEAD, &conn->flags);
		conn_put(conn);
		return;
	}
	list_add(&conn->node, &srv->conns);
	write_lock_bh(&sk->sk_callback_lock);
	conn->saved_data_ready = sk->sk_data_ready;
	conn->saved_write_space = sk->sk_write_space;
	conn->saved_state_change = sk->sk_state_change;
	sk->sk_user_data = conn;
	sk->sk_data_ready = conn_data_ready;
	sk->sk_write_space = conn_write_space;
	sk->sk_state_change = conn_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	mutex_unlock(&srv->lock);
	trace_khttpd_conn(khttpd_sock_peer_port(sock), true, 0, 0);
	conn_kick(conn);	/* bytes may have arrived before the callbacks */
}

/**
 * khttpd_conns_stop() - close every connection and wait until all are freed
 * @srv: the server, already not accepting
 */
void khttpd_conns_stop(struct khttpd_server *srv)
{
	struct khttpd_conn *conn;

	mutex_lock(&srv->lock);
	srv->stopping = true;
	list_for_each_entry(conn, &srv->conns, node) {
		set_bit(CONN_STOP, &conn->flags);
		queue_work(srv->io_wq, &conn->io_work);
	}
	mutex_unlock(&srv->lock);
	wait_event(srv->conns_gone, !atomic_read(&srv->nr_conns));
}

/**
 * khttpd_conns_drain() - close every idle connection (drain was set)
 * @srv: the server, with draining set
 *
 * Each connection looks at itself in its work item: an idle one closes,
 * a busy one closes after its response (conn_dispatch() sees draining).
 */
void khttpd_conns_drain(struct khttpd_server *srv)
{
	struct khttpd_conn *conn;

	mutex_lock(&srv->lock);
	list_for_each_entry(conn, &srv->conns, node)
		conn_kick(conn);
	mutex_unlock(&srv->lock);
}
