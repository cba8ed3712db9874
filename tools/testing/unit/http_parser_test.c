// SPDX-License-Identifier: GPL-2.0
/*
 * http_parser_test.c - user-space tests of http/parser.c.
 *
 * Every input is played whole, byte by byte and in 3-byte heap copies (see
 * http_drive.h), and the three runs must agree; framing tests also try
 * every cut point.
 */
#include "tools/testing/unit/ktest.h"
#include "tools/testing/unit/http_drive.h"
#include "http/proto/conditional.h"

#ifndef ARRAY_SIZE
#endif

static const struct http_limits deflim = HTTP_LIMITS_DEFAULT;

#define REQ(line, fields) line "\r\nHost: h\r\n" fields "\r\n"

/* Run @in whole, byte by byte and in copied 3-byte steps; all must agree. */
static void run3(const char *in, size_t len, const struct http_limits *lim,
		 struct hd_result *res)
{
	static struct hd_result other;
	struct hd_split whole = { 0 };
	struct hd_split bytes = { .step = 1 };
	struct hd_split threes = { .step = 3, .copy = true };

	hd_run(in, len, lim, &whole, res);
	hd_run(in, len, lim, &bytes, &other);
	KT_EXPECT(hd_equal(res, &other), "byte-wise run differs: %.60s", in);
	hd_run(in, len, lim, &threes, &other);
	KT_EXPECT(hd_equal(res, &other), "3-byte run differs: %.60s", in);
	KT_EXPECT(res->max_pending < http_head_buffer_size(lim));
}

/* Also every single cut point and, for short inputs, every pair. */
static void run_splits(const char *in, size_t len,
		       const struct http_limits *lim, struct hd_result *res)
{
	static struct hd_result other;
	struct hd_split sp = { .copy = true };
	size_t cuts[2];

	run3(in, len, lim, res);
	sp.cuts = cuts;
	for (cuts[0] = 1; cuts[0] < len; cuts[0]++) {
		sp.ncuts = 1;
		hd_run(in, len, lim, &sp, &other);
		KT_EXPECT(hd_equal(res, &other), "cut at %zu differs", cuts[0]);
		if (len > 200)
			continue;
		sp.ncuts = 2;
		for (cuts[1] = cuts[0] + 1; cuts[1] < len; cuts[1]++) {
			hd_run(in, len, lim, &sp, &other);
			KT_EXPECT(hd_equal(res, &other), "cuts at %zu, %zu differ",
				  cuts[0], cuts[1]);
		}
	}
}

/* The final error status of a run (0 if none). */
static int final_status(const struct hd_result *res)
{
	if (!res->stopped || !res->n)
		return 0;
	return res->ev[res->n - 1].status;
}

static int status_len(const char *in, size_t len,
		      const struct http_limits *lim)
{
	static struct hd_result res;

	run3(in, len, lim, &res);
	return final_status(&res);
}

static int status_of(const char *in)
{
	return status_len(in, strlen(in), &deflim);
}

/* The first request of @in, which must parse. */
static bool first_request(const char *in, struct http_request *req)
{
	static struct hd_result res;

	run3(in, strlen(in), &deflim, &res);
	if (!res.n || res.ev[0].kind != HD_HEAD)
		return false;
	*req = res.ev[0].req;
	return true;
}

static bool span_is(const char *buf, struct http_span s, const char *str)
{
	return s.len == strlen(str) && !memcmp(buf + s.off, str, s.len);
}

#define EXPECT_STATUS(in, st) \
	KT_EXPECT(status_of(in) == (st), "%s -> %d", in, status_of(in))

static void test_simple_get(void)
{
	const char *in = "GET /fib/10 HTTP/1.1\r\nHost: example.org\r\n"
			 "User-Agent: t\r\n\r\n";
	struct http_request r;

	KT_ASSERT(first_request(in, &r));
	KT_EXPECT(r.method == HTTP_METHOD_GET);
	KT_EXPECT(r.version == 1);
	KT_EXPECT(r.form == HTTP_FORM_ORIGIN);
	KT_EXPECT(span_is(in, r.target, "/fib/10"));
	KT_EXPECT(r.has_host && span_is(in, r.host, "example.org"));
	KT_EXPECT(r.keep_alive);
	KT_EXPECT(r.body == HTTP_BODY_NONE);
	KT_EXPECT(r.head_len == strlen(in));
	KT_EXPECT(r.header_count == 2);
	KT_EXPECT(!r.has_if_none_match);
	KT_EXPECT(!strcmp(http_method_name(r.method), "GET"));
}

