/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stream.h - a bounded window of text between one producer (a computation
 * converting F(N) to text) and one consumer (the connection sending it).
 *
 * The producer writes pieces in order and waits while the window is full;
 * the consumer takes what is there and is kicked when more has come.  The
 * whole text is never held: at most the window, whose bytes are charged
 * to a budget until the stream is freed.  Either side may stop early:
 * the producer ends the stream with an error (the consumer then sees the
 * text cut short), the consumer closes it (the producer's next write, or
 * its next poll of khttpd_stream_closed(), fails).
 */
#ifndef KHTTPD_STREAM_H
#define KHTTPD_STREAM_H

#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

/* Bytes of the window between the converter and the socket. */
#define KHTTPD_STREAM_WINDOW	(256 << 10)

/**
 * struct khttpd_stream - a text in transit; see stream.h
 * @ref: references: the producer's, the consumer's
 * @lock: guards @head, @tail, @ended, @err, @closed and @kick
 * @space: the producer waits here for room
 * @ring: the window, @size bytes
 * @size: a power of two
 * @len: bytes the whole text has (announced as Content-Length)
 * @head: bytes written so far
 * @tail: bytes taken so far
 * @ended: the producer has finished, well or not
 * @err: 0, or why the producer stopped
 * @closed: the consumer is gone
 * @kick: called (under @lock, so it may only queue work) when enough
 *        bytes or the end arrive for a consumer that may have taken
 *        everything; NULL until the consumer attaches
 * @kick_arg: argument of @kick
 * @budget: where @charge is returned when the stream is freed, or NULL
 * @charge: bytes counted in @budget for the window
 */
struct khttpd_stream {
	refcount_t ref;
	spinlock_t lock;
	wait_queue_head_t space;
	char *ring;
	size_t size;
	u64 len;
	u64 head;
	u64 tail;
	bool ended;
	int err;
	bool closed;
	void (*kick)(void *arg);
	void *kick_arg;
	atomic64_t *budget;
	u64 charge;
};

struct khttpd_stream *khttpd_stream_alloc(u64 len);
void khttpd_stream_put(struct khttpd_stream *s);
void khttpd_stream_charge(struct khttpd_stream *s, atomic64_t *budget);

/* the producer's side */
int khttpd_stream_write(struct khttpd_stream *s, const char *buf,
			size_t len, unsigned long timeout);
void khttpd_stream_end(struct khttpd_stream *s, int err);
bool khttpd_stream_closed(struct khttpd_stream *s);

/* the consumer's side */
void khttpd_stream_attach(struct khttpd_stream *s, void (*kick)(void *arg),
			  void *arg);
int khttpd_stream_peek(struct khttpd_stream *s, const char **p);
void khttpd_stream_consume(struct khttpd_stream *s, size_t n);
bool khttpd_stream_starved(struct khttpd_stream *s);
void khttpd_stream_close(struct khttpd_stream *s);

/**
 * khttpd_stream_get() - take another reference
 * @s: the stream
 *
 * Return: @s.
 */
static inline struct khttpd_stream *khttpd_stream_get(struct khttpd_stream *s)
{
	refcount_inc(&s->ref);
	return s;
}

/**
 * khttpd_stream_bytes() - what a stream costs in memory, its window
 *
 * Return: bytes, the figure charged to the budget.
 */
static inline u64 khttpd_stream_bytes(void)
{
	return KHTTPD_STREAM_WINDOW;
}

#endif /* KHTTPD_STREAM_H */
