// SPDX-License-Identifier: GPL-2.0
/*
 * fib.c - the Fibonacci service: F(N) as text, from the cache, computed
 * inline, or by a shared computation off the I/O path.
 *
 * khttpd_fib_get() looks in the cache first.  Small N are computed inline:
 * microseconds.  Larger N become a job on the unbound compute workqueue,
 * whose max_active is the max_compute parameter; at most
 * max_compute_queue more wait for a slot, and every job reserves its
 * estimated peak memory from the in-flight budget before it is queued.
 * Beyond either bound the caller is told -EBUSY at once.  Requests for an
 * (N, base) already being computed join that job (single flight) and all
 * get the same body; the job is cancelled when the last of them goes
 * away, and the computation polls that flag often and stops.  A finished
 * body goes into the cache before the waiters are called back.
 *
 * F(N) comes from bignum/ and is converted to text in one body, whose
 * exact length is known before the conversion starts.
 */
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "bignum/bignum.h"
#include "cache/cache.h"
#include "http/fib.h"

#define CREATE_TRACE_POINTS
#include "http/trace.h"

/**
 * khttpd_fib_key() - the cache key of F(@n) in @base
 * @n: N
 * @base: 10 or 16
 *
 * Return: the key, unique per (N, base).
 */
u64 khttpd_fib_key(u32 n, u32 base)
{
	return (u64)n << 8 | base;
}

/**
 * khttpd_fib_etag() - append the entity-tag of F(@n) in @base, quotes
 * included ("fib-N-BASE": one per representation, never changing)
 * @o: the output
 * @n: N
 * @base: 10 or 16
 */
void khttpd_fib_etag(struct http_out *o, u32 n, u32 base)
{
	http_out_str(o, "\"fib-");
	http_out_u64(o, n);
	http_out_str(o, "-");
	http_out_u64(o, base);
	http_out_str(o, "\"");
}

/**
 * khttpd_fib_estimate() - upper bound of the memory F(@n) as text needs
 * @n: N
 * @base: 10 or 16
 *
 * The bignum library's peak (the number, its conversion's temporaries)
 * plus the text itself, which is kept whole for sending.
 *
 * Return: bytes.
 */
u64 khttpd_fib_estimate(u32 n, u32 base)
{
	s64 len = bn_fib_text_len(n, base);

	return bn_fib_peak_bytes(n, base) + (len > 0 ? len : 0) +
	       sizeof(struct khttpd_body);
}

struct text_sink {
	struct khttpd_body *body;
	size_t pos;
};

static int text_append(void *arg, const char *buf, size_t len)
{
	struct text_sink *ts = arg;

	if (len > ts->body->len - ts->pos)
		return -EOVERFLOW;	/* bn_fib_text_len() was wrong */
	memcpy(ts->body->data + ts->pos, buf, len);
	ts->pos += len;
	return 0;
}

/**
 * khttpd_fib_text() - F(@n) as decimal or hexadecimal text
 * @n: N
 * @base: 10 or 16
 * @out: set to a new body holding the text, on success
 * @cancelled: polled during long work; true stops it (may be NULL)
 * @arg: argument of @cancelled
 * @timing: filled in with the compute and convert times (may be NULL)
 *
 * Return: 0, -ENOMEM, -ECANCELED, or -EIO if the text was not the length
 * announced.
 */
int khttpd_fib_text(u32 n, u32 base, struct khttpd_body **out,
		    bool (*cancelled)(void *arg), void *arg,
		    struct khttpd_timing *timing)
{
	struct bn_ctx ctx = { .cancelled = cancelled, .arg = arg };
	struct text_sink ts = { 0 };
	s64 len = bn_fib_text_len(n, base);
	u64 t0 = ktime_get_ns(), t1;
	struct bn *f;
	int err;

