/* SPDX-License-Identifier: GPL-2.0 */
/*
 * response.h - HTTP/1.1 response heads: status lines, Date, framing.
 *
 * Kernel-agnostic (include/khttpd_shim.h only): the same file is unit-tested
 * in user space and linked into khttpd.ko.
 */
#ifndef KHTTPD_RESPONSE_H
#define KHTTPD_RESPONSE_H

#include "include/khttpd_shim.h"

/* Length of an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT". */
#define HTTP_DATE_LEN 29

/* The media type of every plain-text body khttpd makes. */
#define HTTP_TEXT_PLAIN "text/plain; charset=utf-8"

/* No Content-Length header: the body is chunked or absent by status. */
#define HTTP_NO_LENGTH ((u64)-1)

/**
 * struct http_response_head - what goes into a response's status line and
 * header block
 * @status: the status code, 100..599
 * @content_type: Content-Type value, or NULL for none
 * @content_length: body length, or HTTP_NO_LENGTH to omit the header
 * @chunked: send "Transfer-Encoding: chunked" (requires HTTP_NO_LENGTH)
 * @close: the connection closes after this response ("Connection: close")
 * @keep_alive: the connection stays open after a response to an HTTP/1.0
 *              request that asked for it ("Connection: keep-alive"): such a
 *              client assumes a close otherwise (RFC 9112 9.3, RFC 2068
 *              19.7.1); not with @close, nor with @chunked, which an
 *              HTTP/1.0 client does not know
 * @extra: further header lines, each ending in CRLF, or NULL
 * @extra_len: the length of @extra, or 0 to have it measured (strlen())
 */
struct http_response_head {
	int status;
	const char *content_type;
	u64 content_length;
	bool chunked;
	bool close;
	bool keep_alive;
	const char *extra;
	size_t extra_len;
};

/**
 * struct http_out - bytes appended to a fixed buffer, printf-free
 * @buf: the buffer
 * @size: its size
 * @pos: bytes written; @size + 1 once something did not fit
 */
struct http_out {
	char *buf;
	size_t size;
	size_t pos;
};

void http_out_mem(struct http_out *o, const void *p, size_t len);
void http_out_u64(struct http_out *o, u64 v);
void http_out_hex(struct http_out *o, u64 v);
void http_out_ms(struct http_out *o, u64 ns);

/**
 * http_out_str() - append a NUL-terminated string, without its NUL
 * @o: the output
 * @s: the string
 *
 * Inline, so that the length of a string literal is a constant and not
 * a strlen() per call.
 */
static inline void http_out_str(struct http_out *o, const char *s)
{
	http_out_mem(o, s, strlen(s));
}

/**
 * http_out_done() - the length written, or whether it overflowed
 * @o: the output
 *
 * Return: the bytes written, or -ENOSPC if anything did not fit.
 */
static inline int http_out_done(const struct http_out *o)
{
	return o->pos > o->size ? -ENOSPC : (int)o->pos;
}

const char *http_status_reason(int status);
int http_format_date(char *buf, size_t size, s64 unix_seconds);
int http_format_head_at(char *buf, size_t size,
			const struct http_response_head *head,
			const char *date);
int http_format_head(char *buf, size_t size,
		     const struct http_response_head *head, s64 now);

#endif /* KHTTPD_RESPONSE_H */
