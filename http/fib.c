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
 *
 * A request for the gzip representation looks for it in the cache under
 * its own key (khttpd_fib_key() | KHTTPD_FIB_GZIP_KEY); a miss, whatever
 * N, becomes a job of that key, which takes the text from the cache or
 * computes it (and caches it too), compresses it (gzip.c) and caches the
 * result: compression never runs in a connection's work item.  Its
 * reservation covers the text, the deflate workspace and the output.
 * Jobs of the two keys are separate: a text and a gzip miss of the same
 * N at the same moment compute F(N) twice.
 *
 * A text the cache would not keep (larger than its cap, or than
 * everything with the cache off) and larger than a stream's window is
 * streamed: the job computes F(N), hands its one waiter a struct
 * khttpd_stream (stream.h) and converts into it, waiting while the
 * window is full; the connection sends from it as it fills.  Such a job
 * reserves the bignum library's peak and the window, never the text,
 * serves the one request that started it (no single flight: nobody else
 * could be handed the bytes already sent) and stops when that request's
 * connection closes the stream.
 */
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "bignum/bignum.h"
#include "cache/cache.h"
#include "http/fib.h"
#include "http/gzip.h"
#include "http/stream.h"

#define CREATE_TRACE_POINTS
#include "http/trace.h"

/* The names of enum khttpd_fib_stat, as /stats and /metrics print them. */
const char *const khttpd_fib_stat_names[KHTTPD_FIB_NR_STATS] = {
	[KHTTPD_FIB_STARTED] = "started",
	[KHTTPD_FIB_DONE] = "done",
	[KHTTPD_FIB_FAILED] = "failed",
	[KHTTPD_FIB_CANCELLED] = "cancelled",
	[KHTTPD_FIB_REFUSED] = "refused",
	[KHTTPD_FIB_JOINS] = "joins",
};

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

/* The cache key of F(@n) in @base, or of its gzip. */
static u64 fib_key(u32 n, u32 base, bool gzip)
{
	return khttpd_fib_key(n, base) | (gzip ? KHTTPD_FIB_GZIP_KEY : 0);
}

/**
 * khttpd_fib_etag() - append the entity-tag of F(@n) in @base, quotes
 * included ("fib-N-BASE", "fib-N-BASE-gz": one per representation, never
 * changing)
 * @o: the output
 * @n: N
 * @base: 10 or 16
 * @gzip: of the gzip representation
 */
