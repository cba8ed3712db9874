/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gzip.h - a body's gzip representation (RFC 1952), made with the
 * kernel's zlib: raw deflate, Huffman coding only (see cache.md for the
 * measurement that chose it), in steps that poll for cancellation.
 */
#ifndef KHTTPD_GZIP_H
#define KHTTPD_GZIP_H

#include <linux/types.h>

#include "cache/body.h"

size_t khttpd_gzip_bound(size_t len);
size_t khttpd_gzip_estimate(size_t len);
int khttpd_gzip(const struct khttpd_body *in, struct khttpd_body **out,
		bool (*cancelled)(void *arg), void *arg);

#endif /* KHTTPD_GZIP_H */
