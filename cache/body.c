// SPDX-License-Identifier: GPL-2.0
/*
 * body.c - immutable, reference-counted response bodies.
 *
 * A body is written once by whoever makes it (a computation, the stats
 * page, an error) and then only read: by every response that sends it and
 * by the cache.  The last reference frees it and returns what it was
 * charged to its budget (unless the cache took the charge over).  Freeing may happen in an RCU callback: kvfree()
 * defers the vfree() then.
 */
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "cache/body.h"

/**
 * khttpd_body_alloc() - a body of @size bytes to fill in, one reference
 * @size: bytes
 *
 * A body of a page or more comes from vmalloc, always: its pages are then
 * lent to TCP by reference on every send (send.c) instead of being copied
 * into freshly zeroed socket pages.  kvmalloc() would return physically
 * contiguous kmalloc memory for such sizes whenever it can, and that is
 * not lent.  Smaller bodies are copied anyway and come from kmalloc.
 *
 * Return: the body (len = @size), or NULL.
 */
struct khttpd_body *khttpd_body_alloc(size_t size)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL;
	struct khttpd_body *body = kzalloc(sizeof(*body), GFP_KERNEL);

	if (!body)
		return NULL;
	if (size >= PAGE_SIZE)
		body->data = __vmalloc(size, gfp);
	else
		body->data = kmalloc(size ? size : 1, gfp);
	if (!body->data) {
		kfree(body);
		return NULL;
	}
	body->len = size;
	refcount_set(&body->ref, 1);
	return body;
}

/**
 * khttpd_body_file() - a body that is part of a file
 * @file: the open file; the body takes over this reference
 * @off: offset of the first byte
 * @len: number of bytes
 *
 * Return: the body, or NULL (the caller still owns @file then).
 */
struct khttpd_body *khttpd_body_file(struct file *file, loff_t off,
				     size_t len)
{
	struct khttpd_body *body = kzalloc(sizeof(*body), GFP_KERNEL);

	if (!body)
		return NULL;
	body->file = file;
	body->file_off = off;
	body->len = len;
	refcount_set(&body->ref, 1);
	return body;
}

/**
 * khttpd_body_printf() - a small body from a format
 * @fmt: printf format
 *
 * Return: the body, or NULL.
 */
struct khttpd_body *khttpd_body_printf(const char *fmt, ...)
{
	struct khttpd_body *body;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	body = khttpd_body_alloc(len + 1);
	if (!body)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(body->data, len + 1, fmt, ap);
	va_end(ap);
	body->len = len;
	return body;
}

/**
 * khttpd_body_put() - drop a reference; the last one frees the body
 * @body: the body, or NULL
 */
void khttpd_body_put(struct khttpd_body *body)
{
	if (!body || !refcount_dec_and_test(&body->ref))
		return;
	khttpd_body_uncharge(body);
	if (body->file)
		fput(body->file);
	kvfree(body->data);
	kfree(body);
}

/**
 * khttpd_body_charge() - count a body's bytes against a budget
 * @body: the body, not charged yet
 * @budget: the byte count to add them to
 *
 * The charge is returned when the last reference goes, or earlier by
 * khttpd_body_uncharge().
 */
void khttpd_body_charge(struct khttpd_body *body, atomic64_t *budget)
{
	body->budget = budget;
	body->charge = body->len;
	atomic64_add(body->charge, budget);
}

/**
 * khttpd_body_recharge() - count a body against its budget again
 * @body: the body
 *
 * For a body the cache held (and so had uncharged) and lets go of while
 * others still send it: from then on they hold its bytes, and a budget
 * must see them until the last one lets go.  Nothing happens to a body
 * that never had a budget, or is charged already.
 */
void khttpd_body_recharge(struct khttpd_body *body)
{
	if (body->budget && !cmpxchg(&body->charge, 0, body->len))
		atomic64_add(body->len, body->budget);
}

/**
 * khttpd_body_uncharge() - return what a body was charged to its budget
 * @body: the body
 *
 * Called when the body is freed, or earlier when the cache takes it over
 * and counts it against its own cap instead.
 */
void khttpd_body_uncharge(struct khttpd_body *body)
{
	size_t charge = xchg(&body->charge, 0);

	if (charge && body->budget)
		atomic64_sub(charge, body->budget);
}
