// SPDX-License-Identifier: GPL-2.0
/*
 * parser.c - incremental HTTP/1.1 request parser (RFC 9110, RFC 9112).
 *
 * Head phase: the bytes are searched for LF from where the previous call
 * stopped, never past the last byte a line may end at under the limits.
 * Each complete line is checked and interpreted at once (request line,
 * then field lines), so a request line error is reported before the rest
 * of the head arrives and the head is never scanned twice.  Every line
 * must end in CRLF: a bare LF or a bare CR is an error.
 *
 * Body phase: a Content-Length body is skipped in bulk; a chunked body
 * goes through a byte-wise state machine (chunk-size line, extensions,
 * data, CRLF, last chunk, trailer fields) that only keeps counters, and
 * counts its every byte against http_chunked_wire_max().
 */
#include "http/proto/parser.h"

/* Largest max_body, so that digit accumulation cannot overflow u64. */
#define HTTP_BODY_CAP (1ull << 59)

enum parser_phase {
	PHASE_HEAD,
	PHASE_BODY,
	PHASE_ERROR,
};

/* struct http_parser.flags */
#define F_REQUEST_LINE	0x01	/* the request line was parsed */
#define F_HOST		0x02	/* a Host field was seen */
#define F_LENGTH	0x04	/* a Content-Length field was seen */
#define F_TE		0x08	/* a Transfer-Encoding field was seen */
#define F_CLOSE		0x10	/* Connection: close */
#define F_KEEP_ALIVE	0x20	/* Connection: keep-alive */
#define F_ABS_HOST	0x40	/* the host came from the absolute-form */

/* struct http_parser.te_flags */
#define TE_CHUNKED	0x01	/* chunked was listed */
#define TE_LAST_CHUNKED	0x02	/* chunked is the last coding so far */
#define TE_OTHER	0x04	/* a coding other than chunked was listed */

/* Chunked body states (struct http_parser.chunk_state). */
enum chunk_state {
	CS_SIZE,	/* hex digits of the chunk size */
	CS_EXT_AFTER,	/* after the size or a whole extension */
	CS_EXT_WS,	/* BWS that must be followed by ';' */
	CS_EXT_NAME0,	/* after ';': BWS, then the name */
	CS_EXT_NAME,	/* in an extension name */
	CS_EXT_NAME_WS,	/* BWS after a name: '=' or ';' must follow */
	CS_EXT_VAL0,	/* after '=': BWS, then a token or quoted-string */
	CS_EXT_VAL,	/* in a token value */
	CS_EXT_QSTR,	/* in a quoted-string value */
	CS_EXT_QPAIR,	/* after a backslash in a quoted-string */
	CS_LINE_LF,	/* CR of the chunk-size line seen */
	CS_DATA,	/* chunk data (body_left bytes) */
	CS_DATA_CR,	/* CR after the data */
	CS_DATA_LF,	/* LF after the data */
	CS_TR_START,	/* start of a trailer line (or the final CRLF) */
	CS_TR_NAME,	/* in a trailer field name */
	CS_TR_VALUE,	/* in a trailer field value */
	CS_TR_LF,	/* CR of a trailer line seen */
	CS_END_LF,	/* CR of the final empty line seen */
};

#define METHOD_COUNT (HTTP_METHOD_PATCH + 1)

static const char *const method_names[METHOD_COUNT] = {
	[HTTP_METHOD_NONE] = "",
	[HTTP_METHOD_GET] = "GET",
	[HTTP_METHOD_HEAD] = "HEAD",
	[HTTP_METHOD_POST] = "POST",
	[HTTP_METHOD_PUT] = "PUT",
	[HTTP_METHOD_DELETE] = "DELETE",
	[HTTP_METHOD_CONNECT] = "CONNECT",
	[HTTP_METHOD_OPTIONS] = "OPTIONS",
	[HTTP_METHOD_TRACE] = "TRACE",
	[HTTP_METHOD_PATCH] = "PATCH",
};

const char *http_method_name(enum http_method m)
{
	if ((unsigned int)m >= METHOD_COUNT)
		return "";
	return method_names[m];
}

