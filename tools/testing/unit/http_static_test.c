// SPDX-License-Identifier: GPL-2.0
/*
 * http_static_test.c - user-space tests of the static-file building
 * blocks: path mapping, media types, HTTP-dates, entity-tags, conditional
 * requests, byte ranges and directory listings.
 */
#include <stdlib.h>
#include "include/khttpd_shim.h"
#include "http/proto/path.h"
#include "http/proto/mime.h"
#include "http/proto/conditional.h"
#include "http/proto/range.h"
#include "http/proto/listing.h"
#include "http/proto/response.h"
#include "tools/testing/unit/ktest.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* 2025-06-15T12:00:00Z, "now" for the tests that need one. */
#define NOW 1749988800LL

/* ---- path ------------------------------------------------------------- */

struct path_case {
	const char *in;
	int status;
	const char *out;
	bool slash;
};

static const struct path_case path_cases[] = {
	{ "/", 0, "", true },
	{ "", 0, "", true },
	{ "/index.html", 0, "index.html", false },
	{ "/a/b/", 0, "a/b", true },
	{ "/a/./b", 0, "a/b", false },
	{ "/a/.", 0, "a", true },
	{ "/a/%2e", 0, "a", true },
	{ "//", 0, "", true },
	{ "//a//b", 0, "a/b", false },
	{ "/./", 0, "", true },
	{ "/.", 0, "", true },
	{ "/...", 0, "...", false },
	{ "/.a/..b/c..", 0, ".a/..b/c..", false },
	{ "/%41%62c", 0, "Abc", false },
	{ "/caf%C3%A9.html", 0, "caf\xc3\xa9.html", false },
	{ "/%3Cscript%3E", 0, "<script>", false },
	{ "/sp%20ace/%25", 0, "sp ace/%", false },
	{ "/a:b@c!$&'()*+,;=", 0, "a:b@c!$&'()*+,;=", false },
	/* traversal: refused, never resolved */
	{ "/..", 403, NULL, false },
	{ "/../etc/passwd", 403, NULL, false },
	{ "/%2e%2e/", 403, NULL, false },
	{ "/%2E%2e", 403, NULL, false },
	{ "/.%2e/x", 403, NULL, false },
	{ "/%2e./x", 403, NULL, false },
	{ "/a/../../b", 403, NULL, false },
	{ "/a/..", 403, NULL, false },
	{ "/a/../", 403, NULL, false },
	{ "/a/b/../c", 403, NULL, false },
	/* encoded separators and backslashes */
	{ "/%2E%2e%2f", 400, NULL, false },
	{ "/..%2f", 400, NULL, false },
	{ "/..%2Fetc", 400, NULL, false },
	{ "/a%2fb", 400, NULL, false },
	{ "/%5c..%5c", 400, NULL, false },
	{ "/%5C", 400, NULL, false },
	{ "/\\..\\", 400, NULL, false },
	{ "/a\\b", 400, NULL, false },
	/* NUL and control characters */
	{ "/a%00b", 400, NULL, false },
	{ "/%00", 400, NULL, false },
	{ "/a%0ab", 400, NULL, false },
	{ "/a%0D%0Ab", 400, NULL, false },
	{ "/a%1f", 400, NULL, false },
	{ "/a%7F", 400, NULL, false },
	{ "/a%09", 400, NULL, false },
	/* syntax */
	{ "a/b", 400, NULL, false },
	{ ".", 400, NULL, false },
	{ "/a b", 400, NULL, false },
	{ "/a?b", 400, NULL, false },
	{ "/a#b", 400, NULL, false },
	{ "/a%", 400, NULL, false },
	{ "/a%2", 400, NULL, false },
	{ "/a%zz", 400, NULL, false },
	{ "/a%%41", 400, NULL, false },
	{ "/\xc3\xa9", 400, NULL, false },
	{ "/a\"b", 400, NULL, false },
	{ "/a<b", 400, NULL, false },
	/* a refusal later in the path still refuses */
	{ "/ok/%00/..", 400, NULL, false },
	{ "/ok/../%00", 403, NULL, false },
};

static void test_path_table(void)
{
	char out[HTTP_PATH_MAX];
	struct http_path_info info;
	const char *reason;
	size_t i;
	int st;

	for (i = 0; i < ARRAY_LEN(path_cases); i++) {
		const struct path_case *c = &path_cases[i];

		reason = NULL;
		st = http_path_to_relative(c->in, strlen(c->in), out,
					   sizeof(out), &info, &reason);
		KT_EXPECT(st == c->status, "%s: %d", c->in, st);
		if (st) {
			KT_EXPECT(reason && *reason, "%s", c->in);
			KT_EXPECT(out[0] == '\0' || strlen(out) < sizeof(out),
				  "%s", c->in);
			continue;
		}
		KT_EXPECT(!strcmp(out, c->out), "%s -> '%s'", c->in, out);
		KT_EXPECT(info.len == strlen(c->out), "%s", c->in);
		KT_EXPECT(info.trailing_slash == c->slash, "%s", c->in);
	}
}

static void test_path_info(void)
{
	char out[64];
	struct http_path_info info;
	const char *reason;

	KT_ASSERT(!http_path_to_relative("/d1/d2/f.css", 12, out, sizeof(out),
					 &info, &reason));
	KT_EXPECT(info.depth == 3 && info.name_off == 6 && info.len == 11);
	KT_EXPECT(!strcmp(out + info.name_off, "f.css"));
	KT_ASSERT(!http_path_to_relative("/", 1, out, sizeof(out), &info,
					 &reason));
	KT_EXPECT(info.depth == 0 && info.name_off == 0 && info.len == 0);
	KT_ASSERT(!http_path_to_relative("/x//./", 6, out, sizeof(out), &info,
					 &reason));
	KT_EXPECT(info.depth == 1 && info.trailing_slash && !strcmp(out, "x"));
	/* The length given is honoured: no NUL terminator needed. */
	KT_ASSERT(!http_path_to_relative("/ab/..", 3, out, sizeof(out), &info,
					 &reason));
	KT_EXPECT(!strcmp(out, "ab"));
}

/* "/" then @n bytes of @c, or of "%61" when @encoded. */
static size_t make_segment(char *p, size_t n, bool encoded)
{
	size_t i, o = 0;

	p[o++] = '/';
	for (i = 0; i < n; i++) {
		if (encoded) {
			memcpy(p + o, "%61", 3);
			o += 3;
		} else {
			p[o++] = 'a';
		}
	}
	return o;
}

