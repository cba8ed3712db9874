/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sock.h - non-blocking socket helpers shared by the listener and the
 * connections.
 */
#ifndef KHTTPD_SOCK_H
#define KHTTPD_SOCK_H

#include <linux/net.h>
#include <linux/types.h>

/* Bytes a closing connection drops at most before it gives up lingering. */
#define KHTTPD_LINGER_BYTES	(1 << 20)

int khttpd_sock_send(struct socket *sock, const void *p, size_t len,
		     bool more);
int khttpd_sock_drain(struct socket *sock, u32 *dropped, u32 limit);
u16 khttpd_sock_peer_port(struct socket *sock);

#endif /* KHTTPD_SOCK_H */