static u32 clamp_limit(u32 v)
{
	return v > HTTP_LIMIT_CAP ? HTTP_LIMIT_CAP : v;
}

static void clamp_limits(struct http_limits *dst,
			 const struct http_limits *src)
{
	dst->max_request_line = clamp_limit(src->max_request_line);
	dst->max_header_bytes = clamp_limit(src->max_header_bytes);
	dst->max_headers = clamp_limit(src->max_headers);
	dst->max_empty_lines = clamp_limit(src->max_empty_lines);
	dst->max_chunk_line = clamp_limit(src->max_chunk_line);
	dst->max_trailer_bytes = clamp_limit(src->max_trailer_bytes);
	dst->max_body = src->max_body > HTTP_BODY_CAP ? HTTP_BODY_CAP :
			src->max_body;
}

/* Forget the previous request; keep the limits. */
static void start_head(struct http_parser *p)
{
	struct http_limits lim = p->lim;

	memset(p, 0, sizeof(*p));
	p->lim = lim;
	p->phase = PHASE_HEAD;
}

void http_parser_init(struct http_parser *p, const struct http_limits *lim)
{
	clamp_limits(&p->lim, lim);
	start_head(p);
}

size_t http_head_buffer_size(const struct http_limits *lim)
{
	struct http_limits l;

	clamp_limits(&l, lim);
	return 2 * (size_t)l.max_empty_lines + l.max_request_line +
	       l.max_header_bytes + 3;
}

u64 http_chunked_wire_max(const struct http_limits *lim)
{
	struct http_limits l;

	clamp_limits(&l, lim);
	return 2 * l.max_body + 2 * (u64)l.max_chunk_line +
	       l.max_trailer_bytes + 8;
}

int http_parser_error(const struct http_parser *p, const char **reason)
{
	if (reason)
		*reason = p->phase == PHASE_ERROR ? p->reason : NULL;
	return p->phase == PHASE_ERROR ? p->status : 0;
}

static enum http_result fail(struct http_parser *p, int status,
			     const char *reason)
{
	p->phase = PHASE_ERROR;
	p->status = status;
	p->reason = reason;
	return HTTP_ERROR;
}

/* The reason for a line with an invalid byte: NUL and CR are named. */
static const char *bad_byte_reason(const char *s, size_t len,
				   const char *other)
{
	if (memchr(s, '\0', len))
		return "NUL byte in request head";
	if (memchr(s, '\r', len))
		return "bare CR in request head";
	return other;
}

static bool equal_nocase(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++) {
		u8 c = s[i];

		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		if (!lit[i] || c != (u8)lit[i])
			return false;
	}
	return !lit[len];
}

static bool is_ows(u8 c)
{
	return c == ' ' || c == '\t';
}

/* Strip OWS from both ends of s[*off..*off + *len). */
static void trim_ows(const char *s, u32 *off, u32 *len)
{
	while (*len && is_ows(s[*off])) {
		(*off)++;
		(*len)--;
	}
	while (*len && is_ows(s[*off + *len - 1]))
		(*len)--;
}

/* ---- request line ---- */

static enum http_method method_lookup(const char *s, size_t len)
{
	unsigned int m;

	for (m = HTTP_METHOD_GET; m < METHOD_COUNT; m++)
		if (strlen(method_names[m]) == len &&
		    !memcmp(method_names[m], s, len))
			return m;
	return HTTP_METHOD_NONE;
}

/* The request line is longer than allowed: 414, or 400 if not even a method. */
static enum http_result request_line_too_long(struct http_parser *p,
					      const char *line)
{
	size_t n = (size_t)p->lim.max_request_line + 1;
	size_t i;

	for (i = 0; i < n && http_is(line[i], HTTP_CT_TCHAR); i++)
		;
	if (i == 0 || i == n || line[i] != ' ')
		return fail(p, 400, bad_byte_reason(line, n,
						    "malformed request line"));
	return fail(p, 414, "request line too long");
}

