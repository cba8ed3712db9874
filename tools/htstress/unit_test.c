// SPDX-License-Identifier: GPL-2.0
/*
 * unit_test.c - unit tests of htstress's response parser, histogram and
 * URL handling.  Every response is fed in pieces of every size from 1 byte
 * up, as TCP may split it anywhere.  Prints "# htstress-unit: pass=P fail=F".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "parser.h"
#include "url.h"

static int passed, failed;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			ok = 0;						\
			printf("#   %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

static void report(const char *name, int ok)
{
	printf("%s %s\n", ok ? "ok" : "not ok", name);
	if (ok)
		passed++;
	else
		failed++;
}

struct resp_case {
	const char *name;
	const char *text;
	bool head;
	bool eof;		/* the peer closes after the text */
	enum resp_result want;
	int status;
	unsigned long body;
	bool close;
	size_t rest;		/* bytes left after RESP_DONE */
};

static const struct resp_case resp_cases[] = {
	{ "length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
	  false, false, RESP_DONE, 200, 5, false, 0 },
	{ "length-rest", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP",
	  false, false, RESP_DONE, 200, 2, false, 4 },
	{ "no-reason", "HTTP/1.1 204\r\n\r\n",
	  false, false, RESP_DONE, 204, 0, false, 0 },
	{ "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5;a=b\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n",
	  false, false, RESP_DONE, 200, 15, false, 0 },
	{ "head", "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n",
	  true, false, RESP_DONE, 200, 0, false, 0 },
	{ "304", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
	  false, false, RESP_DONE, 304, 0, false, 0 },
	{ "interim", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
	  "Content-Length: 1\r\n\r\nx", false, false, RESP_DONE, 200, 1,
	  false, 0 },
	{ "close", "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\n"
	  "Content-Length: 0\r\n\r\n", false, false, RESP_DONE, 200, 0, true,
	  0 },
	{ "http10", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
	  false, false, RESP_DONE, 200, 0, true, 0 },
	{ "http10-ka", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"
	  "Content-Length: 0\r\n\r\n", false, false, RESP_DONE, 200, 0, false,
	  0 },
	{ "until-eof", "HTTP/1.1 200 OK\r\n\r\nabcdef",
	  false, true, RESP_DONE, 200, 6, true, 0 },
	{ "same-length-twice", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	  "content-length: 1\r\n\r\nx", false, false, RESP_DONE, 200, 1,
	  false, 0 },
	{ "short", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello",
	  false, true, RESP_BAD, 200, 5, false, 0 },
	{ "chunk-cut", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5\r\nhel", false, true, RESP_BAD, 200, 3, false, 0 },
	{ "chunk-size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "x5\r\nhello\r\n0\r\n\r\n", false, false, RESP_BAD, 200, 0, false,
	  0 },
	{ "chunk-crlf", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5\r\nhelloXX0\r\n\r\n", false, false, RESP_BAD, 200, 5, false, 0 },
	{ "two-lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	  "Content-Length: 2\r\n\r\nxx", false, false, RESP_BAD, 200, 0,
	  false, 0 },
	{ "te-and-cl", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	  "Transfer-Encoding: chunked\r\n\r\n", false, false, RESP_BAD, 200,
	  0, false, 0 },
	{ "bad-length", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
	  false, false, RESP_BAD, 200, 0, false, 0 },
	{ "bare-lf", "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
	  false, false, RESP_BAD, 0, 0, false, 0 },
	{ "garbage", "SSH-2.0-OpenSSH\r\n", false, false, RESP_BAD, 0, 0,
	  false, 0 },
	{ "status-2-digits", "HTTP/1.1 20 OK\r\n\r\n", false, false,
	  RESP_BAD, 0, 0, false, 0 },
	{ "folding", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", false, false,
	  RESP_BAD, 200, 0, false, 0 },
	{ "space-name", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
	  false, false, RESP_BAD, 200, 0, false, 0 },
	{ "cut-head", "HTTP/1.1 200 OK\r\nContent-Le", false, true, RESP_BAD,
	  200, 0, false, 0 },
	{ "empty", "", false, true, RESP_EMPTY, 0, 0, false, 0 },
};

/* Feed @c in pieces of @step bytes; RESP_MORE if it never finished. */
static enum resp_result feed_all(const struct resp_case *c, size_t step,
				 struct resp_parser *p, size_t *rest)
{
	size_t len = strlen(c->text), pos = 0, used, n;
	enum resp_result r = RESP_MORE;

	resp_init(p, c->head);
	*rest = 0;
	while (pos < len && r == RESP_MORE) {
		n = len - pos < step ? len - pos : step;
		r = resp_feed(p, c->text + pos, n, &used);
		pos += used;
	}
	if (r == RESP_DONE)
		*rest = len - pos;
	if (r == RESP_MORE && c->eof)
		r = resp_eof(p);
	return r;
}

static void test_parser(void)
{
	struct resp_parser p;
	unsigned int i;
	size_t step, len, rest;

	for (i = 0; i < sizeof(resp_cases) / sizeof(resp_cases[0]); i++) {
		const struct resp_case *c = &resp_cases[i];
		char name[64];
		int ok = 1;

		len = strlen(c->text);
		for (step = 1; step <= len + 1 && ok; step++) {
			enum resp_result r = feed_all(c, step, &p, &rest);

			CHECK(r == c->want, "step %zu: result %d (%s)", step, r,
			      p.why ? p.why : "");
			CHECK(p.status == c->status, "step %zu: status %d",
			      step, p.status);
			CHECK(p.body == c->body, "step %zu: body %lu", step,
			      (unsigned long)p.body);
			if (c->want == RESP_DONE) {
				CHECK(p.close == c->close, "step %zu: close",
				      step);
				CHECK(rest == c->rest, "step %zu: rest %zu",
				      step, rest);
			}
		}
		snprintf(name, sizeof(name), "parser-%s", c->name);
		report(name, ok);
	}
}

static void test_hist(void)
{
	static struct hist h, h2;
	uint64_t v, p;
	int ok = 1;

	for (v = 1; v <= 1000000; v++)
		hist_record(v % 2 ? &h : &h2, v);
	hist_merge(&h, &h2);
	CHECK(h.count == 1000000, "count %lu", (unsigned long)h.count);
	CHECK(h.max == 1000000, "max");
	p = hist_percentile(&h, 50);
	CHECK(p >= 500000 && p <= 500000 * 1.016, "p50 %lu", (unsigned long)p);
	p = hist_percentile(&h, 99.9);
	CHECK(p >= 999000 && p <= 999000 * 1.016, "p99.9 %lu",
	      (unsigned long)p);
	CHECK(hist_percentile(&h, 100) == 1000000, "p100");
	memset(&h2, 0, sizeof(h2));
	hist_record(&h2, 37);
	CHECK(hist_percentile(&h2, 50) == 37, "exact below 128");
	hist_record(&h2, 120000000);
	CHECK(h2.max == 120000000, "max beyond the cap is exact");
	CHECK(hist_percentile(&h2, 99) == 120000000, "p99 capped value");
	report("hist", ok);
}

static void test_url(void)
{
	struct target t;
	struct pattern pat;
	struct rng r;
	const char *path;
	char err[256], out[128];
	int ok = 1, i, seen[3] = { 0 };

	CHECK(!url_parse("http://[::1]:8081/fib/1", &t, &path, err,
			 sizeof(err)), "%s", err);
	CHECK(!strcmp(t.host, "[::1]:8081") && !strcmp(path, "/fib/1"),
	      "%s %s", t.host, path);
	CHECK(!url_parse("http://localhost", &t, &path, err, sizeof(err)),
	      "%s", err);
	CHECK(!strcmp(t.host, "127.0.0.1:80") && !strcmp(path, "/"), "%s",
	      t.host);
	CHECK(url_parse("http://example.com/", &t, &path, err, sizeof(err)),
	      "names are refused");
	CHECK(url_parse("http://1.2.3.4:0/", &t, &path, err, sizeof(err)),
	      "port 0");
	CHECK(url_parse("http://1.2.3.4:99999/", &t, &path, err, sizeof(err)),
	      "port 99999");
	CHECK(!pattern_compile("/a/{rand:7:9}/b", &pat, err, sizeof(err)),
	      "%s", err);
	rng_seed(&r, 1);
	for (i = 0; i < 300; i++) {
		pattern_expand(&pat, &r, out);
		CHECK(!strncmp(out, "/a/", 3) && out[3] >= '7' &&
		      out[3] <= '9' && !strcmp(out + 4, "/b"), "%s", out);
		if (out[3] >= '7' && out[3] <= '9')
			seen[out[3] - '7']++;
	}
	CHECK(seen[0] > 50 && seen[1] > 50 && seen[2] > 50, "uniform");
	free(pat.segs);
	CHECK(pattern_compile("/{rand:9:7}", &pat, err, sizeof(err)),
	      "A > B");
	free(pat.segs);
	CHECK(pattern_compile("/a b", &pat, err, sizeof(err)), "space");
	free(pat.segs);
	report("url", ok);
}

int main(void)
{
	test_parser();
	test_hist();
	test_url();
	printf("# htstress-unit: pass=%d fail=%d\n", passed, failed);
	return failed ? 1 : 0;
}
