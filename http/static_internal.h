/* SPDX-License-Identifier: GPL-2.0 */
/*
 * static_internal.h - what the files of the document root share:
 *
 *   static.c   the docroot, credentials, lookups, files and index.html
 *   dirlist.c  directory listings: scratch, page and the cache of pages
 *
 * Only these files include it; everyone else sees http/static.h.
 */
#ifndef KHTTPD_STATIC_INTERNAL_H
#define KHTTPD_STATIC_INTERNAL_H

#include <linux/path.h>
#include <linux/stat.h>
#include <linux/string.h>

#include "http/server.h"
#include "http/static.h"

static inline void reply_error(struct khttpd_static_reply *out, int status,
			       const char *reason)
{
	out->status = status;
	out->reason = reason;
}

static inline void reply_busy(struct khttpd_static_reply *out,
			      const char *reason)
{
	reply_error(out, 503, reason);
	strscpy(out->extra, "Retry-After: 1\r\n", sizeof(out->extra));
}

/* static.c */
void reply_lookup_error(struct khttpd_static_reply *out, int err);

/* dirlist.c */
struct khttpd_listings *listings_alloc(void);
void listings_free(struct khttpd_listings *ls);
void serve_listing(struct khttpd_server *srv, const struct path *path,
		   const struct kstat *st, const char *rel, size_t rel_len,
		   struct khttpd_static_reply *out);

#endif /* KHTTPD_STATIC_INTERNAL_H */
