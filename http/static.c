// SPDX-License-Identifier: GPL-2.0
/*
 * static.c - files and directory listings from the document root.
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
#include <linux/spinlock.h>
#include <linux/stat.h>
#include <linux/sched/task.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>

#include "http/compat.h"
#include "http/proto/conditional.h"
#include "http/server.h"
#include "http/proto/listing.h"
#include "http/proto/mime.h"
#include "http/proto/path.h"
#include "http/proto/range.h"
#include "http/proto/response.h"
#include "http/static.h"

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

/* Listings are kept this long, in at most this many slots. */
#define LISTING_CACHE_TTL	HZ
#define LISTING_CACHE_SLOTS	8

/**
 * struct listing_slot - a listing made less than LISTING_CACHE_TTL ago
 * @body: the page, still charged to the in-flight budget; NULL: free slot
 * @rel: the directory's relative name as requested (the page's title)
 * @rel_len: its length
 * @dev: the directory's device ...
 * @ino: ... and inode number ...
 * @mtime: ... and modification time ...
 * @ctime: ... and change time, when the page was made: a name added,
 *         removed or renamed, or a change of the directory's mode or
 *         owner, changes one of them
 * @expires: jiffies from which the page is not served again
 */
struct listing_slot {
	struct khttpd_body *body;
	char *rel;
	size_t rel_len;
	dev_t dev;
	u64 ino;
	struct timespec64 mtime;
	struct timespec64 ctime;
	unsigned long expires;
};

/**
 * struct khttpd_listings - the listings made in the last LISTING_CACHE_TTL
 * @lock: protects @slot
 * @slot: the listings
 * @reap: drops expired listings, so that their charge goes back
 */
struct khttpd_listings {
	spinlock_t lock;
	struct listing_slot slot[LISTING_CACHE_SLOTS];
	struct delayed_work reap;
};

static bool slot_is(const struct listing_slot *s, const struct kstat *st,
		    const char *rel, size_t rel_len)
{
	return s->body && s->dev == st->dev && s->ino == st->ino &&
	       s->rel_len == rel_len && !memcmp(s->rel, rel, rel_len);
}

/* The page of the directory @st at @rel if made recently, or NULL. */
static struct khttpd_body *listings_get(struct khttpd_listings *ls,
					const struct kstat *st,
					const char *rel, size_t rel_len)
{
	struct khttpd_body *body = NULL;
	size_t i;

	spin_lock(&ls->lock);
	for (i = 0; i < LISTING_CACHE_SLOTS; i++) {
		struct listing_slot *s = &ls->slot[i];

		if (slot_is(s, st, rel, rel_len) &&
		    timespec64_equal(&s->mtime, &st->mtime) &&
		    timespec64_equal(&s->ctime, &st->ctime) &&
		    time_before(jiffies, s->expires)) {
			body = khttpd_body_get(s->body);
			break;
		}
	}
	spin_unlock(&ls->lock);
	return body;
}

/*
 * Keep @body, the page of @st at @rel, for LISTING_CACHE_TTL: in the slot
 * of an older page of the same, else a free slot, else the slot closest
 * to expiry.
 */
static void listings_put(struct khttpd_listings *ls, const struct kstat *st,
			 const char *rel, size_t rel_len,
			 struct khttpd_body *body)
{
	char *key = kmemdup(rel, rel_len + 1, GFP_KERNEL);
	struct listing_slot *s, *victim = NULL;
	struct listing_slot old;
	size_t i;