static void test_path_limits(void)
{
	static char in[16384], out[HTTP_PATH_MAX + 16];
	struct http_path_info info;
	const char *reason;
	size_t len, i;
	int enc;

	for (enc = 0; enc < 2; enc++) {
		len = make_segment(in, HTTP_PATH_SEGMENT_MAX, enc);
		KT_EXPECT(!http_path_to_relative(in, len, out, sizeof(out),
						 &info, &reason));
		KT_EXPECT(info.len == HTTP_PATH_SEGMENT_MAX);
		len = make_segment(in, HTTP_PATH_SEGMENT_MAX + 1, enc);
		KT_EXPECT(http_path_to_relative(in, len, out, sizeof(out),
						&info, &reason) == 414);
	}
	/* depth */
	for (len = 0, i = 0; i < HTTP_PATH_DEPTH_MAX; i++)
		len += make_segment(in + len, 1, false);
	KT_EXPECT(!http_path_to_relative(in, len, out, sizeof(out), &info,
					 &reason));
	KT_EXPECT(info.depth == HTTP_PATH_DEPTH_MAX);
	memcpy(in + len, "/.//", 4);	/* empty and "." do not count */
	KT_EXPECT(!http_path_to_relative(in, len + 4, out, sizeof(out), &info,
					 &reason));
	len += make_segment(in + len, 1, false);
	KT_EXPECT(http_path_to_relative(in, len, out, sizeof(out), &info,
					&reason) == 414);
	/* total length: 15 * 256 + 254 = 4094, plus NUL: fits HTTP_PATH_MAX */
	for (len = 0, i = 0; i < 15; i++)
		len += make_segment(in + len, 255, false);
	len += make_segment(in + len, 254, false);
	KT_EXPECT(!http_path_to_relative(in, len, out, sizeof(out), &info,
					 &reason));
	KT_EXPECT(info.len == HTTP_PATH_MAX - 2);
	KT_EXPECT(!http_path_to_relative(in, len, out, HTTP_PATH_MAX - 1,
					 &info, &reason));
	KT_EXPECT(http_path_to_relative(in, len, out, HTTP_PATH_MAX - 2,
					&info, &reason) == 414);
	memcpy(in + len, "/b", 2);	/* 4096 bytes: too long */
	KT_EXPECT(http_path_to_relative(in, len + 2, out, sizeof(out), &info,
					&reason) == 414);
	memcpy(in + len, "/.", 2);	/* a "." needs no room */
	KT_EXPECT(!http_path_to_relative(in, len + 2, out, HTTP_PATH_MAX - 1,
					 &info, &reason));
	KT_EXPECT(info.trailing_slash);
	memcpy(in + len, "/..", 3);	/* nor does ".." to be refused */
	KT_EXPECT(http_path_to_relative(in, len + 3, out, HTTP_PATH_MAX - 1,
					&info, &reason) == 403);
	/* small buffers */
	KT_EXPECT(!http_path_to_relative("/abc", 4, out, 4, &info, &reason));
	KT_EXPECT(http_path_to_relative("/abc", 4, out, 3, &info,
					&reason) == 414);
	KT_EXPECT(http_path_to_relative("/abc", 4, out, 0, &info,
					&reason) == 414);
	KT_EXPECT(!http_path_to_relative("/", 1, out, 1, &info, &reason));
	KT_EXPECT(!http_path_to_relative("/a/b", 4, out, 4, &info, &reason));
	KT_EXPECT(http_path_to_relative("/a/b", 4, out, 3, &info,
					&reason) == 414);
}

static void test_percent_encode(void)
{
	char buf[64];
	int n;

	n = http_percent_encode(buf, sizeof(buf), "AZaz09-._~", 10, false);
	KT_EXPECT(n == 10 && !memcmp(buf, "AZaz09-._~", 10));
	n = http_percent_encode(buf, sizeof(buf), "a/b c", 5, false);
	KT_EXPECT(n == 9 && !memcmp(buf, "a%2Fb%20c", 9));
	n = http_percent_encode(buf, sizeof(buf), "a/b c", 5, true);
	KT_EXPECT(n == 7 && !memcmp(buf, "a/b%20c", 7));
	n = http_percent_encode(buf, sizeof(buf), "\xc3\xa9:#?%\"<", 8, true);
	KT_EXPECT(n == 24 && !memcmp(buf, "%C3%A9%3A%23%3F%25%22%3C", 24));
	KT_EXPECT(http_percent_encode(NULL, 0, "a b", 3, true) == 5);
	KT_EXPECT(http_percent_encode(buf, 4, "a b", 3, true) == -ENOSPC);
	KT_EXPECT(http_percent_encode(buf, 5, "a b", 3, true) == 5);
	KT_EXPECT(http_percent_encode(buf, 0, "", 0, true) == 0);
}

static void test_path_redirect(void)
{
	char buf[64];
	int n;

	n = http_path_redirect(buf, sizeof(buf), "dir", 3, NULL, 0);
	KT_EXPECT(n == 5 && !strcmp(buf, "/dir/"), "%s", buf);
	n = http_path_redirect(buf, sizeof(buf), "a b/c\xc3\xa9", 7, "x=1&y",
			       5);
	KT_EXPECT(!strcmp(buf, "/a%20b/c%C3%A9/?x=1&y") && n == 21, "%s", buf);
	n = http_path_redirect(buf, sizeof(buf), "d", 1, "", 0);
	KT_EXPECT(n == 4 && !strcmp(buf, "/d/?"));
	n = http_path_redirect(buf, sizeof(buf), "<x>\r\n", 5, NULL, 0);
	KT_EXPECT(!strcmp(buf, "/%3Cx%3E%0D%0A/"), "%s", buf);
	KT_EXPECT(http_path_redirect(buf, sizeof(buf), "d", 1, "a\r\nb",
				     4) == -EINVAL);
	KT_EXPECT(http_path_redirect(buf, sizeof(buf), "d", 1, "a b",
				     3) == -EINVAL);
	KT_EXPECT(http_path_redirect(buf, 4, "dir", 3, NULL, 0) == -ENOSPC);
	KT_EXPECT(http_path_redirect(buf, 5, "dir", 3, NULL, 0) == -ENOSPC);
	KT_EXPECT(http_path_redirect(buf, 6, "dir", 3, NULL, 0) == 5);
	KT_EXPECT(http_path_redirect(buf, 2, "", 0, NULL, 0) == 1 &&
		  !strcmp(buf, "/"));
}

