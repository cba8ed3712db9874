// SPDX-License-Identifier: GPL-2.0
/*
 * static.c - files from the document root; directory listings are
 * dirlist.c's.
 *
 * Path safety comes in three layers.  http_path_to_relative() (path.c)
 * refuses what no file name needs (NUL, backslashes, control bytes, "%2F")
 * and every ".." segment, raw or encoded, and yields a relative name.
 * That name is then looked up with vfs_path_lookup(LOOKUP_BENEATH) from the
 * document root, so that no symlink can lead outside it either: the kernel
 * fails such a walk with -EXDEV.  Both are answered 403.  And every lookup,
 * open and directory read is done as an unprivileged user (docroot_uid and
 * docroot_gid, nobody by default: no other group, no capability), whose
 * credentials replace the worker's own (root, every capability) for the
 * whole of khttpd_static_serve(): every directory on the way must be
 * searchable by that user and the file readable by it, and each
 * filesystem's and security module's own checks apply, exactly as for a
 * web server running as nobody.  Only regular files and directories are
 * served, and nothing from a pseudo filesystem (procfs, sysfs, ...), whose
 * modes say little about what reading a file reveals.
 *
 * File bodies are struct khttpd_body backed by the open file; conn.c sends
 * them from the page cache (see khttpd_body_file()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/sched/task.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>

#include "http/compat.h"
#include "http/proto/conditional.h"
#include "http/server.h"
#include "http/proto/mime.h"
#include "http/proto/path.h"
#include "http/proto/range.h"
#include "http/proto/response.h"
#include "http/static.h"
#include "http/static_internal.h"

/* Not in linux/magic.h: defined by the filesystems themselves. */
#define CONFIGFS_MAGIC		0x62656570
#define FUSE_CTL_SUPER_MAGIC	0x65735543
#define MQUEUE_MAGIC		0x19800202

/*
 * Filesystems whose files are views of the kernel's state, not documents:
 * their modes say little about what reading them reveals (addresses, other
 * processes, the server's own kworker), and some have side effects.
 */
static const unsigned long pseudo_magic[] = {
	PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
	SECURITYFS_MAGIC, SELINUX_MAGIC, SMACK_MAGIC, AAFS_MAGIC,
	CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, RDTGROUP_SUPER_MAGIC,
	BPF_FS_MAGIC, CONFIGFS_MAGIC, DEVPTS_SUPER_MAGIC, PSTOREFS_MAGIC,
	EFIVARFS_MAGIC, BINFMTFS_MAGIC, FUSE_CTL_SUPER_MAGIC, MQUEUE_MAGIC,
	NSFS_MAGIC, BINDERFS_SUPER_MAGIC, USBDEVICE_SUPER_MAGIC,
	XENFS_SUPER_MAGIC, OPENPROM_SUPER_MAGIC,
};

static bool on_pseudo_fs(const struct path *path)
{
	unsigned long magic = path->dentry->d_sb->s_magic;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pseudo_magic); i++)
		if (magic == pseudo_magic[i])
			return true;
	return false;
}

/*
 * The credentials of @uid and @gid: no supplementary group, no capability,
 * no keyring; the security module's label of a kernel service.  ->user
 * stays root's: it counts processes for RLIMIT_NPROC, and none is started.
 */
static const struct cred *unprivileged_cred(u32 uid, u32 gid)
{
	kuid_t kuid = make_kuid(&init_user_ns, uid);
	kgid_t kgid = make_kgid(&init_user_ns, gid);
	struct group_info *none;
	struct cred *cred;

	if (!uid_valid(kuid) || !gid_valid(kgid) ||
	    uid_eq(kuid, GLOBAL_ROOT_UID) || gid_eq(kgid, GLOBAL_ROOT_GID)) {
		pr_err("docroot_uid=%u docroot_gid=%u: not an unprivileged user and group\n",
		       uid, gid);
		return ERR_PTR(-EINVAL);
	}
	cred = prepare_kernel_cred(&init_task);
	none = groups_alloc(0);
	if (!cred || !none) {
		if (cred)
			put_cred(cred);
		if (none)
			put_group_info(none);
		return ERR_PTR(-ENOMEM);
	}
	set_groups(cred, none);
	put_group_info(none);
	cred->uid = cred->euid = cred->suid = cred->fsuid = kuid;
	cred->gid = cred->egid = cred->sgid = cred->fsgid = kgid;
	cred->cap_inheritable = CAP_EMPTY_SET;
	cred->cap_permitted = CAP_EMPTY_SET;
	cred->cap_effective = CAP_EMPTY_SET;
	cred->cap_bset = CAP_EMPTY_SET;
	cred->cap_ambient = CAP_EMPTY_SET;
	return cred;
}

