/* SPDX-License-Identifier: GPL-2.0 */
/*
 * body.h - immutable, reference-counted response bodies: the one type the
 * cache, the Fibonacci service, static files and the connections share.
 *
 * A body is written once by whoever makes it and then only read.  While
 * nothing else accounts for its memory it may be charged to a budget (an
 * atomic byte count that some owner caps); the charge goes back when the
 * last reference goes, or earlier when the cache takes the body over and
 * counts it against its own cap.
 */
#ifndef KHTTPD_BODY_H
#define KHTTPD_BODY_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/refcount.h>
#include <linux/types.h>

/**
 * struct khttpd_body - an immutable, reference-counted response body
 * @ref: references: every response sending it, the cache, a computation
 * @len: bytes of the body
 * @charge: bytes charged to @budget, returned when the body is freed
 * @budget: the byte count charged, or NULL
 * @data: the bytes, for a body in memory; NULL for a file's
 * @file: the open file, for a body that is a file's bytes
 *        [@file_off, @file_off + @len)
 * @file_off: where in @file the body starts
 */
struct khttpd_body {
	refcount_t ref;
	size_t len;
	size_t charge;
	atomic64_t *budget;
	char *data;
	struct file *file;
	loff_t file_off;
};

struct khttpd_body *khttpd_body_alloc(size_t size);
struct khttpd_body *khttpd_body_file(struct file *file, loff_t off,
				     size_t len);
struct khttpd_body *khttpd_body_printf(const char *fmt, ...) __printf(1, 2);
void khttpd_body_put(struct khttpd_body *body);
void khttpd_body_charge(struct khttpd_body *body, atomic64_t *budget);
void khttpd_body_recharge(struct khttpd_body *body);
void khttpd_body_uncharge(struct khttpd_body *body);

/**
 * khttpd_body_get() - take another reference
 * @body: the body
 *
 * Return: @body.
 */
static inline struct khttpd_body *khttpd_body_get(struct khttpd_body *body)
{
	refcount_inc(&body->ref);
	return body;
}

#endif /* KHTTPD_BODY_H */
