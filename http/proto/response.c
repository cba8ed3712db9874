// SPDX-License-Identifier: GPL-2.0
/*
 * response.c - HTTP/1.1 response heads (RFC 9110, RFC 9112).
 *
 * Every response khttpd sends starts here, so every response has a status
 * line with its reason phrase, Date (IMF-fixdate, RFC 9110 section 5.6.7),
 * Server, exact framing and, when the connection ends, "Connection: close"
 * (or, when an HTTP/1.0 connection stays open, "Connection: keep-alive").
 */
#include "http/proto/response.h"

struct status_reason {
	int status;
	const char *reason;
};

static const struct status_reason reasons[] = {
	{ 200, "OK" },
	{ 206, "Partial Content" },
	{ 301, "Moved Permanently" },
	{ 304, "Not Modified" },
	{ 400, "Bad Request" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 408, "Request Timeout" },
	{ 411, "Length Required" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 416, "Range Not Satisfiable" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 503, "Service Unavailable" },
	{ 505, "HTTP Version Not Supported" },
	{ 507, "Insufficient Storage" },
};

/**
 * http_status_reason() - the reason phrase of a status code
 * @status: the status code
 *
 * Return: the phrase from RFC 9110, or "Unknown" for codes khttpd never
 * sends.
 */
const char *http_status_reason(int status)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reasons); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

/*
 * Days since 1970-01-01 to a proleptic Gregorian civil date: count 400-year
 * eras (146097 days each) from 0000-03-01 so that the leap day ends a year.
 */