/**
 * khttpd_static_init() - open the document root
 * @srv: the server, with its configuration
 * @docroot: absolute path of a directory, or "" to serve no files
 *
 * Prepares the credentials files are read with (@srv->cfg.docroot_uid and
 * docroot_gid, neither 0) and the cache of listings, and opens @docroot
 * (as root: its ancestors need not be searchable by that user, but it
 * must be, to serve anything).
 *
 * Return: 0; -EINVAL for a relative path, a docroot on a pseudo filesystem
 * or a uid or gid of 0 or unmapped; -ENOMEM; or the lookup's error.
 */
int khttpd_static_init(struct khttpd_server *srv, const char *docroot)
{
	struct khttpd_listings *ls;
	const struct cred *cred;
	int err;

	if (!docroot[0])
		return 0;
	if (docroot[0] != '/') {
		pr_err("docroot=%s is not an absolute path\n", docroot);
		return -EINVAL;
	}
	ls = listings_alloc();
	if (!ls)
		return -ENOMEM;
	cred = unprivileged_cred(srv->cfg.docroot_uid, srv->cfg.docroot_gid);
	if (IS_ERR(cred)) {
		err = PTR_ERR(cred);
		goto err_listings;
	}
	err = kern_path(docroot, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
			&srv->docroot);
	if (err) {
		pr_err("docroot=%s: %d\n", docroot, err);
		goto err_cred;
	}
	if (on_pseudo_fs(&srv->docroot)) {
		pr_err("docroot=%s is on a pseudo filesystem\n", docroot);
		err = -EINVAL;
		goto err_path;
	}
	srv->docroot_cred = cred;
	srv->listings = ls;
	srv->has_docroot = true;
	return 0;

err_path:
	path_put(&srv->docroot);
err_cred:
	put_cred(cred);
err_listings:
	listings_free(ls);
	return err;
}

/**
 * khttpd_static_exit() - let go of the document root
 * @srv: the server, no longer serving requests
 *
 * Drops the listings kept, returning their charge, and the credentials.
 */
void khttpd_static_exit(struct khttpd_server *srv)
{
	if (srv->has_docroot) {
		listings_free(srv->listings);
		srv->listings = NULL;
		path_put(&srv->docroot);
		put_cred(srv->docroot_cred);
		srv->docroot_cred = NULL;
	}
	srv->has_docroot = false;
}

/*
 * 0 if docroot_uid (the current credentials) may read the file, or read
 * and search the directory (to list it, or to find its index.html).
 */
static int may_serve(const struct path *path, const struct kstat *st)
{
	return path_permission(path, S_ISDIR(st->mode) ? MAY_READ | MAY_EXEC
						       : MAY_READ);
}

static int lookup_beneath(struct khttpd_server *srv, const char *rel,
			  struct path *path)
{
	if (!rel[0]) {
		*path = srv->docroot;
		path_get(path);
		return 0;
	}
	return vfs_path_lookup(srv->docroot.dentry, srv->docroot.mnt, rel,
			       LOOKUP_FOLLOW | LOOKUP_BENEATH, path);
}

/**
 * reply_lookup_error() - answer a failed lookup, open or read
 * @out: the reply
 * @err: the error: -EXDEV (outside the document root) and -EACCES or
 *       -EPERM are 403, -ENAMETOOLONG 414, anything else 404
 */
void reply_lookup_error(struct khttpd_static_reply *out, int err)
{
	switch (err) {
	case -EXDEV:
		reply_error(out, 403, "the path leads outside the document root");
		break;
	case -ENAMETOOLONG:
		reply_error(out, 414, "the path is too long");
		break;
	case -EACCES:
	case -EPERM:
		reply_error(out, 403, "permission denied");
		break;
	default:
		/* -ENOENT, -ENOTDIR, -ELOOP (a symlink loop), ... */
		reply_error(out, 404, "no such file");
		break;
	}
}

/* Validators: ETag and Last-Modified (clamped to now, RFC 9110 8.8.2.1). */
static int file_validators(const struct kstat *st, s64 now, char *etag,
			   s64 *last_modified)
{
	*last_modified = min_t(s64, st->mtime.tv_sec, now);
	return http_file_etag(etag, HTTP_ETAG_SIZE, st->ino, st->size,
			      st->mtime.tv_sec, st->mtime.tv_nsec);
}

