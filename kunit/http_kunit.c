// SPDX-License-Identifier: GPL-2.0
/*
 * http_kunit.c - KUnit suite of khttpd's response formatting,
 * running the module's own sources in the kernel (UML, KASAN, lockdep).
 */
#include <kunit/test.h>

#include "http/proto/response.h"

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
	KUNIT_EXPECT_EQ(test, http_format_head(buf, n, &h, 0), n);
	KUNIT_EXPECT_EQ(test, http_format_head(buf, n - 1, &h, 0), -ENOSPC);
	buf[n] = '\0';
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "HTTP/1.1 404 Not Found\r\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "Content-Length: 10\r\n"));
}

static void http_head_keep_alive(struct kunit *test)
{
	struct http_response_head h = {
		.status = 200,
		.content_length = 2,
		.keep_alive = true,
	};
	char buf[256];
	int n = http_format_head(buf, sizeof(buf) - 1, &h, 0);

	KUNIT_ASSERT_GT(test, n, 0);
	buf[n] = '\0';
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "Connection: keep-alive\r\n"));
	h.close = true;
	KUNIT_EXPECT_EQ(test, http_format_head(buf, sizeof(buf), &h, 0),
			-EINVAL);
}

static struct kunit_case http_cases[] = {
	KUNIT_CASE(http_date_known_values),
	KUNIT_CASE(http_head_exact_size),
	KUNIT_CASE(http_head_keep_alive),
	{}
};

static struct kunit_suite http_suite = {
	.name = "khttpd-http",
	.test_cases = http_cases,
};

kunit_test_suite(http_suite);

MODULE_LICENSE("GPL");
