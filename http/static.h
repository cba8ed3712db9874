/* SPDX-License-Identifier: GPL-2.0 */
/*
 * static.h - files and directory listings from the document root.
 */
#ifndef KHTTPD_STATIC_H
#define KHTTPD_STATIC_H

#include "cache/body.h"
#include "http/server.h"

/**
 * struct khttpd_static_reply - what to answer a request for a file
 * @status: 200, 206, 304, an error status, or 0 (nothing to serve)
 * @reason: one-line reason for an error status
 * @body: the file's bytes (or a listing) for 200 and 206
 * @type: Content-Type for @body
 * @extra: header lines: ETag, Last-Modified, Accept-Ranges, Content-Range,
 *         Location
 */
struct khttpd_static_reply {
	int status;
	const char *reason;
	struct khttpd_body *body;
	const char *type;
	char extra[512];
};

int khttpd_static_init(struct khttpd_server *srv, const char *docroot);
void khttpd_static_exit(struct khttpd_server *srv);
void khttpd_static_serve(struct khttpd_server *srv, const char *buf,
			 const struct http_request *req, bool index_only,
			 struct khttpd_static_reply *out);

#endif /* KHTTPD_STATIC_H */
