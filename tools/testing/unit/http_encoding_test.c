// SPDX-License-Identifier: GPL-2.0
/*
 * http_encoding_test.c - user-space tests of Accept-Encoding parsing and
 * the choice of a content coding (http/proto/encoding.c).
 */
#include <string.h>
#include "include/khttpd_shim.h"
#include "http/proto/encoding.h"
#include "tools/testing/unit/ktest.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct ae_case {
	const char *in;
	int err;
	int gzip;
	int identity;
};

static const struct ae_case ae_cases[] = {
	/* What browsers and curl --compressed send. */
	{ "gzip, deflate, br", 0, 1000, 1 },
	{ "deflate, gzip, br, zstd", 0, 1000, 1 },
	{ "gzip", 0, 1000, 1 },
	{ "x-gzip", 0, 1000, 1 },
	/* Case-insensitive codings and "q". */
	{ "GZip;Q=0.5", 0, 500, 1 },
	{ "IDENTITY;q=0, GZIP", 0, 1000, 0 },
	/* q-values. */
	{ "gzip;q=1", 0, 1000, 1 },
	{ "gzip;q=1.000", 0, 1000, 1 },
	{ "gzip;q=0.001", 0, 1, 1 },
	{ "gzip;q=0.1", 0, 100, 1 },
	{ "gzip;q=0.25", 0, 250, 1 },
	{ "gzip;q=0.", 0, 0, 1 },
	{ "gzip;q=0", 0, 0, 1 },
	{ "gzip;q=0.000", 0, 0, 1 },
	{ "gzip;q=0.5, identity;q=0.8", 0, 500, 800 },
	{ "gzip ; q=0.5 ,identity\t;\tq=0.8 ", 0, 500, 800 },
	/* Listed twice: the higher weight. */
	{ "gzip;q=0, gzip;q=0.3", 0, 300, 1 },
	{ "gzip;q=0.4, x-gzip;q=0.2", 0, 400, 1 },
	/* "*": every coding not listed, identity included for q=0. */
	{ "*", 0, 1000, 1 },
	{ "*;q=0.2", 0, 200, 1 },
	{ "*;q=0", 0, 0, 0 },
	{ "*;q=0, gzip", 0, 1000, 0 },
	{ "*;q=0, identity", 0, 0, 1000 },
	{ "*, gzip;q=0", 0, 0, 1 },
	{ "*;q=0.5, identity;q=0", 0, 500, 0 },
	{ "identity;q=0", 0, 0, 0 },
	{ "identity", 0, 0, 1000 },
	/* Nothing, or codings khttpd does not make. */
	{ "", 0, 0, 1 },
	{ "  ", 0, 0, 1 },
	{ ",, ,", 0, 0, 1 },
	{ "br", 0, 0, 1 },
	{ "br, deflate;q=0.5", 0, 0, 1 },
	{ "gzipx", 0, 0, 1 },
	{ ", gzip ,", 0, 1000, 1 },
	/* Bad syntax: the field is disregarded. */
	{ "gzip;q=2", -EINVAL, 0, 0 },
	{ "gzip;q=1.001", -EINVAL, 0, 0 },
	{ "gzip;q=0.0001", -EINVAL, 0, 0 },
	{ "gzip;q=.5", -EINVAL, 0, 0 },
	{ "gzip;q=", -EINVAL, 0, 0 },
	{ "gzip;q=abc", -EINVAL, 0, 0 },
	{ "gzip;q", -EINVAL, 0, 0 },
	{ "gzip;", -EINVAL, 0, 0 },
	{ "gzip;level=1", -EINVAL, 0, 0 },
	{ "gzip;q=0.5;q=0.5", -EINVAL, 0, 0 },
	{ "gzip q=0.5", -EINVAL, 0, 0 },
	{ "gzip deflate", -EINVAL, 0, 0 },
	{ ";q=0.5", -EINVAL, 0, 0 },
	{ "*gzip", -EINVAL, 0, 0 },
	{ "gz\"ip\"", -EINVAL, 0, 0 },
	{ "gzip/1", -EINVAL, 0, 0 },
};

