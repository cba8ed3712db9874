// SPDX-License-Identifier: GPL-2.0
/*
 * fib.c - F(n) by fast doubling, two squarings per bit.
 *
 * From F(m + j) = F(m) F(j + 1) + F(m - 1) F(j) and Cassini's identity
 * F(k - 1) F(k + 1) - F(k)^2 = (-1)^k (derivation in Documentation/bignum.md):
 *
 *   F(2k - 1) = F(k)^2 + F(k - 1)^2
 *   F(2k + 1) = 4 F(k)^2 - F(k - 1)^2 + 2 (-1)^k
 *   F(2k)     = F(2k + 1) - F(2k - 1)
 *
 * so a step k -> 2k or 2k + 1 costs the squares of F(k) and F(k - 1) and a
 * few linear passes.  The last step needs only one number and takes one
 * multiplication instead:
 *
 *   F(2k)     = F(k) (F(k) + 2 F(k - 1))
 *   F(2k + 1) = (2 F(k) + F(k - 1)) (2 F(k) - F(k - 1)) + 2 (-1)^k
 *
 * The doubling starts from the table below at the top bits of n (<= 93).
 */
#include "bignum/bn_internal.h"

static const u64 fib_table[94] = {
	0x0ULL,
	0x1ULL,
	0x1ULL,
	0x2ULL,
	0x3ULL,
	0x5ULL,
	0x8ULL,
	0xdULL,
	0x15ULL,
	0x22ULL,
	0x37ULL,
	0x59ULL,
	0x90ULL,
	0xe9ULL,
	0x179ULL,
	0x262ULL,
	0x3dbULL,
	0x63dULL,
	0xa18ULL,
	0x1055ULL,
	0x1a6dULL,
	0x2ac2ULL,
	0x452fULL,
	0x6ff1ULL,
	0xb520ULL,
	0x12511ULL,
	0x1da31ULL,
	0x2ff42ULL,
	0x4d973ULL,
	0x7d8b5ULL,
	0xcb228ULL,
	0x148addULL,
	0x213d05ULL,
	0x35c7e2ULL,
	0x5704e7ULL,
	0x8cccc9ULL,
	0xe3d1b0ULL,
	0x1709e79ULL,
	0x2547029ULL,
	0x3c50ea2ULL,
	0x6197ecbULL,
	0x9de8d6dULL,
	0xff80c38ULL,
	0x19d699a5ULL,
	0x29cea5ddULL,
	0x43a53f82ULL,
	0x6d73e55fULL,
	0xb11924e1ULL,
	0x11e8d0a40ULL,
	0x1cfa62f21ULL,
	0x2ee333961ULL,
	0x4bdd96882ULL,
	0x7ac0ca1e3ULL,
	0xc69e60a65ULL,
	0x1415f2ac48ULL,
	0x207fd8b6adULL,
	0x3495cb62f5ULL,
	0x5515a419a2ULL,
	0x89ab6f7c97ULL,
	0xdec1139639ULL,
	0x1686c8312d0ULL,
	0x2472d96a909ULL,
	0x3af9a19bbd9ULL,
	0x5f6c7b064e2ULL,
	0x9a661ca20bbULL,
	0xf9d297a859dULL,
	0x19438b44a658ULL,
	0x28e0b4bf2bf5ULL,
	0x42244003d24dULL,
	0x6b04f4c2fe42ULL,
	0xad2934c6d08fULL,
	0x1182e2989ced1ULL,
	0x1c5575e509f60ULL,
	0x2dd8587da6e31ULL,
	0x4a2dce62b0d91ULL,
	0x780626e057bc2ULL,
	0xc233f54308953ULL,
	0x13a3a1c2360515ULL,
	0x1fc6e116668e68ULL,
	0x336a82d89c937dULL,
	0x533163ef0321e5ULL,
	0x869be6c79fb562ULL,
	0xd9cd4ab6a2d747ULL,
	0x16069317e428ca9ULL,
	0x23a367c34e563f0ULL,
	0x39a9fadb327f099ULL,
	0x5d4d629e80d5489ULL,
	0x96f75d79b354522ULL,
	0xf444c01834299abULL,
	0x18b3c1d91e77decdULL,
	0x27f80ddaa1ba7878ULL,
	0x40abcfb3c0325745ULL,
	0x68a3dd8e61eccfbdULL,
	0xa94fad42221f2702ULL
};

u64 bn_fib_small(u32 n)
{
	return n < 94 ? fib_table[n] : 0;
}

struct fib_pair {
	u64 *f1, *f0;	/* F(k), F(k - 1) */
	size_t l1, l0;
	u32 k;
};

/*
 * The linear passes of a step, in blocks with a poll between them: one
 * pass over F(2^31 - 1) is 186 MB.  op: 0 r = a + b, 1 r = a - b,
 * 2 r = 5 a.
 */
#define FIB_BLOCK ((size_t)1 << 17)

static int pass(int op, u64 *r, const u64 *a, const u64 *b, size_t n,
		struct bn_ctx *ctx)
{
	u64 c = 0, h;
	size_t o, k;
	int err;

	for (o = 0; o < n; o += k) {
		k = n - o < FIB_BLOCK ? n - o : FIB_BLOCK;
		if (op == 0) {
			h = bn_add_n(r + o, a + o, b + o, k);
			c = h + bn_add_1(r + o, r + o, k, c);
		} else if (op == 1) {
			h = bn_sub_n(r + o, a + o, b + o, k);
			c = h + bn_sub_1(r + o, r + o, k, c);
		} else {
			h = bn_mul_1(r + o, a + o, k, 5);
			c = h + bn_add_1(r + o, r + o, k, c);
		}
		if (n > FIB_BLOCK) {
			err = bn_poll(ctx);
			if (err)
				return err;
		}
	}
	return 0;
}

