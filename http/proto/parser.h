/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parser.h - incremental HTTP/1.1 request parser (RFC 9110, RFC 9112).
 *
 * Kernel-agnostic (include/khttpd_shim.h only), no allocation, no global
 * mutable state.  The connection owns a receive buffer; the parser never
 * copies from it.  A request is parsed in two phases:
 *
 *  1. http_parse_head() is given the unconsumed bytes of the connection,
 *     from the first byte of the request (leading empty lines included),
 *     as often as new bytes arrive.  It resumes where it stopped, so
 *     byte-at-a-time input costs O(n) overall, and answers NEED_MORE,
 *     HEAD_COMPLETE (with a struct http_request whose strings are offsets
 *     into those bytes) or ERROR.
 *  2. http_skip_body() reads and discards the body (Content-Length or
 *     chunked), answering NEED_MORE, BODY_DONE or ERROR, and how many bytes
 *     it consumed, so that the next pipelined request starts at the right
 *     byte.
 *
 * After ERROR the connection must answer http_parser_error()'s status (if
 * no response was started) and close: the parser stays in the error state
 * and never reinterprets the remaining bytes as a request.
 */
#ifndef KHTTPD_HTTP_PARSER_H
#define KHTTPD_HTTP_PARSER_H

#include "include/khttpd_shim.h"
#include "http/proto/target.h"

/* Every limit is clamped to this, so offsets and sums fit in u32. */
#define HTTP_LIMIT_CAP (1u << 24)

/**
 * struct http_limits - bounds on what one request may use
 * @max_request_line: bytes of the request line without its CRLF; more is
 *                    414 (URI Too Long), or 400 if the line does not even
 *                    start with a method and a space
 * @max_header_bytes: bytes of the header section after the request line,
 *                    every CRLF and the final empty line included; more is
 *                    431 (Request Header Fields Too Large)
 * @max_headers: number of field lines; more is 431
 * @max_empty_lines: empty lines (CRLF) ignored before the request line;
 *                   more is 400
 * @max_chunk_line: bytes of a chunk-size line (size and extensions) without
 *                  its CRLF; more is 400
 * @max_trailer_bytes: bytes of the trailer section of a chunked body, every
 *                     CRLF and the final empty line included; more is 431
 * @max_body: body bytes read and discarded (Content-Length, or the sum of
 *            chunk sizes); more is 413 (Content Too Large)
 *
 * The u32 limits are clamped to HTTP_LIMIT_CAP by http_parser_init().
 * A chunked body is also bounded on the wire: its every byte (chunk-size
 * lines with their extensions, data, CRLFs, last chunk, trailer section)
 * counts against http_chunked_wire_max(), and more is 413 too.
 */
struct http_limits {
	u32 max_request_line;
	u32 max_header_bytes;
	u32 max_headers;
	u32 max_empty_lines;
	u32 max_chunk_line;
	u32 max_trailer_bytes;
	u64 max_body;
};

/* Suggested defaults, usable as an initializer of struct http_limits. */
#define HTTP_LIMITS_DEFAULT {			\
	.max_request_line = 8192,		\
	.max_header_bytes = 16384,		\
	.max_headers = 100,			\
	.max_empty_lines = 8,			\
	.max_chunk_line = 1024,			\
	.max_trailer_bytes = 4096,		\
	.max_body = 1048576,			\
}

/**
 * enum http_method - request methods (case-sensitive, RFC 9110 9.3)
 * @HTTP_METHOD_NONE: no method (never in a parsed request)
 * @HTTP_METHOD_GET: GET
 * @HTTP_METHOD_HEAD: HEAD
 * @HTTP_METHOD_POST: POST
 * @HTTP_METHOD_PUT: PUT
 * @HTTP_METHOD_DELETE: DELETE
 * @HTTP_METHOD_CONNECT: CONNECT
 * @HTTP_METHOD_OPTIONS: OPTIONS
 * @HTTP_METHOD_TRACE: TRACE
 * @HTTP_METHOD_PATCH: PATCH
 *
 * Any other token is answered 501 by the parser itself; the router answers
 * 405 with "Allow: GET, HEAD" for the recognised methods it does not serve.
 */
enum http_method {
	HTTP_METHOD_NONE,
	HTTP_METHOD_GET,
	HTTP_METHOD_HEAD,
	HTTP_METHOD_POST,
	HTTP_METHOD_PUT,
	HTTP_METHOD_DELETE,
	HTTP_METHOD_CONNECT,
	HTTP_METHOD_OPTIONS,
	HTTP_METHOD_TRACE,
	HTTP_METHOD_PATCH,
};