static void civil_from_days(s64 days, s64 *year, int *month, int *day)
{
	s64 era, yoe, doy, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	yoe = days - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = days - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

/**
 * http_out_mem() - append bytes
 * @o: the output
 * @p: the bytes
 * @len: how many
 *
 * On overflow nothing more is written and @o->pos becomes @o->size + 1,
 * so the caller checks once, at the end (http_out_done()).
 */
void http_out_mem(struct http_out *o, const void *p, size_t len)
{
	if (o->pos > o->size || len > o->size - o->pos) {
		o->pos = o->size + 1;
		return;
	}
	memcpy(o->buf + o->pos, p, len);
	o->pos += len;
}

/* @v in decimal, at least @width digits (zero-padded). */
static void out_u64_width(struct http_out *o, u64 v, int width)
{
	char d[20];
	int n = 0;

	do {
		d[sizeof(d) - 1 - n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n < width && n < (int)sizeof(d))
		d[sizeof(d) - 1 - n++] = '0';
	http_out_mem(o, d + sizeof(d) - n, n);
}

/**
 * http_out_u64() - append an unsigned integer in decimal
 * @o: the output
 * @v: the value
 */
void http_out_u64(struct http_out *o, u64 v)
{
	out_u64_width(o, v, 1);
}

/**
 * http_out_hex() - append an unsigned integer in lowercase hexadecimal
 * @o: the output
 * @v: the value, without leading zeros ("0" for 0)
 */
void http_out_hex(struct http_out *o, u64 v)
{
	static const char digits[] = "0123456789abcdef";
	char d[16];
	int n = 0;

	do {
		d[sizeof(d) - 1 - n++] = digits[v & 15];
		v >>= 4;
	} while (v);
	http_out_mem(o, d + sizeof(d) - n, n);
}

/**
 * http_out_ms() - append a duration as milliseconds with three decimals
 * @o: the output
 * @ns: the duration in nanoseconds; "12.345" for 12,345,678
 *
 * The unit and precision of the W3C Server-Timing "dur" parameter.
 */
void http_out_ms(struct http_out *o, u64 ns)
{
	if (ns < 1000) {	/* a hit's compute and convert: no division */
		http_out_mem(o, "0.000", 5);
		return;
	}
	http_out_u64(o, ns / 1000000);
	http_out_mem(o, ".", 1);
	out_u64_width(o, ns / 1000 % 1000, 3);
}

/**
 * http_format_date() - format a time as an HTTP date (IMF-fixdate)
 * @buf: destination
 * @size: size of @buf, at least HTTP_DATE_LEN + 1
 * @unix_seconds: seconds since the epoch, years 0..9999
 *
 * Return: HTTP_DATE_LEN, or -EINVAL if @buf is too small or the year is out
 * of range.
 */
int http_format_date(char *buf, size_t size, s64 unix_seconds)
{
	static const char wdays[7][4] = {
		"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct http_out o = { .buf = buf, .size = size };
	s64 days, secs, year, wday;
	int month, day;

	if (size < HTTP_DATE_LEN + 1)
		return -EINVAL;
	days = unix_seconds / 86400;
	secs = unix_seconds % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &year, &month, &day);
	if (year < 0 || year > 9999)
		return -EINVAL;
	wday = days % 7;
	if (wday < 0)
		wday += 7;
	http_out_mem(&o, wdays[wday], 3);
	http_out_mem(&o, ", ", 2);
	out_u64_width(&o, day, 2);
	http_out_mem(&o, " ", 1);
	http_out_mem(&o, months[month - 1], 3);
	http_out_mem(&o, " ", 1);
	out_u64_width(&o, year, 4);
	http_out_mem(&o, " ", 1);
	out_u64_width(&o, secs / 3600, 2);
	http_out_mem(&o, ":", 1);
	out_u64_width(&o, secs / 60 % 60, 2);
	http_out_mem(&o, ":", 1);
	out_u64_width(&o, secs % 60, 2);
	http_out_mem(&o, " GMT", 5);	/* with the NUL */
	return HTTP_DATE_LEN;
}

/**
 * http_format_head_at() - format a response's status line and header block
 * @buf: destination
 * @size: size of @buf
 * @head: what to say
 * @date: the Date value, HTTP_DATE_LEN bytes (http_format_date())
 *
 * Like http_format_head(), for a caller that formats the date once and
 * uses it for many responses.  No printf: every byte is copied or is a
 * digit of a number.
 *
 * Return: as http_format_head().
 */
int http_format_head_at(char *buf, size_t size,
			const struct http_response_head *head,
			const char *date)
{
	struct http_out o = { .buf = buf, .size = size };

	if (head->status < 100 || head->status > 599 ||
	    (head->chunked && head->content_length != HTTP_NO_LENGTH) ||
	    (head->keep_alive && (head->close || head->chunked)))
		return -EINVAL;
	http_out_str(&o, "HTTP/1.1 ");
	http_out_u64(&o, head->status);
	http_out_mem(&o, " ", 1);
	http_out_str(&o, http_status_reason(head->status));
	http_out_str(&o, "\r\nDate: ");
	http_out_mem(&o, date, HTTP_DATE_LEN);
	http_out_str(&o, "\r\nServer: khttpd\r\n");
	if (head->content_type) {
		http_out_str(&o, "Content-Type: ");
		http_out_str(&o, head->content_type);
		http_out_str(&o, "\r\n");
	}
	if (head->content_length != HTTP_NO_LENGTH) {
		http_out_str(&o, "Content-Length: ");
		http_out_u64(&o, head->content_length);
		http_out_str(&o, "\r\n");
	}
	if (head->chunked)
		http_out_str(&o, "Transfer-Encoding: chunked\r\n");
	if (head->close)
		http_out_str(&o, "Connection: close\r\n");
	if (head->keep_alive)
		http_out_str(&o, "Connection: keep-alive\r\n");
	if (head->extra)
		http_out_mem(&o, head->extra,
			     head->extra_len ?: strlen(head->extra));
	http_out_str(&o, "\r\n");
	return http_out_done(&o);
}

/**
 * http_format_head() - format a response's status line and header block
 * @buf: destination
 * @size: size of @buf
 * @head: what to say
 * @now: the current time for the Date header, seconds since the epoch
 *
 * The result ends with the empty line that ends the header block; the
 * body, if any, follows it.
 *
 * Return: the length written (without a NUL), or -ENOSPC if @buf is too
 * small, or -EINVAL for a head that cannot be framed (chunked with a
 * length, keep-alive with close or chunked, or a status outside
 * 100..599).
 */
int http_format_head(char *buf, size_t size,
		     const struct http_response_head *head, s64 now)
{
	char date[HTTP_DATE_LEN + 1];

	if (http_format_date(date, sizeof(date), now) < 0)
		return -EINVAL;
	return http_format_head_at(buf, size, head, date);
}
