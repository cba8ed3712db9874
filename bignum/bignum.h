/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bignum.h - Fibonacci numbers of up to 1.5 * 10^9 bits and their text.
 *
 * Kernel-agnostic: everything the library needs from its environment comes
 * from khttpd_shim.h.  The same sources build into khttpd.ko, the user-space
 * tests, the benchmarks and tools/fib.
 *
 * All functions that may take long take a struct bn_ctx: they call
 * kshim_yield() and the caller's cancel callback every few hundred
 * microseconds of work, and return -ECANCELED once it says so.  Errors are
 * negative errno values; on error everything the call allocated is freed.
 */
#ifndef KHTTPD_BIGNUM_H
#define KHTTPD_BIGNUM_H

#include "include/khttpd_shim.h"

/* Largest n accepted by bn_fib(): F(2^31 - 1) has 1.49 * 10^9 bits. */
#define BN_FIB_MAX 0x7fffffffU

/**
 * struct bn_ctx - the caller's side of a long computation
 * @cancelled: returns true when the work should stop; may be NULL.  Called
 *	often (every few hundred microseconds), so it must be cheap.
 * @arg: passed to @cancelled
 * @bytes_now: bytes the library holds right now for calls made with this
 *	context (maintained by the library; start it at 0)
 * @bytes_peak: largest @bytes_now seen (maintained by the library)
 *
 * A context belongs to one thread of work at a time.  The two counters
 * include the bignum returned by bn_fib() until bn_free_ctx() releases it.
 */
struct bn_ctx {
	bool (*cancelled)(void *arg);
	void *arg;
	size_t bytes_now;
	size_t bytes_peak;
};

/**
 * typedef bn_sink_t - receives text, in order, in pieces
 * @arg: the caller's argument
 * @buf: the next @len characters (not NUL-terminated)
 * @len: 1 .. BN_SINK_CHUNK
 *
 * Return: 0 to go on, or a negative errno that aborts the conversion and
 * is returned by it.
 */
typedef int (*bn_sink_t)(void *arg, const char *buf, size_t len);

/* Largest piece handed to a sink. */
#define BN_SINK_CHUNK 4096

/* An arbitrary-precision natural number; opaque. */
struct bn;

/**
 * bn_fib() - compute F(n)
 * @out: receives the number; free it with bn_free() or bn_free_ctx()
 * @n: 0 .. BN_FIB_MAX
 * @ctx: cancellation and memory accounting; may be NULL
 *
 * Fast doubling, two squarings per bit of @n.  F(2^31 - 1) needs about
 * bn_fib_peak_bytes(n, 0) bytes at the worst moment.
 *
 * Return: 0, -EINVAL (n too large), -ENOMEM or -ECANCELED.
 */
int bn_fib(struct bn **out, u32 n, struct bn_ctx *ctx);

/**
 * bn_free() - free a number (NULL is ignored)
 * @a: the number
 */
void bn_free(struct bn *a);

/**
 * bn_free_ctx() - free a number and take it off @ctx's byte counter
 * @a: the number, allocated by a call that used @ctx
 * @ctx: the context; may be NULL
 */
void bn_free_ctx(struct bn *a, struct bn_ctx *ctx);

/**
 * bn_bits() - number of significant bits (0 for zero)
 * @a: the number
 *
 * Return: the bit length.
 */
u64 bn_bits(const struct bn *a);

/**
 * bn_to_text() - stream @a in decimal or lowercase hex to @sink
 * @a: the number
 * @base: 10 or 16
 * @sink: receives the text in order, in pieces of at most BN_SINK_CHUNK
 *	characters; no leading zeros, zero is "0", no prefix, no newline
 * @sink_arg: passed to @sink
 * @ctx: cancellation and memory accounting; may be NULL
 *
 * Decimal is divide-and-conquer over cached powers 10^(19 * 2^i) with
 * Barrett division, O(M(n) log n); hex is a linear pass.  The whole string
 * is never held: at most BN_SINK_CHUNK characters are buffered.
 *
 * Return: 0, -EINVAL (bad base), -ENOMEM, -ECANCELED, or the sink's error.
 */
int bn_to_text(const struct bn *a, unsigned int base, bn_sink_t sink,
	       void *sink_arg, struct bn_ctx *ctx);

/**
 * bn_text_len() - exact length of bn_to_text() output, if cheap
 * @a: the number
 * @base: 10 or 16
 *
 * Exact for base 16.  For base 10 the exact length costs a conversion, so
 * this returns -EAGAIN; use bn_fib_text_len() for Fibonacci numbers.
 *
 * Return: the number of characters, -EINVAL or -EAGAIN.
 */
s64 bn_text_len(const struct bn *a, unsigned int base);

/**
 * bn_fib_text_len() - exact number of characters of F(n) in @base, in O(1)
 * @n: 0 .. BN_FIB_MAX
 * @base: 10 or 16
 *
 * Uses F(n) = round(phi^n / sqrt(5)) with 128-bit fixed-point logarithms;
 * every n up to BN_FIB_MAX was checked to be far enough from a power of the
 * base for the result to be exact (see Documentation/bignum.md).
 *
 * Return: the length (F(0) is "0": 1), or -EINVAL.
 */
s64 bn_fib_text_len(u32 n, unsigned int base);

/**
 * bn_fib_peak_bytes() - upper bound of the memory for F(n) and its text
 * @n: 0 .. BN_FIB_MAX
 * @base: 10 or 16 to include bn_to_text() of the result, 0 for bn_fib() only
 *
 * The bound covers every byte allocated through the shim (the same bytes
 * struct bn_ctx counts), including the result while it is converted.  It
 * replays the allocations of bn_fib() and bn_to_text() without the
 * arithmetic (tens of microseconds, about 1.5 KB of stack), so it is
 * within a few percent of the measured peak; the tests hold it within
 * 1.25 times.
 *
 * Return: bytes, or 0 for a bad argument.
 */
u64 bn_fib_peak_bytes(u32 n, unsigned int base);

/**
 * bn_fib_to_buf() - one-shot: F(n) as NUL-terminated text in @buf
 * @n: 0 .. BN_FIB_MAX
 * @base: 10 or 16
 * @buf: destination
 * @size: size of @buf, including the NUL
 * @ctx: may be NULL
 *
 * Return: the number of characters written (without the NUL), -ENOSPC if
 * @buf is too small (nothing is computed then), or another negative errno.
 */
s64 bn_fib_to_buf(u32 n, unsigned int base, char *buf, size_t size,
		  struct bn_ctx *ctx);

#endif /* KHTTPD_BIGNUM_H */
