// SPDX-License-Identifier: GPL-2.0
/*
 * listener.c - the listening socket.
 *
 * Non-blocking: its data_ready callback queues accept_work, which accepts
 * every pending connection and returns.  Nothing ever sleeps in accept(),
 * so unload only has to restore the callback and cancel the work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/timekeeping.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "http/conn.h"
#include "http/server.h"
#include "http/stats.h"
#include "http/proto/response.h"
#include "http/sock.h"
#include "http/trace.h"

/*
 * Accepted sockets are clones of the listener and inherit this callback
 * until khttpd_conn_open() replaces it; TCP may call it on them before
 * that, or read the old pointer just as it is replaced.  The listener's
 * sk_user_data is therefore marked SK_USER_DATA_NOCOPY, so clones start
 * with none, and only a listening socket queues the accept work.
 */
static void listener_data_ready(struct sock *sk)
{
	struct khttpd_server *srv;

	read_lock_bh(&sk->sk_callback_lock);
	srv = __locked_read_sk_user_data_with_flags(sk, SK_USER_DATA_NOCOPY);
	if (srv && sk->sk_state == TCP_LISTEN)
		queue_work(srv->io_wq, &srv->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

/* Tell a client that cannot be served now, if its buffer takes it. */
static void refuse(struct socket *sock)
{
	static const char body[] =
		"503 Service Unavailable: too many connections\n";
	struct http_response_head h = {
		.status = 503,
		.content_type = HTTP_TEXT_PLAIN,
		.content_length = sizeof(body) - 1,
		.close = true,
		.extra = "Retry-After: 1\r\n",
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec vec[2];
	u32 dropped = 0;
	char buf[256];
	int n;

	n = http_format_head(buf, sizeof(buf), &h, ktime_get_real_seconds());
	if (n > 0) {
		vec[0].iov_base = buf;
		vec[0].iov_len = n;
		vec[1].iov_base = (void *)body;
		vec[1].iov_len = sizeof(body) - 1;
		kernel_sendmsg(sock, &msg, vec, 2, n + sizeof(body) - 1);
	}
	khttpd_stat_status(503);
	trace_khttpd_conn(khttpd_sock_peer_port(sock), false,
			  KHTTPD_CLOSE_LIMIT, 0);
	khttpd_stat_close(KHTTPD_CLOSE_LIMIT);
	/* A lingering close, as short as can be: drop what already came. */
	kernel_sock_shutdown(sock, SHUT_WR);
	khttpd_sock_drain(sock, &dropped, KHTTPD_LINGER_BYTES);
	sock_release(sock);
}

/*
 * Connections accepted (or refused) in one run of accept_work: a connect
 * flood must not keep the worker from the connections it already has.
 */
#define ACCEPT_BUDGET	64

static void accept_work(struct work_struct *work)
{
	struct khttpd_server *srv =
		container_of(work, struct khttpd_server, accept_work);
	struct socket *sock;
	int budget, err;

	for (budget = ACCEPT_BUDGET; budget; budget--) {
		err = kernel_accept(srv->listener, &sock, O_NONBLOCK);
		if (err == -EAGAIN)
			return;
		if (err) {
			pr_warn_ratelimited("accept failed: %d\n", err);
			return;
		}
		if (atomic_read(&srv->nr_conns) >= srv->cfg.max_connections) {
			khttpd_stat_inc(KHTTPD_STAT_REFUSED);
			refuse(sock);
		} else {
			khttpd_stat_inc(KHTTPD_STAT_ACCEPTED);
			khttpd_conn_open(srv, sock);
		}
		cond_resched();
	}
	/* More may be waiting: after the other work items of this CPU. */
	queue_work(srv->io_wq, &srv->accept_work);
}

/* "" is every address (IPv6 socket, IPv4-mapped too); else a literal. */
static int parse_bind(const char *s, struct sockaddr_storage *ss, u16 port)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!*s || !strcmp(s, "::")) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return 0;
	}
	if (in4_pton(s, -1, (u8 *)&a4->sin_addr.s_addr, '\0', NULL)) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		return 0;
	}
	if (in6_pton(s, -1, a6->sin6_addr.s6_addr, '\0', NULL)) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

/**
 * khttpd_listener_start() - listen on cfg.bind and cfg.port
 * @srv: the server, with its workqueues
 *
 * Return: 0, or a negative errno (-EINVAL for a bad bind address,
 * -EADDRINUSE, ...).
 */
int khttpd_listener_start(struct khttpd_server *srv)
{
	struct sockaddr_storage ss;
	struct socket *sock;
	struct sock *sk;
	bool any = !srv->cfg.bind[0];
	int err;

	err = parse_bind(srv->cfg.bind, &ss, srv->cfg.port);
	if (err) {
		pr_err("bind=%s is not an IPv4 or IPv6 address\n",
		       srv->cfg.bind);
		return err;
	}
	err = sock_create_kern(&init_net, ss.ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (err && any) {
		/* No IPv6 in this kernel: every IPv4 address, then. */
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;

		memset(&ss, 0, sizeof(ss));
		a4->sin_family = AF_INET;
		a4->sin_port = htons(srv->cfg.port);
		err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
				       IPPROTO_TCP, &sock);
	}
	if (err)
		return err;
	sk = sock->sk;
	sock_set_reuseaddr(sk);
	if (ss.ss_family == AF_INET6 && any)
		sk->sk_ipv6only = false;
	err = kernel_bind(sock, (struct sockaddr *)&ss,
			  ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						   : sizeof(struct sockaddr_in));
	if (!err)
		err = kernel_listen(sock, srv->cfg.backlog);
	if (err) {
		sock_release(sock);
		return err;
	}
	srv->listener = sock;
	write_lock_bh(&sk->sk_callback_lock);
	__rcu_assign_sk_user_data_with_flags(sk, srv, SK_USER_DATA_NOCOPY);
	srv->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = listener_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	INIT_WORK(&srv->accept_work, accept_work);
	/* Connections that came before the callback was in place. */
	queue_work(srv->io_wq, &srv->accept_work);
	return 0;
}

/**
 * khttpd_listener_stop() - stop accepting and close the listening socket
 * @srv: the server
 *
 * Connections already accepted are left to khttpd_conns_stop().
 */
void khttpd_listener_stop(struct khttpd_server *srv)
{
	struct sock *sk = srv->listener->sk;

	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_sk_user_data(sk, NULL);
	sk->sk_data_ready = srv->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&srv->accept_work);
	kernel_sock_shutdown(srv->listener, SHUT_RDWR);
	sock_release(srv->listener);
	srv->listener = NULL;
}
