// SPDX-License-Identifier: GPL-2.0
/*
 * http_kunit.c - KUnit suite of khttpd's response formatting and router,
 * running the module's own sources in the kernel (UML, KASAN, lockdep).
 */
#include <kunit/test.h>

#include "response.h"
#include "route.h"

static void http_date_known_values(struct kunit *test)
{
	char buf[HTTP_DATE_LEN + 1];

	KUNIT_EXPECT_EQ(test, http_format_date(buf, sizeof(buf), 784111777),
			HTTP_DATE_LEN);
	KUNIT_EXPECT_STREQ(test, buf, "Sun, 06 Nov 1994 08:49:37 GMT");
	KUNIT_EXPECT_EQ(test, http_format_date(buf, sizeof(buf), 951782400),
			HTTP_DATE_LEN);
	KUNIT_EXPECT_STREQ(test, buf, "Tue, 29 Feb 2000 00:00:00 GMT");
	KUNIT_EXPECT_EQ(test, http_format_date(buf, HTTP_DATE_LEN, 0), -EINVAL);
}

static void http_head_exact_size(struct kunit *test)
{
	struct http_response_head h = {
		.status = 404,
		.content_type = "text/plain",
		.content_length = 10,
		.close = true,
	};
	char buf[256];
	int n = http_format_head(buf, sizeof(buf), &h, 0);

	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, http_format_head(buf, n + 1, &h, 0), n);
	KUNIT_EXPECT_EQ(test, http_format_head(buf, n, &h, 0), -ENOSPC);
	buf[n] = '\0';
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "HTTP/1.1 404 Not Found\r\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "Content-Length: 10\r\n"));
}

static void http_fib_u64_values(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fib_u64(0), 0ULL);
	KUNIT_EXPECT_EQ(test, fib_u64(1), 1ULL);
	KUNIT_EXPECT_EQ(test, fib_u64(50), 12586269025ULL);
	KUNIT_EXPECT_EQ(test, fib_u64(93), 12200160415121876738ULL);
	KUNIT_EXPECT_EQ(test, fib_u64(94), 0ULL);
}

static void http_answer_statuses(struct kunit *test)
{
	static const struct {
		const char *req;
		const char *status_line;
	} cases[] = {
		{ "GET /fib/10 HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n" },
		{ "GET /fib/x HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n" },
		{ "GET /x HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n" },
		{ "PUT /x HTTP/1.1\r\n\r\n",
		  "HTTP/1.1 405 Method Not Allowed\r\n" },
		{ "GET / HTTP/3.0\r\n\r\n",
		  "HTTP/1.1 505 HTTP Version Not Supported\r\n" },
	};
	char *out = kunit_kzalloc(test, 1024, GFP_KERNEL);
	size_t i;
	int n;

	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = http_answer(cases[i].req, strlen(cases[i].req), out, 1023,
				0);
		KUNIT_ASSERT_GT(test, n, 0);
		out[n] = '\0';
		KUNIT_EXPECT_EQ_MSG(test, strncmp(out, cases[i].status_line,
						  strlen(cases[i].status_line)),
				    0, "request %s", cases[i].req);
	}
	n = http_answer("GET /fib/10 HTTP/1.1\r\n\r\n", 24, out, 1023, 0);
	KUNIT_ASSERT_GT(test, n, 2);
	KUNIT_EXPECT_EQ(test, memcmp(out + n - 6, "\r\n\r\n55", 6), 0);
}

static struct kunit_case http_cases[] = {
	KUNIT_CASE(http_date_known_values),
	KUNIT_CASE(http_head_exact_size),
	KUNIT_CASE(http_fib_u64_values),
	KUNIT_CASE(http_answer_statuses),
	{}
};

static struct kunit_suite http_suite = {
	.name = "khttpd-http",
	.test_cases = http_cases,
};

kunit_test_suite(http_suite);

MODULE_LICENSE("GPL");
