// SPDX-License-Identifier: GPL-2.0
/*
 * compute.c - computing F(N) as text, off the I/O path.
 *
 * Small N are answered inline by the connection.  Larger N become a job on
 * the unbound compute workqueue, whose max_active is the max_compute
 * parameter; at most max_compute_queue more wait for a slot, and every job
 * reserves its estimated peak memory from the server's in-flight budget
 * before it is queued.  Beyond either bound the client is told 503 at
 * once.  A job is cancelled when its connection goes away; the computation
 * polls that flag often and stops.
 */
#include <linux/ktime.h>
#include <linux/sched.h>

#include "khttpd.h"
#include "route.h"

/**
 * khttpd_fib_is_quick() - whether F(@n) is cheap enough to answer inline
 * @n: N
 *
 * Return: true for N whose computation takes microseconds.
 */
bool khttpd_fib_is_quick(u32 n)
{
	return n <= FIB_U64_MAX_N;
}

/**
 * khttpd_fib_estimate() - upper bound of the memory F(@n) as text needs
 * @n: N
 * @base: 10 or 16
 *
 * Return: bytes.
 */
u64 khttpd_fib_estimate(u32 n, u32 base)
{
	/* F(n) < 2^(0.695 n): its text needs at most this many digits. */
	u64 bits = (u64)n * 695 / 1000 + 64;

	return 1024 + (base == 16 ? bits / 4 : bits * 30103 / 100000 + 1);
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
 * Return: 0, -ENOMEM, -ECANCELED, or -EOPNOTSUPP for N beyond what this
 * build computes.
 */
int khttpd_fib_text(u32 n, u32 base, struct khttpd_body **out,
		    bool (*cancelled)(void *arg), void *arg,
		    struct khttpd_timing *timing)
{
	u64 t0 = ktime_get_ns(), v;

	if (n > FIB_U64_MAX_N)
		return -EOPNOTSUPP;
	v = fib_u64(n);
	if (timing)
		timing->compute = ktime_get_ns() - t0;
	*out = khttpd_body_printf(base == 16 ? "%llx" : "%llu", v);
	if (timing)
		timing->convert = ktime_get_ns() - t0 - timing->compute;
	return *out ? 0 : -ENOMEM;
}

static bool job_cancelled(void *arg)
{
	struct khttpd_job *job = arg;

	return atomic_read(&job->cancelled);
}

static void job_work(struct work_struct *work)
{
	struct khttpd_job *job = container_of(work, struct khttpd_job, work);
	struct khttpd_server *srv = job->srv;
	struct khttpd_conn *conn = job->conn;

	job->timing.queue = ktime_get_ns() - job->queued_ns;
	if (job_cancelled(job))
		job->err = -ECANCELED;
	else
		job->err = khttpd_fib_text(job->n, job->base, &job->body,
					   job_cancelled, job, &job->timing);
	if (job->body) {
		/* The text is charged until its last sender lets it go. */
		job->body->srv = srv;
		job->body->charge = job->body->len;
		atomic64_add(job->body->charge, &srv->inflight_bytes);
	}
	atomic64_sub(job->reserved, &srv->inflight_bytes);
	atomic_dec(&srv->nr_jobs);
	if (job->err == -ECANCELED)
		khttpd_stat_inc(KHTTPD_STAT_JOBS_CANCELLED);
	else if (job->err)
		khttpd_stat_inc(KHTTPD_STAT_JOBS_FAILED);
	else
		khttpd_stat_inc(KHTTPD_STAT_JOBS_DONE);
	khttpd_conn_job_done(conn);
	khttpd_conn_put(conn);
}

/**
 * khttpd_job_submit() - queue the computation of F(@n) for a connection
 * @srv: the server
 * @conn: the connection; the job holds a reference until it is done, and
 *        calls khttpd_conn_job_done() then
 * @n: N
 * @base: 10 or 16
 * @out: the job, owned by the connection, freed with khttpd_job_free()
 *
 * Return: 0; -E2BIG if the result would exceed max_result_bytes; -EBUSY if
 * the queue or the in-flight memory budget is full; -ENOMEM.
 */
int khttpd_job_submit(struct khttpd_server *srv, struct khttpd_conn *conn,
		      u32 n, u32 base, struct khttpd_job **out)
{
	u64 need = khttpd_fib_estimate(n, base);
	struct khttpd_job *job;

	if (need > srv->cfg.max_result_bytes)
		return -E2BIG;
	if (atomic_inc_return(&srv->nr_jobs) >
	    srv->cfg.max_compute + srv->cfg.max_compute_queue)
		goto busy;
	if (atomic64_add_return(need, &srv->inflight_bytes) >
	    srv->cfg.max_inflight_bytes) {
		atomic64_sub(need, &srv->inflight_bytes);
		goto busy;
	}
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		atomic64_sub(need, &srv->inflight_bytes);
		atomic_dec(&srv->nr_jobs);
		return -ENOMEM;
	}
	INIT_WORK(&job->work, job_work);
	job->srv = srv;
	job->conn = khttpd_conn_get(conn);
	job->n = n;
	job->base = base;
	job->reserved = need;
	job->queued_ns = ktime_get_ns();
	khttpd_stat_inc(KHTTPD_STAT_JOBS_STARTED);
	queue_work(srv->compute_wq, &job->work);
	*out = job;
	return 0;

busy:
	atomic_dec(&srv->nr_jobs);
	khttpd_stat_inc(KHTTPD_STAT_JOBS_REFUSED);
	return -EBUSY;
}

/**
 * khttpd_job_cancel() - ask a job to stop as soon as it can
 * @job: the job
 *
 * The job still completes (with -ECANCELED) and calls
 * khttpd_conn_job_done().
 */
void khttpd_job_cancel(struct khttpd_job *job)
{
	atomic_set(&job->cancelled, 1);
}

/**
 * khttpd_job_free() - free a completed job and what it still holds
 * @job: the job, or NULL
 */
void khttpd_job_free(struct khttpd_job *job)
{
	if (!job)
		return;
	khttpd_body_put(job->body);
	kfree(job);
}