static void test_parse_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(ae_cases); i++) {
		const struct ae_case *c = &ae_cases[i];
		struct http_accept_encoding ae = { 12345, 12345 };
		int err = http_accept_encoding_parse(c->in, strlen(c->in), &ae);

		KT_EXPECT(err == c->err, "\"%s\": %d", c->in, err);
		if (err || c->err)
			continue;
		KT_EXPECT(ae.gzip == c->gzip && ae.identity == c->identity,
			  "\"%s\": gzip %d identity %d", c->in, ae.gzip,
			  ae.identity);
	}
}

/* The value is a span: bytes past @len are not read. */
static void test_parse_bounded(void)
{
	struct http_accept_encoding ae;
	const char *in = "gzip;q=0.5, identity;q=0";

	KT_EXPECT(!http_accept_encoding_parse(in, 11, &ae));
	KT_EXPECT(ae.gzip == 500 && ae.identity == 1);
	KT_EXPECT(!http_accept_encoding_parse(in, 4, &ae));
	KT_EXPECT(ae.gzip == 1000);
	KT_EXPECT(http_accept_encoding_parse(in, 7, &ae) == -EINVAL);
	KT_EXPECT(!http_accept_encoding_parse(in, 0, &ae));
	KT_EXPECT(ae.gzip == 0 && ae.identity == 1);
}

static enum http_coding choose(const char *v, bool worthwhile)
{
	struct http_accept_encoding ae;

	if (!v)
		http_accept_encoding_absent(&ae);
	else if (http_accept_encoding_parse(v, strlen(v), &ae))
		return -1;
	return http_coding_choose(&ae, worthwhile);
}

static void test_choose(void)
{
	/* A client that does not ask never gets gzip. */
	KT_EXPECT(choose(NULL, true) == HTTP_CODING_IDENTITY);
	KT_EXPECT(choose(NULL, false) == HTTP_CODING_IDENTITY);
	KT_EXPECT(choose("", true) == HTTP_CODING_IDENTITY);
	KT_EXPECT(choose("br", true) == HTTP_CODING_IDENTITY);
	/* Large bodies: gzip when it weighs at least as much. */
	KT_EXPECT(choose("gzip", true) == HTTP_CODING_GZIP);
	KT_EXPECT(choose("gzip;q=0.001", true) == HTTP_CODING_GZIP);
	KT_EXPECT(choose("gzip, identity", true) == HTTP_CODING_GZIP);
	KT_EXPECT(choose("gzip;q=0.5, identity", true) ==
		  HTTP_CODING_IDENTITY);
	KT_EXPECT(choose("gzip;q=0", true) == HTTP_CODING_IDENTITY);
	KT_EXPECT(choose("*", true) == HTTP_CODING_GZIP);
	KT_EXPECT(choose("*, gzip;q=0", true) == HTTP_CODING_IDENTITY);
	/* Small bodies: identity while it is acceptable. */
	KT_EXPECT(choose("gzip", false) == HTTP_CODING_IDENTITY);
	KT_EXPECT(choose("*", false) == HTTP_CODING_IDENTITY);
	KT_EXPECT(choose("gzip, identity;q=0", false) == HTTP_CODING_GZIP);
	KT_EXPECT(choose("*;q=0, gzip", false) == HTTP_CODING_GZIP);
	/* Nothing acceptable: 406. */
	KT_EXPECT(choose("identity;q=0", true) == HTTP_CODING_NONE);
	KT_EXPECT(choose("*;q=0", true) == HTTP_CODING_NONE);
	KT_EXPECT(choose("gzip;q=0, identity;q=0", false) ==
		  HTTP_CODING_NONE);
	KT_EXPECT(choose("br, identity;q=0", true) == HTTP_CODING_NONE);
	/* Bad syntax is the caller's to disregard. */
	KT_EXPECT(choose("gzip;q=2", true) == (enum http_coding)-1);
}

int main(void)
{
	KT_RUN(test_parse_table);
	KT_RUN(test_parse_bounded);
	KT_RUN(test_choose);
	return ktest_summary("http_encoding");
}
