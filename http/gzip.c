// SPDX-License-Identifier: GPL-2.0
/*
 * gzip.c - a body's gzip representation, made with the kernel's zlib.
 *
 * Raw deflate (negative windowBits: the kernel's deflate writes no gzip
 * wrapper) between the 10-byte gzip header and the 8-byte trailer (CRC-32
 * and length, little-endian), written here.  The text of F(N) is digits
 * with no repeats worth finding: Huffman coding alone (Z_HUFFMAN_ONLY)
 * compresses it better than LZ77 at any level and several times faster
 * (Documentation/cache.md, "gzip").  Only in a computation's work item:
 * the workspace is a quarter megabyte and a megabyte of text takes
 * milliseconds.
 */
#include <linux/crc32.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/zlib.h>

#include "http/gzip.h"

#define GZ_HEADER 10
#define GZ_TRAILER 8
#define GZ_WBITS MAX_WBITS
#define GZ_MEMLEVEL DEF_MEM_LEVEL
/* Input given to deflate at a time, between polls for cancellation. */
#define GZ_STEP (64 << 10)

/* ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=4 (fastest) OS=3 (Unix) */
static const u8 gz_header[GZ_HEADER] = {
	0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3
};

/**
 * khttpd_gzip_bound() - the most bytes the gzip of @len bytes takes
 * @len: bytes to compress
 *
 * zlib's deflateBound() for parameters other than its defaults (stored
 * blocks and block headers at worst), plus the gzip header and trailer.
 *
 * Return: bytes.
 */
size_t khttpd_gzip_bound(size_t len)
{
	return len + ((len + 7) >> 3) + ((len + 63) >> 6) + 5 + GZ_HEADER +
	       GZ_TRAILER;
}

/**
 * khttpd_gzip_estimate() - the most memory khttpd_gzip() of @len bytes
 * uses besides its input
 * @len: bytes to compress
 *
 * The deflate workspace, the output buffer of khttpd_gzip_bound() bytes
 * and the body of the exact size the output is copied to at the end.
 *
 * Return: bytes.
 */
size_t khttpd_gzip_estimate(size_t len)
{
	return zlib_deflate_workspacesize(GZ_WBITS, GZ_MEMLEVEL) +
	       2 * PAGE_ALIGN(khttpd_gzip_bound(len)) +
	       sizeof(struct khttpd_body);
}

static void put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/**
 * khttpd_gzip() - the gzip representation of a body in memory
 * @in: the body (its bytes in memory, not a file's)
 * @out: set to a new body of exactly the compressed size, on success
 * @cancelled: polled between steps of GZ_STEP bytes; true stops (may be
 *             NULL)
 * @arg: argument of @cancelled
 *
 * Sleeps (GFP_KERNEL allocations, cond_resched()): call it from a work
 * item, never under a lock.
 *
 * Return: 0, -ENOMEM, -ECANCELED, or -EIO if zlib failed.
 */
int khttpd_gzip(const struct khttpd_body *in, struct khttpd_body **out,
		bool (*cancelled)(void *arg), void *arg)
{
	size_t bound = khttpd_gzip_bound(in->len), pos = 0, step, len;
	struct z_stream_s strm = { 0 };
	struct khttpd_body *body;
	u32 crc = ~0;
	u8 *buf;
	int err = -ENOMEM, zerr;

	if (!in->data)
		return -EINVAL;
	buf = kvmalloc(bound, GFP_KERNEL | __GFP_NOWARN);
	strm.workspace = vmalloc(zlib_deflate_workspacesize(GZ_WBITS,
							    GZ_MEMLEVEL));
	if (!buf || !strm.workspace)
		goto out;
	err = -EIO;
	if (zlib_deflateInit2(&strm, Z_BEST_SPEED, Z_DEFLATED, -GZ_WBITS,
			      GZ_MEMLEVEL, Z_HUFFMAN_ONLY) != Z_OK)
		goto out;
	memcpy(buf, gz_header, GZ_HEADER);
	strm.next_out = buf + GZ_HEADER;
	strm.avail_out = bound - GZ_HEADER - GZ_TRAILER;
	do {
		if (cancelled && cancelled(arg)) {
			err = -ECANCELED;
			goto end;
		}
		step = min_t(size_t, in->len - pos, GZ_STEP);
		strm.next_in = in->data + pos;
		strm.avail_in = step;
		crc = crc32_le(crc, in->data + pos, step);
		pos += step;
		zerr = zlib_deflate(&strm, pos == in->len ? Z_FINISH :
							    Z_NO_FLUSH);
		if (zerr != Z_OK && zerr != Z_STREAM_END)
			goto end;
		if (strm.avail_in)	/* no room: the bound was wrong */
			goto end;
		cond_resched();
	} while (pos < in->len);
	if (zerr != Z_STREAM_END)
		goto end;
	len = GZ_HEADER + strm.total_out;
	put_le32(buf + len, ~crc);
	put_le32(buf + len + 4, in->len);
	len += GZ_TRAILER;
	err = -ENOMEM;
	body = khttpd_body_alloc(len);
	if (!body)
		goto end;
	memcpy(body->data, buf, len);
	*out = body;
	err = 0;
end:
	zlib_deflateEnd(&strm);
out:
	vfree(strm.workspace);
	kvfree(buf);
	return err;
}
