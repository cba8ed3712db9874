// SPDX-License-Identifier: GPL-2.0
/*
 * listing.c - HTML index of a directory.
 *
 * Every piece is written through a struct out that counts what it would
 * write even past the end of the buffer (or with no buffer at all), so
 * measuring and writing are the same code.
 */
#include "http/proto/listing.h"
#include "http/proto/path.h"
#include "http/proto/response.h"

/* A bounded destination that keeps counting past its end. */
struct out {
	char *buf;
	size_t size;
	size_t pos;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->buf && o->pos < o->size)
		memcpy(o->buf + o->pos, s,
		       len < o->size - o->pos ? len : o->size - o->pos);
	o->pos += len;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* @s HTML-escaped, for text and double-quoted attribute values. */
static void put_html(struct out *o, const char *s, size_t len)
{
	size_t i, run = 0;
	const char *ent;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			continue;
		}
		put(o, s + run, i - run);
		put_str(o, ent);
		run = i + 1;
	}
	put(o, s + run, len - run);
}

/* @s percent-encoded (a path segment, or a path with @keep_slash). */
static void put_url(struct out *o, const char *s, size_t len, bool keep_slash)
{
	int n = http_percent_encode(NULL, 0, s, len, keep_slash);

	if (n < 0) {
		/* More than INT_MAX bytes: report it as -ENOSPC. */
		o->buf = NULL;
		o->pos = (size_t)LONG_MAX + 1;
		return;
	}
	if (o->buf && o->pos < o->size)
		http_percent_encode(o->buf + o->pos, o->size - o->pos, s, len,
				    keep_slash);
	o->pos += n;
}

static long finish(const struct out *o)
{
	if (o->pos > LONG_MAX || (o->buf && o->pos > o->size))
		return -ENOSPC;
	return o->pos;
}

static void put_u64(struct out *o, u64 v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);

	put(o, num, n);
}

static void put_date(struct out *o, s64 t)
{
	char date[HTTP_DATE_LEN + 1];

	if (http_format_date(date, sizeof(date), t) == HTTP_DATE_LEN)
		put(o, date, HTTP_DATE_LEN);
	else
		put_str(o, "-");
}

/* "/" rel "/" (or "/"), HTML-escaped. */
static void put_title(struct out *o, const char *rel, size_t rel_len)
{
	put_str(o, "Index of /");
	if (rel_len) {
		put_html(o, rel, rel_len);
		put_str(o, "/");
	}
}

static void put_head(struct out *o, const char *rel, size_t rel_len)
{
	put_str(o, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
	put_title(o, rel, rel_len);
	put_str(o, "</title></head>\n<body><h1>");
	put_title(o, rel, rel_len);
	put_str(o, "</h1>\n<table>\n<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n");
	if (rel_len)
		put_str(o, "<tr><td><a href=\"../\">../</a></td><td>-</td><td>-</td></tr>\n");
}

static bool is_dot_or_dotdot(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') ||
	       (len == 2 && s[0] == '.' && s[1] == '.');
}

static void put_entry(struct out *o, const struct http_dirent *e)
{
	if (is_dot_or_dotdot(e->name, e->name_len))
		return;
	put_str(o, "<tr><td><a href=\"");
	put_url(o, e->name, e->name_len, false);
	if (e->is_dir)
		put_str(o, "/");
	put_str(o, "\">");
	put_html(o, e->name, e->name_len);
	if (e->is_dir)
		put_str(o, "/");
	put_str(o, "</a></td><td>");
	if (e->is_dir)
		put_str(o, "-");
	else
		put_u64(o, e->size);
	put_str(o, "</td><td>");
	put_date(o, e->mtime);
	put_str(o, "</td></tr>\n");
}

static void put_tail(struct out *o, bool truncated, size_t n)
{
	put_str(o, "</table>\n");
	if (truncated) {
		put_str(o, "<p>Truncated: the directory has more entries than the ");
		put_u64(o, n);
		put_str(o, " listed.</p>\n");
	}
	put_str(o, "</body></html>\n");
}

long http_listing_head(char *buf, size_t size, const char *rel,
		       size_t rel_len)
{
	struct out o = { buf, size, 0 };

	put_head(&o, rel, rel_len);
	return finish(&o);
}

long http_listing_entry(char *buf, size_t size, const struct http_dirent *e)
{
	struct out o = { buf, size, 0 };

	put_entry(&o, e);
	return finish(&o);
}

long http_listing_tail(char *buf, size_t size, bool truncated, size_t n)
{
	struct out o = { buf, size, 0 };

	put_tail(&o, truncated, n);
	return finish(&o);
}

long http_listing_format(char *buf, size_t size, const char *rel,
			 size_t rel_len, const struct http_dirent *e,
			 size_t n, bool truncated)
{
	struct out o = { buf, size, 0 };
	size_t i;

	put_head(&o, rel, rel_len);
	for (i = 0; i < n; i++)
		put_entry(&o, &e[i]);
	put_tail(&o, truncated, n);
	return finish(&o);
}

/* Directories first, then byte-wise name order (shorter prefix first). */
static int dirent_cmp(const struct http_dirent *a, const struct http_dirent *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c;

	if (a->is_dir != b->is_dir)
		return a->is_dir ? -1 : 1;
	c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	return a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
}

static void dirent_swap(struct http_dirent *a, struct http_dirent *b)
{
	struct http_dirent t = *a;

	*a = *b;
	*b = t;
}

/* Move e[root] down the max-heap e[0..n). */
static void sift_down(struct http_dirent *e, size_t root, size_t n)
{
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && dirent_cmp(&e[child], &e[child + 1]) < 0)
			child++;
		if (dirent_cmp(&e[root], &e[child]) >= 0)
			return;
		dirent_swap(&e[root], &e[child]);
		root = child;
	}
}

void http_dirent_sort(struct http_dirent *e, size_t n)
{
	size_t i;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sift_down(e, i, n);
	for (i = n - 1; i > 0; i--) {
		dirent_swap(&e[0], &e[i]);
		sift_down(e, 0, i);
		if (!(i & 1023))
			kshim_yield();
	}
}