/* "HTTP/" DIGIT "." DIGIT: the minor version, -400 or -505. */
static int parse_version(const char *s, size_t len)
{
	if (len != 8 || memcmp(s, "HTTP/", 5) || s[6] != '.' ||
	    !http_is(s[5], HTTP_CT_DIGIT) || !http_is(s[7], HTTP_CT_DIGIT))
		return -400;
	if (s[5] != '1' || s[7] > '1')
		return -505;
	return s[7] - '0';
}

/* Check the form of the target against the method; record it. */
static enum http_result request_target(struct http_parser *p, u32 off,
				       const char *t, size_t len)
{
	bool connect = p->req.method == HTTP_METHOD_CONNECT;
	struct http_target tg;
	const char *reason;

	if (http_target_parse(t, len, connect, &tg, &reason))
		return fail(p, 400, reason);
	if (tg.form == HTTP_FORM_ASTERISK &&
	    p->req.method != HTTP_METHOD_OPTIONS)
		return fail(p, 400, "asterisk-form target is only for OPTIONS");
	p->req.form = tg.form;
	p->req.target.off = off;
	p->req.target.len = len;
	if (tg.form == HTTP_FORM_ABSOLUTE) {
		p->req.host.off = off + tg.authority_off;
		p->req.host.len = tg.authority_len;
		p->req.has_host = true;
		p->flags |= F_ABS_HOST;
	}
	return HTTP_NEED_MORE;
}

/* method SP request-target SP HTTP-version, at buf[off..off + len). */
static enum http_result request_line(struct http_parser *p, const char *buf,
				     u32 off, u32 len)
{
	const char *s = buf + off;
	u32 m, t;
	int version;

	for (m = 0; m < len && http_is(s[m], HTTP_CT_TCHAR); m++)
		;
	if (m == 0 || m == len || s[m] != ' ')
		return fail(p, 400, bad_byte_reason(s, len,
						    "malformed request line"));
	for (t = m + 1; t < len && http_is(s[t], HTTP_CT_TARGET); t++)
		;
	if (t == m + 1 || t == len || s[t] != ' ')
		return fail(p, 400, bad_byte_reason(s, len,
						    "malformed request line"));
	version = parse_version(s + t + 1, len - t - 1);
	if (version == -400)
		return fail(p, 400, bad_byte_reason(s, len,
						    "malformed HTTP version"));
	if (version < 0)
		return fail(p, 505, "only HTTP/1.0 and HTTP/1.1 are supported");
	p->req.version = version;
	p->req.method = method_lookup(s, m);
	if (p->req.method == HTTP_METHOD_NONE)
		return fail(p, 501, "method not implemented");
	p->flags |= F_REQUEST_LINE;
	return request_target(p, off + m + 1, s + m + 1, t - m - 1);
}

/* ---- field lines ---- */

/* Next list element of s[*i..len) (RFC 9110 5.6.1), trimmed; false at end. */
static bool next_element(const char *s, u32 len, u32 *i, u32 *eoff,
			 u32 *elen)
{
	const char *comma;

	while (*i < len) {
		comma = memchr(s + *i, ',', len - *i);
		*eoff = *i;
		*elen = comma ? (u32)(comma - s) - *i : len - *i;
		*i += *elen + 1;
		trim_ows(s, eoff, elen);
		if (*elen)
			return true;
	}
	return false;
}

static u32 token_length(const char *s, u32 len)
{
	u32 i;

	for (i = 0; i < len && http_is(s[i], HTTP_CT_TCHAR); i++)
		;
	return i;
}

static enum http_result field_connection(struct http_parser *p,
					 const char *v, u32 len)
{
	u32 i = 0, off, n;

	while (next_element(v, len, &i, &off, &n)) {
		if (token_length(v + off, n) != n)
			return fail(p, 400, "invalid Connection field");
		if (equal_nocase(v + off, n, "close"))
			p->flags |= F_CLOSE;
		else if (equal_nocase(v + off, n, "keep-alive"))
			p->flags |= F_KEEP_ALIVE;
	}
	return HTTP_NEED_MORE;
}