static void test_methods(void)
{
	static const char *const names[] = {
		"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE",
		"PATCH",
	};
	char in[128];
	struct http_request r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(in, sizeof(in), "%s / HTTP/1.1\r\nHost: h\r\n\r\n",
			 names[i]);
		KT_ASSERT(first_request(in, &r), "%s", names[i]);
		KT_EXPECT(!strcmp(http_method_name(r.method), names[i]));
	}
	KT_ASSERT(first_request("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n",
				&r));
	KT_EXPECT(r.method == HTTP_METHOD_CONNECT &&
		  r.form == HTTP_FORM_AUTHORITY);
	KT_ASSERT(first_request("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", &r));
	KT_EXPECT(r.form == HTTP_FORM_ASTERISK);
	EXPECT_STATUS("FOO / HTTP/1.1\r\nHost: h\r\n\r\n", 501);
	EXPECT_STATUS("get / HTTP/1.1\r\nHost: h\r\n\r\n", 501);
	EXPECT_STATUS("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS(" GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("CONNECT /x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("CONNECT h HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET h:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	KT_EXPECT(!strcmp(http_method_name(HTTP_METHOD_NONE), ""));
	KT_EXPECT(!strcmp(http_method_name((enum http_method)99), ""));
}

static void test_versions(void)
{
	struct http_request r;

	KT_ASSERT(first_request("GET / HTTP/1.0\r\n\r\n", &r));
	KT_EXPECT(r.version == 0 && !r.keep_alive && !r.has_host);
	EXPECT_STATUS("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505);
	EXPECT_STATUS("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505);
	EXPECT_STATUS("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505);
	EXPECT_STATUS("GET / HTTP/9.9\r\nHost: h\r\n\r\n", 505);
	EXPECT_STATUS("GET / HTTP/x\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.x\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET / http/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/2\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET /\r\n\r\n", 400);
	EXPECT_STATUS("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET /  HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET /a\"b HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET /%00 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("\r\n", 0);
	EXPECT_STATUS("", 0);
}

static void test_keep_alive(void)
{
	struct http_request r;

	KT_ASSERT(first_request("GET / HTTP/1.1\r\nHost: h\r\n\r\n", &r));
	KT_EXPECT(r.keep_alive);
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1", "Connection: close\r\n"),
				&r));
	KT_EXPECT(!r.keep_alive);
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1",
				    "Connection: Upgrade, CLOSE\r\n"), &r));
	KT_EXPECT(!r.keep_alive);
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1",
				    "Connection: keep-alive\r\n"
				    "Connection: close\r\n"), &r));
	KT_EXPECT(!r.keep_alive);
	KT_ASSERT(first_request(REQ("POST / HTTP/1.1", "Content-Length: 1\r\n"
				    "Expect: 100-Continue\r\n"), &r));
	KT_EXPECT(r.expect_continue && r.keep_alive);
	KT_ASSERT(first_request("GET / HTTP/1.0\r\n\r\n", &r));
	KT_EXPECT(!r.expect_continue);
	KT_ASSERT(first_request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
				&r));
	KT_EXPECT(r.keep_alive);
	KT_ASSERT(first_request("GET / HTTP/1.0\r\n"
				"Connection: keep-alive, close\r\n\r\n", &r));
	KT_EXPECT(!r.keep_alive);
	KT_ASSERT(first_request("GET / HTTP/1.0\r\nConnection: ,, te ,\r\n"
				"Connection: keep-alive\r\n\r\n", &r));
	KT_EXPECT(r.keep_alive);
	KT_ASSERT(first_request("GET / HTTP/1.0\r\nConnection: closed\r\n\r\n",
				&r));
	KT_EXPECT(!r.keep_alive);
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1", "connection:close\r\n"),
				&r));
	KT_EXPECT(!r.keep_alive);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Connection: a b\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Connection: \"close\"\r\n"), 400);
}

