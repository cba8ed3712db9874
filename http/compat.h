/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - what differs between the kernel series khttpd supports (6.1
 * and 6.12, Documentation/kernels.md), in one place: every
 * LINUX_VERSION_CODE test of the module is here.
 */
#ifndef KHTTPD_COMPAT_H
#define KHTTPD_COMPAT_H

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/timer.h>
#include <linux/uio.h>
#include <linux/version.h>
#include <net/sock.h>

/*
 * timer_shutdown_sync() (6.2) stops a timer for good: nothing can re-arm
 * it afterwards.  Before it, del_timer_sync() and the callers' own
 * CONN_DEAD checks do the same.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define khttpd_timer_shutdown_sync(t) timer_shutdown_sync(t)
#else
#define khttpd_timer_shutdown_sync(t) del_timer_sync(t)
#endif

/**
 * khttpd_sendpages() - lend parts of several pages to a socket, in one call
 * @sock: a TCP socket
 * @bv: the pieces (page, offset, length); the socket takes its own
 *      references
 * @n: how many
 * @size: their total length
 * @flags: MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE (for the last piece; the
 *         others always have it)
 *
 * One sendmsg() with MSG_SPLICE_PAGES and a bvec iterator from 6.5;
 * before, the socket is locked once and each piece handed to
 * kernel_sendpage_locked(), instead of a kernel_sendpage() (lock, send,
 * release, push) per page.
 *
 * Return: bytes taken (possibly fewer than @size), -EAGAIN when the
 * socket is full, or -errno.
 */
static inline int khttpd_sendpages(struct socket *sock, struct bio_vec *bv,
				   int n, size_t size, int flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, n, size);
	return sock_sendmsg(sock, &msg);
#else
	struct sock *sk = sock->sk;
	int i, r = 0, sent = 0;

	lock_sock(sk);
	for (i = 0; i < n; i++) {
		r = kernel_sendpage_locked(sk, bv[i].bv_page, bv[i].bv_offset,
					   bv[i].bv_len,
					   i + 1 < n ? flags | MSG_MORE : flags);
		if (r <= 0)
			break;
		sent += r;
		if (r < bv[i].bv_len)
			break;
	}
	release_sock(sk);
	return sent ? sent : r;
#endif
}

/*
 * Exported by fs/namei.c for modules, but declared only in fs/internal.h
 * in 6.1 (later kernels declare it in linux/namei.h, identically: C allows
 * the repeat): a lookup from a given starting point, which with
 * LOOKUP_BENEATH fails with -EXDEV instead of leaving it.
 */
int vfs_path_lookup(struct dentry *dentry, struct vfsmount *mnt,
		    const char *name, unsigned int flags, struct path *path);

/* An inode's mtime, seconds: the field is private since 6.7. */
static inline time64_t khttpd_inode_mtime_sec(const struct inode *inode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	return inode_get_mtime_sec(inode);
#else
	return inode->i_mtime.tv_sec;
#endif
}

#endif /* KHTTPD_COMPAT_H */
