// SPDX-License-Identifier: GPL-2.0
/*
 * url.c - "http://HOST[:PORT]/path" with numeric hosts only (the tool links
 * statically, so no resolver), and "{rand:A:B}" path patterns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static int fail(char *err, size_t errlen, const char *msg, const char *arg)
{
	snprintf(err, errlen, "%s: %s", msg, arg);
	return -1;
}

static int parse_port(const char *s, size_t len, unsigned int *port)
{
	unsigned long v = 0;
	size_t i;

	if (!len || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (!v || v > 65535)
		return -1;
	*port = (unsigned int)v;
	return 0;
}

static int set_addr(struct target *t, const char *host, unsigned int port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)&t->addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&t->addr;

	memset(&t->addr, 0, sizeof(t->addr));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		t->addrlen = sizeof(*a4);
		snprintf(t->host, sizeof(t->host), "%s:%u", host, port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		t->addrlen = sizeof(*a6);
		snprintf(t->host, sizeof(t->host), "[%s]:%u", host, port);
		return 0;
	}
	return -1;
}

/**
 * url_parse() - split "http://HOST[:PORT][/path]"
 * @url: the URL; HOST is an IPv4 literal, "[IPv6 literal]" or localhost
 * @t: filled with the address and the Host header value
 * @path: set to the path inside @url ("/" when absent)
 * @err: buffer for an error message
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set.
 */
int url_parse(const char *url, struct target *t, const char **path,
	      char *err, size_t errlen)
{
	const char *h = url + 7, *hend, *p;
	unsigned int port = 80;
	char host[64];
	size_t hlen;

	if (strncmp(url, "http://", 7))
		return fail(err, errlen, "URL must start with http://", url);
	p = h + strcspn(h, "/?");
	if (*h == '[') {
		hend = memchr(h, ']', (size_t)(p - h));
		if (!hend)
			return fail(err, errlen, "unterminated [IPv6]", url);
		hlen = (size_t)(hend - h - 1);
		h++;
		hend++;
	} else {
		hend = memchr(h, ':', (size_t)(p - h));
		if (!hend)
			hend = p;
		hlen = (size_t)(hend - h);
	}
	if (!hlen || hlen >= sizeof(host))
		return fail(err, errlen, "bad host in URL", url);
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (hend < p && (*hend != ':' ||
			 parse_port(hend + 1, (size_t)(p - hend - 1), &port)))
		return fail(err, errlen, "bad port in URL", url);
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (set_addr(t, host, port))
		return fail(err, errlen,
			    "host must be a numeric IPv4/[IPv6] address or localhost",
			    url);
	*path = *p ? p : "/";
	return 0;
}

static int add_seg(struct pattern *p, const char *lit, size_t len,
		   uint64_t lo, uint64_t hi)
{
	struct seg *s = realloc(p->segs, (p->nsegs + 1) * sizeof(*s));

	if (!s)
		return -1;
	p->segs = s;
	s += p->nsegs++;
	s->lit = lit;
	s->len = len;
	s->lo = lo;
	s->hi = hi;
	p->maxlen += lit ? len : 20;
	return 0;
}

static int parse_u64(const char *s, char **end, uint64_t *v)
{
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, end, 10);
	if (errno)
		return -1;
	*v = x;
	return 0;
}

/* "{rand:A:B}" at @s: the bounds and the length of the placeholder. */
static int parse_rand(const char *s, uint64_t *lo, uint64_t *hi, size_t *len)
{
	char *e;

	if (parse_u64(s + 6, &e, lo) || *e != ':' ||
	    parse_u64(e + 1, &e, hi) || *e != '}' || *lo > *hi)
		return -1;
	*len = (size_t)(e + 1 - s);
	return 0;
}

/**
 * pattern_compile() - compile a path with "{rand:A:B}" placeholders
 * @path: the path; must not contain spaces or control characters
 * @p: the compiled pattern (segments point into @path)
 * @err: buffer for an error message
 * @errlen: size of @err
 *
 * Return: 0, or -1 with @err set.
 */
int pattern_compile(const char *path, struct pattern *p, char *err,
		    size_t errlen)
{
	const char *s = path, *lit = path;
	uint64_t lo, hi;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (*path != '/')
		return fail(err, errlen, "path must start with /", path);
	for (; *s; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return fail(err, errlen, "space or control character in path",
				    path);
		if (strncmp(s, "{rand:", 6))
			continue;
		if (parse_rand(s, &lo, &hi, &n))
			return fail(err, errlen, "bad {rand:A:B} (A <= B, decimal)",
				    path);
		if ((s > lit && add_seg(p, lit, (size_t)(s - lit), 0, 0)) ||
		    add_seg(p, NULL, 0, lo, hi))
			return fail(err, errlen, "out of memory", path);
		s += n - 1;
		lit = s + 1;
	}
	if (s > lit && add_seg(p, lit, (size_t)(s - lit), 0, 0))
		return fail(err, errlen, "out of memory", path);
	return 0;
}

/* Write a path from @p into @out (room for p->maxlen + 1); its length. */
size_t pattern_expand(const struct pattern *p, struct rng *r, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];

		if (s->lit) {
			memcpy(out + n, s->lit, s->len);
			n += s->len;
		} else {
			n += (size_t)sprintf(out + n, "%" PRIu64,
					     rng_range(r, s->lo, s->hi));
		}
	}
	out[n] = '\0';
	return n;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* A uniform random integer in [lo, hi], without modulo bias. */
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1, limit, x;

	if (!span)
		return rng_next(r);
	limit = -span % span;	/* values below this are rejected */
	do {
		x = rng_next(r);
	} while (x < limit);
	return lo + x % span;
}