/* ---- media types ------------------------------------------------------ */

static void test_mime(void)
{
	static const struct {
		const char *name;
		const char *type;
	} cases[] = {
		{ "index.html", "text/html; charset=utf-8" },
		{ "INDEX.HTM", "text/html; charset=utf-8" },
		{ "a/b.c/style.CsS", "text/css; charset=utf-8" },
		{ "app.js", "text/javascript; charset=utf-8" },
		{ "mod.mjs", "text/javascript; charset=utf-8" },
		{ "d.json", "application/json" },
		{ "r.txt", "text/plain; charset=utf-8" },
		{ "f.xml", "application/xml" },
		{ "i.svg", "image/svg+xml" },
		{ "i.png", "image/png" },
		{ "i.JPG", "image/jpeg" },
		{ "i.jpeg", "image/jpeg" },
		{ "i.gif", "image/gif" },
		{ "i.webp", "image/webp" },
		{ "i.avif", "image/avif" },
		{ "favicon.ico", "image/vnd.microsoft.icon" },
		{ "doc.pdf", "application/pdf" },
		{ "m.wasm", "application/wasm" },
		{ "f.woff", "font/woff" },
		{ "f.woff2", "font/woff2" },
		{ "f.ttf", "font/ttf" },
		{ "f.otf", "font/otf" },
		{ "v.mp4", "video/mp4" },
		{ "v.webm", "video/webm" },
		{ "a.mp3", "audio/mpeg" },
		{ "a.ogg", "audio/ogg" },
		{ "a.wav", "audio/wav" },
		{ "z.zip", "application/zip" },
		{ "z.tar.gz", "application/gzip" },
		{ "z.tar", "application/x-tar" },
		{ "t.csv", "text/csv; charset=utf-8" },
		{ "README.md", "text/markdown; charset=utf-8" },
		{ "app.js.map", "application/json" },
		{ "site.webmanifest", "application/manifest+json" },
		{ "a.7z", "application/x-7z-compressed" },
		{ "a.zst", "application/zstd" },
		{ "Makefile", HTTP_MIME_DEFAULT },
		{ "noext.", HTTP_MIME_DEFAULT },
		{ ".html", "text/html; charset=utf-8" },
		{ "dir.html/file", HTTP_MIME_DEFAULT },
		{ "a.unknown", HTTP_MIME_DEFAULT },
		{ "a.htmlx", HTTP_MIME_DEFAULT },
		{ "a.htm", "text/html; charset=utf-8" },
		{ "a.h", HTTP_MIME_DEFAULT },
		{ "a.webmanifestxxxxxxxxxxxxx", HTTP_MIME_DEFAULT },
		{ "", HTTP_MIME_DEFAULT },
		{ ".", HTTP_MIME_DEFAULT },
	};
	/* Every extension of the table, so a mis-sorted entry is caught. */
	static const char *const all[] = {
		"7z", "aac", "apng", "avif", "bmp", "bz2", "css", "csv",
		"epub", "flac", "gif", "gz", "htm", "html", "ico", "ics",
		"jpeg", "jpg", "js", "json", "jsonld", "jxl", "log", "m4a",
		"map", "md", "mjs", "mov", "mp3", "mp4", "mpeg", "oga", "ogg",
		"ogv", "opus", "otf", "pdf", "png", "rss", "svg", "tar", "tif",
		"tiff", "ttf", "txt", "vtt", "wasm", "wav", "weba", "webm",
		"webmanifest", "webp", "woff", "woff2", "xhtml", "xml", "xz",
		"yaml", "yml", "zip", "zst",
	};
	char name[32];
	size_t i;
	const char *t;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		t = http_mime_type(cases[i].name, strlen(cases[i].name));
		KT_EXPECT(!strcmp(t, cases[i].type), "%s: %s", cases[i].name,
			  t);
	}
	for (i = 0; i < ARRAY_LEN(all); i++) {
		snprintf(name, sizeof(name), "x.%s", all[i]);
		t = http_mime_type(name, strlen(name));
		KT_EXPECT(strcmp(t, HTTP_MIME_DEFAULT), "%s", name);
		KT_EXPECT(strncmp(t, "text/", 5) ||
			  strstr(t, "; charset=utf-8"), "%s", name);
	}
	/* Only the given length counts; a NUL is never an extension end. */
	KT_EXPECT(!strcmp(http_mime_type("a.html", 4), HTTP_MIME_DEFAULT));
	KT_EXPECT(!strcmp(http_mime_type("a.js\0x", 6), HTTP_MIME_DEFAULT));
}

/* ---- dates -------------------------------------------------------------- */

struct date_case {
	const char *s;
	int err;
	s64 t;
};