static void test_host(void)
{
	const char *abs = "GET http://example.com:8080/fib/1?base=16 HTTP/1.1\r\n"
			  "Host: other\r\n\r\n";
	struct http_request r;

	KT_ASSERT(first_request(abs, &r));
	KT_EXPECT(r.form == HTTP_FORM_ABSOLUTE);
	KT_EXPECT(span_is(abs, r.host, "example.com:8080"));
	KT_EXPECT(span_is(abs, r.target, "http://example.com:8080/fib/1?base=16"));
	KT_ASSERT(first_request("GET / HTTP/1.1\r\nHost:   a.b:80 \t\r\n\r\n",
				&r));
	KT_EXPECT(r.host.len == 6);
	KT_ASSERT(first_request("GET / HTTP/1.1\r\nHost:\r\n\r\n", &r));
	KT_EXPECT(r.has_host && r.host.len == 0);
	KT_ASSERT(first_request("GET / HTTP/1.1\r\nHost: [::1]:8081\r\n\r\n", &r));
	EXPECT_STATUS("GET / HTTP/1.1\r\n\r\n", 400);
	EXPECT_STATUS("GET http://h/ HTTP/1.1\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: a:b\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: u@h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: h/x\r\n\r\n", 400);
	EXPECT_STATUS("GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET ftp://h/x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

static void test_field_syntax(void)
{
	static const char nul_value[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
	static const char nul_line[] = "GET /\0 HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char nul_name[] = "GET / HTTP/1.1\r\nHost: h\r\nX\0: a\r\n\r\n";
	struct http_request r;

	KT_EXPECT(status_len(nul_value, sizeof(nul_value) - 1, &deflim) == 400);
	KT_EXPECT(status_len(nul_line, sizeof(nul_line) - 1, &deflim) == 400);
	KT_EXPECT(status_len(nul_name, sizeof(nul_name) - 1, &deflim) == 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "X: a\rb\r\n"), 400);
	EXPECT_STATUS("GET / HTTP/1.1\rHost: h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\nHost: h\n\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: h\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost: h\r\n\n", 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "X: a\r\n b\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "X: a\r\n\tb\r\n"), 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400);
	EXPECT_STATUS("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", ": a\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "X a\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "X(y): a\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "X: a\x7f\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "X: a\x01\r\n"), 400);
	KT_EXPECT(first_request(REQ("GET / HTTP/1.1", "X: \xff\xfe \t v\r\n"
				    "Y:\r\nZ:\t\r\n"), &r));
	KT_EXPECT(r.header_count == 4);
}

static void test_leading_empty_lines(void)
{
	struct http_request r;
	char in[256];
	int i;

	KT_ASSERT(first_request("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", &r));
	KT_EXPECT(r.head_len == 31);
	KT_EXPECT(r.target.off == 8);
	for (i = 7; i <= 9; i++) {
		memset(in, 0, sizeof(in));
		memset(in, '\r', 2 * i);
		for (int j = 0; j < i; j++)
			in[2 * j + 1] = '\n';
		strcat(in, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
		KT_EXPECT(status_of(in) == (i <= 8 ? 0 : 400), "%d lines", i);
	}
	EXPECT_STATUS("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
	EXPECT_STATUS("\r\rGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
}

static void test_content_length(void)
{
	const char *in = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"
			 "helloGET / HTTP/1.1\r\nHost: h\r\n\r\n";
	static struct hd_result res;
	struct http_request r;

	run_splits(in, strlen(in), &deflim, &res);
	KT_ASSERT(res.n == 4 && !res.stopped);
	KT_EXPECT(res.ev[0].req.body == HTTP_BODY_LENGTH);
	KT_EXPECT(res.ev[0].req.content_length == 5);
	KT_EXPECT(res.ev[1].kind == HD_BODY_DONE);
	KT_EXPECT(res.ev[2].kind == HD_HEAD &&
		  res.ev[2].at == (size_t)(strstr(in, "GET") - in));
	KT_EXPECT(res.consumed == strlen(in));
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1", "Content-Length: 0\r\n"),
				&r));
	KT_EXPECT(r.body == HTTP_BODY_LENGTH && r.content_length == 0);
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1",
				    "Content-Length:  007 \r\n"), &r));
	KT_EXPECT(r.content_length == 7);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Content-Length: abc\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Content-Length: -1\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Content-Length: +1\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Content-Length: 1 2\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Content-Length: 0x10\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Content-Length:\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Content-Length: 1,1\r\n"), 400);
	EXPECT_STATUS(REQ("GET / HTTP/1.1", "Content-Length: 99999999999999999999999999\r\n"),
		      413);
}

/* Request smuggling: ambiguous framing is refused, the rest never parsed. */
static void test_smuggling(void)
{
	static struct hd_result res;
	const char *in;

	in = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
	     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n"
	     "Host: h\r\n\r\n";
	run_splits(in, strlen(in), &deflim, &res);
	KT_EXPECT(res.n == 1 && res.stopped && res.ev[0].status == 400);
	in = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
	     "Content-Length: 5\r\n\r\n0\r\n\r\n";
	run_splits(in, strlen(in), &deflim, &res);
	KT_EXPECT(res.n == 1 && res.ev[0].status == 400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Content-Length: 5\r\n"
			  "Content-Length: 6\r\n"), 400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Content-Length: 5\r\n"
			  "Content-Length: 5\r\n"), 400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Content-Length: 5, 5\r\n"), 400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Content-Length : 5\r\n"), 400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding : chunked\r\n"),
		      400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "X: y\r\n Transfer-Encoding: chunked\r\n"),
		      400);
	EXPECT_STATUS("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
		      "0\r\n\r\n", 400);
}

static void test_transfer_encoding(void)
{
	struct http_request r;

	KT_ASSERT(first_request(REQ("POST / HTTP/1.1",
				    "Transfer-Encoding: chunked\r\n"), &r));
	KT_EXPECT(r.body == HTTP_BODY_CHUNKED);
	KT_ASSERT(first_request(REQ("POST / HTTP/1.1",
				    "Transfer-Encoding: Chunked\r\n"), &r));
	KT_EXPECT(r.body == HTTP_BODY_CHUNKED);
	KT_ASSERT(first_request(REQ("POST / HTTP/1.1",
				    "Transfer-Encoding: , CHUNKED ,\r\n"), &r));
	KT_EXPECT(r.body == HTTP_BODY_CHUNKED);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: gzip, chunked\r\n"),
		      501);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: gzip\r\n"
			  "Transfer-Encoding: chunked\r\n"), 501);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: gzip\r\n"), 400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: chunked, identity\r\n"),
		      400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: chunked, gzip\r\n"),
		      400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: chunked, chunked\r\n"),
		      400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: chunked\r\n"
			  "Transfer-Encoding: chunked\r\n"), 400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: chunked;a=b\r\n"),
		      400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: gzip;q=1, chunked\r\n"),
		      501);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding:\r\n"), 400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: chunked x\r\n"),
		      400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: \"chunked\"\r\n"),
		      400);
	EXPECT_STATUS(REQ("POST / HTTP/1.1", "Transfer-Encoding: xchunked\r\n"),
		      400);
}

