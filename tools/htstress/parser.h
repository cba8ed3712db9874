/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parser.h - incremental, allocation-free HTTP/1.x response parser.
 *
 * The parser is fed whatever bytes arrive on a connection and reports when
 * one response is complete, so that the rest of the bytes can be fed to the
 * parser of the next (pipelined) response.  Bodies are counted, not stored.
 * It checks framing strictly: CRLF line ends, one consistent
 * Content-Length, well-formed chunked encoding, and (through resp_eof())
 * that a body delimited by its length is not cut short by the peer.
 */
#ifndef HTSTRESS_PARSER_H
#define HTSTRESS_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESP_LINE_MAX 8192

enum resp_result {
	RESP_MORE,		/* the response is not complete yet */
	RESP_DONE,		/* one complete, well-framed response */
	RESP_BAD,		/* malformed or truncated: see ->why */
	RESP_EMPTY,		/* resp_eof() before the first byte */
};

struct resp_parser {
	int state;
	int status;		/* 0 until the status line is parsed */
	int minor;		/* HTTP/1.<minor> */
	bool head;		/* answer to HEAD: no body */
	bool started;		/* at least one byte was fed */
	bool close;		/* the connection ends after this response */
	bool keep_alive;	/* "Connection: keep-alive" seen */
	bool chunked;
	bool te_other;		/* Transfer-Encoding without final chunked */
	bool have_len;
	uint64_t len;		/* Content-Length */
	uint64_t remaining;	/* bytes left in the body or chunk */
	uint64_t body;		/* body bytes seen (payload, not framing) */
	const char *why;	/* reason for RESP_BAD */
	size_t line_len;
	char line[RESP_LINE_MAX];
};

void resp_init(struct resp_parser *p, bool head);
enum resp_result resp_feed(struct resp_parser *p, const char *buf,
			   size_t len, size_t *used);
enum resp_result resp_eof(struct resp_parser *p);

#endif /* HTSTRESS_PARSER_H */