/* One transfer-coding: token [ OWS ";" parameters ]. */
static enum http_result transfer_coding(struct http_parser *p,
					const char *s, u32 len)
{
	u32 name = token_length(s, len);
	u32 i = name;

	while (i < len && is_ows(s[i]))
		i++;
	if (!name || (i < len && s[i] != ';'))
		return fail(p, 400, "invalid Transfer-Encoding field");
	if (!equal_nocase(s, name, "chunked")) {
		p->te_flags = (p->te_flags | TE_OTHER) & ~TE_LAST_CHUNKED;
		return HTTP_NEED_MORE;
	}
	if (i < len)
		return fail(p, 400, "chunked takes no parameters");
	if (p->te_flags & TE_CHUNKED)
		return fail(p, 400, "chunked applied more than once");
	p->te_flags |= TE_CHUNKED | TE_LAST_CHUNKED;
	return HTTP_NEED_MORE;
}

static enum http_result field_transfer_encoding(struct http_parser *p,
						const char *v, u32 len)
{
	u32 i = 0, off, n;
	enum http_result r;

	p->flags |= F_TE;
	while (next_element(v, len, &i, &off, &n)) {
		r = transfer_coding(p, v + off, n);
		if (r != HTTP_NEED_MORE)
			return r;
	}
	return HTTP_NEED_MORE;
}

static enum http_result field_content_length(struct http_parser *p,
					     const char *v, u32 len)
{
	u64 n = 0;
	u32 i;

	if (p->flags & F_LENGTH)
		return fail(p, 400, "more than one Content-Length field");
	p->flags |= F_LENGTH;
	if (!len)
		return fail(p, 400, "invalid Content-Length");
	for (i = 0; i < len; i++) {
		if (!http_is(v[i], HTTP_CT_DIGIT))
			return fail(p, 400, "invalid Content-Length");
		if (n <= p->lim.max_body)
			n = n * 10 + (v[i] - '0');
	}
	if (n > p->lim.max_body)
		return fail(p, 413, "request body too large");
	p->req.content_length = n;
	return HTTP_NEED_MORE;
}

static enum http_result field_host(struct http_parser *p, const char *v,
				   u32 off, u32 len)
{
	if (p->flags & F_HOST)
		return fail(p, 400, "more than one Host field");
	p->flags |= F_HOST;
	if (!http_host_valid(v, len, true))
		return fail(p, 400, "invalid Host field");
	if (!(p->flags & F_ABS_HOST)) {
		p->req.host.off = off;
		p->req.host.len = len;
		p->req.has_host = true;
	}
	return HTTP_NEED_MORE;
}

/* Act on the fields the parser knows; the value is trimmed of OWS. */
/*
 * A field that counts only if it appears once (a second line makes the
 * request unconditional, or the Range ignored): remember the value and
 * count up to two.
 */
static void single_field(struct http_span *span, u8 *count, u32 voff,
			 u32 vlen)
{
	if (*count < 2)
		(*count)++;
	span->off = voff;
	span->len = vlen;
}

static enum http_result known_field(struct http_parser *p, const char *buf,
				    const char *name, u32 nlen, u32 voff,
				    u32 vlen)
{
	const char *v = buf + voff;

	if (equal_nocase(name, nlen, "host"))
		return field_host(p, v, voff, vlen);
	if (equal_nocase(name, nlen, "content-length"))
		return field_content_length(p, v, vlen);
	if (equal_nocase(name, nlen, "transfer-encoding"))
		return field_transfer_encoding(p, v, vlen);
	if (equal_nocase(name, nlen, "connection"))
		return field_connection(p, v, vlen);
	if (equal_nocase(name, nlen, "expect")) {
		if (equal_nocase(v, vlen, "100-continue"))
			p->req.expect_continue = true;
		return HTTP_NEED_MORE;
	}
	if (equal_nocase(name, nlen, "if-none-match"))
		single_field(&p->req.if_none_match, &p->inm_count, voff, vlen);
	else if (equal_nocase(name, nlen, "range"))
		single_field(&p->req.range, &p->range_count, voff, vlen);
	else if (equal_nocase(name, nlen, "if-range"))
		single_field(&p->req.if_range, &p->if_range_count, voff, vlen);
	else if (equal_nocase(name, nlen, "if-modified-since"))
		single_field(&p->req.if_modified_since, &p->ims_count, voff,
			     vlen);
	else if (equal_nocase(name, nlen, "accept-encoding"))
		single_field(&p->req.accept_encoding, &p->ae_count, voff,
			     vlen);
	return HTTP_NEED_MORE;
}

