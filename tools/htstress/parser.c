// SPDX-License-Identifier: GPL-2.0
/*
 * parser.c - incremental HTTP/1.x response parser (see parser.h).
 */
#include <string.h>
#include <strings.h>

#include "parser.h"

enum {
	ST_STATUS,
	ST_HEADER,
	ST_BODY_LEN,
	ST_BODY_EOF,
	ST_CHUNK_SIZE,
	ST_CHUNK_DATA,
	ST_CHUNK_CR,
	ST_CHUNK_LF,
	ST_TRAILER,
	ST_DONE,
};

void resp_init(struct resp_parser *p, bool head)
{
	memset(p, 0, offsetof(struct resp_parser, line));
	p->state = ST_STATUS;
	p->head = head;
}

static enum resp_result bad(struct resp_parser *p, const char *why)
{
	p->why = why;
	return RESP_BAD;
}

/*
 * Gather one CRLF-terminated line into p->line.
 * Return: 1 with the line (CRLF stripped, NUL-terminated), 0 when more bytes
 * are needed, -1 when the line is malformed (p->why says how).
 */
static int take_line(struct resp_parser *p, const char *buf, size_t len,
		     size_t *pos)
{
	const char *start = buf + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - start) + 1 : len - *pos;

	if (p->line_len + n > RESP_LINE_MAX) {
		p->why = "line too long";
		return -1;
	}
	memcpy(p->line + p->line_len, start, n);
	p->line_len += n;
	*pos += n;
	if (!nl)
		return 0;
	if (p->line_len < 2 || p->line[p->line_len - 2] != '\r') {
		p->why = "line not ended by CRLF";
		return -1;
	}
	p->line_len -= 2;
	p->line[p->line_len] = '\0';
	if (memchr(p->line, '\0', p->line_len) ||
	    memchr(p->line, '\r', p->line_len)) {
		p->why = "control character in line";
		return -1;
	}
	return 1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/1.x SP 3DIGIT [SP reason]" */
static enum resp_result parse_status(struct resp_parser *p)
{
	const char *l = p->line;

	if (p->line_len < 12 || memcmp(l, "HTTP/1.", 7) || !is_digit(l[7]) ||
	    l[8] != ' ' || !is_digit(l[9]) || !is_digit(l[10]) ||
	    !is_digit(l[11]) || (l[12] && l[12] != ' '))
		return bad(p, "malformed status line");
	p->minor = l[7] - '0';
	p->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (p->status < 100)
		return bad(p, "malformed status code");
	p->state = ST_HEADER;
	return RESP_MORE;
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Does the comma-separated list @v contain the token @tok? */
static bool list_has(const char *v, const char *tok)
{
	size_t n = strlen(tok);

	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (!strncasecmp(v, tok, n) &&
		    (!v[n] || v[n] == ',' || v[n] == ' ' || v[n] == '\t'))
			return true;
		while (*v && *v != ',')
			v++;
	}
	return false;
}

/* Is the last coding of the comma-separated list @v "chunked"? */
static bool last_is_chunked(const char *v)
{
	const char *last = strrchr(v, ',');

	last = last ? last + 1 : v;
	while (*last == ' ' || *last == '\t')
		last++;
	return !strcasecmp(last, "chunked");
}

static enum resp_result content_length(struct resp_parser *p, const char *v)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; is_digit(v[i]); i++) {
		if (i >= 18)
			return bad(p, "Content-Length too large");
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (!i || v[i])
		return bad(p, "malformed Content-Length");
	if (p->have_len && p->len != n)
		return bad(p, "conflicting Content-Length headers");
	p->have_len = true;
	p->len = n;
	return RESP_MORE;
}

static enum resp_result parse_header(struct resp_parser *p)
{
	char *name = p->line, *colon, *v, *end;

	if (*name == ' ' || *name == '\t')
		return bad(p, "obsolete header line folding");
	colon = strchr(name, ':');
	if (!colon || colon == name)
		return bad(p, "malformed header line");
	for (v = name; v < colon; v++)
		if (!is_tchar(*v))
			return bad(p, "malformed header name");
	*colon = '\0';
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';

	if (!strcasecmp(name, "content-length"))
		return content_length(p, v);
	if (!strcasecmp(name, "transfer-encoding")) {
		if (last_is_chunked(v))
			p->chunked = true;
		else
			p->te_other = true;
	} else if (!strcasecmp(name, "connection")) {
		if (list_has(v, "close"))
			p->close = true;
		if (list_has(v, "keep-alive"))
			p->keep_alive = true;
	}
	return RESP_MORE;
}

/* The empty line after the headers: decide how the body is framed. */
static enum resp_result end_of_headers(struct resp_parser *p)
{
	bool te = p->chunked || p->te_other;

	if (p->status >= 100 && p->status < 200) {
		if (p->status == 101)
			return bad(p, "unexpected 101 Switching Protocols");
		resp_init(p, p->head);	/* interim: the real answer follows */
		p->started = true;
		return RESP_MORE;
	}
	if (te && p->have_len)
		return bad(p, "both Content-Length and Transfer-Encoding");
	if (p->minor == 0 && !p->keep_alive)
		p->close = true;
	if (p->head || p->status == 204 || p->status == 304) {
		p->state = ST_DONE;
	} else if (p->chunked && !p->te_other) {
		p->state = ST_CHUNK_SIZE;
	} else if (p->have_len) {
		p->remaining = p->len;
		p->state = p->len ? ST_BODY_LEN : ST_DONE;
	} else {
		p->chunked = false;
		p->close = true;
		p->state = ST_BODY_EOF;
	}
	return p->state == ST_DONE ? RESP_DONE : RESP_MORE;
}