static const char *span_or_null(const char *buf, struct http_span s,
				bool has)
{
	return has ? http_span_ptr(buf, s) : NULL;
}

/*
 * NUL-terminate a reply's header lines, written through @x into a buffer
 * one byte larger than @x->size (nothing overflows: they are short).
 */
static void extra_end(struct http_out *x)
{
	x->buf[min(x->pos, x->size)] = '\0';
}

static void serve_file(const struct path *path, const struct kstat *st,
		       const char *name, size_t name_len, const char *buf,
		       const struct http_request *req,
		       struct khttpd_static_reply *out)
{
	s64 now = ktime_get_real_seconds(), last_modified;
	char etag[HTTP_ETAG_SIZE], date[HTTP_DATE_LEN + 1];
	char content_range[HTTP_CONTENT_RANGE_SIZE];
	struct http_range r = { 0, st->size };
	struct http_cond c = { .method = req->method, .now = now };
	struct http_out x = { .buf = out->extra,
			      .size = sizeof(out->extra) - 1 };
	struct file *file;
	int etag_len, status = 200;

	etag_len = file_validators(st, now, etag, &last_modified);
	c.etag = etag;
	c.etag_len = etag_len;
	c.last_modified = last_modified;
	c.if_none_match = span_or_null(buf, req->if_none_match,
				       req->has_if_none_match);
	c.if_none_match_len = req->if_none_match.len;
	c.if_modified_since = span_or_null(buf, req->if_modified_since,
					   req->has_if_modified_since);
	c.if_modified_since_len = req->if_modified_since.len;
	http_format_date(date, sizeof(date), last_modified);
	http_out_str(&x, "ETag: ");
	http_out_mem(&x, etag, max(etag_len, 0));
	http_out_str(&x, "\r\nLast-Modified: ");
	http_out_mem(&x, date, HTTP_DATE_LEN);
	http_out_str(&x, "\r\nAccept-Ranges: bytes\r\n");
	extra_end(&x);
	out->type = http_mime_type(name, name_len);
	status = http_conditional(&c);
	if (status) {
		out->status = status;	/* 304: headers, no body */
		return;
	}
	if (req->method == HTTP_METHOD_GET && req->has_range &&
	    (!req->has_if_range ||
	     http_if_range(http_span_ptr(buf, req->if_range),
			   req->if_range.len, etag, etag_len, last_modified,
			   now)))
		status = http_range_parse(http_span_ptr(buf, req->range),
					  req->range.len, st->size, &r);
	else
		status = 200;
	if (status == 206 || status == 416) {
		http_content_range(content_range, sizeof(content_range), status,
				   status == 206 ? &r : NULL, st->size);
		http_out_str(&x, "Content-Range: ");
		http_out_str(&x, content_range);
		http_out_str(&x, "\r\n");
		extra_end(&x);
	}
	if (status == 416) {
		reply_error(out, 416, "the range is outside the file");
		return;
	}
	/* current_cred(): the user's (khttpd_static_serve()), kept in f_cred */
	file = dentry_open(path, O_RDONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(file)) {
		reply_lookup_error(out, PTR_ERR(file));
		return;
	}
	out->body = khttpd_body_file(file, r.start, r.length);
	if (!out->body) {
		fput(file);
		reply_busy(out, "out of memory, retry later");
		return;
	}
	out->status = status;
}

static void serve_directory(struct khttpd_server *srv, struct path *path,
			    const struct kstat *st, char *rel,
			    const struct http_path_info *info,
			    const char *buf, const struct http_request *req,
			    bool index_only, struct khttpd_static_reply *out)
{
	struct path index;
	struct kstat ist;
	int err;

	err = vfs_path_lookup(path->dentry, path->mnt, "index.html",
			      LOOKUP_FOLLOW | LOOKUP_BENEATH, &index);
	if (!err) {
		err = vfs_getattr(&index, &ist, STATX_BASIC_STATS,
				  AT_STATX_SYNC_AS_STAT);
		if (!err && S_ISREG(ist.mode) && !on_pseudo_fs(&index) &&
		    !may_serve(&index, &ist))
			serve_file(&index, &ist, "index.html", 10, buf, req,
				   out);
		else
			reply_error(out, 403, "index.html is not readable");
		path_put(&index);
		return;
	}
	if (err != -ENOENT) {
		reply_lookup_error(out, err);
		return;
	}
	if (index_only)
		return;			/* the caller answers "/" itself */
	serve_listing(srv, path, st, rel, info->len, out);
}

