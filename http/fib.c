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
 *
 * Here: the service's entry point, the answers that need no job (the
 * cache, the inline computation), the estimates and the text.  The jobs
 * (queueing, single flight, the work function, waking the waiters,
 * cancellation) are in fib_job.c.
 */
#include <linux/ktime.h>

#include "bignum/bignum.h"
#include "cache/cache.h"
#include "http/fib.h"
#include "http/fib_internal.h"
#include "http/gzip.h"
#include "http/stream.h"

/* Every tracepoint of http/trace.h is defined here, fib_job.c uses some. */
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
		err = khttpd_fib_job_stream_start(fib, wait, n, base);
	else
		err = khttpd_fib_job_join(fib, wait, n, base, gzip);
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

