// SPDX-License-Identifier: GPL-2.0
/*
 * sock.c - non-blocking socket helpers shared by the listener and the
 * connections: a copying send, and the drain of a lingering close.
 *
 * Closing a socket whose receive queue holds unread bytes sends a reset,
 * which may destroy a response before the client has read it.  So a
 * connection that closes after a response first sends FIN (shutdown of
 * its write side), then reads and drops what the client still sends,
 * until the client closes too, a limit of bytes, or (for a connection)
 * a timer.
 */
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/inet_sock.h>

#include "http/sock.h"

/**
 * khttpd_sock_send() - copy bytes into a socket without blocking
 * @sock: the socket
 * @p: the bytes
 * @len: how many
 * @more: more of the response follows at once (MSG_MORE)
 *
 * Return: bytes sent, -EAGAIN when the socket is full, or another -errno.
 */
int khttpd_sock_send(struct socket *sock, const void *p, size_t len,
		     bool more)
{
	struct msghdr msg = {
		.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL | (more ? MSG_MORE : 0),
	};
	struct kvec vec = { .iov_base = (void *)p, .iov_len = len };

	return kernel_sendmsg(sock, &msg, &vec, 1, len);
}

/**
 * khttpd_sock_drain() - read and drop what a closing client still sends
 * @sock: the socket, its write side shut down
 * @dropped: bytes dropped so far; what this call drops is added
 * @limit: stop once *@dropped reaches it
 *
 * Return: -EAGAIN when nothing more is there for now (lingering may go
 * on), 0 when the client closed, a positive count when @limit was reached,
 * or another -errno.
 */
int khttpd_sock_drain(struct socket *sock, u32 *dropped, u32 limit)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	char drop[256];
	struct kvec vec = { .iov_base = drop, .iov_len = sizeof(drop) };
	int n;

	do {
		n = kernel_recvmsg(sock, &msg, &vec, 1, sizeof(drop),
				   MSG_DONTWAIT);
		if (n > 0)
			*dropped += n;
	} while (n > 0 && *dropped < limit);
	return n;
}

/**
 * khttpd_sock_peer_port() - the client's TCP port, for tracing
 * @sock: a connected socket
 *
 * Return: the port, in host order.
 */
u16 khttpd_sock_peer_port(struct socket *sock)
{
	return ntohs(inet_sk(sock->sk)->inet_dport);
}