	if (!key)
		return;			/* not kept: no harm */
	spin_lock(&ls->lock);
	for (i = 0; i < LISTING_CACHE_SLOTS; i++) {
		s = &ls->slot[i];
		if (slot_is(s, st, rel, rel_len)) {
			victim = s;
			break;
		}
		if (!victim || (victim->body &&
				(!s->body ||
				 time_before(s->expires, victim->expires))))
			victim = s;
	}
	old = *victim;
	*victim = (struct listing_slot){
		.body = khttpd_body_get(body),
		.rel = key,
		.rel_len = rel_len,
		.dev = st->dev,
		.ino = st->ino,
		.mtime = st->mtime,
		.ctime = st->ctime,
		.expires = jiffies + LISTING_CACHE_TTL,
	};
	spin_unlock(&ls->lock);
	khttpd_body_put(old.body);
	kfree(old.rel);
	schedule_delayed_work(&ls->reap, LISTING_CACHE_TTL);
}

/* Empty the slots that have expired, or all; true if some are left. */
static bool listings_drop(struct khttpd_listings *ls, bool all,
			  unsigned long *next)
{
	struct khttpd_body *body[LISTING_CACHE_SLOTS];
	char *rel[LISTING_CACHE_SLOTS];
	bool left = false;
	size_t i, n = 0;

	spin_lock(&ls->lock);
	for (i = 0; i < LISTING_CACHE_SLOTS; i++) {
		struct listing_slot *s = &ls->slot[i];

		if (!s->body)
			continue;
		if (all || !time_before(jiffies, s->expires)) {
			body[n] = s->body;
			rel[n++] = s->rel;
			*s = (struct listing_slot){};
		} else if (!left || time_before(s->expires, *next)) {
			*next = s->expires;
			left = true;
		}
	}
	spin_unlock(&ls->lock);
	for (i = 0; i < n; i++) {
		khttpd_body_put(body[i]);
		kfree(rel[i]);
	}
	return left;
}

static void listings_reap(struct work_struct *work)
{
	struct khttpd_listings *ls = container_of(to_delayed_work(work),
						  struct khttpd_listings,
						  reap);
	unsigned long next;

	if (listings_drop(ls, false, &next))
		schedule_delayed_work(&ls->reap,
				      max_t(long, (long)(next - jiffies), 1));
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
	ls = kzalloc(sizeof(*ls), GFP_KERNEL);
	if (!ls)
		return -ENOMEM;
	spin_lock_init(&ls->lock);
	INIT_DELAYED_WORK(&ls->reap, listings_reap);
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
	kfree(ls);
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
	unsigned long next;

	if (srv->has_docroot) {
		cancel_delayed_work_sync(&srv->listings->reap);
		listings_drop(srv->listings, true, &next);
		kfree(srv->listings);
		srv->listings = NULL;
		path_put(&srv->docroot);
		put_cred(srv->docroot_cred);
		srv->docroot_cred = NULL;
	}
	srv->has_docroot = false;
}

static void reply_error(struct khttpd_static_reply *out, int status,
			const char *reason)
{
	out->status = status;
	out->reason = reason;
}

