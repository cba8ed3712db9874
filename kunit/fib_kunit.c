// SPDX-License-Identifier: GPL-2.0
/*
 * fib_kunit.c - KUnit suite of the Fibonacci service (http/fib.c) in the
 * kernel: a hit, a small N computed inline, many waiters on one
 * computation, a producer that fails, and cancellation by the last waiter.
 * Callers are stood in for by bare wait entries whose callback counts.
 * The service is tested alone: it links the cache and bignum/, no server
 * and no connection.
 */
#include <kunit/test.h>
#include <linux/workqueue.h>

#include "bignum/bignum.h"
#include "cache/cache.h"
#include "http/fib.h"

static atomic_t notified;
static atomic64_t budget;

static void count_done(struct khttpd_fib_wait *wait)
{
	atomic_inc(&notified);
}

static struct khttpd_fib *test_fib(struct kunit *test)
{
	struct khttpd_fib *fib = kunit_kzalloc(test, sizeof(*fib), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fib);
	fib->max_jobs = 10;
	fib->max_result_bytes = 256 << 20;
	fib->max_inflight_bytes = 512 << 20;
	atomic64_set(&budget, 0);
	fib->budget = &budget;
	fib->wq = alloc_workqueue("kunit-compute", WQ_UNBOUND, 2);
	KUNIT_ASSERT_NOT_NULL(test, fib->wq);
	KUNIT_ASSERT_EQ(test, khttpd_cache_init(4 << 20), 0);
	atomic_set(&notified, 0);
	return fib;
}

static void test_fib_done(struct khttpd_fib *fib)
{
	destroy_workqueue(fib->wq);
	khttpd_cache_exit();
}

static void init_waits(struct khttpd_fib_wait *w, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		w[i] = (struct khttpd_fib_wait){ .done = count_done };
}

static void inline_then_hit(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res, again;
	struct khttpd_fib_wait w;

	init_waits(&w, 1);
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 1000, 10, &w, &res), 0);
	KUNIT_EXPECT_FALSE(test, res.hit);
	KUNIT_EXPECT_FALSE(test, khttpd_fib_waiting(&w));
	KUNIT_ASSERT_EQ(test, (s64)res.body->len, bn_fib_text_len(1000, 10));
	KUNIT_EXPECT_EQ(test, memcmp(res.body->data, "434665576869", 12), 0);
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 1000, 10, &w, &again), 0);
	KUNIT_EXPECT_TRUE(test, again.hit);
	KUNIT_EXPECT_PTR_EQ(test, again.body, res.body);
	khttpd_body_put(again.body);
	khttpd_body_put(res.body);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 0);
	test_fib_done(fib);
}

static void single_flight_many_waiters(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res[6], cached;
	struct khttpd_fib_wait w[6];
	int i;

	init_waits(w, 6);
	/* UML does not preempt: every join happens before the job runs. */
	for (i = 0; i < 6; i++)
		KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 300000, 10, &w[i],
						     &res[i]), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_STARTED]),
			1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_JOINS]),
			5LL);
	flush_workqueue(fib->wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 6);
	for (i = 0; i < 6; i++) {
		KUNIT_ASSERT_EQ(test, khttpd_fib_collect(&w[i], &res[i]), 0);
		KUNIT_EXPECT_FALSE(test, khttpd_fib_waiting(&w[i]));
		KUNIT_EXPECT_PTR_EQ(test, res[i].body, res[0].body);
	}
	KUNIT_EXPECT_EQ(test, (s64)res[0].body->len,
			bn_fib_text_len(300000, 10));
	KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 300000, 10, &w[0], &cached),
			0);
	KUNIT_EXPECT_TRUE(test, cached.hit);
	KUNIT_EXPECT_PTR_EQ(test, cached.body, res[0].body);
	khttpd_body_put(cached.body);
	for (i = 0; i < 6; i++)
		khttpd_body_put(res[i].body);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 0);
	/* The cache took the text over: nothing is left in flight. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

static void single_flight_failing_producer(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res;
	struct khttpd_fib_wait w[3];
	int i;

	init_waits(w, 3);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 200000, 16, &w[i],
						     &res), -EINPROGRESS);
	kshim_fail_after = 0;		/* bignum's first allocation fails */
	flush_workqueue(fib->wq);
	kshim_fail_after = -1;
	/* Every waiter is told, with the error: nobody hangs. */
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, khttpd_fib_collect(&w[i], &res), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_FAILED]),
			1LL);
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(khttpd_fib_key(200000, 16)));
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

static void last_waiter_leaving_cancels(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res;
	struct khttpd_fib_wait w[2];
	int i;

	init_waits(w, 2);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, khttpd_fib_get(fib, 2000000, 10, &w[i],
						     &res), -EINPROGRESS);
	/* Not done yet: a spurious collect keeps waiting. */
	KUNIT_EXPECT_EQ(test, khttpd_fib_collect(&w[0], &res), -EINPROGRESS);
	KUNIT_EXPECT_TRUE(test, khttpd_fib_waiting(&w[0]));
	khttpd_fib_cancel(&w[0]);
	khttpd_fib_cancel(&w[1]);	/* the job may be freed from here */
	khttpd_fib_cancel(&w[1]);	/* not waiting: nothing happens */
	flush_workqueue(fib->wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&notified), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fib->nr_jobs), 0);
	KUNIT_EXPECT_EQ(test,
			atomic64_read(&fib->stats[KHTTPD_FIB_CANCELLED]), 1LL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	KUNIT_EXPECT_NULL(test, khttpd_cache_get(khttpd_fib_key(2000000, 10)));
	test_fib_done(fib);
}

static void refused_beyond_limits(struct kunit *test)
{
	struct khttpd_fib *fib = test_fib(test);
	struct khttpd_fib_result res;
	struct khttpd_fib_wait w;

	init_waits(&w, 1);
	fib->max_result_bytes = 1 << 20;
	KUNIT_EXPECT_EQ(test, khttpd_fib_get(fib, 100000000, 10, &w, &res),
			-E2BIG);
	fib->max_result_bytes = 256 << 20;
	fib->max_jobs = 0;
	KUNIT_EXPECT_EQ(test, khttpd_fib_get(fib, 300000, 10, &w, &res),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fib->stats[KHTTPD_FIB_REFUSED]),
			1LL);
	KUNIT_EXPECT_FALSE(test, khttpd_fib_waiting(&w));
	KUNIT_EXPECT_EQ(test, atomic64_read(&budget), 0LL);
	test_fib_done(fib);
}

static struct kunit_case fib_cases[] = {
	KUNIT_CASE(inline_then_hit),
	KUNIT_CASE(single_flight_many_waiters),
	KUNIT_CASE(single_flight_failing_producer),
	KUNIT_CASE(last_waiter_leaving_cancels),
	KUNIT_CASE(refused_beyond_limits),
	{}
};

static struct kunit_suite fib_suite = {
	.name = "khttpd-fib",
	.test_cases = fib_cases,
};

kunit_test_suite(fib_suite);