static void test_chunked_body(void)
{
	const char *in = "POST / HTTP/1.1\r\nHost: h\r\n"
			 "Transfer-Encoding: chunked\r\n\r\n"
			 "5\r\nhello\r\n"
			 "1A;name=val;q=\"a\\\"b\" ; x\r\n"
			 "abcdefghijklmnopqrstuvwxyz\r\n"
			 "3;a ;b = c;d\t=\t\"\";e\r\nxyz\r\n"
			 "0\r\nX-T: 1\r\n\r\n"
			 "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	static struct hd_result res;

	run_splits(in, strlen(in), &deflim, &res);
	KT_ASSERT(res.n == 4 && !res.stopped, "n=%zu", res.n);
	KT_EXPECT(res.ev[1].kind == HD_BODY_DONE);
	KT_EXPECT(res.ev[2].kind == HD_HEAD &&
		  res.ev[2].at == strlen(in) - 27);
	KT_EXPECT(res.consumed == strlen(in));
}

static const char *const bad_chunked[] = {
	"x\r\n\r\n",
	"\r\n",
	"-1\r\n",
	"0x5\r\nhello\r\n0\r\n\r\n",
	"5 \r\nhello\r\n0\r\n\r\n",
	" 5\r\nhello\r\n0\r\n\r\n",
	"5\nhello\r\n0\r\n\r\n",
	"5\rhello\r\n0\r\n\r\n",
	"5\r\nhelloX\r\n0\r\n\r\n",
	"5\r\nhello\n0\r\n\r\n",
	"5\r\nhello\r\n0\r\n\n",
	"5;\r\nhello\r\n0\r\n\r\n",
	"5;a=\r\nhello\r\n0\r\n\r\n",
	"5;a =\r\nhello\r\n0\r\n\r\n",
	"5;a=\"b\r\nhello\r\n0\r\n\r\n",
	"5;a\x01\r\nhello\r\n0\r\n\r\n",
	"0\r\n X: y\r\n\r\n",
	"0\r\nX : y\r\n\r\n",
	"0\r\nX: y\0\r\n\r\n",
	"0\r\nX y\r\n\r\n",
	"0\r\nX: y\n\r\n",
	"0\r\n\r\r",
	";a\r\n\r\n",
	"5\r\nhello\r\r\n0\r\n\r\n",
	"5;a b\r\nhello\r\n0\r\n\r\n",
	"5;a \r\nhello\r\n0\r\n\r\n",
	" ;a\r\n\r\n",
	"\r\n0\r\n\r\n",
};

static void test_chunked_errors(void)
{
	static const char head[] = "POST / HTTP/1.1\r\nHost: h\r\n"
				   "Transfer-Encoding: chunked\r\n\r\n";
	char in[256];
	size_t i, hl = sizeof(head) - 1, bl;

	for (i = 0; i < ARRAY_SIZE(bad_chunked); i++) {
		bl = strlen(bad_chunked[i]);
		if (i == 18)	/* the NUL one */
			bl = 12;
		memcpy(in, head, hl);
		memcpy(in + hl, bad_chunked[i], bl);
		memcpy(in + hl + bl, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 28);
		KT_EXPECT(status_len(in, hl + bl + 27, &deflim) == 400,
			  "case %zu", i);
	}
}

static void test_pipelined(void)
{
	const char *in =
		"GET /fib/1 HTTP/1.1\r\nHost: a\r\n\r\n"
		"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"
		"hello\r\n"
		"GET /fib/2 HTTP/1.1\r\nHost: a\r\n"
		"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
		"HEAD /fib/3 HTTP/1.0\r\nIf-None-Match: \"x\"\r\n\r\n"
		"GET /stats HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
		"GET /fib/";
	static struct hd_result res;
	const struct http_request *r;

	run_splits(in, strlen(in), &deflim, &res);
	KT_ASSERT(res.n == 10 && !res.stopped, "n=%zu", res.n);
	r = &res.ev[6].req;
	KT_EXPECT(r->method == HTTP_METHOD_HEAD && r->has_if_none_match);
	KT_EXPECT(span_is(in, r->if_none_match, "\"x\""));
	KT_EXPECT(span_is(in, res.ev[4].req.target, "/fib/2"));
	KT_EXPECT(!res.ev[8].req.keep_alive);
	KT_EXPECT(res.consumed == strlen(in) - 9);
}

/* Many requests in one buffer: more than the recorder keeps. */
static void test_many_pipelined(void)
{
	static char in[100 * 40];
	static struct hd_result res;
	size_t len = 0;
	int i;

	for (i = 0; i < 100; i++)
		len += sprintf(in + len, "GET /fib/%d HTTP/1.1\r\nHost: h\r\n\r\n",
			       i);
	run3(in, len, &deflim, &res);
	KT_EXPECT(res.total == 200 && !res.stopped);
	KT_EXPECT(res.consumed == len);
}

static void test_if_none_match(void)
{
	struct http_request r;
	const char *in = REQ("GET / HTTP/1.1", "If-None-Match:  W/\"a\", \"b\" \r\n");

	KT_ASSERT(first_request(in, &r));
	KT_EXPECT(r.has_if_none_match);
	KT_EXPECT(span_is(in, r.if_none_match, "W/\"a\", \"b\""));
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1", "If-None-Match: \"a\"\r\n"
				    "If-None-Match: \"b\"\r\n"), &r));
	KT_EXPECT(!r.has_if_none_match && r.if_none_match.len == 0);
}

