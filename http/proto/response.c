// SPDX-License-Identifier: GPL-2.0
/*
 * response.c - HTTP/1.1 response heads (RFC 9110, RFC 9112).
 *
 * Every response khttpd sends starts here, so every response has a status
 * line with its reason phrase, Date (IMF-fixdate, RFC 9110 section 5.6.7),
 * Server, exact framing and, when the connection ends, "Connection: close".
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
	snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		 wdays[wday], day, months[month - 1], (int)year,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	return HTTP_DATE_LEN;
}

/*
 * Append formatted text at *pos; on overflow remember it in *pos = size so
 * that the caller checks once at the end.
 */
static __printf(4, 5) void append(char *buf, size_t size, size_t *pos,
				  const char *fmt, ...);

static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *pos)
		*pos = size;
	else
		*pos += n;
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
 * length, or a status outside 100..599).
 */
int http_format_head(char *buf, size_t size,
		     const struct http_response_head *head, s64 now)
{
	char date[HTTP_DATE_LEN + 1];
	size_t pos = 0;

	if (head->status < 100 || head->status > 599 ||
	    (head->chunked && head->content_length != HTTP_NO_LENGTH))
		return -EINVAL;
	if (http_format_date(date, sizeof(date), now) < 0)
		return -EINVAL;
	append(buf, size, &pos, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: khttpd\r\n",
	       head->status, http_status_reason(head->status), date);
	if (head->content_type)
		append(buf, size, &pos, "Content-Type: %s\r\n",
		       head->content_type);
	if (head->content_length != HTTP_NO_LENGTH)
		append(buf, size, &pos, "Content-Length: %llu\r\n",
		       (unsigned long long)head->content_length);
	if (head->chunked)
		append(buf, size, &pos, "Transfer-Encoding: chunked\r\n");
	if (head->close)
		append(buf, size, &pos, "Connection: close\r\n");
	if (head->extra)
		append(buf, size, &pos, "%s", head->extra);
	append(buf, size, &pos, "\r\n");
	return pos >= size ? -ENOSPC : (int)pos;
}