static const struct date_case date_cases[] = {
	{ "Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777 },
	{ "Sunday, 06-Nov-94 08:49:37 GMT", 0, 784111777 },
	{ "Sun Nov  6 08:49:37 1994", 0, 784111777 },
	{ "Wed, 16 Nov 1994 08:49:37 GMT", 0, 784975777 },
	{ "Sun Nov 16 08:49:37 1994", 0, 784975777 },
	{ "Wednesday, 16-Nov-94 08:49:37 GMT", 0, 784975777 },
	{ "Thu, 01 Jan 1970 00:00:00 GMT", 0, 0 },
	{ "Wed, 31 Dec 1969 23:59:59 GMT", 0, -1 },
	{ "Tue, 29 Feb 2000 00:00:00 GMT", 0, 951782400 },
	{ "Fri, 31 Dec 9999 23:59:59 GMT", 0, HTTP_DATE_MAX },
	{ "Sat, 01 Jan 0000 00:00:00 GMT", 0, -62167219200LL },
	{ "Tue, 19 Jan 2038 03:14:08 GMT", 0, 2147483648LL },
	{ "Wed, 31 Dec 2008 23:59:60 GMT", 0, 1230768000 },
	{ "  Sun, 06 Nov 1994 08:49:37 GMT\t", 0, 784111777 },
	/* the day name is not checked against the date */
	{ "Mon, 06 Nov 1994 08:49:37 GMT", 0, 784111777 },
	/* invalid */
	{ "", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 UTC", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 gmt", -EINVAL, 0 },
	{ "sun, 06 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Xyz, 06 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 6 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 94 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 8:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 GMT ,", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:37GMT ", -EINVAL, 0 },
	{ "Sun,  06 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 31 Feb 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Thu, 29 Feb 1900 00:00:00 GMT", -EINVAL, 0 },
	{ "Sun, 00 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 31 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 24:00:00 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:60:00 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:61 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08-49-37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov +994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 0x Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sunday, 06-Nov-1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sunday, 06 Nov 94 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06-Nov-94 08:49:37 GMT", -EINVAL, 0 },
	{ "Sonday, 06-Nov-94 08:49:37 GMT", -EINVAL, 0 },
	{ "Sunday, 06-Nov-94 08:49:37 UTC", -EINVAL, 0 },
	{ "Sun Nov 6 08:49:37 1994", -EINVAL, 0 },
	{ "Sun Nov 06 08:49:37 1994", 0, 784111777 },
	{ "Sun Nov  6 08:49:37 94", -EINVAL, 0 },
	{ "Sun Nov  6 08:49:37 1994 GMT", -EINVAL, 0 },
	{ "Sun Nov   6 08:49:37 1994", -EINVAL, 0 },
	{ "Sun Nov x6 08:49:37 1994", -EINVAL, 0 },
	{ "784111777", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",
	  -EINVAL, 0 },
};

static void test_date_table(void)
{
	size_t i;
	s64 t;
	int err;

	for (i = 0; i < ARRAY_LEN(date_cases); i++) {
		const struct date_case *c = &date_cases[i];

		t = 12345;
		err = http_parse_date(c->s, strlen(c->s), NOW, &t);
		KT_EXPECT(err == c->err, "'%s': %d", c->s, err);
		if (!err && !c->err)
			KT_EXPECT(t == c->t, "'%s': %lld", c->s, (long long)t);
	}
}

static void test_date_rfc850_window(void)
{
	static const struct {
		const char *s;
		s64 now;
		int year;
	} cases[] = {
		/* in 2025, up to 2075 is "not more than 50 years ahead" */
		{ "Monday, 01-Jan-24 00:00:00 GMT", NOW, 2024 },
		{ "Saturday, 01-Jan-00 00:00:00 GMT", NOW, 2000 },
		{ "Tuesday, 01-Jan-75 00:00:00 GMT", NOW, 2075 },
		{ "Thursday, 01-Jan-76 00:00:00 GMT", NOW, 1976 },
		{ "Friday, 01-Jan-99 00:00:00 GMT", NOW, 1999 },
		{ "Thursday, 01-Jan-70 00:00:00 GMT", 0, 1970 },
		{ "Wednesday, 01-Jan-20 00:00:00 GMT", 0, 2020 },
		{ "Friday, 01-Jan-21 00:00:00 GMT", 0, 1921 },
		/* a nonsensical now is clamped, not trusted */
		{ "Thursday, 01-Jan-70 00:00:00 GMT", -5000000000000LL, 1970 },
		{ "Friday, 01-Jan-99 00:00:00 GMT", 1LL << 62, 9999 },
	};
	char imf[HTTP_DATE_LEN + 1];
	size_t i;
	s64 t;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		KT_ASSERT(!http_parse_date(cases[i].s, strlen(cases[i].s),
					   cases[i].now, &t), "%s", cases[i].s);
		KT_ASSERT(http_format_date(imf, sizeof(imf), t) ==
			  HTTP_DATE_LEN, "%s", cases[i].s);
		KT_EXPECT(atoi(imf + 12) == cases[i].year, "%s: %s",
			  cases[i].s, imf);
	}
}

static const char *const long_day_names[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};

static int day_index(const char *imf)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	int i;

	for (i = 0; i < 7; i++)
		if (!memcmp(imf, days + 3 * i, 3))
			return i;
	return 0;
}

/* Format @t three ways and parse each back. */
static void round_trip(s64 t)
{
	char imf[HTTP_DATE_LEN + 1], other[48];
	s64 back;
	int year;

	KT_ASSERT(http_format_date(imf, sizeof(imf), t) == HTTP_DATE_LEN,
		  "%lld", (long long)t);
	KT_EXPECT(!http_parse_date(imf, HTTP_DATE_LEN, NOW, &back) &&
		  back == t, "%s", imf);
	/* asctime: "Sun Nov  6 08:49:37 1994" */
	snprintf(other, sizeof(other), "%.3s %.3s %c%c %.8s %.4s", imf,
		 imf + 8, imf[5] == '0' ? ' ' : imf[5], imf[6], imf + 17,
		 imf + 12);
	KT_EXPECT(!http_parse_date(other, strlen(other), NOW, &back) &&
		  back == t, "%s", other);
	/* rfc850, when the two-digit year means this year */
	year = atoi(imf + 12);
	if (year > 1975 && year <= 2075) {
		snprintf(other, sizeof(other), "%s, %.2s-%.3s-%.2s %.8s GMT",
			 long_day_names[day_index(imf)], imf + 5, imf + 8,
			 imf + 14, imf + 17);
		KT_EXPECT(!http_parse_date(other, strlen(other), NOW, &back) &&
			  back == t, "%s", other);
	}
}

static void test_date_round_trip(void)
{
	static const s64 fixed[] = {
		0, 1, 59, 60, 3599, 3600, 86399, 86400, -1, -86400, -86401,
		68169600, 951782399, 951782400, 951868800, 1230767999,
		2147483647, 2147483648LL, 4102444800LL, HTTP_DATE_MAX,
		-62167219200LL, -62135596800LL, -2208988800LL,
	};
	u64 x = 0x9e3779b97f4a7c15ull;
	s64 span = HTTP_DATE_MAX + 62167219201LL;
	size_t i;

	for (i = 0; i < ARRAY_LEN(fixed); i++)
		round_trip(fixed[i]);
	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		round_trip((s64)(x % (u64)span) - 62167219200LL);
	}
	/* every day around the leap years 1900, 2000, 2100 */
	for (i = 0; i < 3 * 366; i++) {
		round_trip(-2240524800LL + (s64)i * 86400 + 43210);
		round_trip(915148800LL + (s64)i * 86400);
		round_trip(4070908800LL + (s64)i * 86400 + 86399);
	}
}

/* ---- entity-tags and preconditions ----------------------------------- */