static void reply_busy(struct khttpd_static_reply *out, const char *reason)
{
	reply_error(out, 503, reason);
	strscpy(out->extra, "Retry-After: 1\r\n", sizeof(out->extra));
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

static void reply_lookup_error(struct khttpd_static_reply *out, int err)
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

/* A listing's scratch starts this small and doubles as the directory needs. */
#define LISTING_FIRST_ENTRIES	32
#define LISTING_FIRST_NAMES	1024

/* An entry as read: where its name is in the names, and its type. */
struct listing_name {
	u32 off;
	u8 len;
	u8 type;
};

/**
 * struct listing_ctx - a directory being read for its listing
 * @ctx: for iterate_dir()
 * @srv: the server, whose in-flight budget the scratch is charged to
 * @read: the entries read so far, @n of @read_cap
 * @names: their names, end to end, @names_used of @names_cap bytes
 * @n: entries read
 * @read_cap: room in @read
 * @names_used: bytes in @names
 * @names_cap: room in @names
 * @max: entries to read at most (listing_max_entries)
 * @err: -EBUSY (over the budget) or -ENOMEM if reading stopped for it
 * @truncated: the directory has more than @max entries
 */
struct listing_ctx {
	struct dir_context ctx;
	struct khttpd_server *srv;
	struct listing_name *read;
	char *names;
	size_t n, read_cap, names_used, names_cap, max;
	int err;
	bool truncated;
};

/* Reserve @bytes of the in-flight budget: false if it would overflow. */
static bool budget_take(struct khttpd_server *srv, size_t bytes)
{
	if (atomic64_add_return(bytes, &srv->inflight_bytes) >
	    srv->cfg.max_inflight_bytes) {
		atomic64_sub(bytes, &srv->inflight_bytes);
		return false;
	}
	return true;
}

static void budget_give(struct khttpd_server *srv, size_t bytes)
{
	atomic64_sub(bytes, &srv->inflight_bytes);
}

/* @n elements of @size bytes, charged; NULL with lc->err set if not. */
static void *scratch_alloc(struct listing_ctx *lc, size_t n, size_t size)
{
	void *p;

	if (!budget_take(lc->srv, n * size)) {
		lc->err = -EBUSY;
		return NULL;
	}
	p = kvmalloc_array(n, size, GFP_KERNEL);
	if (!p) {
		budget_give(lc->srv, n * size);
		lc->err = -ENOMEM;
		return NULL;
	}
	return p;
}

static void scratch_free(struct listing_ctx *lc, void *p, size_t n,
			 size_t size)
{
	if (!p)
		return;
	kvfree(p);
	budget_give(lc->srv, n * size);
}

/*
 * Room for @more elements after the @used of *@p (*@cap elements of @size
 * bytes): doubles, from @first, to at most @limit (>= @used + @more).
 */
static bool scratch_grow(struct listing_ctx *lc, void **p, size_t *cap,
			 size_t used, size_t more, size_t size, size_t first,
			 size_t limit)
{
	size_t want = min(max3(first, 2 * *cap, used + more), limit);
	void *q;

	if (used + more <= *cap)
		return true;
	q = scratch_alloc(lc, want, size);
	if (!q)
		return false;
	if (used)
		memcpy(q, *p, used * size);
	scratch_free(lc, *p, *cap, size);
	*p = q;
	*cap = want;
	return true;
}

static bool listing_actor(struct dir_context *ctx, const char *name,
			  int len, loff_t off, u64 ino, unsigned int type)
{
	struct listing_ctx *lc = container_of(ctx, struct listing_ctx, ctx);
	struct listing_name *e;

	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (len < 1 || len > NAME_MAX)
		return true;		/* no lookup could find it */
	if (lc->n == lc->max) {
		lc->truncated = true;
		return false;
	}
	if (!scratch_grow(lc, (void **)&lc->read, &lc->read_cap, lc->n, 1,
			  sizeof(*lc->read), LISTING_FIRST_ENTRIES, lc->max) ||
	    !scratch_grow(lc, (void **)&lc->names, &lc->names_cap,
			  lc->names_used, len, 1, LISTING_FIRST_NAMES,
			  SIZE_MAX))
		return false;
	memcpy(lc->names + lc->names_used, name, len);
	e = &lc->read[lc->n++];
	e->off = lc->names_used;
	e->len = len;
	e->type = type;
	lc->names_used += len;
	return true;
}

/*
 * Size, mtime and kind of each of the @n entries; those that vanished are
 * dropped.  Return: the entries kept.
 */
static size_t listing_stat(struct dentry *dir, struct http_dirent *ents,
			   size_t n)
{
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		struct http_dirent *e = &ents[i];
		struct dentry *d;
		struct inode *inode;

		d = lookup_one_len_unlocked(e->name, dir, e->name_len);
		if (IS_ERR(d))
			continue;
		inode = d_inode(d);
		if (inode) {
			e->is_dir = S_ISDIR(inode->i_mode);
			e->size = i_size_read(inode);
			e->mtime = khttpd_inode_mtime_sec(inode);
			ents[kept++] = *e;
		}
		dput(d);
		cond_resched();
	}
	return kept;
}