	if (len <= 0)
		return -EINVAL;
	err = bn_fib(&f, n, &ctx);
	if (err)
		return err;
	t1 = ktime_get_ns();
	ts.body = khttpd_body_alloc(len);
	if (!ts.body) {
		bn_free(f);
		return -ENOMEM;
	}
	err = bn_to_text(f, base, text_append, &ts, &ctx);
	bn_free(f);
	if (!err && ts.pos != (size_t)len)
		err = -EIO;
	if (err) {
		khttpd_body_put(ts.body);
		return err == -EOVERFLOW ? -EIO : err;
	}
	if (timing) {
		timing->compute = t1 - t0;
		timing->convert = ktime_get_ns() - t1;
	}
	*out = ts.body;
	return 0;
}

/**
 * struct khttpd_job - one computation of F(N) as text, shared by every
 * request for the same (N, base) that arrives while it runs
 * @work: runs on the service's workqueue
 * @hnode: in the table of running jobs, until done
 * @fib: the service
 * @ref: references: the worker, and each waiter
 * @waiters: the waiters' struct khttpd_fib_wait
 * @nr_waiters: how many; the last to leave an unfinished job cancels it
 * @key: khttpd_fib_key(@n, @base)
 * @n: N
 * @base: 10 or 16
 * @cancelled: set when nobody waits any more
 * @done: the result is ready (read with smp_load_acquire())
 * @err: 0, or why there is no @body
 * @body: the text of F(N), on success
 * @reserved: bytes reserved from the in-flight budget while computing
 * @queued_ns: when it was queued
 * @timing: how long the stages took
 */
struct khttpd_job {
	struct work_struct work;
	struct hlist_node hnode;
	struct khttpd_fib *fib;
	refcount_t ref;
	struct list_head waiters;
	unsigned int nr_waiters;
	u64 key;
	u32 n;
	u32 base;
	atomic_t cancelled;
	bool done;
	int err;
	struct khttpd_body *body;
	u64 reserved;
	u64 queued_ns;
	struct khttpd_timing timing;
};

/* Jobs still computing, by (N, base): where a miss finds one to join. */
static DEFINE_HASHTABLE(running, 8);
static DEFINE_SPINLOCK(running_lock);

static void job_put(struct khttpd_job *job)
{
	if (!refcount_dec_and_test(&job->ref))
		return;
	khttpd_body_put(job->body);
	kfree(job);
}

static bool job_cancelled(void *arg)
{
	struct khttpd_job *job = arg;

	return atomic_read(&job->cancelled);
}

static void fib_count(struct khttpd_fib *fib, enum khttpd_fib_stat s)
{
	atomic64_inc(&fib->stats[s]);
}

/* A computation produced its text: into the histogram of /metrics. */
static void fib_count_time(struct khttpd_fib *fib,
			   const struct khttpd_timing *t)
{
	u64 ns = t->compute + t->convert;

	atomic64_inc(&fib->hist[khttpd_hist_bucket(ns)]);
	atomic64_add(ns, &fib->hist_ns);
}

static void job_count(struct khttpd_job *job, int err)
{
	struct khttpd_fib *fib = job->fib;
	int what;

	if (err == -ECANCELED) {
		fib_count(fib, KHTTPD_FIB_CANCELLED);
		what = KHTTPD_COMPUTE_CANCEL;
	} else if (err) {
		fib_count(fib, KHTTPD_FIB_FAILED);
		what = KHTTPD_COMPUTE_FAIL;
	} else {
		fib_count(fib, KHTTPD_FIB_DONE);
		fib_count_time(fib, &job->timing);
		what = KHTTPD_COMPUTE_DONE;
	}
	trace_khttpd_compute(what, job->n, job->base,
			     job->body ? job->body->len : 0,
			     ktime_get_ns() - job->queued_ns);
}

