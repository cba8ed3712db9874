// SPDX-License-Identifier: GPL-2.0
/*
 * encoding.c - Accept-Encoding (RFC 9110 section 12.5.3) and the choice
 * of a response's content coding.
 */
#include "include/khttpd_shim.h"
#include "http/proto/encoding.h"
#include "http/proto/target.h"

void http_accept_encoding_absent(struct http_accept_encoding *ae)
{
	ae->gzip = 0;
	ae->identity = HTTP_Q_MAX;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static bool same_nocase(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!lit[i] || c != lit[i])
			return false;
	}
	return !lit[len];
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static int parse_qvalue(const char *s, size_t len, u16 *q)
{
	u16 v = 0;
	size_t i;

	if (!len || (s[0] != '0' && s[0] != '1'))
		return -EINVAL;
	if (len > 1 && (s[1] != '.' || len > 5))
		return -EINVAL;
	for (i = 2; i < len; i++) {
		if (!http_is(s[i], HTTP_CT_DIGIT))
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	for (; i < 5; i++)
		v *= 10;
	if (s[0] == '1') {
		if (v)
			return -EINVAL;
		v = HTTP_Q_MAX;
	}
	*q = v;
	return 0;
}

/* What one list element said. */
enum coding_kind { CK_OTHER, CK_GZIP, CK_IDENTITY, CK_STAR };

static enum coding_kind coding_kind(const char *s, size_t len)
{
	if (len == 1 && s[0] == '*')
		return CK_STAR;
	if (same_nocase(s, len, "gzip") || same_nocase(s, len, "x-gzip"))
		return CK_GZIP;
	if (same_nocase(s, len, "identity"))
		return CK_IDENTITY;
	return CK_OTHER;
}

/*
 * One element at v[*pos..): codings [ OWS ";" OWS "q=" qvalue ], up to
 * (not including) the comma or the end.  -EINVAL if malformed.
 */
static int parse_element(const char *v, size_t len, size_t *pos,
			 enum coding_kind *kind, u16 *q)
{
	size_t i = *pos, start = i, qstart;

	if (i < len && v[i] == '*')
		i++;
	else
		while (i < len && http_is(v[i], HTTP_CT_TCHAR))
			i++;
	if (i == start)
		return -EINVAL;
	*kind = coding_kind(v + start, i - start);
	*q = HTTP_Q_MAX;
	while (i < len && is_ows(v[i]))
		i++;
	if (i < len && v[i] == ';') {
		i++;
		while (i < len && is_ows(v[i]))
			i++;
		if (len - i < 2 || (v[i] != 'q' && v[i] != 'Q') ||
		    v[i + 1] != '=')
			return -EINVAL;
		i += 2;
		qstart = i;
		while (i < len && (v[i] == '.' || http_is(v[i], HTTP_CT_DIGIT)))
			i++;
		if (parse_qvalue(v + qstart, i - qstart, q))
			return -EINVAL;
		while (i < len && is_ows(v[i]))
			i++;
	}
	if (i < len && v[i] != ',')
		return -EINVAL;
	*pos = i;
	return 0;
}

int http_accept_encoding_parse(const char *v, size_t len,
			       struct http_accept_encoding *ae)
{
	int gzip = -1, identity = -1, star = -1;
	enum coding_kind kind;
	size_t i = 0;
	u16 q;

	for (;;) {
		while (i < len && (is_ows(v[i]) || v[i] == ','))
			i++;
		if (i == len)
			break;
		if (parse_element(v, len, &i, &kind, &q))
			return -EINVAL;
		/* Listed twice: the higher weight wins. */
		if (kind == CK_GZIP && q > gzip)
			gzip = q;
		else if (kind == CK_IDENTITY && q > identity)
			identity = q;
		else if (kind == CK_STAR && q > star)
			star = q;
	}
	if (gzip < 0)
		gzip = star > 0 ? star : 0;
	if (identity < 0)
		identity = star == 0 ? 0 : HTTP_Q_DEFAULT;
	ae->gzip = gzip;
	ae->identity = identity;
	return 0;
}

enum http_coding http_coding_choose(const struct http_accept_encoding *ae,
				    bool gzip_worthwhile)
{
	if (ae->gzip && (!ae->identity ||
			 (gzip_worthwhile && ae->gzip >= ae->identity)))
		return HTTP_CODING_GZIP;
	return ae->identity ? HTTP_CODING_IDENTITY : HTTP_CODING_NONE;
}
