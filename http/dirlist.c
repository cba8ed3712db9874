// SPDX-License-Identifier: GPL-2.0
/*
 * dirlist.c - directory listings from the document root: the scratch a
 * directory is read into, the page built from it (at most
 * listing_max_entries entries, http/proto/listing.c formats it), and the
 * cache of the pages made in the last LISTING_CACHE_TTL.
 *
 * Everything is charged to the in-flight budget (max_inflight_mb): the
 * scratch while it lives, a page until its last sender lets it go.  The
 * lookups and the directory read run with the credentials
 * khttpd_static_serve() (static.c) put on.
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stat.h>
#include <linux/workqueue.h>

#include "http/compat.h"
#include "http/proto/listing.h"
#include "http/server.h"
#include "http/static.h"
#include "http/static_internal.h"

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
 * listings_alloc() - an empty cache of listings
 *
 * Return: the cache, for khttpd_server.listings, or NULL (out of memory).
 */
struct khttpd_listings *listings_alloc(void)
{
	struct khttpd_listings *ls;

	ls = kzalloc(sizeof(*ls), GFP_KERNEL);
	if (!ls)
		return NULL;
	spin_lock_init(&ls->lock);
	INIT_DELAYED_WORK(&ls->reap, listings_reap);
	return ls;
}

/**
 * listings_free() - drop the listings kept, and the cache
 * @ls: from listings_alloc(); no listing is being served from it
 *
 * The pages' charge goes back to the in-flight budget.
 */
void listings_free(struct khttpd_listings *ls)
{
	unsigned long next;

	cancel_delayed_work_sync(&ls->reap);
	listings_drop(ls, true, &next);
	kfree(ls);
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

/**
 * serve_listing() - answer a request for a directory with its listing
 * @srv: the server
 * @path: the directory, readable and searchable by docroot_uid
 * @st: its attributes
 * @rel: its relative name as requested (the page's title)
 * @rel_len: the length of @rel
 * @out: the reply
 *
 * The page of @path: made less than LISTING_CACHE_TTL ago, or now.  403
 * if listing_max_entries is 0; 503 over the in-flight budget or out of
 * memory.
 */
void serve_listing(struct khttpd_server *srv, const struct path *path,
		   const struct kstat *st, const char *rel, size_t rel_len,
		   struct khttpd_static_reply *out)
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
