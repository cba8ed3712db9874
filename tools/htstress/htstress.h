/* SPDX-License-Identifier: GPL-2.0 */
/*
 * htstress.h - configuration and counters shared by the option parser,
 * the worker threads and the report.
 */
#ifndef HTSTRESS_H
#define HTSTRESS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "url.h"

#define STATUS_MAX 600		/* status codes 100..599 are counted */

struct config {
	struct target target;
	const char *url;
	struct pattern *paths;	/* one or more path patterns, cycled */
	unsigned int npaths;
	unsigned int conns;
	unsigned int threads;
	unsigned int pipeline;
	uint64_t requests;	/* 0: unlimited (duration only) */
	double duration;	/* seconds; 0: none */
	double timeout;		/* seconds per request */
	uint64_t seed;
	int expect_status;	/* 0: any 2xx or 3xx is good */
	bool close;		/* one request per connection */
	bool head;		/* HEAD instead of GET */
	bool json;
	bool allow_errors;
	const char *extra;	/* extra header lines, CRLF-terminated */
};

struct stats {
	uint64_t good;
	uint64_t bad;		/* bad_status + bad_framing */
	uint64_t bad_status;
	uint64_t bad_framing;
	uint64_t errors;
	uint64_t timeouts;
	uint64_t unfinished;	/* in flight when the run ended */
	uint64_t connects;	/* successful connections */
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t status[STATUS_MAX];
	struct hist hist;
	const char *last_bad;	/* reason of the last framing error */
	const char *last_error;	/* reason of the last error */
};

extern volatile sig_atomic_t stop_now;

uint64_t now_ns(void);
int run_workers(const struct config *cfg, struct stats *total,
		double *seconds);

#endif /* HTSTRESS_H */
