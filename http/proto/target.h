/* SPDX-License-Identifier: GPL-2.0 */
/*
 * target.h - request-target forms, Host values and percent-decoding.
 *
 * Kernel-agnostic (include/khttpd_shim.h only): pure functions on byte
 * spans, no allocation, no global mutable state.  Nothing here copies the
 * target; percent-escapes are decoded on the fly while comparing.
 */
#ifndef KHTTPD_HTTP_TARGET_H
#define KHTTPD_HTTP_TARGET_H

#include "include/khttpd_shim.h"

/* Character classes of http_ctype[]. */
#define HTTP_CT_TCHAR	0x01	/* token character, RFC 9110 5.6.2 */
#define HTTP_CT_TARGET	0x02	/* may appear in a request-target */
#define HTTP_CT_FIELD	0x04	/* field-value: VCHAR, obs-text, SP, HTAB */
#define HTTP_CT_HEX	0x08	/* HEXDIG */
#define HTTP_CT_DIGIT	0x10	/* DIGIT */
#define HTTP_CT_PCHAR	0x20	/* unreserved, sub-delims, ':' and '@' */
#define HTTP_CT_ETAGC	0x40	/* etagc, RFC 9110 8.8.3 */

/* Read-only table of the classes above, indexed by byte value. */
extern const u8 http_ctype[256];

/**
 * http_is() - whether a byte belongs to a character class
 * @c: the byte
 * @class: one or more HTTP_CT_* bits
 *
 * Return: true if @c is in any of the classes in @class.
 */
static inline bool http_is(u8 c, u8 class)
{
	return http_ctype[c] & class;
}

/**
 * enum http_target_form - the four forms of request-target (RFC 9112 3.2)
 * @HTTP_FORM_ORIGIN: "/path?query"
 * @HTTP_FORM_ABSOLUTE: "http://host[:port]/path?query" (http or https)
 * @HTTP_FORM_AUTHORITY: "host:port", only with CONNECT
 * @HTTP_FORM_ASTERISK: "*", only with OPTIONS
 */
enum http_target_form {
	HTTP_FORM_ORIGIN,
	HTTP_FORM_ABSOLUTE,
	HTTP_FORM_AUTHORITY,
	HTTP_FORM_ASTERISK,
};

/**
 * struct http_target - a request-target split into its parts
 * @form: which of the four forms it is
 * @authority_off: offset of host[:port] in the target (absolute and
 *                 authority form; 0 otherwise)
 * @authority_len: its length (0 if none)
 * @path_off: offset of the path; in absolute-form the path may be empty,
 *            which means "/"
 * @path_len: its length
 * @query_off: offset of the query, just after '?'
 * @query_len: its length
 * @has_query: whether the target has a '?' (the query may still be empty)
 *
 * All offsets are relative to the first byte of the target.  The path and
 * the query are still percent-encoded.
 */
struct http_target {
	enum http_target_form form;
	u32 authority_off;
	u32 authority_len;
	u32 path_off;
	u32 path_len;
	u32 query_off;
	u32 query_len;
	bool has_query;
};

/**
 * http_target_parse() - check a request-target and split it
 * @t: the target, as it appears in the request line
 * @len: its length, at most U32_MAX
 * @connect: the method is CONNECT: @t must be in authority-form
 * @out: the parts, valid when 0 is returned
 * @reason: set to a one-line reason when 400 is returned
 *
 * Without @connect, "*" is asterisk-form, a target starting with '/' is
 * origin-form, and one starting with a scheme is absolute-form (only "http"
 * and "https", with a non-empty host and no userinfo).  Every path and
 * query byte must be a pchar, '/' or (query) '?'; every '%' must start a
 * valid escape and "%00" is refused anywhere.  The caller decides whether
 * the form suits the method (asterisk-form is for OPTIONS only).
 *
 * Return: 0, or 400 (Bad Request).
 */
int http_target_parse(const char *t, size_t len, bool connect,
		      struct http_target *out, const char **reason);

/**
 * http_host_valid() - whether a string is a valid uri-host [ ":" port ]
 * @s: the value, without surrounding whitespace
 * @len: its length
 * @allow_empty: accept an empty host (a Host field may be empty)
 *
 * The host is an IP-literal in brackets (hex digits, ':' and '.') or a
 * reg-name / IPv4 address of unreserved, sub-delims and valid escapes; the
 * port, if any, is decimal digits.
 *
 * Return: true if valid.
 */
bool http_host_valid(const char *s, size_t len, bool allow_empty);

/**
 * http_decode_at() - one byte of a checked URI part, decoding an escape
 * @s: the bytes, already checked by http_target_parse()
 * @i: index of the byte; advanced past it (3 bytes for an escape)
 *
 * Return: the decoded byte.
 */
u8 http_decode_at(const char *s, size_t *i);

/**
 * http_decoded_equals() - whether a checked URI part, percent-decoded, is
 * a given string
 * @s: the bytes, already checked by http_target_parse()
 * @len: their length
 * @lit: the NUL-terminated string
 *
 * Return: true if the decoded bytes are exactly @lit.
 */
bool http_decoded_equals(const char *s, size_t len, const char *lit);

#endif /* KHTTPD_HTTP_TARGET_H */