/* The path and query of the request-target. */
static int target_parts(const char *buf, const struct http_request *req,
			const char **path, size_t *path_len,
			const char **query, size_t *query_len)
{
	const char *t = http_span_ptr(buf, req->target);
	struct http_target tg;
	const char *reason;

	if (http_target_parse(t, req->target.len, false, &tg, &reason))
		return -EINVAL;
	*path = tg.path_len ? t + tg.path_off : "/";
	*path_len = tg.path_len ? tg.path_len : 1;
	*query = tg.has_query ? t + tg.query_off : NULL;
	*query_len = tg.query_len;
	return 0;
}

static void redirect_to_slash(const char *rel, size_t rel_len,
			      const char *query, size_t query_len,
			      struct khttpd_static_reply *out)
{
	char *loc = kmalloc(2 * HTTP_PATH_MAX, GFP_KERNEL);
	int n;

	n = loc ? http_path_redirect(loc, 2 * HTTP_PATH_MAX, rel, rel_len,
				     query, query_len) : -ENOMEM;
	if (n < 0 || n + 16 > sizeof(out->extra)) {
		reply_error(out, 414, "the path is too long to redirect");
	} else {
		scnprintf(out->extra, sizeof(out->extra), "Location: %s\r\n",
			  loc);
		reply_error(out, 301, "the directory's URL ends with a slash");
	}
	kfree(loc);
}

static void serve(struct khttpd_server *srv, const char *buf,
		  const struct http_request *req, bool index_only,
		  struct khttpd_static_reply *out)
{
	const char *path_s, *query, *reason;
	struct http_path_info info;
	size_t path_len, query_len, rel_size;
	struct path path;
	struct kstat st;
	char *rel;
	int err;

	if (target_parts(buf, req, &path_s, &path_len, &query, &query_len)) {
		reply_error(out, 400, "malformed request-target");
		return;
	}
	/*
	 * The name is never longer than the path it is decoded from, whose
	 * '/' it drops: no 4 KiB (zeroed by init_on_alloc) per request.
	 */
	rel_size = min_t(size_t, path_len + 1, HTTP_PATH_MAX);
	rel = kmalloc(rel_size, GFP_KERNEL);
	if (!rel) {
		reply_busy(out, "out of memory, retry later");
		return;
	}
	err = http_path_to_relative(path_s, path_len, rel, rel_size, &info,
				    &reason);
	if (err) {
		reply_error(out, err, reason);
		goto out;
	}
	err = lookup_beneath(srv, rel, &path);
	if (err) {
		reply_lookup_error(out, err);
		goto out;
	}
	err = vfs_getattr(&path, &st, STATX_BASIC_STATS, AT_STATX_SYNC_AS_STAT);
	if (err)
		reply_lookup_error(out, err);
	else if (on_pseudo_fs(&path))
		reply_error(out, 403, "the file is on a pseudo filesystem (procfs, sysfs, ...)");
	else if (!S_ISREG(st.mode) && !S_ISDIR(st.mode))
		reply_error(out, 403, "not a regular file or a directory");
	else if (may_serve(&path, &st))
		reply_error(out, 403, "permission denied");
	else if (S_ISDIR(st.mode) && info.len && !info.trailing_slash)
		redirect_to_slash(rel, info.len, query, query_len, out);
	else if (S_ISDIR(st.mode))
		serve_directory(srv, &path, &st, rel, &info, buf, req,
				index_only, out);
	else if (info.trailing_slash)
		reply_error(out, 404, "no such directory");
	else
		serve_file(&path, &st, rel + info.name_off,
			   info.len - info.name_off, buf, req, out);
	path_put(&path);
out:
	kfree(rel);
}

/**
 * khttpd_static_serve() - answer a request for a file or directory
 * @srv: the server, with a document root
 * @buf: the buffer the request was parsed from
 * @req: the request (GET or HEAD)
 * @index_only: the request is for "/": answer only if the document root
 *              has an index.html (out->status stays 0 otherwise)
 * @out: the reply; zeroed by the caller
 *
 * Every lookup, open and read of a directory is done with
 * @srv->docroot_cred, the caller's own credentials restored on return.
 *
 * On return out->status is 200 or 206 with out->body, 304 (headers only),
 * an error status with out->reason (and, for 301, 416 and 503, headers in
 * out->extra), or 0 with @index_only when there is nothing to serve.
 */
void khttpd_static_serve(struct khttpd_server *srv, const char *buf,
			 const struct http_request *req, bool index_only,
			 struct khttpd_static_reply *out)
{
	const struct cred *own = override_creds(srv->docroot_cred);

	serve(srv, buf, req, index_only, out);
	revert_creds(own);
}