static void reply_listing_error(struct khttpd_static_reply *out, int err)
{
	if (err == -EBUSY)
		reply_busy(out, "the listing would exceed max_inflight_mb, retry later");
	else if (err == -ENOMEM)
		reply_busy(out, "out of memory, retry later");
	else if (err == -ENOENT || err == -EACCES || err == -EPERM)
		reply_lookup_error(out, err);
	else
		reply_error(out, 403, "cannot read the directory");
}

/*
 * The page of a directory: at most listing_max_entries of its entries,
 * read into scratch that grows with it; the page is charged to the
 * in-flight budget until its last sender lets it go, the scratch while it
 * lives, and either over the budget is 503.
 */
static struct khttpd_body *listing_build(struct khttpd_server *srv,
					 const struct path *path,
					 const char *rel, size_t rel_len,
					 int *errp)
{
	struct listing_ctx lc = {
		.ctx.actor = listing_actor,
		.srv = srv,
		.max = srv->cfg.listing_max_entries,
	};
	struct khttpd_body *body = NULL;
	struct http_dirent *ents = NULL;
	struct file *dir;
	size_t i, n = 0, ents_cap = 0;
	long len;
	int err;

	dir = dentry_open(path, O_RDONLY | O_DIRECTORY, current_cred());
	if (IS_ERR(dir)) {
		*errp = PTR_ERR(dir);
		return NULL;
	}
	err = iterate_dir(dir, &lc.ctx) ?: lc.err;
	fput(dir);
	if (!err) {
		n = lc.n;
		ents_cap = max_t(size_t, n, 1);
		ents = scratch_alloc(&lc, ents_cap, sizeof(*ents));
		err = lc.err;
	}
	if (err)
		goto out;
	for (i = 0; i < n; i++)
		ents[i] = (struct http_dirent){
			.name = lc.names + lc.read[i].off,
			.name_len = lc.read[i].len,
			.is_dir = lc.read[i].type == DT_DIR,
		};
	scratch_free(&lc, lc.read, lc.read_cap, sizeof(*lc.read));
	lc.read = NULL;
	n = listing_stat(path->dentry, ents, n);
	http_dirent_sort(ents, n);
	len = http_listing_format(NULL, 0, rel, rel_len, ents, n,
				  lc.truncated);
	err = -ENOMEM;
	if (len <= 0)
		goto out;
	err = -EBUSY;
	if (!budget_take(srv, len))
		goto out;
	err = -ENOMEM;
	body = khttpd_body_alloc(len);
	if (!body) {
		budget_give(srv, len);
		goto out;
	}
	http_listing_format(body->data, len, rel, rel_len, ents, n,
			    lc.truncated);
	/* The reservation becomes the body's charge. */
	khttpd_body_charge(body, &srv->inflight_bytes);
	budget_give(srv, len);
	err = 0;
out:
	scratch_free(&lc, ents, ents_cap, sizeof(*ents));
	scratch_free(&lc, lc.read, lc.read_cap, sizeof(*lc.read));
	scratch_free(&lc, lc.names, lc.names_cap, 1);
	*errp = err;
	return body;
}

/* The page of @path: made less than LISTING_CACHE_TTL ago, or now. */
static void serve_listing(struct khttpd_server *srv, const struct path *path,
			  const struct kstat *st, const char *rel,
			  size_t rel_len, struct khttpd_static_reply *out)
{
	int err;

	if (!srv->cfg.listing_max_entries) {
		reply_error(out, 403, "directory listings are disabled");
		return;
	}
	out->body = listings_get(srv->listings, st, rel, rel_len);
	if (!out->body) {
		out->body = listing_build(srv, path, rel, rel_len, &err);
		if (!out->body) {
			reply_listing_error(out, err);
			return;
		}
		listings_put(srv->listings, st, rel, rel_len, out->body);
	}
	out->status = 200;
	out->type = "text/html; charset=utf-8";
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
