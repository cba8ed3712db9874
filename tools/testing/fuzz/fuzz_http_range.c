// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_http_range.c - libFuzzer target for http/range.c, and for the
 * HTTP-date parser and preconditions of http/conditional.c.
 *
 * Input: 8 bytes of file size (little-endian; reduced modulo 20000 when
 * the 9th byte is odd, so that small files are common), then a field
 * value.  Oracles:
 *  - http_range_parse() answers 200, 206 or 416, and a 206 range lies
 *    within the file: 1 <= length <= size - start;
 *  - http_content_range() formats every 206 and 416 answer, and the
 *    range written back as "bytes=first-last" gives the same range;
 *  - surrounding whitespace and the case of "bytes" change nothing;
 *  - http_parse_date() on the value gives a time in years 0..9999 (a
 *    leap second may run over) that http_format_date() formats and
 *    http_parse_date() reads back unchanged;
 *  - http_conditional() and http_if_range() with the value as every
 *    field never crash and answer only what they may.
 */
#include <assert.h>
#include <stdlib.h>
#include "include/khttpd_shim.h"
#include "http/proto/range.h"
#include "http/proto/conditional.h"
#include "http/proto/response.h"

#define NOW 1749988800LL

static char copy[8192 + 8];

static void check_range(const char *s, size_t len, u64 fsize)
{
	char cr[HTTP_CONTENT_RANGE_SIZE], back[80];
	struct http_range r = { 0, 0 }, r2;
	int st, st2, n;

	st = http_range_parse(s, len, fsize, &r);
	assert(st == 200 || st == 206 || st == 416);
	if (st == 206) {
		assert(r.length >= 1 && r.start < fsize);
		assert(r.length <= fsize - r.start);
		n = snprintf(back, sizeof(back), "bytes=%llu-%llu",
			     (unsigned long long)r.start,
			     (unsigned long long)(r.start + r.length - 1));
		assert(http_range_parse(back, n, fsize, &r2) == 206);
		assert(r2.start == r.start && r2.length == r.length);
	}
	if (st != 200) {
		n = http_content_range(cr, sizeof(cr), st, &r, fsize);
		assert(n > 0 && (size_t)n == strlen(cr));
		assert(!memcmp(cr, "bytes ", 6));
	}
	/* OWS around the value and the unit's case do not matter */
	if (len <= sizeof(copy) - 4) {
		copy[0] = ' ';
		memcpy(copy + 1, s, len);
		copy[len + 1] = '\t';
		if (len >= 5 && !memcmp(copy + 1, "bytes", 5))
			memcpy(copy + 1, "ByTeS", 5);
		st2 = http_range_parse(copy, len + 2, fsize, &r2);
		assert(st2 == st);
		assert(st != 206 ||
		       (r2.start == r.start && r2.length == r.length));
	}
}

static void check_date(const char *s, size_t len)
{
	char imf[HTTP_DATE_LEN + 1];
	s64 t, t2;

	if (http_parse_date(s, len, NOW, &t))
		return;
	assert(t >= -62167219200LL && t <= HTTP_DATE_MAX + 60);
	if (t > HTTP_DATE_MAX)
		return;
	assert(http_format_date(imf, sizeof(imf), t) == HTTP_DATE_LEN);
	assert(!http_parse_date(imf, HTTP_DATE_LEN, NOW, &t2) && t2 == t);
}

static void check_preconditions(const char *s, size_t len)
{
	static const char etag[] = "\"1-2-3\"";
	struct http_cond c = {
		.method = len & 1 ? HTTP_METHOD_GET : HTTP_METHOD_PUT,
		.if_none_match = len & 2 ? s : NULL,
		.if_none_match_len = len,
		.if_modified_since = s,
		.if_modified_since_len = len,
		.etag = etag,
		.etag_len = sizeof(etag) - 1,
		.last_modified = NOW - 100,
		.now = NOW,
	};
	int st = http_conditional(&c);

	assert(st == 0 || st == 304 || st == 412);
	assert(st != 412 || (c.if_none_match && c.method == HTTP_METHOD_PUT));
	assert(st != 304 || c.method == HTTP_METHOD_GET);
	http_if_range(s, len, etag, sizeof(etag) - 1, NOW - 100, NOW);
	http_if_range(s, len, s, len, NOW - 100, NOW);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const char *s = (const char *)data + 9;
	size_t len = size - 9;
	u64 fsize = 0;
	int i;

	if (size < 9)
		return 0;
	for (i = 7; i >= 0; i--)
		fsize = fsize << 8 | data[i];
	if (data[8] & 1)
		fsize %= 20000;
	check_range(s, len, fsize);
	check_date(s, len);
	check_preconditions(s, len);
	return 0;
}
