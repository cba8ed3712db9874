/* SPDX-License-Identifier: GPL-2.0 */
/*
 * path.h - map the path of a request-target to a file name beneath the
 * document root, and build the URLs that point back at it.
 *
 * Kernel-agnostic (include/khttpd_shim.h only): pure functions, no
 * allocation, no global mutable state.  This is the first line of defence
 * against path traversal: its output never contains a ".." segment, a
 * leading '/', a NUL, a backslash or a control character.  The kernel side
 * must still resolve the name with LOOKUP_BENEATH (symlinks are the
 * filesystem's business, not the URL's).
 */
#ifndef KHTTPD_HTTP_PATH_H
#define KHTTPD_HTTP_PATH_H

#include "include/khttpd_shim.h"

/* Largest relative name produced, its NUL included (the kernel's PATH_MAX). */
#define HTTP_PATH_MAX 4096

/* Largest decoded segment, in bytes (the kernel's NAME_MAX). */
#define HTTP_PATH_SEGMENT_MAX 255

/* Most segments (directory levels plus the file) a path may have. */
#define HTTP_PATH_DEPTH_MAX 64

/**
 * struct http_path_info - what http_path_to_relative() found out
 * @len: length of the relative name written (without its NUL); 0 names
 *       the document root itself
 * @depth: number of segments in it (0 for the root)
 * @name_off: offset of its last segment (the file name, for
 *            http_mime_type()); 0 for the root
 * @trailing_slash: the request path ended in '/' (or in a "." segment,
 *                  which is the same thing), so it names a directory: a
 *                  directory requested without it is redirected (301),
 *                  a regular file requested with it is not found (404)
 */
struct http_path_info {
	size_t len;
	u32 depth;
	size_t name_off;
	bool trailing_slash;
};

/**
 * http_path_to_relative() - turn a request path into a name beneath the
 * document root
 * @path: the path of an origin-form (or absolute-form) request-target, as
 *        received: still percent-encoded, without the query
 * @len: its length; 0 is the empty path of absolute-form, i.e. "/"
 * @out: where the relative name is written, NUL-terminated: segments
 *       joined by single '/', no leading or trailing '/', "" for the root
 * @out_size: size of @out; at most HTTP_PATH_MAX bytes of it are used
 * @info: filled in on success
 * @reason: set to a one-line reason (static string) on failure
 *
 * The path is split on '/' first and each segment is then percent-decoded,
 * so an encoded "%2F" can never act as a separator.  Empty and "."
 * segments are dropped.  Checks, in byte order, first failure wins:
 *
 *  - 400 Bad Request: the path does not start with '/'; a byte other than
 *    a pchar, '/' or '%' (a raw backslash, space, control or non-ASCII
 *    byte); a malformed escape; an escape that decodes to NUL ("%00"),
 *    to a backslash ("%5C": no file name needs one and some filesystems
 *    and tools treat it as a separator), to another control character
 *    (0x01-0x1f, 0x7f), or to '/' ("%2F": no file name contains one);
 *  - 403 Forbidden: a ".." segment, raw or encoded ("%2e%2E", ".%2e").
 *    Dot-segments are never resolved: RFC 3986 clients remove them before
 *    sending, so only a crafted request carries one, and resolving them
 *    lexically would let "a/.." mean something other than what the
 *    filesystem means when "a" is a symlink;
 *  - 414 URI Too Long: a decoded segment longer than HTTP_PATH_SEGMENT_MAX,
 *    more than HTTP_PATH_DEPTH_MAX segments, or a name that does not fit
 *    in @out (or in HTTP_PATH_MAX) with its NUL.
 *
 * Return: 0 with @out and @info set, or 400, 403 or 414 with @reason set
 * (@out then holds an unspecified NUL-terminated string).
 */
int http_path_to_relative(const char *path, size_t len, char *out,
			  size_t out_size, struct http_path_info *info,
			  const char **reason);

/**
 * http_percent_encode() - percent-encode bytes for a URL path
 * @buf: destination, or NULL to measure only
 * @size: size of @buf (0 with a NULL @buf)
 * @s: the bytes
 * @len: their number
 * @keep_slash: copy '/' as is (a path) instead of encoding it (a segment)
 *
 * Every byte but the unreserved characters of RFC 3986 (ALPHA, DIGIT,
 * '-', '.', '_', '~') and, with @keep_slash, '/' becomes "%XX" with
 * upper-case hex digits.  The result is safe in a header field value, in
 * an HTML attribute and as a relative reference (no ':' survives).  No NUL
 * is written.
 *
 * Return: the length of the encoded form (what was written, or what would
 * be with a NULL @buf), or -ENOSPC if @buf is smaller than that.
 */
int http_percent_encode(char *buf, size_t size, const char *s, size_t len,
			bool keep_slash);

/**
 * http_path_redirect() - the Location of a directory's slash form
 * @buf: destination
 * @size: size of @buf
 * @rel: the relative name from http_path_to_relative()
 * @rel_len: its length
 * @query: the query of the request-target without its '?', or NULL
 * @query_len: its length
 *
 * Builds "/" @rel "/" with @rel percent-encoded (http_percent_encode(),
 * '/' kept), followed by "?" @query when @query is not NULL.  The query
 * is copied as received; it must consist of pchar, '/', '?' and '%'
 * bytes, as http_target_parse() guarantees, so nothing can break out of
 * the header field.
 *
 * Return: the length written (a NUL follows it), -ENOSPC if @buf is too
 * small, or -EINVAL if @query holds a byte not allowed there.
 */
int http_path_redirect(char *buf, size_t size, const char *rel,
		       size_t rel_len, const char *query, size_t query_len);

#endif /* KHTTPD_HTTP_PATH_H */
