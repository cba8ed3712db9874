// SPDX-License-Identifier: GPL-2.0
/*
 * target.c - request-target forms, Host values and percent-decoding.
 *
 * Everything here works on the bytes as received: percent-escapes are
 * checked once (http_target_parse()) and decoded on the fly while a path
 * segment or a query parameter is compared, so nothing is copied.
 */
#include "http/proto/target.h"

/* Shorthands for building http_ctype[]; every entry is set exactly once. */
#define CT_VIS	(HTTP_CT_FIELD | HTTP_CT_ETAGC)		/* other VCHAR */
#define CT_TOK	(CT_VIS | HTTP_CT_TCHAR)		/* tchar, not in URIs */
#define CT_GEN	(CT_VIS | HTTP_CT_TARGET)		/* "/?[]" */
#define CT_SUB	(CT_GEN | HTTP_CT_PCHAR)		/* "(),;=:@" */
#define CT_UNR	(CT_SUB | HTTP_CT_TCHAR)		/* both pchar and tchar */
#define CT_HEXA	(CT_UNR | HTTP_CT_HEX)			/* A-F a-f */
#define CT_DIG	(CT_HEXA | HTTP_CT_DIGIT)		/* 0-9 */

const u8 http_ctype[256] = {
	['\t'] = HTTP_CT_FIELD,
	[' '] = HTTP_CT_FIELD,
	['!'] = CT_UNR,
	['"'] = HTTP_CT_FIELD,
	['#'] = CT_TOK,
	['$'] = CT_UNR,
	['%'] = CT_TOK | HTTP_CT_TARGET,
	['&'] = CT_UNR,
	['\''] = CT_UNR,
	['('] = CT_SUB,
	[')'] = CT_SUB,
	['*'] = CT_UNR,
	['+'] = CT_UNR,
	[','] = CT_SUB,
	['-'] = CT_UNR,
	['.'] = CT_UNR,
	['/'] = CT_GEN,
	['0' ... '9'] = CT_DIG,
	[':'] = CT_SUB,
	[';'] = CT_SUB,
	['<'] = CT_VIS,
	['='] = CT_SUB,
	['>'] = CT_VIS,
	['?'] = CT_GEN,
	['@'] = CT_SUB,
	['A' ... 'F'] = CT_HEXA,
	['G' ... 'Z'] = CT_UNR,
	['['] = CT_GEN,
	['\\'] = CT_VIS,
	[']'] = CT_GEN,
	['^'] = CT_TOK,
	['_'] = CT_UNR,
	['`'] = CT_TOK,
	['a' ... 'f'] = CT_HEXA,
	['g' ... 'z'] = CT_UNR,
	['{'] = CT_VIS,
	['|'] = CT_TOK,
	['}'] = CT_VIS,
	['~'] = CT_UNR,
	[0x80 ... 0xff] = CT_VIS,
};

static u8 hex_value(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

/* Whether s[i] starts a valid escape other than "%00". */
static bool escape_valid(const char *s, size_t len, size_t i)
{
	if (len - i < 3 || !http_is(s[i + 1], HTTP_CT_HEX) ||
	    !http_is(s[i + 2], HTTP_CT_HEX))
		return false;
	return s[i + 1] != '0' || s[i + 2] != '0';
}

u8 http_decode_at(const char *s, size_t *i)
{
	u8 c = s[*i];

	if (c != '%') {
		(*i)++;
		return c;
	}
	c = hex_value(s[*i + 1]) << 4 | hex_value(s[*i + 2]);
	*i += 3;
	return c;
}

bool http_decoded_equals(const char *s, size_t len, const char *lit)
{
	size_t i = 0;

	while (i < len) {
		if (!*lit || http_decode_at(s, &i) != (u8)*lit)
			return false;
		lit++;
	}
	return !*lit;
}

static bool ascii_equal_nocase(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!lit[i] || (s[i] | 0x20) != lit[i])
			return false;
	return !lit[len];
}

/*
 * Path (pchar and '/') or query (pchar, '/' and '?') bytes, with escapes:
 * 0, or 400 with a reason.
 */
static int check_uri_part(const char *s, size_t len, bool query,
			  const char **reason)
{
	size_t i;
	u8 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '%') {
			if (!escape_valid(s, len, i)) {
				*reason = "malformed or NUL percent-escape in target";
				return 400;
			}
			i += 2;
		} else if (!http_is(c, HTTP_CT_PCHAR) && c != '/' &&
			   (!query || c != '?')) {
			*reason = "invalid character in request-target";
			return 400;
		}
	}
	return 0;
}

