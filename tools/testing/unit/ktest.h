/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktest.h - the user-space unit-test harness of khttpd.
 *
 * A test binary defines test cases as functions, runs them with KT_RUN(),
 * and returns ktest_summary("suite") from main().  Each failed expectation
 * prints file, line and the expression; a case with any failure counts as
 * failed.  The summary line "# suite: pass=P fail=F" is what
 * tools/testing/run-suites adds up into the `make check` total.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdio.h>

static int ktest_passed, ktest_failed, ktest_case_failed;
static const char *ktest_case_name;

#define KT_EXPECT(cond, ...)                                                 \
	do {                                                                 \
		if (!(cond)) {                                               \
			ktest_case_failed = 1;                               \
			fprintf(stderr, "FAIL %s (%s:%d): %s:",              \
				ktest_case_name, __FILE__, __LINE__, #cond); \
			fprintf(stderr, " " __VA_ARGS__);                    \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

/* Like KT_EXPECT() but leaves the test case at the first failure. */
#define KT_ASSERT(cond, ...)                        \
	do {                                        \
		KT_EXPECT(cond, __VA_ARGS__);       \
		if (!(cond))                        \
			return;                     \
	} while (0)

static inline void ktest_run(const char *name, void (*fn)(void))
{
	ktest_case_name = name;
	ktest_case_failed = 0;
	fn();
	if (ktest_case_failed) {
		ktest_failed++;
		printf("not ok %s\n", name);
	} else {
		ktest_passed++;
		printf("ok %s\n", name);
	}
	fflush(stdout);
}

#define KT_RUN(fn) ktest_run(#fn, fn)

static inline int ktest_summary(const char *suite)
{
	printf("# %s: pass=%d fail=%d\n", suite, ktest_passed, ktest_failed);
	return ktest_failed ? 1 : 0;
}

#endif /* KTEST_H */
