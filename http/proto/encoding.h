/* SPDX-License-Identifier: GPL-2.0 */
/*
 * encoding.h - Accept-Encoding (RFC 9110 section 12.5.3): which content
 * codings a request accepts, with what weight, and which one to send.
 *
 * Kernel-agnostic (include/khttpd_shim.h only): pure functions, no
 * allocation, no global mutable state.  Only gzip and identity are
 * produced by khttpd, so only their weights are kept.
 */
#ifndef KHTTPD_HTTP_ENCODING_H
#define KHTTPD_HTTP_ENCODING_H

#include "include/khttpd_shim.h"

/* A q-value in thousandths: "q=1" is 1000, "q=0.5" 500, "q=0" 0. */
#define HTTP_Q_MAX 1000

/*
 * The weight of identity when the field neither lists it nor says
 * "*;q=0": acceptable by default (RFC 9110 12.5.3) but preferred to
 * nothing the client listed.
 */
#define HTTP_Q_DEFAULT 1

/**
 * struct http_accept_encoding - what an Accept-Encoding field accepts
 * @gzip: the weight of gzip, 0..HTTP_Q_MAX, 0 if not acceptable: that of
 *        "gzip" or its alias "x-gzip" if listed (the higher if both),
 *        else that of "*", else 0
 * @identity: the weight of no content coding: that of "identity" if
 *            listed, else 0 after "*;q=0", else HTTP_Q_DEFAULT
 */
struct http_accept_encoding {
	u16 gzip;
	u16 identity;
};

/**
 * enum http_coding - the content coding of a response
 * @HTTP_CODING_NONE: nothing the request accepts (406 Not Acceptable)
 * @HTTP_CODING_IDENTITY: no content coding
 * @HTTP_CODING_GZIP: gzip
 */
enum http_coding {
	HTTP_CODING_NONE,
	HTTP_CODING_IDENTITY,
	HTTP_CODING_GZIP,
};

/**
 * http_accept_encoding_absent() - what a request without the field accepts
 * @ae: set to identity only: a client that does not ask gets no coding
 */
void http_accept_encoding_absent(struct http_accept_encoding *ae);

/**
 * http_accept_encoding_parse() - parse an Accept-Encoding field value
 * @v: the value (surrounding whitespace allowed)
 * @len: its length
 * @ae: set to the weights of gzip and identity when 0 is returned
 *
 * The grammar is #( codings [ weight ] ): a comma-separated list (empty
 * elements allowed) of content-coding tokens, "identity" or "*", each
 * with at most one ";q=" parameter whose value is a qvalue ("0", "0.5",
 * "1.000"; at most three decimals, at most 1).  Codings and the "q" are
 * case-insensitive; whitespace is allowed around "," and ";".  An empty
 * value accepts no coding: identity only.  Anything else (another
 * parameter, a q-value over 1 or with four decimals, a missing token) is
 * invalid, and the caller should then disregard the field.
 *
 * Return: 0, or -EINVAL if @v is not a valid Accept-Encoding value.
 */
int http_accept_encoding_parse(const char *v, size_t len,
			       struct http_accept_encoding *ae);

/**
 * http_coding_choose() - the coding to send
 * @ae: what the request accepts
 * @gzip_worthwhile: whether gzip is worth offering (a large enough body)
 *
 * gzip when it is acceptable and weighs at least as much as identity
 * (a tie goes to the smaller representation), or when it is acceptable
 * and identity is not, worthwhile or not; else identity if acceptable;
 * else none.
 *
 * Return: the coding, or HTTP_CODING_NONE if no representation is
 * acceptable.
 */
enum http_coding http_coding_choose(const struct http_accept_encoding *ae,
				    bool gzip_worthwhile);

#endif /* KHTTPD_HTTP_ENCODING_H */