static void test_etag(void)
{
	char buf[HTTP_ETAG_SIZE];
	int n;

	n = http_file_etag(buf, sizeof(buf), 0x1234, 0x10, 1, 5);
	KT_EXPECT(n == 18 && !strcmp(buf, "\"1234-10-3b9aca05\""), "%s", buf);
	n = http_file_etag(buf, sizeof(buf), 0, 0, 0, 0);
	KT_EXPECT(n == 7 && !strcmp(buf, "\"0-0-0\""), "%s", buf);
	n = http_file_etag(buf, sizeof(buf), (u64)-1, (u64)-1, -1, 999999999);
	KT_EXPECT(n == 7 + 16 + 16 + 16 - 3 && buf[0] == '"' &&
		  buf[n - 1] == '"', "%s", buf);
	KT_EXPECT(http_file_etag(buf, n + 1, (u64)-1, (u64)-1, -1,
				 999999999) == n);
	KT_EXPECT(http_file_etag(buf, n, (u64)-1, (u64)-1, -1,
				 999999999) == -ENOSPC);
	n = http_file_etag(buf, sizeof(buf), (u64)-1, (u64)-1,
			   (s64)(((u64)1 << 63) - 1), 999999999);
	KT_EXPECT(n > 0 && n < HTTP_ETAG_SIZE);
	/* a 1 ns change of mtime changes the tag */
	http_file_etag(buf, sizeof(buf), 7, 7, NOW, 1);
	KT_EXPECT(!strstr(buf, "-0\""));
	/* the tag is a valid entity-tag: If-None-Match matches it */
	n = http_file_etag(buf, sizeof(buf), 77, 1000, NOW, 123);
	KT_EXPECT(http_etag_match(buf, n, buf, n));
}

static size_t str_len(const char *s)
{
	return s ? strlen(s) : 0;
}

static void test_conditional(void)
{
	static const char etag[] = "\"4d-3e8-1849f2e4fa4c0000\"";
	static const char lm[] = "Sun, 15 Jun 2025 11:00:00 GMT";
	static const char before[] = "Sun, 15 Jun 2025 10:59:59 GMT";
	static const char after[] = "Sun, 15 Jun 2025 11:00:01 GMT";
	static const char future[] = "Mon, 16 Jun 2025 11:00:00 GMT";
	struct http_cond c = {
		.method = HTTP_METHOD_GET,
		.etag = etag,
		.etag_len = sizeof(etag) - 1,
		.last_modified = NOW - 3600,
		.now = NOW,
	};
	static const struct {
		const char *inm;
		const char *ims;
		enum http_method m;
		int status;
	} cases[] = {
		{ NULL, NULL, HTTP_METHOD_GET, 0 },
		{ etag, NULL, HTTP_METHOD_GET, 304 },
		{ etag, NULL, HTTP_METHOD_HEAD, 304 },
		{ etag, NULL, HTTP_METHOD_POST, 412 },
		{ "*", NULL, HTTP_METHOD_GET, 304 },
		{ "W/\"4d-3e8-1849f2e4fa4c0000\"", NULL, HTTP_METHOD_GET, 304 },
		{ "\"x\", \"4d-3e8-1849f2e4fa4c0000\"", NULL, HTTP_METHOD_GET,
		  304 },
		{ "\"x\"", NULL, HTTP_METHOD_GET, 0 },
		{ "garbage", NULL, HTTP_METHOD_GET, 0 },
		/* If-None-Match wins over If-Modified-Since */
		{ "\"x\"", lm, HTTP_METHOD_GET, 0 },
		{ etag, before, HTTP_METHOD_GET, 304 },
		{ NULL, lm, HTTP_METHOD_GET, 304 },
		{ NULL, lm, HTTP_METHOD_HEAD, 304 },
		{ NULL, after, HTTP_METHOD_GET, 304 },
		{ NULL, before, HTTP_METHOD_GET, 0 },
		{ NULL, lm, HTTP_METHOD_POST, 0 },
		{ NULL, future, HTTP_METHOD_GET, 0 },
		{ NULL, "yesterday", HTTP_METHOD_GET, 0 },
		{ NULL, "Sunday, 15-Jun-25 11:00:00 GMT", HTTP_METHOD_GET, 304 },
		{ NULL, "Sun Jun 15 11:00:00 2025", HTTP_METHOD_GET, 304 },
		{ NULL, "Sun Jun 15 10:00:00 2025", HTTP_METHOD_GET, 0 },
	};
	size_t i;
	int st;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		c.method = cases[i].m;
		c.if_none_match = cases[i].inm;
		c.if_none_match_len = str_len(c.if_none_match);
		c.if_modified_since = cases[i].ims;
		c.if_modified_since_len = str_len(c.if_modified_since);
		st = http_conditional(&c);
		KT_EXPECT(st == cases[i].status, "case %zu: %d", i, st);
	}
}

static void test_if_range(void)
{
	static const char etag[] = "\"1-2-3\"";
	static const char weak[] = "W/\"1-2-3\"";
	static const char lm[] = "Sun, 15 Jun 2025 11:00:00 GMT";
	s64 t = NOW - 3600;

#define IR(v, e, mt, now) http_if_range(v, strlen(v), e, strlen(e), mt, now)
	KT_EXPECT(IR(etag, etag, t, NOW));
	KT_EXPECT(IR(" \"1-2-3\" ", etag, t, NOW));
	KT_EXPECT(!IR(weak, etag, t, NOW));
	KT_EXPECT(!IR(weak, weak, t, NOW));
	KT_EXPECT(!IR(etag, weak, t, NOW));
	KT_EXPECT(!IR("\"1-2-4\"", etag, t, NOW));
	KT_EXPECT(!IR("\"1-2-3", etag, t, NOW));
	KT_EXPECT(IR(lm, etag, t, NOW));
	KT_EXPECT(IR("Sunday, 15-Jun-25 11:00:00 GMT", etag, t, NOW));
	KT_EXPECT(!IR(lm, etag, t + 1, NOW));
	KT_EXPECT(!IR(lm, etag, t - 1, NOW));
	KT_EXPECT(!IR(lm, etag, t, t));	/* modified this very second */
	KT_EXPECT(!IR("", etag, t, NOW));
	KT_EXPECT(!IR("*", etag, t, NOW));
	KT_EXPECT(!IR("Wed", etag, t, NOW));
#undef IR
}

/* ---- ranges ------------------------------------------------------------ */

struct range_case {
	const char *s;
	u64 size;
	int status;
	u64 start;
	u64 length;
	const char *cr;
};