/* "HEX [BWS ; ext]" */
static enum resp_result parse_chunk_size(struct resp_parser *p)
{
	const char *l = p->line;
	uint64_t n = 0;
	size_t i;
	int d;

	for (i = 0; l[i]; i++) {
		char c = l[i];

		if (is_digit(c))
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (i >= 15)
			return bad(p, "chunk size too large");
		n = n * 16 + (uint64_t)d;
	}
	if (!i)
		return bad(p, "malformed chunk size");
	while (l[i] == ' ' || l[i] == '\t')
		i++;
	if (l[i] && l[i] != ';')
		return bad(p, "malformed chunk size");
	p->remaining = n;
	p->state = n ? ST_CHUNK_DATA : ST_TRAILER;
	return RESP_MORE;
}

static enum resp_result parse_trailer(struct resp_parser *p)
{
	if (!p->line_len) {
		p->state = ST_DONE;
		return RESP_DONE;
	}
	if (!strchr(p->line, ':') || p->line[0] == ':')
		return bad(p, "malformed trailer line");
	return RESP_MORE;
}

/* States that consume whole lines. */
static enum resp_result line_state(struct resp_parser *p, const char *buf,
				   size_t len, size_t *pos)
{
	int r = take_line(p, buf, len, pos);
	enum resp_result res;

	if (r < 0)
		return RESP_BAD;
	if (!r)
		return RESP_MORE;
	switch (p->state) {
	case ST_STATUS:
		res = parse_status(p);
		break;
	case ST_HEADER:
		res = p->line[0] ? parse_header(p) : end_of_headers(p);
		break;
	case ST_CHUNK_SIZE:
		res = parse_chunk_size(p);
		break;
	default:
		res = parse_trailer(p);
		break;
	}
	p->line_len = 0;
	return res;
}

/* States that consume body bytes. */
static enum resp_result body_state(struct resp_parser *p, const char *buf,
				   size_t len, size_t *pos)
{
	size_t n = len - *pos;

	switch (p->state) {
	case ST_BODY_EOF:
		p->body += n;
		*pos = len;
		return RESP_MORE;
	case ST_CHUNK_CR:
	case ST_CHUNK_LF:
		if (buf[*pos] != (p->state == ST_CHUNK_CR ? '\r' : '\n'))
			return bad(p, "chunk data not followed by CRLF");
		(*pos)++;
		p->state = p->state == ST_CHUNK_CR ? ST_CHUNK_LF : ST_CHUNK_SIZE;
		return RESP_MORE;
	}
	if (n > p->remaining)
		n = (size_t)p->remaining;
	p->remaining -= n;
	p->body += n;
	*pos += n;
	if (p->remaining)
		return RESP_MORE;
	if (p->state == ST_CHUNK_DATA) {
		p->state = ST_CHUNK_CR;
		return RESP_MORE;
	}
	p->state = ST_DONE;
	return RESP_DONE;
}

/**
 * resp_feed() - feed bytes to the parser
 * @p: the parser
 * @buf: bytes received
 * @len: number of bytes in @buf
 * @used: set to the number of bytes consumed; on RESP_DONE the rest belongs
 *	to the next response
 *
 * Return: RESP_MORE, RESP_DONE, or RESP_BAD (with p->why set).
 */
enum resp_result resp_feed(struct resp_parser *p, const char *buf,
			   size_t len, size_t *used)
{
	enum resp_result r = RESP_MORE;
	size_t pos = 0;

	if (p->state == ST_DONE) {
		*used = 0;
		return RESP_DONE;
	}
	if (len)
		p->started = true;
	while (pos < len && r == RESP_MORE) {
		switch (p->state) {
		case ST_STATUS:
		case ST_HEADER:
		case ST_CHUNK_SIZE:
		case ST_TRAILER:
			r = line_state(p, buf, len, &pos);
			break;
		default:
			r = body_state(p, buf, len, &pos);
			break;
		}
	}
	*used = pos;
	return r;
}

/**
 * resp_eof() - the peer closed the connection
 * @p: the parser
 *
 * Return: RESP_DONE when the close ends a body delimited by the close,
 * RESP_EMPTY when no byte of the response arrived, else RESP_BAD.
 */
enum resp_result resp_eof(struct resp_parser *p)
{
	switch (p->state) {
	case ST_DONE:
		return RESP_DONE;
	case ST_BODY_EOF:
		p->state = ST_DONE;
		return RESP_DONE;
	case ST_STATUS:
		if (!p->started)
			return RESP_EMPTY;
		return bad(p, "connection closed in the status line");
	case ST_HEADER:
		return bad(p, "connection closed in the headers");
	case ST_BODY_LEN:
		return bad(p, "body shorter than Content-Length");
	default:
		return bad(p, "connection closed inside chunked body");
	}
}
