// SPDX-License-Identifier: GPL-2.0
/*
 * http_target_test.c - user-space tests of http/proto/target.c (target
 * forms, Host values, percent-decoding) and http/resource.c (routes).
 */
#include "tools/testing/unit/ktest.h"
#include "include/khttpd_shim.h"
#include "http/proto/target.h"
#include "http/resource.h"

struct route_case {
	const char *target;
	int status;			/* 0 or 400 */
	enum khttpd_route_kind kind;
	u32 n;
	u32 base;
};

#define FIB(t, n, b)	{ t, 0, KHTTPD_ROUTE_FIB, n, b }
#define BAD(t)		{ t, 400, KHTTPD_ROUTE_NOT_FOUND, 0, 10 }
#define NONE(t)		{ t, 0, KHTTPD_ROUTE_NOT_FOUND, 0, 10 }
#define IDX(t)		{ t, 0, KHTTPD_ROUTE_INDEX, 0, 10 }
#define STATS(t)	{ t, 0, KHTTPD_ROUTE_STATS, 0, 10 }
#define METRICS(t)	{ t, 0, KHTTPD_ROUTE_METRICS, 0, 10 }

static const struct route_case route_cases[] = {
	IDX("/"),
	STATS("/stats"),
	METRICS("/metrics"),
	METRICS("/%6Detrics"),
	METRICS("/metrics?x=1"),
	NONE("/metrics/"),
	NONE("/Metrics"),
	FIB("/fib/10", 10, 10),
	FIB("/fib/0", 0, 10),
	FIB("/fib/2147483647", 2147483647u, 10),
	BAD("/fib/2147483648"),
	BAD("/fib/4294967296"),
	BAD("/fib/99999999999999999999"),
	BAD("/fib/-1"),
	BAD("/fib/+1"),
	BAD("/fib/1e3"),
	BAD("/fib/0x10"),
	BAD("/fib/%201"),
	BAD("/fib/1%20"),
	BAD("/fib/ 1"),
	BAD("/fib/"),
	BAD("/fib/?base=16"),
	BAD("/fib/abc"),
	BAD("/fib/.."),
	FIB("/fib/007", 7, 10),
	FIB("/fib/0000000000000000000000000000002147483647", 2147483647u, 10),
	FIB("/fib/%31%30", 10, 10),
	FIB("/%66ib/5", 5, 10),
	FIB("/fib/10?base=16", 10, 16),
	FIB("/fib/10?base=10", 10, 10),
	FIB("/fib/10?", 10, 10),
	FIB("/fib/10?&&", 10, 10),
	FIB("/fib/10?foo=bar&base=16&x", 10, 16),
	FIB("/fib/10?BASE=16", 10, 10),
	FIB("/fib/10?base=%31%36", 10, 16),
	FIB("/fib/10?ba%73e=16", 10, 16),
	FIB("/fib/10?x=?/&base=16", 10, 16),
	BAD("/fib/10?base=2"),
	BAD("/fib/10?base=016"),
	BAD("/fib/10?base=garbage"),
	BAD("/fib/10?base="),
	BAD("/fib/10?base"),
	BAD("/fib/10?base=10&base=16"),
	BAD("/fib/10?base=16&base=16"),
	BAD("/fib/10?a=%zz"),
	BAD("/fib/10?a=%00"),
	BAD("/fib/x?base=16"),
	NONE("/fib/10/"),
	NONE("/fib/10/x"),
	NONE("/fib"),
	NONE("/fib%2F10"),
	BAD("/fib/1%2F0"),
	NONE("//fib/10"),
	NONE("/FIB/10"),
	NONE("/stats/"),
	NONE("/stats/x"),
	NONE("/index.html"),
	NONE("/fibs/1"),
	NONE("/x?base=2"),
	STATS("/stats?base=2"),
	STATS("/st%61ts"),
	BAD("/%00"),
	BAD("/%zz"),
	BAD("/%4"),
	BAD("/fib/%"),
	BAD("/a b"),
	BAD("/a#b"),
	BAD("/a\"b"),
	BAD("/[x]"),
	BAD(""),
	FIB("http://h/fib/5", 5, 10),
	FIB("HTTPS://h:8443/fib/5?base=16", 5, 16),
	FIB("http://[::1]:8081/fib/5", 5, 10),
	IDX("http://h"),
	IDX("http://h/"),
	IDX("https://h?x=1"),
	STATS("HtTp://h:80/stats"),
	BAD("http:///fib/1"),
	BAD("http://:80/fib/1"),
	BAD("http://u@h/"),
	BAD("http://u:p@h/"),
	BAD("ftp://h/"),
	BAD("http:/fib/1"),
	BAD("http:h/fib/1"),
	BAD("http://h/a b"),
	BAD("http://h:x/"),
	BAD("http://[::1/"),
	BAD("1http://h/"),
	BAD("fib/1"),
	BAD("abc"),
	NONE("*"),
	BAD("**"),
};