static const struct range_case range_cases[] = {
	/* RFC 9110 section 14.1.2, on a 10000-byte representation */
	{ "bytes=0-499", 10000, 206, 0, 500, "bytes 0-499/10000" },
	{ "bytes=500-999", 10000, 206, 500, 500, "bytes 500-999/10000" },
	{ "bytes=-500", 10000, 206, 9500, 500, "bytes 9500-9999/10000" },
	{ "bytes=9500-", 10000, 206, 9500, 500, "bytes 9500-9999/10000" },
	{ "bytes=0-0,-1", 10000, 200, 0, 0, NULL },
	{ "bytes=500-600,601-999", 10000, 200, 0, 0, NULL },
	{ "bytes=500-700,601-999", 10000, 200, 0, 0, NULL },
	/* single ranges */
	{ "bytes=0-0", 10000, 206, 0, 1, "bytes 0-0/10000" },
	{ "bytes=0-", 10000, 206, 0, 10000, "bytes 0-9999/10000" },
	{ "bytes=9999-", 10000, 206, 9999, 1, "bytes 9999-9999/10000" },
	{ "bytes=9999-9999", 10000, 206, 9999, 1, "bytes 9999-9999/10000" },
	{ "bytes=0-99999", 10000, 206, 0, 10000, "bytes 0-9999/10000" },
	{ "bytes=-1", 10000, 206, 9999, 1, "bytes 9999-9999/10000" },
	{ "bytes=-10000", 10000, 206, 0, 10000, "bytes 0-9999/10000" },
	{ "bytes=-20000", 10000, 206, 0, 10000, "bytes 0-9999/10000" },
	{ "BYTES=1-2", 10000, 206, 1, 2, "bytes 1-2/10000" },
	{ "Bytes=1-2", 10000, 206, 1, 2, "bytes 1-2/10000" },
	{ " bytes=1-2\t", 10000, 206, 1, 2, "bytes 1-2/10000" },
	{ "bytes=1-2 ,", 10000, 206, 1, 2, "bytes 1-2/10000" },
	{ "bytes=, ,1-2", 10000, 206, 1, 2, "bytes 1-2/10000" },
	{ "bytes=0001-0002", 10000, 206, 1, 2, "bytes 1-2/10000" },
	/* unsatisfiable */
	{ "bytes=10000-", 10000, 416, 0, 0, "bytes */10000" },
	{ "bytes=10000-20000", 10000, 416, 0, 0, "bytes */10000" },
	{ "bytes=-0", 10000, 416, 0, 0, "bytes */10000" },
	{ "bytes=-000", 10000, 416, 0, 0, "bytes */10000" },
	/* ignored: syntax errors, other units, inverted */
	{ "bytes=5-4", 10000, 200, 0, 0, NULL },
	{ "bytes=", 10000, 200, 0, 0, NULL },
	{ "bytes", 10000, 200, 0, 0, NULL },
	{ "bytes=,", 10000, 200, 0, 0, NULL },
	{ "bytes=-", 10000, 200, 0, 0, NULL },
	{ "bytes=--1", 10000, 200, 0, 0, NULL },
	{ "bytes=abc", 10000, 200, 0, 0, NULL },
	{ "bytes=1", 10000, 200, 0, 0, NULL },
	{ "bytes=1-2-3", 10000, 200, 0, 0, NULL },
	{ "bytes=+1-2", 10000, 200, 0, 0, NULL },
	{ "bytes=0x10-", 10000, 200, 0, 0, NULL },
	{ "bytes=1 -2", 10000, 200, 0, 0, NULL },
	{ "bytes=1- 2", 10000, 200, 0, 0, NULL },
	{ "bytes = 1-2", 10000, 200, 0, 0, NULL },
	{ "bytes=1-2;x", 10000, 200, 0, 0, NULL },
	{ "bytes=1-2,x", 10000, 200, 0, 0, NULL },
	{ "bytes:1-2", 10000, 200, 0, 0, NULL },
	{ "bits=1-2", 10000, 200, 0, 0, NULL },
	{ "items=0-5", 10000, 200, 0, 0, NULL },
	{ "", 10000, 200, 0, 0, NULL },
	{ "bytesx=1-2", 10000, 200, 0, 0, NULL },
	{ "bytes=10000-20000,0-1", 10000, 200, 0, 0, NULL },
	/* huge numbers */
	{ "bytes=0-18446744073709551615", 10000, 206, 0, 10000,
	  "bytes 0-9999/10000" },
	{ "bytes=0-99999999999999999999999999", 10000, 206, 0, 10000,
	  "bytes 0-9999/10000" },
	{ "bytes=18446744073709551615-", 10000, 416, 0, 0, "bytes */10000" },
	{ "bytes=99999999999999999999999-", 10000, 416, 0, 0,
	  "bytes */10000" },
	{ "bytes=99999999999999999999999-99999999999999999999999", 10000,
	  416, 0, 0, "bytes */10000" },
	{ "bytes=-99999999999999999999999", 10000, 206, 0, 10000,
	  "bytes 0-9999/10000" },
	{ "bytes=18446744073709551614-", 18446744073709551615ull, 206,
	  18446744073709551614ull, 1,
	  "bytes 18446744073709551614-18446744073709551614/18446744073709551615" },
	{ "bytes=-18446744073709551615", 18446744073709551615ull, 206, 0,
	  18446744073709551615ull,
	  "bytes 0-18446744073709551614/18446744073709551615" },
	/* an empty file */
	{ "bytes=0-", 0, 416, 0, 0, "bytes */0" },
	{ "bytes=0-0", 0, 416, 0, 0, "bytes */0" },
	{ "bytes=-0", 0, 416, 0, 0, "bytes */0" },
	{ "bytes=-5", 0, 200, 0, 0, NULL },
	/* a one-byte file */
	{ "bytes=0-", 1, 206, 0, 1, "bytes 0-0/1" },
	{ "bytes=-5", 1, 206, 0, 1, "bytes 0-0/1" },
	{ "bytes=1-", 1, 416, 0, 0, "bytes */1" },
};

