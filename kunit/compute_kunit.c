// SPDX-License-Identifier: GPL-2.0
/*
 * compute_kunit.c - KUnit suite of single-flight computations
 * (http/compute.c) in the kernel: many waiters on one job, a producer that
 * fails, and cancellation by the last waiter to leave.  Connections are
 * stood in for by their wait entries; khttpd_conn_job_done() is this
 * file's stub and counts the notifications.
 */
#include <kunit/test.h>
#include <linux/workqueue.h>

#include "bignum/bignum.h"
#include "cache/cache.h"
#include "http/khttpd.h"

static atomic_t notified;

/* The connection side of a job's completion, reduced to a counter. */
void khttpd_conn_job_done(struct khttpd_conn *conn)
{
	atomic_inc(&notified);
}

static struct khttpd_server *test_server(struct kunit *test)
{
	struct khttpd_server *srv = kunit_kzalloc(test, sizeof(*srv),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, srv);
	srv->cfg.max_compute = 2;
	srv->cfg.max_compute_queue = 8;
	srv->cfg.max_result_bytes = 256 << 20;
	srv->cfg.max_inflight_bytes = 512 << 20;
	srv->compute_wq = alloc_workqueue("kunit-compute", WQ_UNBOUND, 2);
	KUNIT_ASSERT_NOT_NULL(test, srv->compute_wq);
	KUNIT_ASSERT_EQ(test, khttpd_stats_init(), 0);
	KUNIT_ASSERT_EQ(test, khttpd_cache_init(4 << 20), 0);
	atomic_set(&notified, 0);
	return srv;
}

static void test_server_done(struct khttpd_server *srv)
{
	destroy_workqueue(srv->compute_wq);
	khttpd_cache_exit();
	khttpd_stats_exit();
}

static void single_flight_many_waiters(struct kunit *test)
{
	struct khttpd_server *srv = test_server(test);
	struct khttpd_job_wait w[6];
	struct khttpd_job *job[6];
	struct khttpd_body *cached;
	int i;

	/* UML does not preempt: every join happens before the job runs. */
	for (i = 0; i < 6; i++) {
		w[i].conn = (struct khttpd_conn *)&w[i];
		KUNIT_ASSERT_EQ(test, khttpd_job_join(srv, &w[i], 300000, 10,
						      &job[i]), 0);
		KUNIT_EXPECT_PTR_EQ(test, job[i], job[0]);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&srv->nr_jobs), 1);
	flush_workqueue(srv->compute_wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 6);
	KUNIT_EXPECT_TRUE(test, smp_load_acquire(&job[0]->done));
	KUNIT_EXPECT_EQ(test, job[0]->err, 0);
	KUNIT_ASSERT_NOT_NULL(test, job[0]->body);
	KUNIT_EXPECT_EQ(test, (s64)job[0]->body->len,
			bn_fib_text_len(300000, 10));
	cached = khttpd_cache_get(300000, 10);
	KUNIT_EXPECT_PTR_EQ(test, cached, job[0]->body);
	khttpd_body_put(cached);
	for (i = 0; i < 6; i++)
		khttpd_job_leave(job[0], &w[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&srv->nr_jobs), 0);
	test_server_done(srv);
}

static void single_flight_failing_producer(struct kunit *test)
{
	struct khttpd_server *srv = test_server(test);
	struct khttpd_job_wait w[3];
	struct khttpd_job *job;
	int i;

	for (i = 0; i < 3; i++) {
		w[i].conn = (struct khttpd_conn *)&w[i];
		KUNIT_ASSERT_EQ(test, khttpd_job_join(srv, &w[i], 200000, 16,
						      &job), 0);
	}
	kshim_fail_after = 0;		/* bignum's first allocation fails */
	flush_workqueue(srv->compute_wq);
	kshim_fail_after = -1;
	/* Every waiter is told, with the error: nobody hangs. */
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 3);
	KUNIT_EXPECT_TRUE(test, smp_load_acquire(&job->done));
	KUNIT_EXPECT_EQ(test, job->err, -ENOMEM);
	KUNIT_EXPECT_NULL(test, job->body);
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(200000, 16));
	for (i = 0; i < 3; i++)
		khttpd_job_leave(job, &w[i]);
	KUNIT_EXPECT_EQ(test, atomic64_read(&srv->inflight_bytes), 0LL);
	test_server_done(srv);
}

static void last_waiter_leaving_cancels(struct kunit *test)
{
	struct khttpd_server *srv = test_server(test);
	struct khttpd_job_wait w[2];
	struct khttpd_job *job;
	int i;

	for (i = 0; i < 2; i++) {
		w[i].conn = (struct khttpd_conn *)&w[i];
		KUNIT_ASSERT_EQ(test, khttpd_job_join(srv, &w[i], 2000000, 10,
						      &job), 0);
	}
	khttpd_job_leave(job, &w[0]);
	KUNIT_EXPECT_FALSE(test, atomic_read(&job->cancelled));
	khttpd_job_leave(job, &w[1]);	/* the job may be freed from here */
	flush_workqueue(srv->compute_wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&srv->nr_jobs), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&srv->inflight_bytes), 0LL);
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(2000000, 10));
	test_server_done(srv);
}

static struct kunit_case compute_cases[] = {
	KUNIT_CASE(single_flight_many_waiters),
	KUNIT_CASE(single_flight_failing_producer),
	KUNIT_CASE(last_waiter_leaving_cancels),
	{}
};

static struct kunit_suite compute_suite = {
	.name = "khttpd-compute",
	.test_cases = compute_cases,
};

kunit_test_suite(compute_suite);
