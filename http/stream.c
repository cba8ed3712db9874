// SPDX-License-Identifier: GPL-2.0
/*
 * stream.c - a bounded window of text between a computation and the
 * connection that sends it (stream.h).
 *
 * A ring of KHTTPD_STREAM_WINDOW bytes, one writer and one reader.  The
 * writer copies a piece in outside the lock, into bytes the reader does
 * not look at, then publishes it by moving @head under the lock; the
 * reader takes bytes from @tail to @head and moves @tail.  The writer
 * sleeps (TASK_IDLE: a client that reads slowly is no hung task) while
 * the piece does not fit, bounded by a timeout.  The reader is kicked
 * when STREAM_KICK bytes are waiting, or at the end, so it never polls,
 * and sends large writes rather than one (and one work item) per 4 KiB
 * piece of the converter.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "http/stream.h"

/* Bytes waiting that wake a reader which took everything. */
#define STREAM_KICK	(64 << 10)

/**
 * khttpd_stream_alloc() - a stream for a text of @len bytes
 * @len: bytes the producer will write in all
 *
 * Return: the stream with one reference, or NULL.
 */
struct khttpd_stream *khttpd_stream_alloc(u64 len)
{
	struct khttpd_stream *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->size = KHTTPD_STREAM_WINDOW;
	s->ring = kvmalloc(s->size, GFP_KERNEL | __GFP_NOWARN);
	if (!s->ring) {
		kfree(s);
		return NULL;
	}
	refcount_set(&s->ref, 1);
	spin_lock_init(&s->lock);
	init_waitqueue_head(&s->space);
	s->len = len;
	return s;
}

/**
 * khttpd_stream_put() - drop a reference; the last frees the stream and
 * returns its charge
 * @s: the stream, or NULL
 */
void khttpd_stream_put(struct khttpd_stream *s)
{
	if (!s || !refcount_dec_and_test(&s->ref))
		return;
	if (s->budget)
		atomic64_sub(s->charge, s->budget);
	kvfree(s->ring);
	kfree(s);
}

/**
 * khttpd_stream_charge() - make the stream return its window to a budget
 * @s: the stream
 * @budget: the byte count; the caller has already added
 *          khttpd_stream_bytes() to it
 *
 * The window is held until the last reference goes (the consumer may
 * still be sending it after the producer is done), and so is the charge.
 */
void khttpd_stream_charge(struct khttpd_stream *s, atomic64_t *budget)
{
	s->budget = budget;
	s->charge = khttpd_stream_bytes();
}

/* Tell the consumer that something came (under @lock). */
static void stream_kick(struct khttpd_stream *s, bool now)
{
	if (now && s->kick)
		s->kick(s->kick_arg);
}

/* Room for @len more bytes, or no consumer any more. */
static bool stream_room(struct khttpd_stream *s, size_t len)
{
	bool ok;

	spin_lock(&s->lock);
	ok = s->closed || s->size - (s->head - s->tail) >= len;
	spin_unlock(&s->lock);
	return ok;
}

/**
 * khttpd_stream_write() - append a piece of the text, waiting for room
 * @s: the stream
 * @buf: the bytes
 * @len: how many, at most the window
 * @timeout: jiffies to wait for room at most
 *
 * Only the producer calls it, never two at once.
 *
 * Return: 0; -ECANCELED if the consumer is gone; -ETIMEDOUT if it took
 * nothing for @timeout; -EOVERFLOW beyond the announced length; -EINVAL
 * for a piece larger than the window.
 */
