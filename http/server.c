// SPDX-License-Identifier: GPL-2.0
/*
 * server.c - accept connections and answer one request on each.
 *
 * A kthread accepts; every connection is a work item on a cmwq workqueue
 * that reads the request head with a receive deadline, answers it and
 * closes.  Unload shuts the listening socket and every open connection
 * down, so no work item is left sleeping in recv() and none runs module
 * code after khttpd_server_stop() returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "route.h"
#include "server.h"

#define REQUEST_MAX	4096
#define RESPONSE_MAX	1024
#define RECV_TIMEOUT	(10 * HZ)
#define SEND_TIMEOUT	(10 * HZ)

struct khttpd_conn {
	struct list_head node;
	struct socket *sock;
	struct khttpd_server *srv;
	struct work_struct work;
};

static int send_all(struct socket *sock, const char *buf, size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	struct kvec vec;
	int n;

	while (len) {
		vec.iov_base = (void *)buf;
		vec.iov_len = len;
		n = kernel_sendmsg(sock, &msg, &vec, 1, len);
		if (n <= 0)
			return n ? n : -EPIPE;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Read until the end of the request head: its length, 0 at EOF, or -errno. */
static int recv_head(struct socket *sock, char *buf, size_t size)
{
	struct msghdr msg = { 0 };
	struct kvec vec;
	size_t len = 0;
	int n;

	while (len < size) {
		vec.iov_base = buf + len;
		vec.iov_len = size - len;
		n = kernel_recvmsg(sock, &msg, &vec, 1, size - len, 0);
		if (n <= 0)
			return n;
		len += n;
		if (memchr(buf, '\n', len))
			return len;
	}
	return -EMSGSIZE;
}

static void conn_serve(struct khttpd_conn *conn)
{
	char *req, *resp;
	int len, n;

	req = kmalloc(REQUEST_MAX + RESPONSE_MAX, GFP_KERNEL);
	if (!req)
		return;
	resp = req + REQUEST_MAX;
	len = recv_head(conn->sock, req, REQUEST_MAX);
	if (len == -EMSGSIZE)
		n = snprintf(resp, RESPONSE_MAX,
			     "HTTP/1.1 414 URI Too Long\r\nServer: khttpd\r\n"
			     "Content-Length: 0\r\nConnection: close\r\n\r\n");
	else if (len > 0)
		n = http_answer(req, len, resp, RESPONSE_MAX,
				ktime_get_real_seconds());
	else
		n = 0;
	if (n > 0) {
		int err = send_all(conn->sock, resp, n);

		if (err)
			pr_debug("send failed: %d\n", err);
	}
	kfree(req);
}

static void conn_work(struct work_struct *work)
{
	struct khttpd_conn *conn = container_of(work, struct khttpd_conn, work);
	struct khttpd_server *srv = conn->srv;

	conn_serve(conn);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	mutex_lock(&srv->lock);
	list_del(&conn->node);
	mutex_unlock(&srv->lock);
	sock_release(conn->sock);
	kfree(conn);
}

static void conn_open(struct khttpd_server *srv, struct socket *sock)
{
	struct khttpd_conn *conn = kzalloc(sizeof(*conn), GFP_KERNEL);

	if (!conn) {
		sock_release(sock);
		return;
	}
	conn->sock = sock;
	conn->srv = srv;
	sock->sk->sk_rcvtimeo = RECV_TIMEOUT;
	sock->sk->sk_sndtimeo = SEND_TIMEOUT;
	INIT_WORK(&conn->work, conn_work);
	mutex_lock(&srv->lock);
	if (srv->stopping) {
		mutex_unlock(&srv->lock);
		sock_release(sock);
		kfree(conn);
		return;
	}
	list_add(&conn->node, &srv->conns);
	queue_work(srv->wq, &conn->work);
	mutex_unlock(&srv->lock);
}

static int accept_loop(void *data)
{
	struct khttpd_server *srv = data;
	struct socket *sock;
	int err;

	while (!kthread_should_stop()) {
		err = kernel_accept(srv->listener, &sock, 0);
		if (!err) {
			conn_open(srv, sock);
			continue;
		}
		if (READ_ONCE(srv->stopping))
			break;
		pr_warn_ratelimited("accept failed: %d\n", err);
		schedule_timeout_interruptible(HZ / 10);
	}
	/* Stay until khttpd_server_stop() reaps us with kthread_stop(). */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int listen_on(struct khttpd_server *srv, unsigned short port,
		     unsigned short backlog)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int err;

	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &srv->listener);
	if (err)
		return err;
	sock_set_reuseaddr(srv->listener->sk);
	err = kernel_bind(srv->listener, (struct sockaddr *)&addr,
			  sizeof(addr));
	if (!err)
		err = kernel_listen(srv->listener, backlog);
	if (err) {
		sock_release(srv->listener);
		srv->listener = NULL;
	}
	return err;
}

/**
 * khttpd_server_start() - listen on a port and serve it
 * @srv: the server, zeroed
 * @port: TCP port on all IPv4 addresses
 * @backlog: listen() backlog
 *
 * Return: 0, or a negative errno (e.g. -EADDRINUSE).
 */
int khttpd_server_start(struct khttpd_server *srv, unsigned short port,
			unsigned short backlog)
{
	int err;

	mutex_init(&srv->lock);
	INIT_LIST_HEAD(&srv->conns);
	srv->wq = alloc_workqueue("khttpd", WQ_UNBOUND, 0);
	if (!srv->wq)
		return -ENOMEM;
	err = listen_on(srv, port, backlog);
	if (err)
		goto err_wq;
	srv->accept_thread = kthread_run(accept_loop, srv, "khttpd-accept");
	if (IS_ERR(srv->accept_thread)) {
		err = PTR_ERR(srv->accept_thread);
		goto err_sock;
	}
	get_task_struct(srv->accept_thread);
	return 0;

err_sock:
	sock_release(srv->listener);
err_wq:
	destroy_workqueue(srv->wq);
	return err;
}

/**
 * khttpd_server_stop() - stop accepting, end every connection, free all
 * @srv: a started server
 *
 * Returns once no code of the server runs any more.
 */
void khttpd_server_stop(struct khttpd_server *srv)
{
	struct khttpd_conn *conn;

	mutex_lock(&srv->lock);
	srv->stopping = true;
	list_for_each_entry(conn, &srv->conns, node)
		kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	mutex_unlock(&srv->lock);

	kernel_sock_shutdown(srv->listener, SHUT_RDWR);
	kthread_stop(srv->accept_thread);
	put_task_struct(srv->accept_thread);
	destroy_workqueue(srv->wq);
	sock_release(srv->listener);
}