static void job_work(struct work_struct *work)
{
	struct khttpd_job *job = container_of(work, struct khttpd_job, work);
	struct khttpd_fib *fib = job->fib;
	struct khttpd_fib_wait *w, *next;
	int err;

	job->timing.queue = ktime_get_ns() - job->queued_ns;
	atomic_inc(&fib->nr_running);
	if (job_cancelled(job))
		err = -ECANCELED;
	else
		err = khttpd_fib_text(job->n, job->base, &job->body,
				      job_cancelled, job, &job->timing);
	atomic_dec(&fib->nr_running);
	if (job->body) {
		/* The text is charged until its last sender lets it go. */
		khttpd_body_charge(job->body, fib->budget);
		khttpd_cache_put(job->key, job->body,
				 job->timing.compute + job->timing.convert);
	}
	atomic64_sub(job->reserved, fib->budget);
	atomic_dec(&fib->nr_jobs);
	job_count(job, err);

	spin_lock(&running_lock);
	hash_del(&job->hnode);
	job->err = err;
	/* Pairs with khttpd_fib_collect(): err and body are set before done. */
	smp_store_release(&job->done, true);
	list_for_each_entry_safe(w, next, &job->waiters, node)
		w->done(w);
	spin_unlock(&running_lock);
	job_put(job);
}

/* A new job for (@n, @base), or an errno if the server cannot take it. */
static struct khttpd_job *job_create(struct khttpd_fib *fib, u32 n,
				     u32 base)
{
	u64 need = khttpd_fib_estimate(n, base);
	struct khttpd_job *job;

	if (need > fib->max_result_bytes)
		return ERR_PTR(-E2BIG);
	if (atomic_inc_return(&fib->nr_jobs) > fib->max_jobs)
		goto busy;
	if (atomic64_add_return(need, fib->budget) > fib->max_inflight_bytes) {
		atomic64_sub(need, fib->budget);
		goto busy;
	}
	job = kzalloc(sizeof(*job), GFP_ATOMIC | __GFP_NOWARN);
	if (!job) {
		atomic64_sub(need, fib->budget);
		atomic_dec(&fib->nr_jobs);
		return ERR_PTR(-ENOMEM);
	}
	INIT_WORK(&job->work, job_work);
	INIT_LIST_HEAD(&job->waiters);
	refcount_set(&job->ref, 1);	/* the worker's */
	job->fib = fib;
	job->key = khttpd_fib_key(n, base);
	job->n = n;
	job->base = base;
	job->reserved = need;
	job->queued_ns = ktime_get_ns();
	return job;

busy:
	atomic_dec(&fib->nr_jobs);
	fib_count(fib, KHTTPD_FIB_REFUSED);
	return ERR_PTR(-EBUSY);
}

/*
 * Wait for F(@n) in @base: join the computation already running for it,
 * or start one.  0, or -E2BIG, -EBUSY or -ENOMEM as job_create().
 */
static int job_join(struct khttpd_fib *fib, struct khttpd_fib_wait *wait,
		    u32 n, u32 base)
{
	u64 key = khttpd_fib_key(n, base);
	struct khttpd_job *job;
	bool start = false;

	spin_lock(&running_lock);
	hash_for_each_possible(running, job, hnode, key)
		if (job->key == key && !atomic_read(&job->cancelled))
			break;
	if (job) {
		fib_count(fib, KHTTPD_FIB_JOINS);
	} else {
		job = job_create(fib, n, base);
		if (IS_ERR(job)) {
			spin_unlock(&running_lock);
			return PTR_ERR(job);
		}
		hash_add(running, &job->hnode, key);
		start = true;
	}
	refcount_inc(&job->ref);
	list_add_tail(&wait->node, &job->waiters);
	job->nr_waiters++;
	wait->job = job;
	spin_unlock(&running_lock);
	if (start) {
		fib_count(fib, KHTTPD_FIB_STARTED);
		trace_khttpd_compute(KHTTPD_COMPUTE_START, n, base, 0, 0);
		queue_work(fib->wq, &job->work);
	}
	return 0;
}

/* N up to this is computed inline by the caller: microseconds. */
#define QUICK_MAX_N 10000

/**
 * khttpd_fib_get() - F(@n) in @base as text
 * @fib: the service
 * @n: N
 * @base: 10 or 16
 * @wait: the caller's wait entry, with @wait->done set; used only when
 *        -EINPROGRESS is returned
 * @res: the result, when 0 is returned
 *
 * A cached body is returned at once, and so is the text of a small N,
 * computed here and offered to the cache.  Otherwise the caller waits for
 * a computation, started or joined: @wait->done(@wait) is called once it
 * completes, and the caller then takes the result with
 * khttpd_fib_collect() (or gives up with khttpd_fib_cancel()).
 *
 * Return: 0 with @res set; -EINPROGRESS; -E2BIG if the result would
 * exceed max_result_bytes; -EBUSY if the queue or the in-flight budget is
 * full; -ENOMEM; -EIO if the text came out the wrong length.
 */