static void test_accept_encoding(void)
{
	struct http_request r;
	const char *in = REQ("GET / HTTP/1.1", "aCCept-encoding:\t gzip;q=0.5 , br \r\n");

	KT_ASSERT(first_request(in, &r));
	KT_EXPECT(r.has_accept_encoding);
	KT_EXPECT(span_is(in, r.accept_encoding, "gzip;q=0.5 , br"));
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1", "Accept-Encoding:\r\n"), &r));
	KT_EXPECT(r.has_accept_encoding && r.accept_encoding.len == 0);
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1", "Accept-Encoding: gzip\r\n"
				    "Accept-Encoding: identity;q=0\r\n"), &r));
	KT_EXPECT(!r.has_accept_encoding && r.accept_encoding.len == 0);
	KT_ASSERT(first_request(REQ("GET / HTTP/1.1", ""), &r));
	KT_EXPECT(!r.has_accept_encoding);
}

static void test_range_and_conditionals(void)
{
	struct http_request r;
	const char *in = REQ("GET /f HTTP/1.1",
			     "Range: bytes=0-9 \r\n"
			     "If-Range: \"e\"\r\n"
			     "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n");

	KT_ASSERT(first_request(in, &r));
	KT_EXPECT(r.has_range && span_is(in, r.range, "bytes=0-9"));
	KT_EXPECT(r.has_if_range && span_is(in, r.if_range, "\"e\""));
	KT_EXPECT(r.has_if_modified_since &&
		  span_is(in, r.if_modified_since,
			  "Sun, 06 Nov 1994 08:49:37 GMT"));
	/* Twice: ignored, the request is served whole and unconditionally. */
	KT_ASSERT(first_request(REQ("GET /f HTTP/1.1", "Range: bytes=0-1\r\n"
				    "range: bytes=2-3\r\n"
				    "If-Modified-Since: x\r\n"
				    "If-Modified-Since: y\r\n"), &r));
	KT_EXPECT(!r.has_range && r.range.len == 0);
	KT_EXPECT(!r.has_if_modified_since && !r.has_if_range);
}

static bool etag(const char *list, const char *tag)
{
	return http_etag_match(list, strlen(list), tag, strlen(tag));
}

static void test_etag_match(void)
{
	KT_EXPECT(etag("\"a\"", "\"a\""));
	KT_EXPECT(etag("W/\"a\"", "\"a\""));
	KT_EXPECT(etag("\"a\"", "W/\"a\""));
	KT_EXPECT(etag(" \"x\" , W/\"a\" ,", "\"a\""));
	KT_EXPECT(etag("*", "\"a\""));
	KT_EXPECT(etag(" * ", "\"a\""));
	KT_EXPECT(etag("\"\"", "\"\""));
	KT_EXPECT(!etag("\"b\"", "\"a\""));
	KT_EXPECT(!etag("\"ab\"", "\"a\""));
	KT_EXPECT(!etag("", "\"a\""));
	KT_EXPECT(!etag("a", "\"a\""));
	KT_EXPECT(!etag("\"a", "\"a\""));
	KT_EXPECT(!etag("\"a\" \"b\"", "\"a\""));
	KT_EXPECT(!etag("\"a\", junk", "\"a\""));
	KT_EXPECT(!etag("*, \"a\"", "\"a\""));
	KT_EXPECT(!etag("w/\"a\"", "\"a\""));
	KT_EXPECT(!etag("\"a b\"", "\"a b\""));
	KT_EXPECT(!etag("\"a\"", "a"));
	KT_EXPECT(!etag("\"a\"", "\"a\"x"));
}

/* A head whose request line has exactly @n bytes without CRLF. */
static size_t line_of(char *buf, size_t n, const char *fields)
{
	size_t len;

	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', n - 14);
	memcpy(buf + n - 9, " HTTP/1.1\r\n", 11);
	len = n + 2;
	len += sprintf(buf + len, "%s\r\n", fields);
	return len;
}

static void test_limit_request_line(void)
{
	static char buf[20000];
	struct http_limits lim = deflim;
	size_t len;

	len = line_of(buf, 8191, "Host: h\r\n");
	KT_EXPECT(status_len(buf, len, &lim) == 0);
	len = line_of(buf, 8192, "Host: h\r\n");
	KT_EXPECT(status_len(buf, len, &lim) == 0);
	len = line_of(buf, 8193, "Host: h\r\n");
	KT_EXPECT(status_len(buf, len, &lim) == 414);
	/* Incomplete: exactly the limit plus a pending CR is still fine. */
	KT_EXPECT(status_len(buf, 8192, &lim) == 0);
	line_of(buf, 8192, "");
	KT_EXPECT(status_len(buf, 8193, &lim) == 0);
	KT_EXPECT(status_len(buf, 8194, &lim) == 0);
	/* Garbage with no method is 400, not 414. */
	memset(buf, 'A', 8193);
	KT_EXPECT(status_len(buf, 8193, &lim) == 400);
	KT_EXPECT(status_len(buf, 8192, &lim) == 0);
	lim.max_request_line = 16;
	KT_EXPECT(status_len("GET / HTTP/1.1\r\nHost: h\r\n\r\n", 27, &lim) == 0);
	lim.max_request_line = 13;
	KT_EXPECT(status_len("GET / HTTP/1.1\r\nHost: h\r\n\r\n", 27, &lim) == 414);
	lim.max_request_line = 14;
	KT_EXPECT(status_len("GET / HTTP/1.1\r\nHost: h\r\n\r\n", 27, &lim) == 0);
	KT_EXPECT(status_len("GET / HTTP/1.1\n", 15, &lim) == 400);
	lim.max_request_line = 13;
	KT_EXPECT(status_len("GET / HTTP/1.1\n", 15, &lim) == 414);
}

