// SPDX-License-Identifier: GPL-2.0
/*
 * conditional.c - HTTP-date parsing, file entity-tags and the evaluation
 * of If-None-Match, If-Modified-Since and If-Range (RFC 9110).
 */
#include "http/proto/conditional.h"
#include "http/proto/response.h"

static const char month_names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
static const char short_days[] = "MonTueWedThuFriSatSun";
static const char *const long_days[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday"
};

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim spaces and tabs around s[0..*len); return the new start. */
static const char *trim_ows(const char *s, size_t *len)
{
	while (*len && is_ows(s[*len - 1]))
		(*len)--;
	while (*len && is_ows(*s)) {
		s++;
		(*len)--;
	}
	return s;
}

/* @n decimal digits at @s into *v. */
static bool get_digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* The month "Jan".."Dec" at @s: 1..12, or 0. */
static int get_month(const char *s)
{
	int i;

	for (i = 0; i < 12; i++)
		if (!memcmp(s, month_names + 3 * i, 3))
			return i + 1;
	return 0;
}

static bool is_short_day(const char *s)
{
	int i;

	for (i = 0; i < 7; i++)
		if (!memcmp(s, short_days + 3 * i, 3))
			return true;
	return false;
}

/* "HH:MM:SS" at @s into seconds of the day (a leap second runs over). */
static bool get_time(const char *s, int *secs)
{
	int h, m, sec;

	if (s[2] != ':' || s[5] != ':' || !get_digits(s, 2, &h) ||
	    !get_digits(s + 3, 2, &m) || !get_digits(s + 6, 2, &sec) ||
	    h > 23 || m > 59 || sec > 60)
		return false;
	*secs = h * 3600 + m * 60 + sec;
	return true;
}