static void test_route_table(void)
{
	const struct route_case *c;
	struct khttpd_route r;
	const char *reason;
	size_t i;
	int st;

	for (i = 0; i < ARRAY_SIZE(route_cases); i++) {
		c = &route_cases[i];
		reason = NULL;
		st = khttpd_route(c->target, strlen(c->target), &r, &reason);
		KT_EXPECT(st == c->status, "%s: %d", c->target, st);
		KT_EXPECT(!st || (reason && *reason), "%s", c->target);
		KT_EXPECT(r.kind == c->kind && r.n == c->n && r.base == c->base,
			  "%s: kind %d n %u base %u", c->target, r.kind, r.n,
			  r.base);
	}
}

static void test_fib_reason(void)
{
	struct khttpd_route r;
	const char *reason = NULL;

	KT_EXPECT(khttpd_route("/fib/-1", 7, &r, &reason) == 400);
	KT_EXPECT(reason && !strcmp(reason, KHTTPD_FIB_N_REASON));
	KT_EXPECT(!strcmp(KHTTPD_FIB_N_REASON,
			  "N must be a decimal integer from 0 to 2147483647"));
	KT_EXPECT(khttpd_route("/fib/1?base=3", 13, &r, &reason) == 400);
	KT_EXPECT(reason && !strcmp(reason, "base must be 10 or 16"));
}

/* Lengths are honoured: nothing past @len is read. */
static void test_route_length(void)
{
	struct khttpd_route r;
	const char *reason;

	KT_EXPECT(khttpd_route("/fib/123", 6, &r, &reason) == 0);
	KT_EXPECT(r.kind == KHTTPD_ROUTE_FIB && r.n == 1);
	KT_EXPECT(khttpd_route("/statsX", 6, &r, &reason) == 0);
	KT_EXPECT(r.kind == KHTTPD_ROUTE_STATS);
	KT_EXPECT(khttpd_route("/fib/1%41", 7, &r, &reason) == 400);
}

struct form_case {
	const char *target;
	bool connect;
	int status;
	enum http_target_form form;
	const char *authority;
	const char *path;
	const char *query;	/* NULL: no '?' */
};

static const struct form_case form_cases[] = {
	{ "/", false, 0, HTTP_FORM_ORIGIN, "", "/", NULL },
	{ "/a?b?c", false, 0, HTTP_FORM_ORIGIN, "", "/a", "b?c" },
	{ "/a?", false, 0, HTTP_FORM_ORIGIN, "", "/a", "" },
	{ "*", false, 0, HTTP_FORM_ASTERISK, "", "", NULL },
	{ "http://h:1/x?y", false, 0, HTTP_FORM_ABSOLUTE, "h:1", "/x", "y" },
	{ "http://h?y", false, 0, HTTP_FORM_ABSOLUTE, "h", "", "y" },
	{ "http://h", false, 0, HTTP_FORM_ABSOLUTE, "h", "", NULL },
	{ "h:443", true, 0, HTTP_FORM_AUTHORITY, "h:443", "", NULL },
	{ "[::1]:443", true, 0, HTTP_FORM_AUTHORITY, "[::1]:443", "", NULL },
	{ "h", true, 400, 0, "", "", NULL },
	{ "h:", true, 400, 0, "", "", NULL },
	{ ":443", true, 400, 0, "", "", NULL },
	{ "/x", true, 400, 0, "", "", NULL },
	{ "h:4x3", true, 400, 0, "", "", NULL },
	{ "u@h:443", true, 400, 0, "", "", NULL },
};

