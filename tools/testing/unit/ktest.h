/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktest.h - the user-space unit-test harness of khttpd.
 *
 * A test binary defines test cases as functions, runs them with KT_RUN(),
 * and returns ktest_summary("suite") from main().  Each failed expectation
 * prints file, line and the expression; a case with any failure counts as
 * failed.  The summary line "# suite: pass=P fail=F" is what
 * tools/testing/run-suites adds up into the `make check` total.
 *
 * Filter: a test binary run with arguments (those not starting with '-'),
 * or else with KTEST_FILTER set (words separated by spaces or commas),
 * runs only the cases whose name contains one of them; the summary counts
 * only those.  If none matches, it says so and fails, so that a typo is
 * not a silent pass -- unless KTEST_MATCHED names a file: then it appends
 * "suite N" (N cases run) to that file and passes, and the caller checks
 * that some suite ran a case (make check-unit K=PATTERN).
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ktest_passed, ktest_failed, ktest_case_failed, ktest_skipped;
static const char *ktest_case_name;
static char *ktest_filter[64];
static int ktest_nfilter;
static char ktest_filter_words[1024];

/*
 * Runs before main() (glibc passes argc and argv to ELF constructors), so
 * that no test's main() has to hand them over.
 */
__attribute__((constructor)) static void ktest_init(int argc, char **argv)
{
	const char *env = getenv("KTEST_FILTER");
	char *words = ktest_filter_words, *w;
	size_t len = 0;
	int i;

	for (i = 1; i < argc && len < sizeof(ktest_filter_words) - 1; i++) {
		if (argv[i][0] == '-')
			continue;
		len += snprintf(words + len, sizeof(ktest_filter_words) - len,
				"%s ", argv[i]);
	}
	if (!len && env)
		snprintf(words, sizeof(ktest_filter_words), "%s", env);
	for (w = strtok(words, " ,\t\n"); w && ktest_nfilter < 64;
	     w = strtok(NULL, " ,\t\n"))
		ktest_filter[ktest_nfilter++] = w;
}

static inline int ktest_selected(const char *name)
{
	int i;

	if (!ktest_nfilter)
		return 1;
	for (i = 0; i < ktest_nfilter; i++)
		if (strstr(name, ktest_filter[i]))
			return 1;
	return 0;
}

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
	if (!ktest_selected(name)) {
		ktest_skipped++;
		return;
	}
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
	const char *matched = getenv("KTEST_MATCHED");
	int ran = ktest_passed + ktest_failed, i;

	if (ktest_nfilter) {
		printf("# %s: filter", suite);
		for (i = 0; i < ktest_nfilter; i++)
			printf(" '%s'", ktest_filter[i]);
		printf(": ran %d of %d cases\n", ran, ran + ktest_skipped);
	}
	if (ktest_nfilter && matched && *matched) {
		FILE *f = fopen(matched, "a");

		if (f) {
			fprintf(f, "%s %d\n", suite, ran);
			fclose(f);
		}
	} else if (ktest_nfilter && !ran) {
		printf("# %s: no case matches the filter\n", suite);
		printf("# %s: pass=0 fail=0\n", suite);
		return 1;
	}
	printf("# %s: pass=%d fail=%d\n", suite, ktest_passed, ktest_failed);
	return ktest_failed ? 1 : 0;
}

#endif /* KTEST_H */
