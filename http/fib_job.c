// SPDX-License-Identifier: GPL-2.0
/*
 * fib_job.c - the Fibonacci service's jobs: a computation off the I/O
 * path, on the service's workqueue, shared by every request for the same
 * representation of F(N) that arrives while it runs (single flight).
 *
 * khttpd_fib_get() (fib.c) starts or joins one with khttpd_fib_job_join(),
 * or starts a streaming one with khttpd_fib_job_stream_start().  A job is
 * admitted (job_create(): max_result_bytes, max_jobs, the in-flight
 * budget), computes the text, its gzip (gzip.c) or converts into a stream
 * (stream.c), offers a body to the cache and calls its waiters back
 * (job_publish()); they take the result with khttpd_fib_collect() or
 * give up with khttpd_fib_cancel(), and the last to leave an unfinished
 * job cancels it.
 */
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "bignum/bignum.h"
#include "cache/cache.h"
#include "http/fib.h"
#include "http/fib_internal.h"
#include "http/gzip.h"
#include "http/stream.h"
#include "http/trace.h"

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
 * @gzip: the job makes the gzip representation
 * @computed: the job computed the text (else it was cached)
 * @cancelled: set when nobody waits any more
 * @done: the result is ready (read with smp_load_acquire())
 * @err: 0, or why there is no @body
 * @body: the text of F(N), or its gzip, on success
 * @stream: where a streamed text goes, or NULL
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
	bool gzip;
	bool computed;
	atomic_t cancelled;
	bool done;
	int err;
	struct khttpd_body *body;
	struct khttpd_stream *stream;
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
	khttpd_stream_put(job->stream);
	kfree(job);
}

static bool job_cancelled(void *arg)
{
	struct khttpd_job *job = arg;

	return atomic_read(&job->cancelled) ||
	       (job->stream && khttpd_stream_closed(job->stream));
}

static void fib_count(struct khttpd_fib *fib, enum khttpd_fib_stat s)
{
	atomic64_inc(&fib->stats[s]);
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
		if (job->computed)
			fib_count_time(fib, &job->timing);
		what = KHTTPD_COMPUTE_DONE;
	}
	trace_khttpd_compute(what, job->n, job->base,
			     job->body ? job->body->len :
			     job->stream ? job->stream->head : 0,
			     ktime_get_ns() - job->queued_ns);
}

/*
 * The gzip of F(N): from the cached text, or from one computed here and
 * offered to the cache as well.
 */
static int job_gzip(struct khttpd_job *job)
{
	struct khttpd_fib *fib = job->fib;
	struct khttpd_body *text;
	u64 t0;
	int err;

	text = khttpd_cache_get(khttpd_fib_key(job->n, job->base));
	if (!text) {
		err = khttpd_fib_text(job->n, job->base, &text, job_cancelled,
				      job, &job->timing);
		if (err)
			return err;
		job->computed = true;
		khttpd_body_charge(text, fib->budget);
		khttpd_cache_put(khttpd_fib_key(job->n, job->base), text,
				 job->timing.compute + job->timing.convert);
	}
	t0 = ktime_get_ns();
	err = khttpd_gzip(text, &job->body, job_cancelled, job);
	job->timing.gzip = ktime_get_ns() - t0;
	khttpd_body_put(text);
	return err;
}

/*
 * The result is ready: publish @err (and the body or stream) and call the
 * waiters back, once.  A stream's job does so when the conversion starts.
 */
static void job_publish(struct khttpd_job *job, int err)
{
	struct khttpd_fib_wait *w, *next;

	spin_lock(&running_lock);
	if (!job->done) {
		job->err = err;
		/* Pairs with khttpd_fib_collect(): err is set before done. */
		smp_store_release(&job->done, true);
		list_for_each_entry_safe(w, next, &job->waiters, node)
			w->done(w);
	}
	spin_unlock(&running_lock);
}

static int stream_append(void *arg, const char *buf, size_t len)
{
	struct khttpd_job *job = arg;

	return khttpd_stream_write(job->stream, buf, len,
				   job->fib->stream_timeout);
}

/*
 * F(N) converted into the job's stream: the waiter is called back once
 * F(N) is computed (the head can go), then the text follows as the
 * window lets it.
 */
static int job_stream(struct khttpd_job *job)
{
	struct bn_ctx ctx = { .cancelled = job_cancelled, .arg = job };
	u64 t0 = ktime_get_ns(), t1;
	struct bn *f;
	int err;

	err = bn_fib(&f, job->n, &ctx);
	t1 = ktime_get_ns();
	job->timing.compute = t1 - t0;
	job_publish(job, err);
	if (err)
		return err;
	err = bn_to_text(f, job->base, stream_append, job, &ctx);
	bn_free(f);
	job->timing.convert = ktime_get_ns() - t1;
	return err == -EOVERFLOW ? -EIO : err;
}