/* field-name ":" OWS field-value OWS, at buf[off..off + len), len > 0. */
static enum http_result field_line(struct http_parser *p, const char *buf,
				   u32 off, u32 len)
{
	const char *s = buf + off;
	u32 name, i, voff, vlen;

	if (is_ows(s[0]))
		return fail(p, 400, "obs-fold or whitespace before a field line");
	name = token_length(s, len);
	if (name < len && is_ows(s[name]) && name)
		return fail(p, 400, "whitespace between field name and colon");
	if (!name || name == len || s[name] != ':')
		return fail(p, 400, bad_byte_reason(s, len,
						    "malformed field line"));
	for (i = name + 1; i < len; i++)
		if (!http_is(s[i], HTTP_CT_FIELD))
			return fail(p, 400, bad_byte_reason(s + i, len - i,
					"invalid byte in field value"));
	if (++p->req.header_count > p->lim.max_headers)
		return fail(p, 431, "too many header fields");
	voff = off + name + 1;
	vlen = len - name - 1;
	trim_ows(buf, &voff, &vlen);
	return known_field(p, buf, s, name, voff, vlen);
}

/* ---- end of head ---- */

static enum http_result body_framing(struct http_parser *p)
{
	if (p->flags & F_TE) {
		if (p->flags & F_LENGTH)
			return fail(p, 400,
				    "both Content-Length and Transfer-Encoding");
		if (p->req.version == 0)
			return fail(p, 400,
				    "Transfer-Encoding in an HTTP/1.0 request");
		if (!(p->te_flags & TE_LAST_CHUNKED))
			return fail(p, 400,
				    "chunked must be the final transfer coding");
		if (p->te_flags & TE_OTHER)
			return fail(p, 501, "transfer coding not implemented");
		p->req.body = HTTP_BODY_CHUNKED;
	} else if (p->flags & F_LENGTH) {
		p->req.body = HTTP_BODY_LENGTH;
	}
	return HTTP_HEAD_COMPLETE;
}

/* Whether a single_field() value stands; clear it if not. */
static bool keep_single(struct http_span *span, u8 count)
{
	if (count == 1)
		return true;
	span->off = 0;
	span->len = 0;
	return false;
}

static enum http_result head_complete(struct http_parser *p, u32 head_len,
				      struct http_request *req)
{
	if (p->req.version == 1 && !(p->flags & F_HOST))
		return fail(p, 400, "missing Host field");
	if (body_framing(p) == HTTP_ERROR)
		return HTTP_ERROR;
	if (p->flags & F_CLOSE)
		p->req.keep_alive = false;
	else
		p->req.keep_alive = p->req.version == 1 ||
				    (p->flags & F_KEEP_ALIVE);
	p->req.has_if_none_match = keep_single(&p->req.if_none_match,
					       p->inm_count);
	p->req.has_range = keep_single(&p->req.range, p->range_count);
	p->req.has_if_range = keep_single(&p->req.if_range,
					  p->if_range_count);
	p->req.has_if_modified_since =
		keep_single(&p->req.if_modified_since, p->ims_count);
	p->req.has_accept_encoding = keep_single(&p->req.accept_encoding,
						 p->ae_count);
	p->req.head_len = head_len;
	*req = p->req;
	start_head(p);
	if (req->body == HTTP_BODY_CHUNKED) {
		p->phase = PHASE_BODY;
		p->chunk_state = CS_SIZE;
		p->wire_left = http_chunked_wire_max(&p->lim);
	} else if (req->body == HTTP_BODY_LENGTH && req->content_length) {
		p->phase = PHASE_BODY;
		p->body_left = req->content_length;
	}
	p->req.body = req->body;
	return HTTP_HEAD_COMPLETE;
}

