/* SPDX-License-Identifier: GPL-2.0 */
/*
 * server.h - the listening socket and its connections.
 */
#ifndef KHTTPD_SERVER_H
#define KHTTPD_SERVER_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/workqueue.h>

/**
 * struct khttpd_server - one listening socket and what it accepted
 * @listener: the listening socket
 * @accept_thread: the kthread that accepts connections
 * @wq: the workqueue connections are served on
 * @lock: protects @conns and @stopping
 * @conns: the open connections (struct khttpd_conn)
 * @stopping: set once unload began; no new connection is accepted
 */
struct khttpd_server {
	struct socket *listener;
	struct task_struct *accept_thread;
	struct workqueue_struct *wq;
	struct mutex lock;
	struct list_head conns;
	bool stopping;
};

int khttpd_server_start(struct khttpd_server *srv, unsigned short port,
			unsigned short backlog);
void khttpd_server_stop(struct khttpd_server *srv);

#endif /* KHTTPD_SERVER_H */