/**
 * enum http_body - how the request body is framed
 * @HTTP_BODY_NONE: no body (no Content-Length, no Transfer-Encoding)
 * @HTTP_BODY_LENGTH: Content-Length bytes (possibly 0)
 * @HTTP_BODY_CHUNKED: Transfer-Encoding: chunked
 */
enum http_body {
	HTTP_BODY_NONE,
	HTTP_BODY_LENGTH,
	HTTP_BODY_CHUNKED,
};

/**
 * enum http_result - what a parser call achieved
 * @HTTP_NEED_MORE: every byte given was used; call again with more
 * @HTTP_HEAD_COMPLETE: http_parse_head() parsed a request head
 * @HTTP_BODY_DONE: http_skip_body() finished the body (or there was none);
 *                  the parser is ready for the next request head
 * @HTTP_ERROR: the request is invalid; see http_parser_error()
 */
enum http_result {
	HTTP_NEED_MORE,
	HTTP_HEAD_COMPLETE,
	HTTP_BODY_DONE,
	HTTP_ERROR,
};

/**
 * struct http_span - a string inside the connection's buffer
 * @off: offset from the first byte given to http_parse_head()
 * @len: length in bytes
 */
struct http_span {
	u32 off;
	u32 len;
};

/**
 * struct http_request - a parsed request head
 * @method: the method
 * @version: minor version: 0 for HTTP/1.0, 1 for HTTP/1.1
 * @form: the form of the request-target
 * @target: the request-target, raw (still percent-encoded)
 * @host: the host: the authority of an absolute-form target (which
 *        overrides the Host field, RFC 9112 3.2.2), else the Host field
 *        value without surrounding whitespace
 * @has_host: whether @host is set
 * @if_none_match: the If-None-Match field value, trimmed; set only if the
 *                 field appeared exactly once (with more field lines the
 *                 request is treated as unconditional)
 * @has_if_none_match: whether @if_none_match is set
 * @range: the Range field value, trimmed; like @if_none_match, set only
 *         if the field appeared exactly once
 * @has_range: whether @range is set
 * @if_range: the If-Range field value, set only if it appeared once
 * @has_if_range: whether @if_range is set
 * @if_modified_since: the If-Modified-Since field value, set only if it
 *                     appeared once
 * @has_if_modified_since: whether @if_modified_since is set
 * @accept_encoding: the Accept-Encoding field value, trimmed; set only if
 *                   the field appeared exactly once (with more field
 *                   lines it is disregarded: no content coding is sent)
 * @has_accept_encoding: whether @accept_encoding is set
 * @keep_alive: the connection may stay open after the response
 * @expect_continue: "Expect: 100-continue" was sent: the client may wait
 *                   for a 100 (Continue) before sending the body, so a
 *                   connection that answers without one should close
 *                   after the response instead of waiting for the body
 * @body: how the body is framed
 * @content_length: the Content-Length value for HTTP_BODY_LENGTH, else 0
 * @head_len: bytes the head took, leading empty lines and the final CRLF
 *            included: the body (or the next request) starts there
 * @header_count: number of field lines
 */
struct http_request {
	enum http_method method;
	u8 version;
	enum http_target_form form;
	struct http_span target;
	struct http_span host;
	bool has_host;
	struct http_span if_none_match;
	bool has_if_none_match;
	struct http_span range;
	bool has_range;
	struct http_span if_range;
	bool has_if_range;
	struct http_span if_modified_since;
	bool has_if_modified_since;
	struct http_span accept_encoding;
	bool has_accept_encoding;
	bool keep_alive;
	bool expect_continue;
	enum http_body body;
	u64 content_length;
	u32 head_len;
	u32 header_count;
};

/**
 * struct http_parser - the state of one connection's parser
 *
 * Embed it in the connection and initialise it with http_parser_init().
 * Every member is private to parser.c.
 */
struct http_parser {
	/* private: */
	struct http_limits lim;
	struct http_request req;
	u8 phase;
	u8 flags;
	u8 te_flags;
	u8 inm_count;
	u8 range_count;
	u8 if_range_count;
	u8 ims_count;
	u8 ae_count;
	u32 scanned;
	u32 line_start;
	u32 section_start;
	u32 empty_lines;
	/* body phase */
	u8 chunk_state;
	u32 chunk_line;
	u32 trailer_bytes;
	u64 body_left;
	u64 body_total;
	u64 wire_left;
	/* error */
	int status;
	const char *reason;
};