/* ---- head scanning ---- */

/* A complete line buf[p->line_start..lf) of the head. */
static enum http_result line_done(struct http_parser *p, const char *buf,
				  u32 lf, struct http_request *req)
{
	const char *line = buf + p->line_start;
	u32 n = lf - p->line_start;
	bool crlf = n && line[n - 1] == '\r';

	if (!(p->flags & F_REQUEST_LINE)) {
		if (n - crlf > p->lim.max_request_line)
			return request_line_too_long(p, line);
		if (!crlf)
			return fail(p, 400, "bare LF in request head");
		if (n == 1) {
			if (++p->empty_lines > p->lim.max_empty_lines)
				return fail(p, 400,
					    "too many empty lines before request");
			return HTTP_NEED_MORE;
		}
		p->section_start = lf + 1;
		return request_line(p, buf, p->line_start, n - 1);
	}
	if (lf + 1 - p->section_start > p->lim.max_header_bytes)
		return fail(p, 431, "header section too large");
	if (!crlf)
		return fail(p, 400, "bare LF in request head");
	if (n == 1)
		return head_complete(p, lf + 1, req);
	return field_line(p, buf, p->line_start, n - 1);
}

/* One past the last byte at which the current line may end with its LF. */
static size_t scan_end(const struct http_parser *p)
{
	if (!(p->flags & F_REQUEST_LINE))
		return (size_t)p->line_start + p->lim.max_request_line + 2;
	return (size_t)p->section_start + p->lim.max_header_bytes;
}

/* No LF in buf[p->line_start..end): fail if the limits are already passed. */
static enum http_result partial_line(struct http_parser *p, const char *buf,
				     size_t end, size_t len)
{
	size_t n = end - p->line_start;

	if (!(p->flags & F_REQUEST_LINE)) {
		if (n && buf[end - 1] == '\r')
			n--;
		if (n > p->lim.max_request_line)
			return request_line_too_long(p, buf + p->line_start);
		return HTTP_NEED_MORE;
	}
	if (len - p->section_start > p->lim.max_header_bytes)
		return fail(p, 431, "header section too large");
	return HTTP_NEED_MORE;
}

enum http_result http_parse_head(struct http_parser *p, const char *buf,
				 size_t len, struct http_request *req)
{
	enum http_result r;
	const char *lf;
	size_t end;

	if (p->phase == PHASE_ERROR)
		return HTTP_ERROR;
	if (p->phase != PHASE_HEAD || len < p->scanned)
		return fail(p, 500, "parser used against its contract");
	for (;;) {
		end = scan_end(p);
		if (end > len)
			end = len;
		lf = NULL;
		if (p->scanned < end)
			lf = memchr(buf + p->scanned, '\n', end - p->scanned);
		if (!lf) {
			p->scanned = end;
			return partial_line(p, buf, end, len);
		}
		p->scanned = lf - buf + 1;
		r = line_done(p, buf, lf - buf, req);
		if (r != HTTP_NEED_MORE)
			return r;
		p->line_start = p->scanned;
	}
}

/* ---- body ---- */

#define CS_INVALID 0xff

static enum http_result chunk_error(struct http_parser *p, u8 c)
{
	if (c == '\n')
		return fail(p, 400, "bare LF in chunked body");
	if (c == '\r')
		return fail(p, 400, "bare CR in chunked body");
	if (c == '\0')
		return fail(p, 400, "NUL byte in chunked body");
	return fail(p, 400, "malformed chunked body");
}

/* After a chunk size or an extension value: CR, ';' or BWS. */
static u8 after_value(u8 c)
{
	if (c == '\r')
		return CS_LINE_LF;
	if (c == ';')
		return CS_EXT_NAME0;
	return is_ows(c) ? CS_EXT_WS : CS_INVALID;
}