static void test_range_table(void)
{
	char cr[HTTP_CONTENT_RANGE_SIZE];
	struct http_range r;
	size_t i;
	int st, n;

	for (i = 0; i < ARRAY_LEN(range_cases); i++) {
		const struct range_case *c = &range_cases[i];

		memset(&r, 0, sizeof(r));
		st = http_range_parse(c->s, strlen(c->s), c->size, &r);
		KT_EXPECT(st == c->status, "'%s' (%llu): %d", c->s,
			  (unsigned long long)c->size, st);
		if (st != c->status)
			continue;
		if (st == 206)
			KT_EXPECT(r.start == c->start && r.length == c->length,
				  "'%s': %llu+%llu", c->s,
				  (unsigned long long)r.start,
				  (unsigned long long)r.length);
		if (st == 200)
			continue;
		n = http_content_range(cr, sizeof(cr), st, &r, c->size);
		KT_EXPECT(n > 0 && (size_t)n == strlen(c->cr) &&
			  !strcmp(cr, c->cr), "'%s': '%s'", c->s, cr);
	}
}

static void test_content_range(void)
{
	char buf[HTTP_CONTENT_RANGE_SIZE];
	struct http_range r = { .start = 0, .length = 1 };
	struct http_range max = { .start = 0, .length = (u64)-1 };

	KT_EXPECT(http_content_range(buf, sizeof(buf), 206, &r, 1) == 11);
	KT_EXPECT(http_content_range(buf, 12, 206, &r, 1) == 11);
	KT_EXPECT(http_content_range(buf, 11, 206, &r, 1) == -ENOSPC);
	KT_EXPECT(http_content_range(buf, sizeof(buf), 416, NULL, 7) == 9 &&
		  !strcmp(buf, "bytes */7"));
	KT_EXPECT(http_content_range(buf, sizeof(buf), 206, &r, 0) == -EINVAL);
	KT_EXPECT(http_content_range(buf, sizeof(buf), 206, NULL, 5) ==
		  -EINVAL);
	KT_EXPECT(http_content_range(buf, sizeof(buf), 200, &r, 5) == -EINVAL);
	r.start = 3;
	r.length = 3;
	KT_EXPECT(http_content_range(buf, sizeof(buf), 206, &r, 5) == -EINVAL);
	r.length = 0;
	KT_EXPECT(http_content_range(buf, sizeof(buf), 206, &r, 5) == -EINVAL);
	KT_EXPECT(http_content_range(buf, sizeof(buf), 206, &max, (u64)-1) > 0);
	max.start = 1;
	KT_EXPECT(http_content_range(buf, sizeof(buf), 206, &max, (u64)-1) ==
		  -EINVAL);
	max.length--;
	KT_EXPECT(http_content_range(buf, sizeof(buf), 206, &max, (u64)-1) > 0);
	KT_EXPECT(strlen(buf) < HTTP_CONTENT_RANGE_SIZE);
}

/* ---- listings ------------------------------------------------------------ */

static void test_sort(void)
{
	static struct http_dirent e[600];
	static char names[600][8];
	u64 x = 12345;
	size_t i, n, j;
	int c;

	for (n = 0; n < 600; n += (n < 20 ? 1 : 97)) {
		for (i = 0; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			for (j = 0; j < (x >> 61) + 1; j++)
				names[i][j] = "ab.A\xc3\xa9~ "[(x >> (3 * j + 20)) & 7];
			e[i].name = names[i];
			e[i].name_len = j;
			e[i].is_dir = (x >> 40) & 1;
			e[i].size = i;
		}
		http_dirent_sort(e, n);
		for (i = 1; i < n; i++) {
			if (e[i - 1].is_dir != e[i].is_dir) {
				KT_EXPECT(e[i - 1].is_dir, "n=%zu i=%zu", n, i);
				continue;
			}
			j = e[i - 1].name_len < e[i].name_len ?
			    e[i - 1].name_len : e[i].name_len;
			c = memcmp(e[i - 1].name, e[i].name, j);
			KT_EXPECT(c < 0 || (c == 0 &&
					    e[i - 1].name_len <= e[i].name_len),
				  "n=%zu i=%zu", n, i);
		}
		/* a permutation: the sizes 0..n-1 all survive */
		for (i = 0, x = 0; i < n; i++)
			x += e[i].size;
		KT_EXPECT(x == n * (n ? n - 1 : 0) / 2, "n=%zu", n);
		x = 12345 + n;
	}
}

#define ROW(href, text, size, date) \
	"<tr><td><a href=\"" href "\">" text "</a></td><td>" size \
	"</td><td>" date "</td></tr>\n"
#define D94 "Sun, 06 Nov 1994 08:49:37 GMT"

static const char expected_listing[] =
	"<!DOCTYPE html>\n"
	"<html><head><meta charset=\"utf-8\"><title>Index of /a&amp;b/&lt;d&gt;/</title></head>\n"
	"<body><h1>Index of /a&amp;b/&lt;d&gt;/</h1>\n"
	"<table>\n"
	"<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n"
	ROW("../", "../", "-", "-")
	ROW("a%20dir/", "a dir/", "-", D94)
	ROW("%3Cscript%3Ealert%281%29%3C%2Fscript%3E",
	    "&lt;script&gt;alert(1)&lt;/script&gt;", "0", D94)
	ROW("b.txt", "b.txt", "12", "Thu, 01 Jan 1970 00:00:00 GMT")
	ROW("caf%C3%A9", "caf\xc3\xa9", "3", D94)
	ROW("q%22uote%27s%26%25%23%3F.html",
	    "q&quot;uote&#39;s&amp;%#?.html", "18446744073709551615", "-")
	"</table>\n"
	"</body></html>\n";