void khttpd_fib_etag(struct http_out *o, u32 n, u32 base, bool gzip)
{
	http_out_str(o, "\"fib-");
	http_out_u64(o, n);
	http_out_str(o, "-");
	http_out_u64(o, base);
	if (gzip)
		http_out_str(o, "-gz");
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

/* N up to this is computed inline by the caller: microseconds. */
#define QUICK_MAX_N 10000

/**
 * khttpd_fib_streams() - whether F(@n) in @base is streamed
 * @n: N
 * @base: 10 or 16
 *
 * A text computed by a job that the cache would not keep, and larger than
 * a stream's window, is sent as it is converted instead of being held
 * whole.
 *
 * Return: true to stream it.
 */
bool khttpd_fib_streams(u32 n, u32 base)
{
	s64 len = bn_fib_text_len(n, base);

	return n > QUICK_MAX_N && len > KHTTPD_STREAM_WINDOW &&
	       !khttpd_cache_would_keep(len);
}

/**
 * khttpd_fib_stream_estimate() - upper bound of the memory a streamed
 * F(@n) in @base needs
 * @n: N
 * @base: 10 or 16
 *
 * The bignum library's peak and the stream's window: the text is never
 * held.
 *
 * Return: bytes.
 */
u64 khttpd_fib_stream_estimate(u32 n, u32 base)
{
	return bn_fib_peak_bytes(n, base) + khttpd_stream_bytes();
}

/**
 * khttpd_fib_gzip_estimate() - upper bound of the memory the gzip of F(@n)
 * in @base needs
 * @n: N
 * @base: 10 or 16
 *
 * Computing the text (khttpd_fib_estimate()), or, after it, the text, the
 * deflate workspace and the output (khttpd_gzip_estimate()), whichever is
 * more.
 *
 * Return: bytes.
 */
u64 khttpd_fib_gzip_estimate(u32 n, u32 base)
{
	s64 len = bn_fib_text_len(n, base);
	u64 gz;

	if (len <= 0)
		return khttpd_fib_estimate(n, base);
	gz = len + sizeof(struct khttpd_body) + khttpd_gzip_estimate(len);
	return max(khttpd_fib_estimate(n, base), gz);
}

/**
 * khttpd_fib_gzip_worthwhile() - whether to offer gzip for F(@n) in @base
 * @fib: the service
 * @n: N
 * @base: 10 or 16
 *
 * Return: true if the text is KHTTPD_FIB_GZIP_MIN bytes or more, is not
 * streamed (khttpd_fib_streams()) and its gzip would not be refused as
 * too big (-E2BIG), in O(1).
 */
bool khttpd_fib_gzip_worthwhile(struct khttpd_fib *fib, u32 n, u32 base)
{
	return bn_fib_text_len(n, base) >= KHTTPD_FIB_GZIP_MIN &&
	       !khttpd_fib_streams(n, base) &&
	       khttpd_fib_gzip_estimate(n, base) <= fib->max_result_bytes;
}

/* What a job for F(@n) in @base (its gzip if @gzip) reserves. */
static u64 fib_need(u32 n, u32 base, bool gzip)
{
	if (gzip)
		return khttpd_fib_gzip_estimate(n, base);
	if (khttpd_fib_streams(n, base))
		return khttpd_fib_stream_estimate(n, base);
	return khttpd_fib_estimate(n, base);
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

/*
 * Wait for F(@n) in @base, or its gzip: join the computation already
 * running for it, or start one.  0, or -E2BIG, -EBUSY or -ENOMEM as
 * job_create().
 */
static int job_join(struct khttpd_fib *fib, struct khttpd_fib_wait *wait,
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

/*
 * Start a job streaming F(@n) in @base to @wait alone: it joins nothing
 * and nobody joins it.  Its reservation is split: the window goes with
 * the stream, freed when the sender lets it go; the rest with the job.
 * 0, or -E2BIG, -EBUSY or -ENOMEM as job_create().
 */
static int job_stream_start(struct khttpd_fib *fib,
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

/**
 * khttpd_fib_get() - F(@n) in @base as text, or its gzip
 * @fib: the service
 * @n: N
 * @base: 10 or 16
 * @gzip: the gzip representation of the text, not the text
 * @wait: the caller's wait entry, with @wait->done set; used only when
 *        -EINPROGRESS is returned
 * @res: the result, when 0 is returned
 *
 * A cached body is returned at once, and so is the text of a small N,
 * computed here and offered to the cache.  Otherwise (and for a gzip not
 * cached, whatever N) the caller waits for a computation, started or
 * joined: @wait->done(@wait) is called once it
 * completes, and the caller then takes the result with
 * khttpd_fib_collect() (or gives up with khttpd_fib_cancel()).  A text
 * that is streamed (khttpd_fib_streams()) gets a computation of its own,
 * which calls back once F(N) is computed, with the text to follow in
 * @res->stream.
 *
 * Return: 0 with @res set; -EINPROGRESS; -E2BIG if the result would
 * exceed max_result_bytes; -EBUSY if the queue or the in-flight budget is
 * full; -ENOMEM; -EIO if the text came out the wrong length.
 */
int khttpd_fib_get(struct khttpd_fib *fib, u32 n, u32 base, bool gzip,
		   struct khttpd_fib_wait *wait, struct khttpd_fib_result *res)
{
	u64 key = fib_key(n, base, gzip);
	int err;

	memset(res, 0, sizeof(*res));
	res->body = khttpd_cache_get(key);
	if (res->body) {
		res->hit = true;
		return 0;
	}
	if (n <= QUICK_MAX_N && !gzip) {
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
	if (!gzip && khttpd_fib_streams(n, base))
		err = job_stream_start(fib, wait, n, base);
	else
		err = job_join(fib, wait, n, base, gzip);
	return err ?: -EINPROGRESS;
}

/**
 * khttpd_fib_peek() - F(@n) in @base if cached, else only its length
 * @fib: the service
 * @n: N
 * @base: 10 or 16
 * @gzip: of the gzip representation
 * @body: set to the cached text or gzip (a reference the caller drops),
 *        or NULL
 * @len: set to the length of the text or gzip
 *
 * For HEAD: nothing is computed, the length of a text not in the cache
 * comes from bn_fib_text_len() in O(1).  That of a gzip not in the cache
 * is not known without compressing.
 *
 * Return: 0; -ENODATA for a gzip not in the cache; -E2BIG where
 * khttpd_fib_get() would refuse the computation as too big; -EIO for an
 * N out of range.
 */
int khttpd_fib_peek(struct khttpd_fib *fib, u32 n, u32 base, bool gzip,
		    struct khttpd_body **body, u64 *len)
{
	s64 l;

	*body = khttpd_cache_get(fib_key(n, base, gzip));
	if (*body) {
		*len = (*body)->len;
		return 0;
	}
	if (gzip)
		return -ENODATA;
	if (n > QUICK_MAX_N && fib_need(n, base, false) > fib->max_result_bytes)
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
