/* SPDX-License-Identifier: GPL-2.0 */
/*
 * range.h - byte range requests (RFC 9110 section 14).
 *
 * Kernel-agnostic (include/khttpd_shim.h only): pure functions, no
 * allocation, no global mutable state.
 */
#ifndef KHTTPD_HTTP_RANGE_H
#define KHTTPD_HTTP_RANGE_H

#include "include/khttpd_shim.h"

/* Size of a buffer that always holds a Content-Range value and a NUL. */
#define HTTP_CONTENT_RANGE_SIZE 72

/**
 * struct http_range - one satisfiable byte range
 * @start: offset of its first byte
 * @length: number of bytes, at least 1; @start + @length <= the size
 */
struct http_range {
	u64 start;
	u64 length;
};

/**
 * http_range_parse() - evaluate a Range field value against a file
 * @s: the Range field value
 * @len: its length
 * @size: the size of the file
 * @r: set to the range when 206 is returned
 *
 * Only the "bytes" unit (case-insensitive) and a single range are served:
 *
 *  - "bytes=a-b", "bytes=a-" and "bytes=-n" that overlap the file: 206,
 *    with b clamped to @size - 1 and n to @size;
 *  - a single range that does not overlap it (a >= @size, or "-0"): 416;
 *  - more than one range ("bytes=0-0,-1"): 200.  RFC 9110 section 14.2
 *    lets a server ignore Range, and a whole-file answer is cheaper and
 *    safer than a multipart/byteranges body (which invites many tiny or
 *    overlapping ranges);
 *  - a syntax error, an unknown unit, or a > b: 200 (the field is
 *    ignored, as section 14.2 allows for invalid ranges-specifiers);
 *  - "bytes=-n" (n > 0) on an empty file: 200 (it is satisfiable but no
 *    Content-Range can describe zero bytes).
 *
 * OWS is allowed around the list elements and the field value, and empty
 * list elements are skipped (RFC 9110 section 5.6.1).  Numbers of any
 * length are accepted: a first-pos beyond 2^64 - 1 is unsatisfiable, a
 * last-pos or suffix-length beyond it is clamped like any other.
 *
 * Range only applies to GET (RFC 9110 section 14.2), after the
 * preconditions (http_conditional(), http_if_range()): the caller does not
 * call this for HEAD.
 *
 * Return: 206 with @r set, 416, or 200 (serve the whole file).
 */
int http_range_parse(const char *s, size_t len, u64 size,
		     struct http_range *r);

/**
 * http_content_range() - format a Content-Range field value
 * @buf: destination
 * @buf_size: its size; HTTP_CONTENT_RANGE_SIZE always suffices
 * @status: 206 or 416, as returned by http_range_parse()
 * @r: the range (206 only; may be NULL for 416)
 * @size: the size of the file
 *
 * For 206 the value is "bytes first-last/size"; for 416 it is "bytes *"
 * followed by "/size" (the unsatisfied-range form).
 *
 * Return: the length written, a NUL following; -ENOSPC if @buf is too
 * small; -EINVAL for another status or a range outside @size.
 */
int http_content_range(char *buf, size_t buf_size, int status,
		       const struct http_range *r, u64 size);

#endif /* KHTTPD_HTTP_RANGE_H */