/* Origin-form path and query from s[start..len). */
static int split_path_query(const char *s, size_t len, size_t start,
			    struct http_target *out, const char **reason)
{
	const char *q = memchr(s + start, '?', len - start);
	size_t path_end = q ? (size_t)(q - s) : len;
	int err;

	out->path_off = start;
	out->path_len = path_end - start;
	err = check_uri_part(s + start, path_end - start, false, reason);
	if (err || !q)
		return err;
	out->has_query = true;
	out->query_off = path_end + 1;
	out->query_len = len - path_end - 1;
	return check_uri_part(s + out->query_off, out->query_len, true, reason);
}

static bool is_alpha(u8 c)
{
	c |= 0x20;
	return c >= 'a' && c <= 'z';
}

/* Length of "scheme:" at s (0 if there is none), RFC 3986 3.1. */
static size_t scheme_length(const char *s, size_t len)
{
	size_t i;
	u8 c;

	if (!len || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		c = s[i];
		if (c == ':')
			return i + 1;
		if (!is_alpha(c) && !http_is(c, HTTP_CT_DIGIT) &&
		    c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

static int parse_absolute(const char *s, size_t len, struct http_target *out,
			  const char **reason)
{
	size_t slen = scheme_length(s, len);
	size_t a, i;

	if (!slen) {
		*reason = "malformed request-target";
		return 400;
	}
	if (!ascii_equal_nocase(s, slen - 1, "http") &&
	    !ascii_equal_nocase(s, slen - 1, "https")) {
		*reason = "only http and https targets are served";
		return 400;
	}
	if (len - slen < 2 || s[slen] != '/' || s[slen + 1] != '/') {
		*reason = "absolute-form target without authority";
		return 400;
	}
	a = slen + 2;
	for (i = a; i < len && s[i] != '/' && s[i] != '?'; i++)
		if (s[i] == '@') {
			*reason = "userinfo is not allowed in a target";
			return 400;
		}
	if (!http_host_valid(s + a, i - a, false)) {
		*reason = "invalid host in target";
		return 400;
	}
	out->form = HTTP_FORM_ABSOLUTE;
	out->authority_off = a;
	out->authority_len = i - a;
	return split_path_query(s, len, i, out, reason);
}

/* CONNECT: uri-host ":" port, the port not empty. */
static int parse_authority_form(const char *s, size_t len,
				struct http_target *out, const char **reason)
{
	size_t i = len;

	while (i > 0 && http_is(s[i - 1], HTTP_CT_DIGIT))
		i--;
	if (i < 2 || i == len || s[i - 1] != ':' ||
	    !http_host_valid(s, len, false)) {
		*reason = "CONNECT needs a host:port target";
		return 400;
	}
	out->form = HTTP_FORM_AUTHORITY;
	out->authority_off = 0;
	out->authority_len = len;
	return 0;
}

int http_target_parse(const char *t, size_t len, bool connect,
		      struct http_target *out, const char **reason)
{
	memset(out, 0, sizeof(*out));
	if (!len || len > 0xffffffffu) {
		*reason = "empty or oversized request-target";
		return 400;
	}
	if (connect)
		return parse_authority_form(t, len, out, reason);
	if (len == 1 && t[0] == '*') {
		out->form = HTTP_FORM_ASTERISK;
		return 0;
	}
	if (t[0] == '/') {
		out->form = HTTP_FORM_ORIGIN;
		return split_path_query(t, len, 0, out, reason);
	}
	return parse_absolute(t, len, out, reason);
}

/* Length of the host part of s (IP-literal or reg-name), or -1. */
static long host_length(const char *s, size_t len)
{
	size_t i;

	if (len && s[0] == '[') {
		for (i = 1; i < len && s[i] != ']'; i++)
			if (!http_is(s[i], HTTP_CT_HEX) && s[i] != ':' &&
			    s[i] != '.')
				return -1;
		return (i == len || i == 1) ? -1 : (long)i + 1;
	}
	for (i = 0; i < len && s[i] != ':'; i++) {
		if (s[i] == '%') {
			if (!escape_valid(s, len, i))
				return -1;
			i += 2;
		} else if (!http_is(s[i], HTTP_CT_PCHAR) || s[i] == '@') {
			return -1;
		}
	}
	return i;
}

bool http_host_valid(const char *s, size_t len, bool allow_empty)
{
	long h = host_length(s, len);
	size_t i;

	if (h < 0 || (h == 0 && !allow_empty))
		return false;
	if ((size_t)h == len)
		return true;
	if (s[h] != ':')
		return false;
	for (i = h + 1; i < len; i++)
		if (!http_is(s[i], HTTP_CT_DIGIT))
			return false;
	return true;
}