static bool part_is(const char *t, u32 off, u32 len, const char *want)
{
	return len == strlen(want) && !memcmp(t + off, want, len);
}

static void test_target_forms(void)
{
	const struct form_case *c;
	struct http_target t;
	const char *reason;
	size_t i;
	int st;

	for (i = 0; i < ARRAY_SIZE(form_cases); i++) {
		c = &form_cases[i];
		st = http_target_parse(c->target, strlen(c->target), c->connect,
				       &t, &reason);
		KT_EXPECT(st == c->status, "%s: %d", c->target, st);
		if (st)
			continue;
		KT_EXPECT(t.form == c->form, "%s", c->target);
		KT_EXPECT(part_is(c->target, t.authority_off, t.authority_len,
				  c->authority), "%s", c->target);
		KT_EXPECT(part_is(c->target, t.path_off, t.path_len, c->path),
			  "%s", c->target);
		KT_EXPECT(t.has_query == !!c->query, "%s", c->target);
		if (c->query)
			KT_EXPECT(part_is(c->target, t.query_off, t.query_len,
					  c->query), "%s", c->target);
	}
}

static bool host_ok(const char *s, bool allow_empty)
{
	return http_host_valid(s, strlen(s), allow_empty);
}

static void test_host_valid(void)
{
	KT_EXPECT(host_ok("example.org", false));
	KT_EXPECT(host_ok("example.org:8081", false));
	KT_EXPECT(host_ok("127.0.0.1:80", false));
	KT_EXPECT(host_ok("[::1]", false));
	KT_EXPECT(host_ok("[fe80::1]:8080", false));
	KT_EXPECT(host_ok("a%41b", false));
	KT_EXPECT(host_ok("h:", false));
	KT_EXPECT(host_ok("", true));
	KT_EXPECT(!host_ok("", false));
	KT_EXPECT(!host_ok(":80", false));
	KT_EXPECT(host_ok(":80", true));
	KT_EXPECT(!host_ok("a b", true));
	KT_EXPECT(!host_ok("a:b", true));
	KT_EXPECT(!host_ok("a:1:2", true));
	KT_EXPECT(!host_ok("u@h", true));
	KT_EXPECT(!host_ok("h/", true));
	KT_EXPECT(!host_ok("[::1", true));
	KT_EXPECT(!host_ok("[]", true));
	KT_EXPECT(!host_ok("[::1]x", true));
	KT_EXPECT(!host_ok("[g::1]", true));
	KT_EXPECT(!host_ok("a%4", true));
	KT_EXPECT(!host_ok("a%00", true));
	KT_EXPECT(!host_ok("\xff", true));
}

static void test_ctype(void)
{
	unsigned int c;
	int tchars = 0, field = 0;

	for (c = 0; c < 256; c++) {
		tchars += http_is(c, HTTP_CT_TCHAR);
		field += http_is(c, HTTP_CT_FIELD);
		if (http_is(c, HTTP_CT_PCHAR))
			KT_EXPECT(http_is(c, HTTP_CT_TARGET), "%u", c);
		if (http_is(c, HTTP_CT_DIGIT))
			KT_EXPECT(http_is(c, HTTP_CT_HEX | HTTP_CT_TCHAR), "%u", c);
	}
	KT_EXPECT(tchars == 26 * 2 + 10 + 15, "%d", tchars);
	KT_EXPECT(field == 2 + 94 + 128, "%d", field);
	KT_EXPECT(!http_is(0, 0xff) && !http_is(0x7f, 0xff) &&
		  !http_is('\r', 0xff) && !http_is('\n', 0xff));
}

int main(void)
{
	KT_RUN(test_route_table);
	KT_RUN(test_fib_reason);
	KT_RUN(test_route_length);
	KT_RUN(test_target_forms);
	KT_RUN(test_host_valid);
	KT_RUN(test_ctype);
	return ktest_summary("http_target");
}