/*
 * The chunk-ext grammar of RFC 9112 7.1.1:
 * *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ).
 */
static u8 chunk_ext_next(u8 state, u8 c)
{
	switch (state) {
	case CS_EXT_AFTER:
		return after_value(c);
	case CS_EXT_WS:
		if (c == ';')
			return CS_EXT_NAME0;
		return is_ows(c) ? CS_EXT_WS : CS_INVALID;
	case CS_EXT_NAME0:
		if (is_ows(c))
			return CS_EXT_NAME0;
		return http_is(c, HTTP_CT_TCHAR) ? CS_EXT_NAME : CS_INVALID;
	case CS_EXT_NAME:
		if (http_is(c, HTTP_CT_TCHAR))
			return CS_EXT_NAME;
		if (c == '=')
			return CS_EXT_VAL0;
		return is_ows(c) ? CS_EXT_NAME_WS : after_value(c);
	case CS_EXT_NAME_WS:
		if (c == '=')
			return CS_EXT_VAL0;
		if (c == ';')
			return CS_EXT_NAME0;
		return is_ows(c) ? CS_EXT_NAME_WS : CS_INVALID;
	case CS_EXT_VAL0:
		if (is_ows(c))
			return CS_EXT_VAL0;
		if (c == '"')
			return CS_EXT_QSTR;
		return http_is(c, HTTP_CT_TCHAR) ? CS_EXT_VAL : CS_INVALID;
	case CS_EXT_VAL:
		return http_is(c, HTTP_CT_TCHAR) ? CS_EXT_VAL : after_value(c);
	case CS_EXT_QSTR:
		if (c == '"')
			return CS_EXT_AFTER;
		if (c == '\\')
			return CS_EXT_QPAIR;
		return http_is(c, HTTP_CT_FIELD) ? CS_EXT_QSTR : CS_INVALID;
	case CS_EXT_QPAIR:
		return http_is(c, HTTP_CT_FIELD) ? CS_EXT_QSTR : CS_INVALID;
	}
	return CS_INVALID;
}

/* A hex digit of the chunk size; 413 once the body is sure to be too big. */
static enum http_result chunk_size_digit(struct http_parser *p, u8 c)
{
	u64 room = p->lim.max_body - p->body_total;
	u8 d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

	if (p->body_left > room >> 4 || (p->body_left << 4) + d > room)
		return fail(p, 413, "request body too large");
	p->body_left = (p->body_left << 4) + d;
	return HTTP_NEED_MORE;
}

/* A byte of a chunk-size line, up to and including its CR. */
static enum http_result chunk_line_byte(struct http_parser *p, u8 c)
{
	bool first = p->chunk_line == 0;
	u8 next;

	if (c != '\r' && ++p->chunk_line > p->lim.max_chunk_line)
		return fail(p, 400, "chunk-size line too long");
	if (p->chunk_state == CS_SIZE && http_is(c, HTTP_CT_HEX))
		return chunk_size_digit(p, c);
	if (p->chunk_state != CS_SIZE)
		next = chunk_ext_next(p->chunk_state, c);
	else
		next = first ? CS_INVALID : after_value(c);
	if (next == CS_INVALID)
		return chunk_error(p, c);
	p->chunk_state = next;
	return HTTP_NEED_MORE;
}

static enum http_result wire_too_long(struct http_parser *p)
{
	return fail(p, 413, "chunked body too long on the wire");
}

/*
 * The LF of a chunk-size line: data follows, or the trailer section.
 * The data counts against the wire bound here, before it is skipped.
 */
static enum http_result chunk_line_lf(struct http_parser *p, u8 c)
{
	if (c != '\n')
		return fail(p, 400, "bare CR in chunked body");
	p->chunk_line = 0;
	if (p->body_left) {
		if (p->body_left > p->wire_left)
			return wire_too_long(p);
		p->wire_left -= p->body_left;
		p->body_total += p->body_left;
		p->chunk_state = CS_DATA;
	} else {
		p->chunk_state = CS_TR_START;
	}
	return HTTP_NEED_MORE;
}

