/* SPDX-License-Identifier: GPL-2.0 */
/*
 * listing.h - HTML index of a directory without index.html.
 *
 * Kernel-agnostic (include/khttpd_shim.h only): no allocation, no global
 * mutable state.  The page is produced in pieces (head, one row per entry,
 * tail), each into a caller's buffer, so it can be measured first (for
 * Content-Length) and then streamed a page at a time.  The layout is:
 *
 *   <!DOCTYPE html>
 *   <html><head><meta charset="utf-8"><title>Index of /d/</title></head>
 *   <body><h1>Index of /d/</h1>
 *   <table>
 *   <tr><th>Name</th><th>Size</th><th>Last modified</th></tr>
 *   <tr><td><a href="../">../</a></td><td>-</td><td>-</td></tr>
 *   <tr><td><a href="sub/">sub/</a></td><td>-</td><td>DATE</td></tr>
 *   <tr><td><a href="a%20b.txt">a b.txt</a></td><td>12</td><td>DATE</td></tr>
 *   </table>
 *   </body></html>
 *
 * one line each, LF-terminated, DATE an IMF-fixdate.  The "../" row is
 * left out at the document root.  A listing cut short by the server's cap
 * says so between the table and the end of the body:
 *
 *   <p>Truncated: the directory has more entries than the N listed.</p>
 *  Links are relative, so the directory
 * must be served at its slash form (see http_path_redirect()).
 */
#ifndef KHTTPD_HTTP_LISTING_H
#define KHTTPD_HTTP_LISTING_H

#include "include/khttpd_shim.h"

/**
 * struct http_dirent - one directory entry to list
 * @name: its name (not NUL-terminated; no '/' and no NUL in it)
 * @name_len: its length, 1..255
 * @is_dir: it is a directory (listed with a trailing '/', size "-")
 * @size: its size in bytes (files)
 * @mtime: its modification time, seconds since the epoch
 */
struct http_dirent {
	const char *name;
	size_t name_len;
	bool is_dir;
	u64 size;
	s64 mtime;
};

/**
 * http_dirent_sort() - sort entries for listing
 * @e: the entries
 * @n: their number
 *
 * Directories first, then files; each group in byte-wise name order (the
 * order of strcmp(), so "B" < "a" and UTF-8 sorts by code point).  An
 * in-place heapsort: O(n log n) time, O(1) stack, no recursion.
 */
void http_dirent_sort(struct http_dirent *e, size_t n);

/**
 * http_listing_head() - the start of the page, up to the "../" row
 * @buf: destination, or NULL to measure only
 * @size: size of @buf (0 with a NULL @buf)
 * @rel: the directory's relative name, from http_path_to_relative()
 *       ("" for the document root)
 * @rel_len: its length
 *
 * The title and heading are "Index of /" @rel "/" (just "/" for the root),
 * HTML-escaped.  No NUL is written.
 *
 * Return: the length (written, or needed with a NULL @buf), or -ENOSPC if
 * @buf is smaller than that (its contents are then undefined).
 */
long http_listing_head(char *buf, size_t size, const char *rel,
		       size_t rel_len);

/**
 * http_listing_entry() - one row of the page
 * @buf: destination, or NULL to measure only
 * @size: size of @buf (0 with a NULL @buf)
 * @e: the entry
 *
 * The link is the name percent-encoded (every byte but ALPHA, DIGIT and
 * "-._~"), plus '/' for a directory; the text is the name HTML-escaped
 * ('&', '<', '>', '"', '\'' become entities; other bytes, UTF-8
 * included, are copied).  "." and ".." produce nothing (0), so the
 * entries of a directory can be passed as read.  No NUL is written.
 *
 * Return: as http_listing_head(); at most 2560 bytes for a valid entry.
 */
long http_listing_entry(char *buf, size_t size, const struct http_dirent *e);

/**
 * http_listing_tail() - the end of the page
 * @buf: destination, or NULL to measure only
 * @size: size of @buf (0 with a NULL @buf)
 * @truncated: the directory has more entries than the page lists
 * @n: the number of entries the page lists (said when @truncated)
 *
 * Return: as http_listing_head().
 */
long http_listing_tail(char *buf, size_t size, bool truncated, size_t n);

/**
 * http_listing_format() - a whole page at once
 * @buf: destination, or NULL to measure only
 * @size: size of @buf (0 with a NULL @buf)
 * @rel: as for http_listing_head()
 * @rel_len: its length
 * @e: the entries, in the order they are to appear (http_dirent_sort())
 * @n: their number
 * @truncated: the directory has more entries than @e (see
 *             http_listing_tail())
 *
 * Head, every entry and tail, concatenated.  No NUL is written.
 *
 * Return: the length (written, or needed with a NULL @buf), or -ENOSPC if
 * @buf is smaller than that.
 */
long http_listing_format(char *buf, size_t size, const char *rel,
			 size_t rel_len, const struct http_dirent *e,
			 size_t n, bool truncated);

#endif /* KHTTPD_HTTP_LISTING_H */
