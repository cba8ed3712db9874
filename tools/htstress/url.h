/* SPDX-License-Identifier: GPL-2.0 */
/*
 * url.h - target address, URL paths with {rand:A:B} patterns, and the
 * per-thread random number generator that fills them in.
 */
#ifndef HTSTRESS_URL_H
#define HTSTRESS_URL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct target {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host[80];		/* for the Host header: "1.2.3.4:80", "[::1]:80" */
};

struct seg {
	const char *lit;	/* literal text, or NULL for a random number */
	size_t len;
	uint64_t lo, hi;	/* bounds of the random number */
};

struct pattern {
	struct seg *segs;
	size_t nsegs;
	size_t maxlen;		/* longest path the pattern can produce */
};

struct rng {
	uint64_t s[4];
};

int url_parse(const char *url, struct target *t, const char **path,
	      char *err, size_t errlen);
int pattern_compile(const char *path, struct pattern *p, char *err,
		    size_t errlen);
size_t pattern_expand(const struct pattern *p, struct rng *r, char *out);

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi);

#endif /* HTSTRESS_URL_H */