static void job_work(struct work_struct *work)
{
	struct khttpd_job *job = container_of(work, struct khttpd_job, work);
	struct khttpd_fib *fib = job->fib;
	int err;

	job->timing.queue = ktime_get_ns() - job->queued_ns;
	atomic_inc(&fib->nr_running);
	if (job_cancelled(job)) {
		err = -ECANCELED;
	} else if (job->gzip) {
		err = job_gzip(job);
	} else if (job->stream) {
		err = job_stream(job);
		job->computed = !err;
	} else {
		err = khttpd_fib_text(job->n, job->base, &job->body,
				      job_cancelled, job, &job->timing);
		job->computed = true;
	}
	atomic_dec(&fib->nr_running);
	if (job->stream)
		khttpd_stream_end(job->stream, err);
	if (job->body) {
		/* The text is charged until its last sender lets it go. */
		khttpd_body_charge(job->body, fib->budget);
		khttpd_cache_put(job->key, job->body,
				 job->timing.compute + job->timing.convert +
				 job->timing.gzip);
	}
	atomic64_sub(job->reserved, fib->budget);
	atomic_dec(&fib->nr_jobs);
	job_count(job, err);

	spin_lock(&running_lock);
	hash_del(&job->hnode);
	spin_unlock(&running_lock);
	job_publish(job, err);
	job_put(job);
}

/*
 * A new job for (@n, @base) and @gzip reserving @need bytes, or an errno
 * if the server cannot take it.
 */
static struct khttpd_job *job_create(struct khttpd_fib *fib, u32 n,
				     u32 base, bool gzip, u64 need)
{
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
	job->key = fib_key(n, base, gzip);
	job->n = n;
	job->base = base;
	job->gzip = gzip;
	job->reserved = need;
	job->queued_ns = ktime_get_ns();
	return job;

busy:
	atomic_dec(&fib->nr_jobs);
	fib_count(fib, KHTTPD_FIB_REFUSED);
	return ERR_PTR(-EBUSY);
}

/**
 * khttpd_fib_job_join() - wait for F(@n) in @base, or its gzip: join the
 * computation already running for it, or start one
 * @fib: the service
 * @wait: the caller's wait entry, with @wait->done set
 * @n: N
 * @base: 10 or 16
 * @gzip: the gzip representation of the text, not the text
 *
 * Return: 0, or -E2BIG, -EBUSY or -ENOMEM as job_create().
 */
int khttpd_fib_job_join(struct khttpd_fib *fib, struct khttpd_fib_wait *wait,
			u32 n, u32 base, bool gzip)
{
	u64 key = fib_key(n, base, gzip);
	struct khttpd_job *job;
	bool start = false;

	spin_lock(&running_lock);
	hash_for_each_possible(running, job, hnode, key)
		if (job->key == key && !atomic_read(&job->cancelled))
			break;
	if (job) {
		fib_count(fib, KHTTPD_FIB_JOINS);
	} else {
		job = job_create(fib, n, base, gzip, fib_need(n, base, gzip));
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
/**
 * khttpd_fib_job_stream_start() - start a job streaming F(@n) in @base to
 * @wait alone
 * @fib: the service
 * @wait: the caller's wait entry, with @wait->done set
 * @n: N
 * @base: 10 or 16
 *
 * The job joins nothing and nobody joins it.  Its reservation is split:
 * the window goes with the stream, freed when the sender lets it go; the
 * rest with the job.
 *
 * Return: 0, or -E2BIG, -EBUSY or -ENOMEM as job_create().
 */
int khttpd_fib_job_stream_start(struct khttpd_fib *fib,
				struct khttpd_fib_wait *wait, u32 n, u32 base)
{
	struct khttpd_job *job;

	/* Admitted first: a refused request allocates no window. */
	job = job_create(fib, n, base, false,
			 khttpd_fib_stream_estimate(n, base));
	if (IS_ERR(job))
		return PTR_ERR(job);
	job->stream = khttpd_stream_alloc(bn_fib_text_len(n, base));
	if (!job->stream) {
		atomic64_sub(job->reserved, fib->budget);
		atomic_dec(&fib->nr_jobs);
		kfree(job);
		return -ENOMEM;
	}
	khttpd_stream_charge(job->stream, fib->budget);
	job->reserved -= khttpd_stream_bytes();
	refcount_inc(&job->ref);
	spin_lock(&running_lock);
	list_add_tail(&wait->node, &job->waiters);
	job->nr_waiters = 1;
	wait->job = job;
	spin_unlock(&running_lock);
	fib_count(fib, KHTTPD_FIB_STARTED);
	trace_khttpd_compute(KHTTPD_COMPUTE_START, n, base, 0, 0);
	queue_work(fib->wq, &job->work);
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
	if (!err && job->stream) {
		/* The job goes on converting: what it timed so far. */
		res->stream = khttpd_stream_get(job->stream);
		res->timing.queue = job->timing.queue;
		res->timing.compute = job->timing.compute;
	} else if (!err) {
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
 * computation that has not completed cancels it; a streaming computation
 * is cancelled even if it has (nobody else can take its text).
 */
void khttpd_fib_cancel(struct khttpd_fib_wait *wait)
{
	if (!wait->job)
		return;
	khttpd_stream_close(wait->job->stream);
	job_leave(wait);
}