static bool is_leap(s64 y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(s64 y, int m)
{
	static const u8 days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/*
 * Days from 1970-01-01 to y-m-d (proleptic Gregorian): whole 400-year
 * cycles of 146097 days counted from 0000-03-01, then the years and the
 * days of a March-based year (so that February's leap day comes last).
 */
static s64 days_from_civil(s64 y, int m, int d)
{
	s64 cycle, yoc, doy, doc;

	if (m <= 2)
		y--;
	cycle = (y >= 0 ? y : y - 399) / 400;
	yoc = y - cycle * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doc = yoc * 365 + yoc / 4 - yoc / 100 + doy;
	return cycle * 146097 + doc - 719468;
}

/* The calendar year of a time, 0..9999 (the time is clamped to that). */
static s64 year_of(s64 t)
{
	s64 days, y;

	if (t < 0)
		t = 0;
	if (t > HTTP_DATE_MAX)
		t = HTTP_DATE_MAX;
	days = t / 86400;
	y = 1970 + days / 366;
	while (days_from_civil(y + 1, 1, 1) <= days)
		y++;
	return y;
}

static int make_time(s64 y, int m, int d, int secs, s64 *out)
{
	if (!m || d < 1 || d > days_in_month(y, m))
		return -EINVAL;
	*out = days_from_civil(y, m, d) * 86400 + secs;
	return 0;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
static int parse_imf(const char *s, s64 *out)
{
	int d, m, y, secs;

	if (!is_short_day(s) || memcmp(s + 3, ", ", 2) || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || memcmp(s + 25, " GMT", 4) ||
	    !get_digits(s + 5, 2, &d) || !get_digits(s + 12, 4, &y) ||
	    !get_time(s + 17, &secs))
		return -EINVAL;
	m = get_month(s + 8);
	return make_time(y, m, d, secs, out);
}

/* "Sun Nov  6 08:49:37 1994" */
static int parse_asctime(const char *s, s64 *out)
{
	int d, m, y, secs;

	if (!is_short_day(s) || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' ||
	    s[19] != ' ' || !get_digits(s + 20, 4, &y) ||
	    !get_time(s + 11, &secs))
		return -EINVAL;
	if (s[8] == ' ') {
		if (!get_digits(s + 9, 1, &d))
			return -EINVAL;
	} else if (!get_digits(s + 8, 2, &d)) {
		return -EINVAL;
	}
	m = get_month(s + 4);
	return make_time(y, m, d, secs, out);
}

/* "Sunday, 06-Nov-94 08:49:37 GMT" */
static int parse_rfc850(const char *s, size_t len, s64 now, s64 *out)
{
	size_t dlen, i;
	s64 y, latest;
	int d, m, yy, secs;

	for (i = 0; i < 7; i++) {
		dlen = strlen(long_days[i]);
		if (len == dlen + 24 && !memcmp(s, long_days[i], dlen))
			break;
	}
	if (i == 7)
		return -EINVAL;
	s += dlen;
	if (memcmp(s, ", ", 2) || s[4] != '-' || s[8] != '-' ||
	    s[11] != ' ' || memcmp(s + 20, " GMT", 4) ||
	    !get_digits(s + 2, 2, &d) || !get_digits(s + 9, 2, &yy) ||
	    !get_time(s + 12, &secs))
		return -EINVAL;
	m = get_month(s + 5);
	latest = year_of(now) + 50;
	y = latest - (latest - yy) % 100;
	return make_time(y, m, d, secs, out);
}

int http_parse_date(const char *s, size_t len, s64 now, s64 *out)
{
	s = trim_ows(s, &len);
	if (len == 29 && s[3] == ',')
		return parse_imf(s, out);
	if (len == 24 && s[3] == ' ')
		return parse_asctime(s, out);
	if (len > 24 && len <= 33)
		return parse_rfc850(s, len, now, out);
	return -EINVAL;
}

int http_file_etag(char *buf, size_t buf_size, u64 ino, u64 file_size,
		   s64 mtime_sec, u32 mtime_nsec)
{
	u64 ns = (u64)mtime_sec * 1000000000ull + mtime_nsec;
	struct http_out o = { .buf = buf, .size = buf_size };
	int n;

	http_out_mem(&o, "\"", 1);
	http_out_hex(&o, ino);
	http_out_mem(&o, "-", 1);
	http_out_hex(&o, file_size);
	http_out_mem(&o, "-", 1);
	http_out_hex(&o, ns);
	http_out_mem(&o, "\"", 2);	/* with the NUL */
	n = http_out_done(&o);
	return n < 0 ? n : n - 1;
}

static bool is_get_or_head(enum http_method m)
{
	return m == HTTP_METHOD_GET || m == HTTP_METHOD_HEAD;
}

int http_conditional(const struct http_cond *c)
{
	s64 date;

	if (c->if_none_match) {
		if (!http_etag_match(c->if_none_match, c->if_none_match_len,
				     c->etag, c->etag_len))
			return 0;
		return is_get_or_head(c->method) ? 304 : 412;
	}
	if (!c->if_modified_since || !is_get_or_head(c->method))
		return 0;
	if (http_parse_date(c->if_modified_since, c->if_modified_since_len,
			    c->now, &date) || date > c->now)
		return 0;
	return c->last_modified <= date ? 304 : 0;
}

bool http_if_range(const char *val, size_t len, const char *etag,
		   size_t etag_len, s64 last_modified, s64 now)
{
	s64 date;

	val = trim_ows(val, &len);
	if (!len)
		return false;
	if (val[0] == '"' || (len >= 2 && val[0] == 'W' && val[1] == '/')) {
		/* Strong comparison: neither tag may be weak. */
		return etag_len >= 2 && etag[0] == '"' &&
		       etag[etag_len - 1] == '"' && len == etag_len &&
		       !memcmp(val, etag, len);
	}
	if (http_parse_date(val, len, now, &date))
		return false;
	return date == last_modified && last_modified < now;
}

/*
 * The entity-tag at s[*i..len): [ "W/" ] DQUOTE *etagc DQUOTE.  Sets the
 * opaque-tag (quotes included) and advances *i; false on a syntax error.
 */
static bool entity_tag(const char *s, size_t len, size_t *i,
		       const char **opaque, size_t *olen)
{
	size_t j = *i;

	if (len - j >= 2 && s[j] == 'W' && s[j + 1] == '/')
		j += 2;
	if (j >= len || s[j] != '"')
		return false;
	*opaque = s + j;
	for (j++; j < len && s[j] != '"'; j++)
		if (!http_is(s[j], HTTP_CT_ETAGC))
			return false;
	if (j == len)
		return false;
	*olen = s + j + 1 - *opaque;
	*i = j + 1;
	return true;
}

bool http_etag_match(const char *list, size_t len, const char *etag,
		     size_t etag_len)
{
	const char *want, *got;
	size_t wlen, glen, i = 0;
	bool match = false;

	if (!entity_tag(etag, etag_len, &i, &want, &wlen) || i != etag_len)
		return false;
	while (len && is_ows(list[len - 1]))
		len--;
	for (i = 0; i < len && is_ows(list[i]); i++)
		;
	if (len - i == 1 && list[i] == '*')
		return true;
	while (i < len) {
		if (list[i] == ',' || is_ows(list[i])) {
			i++;
			continue;
		}
		if (!entity_tag(list, len, &i, &got, &glen))
			return false;
		if (glen == wlen && !memcmp(got, want, wlen))
			match = true;
		while (i < len && is_ows(list[i]))
			i++;
		if (i < len && list[i] != ',')
			return false;
	}
	return match;
}