/* A byte of the trailer section; HTTP_BODY_DONE after its final CRLF. */
static enum http_result trailer_byte(struct http_parser *p, u8 c)
{
	u8 s = p->chunk_state;

	if (s == CS_END_LF) {
		if (c != '\n')
			return fail(p, 400, "bare CR in chunked body");
		return HTTP_BODY_DONE;
	}
	if (s == CS_TR_START && c == '\r') {
		p->chunk_state = CS_END_LF;
		return HTTP_NEED_MORE;
	}
	if (++p->trailer_bytes > p->lim.max_trailer_bytes)
		return fail(p, 431, "trailer section too large");
	if (s == CS_TR_START && is_ows(c))
		return fail(p, 400, "obs-fold or whitespace before a trailer");
	if (s == CS_TR_NAME && is_ows(c))
		return fail(p, 400, "whitespace between field name and colon");
	if (s == CS_TR_LF)
		s = c == '\n' ? CS_TR_START : CS_INVALID;
	else if (s != CS_TR_VALUE && http_is(c, HTTP_CT_TCHAR))
		s = CS_TR_NAME;
	else if (s == CS_TR_NAME && c == ':')
		s = CS_TR_VALUE;
	else if (s == CS_TR_VALUE && c == '\r')
		s = CS_TR_LF;
	else if (s != CS_TR_VALUE || !http_is(c, HTTP_CT_FIELD))
		s = CS_INVALID;
	if (s == CS_INVALID)
		return chunk_error(p, c);
	p->chunk_state = s;
	return HTTP_NEED_MORE;
}

/* A byte of chunked framing: every one counts against the wire bound. */
static enum http_result chunk_byte(struct http_parser *p, u8 c)
{
	if (!p->wire_left)
		return wire_too_long(p);
	p->wire_left--;
	switch (p->chunk_state) {
	case CS_LINE_LF:
		return chunk_line_lf(p, c);
	case CS_DATA_CR:
		if (c != '\r')
			return fail(p, 400, "chunk data not followed by CRLF");
		p->chunk_state = CS_DATA_LF;
		return HTTP_NEED_MORE;
	case CS_DATA_LF:
		if (c != '\n')
			return fail(p, 400, "bare CR in chunked body");
		p->chunk_state = CS_SIZE;
		return HTTP_NEED_MORE;
	case CS_TR_START:
	case CS_TR_NAME:
	case CS_TR_VALUE:
	case CS_TR_LF:
	case CS_END_LF:
		return trailer_byte(p, c);
	default:
		return chunk_line_byte(p, c);
	}
}

static enum http_result skip_chunked(struct http_parser *p, const char *buf,
				     size_t len, size_t *consumed)
{
	enum http_result r;
	size_t i = 0, n;

	while (i < len) {
		if (p->chunk_state == CS_DATA) {
			n = len - i;
			if (n > p->body_left)
				n = p->body_left;
			i += n;
			p->body_left -= n;
			if (!p->body_left)
				p->chunk_state = CS_DATA_CR;
			continue;
		}
		r = chunk_byte(p, buf[i++]);
		if (r != HTTP_NEED_MORE) {
			*consumed = i;
			return r;
		}
	}
	*consumed = len;
	return HTTP_NEED_MORE;
}

enum http_result http_skip_body(struct http_parser *p, const char *buf,
				size_t len, size_t *consumed)
{
	enum http_result r;
	size_t n;

	*consumed = 0;
	if (p->phase == PHASE_ERROR)
		return HTTP_ERROR;
	if (p->phase == PHASE_HEAD)
		return HTTP_BODY_DONE;
	if (p->req.body == HTTP_BODY_CHUNKED) {
		r = skip_chunked(p, buf, len, consumed);
	} else {
		n = len < p->body_left ? len : p->body_left;
		p->body_left -= n;
		*consumed = n;
		r = p->body_left ? HTTP_NEED_MORE : HTTP_BODY_DONE;
	}
	if (r == HTTP_BODY_DONE)
		start_head(p);
	return r;
}
