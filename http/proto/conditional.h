/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conditional.h - validators of static files and conditional requests
 * (RFC 9110 sections 8.8 and 13): HTTP-date parsing, ETag generation,
 * If-None-Match / If-Modified-Since and If-Range.
 *
 * Kernel-agnostic (include/khttpd_shim.h only): pure functions, no
 * allocation, no global mutable state.
 */
#ifndef KHTTPD_HTTP_CONDITIONAL_H
#define KHTTPD_HTTP_CONDITIONAL_H

#include "include/khttpd_shim.h"
#include "http/proto/parser.h"

/* Size of a buffer that always holds http_file_etag()'s tag and a NUL. */
#define HTTP_ETAG_SIZE 56

/* 9999-12-31T23:59:59Z, the last second an HTTP-date can express. */
#define HTTP_DATE_MAX 253402300799LL

/**
 * http_parse_date() - parse an HTTP-date (RFC 9110 section 5.6.7)
 * @s: the field value; surrounding spaces and tabs are ignored
 * @len: its length
 * @now: the current time, seconds since the epoch (only for rfc850-date)
 * @out: set to the time, seconds since the epoch, when 0 is returned
 *
 * Accepts the three formats recipients must accept, case-sensitively:
 *
 *  - IMF-fixdate:  "Sun, 06 Nov 1994 08:49:37 GMT" (year 0000-9999);
 *  - rfc850-date:  "Sunday, 06-Nov-94 08:49:37 GMT", whose two-digit year
 *    is the latest year with those digits that is at most 50 years after
 *    the year of @now (so "more than 50 years in the future" becomes the
 *    most recent such year in the past, as section 5.6.7 demands);
 *  - asctime-date: "Sun Nov  6 08:49:37 1994" (day as SP DIGIT or 2DIGIT).
 *
 * The day name must be a valid one but need not agree with the date; the
 * day must exist in its month (leap years included); hour 00-23, minute
 * 00-59, second 00-60 (a leap second counts as the next minute).
 *
 * Return: 0, or -EINVAL if @s is not an HTTP-date.
 */
int http_parse_date(const char *s, size_t len, s64 now, s64 *out);

/**
 * http_file_etag() - the entity-tag of a file
 * @buf: destination
 * @buf_size: its size; HTTP_ETAG_SIZE always suffices
 * @ino: the inode number
 * @file_size: the file size in bytes
 * @mtime_sec: the modification time, seconds since the epoch
 * @mtime_nsec: its nanoseconds, 0..999999999
 *
 * A strong tag "\"<ino>-<size>-<mtime>\"", each field lower-case hex
 * without leading zeros, <mtime> being the modification time in
 * nanoseconds (modulo 2^64).  Any change to the file's content through
 * the filesystem changes its size or mtime, so the tag changes with it.
 *
 * Return: the length written (a NUL follows), or -ENOSPC.
 */
int http_file_etag(char *buf, size_t buf_size, u64 ino, u64 file_size,
		   s64 mtime_sec, u32 mtime_nsec);

/**
 * struct http_cond - what a conditional GET or HEAD is evaluated on
 * @method: the request method
 * @if_none_match: the If-None-Match field value, or NULL if absent (or
 *                 sent more than once: see struct http_request)
 * @if_none_match_len: its length
 * @if_modified_since: the If-Modified-Since field value, or NULL if absent
 * @if_modified_since_len: its length
 * @etag: the file's current entity-tag, from http_file_etag()
 * @etag_len: its length
 * @last_modified: the file's Last-Modified time in seconds (already
 *                 clamped to @now, as RFC 9110 section 8.8.2.1 requires)
 * @now: the current time, seconds since the epoch
 */
struct http_cond {
	enum http_method method;
	const char *if_none_match;
	size_t if_none_match_len;
	const char *if_modified_since;
	size_t if_modified_since_len;
	const char *etag;
	size_t etag_len;
	s64 last_modified;
	s64 now;
};

/**
 * http_conditional() - evaluate If-None-Match and If-Modified-Since
 * @c: the request's preconditions and the file's validators
 *
 * RFC 9110 section 13.2.2, steps 3 and 4.  Steps 1 and 2 (If-Match,
 * If-Unmodified-Since) are not evaluated here: the parser does not keep
 * those fields, and If-Match needs the strong comparison that
 * http_etag_match() does not offer.
 *
 *  - If-None-Match present: it alone decides, by weak comparison
 *    (http_etag_match()); if it matches, GET and HEAD get 304 and any
 *    other method 412;
 *  - otherwise, for GET and HEAD only, If-Modified-Since: ignored unless
 *    it is a valid HTTP-date not later than @now; 304 if @last_modified
 *    is at or before it.
 *
 * Return: 304 (Not Modified), 412 (Precondition Failed), or 0 to go on
 * with the request (then evaluate Range, with http_if_range()).
 */
int http_conditional(const struct http_cond *c);

/**
 * http_if_range() - whether an If-Range condition lets Range apply
 * @val: the If-Range field value
 * @len: its length
 * @etag: the file's current entity-tag (quotes included)
 * @etag_len: its length
 * @last_modified: the file's Last-Modified time in seconds
 * @now: the current time, seconds since the epoch
 *
 * RFC 9110 section 13.1.5: an entity-tag must match @etag by strong
 * comparison (a weak tag on either side never matches); an HTTP-date must
 * equal @last_modified exactly, and only counts as a strong validator if
 * @last_modified lies in a second that is over (@last_modified < @now).
 * Anything else, including a syntax error, is false.
 *
 * Return: true to honour Range, false to ignore it and send the whole file.
 */
bool http_if_range(const char *val, size_t len, const char *etag,
		   size_t etag_len, s64 last_modified, s64 now);

/**
 * http_etag_match() - whether If-None-Match matches an entity-tag
 * @list: the If-None-Match field value ("*" or a list of entity-tags)
 * @len: its length
 * @etag: the current entity-tag of the resource, quotes included,
 *        optionally with "W/" (e.g. "\"f-100\"")
 * @etag_len: its length
 *
 * Uses the weak comparison of RFC 9110 8.8.3.2, as If-None-Match requires:
 * "W/" prefixes are ignored and the opaque tags compared byte for byte.
 * "*" matches any current representation.  A list with a syntax error
 * matches nothing, so the request is then answered unconditionally.
 *
 * Return: true if the condition "none match" is false, i.e. the caller may
 * answer 304 Not Modified (GET/HEAD).
 */
bool http_etag_match(const char *list, size_t len, const char *etag,
		     size_t etag_len);

#endif /* KHTTPD_HTTP_CONDITIONAL_H */
