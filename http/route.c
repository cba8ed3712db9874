// SPDX-License-Identifier: GPL-2.0
/*
 * route.c - answer one request: GET/HEAD /fib/N, the index, errors.
 *
 * This is the foundation's router: it reads the request line only and
 * answers F(N) for N up to 93 from 64-bit arithmetic.  Every other outcome
 * is a precise status with a one-line reason.
 */
#include "route.h"
#include "response.h"

#define INDEX_BODY							\
	"khttpd - an in-kernel HTTP/1.1 server of Fibonacci numbers\n"	\
	"GET /fib/N    F(N) in decimal, N = 0..2147483647\n"

struct request_line {
	const char *method;
	size_t method_len;
	const char *target;
	size_t target_len;
	int minor;		/* HTTP/1.<minor> */
};

/**
 * fib_u64() - F(n) in 64-bit arithmetic
 * @n: index, at most FIB_U64_MAX_N
 *
 * Return: F(n), or 0 if @n is too large.
 */
u64 fib_u64(unsigned int n)
{
	u64 a = 0, b = 1, t;

	if (n > FIB_U64_MAX_N)
		return 0;
	while (n--) {
		t = a + b;
		a = b;
		b = t;
	}
	return a;
}

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool span_is(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(s, word, len);
}

/* "METHOD SP TARGET SP HTTP/1.x CRLF": 0, or the status to answer. */
static int parse_request_line(const char *p, size_t len,
			      struct request_line *rl)
{
	const char *end = memchr(p, '\n', len);
	const char *sp1, *sp2;
	size_t i;

	if (!end || end == p || end[-1] != '\r')
		return 400;
	len = end - 1 - p;
	sp1 = memchr(p, ' ', len);
	if (!sp1 || sp1 == p)
		return 400;
	for (i = 0; p + i < sp1; i++)
		if (!is_tchar(p[i]))
			return 400;
	sp2 = memchr(sp1 + 1, ' ', len - (sp1 + 1 - p));
	if (!sp2 || sp2 == sp1 + 1)
		return 400;
	for (i = 1; sp1 + i < sp2; i++)
		if ((unsigned char)sp1[i] <= ' ' || sp1[i] == 0x7f)
			return 400;
	rl->method = p;
	rl->method_len = sp1 - p;
	rl->target = sp1 + 1;
	rl->target_len = sp2 - sp1 - 1;
	len -= sp2 + 1 - p;
	p = sp2 + 1;
	if (len != 8 || memcmp(p, "HTTP/", 5) || p[6] != '.' ||
	    p[5] < '0' || p[5] > '9' || p[7] < '0' || p[7] > '9')
		return 400;
	if (p[5] != '1' || p[7] > '1')
		return 505;
	rl->minor = p[7] - '0';
	return 0;
}

/* Decimal digits only, 0..FIB_MAX_N: 0, or -EINVAL / -ERANGE. */
static int parse_fib_n(const char *s, size_t len, unsigned int *n)
{
	u64 v = 0;
	size_t i;

	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
		if (v > FIB_MAX_N)
			return -ERANGE;
	}
	*n = (unsigned int)v;
	return 0;
}

static int reply(char *out, size_t size, s64 now, int status,
		 const char *body, bool head_only, const char *extra)
{
	struct http_response_head h = {
		.status = status,
		.content_type = "text/plain; charset=utf-8",
		.content_length = strlen(body),
		.close = true,
		.extra = extra,
	};
	int n = http_format_head(out, size, &h, now);

	if (n < 0 || head_only)
		return n;
	if ((size_t)n + h.content_length > size)
		return -ENOSPC;
	memcpy(out + n, body, h.content_length);
	return n + (int)h.content_length;
}

static int reply_error(char *out, size_t size, s64 now, int status,
		       const char *reason)
{
	char body[128];

	snprintf(body, sizeof(body), "%d %s: %s\n", status,
		 http_status_reason(status), reason);
	return reply(out, size, now, status, body, false,
		     status == 405 ? "Allow: GET, HEAD\r\n" : NULL);
}

static int answer_fib(const struct request_line *rl, char *out, size_t size,
		      s64 now, bool head_only)
{
	char digits[24];
	unsigned int n;
	int err;

	err = parse_fib_n(rl->target + 5, rl->target_len - 5, &n);
	if (err)
		return reply_error(out, size, now, 400,
				   "N must be a decimal integer from 0 to 2147483647");
	if (n > FIB_U64_MAX_N)
		return reply_error(out, size, now, 501,
				   "N above 93 needs the bignum core, not built yet");
	snprintf(digits, sizeof(digits), "%llu",
		 (unsigned long long)fib_u64(n));
	return reply(out, size, now, 200, digits, head_only, NULL);
}

/**
 * http_answer() - the complete response to one request head
 * @head: the request, from its first byte to at least the end of the
 *        request line
 * @len: bytes at @head
 * @out: destination for the response (head and body)
 * @size: size of @out; 512 bytes are always enough
 * @now: current time, seconds since the epoch
 *
 * Return: the length of the response, or a negative errno if @out is too
 * small.
 */
int http_answer(const char *head, size_t len, char *out, size_t size,
		s64 now)
{
	struct request_line rl;
	bool head_only;
	int status;

	status = parse_request_line(head, len, &rl);
	if (status == 505)
		return reply_error(out, size, now, 505,
				   "only HTTP/1.0 and HTTP/1.1 are supported");
	if (status)
		return reply_error(out, size, now, 400, "malformed request line");
	head_only = span_is(rl.method, rl.method_len, "HEAD");
	if (!head_only && !span_is(rl.method, rl.method_len, "GET"))
		return reply_error(out, size, now, 405,
				   "only GET and HEAD are allowed");
	if (span_is(rl.target, rl.target_len, "/"))
		return reply(out, size, now, 200, INDEX_BODY, head_only, NULL);
	if (rl.target_len >= 5 && !memcmp(rl.target, "/fib/", 5))
		return answer_fib(&rl, out, size, now, head_only);
	return reply_error(out, size, now, 404, "no such resource");
}