/**
 * http_parser_init() - prepare a parser for the first request
 * @p: the parser
 * @lim: the limits, copied (and clamped to HTTP_LIMIT_CAP)
 */
void http_parser_init(struct http_parser *p, const struct http_limits *lim);

/**
 * http_head_buffer_size() - the smallest receive buffer that always works
 * @lim: the limits
 *
 * While http_parse_head() answers HTTP_NEED_MORE, the unconsumed bytes are
 * always fewer than this.  A connection whose buffer has at least this
 * many bytes and that moves unconsumed bytes to the front of it before
 * receiving therefore never finds the buffer full with a head incomplete.
 *
 * Return: 2 * max_empty_lines + max_request_line + max_header_bytes + 3
 * (of the clamped limits).
 */
size_t http_head_buffer_size(const struct http_limits *lim);

/**
 * http_chunked_wire_max() - the most bytes a chunked body may take
 * @lim: the limits
 *
 * Every byte of a chunked body counts: chunk-size lines with their
 * extensions and CRLFs, the data and its CRLFs, the last chunk, the
 * trailer section and the final CRLF.  The allowance is max_body for
 * the data and as much again for framing, plus what one data chunk and
 * the last chunk may take within the other limits, so that any body that
 * fits them in a single data chunk is accepted; the byte past it is 413.
 * Parsing a body thus never reads more than about twice max_body bytes.
 *
 * Return: 2 * max_body + 2 * max_chunk_line + max_trailer_bytes + 8 (of
 * the clamped limits).
 */
u64 http_chunked_wire_max(const struct http_limits *lim);

/**
 * http_parse_head() - parse a request head incrementally
 * @p: the parser, in its head phase
 * @buf: the unconsumed bytes of the connection, starting at the first byte
 *       of this request (leading empty lines included)
 * @len: bytes at @buf
 * @req: filled in when HTTP_HEAD_COMPLETE is returned
 *
 * Call again with the same bytes plus whatever arrived since: @buf may
 * have moved (buffer compaction) but must start with the same bytes, and
 * @len must not shrink.  Bytes already examined are not examined again.
 * Bytes past the head are not looked at.
 *
 * Every check happens in byte order, so the outcome does not depend on how
 * the bytes were split across calls.  On HTTP_HEAD_COMPLETE the parser
 * enters its body phase; call http_skip_body() on the bytes from
 * @buf + @req->head_len on.
 *
 * Return: HTTP_NEED_MORE, HTTP_HEAD_COMPLETE or HTTP_ERROR.
 */
enum http_result http_parse_head(struct http_parser *p, const char *buf,
				 size_t len, struct http_request *req);

/**
 * http_skip_body() - read and discard the body of the current request
 * @p: the parser, after HTTP_HEAD_COMPLETE
 * @buf: body bytes not yet given to it
 * @len: bytes at @buf
 * @consumed: set to how many bytes of @buf belonged to the body
 *
 * A Content-Length body is skipped in bulk; a chunked body is decoded just
 * to find its end (chunk-size lines, extensions and trailer fields are
 * checked and bounded).  Called when there is no body (or in the head
 * phase with nothing pending) it returns HTTP_BODY_DONE at once.
 *
 * A chunked body longer on the wire than http_chunked_wire_max() is 413
 * at its first byte past that bound (data bytes count when the chunk-size
 * line that announces them ends).
 *
 * Return: HTTP_NEED_MORE (all of @buf consumed), HTTP_BODY_DONE (the next
 * request starts at @buf + *@consumed and the parser is back in its head
 * phase) or HTTP_ERROR.
 */
enum http_result http_skip_body(struct http_parser *p, const char *buf,
				size_t len, size_t *consumed);

/**
 * http_parser_error() - the error a parser stopped at
 * @p: the parser
 * @reason: if not NULL, set to a one-line reason (static string), or NULL
 *
 * Return: the HTTP status to answer (400, 413, 414, 431, 501, 505, or 500
 * when the parser was used against its contract), or 0 if no error.
 */
int http_parser_error(const struct http_parser *p, const char **reason);

/**
 * http_method_name() - the name of a method
 * @m: the method
 *
 * Return: "GET", "HEAD", ... or "" for HTTP_METHOD_NONE.
 */
const char *http_method_name(enum http_method m);

/**
 * http_span_ptr() - the bytes of a span
 * @buf: the buffer given to http_parse_head() (its current address)
 * @s: the span
 *
 * Return: @buf + @s.off.
 */
static inline const char *http_span_ptr(const char *buf, struct http_span s)
{
	return buf + s.off;
}

#endif /* KHTTPD_HTTP_PARSER_H */
