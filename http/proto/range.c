// SPDX-License-Identifier: GPL-2.0
/*
 * range.c - single byte ranges (RFC 9110 section 14).
 */
#include "http/proto/range.h"

#define U64_ALL ((u64)-1)

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at s[*i..len), saturating at U64_ALL; false if none. */
static bool get_number(const char *s, size_t len, size_t *i, u64 *v)
{
	size_t start = *i;
	u64 d;

	*v = 0;
	while (*i < len && is_digit(s[*i])) {
		d = s[*i] - '0';
		if (*v > (U64_ALL - d) / 10)
			*v = U64_ALL;
		else
			*v = *v * 10 + d;
		(*i)++;
	}
	return *i > start;
}

/*
 * One range-spec at s[*i..len): "first-[last]" (*suffix false) or
 * "-length" (*suffix true).  A missing last-pos is U64_ALL.
 */
static bool get_spec(const char *s, size_t len, size_t *i, bool *suffix,
		     u64 *a, u64 *b)
{
	*suffix = s[*i] == '-';
	if (*suffix) {
		(*i)++;
		return get_number(s, len, i, b);
	}
	if (!get_number(s, len, i, a) || *i == len || s[*i] != '-')
		return false;
	(*i)++;
	if (!get_number(s, len, i, b))
		*b = U64_ALL;
	return true;
}

int http_range_parse(const char *s, size_t len, u64 size,
		     struct http_range *r)
{
	static const char unit[] = "bytes=";
	size_t i, count = 0;
	bool suffix = false;
	u64 a = 0, b = 0;

	while (len && is_ows(s[len - 1]))
		len--;
	for (i = 0; i < len && is_ows(s[i]); i++)
		;
	if (len - i < sizeof(unit) - 1)
		return 200;
	for (count = 0; count < sizeof(unit) - 1; count++, i++)
		if ((s[i] | (count < 5 ? 0x20 : 0)) != unit[count])
			return 200;
	count = 0;
	while (i < len) {
		if (s[i] == ',' || is_ows(s[i])) {
			i++;
			continue;
		}
		if (count++ || !get_spec(s, len, &i, &suffix, &a, &b))
			return 200;	/* a second range, or a syntax error */
		while (i < len && is_ows(s[i]))
			i++;
		if (i < len && s[i] != ',')
			return 200;
	}
	if (!count)
		return 200;
	if (suffix) {
		if (!b)
			return 416;
		if (!size)
			return 200;
		r->length = b < size ? b : size;
		r->start = size - r->length;
		return 206;
	}
	if (b < a)
		return 200;
	if (a >= size)
		return 416;
	if (b > size - 1)
		b = size - 1;
	r->start = a;
	r->length = b - a + 1;
	return 206;
}

int http_content_range(char *buf, size_t buf_size, int status,
		       const struct http_range *r, u64 size)
{
	int n;

	if (status == 416) {
		n = snprintf(buf, buf_size, "bytes */%llu",
			     (unsigned long long)size);
	} else if (status == 206 && r && r->length && r->start < size &&
		   r->length <= size - r->start) {
		n = snprintf(buf, buf_size, "bytes %llu-%llu/%llu",
			     (unsigned long long)r->start,
			     (unsigned long long)(r->start + r->length - 1),
			     (unsigned long long)size);
	} else {
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= buf_size)
		return -ENOSPC;
	return n;
}