int khttpd_fib_get(struct khttpd_fib *fib, u32 n, u32 base,
		   struct khttpd_fib_wait *wait, struct khttpd_fib_result *res)
{
	u64 key = khttpd_fib_key(n, base);
	int err;

	memset(res, 0, sizeof(*res));
	res->body = khttpd_cache_get(key);
	if (res->body) {
		res->hit = true;
		return 0;
	}
	if (n <= QUICK_MAX_N) {
		err = khttpd_fib_text(n, base, &res->body, NULL, NULL,
				      &res->timing);
		if (err)
			return err;
		fib_count_time(fib, &res->timing);
		/* Counted like a job's text until the cache takes it. */
		khttpd_body_charge(res->body, fib->budget);
		khttpd_cache_put(key, res->body, res->timing.compute +
				 res->timing.convert);
		return 0;
	}
	err = job_join(fib, wait, n, base);
	return err ?: -EINPROGRESS;
}

/**
 * khttpd_fib_peek() - F(@n) in @base if cached, else only its length
 * @fib: the service
 * @n: N
 * @base: 10 or 16
 * @body: set to the cached text (a reference the caller drops), or NULL
 * @len: set to the length of the text
 *
 * For HEAD: nothing is computed, the length of a text not in the cache
 * comes from bn_fib_text_len() in O(1).
 *
 * Return: 0; -E2BIG where khttpd_fib_get() would refuse the computation
 * as too big; -EIO for an N out of range.
 */
int khttpd_fib_peek(struct khttpd_fib *fib, u32 n, u32 base,
		    struct khttpd_body **body, u64 *len)
{
	s64 l;

	*body = khttpd_cache_get(khttpd_fib_key(n, base));
	if (*body) {
		*len = (*body)->len;
		return 0;
	}
	if (n > QUICK_MAX_N &&
	    khttpd_fib_estimate(n, base) > fib->max_result_bytes)
		return -E2BIG;
	l = bn_fib_text_len(n, base);
	if (l <= 0)
		return -EIO;
	*len = l;
	return 0;
}

/* Stop waiting; the last waiter of an unfinished job cancels it. */
static void job_leave(struct khttpd_fib_wait *wait)
{
	struct khttpd_job *job = wait->job;

	spin_lock(&running_lock);
	list_del(&wait->node);
	if (!--job->nr_waiters && !job->done)
		atomic_set(&job->cancelled, 1);
	spin_unlock(&running_lock);
	wait->job = NULL;
	job_put(job);
}

/**
 * khttpd_fib_collect() - take the result a wait entry was called back for
 * @wait: the entry, after its @done was called
 * @res: the result, when 0 is returned
 *
 * Ends the wait.  Called before @done (a spurious wake-up), it returns
 * -EINPROGRESS and the wait goes on.
 *
 * Return: 0 with @res set, -EINPROGRESS, or why the computation failed
 * (-ENOMEM, -EIO, ...).
 */
int khttpd_fib_collect(struct khttpd_fib_wait *wait,
		       struct khttpd_fib_result *res)
{
	struct khttpd_job *job = wait->job;
	int err;

	/* Pairs with job_work(): done is set after err and body. */
	if (!job || !smp_load_acquire(&job->done))
		return -EINPROGRESS;
	memset(res, 0, sizeof(*res));
	err = job->err;
	if (!err) {
		res->body = khttpd_body_get(job->body);
		res->timing = job->timing;
	}
	job_leave(wait);
	return err;
}

/**
 * khttpd_fib_cancel() - stop waiting, done or not
 * @wait: the entry; nothing happens unless it is waiting
 *
 * After it returns @wait->done is not called.  The last waiter to leave a
 * computation that has not completed cancels it.
 */
void khttpd_fib_cancel(struct khttpd_fib_wait *wait)
{
	if (wait->job)
		job_leave(wait);
}