/* (F(k), F(k - 1)) -> (F(2k + bit), F(2k + bit - 1)). */
static int fib_step(struct fib_pair *p, unsigned int bit, struct bn_ctx *ctx)
{
	size_t len = 2 * p->l1 + 1;
	u64 *x, *y;
	int err;

	x = bn_alloc_limbs(ctx, len);
	y = bn_alloc_limbs(ctx, len);
	if (!x || !y) {
		err = -ENOMEM;
		goto fail;
	}
	err = bn_sqr(x, p->f1, p->l1, ctx);
	if (err)
		goto fail;
	x[2 * p->l1] = 0;
	bn_dealloc(ctx, p->f1);
	p->f1 = NULL;
	err = bn_sqr(y, p->f0, p->l0, ctx);
	if (err)
		goto fail;
	bn_zero(y + 2 * p->l0, len - 2 * p->l0);
	bn_dealloc(ctx, p->f0);
	p->f0 = NULL;
	/* y = F(2k - 1), x = F(2k + 1) = 5 F(k)^2 - F(2k - 1) +- 2 */
	err = pass(0, y, x, y, len, ctx);
	if (!err)
		err = pass(2, x, x, NULL, len, ctx);
	if (!err)
		err = pass(1, x, x, y, len, ctx);
	if (err)
		goto fail;
	if (p->k & 1)
		bn_sub_1(x, x, len, 2);
	else
		bn_add_1(x, x, len, 2);
	if (bit)
		err = pass(1, y, x, y, len, ctx);	/* F(2k) */
	else
		err = pass(1, x, x, y, len, ctx);	/* F(2k) */
	if (err)
		goto fail;
	p->f1 = x;
	p->f0 = y;
	p->l1 = bn_normlen(x, len);
	p->l0 = bn_normlen(y, len);
	p->k = 2 * p->k + bit;
	return bn_poll(ctx);
fail:
	bn_dealloc(ctx, x);
	bn_dealloc(ctx, y);
	return err;
}

/* F(2k + bit) from (F(k), F(k - 1)) with one multiplication; frees p. */
static int fib_last(struct bn **out, struct fib_pair *p, unsigned int bit,
		    struct bn_ctx *ctx)
{
	size_t ul = p->l1 + 1;
	u64 *u, *v = NULL;
	struct bn *r;
	int err = -ENOMEM;

	u = bn_alloc_limbs(ctx, bit ? 2 * ul : ul);
	if (!u)
		return err;
	/* u = F(k) + 2 F(k - 1) or 2 F(k) + F(k - 1); v = 2 F(k) - F(k - 1) */
	if (bit) {
		v = u + ul;
		u[p->l1] = bn_lshift(u, p->f1, p->l1, 1);
		bn_copy(v, u, ul);
		bn_add(u, u, ul, p->f0, p->l0);
		bn_sub(v, v, ul, p->f0, p->l0);
	} else {
		u[p->l1] = 0;
		bn_zero(u + p->l0, ul - p->l0);
		u[p->l0] = bn_lshift(u, p->f0, p->l0, 1);
		bn_add(u, u, ul, p->f1, p->l1);
	}
	bn_dealloc(ctx, p->f0);
	p->f0 = NULL;
	if (bit) {
		bn_dealloc(ctx, p->f1);
		p->f1 = NULL;
	}
	r = bn_new(ctx, 2 * ul);
	if (!r)
		goto out;
	err = bn_mul(r->d, bit ? v : p->f1, bit ? ul : p->l1, u, ul, ctx);
	if (err) {
		bn_dealloc(ctx, r);
		goto out;
	}
	if (bit && (p->k & 1))
		bn_sub_1(r->d, r->d, 2 * ul, 2);
	else if (bit)
		bn_add_1(r->d, r->d, 2 * ul, 2);
	bn_set_len(r, bit ? 2 * ul : p->l1 + ul);
	*out = r;
out:
	bn_dealloc(ctx, u);
	return err;
}

static int fib_small(struct bn **out, u32 n, struct bn_ctx *ctx)
{
	struct bn *r = bn_new(ctx, 1);

	if (!r)
		return -ENOMEM;
	r->d[0] = fib_table[n];
	bn_set_len(r, 1);
	*out = r;
	return 0;
}

/* Bits of n below the table prefix: smallest j with n >> j <= 93. */
unsigned int bn_fib_steps(u32 n)
{
	unsigned int j = 0;

	while ((n >> j) > 93)
		j++;
	return j;
}

int bn_fib(struct bn **out, u32 n, struct bn_ctx *uctx)
{
	struct bn_ctx local = { 0 }, *ctx = uctx ? uctx : &local;
	struct fib_pair p = { 0 };
	unsigned int j;
	int err = -ENOMEM;

	*out = NULL;
	if (n > BN_FIB_MAX)
		return -EINVAL;
	j = bn_fib_steps(n);
	if (!j)
		return fib_small(out, n, ctx);
	p.k = n >> j;
	p.f1 = bn_alloc_limbs(ctx, 1);
	p.f0 = bn_alloc_limbs(ctx, 1);
	if (!p.f1 || !p.f0)
		goto out;
	p.f1[0] = fib_table[p.k];
	p.f0[0] = fib_table[p.k - 1];
	p.l1 = 1;
	p.l0 = 1;
	err = 0;
	while (!err && --j)
		err = fib_step(&p, (n >> j) & 1, ctx);
	if (!err)
		err = fib_last(out, &p, n & 1, ctx);
out:
	bn_dealloc(ctx, p.f1);
	bn_dealloc(ctx, p.f0);
	return err;
}
