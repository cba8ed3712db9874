// SPDX-License-Identifier: GPL-2.0
/*
 * http_response_test.c - user-space tests of http/proto/response.c under ASan
 * and UBSan.
 */
#include <stdio.h>
#include <string.h>

#include "tools/testing/unit/ktest.h"
#include "http/proto/response.h"

static char out[2048];

static void test_dates(void)
{
	static const struct {
		s64 t;
		const char *want;
	} cases[] = {
		{ 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
		{ 784111777, "Sun, 06 Nov 1994 08:49:37 GMT" },	/* RFC 9110 */
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 GMT" },
		{ 1700000000, "Tue, 14 Nov 2023 22:13:20 GMT" },
		{ 4102444799LL, "Thu, 31 Dec 2099 23:59:59 GMT" },
		{ 4107542399LL, "Sun, 28 Feb 2100 23:59:59 GMT" },	/* no leap */
		{ 4107542400LL, "Mon, 01 Mar 2100 00:00:00 GMT" },
		{ -1, "Wed, 31 Dec 1969 23:59:59 GMT" },
		{ 253402300799LL, "Fri, 31 Dec 9999 23:59:59 GMT" },
	};
	char buf[HTTP_DATE_LEN + 1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		KT_EXPECT(http_format_date(buf, sizeof(buf), cases[i].t) ==
			  HTTP_DATE_LEN);
		KT_EXPECT(!strcmp(buf, cases[i].want), "%lld: got '%s'",
			  (long long)cases[i].t, buf);
	}
	KT_EXPECT(http_format_date(buf, sizeof(buf), 253402300800LL) ==
		  -EINVAL);
	KT_EXPECT(http_format_date(buf, HTTP_DATE_LEN, 0) == -EINVAL);
}

static void test_head_framing(void)
{
	struct http_response_head h = {
		.status = 200,
		.content_type = "text/plain",
		.content_length = 2,
		.close = true,
	};
	const char *want = "HTTP/1.1 200 OK\r\n"
			   "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
			   "Server: khttpd\r\n"
			   "Content-Type: text/plain\r\n"
			   "Content-Length: 2\r\n"
			   "Connection: close\r\n\r\n";
	int n = http_format_head(out, sizeof(out), &h, 0);

	KT_ASSERT(n == (int)strlen(want), "n=%d", n);
	KT_EXPECT(!memcmp(out, want, n), "%.*s", n, out);

	/* Exactly enough room (no NUL is written), then one byte short. */
	KT_EXPECT(http_format_head(out, n, &h, 0) == n);
	KT_EXPECT(http_format_head(out, n - 1, &h, 0) == -ENOSPC);

	h.chunked = true;
	KT_EXPECT(http_format_head(out, sizeof(out), &h, 0) == -EINVAL);
	h.content_length = HTTP_NO_LENGTH;
	n = http_format_head(out, sizeof(out), &h, 0);
	KT_EXPECT(n > 0 && strstr(out, "Transfer-Encoding: chunked\r\n") &&
		  !strstr(out, "Content-Length"));
	h.status = 99;
	KT_EXPECT(http_format_head(out, sizeof(out), &h, 0) == -EINVAL);
}

/* A kept-alive HTTP/1.0 connection says so; 1.1 and closes do not. */
static void test_head_keep_alive(void)
{
	struct http_response_head h = {
		.status = 404,
		.content_type = "text/plain",
		.content_length = 5,
		.keep_alive = true,
		.extra = "X-A: b\r\n",
	};
	const char *want = "HTTP/1.1 404 Not Found\r\n"
			   "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
			   "Server: khttpd\r\n"
			   "Content-Type: text/plain\r\n"
			   "Content-Length: 5\r\n"
			   "Connection: keep-alive\r\n"
			   "X-A: b\r\n\r\n";
	int n = http_format_head(out, sizeof(out), &h, 0);

	KT_ASSERT(n == (int)strlen(want), "n=%d: %.*s", n, n > 0 ? n : 0, out);
	KT_EXPECT(!memcmp(out, want, n), "%.*s", n, out);
	KT_EXPECT(http_format_head(out, n, &h, 0) == n);
	KT_EXPECT(http_format_head(out, n - 1, &h, 0) == -ENOSPC);

	/* no header by default (HTTP/1.1 keeps the connection anyway) */
	h.keep_alive = false;
	n = http_format_head(out, sizeof(out) - 1, &h, 0);
	KT_ASSERT(n > 0);
	out[n] = 0;
	KT_EXPECT(!strstr(out, "Connection"), "%s", out);

	/* contradictions: close, and chunked (unknown to HTTP/1.0) */
	h.keep_alive = true;
	h.close = true;
	KT_EXPECT(http_format_head(out, sizeof(out), &h, 0) == -EINVAL);
	h.close = false;
	h.chunked = true;
	h.content_length = HTTP_NO_LENGTH;
	KT_EXPECT(http_format_head(out, sizeof(out), &h, 0) == -EINVAL);
}

/* @extra_len, when given, is how much of @extra is sent (not strlen()). */
static void test_head_extra_len(void)
{
	struct http_response_head h = {
		.status = 200,
		.content_length = 0,
		.extra = "X-A: b\r\nX-B: c\r\n",
		.extra_len = 8,
	};
	int n = http_format_head(out, sizeof(out) - 1, &h, 0);

	KT_ASSERT(n > 0);
	out[n] = 0;
	KT_EXPECT(strstr(out, "X-A: b\r\n\r\n") && !strstr(out, "X-B"),
		  "%s", out);
	h.extra_len = 0;	/* measured */
	n = http_format_head(out, sizeof(out) - 1, &h, 0);
	KT_ASSERT(n > 0);
	out[n] = 0;
	KT_EXPECT(strstr(out, "X-A: b\r\nX-B: c\r\n\r\n"), "%s", out);
}

static void test_out_numbers(void)
{
	static const struct {
		u64 ns;
		const char *want;
	} ms[] = {
		{ 0, "0.000" }, { 999, "0.000" }, { 1000, "0.001" },
		{ 12345678, "12.345" }, { 1000000, "1.000" },
		{ 18446744073709551615ULL, "18446744073709.551" },
	};
	char buf[32];
	struct http_out o;
	size_t i;

	o = (struct http_out){ .buf = buf, .size = sizeof(buf) };
	http_out_u64(&o, 0);
	http_out_str(&o, " ");
	http_out_u64(&o, 18446744073709551615ULL);
	KT_EXPECT(http_out_done(&o) == 22);
	KT_EXPECT(!memcmp(buf, "0 18446744073709551615", 22));
	for (i = 0; i < ARRAY_SIZE(ms); i++) {
		o = (struct http_out){ .buf = buf, .size = sizeof(buf) };
		http_out_ms(&o, ms[i].ns);
		KT_EXPECT(http_out_done(&o) == (int)strlen(ms[i].want) &&
			  !memcmp(buf, ms[i].want, strlen(ms[i].want)),
			  "%llu ns: '%.*s'", (unsigned long long)ms[i].ns,
			  (int)o.pos, buf);
	}
	/* Overflow sticks: nothing after it is written or counted. */
	o = (struct http_out){ .buf = buf, .size = 4 };
	http_out_str(&o, "abc");
	http_out_str(&o, "de");
	http_out_str(&o, "f");
	KT_EXPECT(http_out_done(&o) == -ENOSPC);
	KT_EXPECT(!memcmp(buf, "abc", 3));
}

static void test_reasons(void)
{
	KT_EXPECT(!strcmp(http_status_reason(404), "Not Found"));
	KT_EXPECT(!strcmp(http_status_reason(431),
			  "Request Header Fields Too Large"));
	KT_EXPECT(!strcmp(http_status_reason(505),
			  "HTTP Version Not Supported"));
	KT_EXPECT(!strcmp(http_status_reason(299), "Unknown"));
}

int main(void)
{
	KT_RUN(test_dates);
	KT_RUN(test_head_framing);
	KT_RUN(test_head_keep_alive);
	KT_RUN(test_head_extra_len);
	KT_RUN(test_out_numbers);
	KT_RUN(test_reasons);
	return ktest_summary("http-response");
}
