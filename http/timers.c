// SPDX-License-Identifier: GPL-2.0
/*
 * timers.c - a connection's deadlines.
 *
 * One timer per connection, re-armed after every pass of the state
 * machine for whichever deadline applies now: the request head (and body)
 * within header_timeout, the next request within idle_timeout, progress
 * of a response within send_timeout (not while a streamed body waits for
 * its computation), and the lingering close.  The timer
 * only queues the work item; the deadline is acted on there.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/timer.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "http/conn_internal.h"

/*
 * The timer only queues the work item.  fault_timer_delay_ms (tests only)
 * holds it between its CONN_DEAD check and the queueing, the window in
 * which a connection may be closed and freed: conn_free_work() must stop
 * the timer before it cancels the work (tests_hostile.py).
 */
void conn_timer_fn(struct timer_list *t)
{
	struct khttpd_conn *conn = from_timer(conn, t, timer);
	uint delay = READ_ONCE(khttpd_fault_timer_delay_ms);

	set_bit(CONN_TIMER, &conn->flags);
	if (test_bit(CONN_DEAD, &conn->flags))
		return;
	if (unlikely(delay))
		mdelay(min(delay, 2000u));
	queue_work(conn->srv->io_wq, &conn->io_work);
}

/* What the timer should wait for now. */
void conn_arm_timer(struct khttpd_conn *conn)
{
	const struct khttpd_config *cfg = &conn->srv->cfg;
	unsigned long expires;

	if (conn->lingering) {
		conn->deadline = DL_LINGER;
		expires = conn->linger_start + LINGER_TIME;
	} else if (conn->tx_active && !conn_tx_starved(conn)) {
		conn->deadline = DL_SEND;
		expires = conn->last_progress + cfg->send_timeout;
	} else if (conn->tx_active || khttpd_fib_waiting(&conn->wait)) {
		/* computing: the body's next bytes, or the response */
		conn->deadline = DL_NONE;
		del_timer(&conn->timer);
		return;
	} else if (conn->head_started || conn->in_body) {
		conn->deadline = DL_HEADER;
		expires = conn->request_start + cfg->header_timeout;
	} else {
		conn->deadline = DL_IDLE;
		expires = conn->idle_since +
			  (conn->requests ? cfg->idle_timeout :
					    cfg->header_timeout);
	}
	mod_timer(&conn->timer, expires);
}

/*
 * The idle deadline passed: is the connection really idle?  Not while a
 * request waits to be read (the timer and the data can come together), nor
 * while the client is still taking in the last response: its bytes are
 * queued until acknowledged, and a 4 MiB file can take longer than the
 * idle timeout to arrive.  Acknowledgements that advanced count as the
 * response's progress, bounded by send_timeout like any other.
 */
static bool conn_still_busy(struct khttpd_conn *conn)
{
	struct sock *sk = conn->sock->sk;
	u32 una;

	if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
		return true;
	if (!READ_ONCE(sk->sk_wmem_queued))
		return false;
	una = READ_ONCE(tcp_sk(sk)->snd_una);
	if (una != conn->una_seen) {
		conn->una_seen = una;
		conn->last_progress = jiffies;
	}
	return time_before(jiffies, conn->last_progress +
				    conn->srv->cfg.send_timeout);
}

/* The timer fired: act if the deadline it was set for has passed. */
void conn_deadline(struct khttpd_conn *conn)
{
	unsigned long expires = conn->timer.expires;

	if (conn->deadline == DL_NONE || time_before(jiffies, expires))
		return;
	if (conn->deadline == DL_IDLE && conn_still_busy(conn)) {
		/* look again one idle timeout from now */
		conn->idle_since = jiffies;
		return;
	}
	khttpd_stat_inc(KHTTPD_STAT_TIMEOUTS);
	switch (conn->deadline) {
	case DL_HEADER:
		conn->in_body = false;
		conn->head_started = false;
		if (conn_error(conn, 408, "the request did not arrive in time",
			       true, false))
			conn_close(conn, KHTTPD_CLOSE_TIMEOUT);
		break;
	case DL_IDLE:
		conn_close(conn, KHTTPD_CLOSE_IDLE);
		break;
	case DL_LINGER:
		conn_close(conn, KHTTPD_CLOSE_DONE);
		break;
	case DL_SEND:
	default:
		conn_close(conn, KHTTPD_CLOSE_TIMEOUT);
		break;
	}
}