static void test_listing_exact(void)
{
	struct http_dirent e[] = {
		{ "b.txt", 5, false, 12, 0 },
		{ "..", 2, true, 0, 0 },
		{ "<script>alert(1)</script>", 25, false, 0, 784111777 },
		{ "q\"uote's&%#?.html", 17, false, (u64)-1, 1LL << 40 },
		{ "caf\xc3\xa9", 5, false, 3, 784111777 },
		{ ".", 1, true, 0, 0 },
		{ "a dir", 5, true, 4096, 784111777 },
	};
	static const char rel[] = "a&b/<d>";
	size_t n = ARRAY_LEN(e), want = sizeof(expected_listing) - 1;
	long len, part, pos;
	char *buf;
	size_t i;

	http_dirent_sort(e, n);
	KT_EXPECT(e[0].name_len == 1 && e[1].name_len == 2);	/* ".", ".." */
	len = http_listing_format(NULL, 0, rel, 7, e, n, false);
	KT_ASSERT(len == (long)want, "%ld vs %zu", len, want);
	buf = malloc(want);
	KT_ASSERT(buf);
	KT_EXPECT(http_listing_format(buf, want, rel, 7, e, n, false) == len);
	KT_EXPECT(!memcmp(buf, expected_listing, want), "%.*s", (int)len, buf);
	free(buf);
	/* every smaller exact-size heap buffer: -ENOSPC, no overflow */
	for (i = 0; i < want; i++) {
		buf = malloc(i ? i : 1);
		KT_ASSERT(buf);
		KT_EXPECT(http_listing_format(i ? buf : NULL, i, rel, 7, e, n,
					      false) == (i ? -ENOSPC : len));
		free(buf);
	}
	/* the pieces concatenate to the whole */
	buf = malloc(want);
	KT_ASSERT(buf);
	pos = http_listing_head(buf, want, rel, 7);
	KT_EXPECT(pos > 0 && pos == http_listing_head(NULL, 0, rel, 7));
	KT_EXPECT(http_listing_head(buf, pos - 1, rel, 7) == -ENOSPC);
	for (i = 0; i < n; i++) {
		part = http_listing_entry(buf + pos, want - pos, &e[i]);
		KT_EXPECT(part >= 0 && part == http_listing_entry(NULL, 0, &e[i]));
		if (part > 0)
			KT_EXPECT(http_listing_entry(buf + pos, part - 1,
						     &e[i]) == -ENOSPC);
		pos += part;
	}
	part = http_listing_tail(buf + pos, want - pos, false, n);
	KT_EXPECT(part == http_listing_tail(NULL, 0, false, n) && part > 0);
	KT_EXPECT(http_listing_tail(buf + pos, part - 1, false, n) == -ENOSPC);
	pos += part;
	KT_EXPECT(pos == len && !memcmp(buf, expected_listing, want));
	free(buf);
}

static void test_listing_root_and_worst(void)
{
	static const char root[] =
		"<!DOCTYPE html>\n"
		"<html><head><meta charset=\"utf-8\"><title>Index of /</title></head>\n"
		"<body><h1>Index of /</h1>\n"
		"<table>\n"
		"<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n"
		"</table>\n"
		"</body></html>\n";
	char name[HTTP_PATH_SEGMENT_MAX], buf[4096];
	struct http_dirent e = { name, sizeof(name), true, 0, HTTP_DATE_MAX };
	long n;

	n = http_listing_format(buf, sizeof(buf), "", 0, NULL, 0, false);
	KT_EXPECT(n == (long)sizeof(root) - 1 && !memcmp(buf, root, n));
	memset(name, '"', sizeof(name));
	KT_EXPECT(http_listing_entry(buf, sizeof(buf), &e) <= 2560);
	e.is_dir = false;
	e.size = (u64)-1;
	n = http_listing_entry(buf, sizeof(buf), &e);
	KT_EXPECT(n > 0 && n <= 2560, "%ld", n);
	/* the attribute value ends where the encoded name does */
	KT_EXPECT(buf[16] == '"' &&
		  (char *)memchr(buf + 17, '"', n - 17) ==
		  buf + 17 + 3 * sizeof(name), "%.40s", buf);
	e.name_len = 1;
	name[0] = '.';
	KT_EXPECT(http_listing_entry(buf, 0, &e) == 0);
	KT_EXPECT(http_listing_entry(NULL, 0, &e) == 0);
}

/* A listing cut short by the cap says so, after the table. */
static void test_listing_truncated(void)
{
	static const char want[] =
		"<!DOCTYPE html>\n"
		"<html><head><meta charset=\"utf-8\"><title>Index of /d/</title></head>\n"
		"<body><h1>Index of /d/</h1>\n"
		"<table>\n"
		"<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n"
		ROW("../", "../", "-", "-")
		ROW("a", "a", "1", D94)
		ROW("b", "b", "2", D94)
		"</table>\n"
		"<p>Truncated: the directory has more entries than the 2 listed.</p>\n"
		"</body></html>\n";
	static const char tail[] =
		"</table>\n"
		"<p>Truncated: the directory has more entries than the 18446744073709551615 listed.</p>\n"
		"</body></html>\n";
	static const char note[] =
		"<p>Truncated: the directory has more entries than the 2 listed.</p>\n";
	struct http_dirent e[] = {
		{ "a", 1, false, 1, 784111777 },
		{ "b", 1, false, 2, 784111777 },
	};
	char buf[sizeof(want)];
	long n;
	size_t i;

	n = http_listing_format(NULL, 0, "d", 1, e, 2, true);
	KT_ASSERT(n == (long)sizeof(want) - 1, "%ld", n);
	KT_EXPECT(http_listing_format(buf, n, "d", 1, e, 2, true) == n);
	KT_EXPECT(!memcmp(buf, want, n), "%.*s", (int)n, buf);
	for (i = 1; i < (size_t)n; i++)
		KT_EXPECT(http_listing_format(buf, i, "d", 1, e, 2, true) ==
			  -ENOSPC, "size %zu", i);
	/* the complete page differs only by the note */
	KT_EXPECT(http_listing_format(NULL, 0, "d", 1, e, 2, false) ==
		  n - (long)strlen(note));
	n = http_listing_tail(buf, sizeof(buf), true, (size_t)-1);
	KT_EXPECT(n == (long)sizeof(tail) - 1 && !memcmp(buf, tail, n),
		  "%.*s", (int)n, buf);
	KT_EXPECT(http_listing_tail(NULL, 0, true, (size_t)-1) == n);
	KT_EXPECT(http_listing_tail(buf, n - 1, true, (size_t)-1) == -ENOSPC);
}

int main(void)
{
	KT_RUN(test_path_table);
	KT_RUN(test_path_info);
	KT_RUN(test_path_limits);
	KT_RUN(test_percent_encode);
	KT_RUN(test_path_redirect);
	KT_RUN(test_mime);
	KT_RUN(test_date_table);
	KT_RUN(test_date_rfc850_window);
	KT_RUN(test_date_round_trip);
	KT_RUN(test_etag);
	KT_RUN(test_conditional);
	KT_RUN(test_if_range);
	KT_RUN(test_range_table);
	KT_RUN(test_content_range);
	KT_RUN(test_sort);
	KT_RUN(test_listing_exact);
	KT_RUN(test_listing_root_and_worst);
	KT_RUN(test_listing_truncated);
	return ktest_summary("http_static");
}