int khttpd_stream_write(struct khttpd_stream *s, const char *buf,
			size_t len, unsigned long timeout)
{
	size_t off = s->head & (s->size - 1);
	size_t first = min(len, s->size - off);
	bool below;

	if (len > s->size)
		return -EINVAL;
	if (len > s->len - s->head)
		return -EOVERFLOW;
	if (!wait_event_idle_timeout(s->space, stream_room(s, len), timeout))
		return -ETIMEDOUT;
	if (READ_ONCE(s->closed))
		return -ECANCELED;
	/* Bytes the consumer does not read until @head covers them. */
	memcpy(s->ring + off, buf, first);
	memcpy(s->ring, buf + first, len - first);
	spin_lock(&s->lock);
	below = s->head - s->tail < STREAM_KICK;
	s->head += len;
	stream_kick(s, below && s->head - s->tail >= STREAM_KICK);
	spin_unlock(&s->lock);
	return 0;
}

/**
 * khttpd_stream_end() - the producer is done
 * @s: the stream
 * @err: 0, or why it stopped; a text shorter than announced is -EIO
 */
void khttpd_stream_end(struct khttpd_stream *s, int err)
{
	spin_lock(&s->lock);
	if (!err && s->head != s->len)
		err = -EIO;
	s->err = err;
	s->ended = true;
	stream_kick(s, true);
	spin_unlock(&s->lock);
}

/**
 * khttpd_stream_closed() - whether the consumer is gone
 * @s: the stream
 *
 * Return: true after khttpd_stream_close(); the producer polls it.
 */
bool khttpd_stream_closed(struct khttpd_stream *s)
{
	return READ_ONCE(s->closed);
}

/**
 * khttpd_stream_attach() - the consumer's kick, called when enough bytes
 * or the end arrive after it may have taken everything
 * @s: the stream
 * @kick: the callback, called under a spinlock: it may only queue work
 * @arg: its argument
 */
void khttpd_stream_attach(struct khttpd_stream *s, void (*kick)(void *arg),
			  void *arg)
{
	spin_lock(&s->lock);
	s->kick = kick;
	s->kick_arg = arg;
	spin_unlock(&s->lock);
}

/**
 * khttpd_stream_peek() - the bytes the consumer may take now
 * @s: the stream
 * @p: set to the first of them
 *
 * Return: how many (contiguous, > 0); -EAGAIN while the producer has not
 * written more (the consumer is kicked when it has written STREAM_KICK
 * bytes, or ended); or, once it ended and everything was taken, its
 * error (-EIO if it ended short without one), 0 if there is none.
 */
int khttpd_stream_peek(struct khttpd_stream *s, const char **p)
{
	size_t off;
	u64 avail;
	int n;

	spin_lock(&s->lock);
	avail = s->head - s->tail;
	off = s->tail & (s->size - 1);
	if (avail) {
		*p = s->ring + off;
		n = min_t(u64, avail, s->size - off);
	} else if (!s->ended) {
		n = -EAGAIN;
	} else {
		n = s->err ?: (s->tail == s->len ? 0 : -EIO);
	}
	spin_unlock(&s->lock);
	return n;
}

/**
 * khttpd_stream_consume() - the consumer took @n bytes; room for the
 * producer
 * @s: the stream
 * @n: at most what khttpd_stream_peek() returned
 */
void khttpd_stream_consume(struct khttpd_stream *s, size_t n)
{
	spin_lock(&s->lock);
	s->tail += n;
	spin_unlock(&s->lock);
	if (wq_has_sleeper(&s->space))
		wake_up(&s->space);
}

/**
 * khttpd_stream_starved() - whether the consumer waits for the producer
 * @s: the stream
 *
 * Return: true while everything written was taken and more is to come:
 * the time the producer takes is not the client's.
 */
bool khttpd_stream_starved(struct khttpd_stream *s)
{
	bool starved;

	spin_lock(&s->lock);
	starved = s->head == s->tail && !s->ended;
	spin_unlock(&s->lock);
	return starved;
}

/**
 * khttpd_stream_close() - the consumer goes: the producer stops
 * @s: the stream, or NULL
 *
 * After it returns the consumer's kick is not called any more.
 */
void khttpd_stream_close(struct khttpd_stream *s)
{
	if (!s)
		return;
	spin_lock(&s->lock);
	s->closed = true;
	s->kick = NULL;
	spin_unlock(&s->lock);
	wake_up(&s->space);
}
