// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_http_path.c - libFuzzer target for http/path.c (and the media type
 * lookup on its output).
 *
 * Input: a request path.  Oracles:
 *  - http_path_to_relative() answers 0, 400, 403 or 414, with a reason on
 *    failure;
 *  - its output never has a leading or trailing '/', an empty, "." or
 *    ".." segment, a NUL, a backslash or a control character; segments
 *    are at most HTTP_PATH_SEGMENT_MAX bytes, at most HTTP_PATH_DEPTH_MAX
 *    of them, and @info agrees with the output;
 *  - it is idempotent: the output percent-encoded (http_percent_encode())
 *    after a "/" maps to itself, with a trailing "/" too, and so does the
 *    Location built by http_path_redirect();
 *  - a smaller output buffer (exactly sized on the heap, so ASan sees any
 *    overrun) gives the same answer when the name fits, 414 or another
 *    refusal when it does not.
 */
#include <assert.h>
#include <stdlib.h>
#include "include/khttpd_shim.h"
#include "http/proto/path.h"
#include "http/proto/mime.h"

static char out[HTTP_PATH_MAX], again[HTTP_PATH_MAX];
static char enc[3 * HTTP_PATH_MAX + 8];

static void check_shape(const char *s, const struct http_path_info *info)
{
	size_t i, seg = 0, segs = 0, last = 0;

	assert(strlen(s) == info->len);
	assert(info->len < HTTP_PATH_MAX);
	if (!info->len) {
		assert(info->depth == 0 && info->name_off == 0);
		return;
	}
	for (i = 0; i <= info->len; i++) {
		u8 c = s[i];

		if (i < info->len && c != '/') {
			assert(c >= 0x20 && c != 0x7f && c != '\\');
			continue;
		}
		/* a segment s[seg..i) ends here */
		assert(i > seg);
		assert(i - seg <= HTTP_PATH_SEGMENT_MAX);
		assert(!(i - seg == 1 && s[seg] == '.'));
		assert(!(i - seg == 2 && s[seg] == '.' && s[seg + 1] == '.'));
		last = seg;
		segs++;
		seg = i + 1;
	}
	assert(info->depth == segs && segs <= HTTP_PATH_DEPTH_MAX);
	assert(info->name_off == last);
	assert(http_mime_type(s, info->len));
}

/* "/" + the encoded name (+ "/"): maps back to the same name. */
static void check_idempotent(const struct http_path_info *info)
{
	struct http_path_info info2;
	const char *reason;
	int n;

	enc[0] = '/';
	n = http_percent_encode(enc + 1, sizeof(enc) - 2, out, info->len, true);
	assert(n >= 0);
	assert(!http_path_to_relative(enc, n + 1, again, sizeof(again),
				      &info2, &reason));
	assert(info2.len == info->len && !memcmp(again, out, info->len + 1));
	assert(info2.trailing_slash == !info->len);
	assert(info2.depth == info->depth && info2.name_off == info->name_off);
	enc[n + 1] = '/';
	assert(!http_path_to_relative(enc, n + 2, again, sizeof(again),
				      &info2, &reason));
	assert(info2.len == info->len && !strcmp(again, out));
	assert(info2.trailing_slash);

	n = http_path_redirect(enc, sizeof(enc), out, info->len, "q=%41", 5);
	assert(n > 0 && (size_t)n == strlen(enc));
	assert(enc[0] == '/' && !memcmp(enc + n - 7, "/?q=%41", 7));
	assert(!http_path_to_relative(enc, n - 6, again, sizeof(again),
				      &info2, &reason));
	assert(!strcmp(again, out) && info2.trailing_slash);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const char *p = (const char *)data;
	struct http_path_info info, info2;
	const char *reason = NULL;
	size_t small;
	char *buf;
	int st, st2;

	st = http_path_to_relative(p, size, out, sizeof(out), &info, &reason);
	assert(st == 0 || st == 400 || st == 403 || st == 414);
	if (st) {
		assert(reason && *reason);
		assert(strlen(out) < sizeof(out));
	} else {
		check_shape(out, &info);
		check_idempotent(&info);
	}

	small = size ? data[size - 1] % 80 + 1 : 1;
	buf = malloc(small);
	assert(buf);
	st2 = http_path_to_relative(p, size, buf, small, &info2, &reason);
	if (!st && info.len < small) {
		assert(!st2 && !strcmp(buf, out));
		assert(info2.len == info.len &&
		       info2.trailing_slash == info.trailing_slash);
	} else if (!st) {
		assert(st2 == 414);
	} else {
		assert(st2);
	}
	assert(strlen(buf) < small);
	free(buf);
	return 0;
}