/* A head whose header section (after the request line) has @n bytes. */
static size_t section_of(char *buf, size_t n)
{
	size_t len = sprintf(buf, "GET / HTTP/1.1\r\nHost: h\r\nX: ");

	memset(buf + len, 'v', n - 16);
	len += n - 16;
	memcpy(buf + len, "\r\n\r\n", 4);
	return len + 4;
}

static void test_limit_header_bytes(void)
{
	static char buf[40000];
	struct http_limits lim = deflim;
	static struct hd_result res;
	struct hd_split whole = { 0 };
	size_t len;

	KT_EXPECT(status_len(buf, section_of(buf, 16383), &lim) == 0);
	KT_EXPECT(status_len(buf, section_of(buf, 16384), &lim) == 0);
	KT_EXPECT(status_len(buf, section_of(buf, 16385), &lim) == 431);
	/* Incomplete: 16384 bytes without the end is still pending. */
	len = section_of(buf, 16386);
	KT_EXPECT(status_len(buf, 16 + 16384, &lim) == 0);
	KT_EXPECT(status_len(buf, 16 + 16385, &lim) == 431);
	/* The largest pending head still fits http_head_buffer_size(). */
	memset(buf, 0, sizeof(buf));
	for (len = 0; len < 16; len += 2)
		memcpy(buf + len, "\r\n", 2);
	len += line_of(buf + len, 8192, "") - 2;
	memset(buf + len, 'x', 16384);
	hd_run(buf, len + 16384, &lim, &whole, &res);
	KT_EXPECT(!res.stopped);
	KT_EXPECT(res.max_pending + 1 == http_head_buffer_size(&lim),
		  "%zu %zu", res.max_pending, http_head_buffer_size(&lim));
	hd_run(buf, len + 16385, &lim, &whole, &res);
	KT_EXPECT(res.stopped && res.ev[0].status == 431);
}

static void test_limit_header_count(void)
{
	static char buf[4096];
	struct http_limits lim = deflim;
	size_t len;
	int n, i;

	for (n = 99; n <= 101; n++) {
		len = sprintf(buf, "GET / HTTP/1.1\r\n");
		for (i = 0; i < n; i++)
			len += sprintf(buf + len, "%s: %d\r\n",
				       i ? "X" : "Host", i);
		len += sprintf(buf + len, "\r\n");
		KT_EXPECT(status_len(buf, len, &lim) == (n <= 100 ? 0 : 431),
			  "%d fields", n);
	}
	lim.max_headers = 0;
	KT_EXPECT(status_len("GET / HTTP/1.0\r\n\r\n", 18, &lim) == 0);
	KT_EXPECT(status_len("GET / HTTP/1.0\r\nA: b\r\n\r\n", 24, &lim) == 431);
}

