// SPDX-License-Identifier: GPL-2.0
/*
 * path.c - request path to a name beneath the document root, and back.
 *
 * Percent-decoding is done once, segment by segment, straight into the
 * caller's buffer; a segment that turns out to be empty or "." is then
 * taken back.  Nothing is resolved: ".." is refused, never followed.
 */
#include "http/proto/path.h"
#include "http/proto/target.h"

static u8 hex_digit_value(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

static bool is_unreserved(u8 c)
{
	u8 l = c | 0x20;

	return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/*
 * Decode the segment s[0..len) (no '/' in it): the first @room decoded
 * bytes go to out[0..), and *dlen is set to the decoded length even when
 * that is more than @room, so that the caller can tell "." and ".." from
 * a segment that does not fit.  Return 0, or 400 with *reason.
 */
static int decode_segment(const char *s, size_t len, char *out, size_t room,
			  size_t *dlen, u8 *first2, const char **reason)
{
	size_t i, o = 0;
	u8 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '%') {
			if (len - i < 3 || !http_is(s[i + 1], HTTP_CT_HEX) ||
			    !http_is(s[i + 2], HTTP_CT_HEX)) {
				*reason = "malformed percent-escape in path";
				return 400;
			}
			c = hex_digit_value(s[i + 1]) << 4 |
			    hex_digit_value(s[i + 2]);
			i += 2;
			if (c == '/') {
				*reason = "encoded '/' in path";
				return 400;
			}
		} else if (!http_is(c, HTTP_CT_PCHAR)) {
			*reason = c == '\\' ? "backslash in path" :
				  "invalid character in path";
			return 400;
		}
		if (c == 0) {
			*reason = "NUL in path";
			return 400;
		}
		if (c == '\\') {
			*reason = "backslash in path";
			return 400;
		}
		if (c < 0x20 || c == 0x7f) {
			*reason = "control character in path";
			return 400;
		}
		if (o < 2)
			first2[o] = c;
		if (o < room)
			out[o] = c;
		o++;
	}
	*dlen = o;
	return 0;
}

int http_path_to_relative(const char *path, size_t len, char *out,
			  size_t out_size, struct http_path_info *info,
			  const char **reason)
{
	size_t limit, i, end, o = 0, seg, dlen;
	bool last_empty = true;
	u8 first2[2];
	int err;

	memset(info, 0, sizeof(*info));
	if (!out_size) {
		*reason = "path too long";
		return 414;
	}
	out[0] = '\0';
	limit = out_size < HTTP_PATH_MAX ? out_size - 1 : HTTP_PATH_MAX - 1;
	if (len && path[0] != '/') {
		*reason = "path does not start with '/'";
		return 400;
	}
	for (i = 1; i <= len; i = end + 1) {
		end = i;
		while (end < len && path[end] != '/')
			end++;
		/* A separator goes before every segment but the first. */
		seg = o ? o + 1 : 0;
		err = decode_segment(path + i, end - i,
				     out + (seg < limit ? seg : limit),
				     seg < limit ? limit - seg : 0,
				     &dlen, first2, reason);
		if (err)
			goto fail;
		last_empty = !dlen || (dlen == 1 && first2[0] == '.');
		if (last_empty)
			continue;
		if (dlen == 2 && first2[0] == '.' && first2[1] == '.') {
			*reason = "\"..\" segment in path";
			err = 403;
			goto fail;
		}
		err = 414;
		if (dlen > HTTP_PATH_SEGMENT_MAX) {
			*reason = "path segment too long";
			goto fail;
		}
		if (seg + dlen > limit) {
			*reason = "path too long";
			goto fail;
		}
		if (++info->depth > HTTP_PATH_DEPTH_MAX) {
			*reason = "path too deep";
			goto fail;
		}
		if (o)
			out[o] = '/';
		info->name_off = seg;
		o = seg + dlen;
	}
	out[o] = '\0';
	info->len = o;
	info->trailing_slash = last_empty;
	return 0;
fail:
	out[o] = '\0';
	memset(info, 0, sizeof(*info));
	return err;
}

int http_percent_encode(char *buf, size_t size, const char *s, size_t len,
			bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;
	u8 c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (is_unreserved(c) || (keep_slash && c == '/')) {
			if (buf && o < size)
				buf[o] = c;
			o++;
			continue;
		}
		if (buf && size >= 3 && o <= size - 3) {
			buf[o] = '%';
			buf[o + 1] = hex[c >> 4];
			buf[o + 2] = hex[c & 15];
		}
		o += 3;
	}
	if (o > INT_MAX || (buf && o > size))
		return -ENOSPC;
	return o;
}

int http_path_redirect(char *buf, size_t size, const char *rel,
		       size_t rel_len, const char *query, size_t query_len)
{
	size_t i, need;
	int n;

	if (query) {
		for (i = 0; i < query_len; i++)
			if (!http_is(query[i], HTTP_CT_PCHAR) &&
			    query[i] != '/' && query[i] != '?' &&
			    query[i] != '%')
				return -EINVAL;
	}
	n = http_percent_encode(NULL, 0, rel, rel_len, true);
	if (n < 0)
		return n;
	need = (size_t)n + (rel_len ? 2 : 1) + (query ? query_len + 1 : 0);
	if (need >= size || need > INT_MAX)
		return -ENOSPC;
	buf[0] = '/';
	http_percent_encode(buf + 1, n, rel, rel_len, true);
	i = 1 + n;
	if (rel_len)
		buf[i++] = '/';
	if (query) {
		buf[i++] = '?';
		memcpy(buf + i, query, query_len);
		i += query_len;
	}
	buf[i] = '\0';
	return i;
}
