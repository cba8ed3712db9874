// SPDX-License-Identifier: GPL-2.0
/*
 * http_parser_kunit.c - KUnit suite of the HTTP parser and router, run in
 * the kernel (UML with KASAN, lockdep and UBSAN) from the module's sources.
 */
#include <kunit/test.h>

#include "http/proto/parser.h"
#include "http/proto/target.h"
#include "http/resource.h"

/* Feed @req in pieces of @step bytes; return the result of the last call. */
static enum http_result feed(const char *req, size_t step,
			     struct http_parser *p, struct http_request *out)
{
	struct http_limits lim = HTTP_LIMITS_DEFAULT;
	size_t len = strlen(req), have = 0;
	enum http_result r = HTTP_NEED_MORE;

	http_parser_init(p, &lim);
	while (r == HTTP_NEED_MORE && have < len) {
		have = min(have + step, len);
		r = http_parse_head(p, req, have, out);
	}
	return r;
}

static void parser_whole_and_split_agree(struct kunit *test)
{
	static const char req[] =
		"GET /fib/42?base=16 HTTP/1.1\r\nHost: example\r\n"
		"Connection: keep-alive\r\nIf-None-Match: \"x\"\r\n\r\n";
	struct http_request whole, split;
	struct http_parser p;
	size_t step;

	KUNIT_ASSERT_EQ(test, feed(req, sizeof(req), &p, &whole),
			HTTP_HEAD_COMPLETE);
	KUNIT_EXPECT_EQ(test, whole.method, HTTP_METHOD_GET);
	KUNIT_EXPECT_EQ(test, whole.version, 1);
	KUNIT_EXPECT_TRUE(test, whole.keep_alive);
	KUNIT_EXPECT_TRUE(test, whole.has_if_none_match);
	KUNIT_EXPECT_EQ(test, whole.head_len, (u32)strlen(req));
	for (step = 1; step < 8; step++) {
		KUNIT_ASSERT_EQ(test, feed(req, step, &p, &split),
				HTTP_HEAD_COMPLETE);
		KUNIT_EXPECT_EQ(test, memcmp(&whole.target, &split.target,
					     sizeof(whole.target)), 0);
		KUNIT_EXPECT_EQ(test, whole.head_len, split.head_len);
	}
}

static void parser_error_statuses(struct kunit *test)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
		{ "GET / HTTP/1.1\r\n\r\n", 400 },		/* no Host */
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
		  "Transfer-Encoding: chunked\r\n\r\n", 400 },
		/* chunked not final: RFC 9112 6.3 says 400 */
		{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n"
		  "Transfer-Encoding: gzip, chunked\r\n\r\n", 501 },
		{ "BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 501 },
		{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
	};
	struct http_request req;
	struct http_parser p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		KUNIT_EXPECT_EQ_MSG(test, feed(cases[i].req, 1, &p, &req),
				    HTTP_ERROR, "%s", cases[i].req);
		KUNIT_EXPECT_EQ_MSG(test, http_parser_error(&p, NULL),
				    cases[i].status, "%s", cases[i].req);
	}
}

static void parser_request_line_limit(struct kunit *test)
{
	struct http_limits lim = HTTP_LIMITS_DEFAULT;
	struct http_request req;
	struct http_parser p;
	size_t size = lim.max_request_line + 64;
	char *buf = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', size - 5);
	http_parser_init(&p, &lim);
	KUNIT_EXPECT_EQ(test, http_parse_head(&p, buf, size, &req), HTTP_ERROR);
	KUNIT_EXPECT_EQ(test, http_parser_error(&p, NULL), 414);
}

/*
 * A chunked body of @len bytes: one-byte chunks with 1000-byte size lines
 * ("1;eee..."), then a last chunk padded with an extension.
 */
static void padded_chunks(char *buf, size_t len)
{
	size_t n = 0, m;

	while (len - n >= 1005 + 7) {
		memcpy(buf + n, "1;", 2);
		memset(buf + n + 2, 'e', 998);
		memcpy(buf + n + 1000, "\r\nx\r\n", 5);
		n += 1005;
	}
	m = len - n - 6;
	memcpy(buf + n, "0;", 2);
	memset(buf + n + 2, 'e', m);
	memcpy(buf + n + 2 + m, "\r\n\r\n", 4);
}

/* Every byte of a chunked body counts: W bytes pass, byte W + 1 is 413. */
static void parser_chunked_wire_bound(struct kunit *test)
{
	static const char head[] = "POST / HTTP/1.1\r\nHost: a\r\n"
				   "Transfer-Encoding: chunked\r\n\r\n";
	struct http_limits lim = HTTP_LIMITS_DEFAULT;
	struct http_request req;
	struct http_parser p;
	size_t w, used;
	char *buf;

	lim.max_body = 4096;
	w = http_chunked_wire_max(&lim);
	KUNIT_ASSERT_EQ(test, w, (size_t)(2 * 4096 + 2 * 1024 + 4096 + 8));
	buf = kunit_kzalloc(test, w + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	padded_chunks(buf, w);
	http_parser_init(&p, &lim);
	KUNIT_ASSERT_EQ(test, http_parse_head(&p, head, sizeof(head) - 1, &req),
			HTTP_HEAD_COMPLETE);
	KUNIT_EXPECT_EQ(test, http_skip_body(&p, buf, w, &used),
			HTTP_BODY_DONE);
	KUNIT_EXPECT_EQ(test, used, w);

	padded_chunks(buf, w + 1);
	http_parser_init(&p, &lim);
	KUNIT_ASSERT_EQ(test, http_parse_head(&p, head, sizeof(head) - 1, &req),
			HTTP_HEAD_COMPLETE);
	KUNIT_EXPECT_EQ(test, http_skip_body(&p, buf, w + 1, &used),
			HTTP_ERROR);
	KUNIT_EXPECT_EQ(test, used, w + 1);
	KUNIT_EXPECT_EQ(test, http_parser_error(&p, NULL), 413);
}

static void route_fib_bounds(struct kunit *test)
{
	struct khttpd_route r;
	const char *why;

	KUNIT_EXPECT_EQ(test, khttpd_route("/fib/2147483647", 15, &r, &why), 0);
	KUNIT_EXPECT_EQ(test, r.kind, KHTTPD_ROUTE_FIB);
	KUNIT_EXPECT_EQ(test, r.n, 2147483647u);
	KUNIT_EXPECT_EQ(test, khttpd_route("/fib/2147483648", 15, &r, &why), 400);
	KUNIT_EXPECT_EQ(test, khttpd_route("/fib/1?base=16", 14, &r, &why), 0);
	KUNIT_EXPECT_EQ(test, r.base, 16u);
	KUNIT_EXPECT_EQ(test, khttpd_route("/nope", 5, &r, &why), 0);
	KUNIT_EXPECT_EQ(test, r.kind, KHTTPD_ROUTE_NOT_FOUND);
}

static struct kunit_case parser_cases[] = {
	KUNIT_CASE(parser_whole_and_split_agree),
	KUNIT_CASE(parser_error_statuses),
	KUNIT_CASE(parser_request_line_limit),
	KUNIT_CASE(parser_chunked_wire_bound),
	KUNIT_CASE(route_fib_bounds),
	{}
};

static struct kunit_suite parser_suite = {
	.name = "khttpd-http-parser",
	.test_cases = parser_cases,
};

kunit_test_suite(parser_suite);