static int chunked_status(const char *body, const struct http_limits *lim)
{
	static char buf[8192];
	size_t len;

	len = sprintf(buf, "POST / HTTP/1.1\r\nHost: h\r\n"
		      "Transfer-Encoding: chunked\r\n\r\n%s", body);
	len += sprintf(buf + len, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	return status_len(buf, len, lim);
}

static void test_limit_chunk_line(void)
{
	struct http_limits lim = deflim;
	char body[256];
	int n;

	lim.max_chunk_line = 20;
	for (n = 19; n <= 21; n++) {
		/* "1;" and a name: n bytes before CRLF */
		memcpy(body, "1;", 2);
		memset(body + 2, 'e', n - 2);
		strcpy(body + n, "\r\nx\r\n0\r\n\r\n");
		KT_EXPECT(chunked_status(body, &lim) == (n <= 20 ? 0 : 400),
			  "%d", n);
		memset(body, '0', n - 1);
		strcpy(body + n - 1, "1\r\nx\r\n0\r\n\r\n");
		KT_EXPECT(chunked_status(body, &lim) == (n <= 20 ? 0 : 400),
			  "zeros %d", n);
	}
}

static void test_limit_trailer(void)
{
	struct http_limits lim = deflim;
	char body[256];
	int n;

	lim.max_trailer_bytes = 30;
	for (n = 29; n <= 31; n++) {
		/* "T: v...v" CRLF: n bytes; then the final CRLF */
		strcpy(body, "0\r\nT: ");
		memset(body + 6, 'v', n - 5);
		strcpy(body + n + 1, "\r\n\r\n");
		KT_EXPECT(chunked_status(body, &lim) == (n <= 30 ? 0 : 431),
			  "%d", n);
	}
	lim.max_trailer_bytes = 0;
	KT_EXPECT(chunked_status("0\r\n\r\n", &lim) == 0);
	KT_EXPECT(chunked_status("0\r\nA:\r\n\r\n", &lim) == 431);
}

static void test_limit_body(void)
{
	struct http_limits lim = deflim;
	char in[256];

	lim.max_body = 100;
	snprintf(in, sizeof(in), REQ("POST / HTTP/1.1", "Content-Length: %d\r\n"),
		 99);
	KT_EXPECT(status_len(in, strlen(in), &lim) == 0);
	snprintf(in, sizeof(in), REQ("POST / HTTP/1.1", "Content-Length: %d\r\n"),
		 100);
	KT_EXPECT(status_len(in, strlen(in), &lim) == 0);
	snprintf(in, sizeof(in), REQ("POST / HTTP/1.1", "Content-Length: %d\r\n"),
		 101);
	KT_EXPECT(status_len(in, strlen(in), &lim) == 413);
	KT_EXPECT(chunked_status("63\r\n", &lim) == 0);
	KT_EXPECT(chunked_status("64\r\n", &lim) == 0);
	KT_EXPECT(chunked_status("65\r\n", &lim) == 413);
	KT_EXPECT(chunked_status("32\r\n01234567890123456789012345678901234567890123456789\r\n"
				 "33\r\n", &lim) == 413);
	KT_EXPECT(chunked_status("ffffffffffffffffffffffff\r\n", &lim) == 413);
	lim.max_body = ~0ull;
	KT_EXPECT(chunked_status("ffffffffffffffffffffffff\r\n", &lim) == 413);
	snprintf(in, sizeof(in), REQ("POST / HTTP/1.1", "Content-Length: %s\r\n"),
		 "18446744073709551616");
	KT_EXPECT(status_len(in, strlen(in), &lim) == 413);
}

/*
 * A chunked body of exactly @len bytes (at least 7): one-byte chunks whose
 * size line is "1;eee...": @line bytes, then a last chunk "0;eee..." that
 * makes up the length; its line is at most @line + 7 bytes.
 */
static size_t wire_body(char *buf, size_t len, size_t line)
{
	size_t n = 0, chunk = line + 5, m;

	while (len - n >= chunk + 7) {
		memcpy(buf + n, "1;", 2);
		memset(buf + n + 2, 'e', line - 2);
		memcpy(buf + n + line, "\r\nx\r\n", 5);
		n += chunk;
	}
	m = len - n - 6;
	memcpy(buf + n, "0;", 2);
	memset(buf + n + 2, 'e', m);
	memcpy(buf + n + 2 + m, "\r\n\r\n", 4);
	return len;
}

/* A chunked POST with the body @body, then a GET. */
static size_t wire_request(char *buf, const char *body, size_t blen)
{
	static const char head[] = "POST / HTTP/1.1\r\nHost: h\r\n"
				   "Transfer-Encoding: chunked\r\n\r\n";
	size_t n = sizeof(head) - 1;

	memcpy(buf, head, n);
	memcpy(buf + n, body, blen);
	memcpy(buf + n + blen, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 27);
	return n + blen + 27;
}

static const char *final_reason(const struct hd_result *res)
{
	return res->stopped && res->n ? res->ev[res->n - 1].reason : "";
}

/* Every wire byte of a chunked body counts: extensions cannot pad it. */
static void test_limit_body_wire(void)
{
	static char body[1 << 22], in[(1 << 22) + 128];
	static struct hd_result res;
	struct http_limits lim = deflim;
	struct hd_split threes = { .step = 3, .copy = true };
	struct hd_split whole = { 0 };
	struct http_parser p;
	struct http_request r;
	enum http_result res_head;
	size_t hl, len, used;
	u64 w;
	int d;

	lim.max_body = 100;
	lim.max_chunk_line = 64;
	lim.max_trailer_bytes = 32;
	w = http_chunked_wire_max(&lim);
	KT_ASSERT(w == 2 * 100 + 2 * 64 + 32 + 8, "%llu", (unsigned long long)w);
	/* many one-byte chunks with long extensions: W - 1 and W pass */
	for (d = -1; d <= 1; d++) {
		len = wire_request(in, body, wire_body(body, w + d, 56));
		run_splits(in, len, &lim, &res);
		KT_EXPECT(final_status(&res) == (d <= 0 ? 0 : 413), "W%+d: %d",
			  d, final_status(&res));
		KT_EXPECT(d > 0 || (res.n == 4 && res.consumed == len),
			  "W%+d: the next request is lost", d);
		KT_EXPECT(d <= 0 || !strcmp(final_reason(&res),
					    "chunked body too long on the wire"),
			  "W%+d: %s", d, final_reason(&res));
	}
	/* one chunk of max_body, every line and the trailers at their limits */
	memcpy(body, "64;", 3);
	memset(body + 3, 'e', 61);
	memcpy(body + 64, "\r\n", 2);
	memset(body + 66, 'd', 100);
	memcpy(body + 166, "\r\n0;", 4);
	memset(body + 170, 'e', 62);
	memcpy(body + 232, "\r\nT: ", 5);
	memset(body + 237, 'v', 27);
	memcpy(body + 264, "\r\n\r\n", 4);
	KT_ASSERT(w - lim.max_body == 268);
	len = wire_request(in, body, 268);
	run_splits(in, len, &lim, &res);
	KT_EXPECT(final_status(&res) == 0 && res.n == 4, "%d", final_status(&res));

	/* The default limits: ~1 KiB extensions on one-byte chunks. */
	w = http_chunked_wire_max(&deflim);
	KT_ASSERT(w == 2 * 1048576 + 2 * 1024 + 4096 + 8);
	KT_ASSERT(w + 1 < sizeof(body));
	for (d = 0; d <= 1; d++) {
		len = wire_request(in, body, wire_body(body, w + d, 1000));
		hd_run(in, len, &deflim, &whole, &res);
		KT_EXPECT(final_status(&res) == (d ? 413 : 0), "W%+d: %d", d,
			  final_status(&res));
		KT_EXPECT(d || res.n == 4, "W: %zu events", res.n);
		if (d) {
			hd_run(in, len, &deflim, &threes, &res);
			KT_EXPECT(final_status(&res) == 413);
		}
	}
	/*
	 * Refused at the byte past the bound (inside an extension here),
	 * however far the client goes.
	 */
	hl = wire_request(in, "", 0) - 27;
	len = wire_body(body, sizeof(body), 1000);
	http_parser_init(&p, &deflim);
	res_head = http_parse_head(&p, in, hl, &r);
	KT_ASSERT(res_head == HTTP_HEAD_COMPLETE);
	KT_EXPECT(http_skip_body(&p, body, len, &used) == HTTP_ERROR);
	KT_EXPECT(used == w + 1, "refused after %zu bytes", used);
	KT_EXPECT(http_parser_error(&p, NULL) == 413);
}

static void test_garbage(void)
{
	static char buf[1 << 20];
	static struct hd_result res;
	struct hd_split whole = { 0 };
	u32 x = 12345;
	size_t i;
	int st;

	for (i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = x >> 16;
	}
	hd_run(buf, sizeof(buf), &deflim, &whole, &res);
	st = final_status(&res);
	KT_EXPECT(st == 400 || st == 414, "%d", st);
	memset(buf, 'A', sizeof(buf));
	hd_run(buf, sizeof(buf), &deflim, &whole, &res);
	KT_EXPECT(final_status(&res) == 400);
	memset(buf, '\n', sizeof(buf));
	hd_run(buf, sizeof(buf), &deflim, &whole, &res);
	KT_EXPECT(final_status(&res) == 400);
	memcpy(buf, "GET / HTTP/1.1\r\n", 16);
	memset(buf + 16, 'x', sizeof(buf) - 16);
	hd_run(buf, sizeof(buf), &deflim, &whole, &res);
	KT_EXPECT(final_status(&res) == 431);
}

static void test_contract(void)
{
	struct http_parser p;
	struct http_request r;
	const char *reason;
	const char *in = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n";
	size_t used;

	http_parser_init(&p, &deflim);
	KT_EXPECT(http_parser_error(&p, &reason) == 0 && !reason);
	KT_EXPECT(http_skip_body(&p, "x", 1, &used) == HTTP_BODY_DONE);
	KT_EXPECT(used == 0);
	KT_EXPECT(http_parse_head(&p, in, 10, &r) == HTTP_NEED_MORE);
	KT_EXPECT(http_parse_head(&p, in, 5, &r) == HTTP_ERROR);
	KT_EXPECT(http_parser_error(&p, &reason) == 500 && reason);
	http_parser_init(&p, &deflim);
	KT_EXPECT(http_parse_head(&p, in, strlen(in), &r) == HTTP_HEAD_COMPLETE);
	KT_EXPECT(http_parse_head(&p, in, strlen(in), &r) == HTTP_ERROR);
	http_parser_init(&p, &deflim);
	KT_EXPECT(http_parse_head(&p, in, strlen(in), &r) == HTTP_HEAD_COMPLETE);
	KT_EXPECT(http_skip_body(&p, "a", 1, &used) == HTTP_NEED_MORE);
	KT_EXPECT(used == 1);
	KT_EXPECT(http_skip_body(&p, "bGET", 4, &used) == HTTP_BODY_DONE);
	KT_EXPECT(used == 1);
	KT_EXPECT(http_parse_head(&p, "GET / HTTP/2.0\r\n", 16, &r) == HTTP_ERROR);
	KT_EXPECT(http_parser_error(&p, &reason) == 505);
	KT_EXPECT(http_parse_head(&p, "GET / HTTP/1.1\r\n", 16, &r) == HTTP_ERROR);
	KT_EXPECT(http_skip_body(&p, "x", 1, &used) == HTTP_ERROR);
	KT_EXPECT(http_parser_error(&p, NULL) == 505);
}

int main(void)
{
	KT_RUN(test_simple_get);
	KT_RUN(test_methods);
	KT_RUN(test_versions);
	KT_RUN(test_keep_alive);
	KT_RUN(test_host);
	KT_RUN(test_field_syntax);
	KT_RUN(test_leading_empty_lines);
	KT_RUN(test_content_length);
	KT_RUN(test_smuggling);
	KT_RUN(test_transfer_encoding);
	KT_RUN(test_chunked_body);
	KT_RUN(test_chunked_errors);
	KT_RUN(test_pipelined);
	KT_RUN(test_many_pipelined);
	KT_RUN(test_if_none_match);
	KT_RUN(test_accept_encoding);
	KT_RUN(test_range_and_conditionals);
	KT_RUN(test_etag_match);
	KT_RUN(test_limit_request_line);
	KT_RUN(test_limit_header_bytes);
	KT_RUN(test_limit_header_count);
	KT_RUN(test_limit_chunk_line);
	KT_RUN(test_limit_trailer);
	KT_RUN(test_limit_body);
	KT_RUN(test_limit_body_wire);
	KT_RUN(test_garbage);
	KT_RUN(test_contract);
	return ktest_summary("http");
}
