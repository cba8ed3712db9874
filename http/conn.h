/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conn.h - connections, as the listener and load/unload see them: open an
 * accepted socket, close them all.  The connection itself is private to
 * conn.c, send.c, timers.c and route.c (conn_internal.h).
 */
#ifndef KHTTPD_CONN_H
#define KHTTPD_CONN_H

#include <linux/net.h>

struct khttpd_server;

int khttpd_conn_cache_init(void);
void khttpd_conn_cache_exit(void);
void khttpd_conn_open(struct khttpd_server *srv, struct socket *sock);
void khttpd_conns_stop(struct khttpd_server *srv);
void khttpd_conns_drain(struct khttpd_server *srv);

#endif /* KHTTPD_CONN_H */
