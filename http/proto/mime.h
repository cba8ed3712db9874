/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mime.h - Content-Type of a static file from its name.
 *
 * Kernel-agnostic (include/khttpd_shim.h only).
 */
#ifndef KHTTPD_HTTP_MIME_H
#define KHTTPD_HTTP_MIME_H

#include "include/khttpd_shim.h"

/* The Content-Type of a file whose extension is not known. */
#define HTTP_MIME_DEFAULT "application/octet-stream"

/**
 * http_mime_type() - the media type for a file name
 * @name: a file name or a path (only what follows its last '/' counts)
 * @len: its length
 *
 * The extension is what follows the last '.' of the file name, compared
 * case-insensitively against a sorted table of common web types (binary
 * search).  Text types carry "; charset=utf-8".  A name without an
 * extension, or with an unknown one, is HTTP_MIME_DEFAULT.
 *
 * Return: a static string usable as a Content-Type field value.
 */
const char *http_mime_type(const char *name, size_t len);

#endif /* KHTTPD_HTTP_MIME_H */
