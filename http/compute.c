// SPDX-License-Identifier: GPL-2.0
/*
 * compute.c - computing F(N) as text, off the I/O path.
 *
 * F(N) comes from bignum/ and is converted to text in one body, whose
 * exact length is known before the conversion starts.
 *
 * Small N are answered inline by the connection.  Larger N become a job on
 * the unbound compute workqueue, whose max_active is the max_compute
 * parameter; at most max_compute_queue more wait for a slot, and every job
 * reserves its estimated peak memory from the server's in-flight budget
 * before it is queued.  Beyond either bound the client is told 503 at
 * once.  Requests for an (N, base) already being computed join that job
 * (single flight) and all get the same body; the job is cancelled when the
 * last of them goes away, and the computation polls that flag often and
 * stops.  A finished body goes into the cache before the waiters are
 * told.
 */
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "bignum/bignum.h"
#include "cache/cache.h"
#include "http/khttpd.h"

/* N up to this is computed inline by the connection: microseconds. */
#define QUICK_MAX_N 10000

/**
 * khttpd_fib_is_quick() - whether F(@n) is cheap enough to answer inline
 * @n: N
 *
 * Return: true for N whose computation and conversion take microseconds.
 */
bool khttpd_fib_is_quick(u32 n)
{
	return n <= QUICK_MAX_N;
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

/* Jobs still computing, by (N, base): where a miss finds one to join. */
static DEFINE_HASHTABLE(running, 8);
static DEFINE_SPINLOCK(running_lock);

static u64 job_key(u32 n, u32 base)
{
	return (u64)n << 8 | base;
}

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

static void job_count(int err)
{
	if (err == -ECANCELED)
		khttpd_stat_inc(KHTTPD_STAT_JOBS_CANCELLED);
	else if (err)
		khttpd_stat_inc(KHTTPD_STAT_JOBS_FAILED);
	else
		khttpd_stat_inc(KHTTPD_STAT_JOBS_DONE);
}

static void job_work(struct work_struct *work)
{
	struct khttpd_job *job = container_of(work, struct khttpd_job, work);
	struct khttpd_server *srv = job->srv;
	struct khttpd_job_wait *w;
	int err;

	job->timing.queue = ktime_get_ns() - job->queued_ns;
	if (job_cancelled(job))
		err = -ECANCELED;
	else
		err = khttpd_fib_text(job->n, job->base, &job->body,
				      job_cancelled, job, &job->timing);
	if (job->body) {
		/* The text is charged until its last sender lets it go. */
		job->body->srv = srv;
		job->body->charge = job->body->len;
		atomic64_add(job->body->charge, &srv->inflight_bytes);
		khttpd_cache_put(job->n, job->base, job->body);
	}
	atomic64_sub(job->reserved, &srv->inflight_bytes);
	atomic_dec(&srv->nr_jobs);
	job_count(err);

	spin_lock(&running_lock);
	hash_del(&job->hnode);
	job->err = err;
	/* Pairs with conn_finish_job(): err and body are set before done. */
	smp_store_release(&job->done, true);
	list_for_each_entry(w, &job->waiters, node)
		khttpd_conn_job_done(w->conn);
	spin_unlock(&running_lock);
	job_put(job);
}

/* A new job for (@n, @base), or an errno if the server cannot take it. */
static struct khttpd_job *job_create(struct khttpd_server *srv, u32 n,
				     u32 base)
{
	u64 need = khttpd_fib_estimate(n, base);
	struct khttpd_job *job;

	if (need > srv->cfg.max_result_bytes)
		return ERR_PTR(-E2BIG);
	if (atomic_inc_return(&srv->nr_jobs) >
	    srv->cfg.max_compute + srv->cfg.max_compute_queue)
		goto busy;
	if (atomic64_add_return(need, &srv->inflight_bytes) >
	    srv->cfg.max_inflight_bytes) {
		atomic64_sub(need, &srv->inflight_bytes);
		goto busy;
	}
	job = kzalloc(sizeof(*job), GFP_ATOMIC | __GFP_NOWARN);
	if (!job) {
		atomic64_sub(need, &srv->inflight_bytes);
		atomic_dec(&srv->nr_jobs);
		return ERR_PTR(-ENOMEM);
	}
	INIT_WORK(&job->work, job_work);
	INIT_LIST_HEAD(&job->waiters);
	refcount_set(&job->ref, 1);	/* the worker's */
	job->srv = srv;
	job->key = job_key(n, base);
	job->n = n;
	job->base = base;
	job->reserved = need;
	job->queued_ns = ktime_get_ns();
	return job;

busy:
	atomic_dec(&srv->nr_jobs);
	khttpd_stat_inc(KHTTPD_STAT_JOBS_REFUSED);
	return ERR_PTR(-EBUSY);
}

/**
 * khttpd_job_join() - wait for F(@n) in @base: join the computation already
 * running for it, or start one
 * @srv: the server
 * @wait: the connection's wait entry; its @conn is set by the caller
 * @n: N
 * @base: 10 or 16
 * @out: the job; the connection holds a reference until it calls
 *       khttpd_job_leave()
 *
 * When the job completes, khttpd_conn_job_done() is called for every
 * connection waiting on it.
 *
 * Return: 0; -E2BIG if the result would exceed max_result_bytes; -EBUSY if
 * the queue or the in-flight memory budget is full; -ENOMEM.
 */
int khttpd_job_join(struct khttpd_server *srv, struct khttpd_job_wait *wait,
		    u32 n, u32 base, struct khttpd_job **out)
{
	u64 key = job_key(n, base);
	struct khttpd_job *job;
	bool start = false;

	spin_lock(&running_lock);
	hash_for_each_possible(running, job, hnode, key)
		if (job->key == key && !atomic_read(&job->cancelled))
			break;
	if (job) {
		khttpd_cache_count_join();
	} else {
		job = job_create(srv, n, base);
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
	spin_unlock(&running_lock);
	if (start) {
		khttpd_stat_inc(KHTTPD_STAT_JOBS_STARTED);
		queue_work(srv->compute_wq, &job->work);
	}
	*out = job;
	return 0;
}

/**
 * khttpd_job_leave() - stop waiting for a job, done or not
 * @job: the job
 * @wait: the connection's wait entry
 *
 * The last connection to leave a job that has not completed cancels it.
 */
void khttpd_job_leave(struct khttpd_job *job, struct khttpd_job_wait *wait)
{
	spin_lock(&running_lock);
	list_del(&wait->node);
	if (!--job->nr_waiters && !job->done)
		atomic_set(&job->cancelled, 1);
	spin_unlock(&running_lock);
	job_put(job);
}
