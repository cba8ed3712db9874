// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64.c - the innermost loops in x86-64 assembly: add_n and sub_n with
 * ADC and SBB, mul_1 and addmul_1 with MULX, ADCX and ADOX (BMI2 and ADX,
 * on x86-64 CPUs since 2013-2015; used only when the CPU has them).
 *
 * C has no add-with-carry: a portable add_n spends three dependent
 * instructions a limb on the carry, ADC one.  Its loop counter uses DEC,
 * which leaves CF alone.
 *
 * In portable C, r[i] + a[i] b + carry is one carry chain of four
 * dependent additions per limb (about 4 cycles a limb).  MULX leaves the
 * flags alone, and ADCX and ADOX add with carry through two different
 * flags (CF and OF), so the sum of the products' high halves and the sum
 * with r run as two independent chains, one cycle each.  The loops take
 * four limbs a turn and fold both carries into one register at its end,
 * so the loop counter may clobber the flags.  bn_mul_1()/bn_addmul_1()
 * (basic.c) call these when bn_use_adx() says the CPU has them.
 */
#include "bn_internal.h"

#ifdef __x86_64__

/* r[0 .. 4 blocks) = a + b; returns the carry. */
static u64 add_n_blocks(u64 *r, const u64 *a, const u64 *b, size_t blocks)
{
	u64 t0, t1, t2, t3;

	asm volatile("clc\n"
		     "1:\n\t"
		     "movq (%[a]), %[t0]\n\t"
		     "movq 8(%[a]), %[t1]\n\t"
		     "movq 16(%[a]), %[t2]\n\t"
		     "movq 24(%[a]), %[t3]\n\t"
		     "adcq (%[b]), %[t0]\n\t"
		     "adcq 8(%[b]), %[t1]\n\t"
		     "adcq 16(%[b]), %[t2]\n\t"
		     "adcq 24(%[b]), %[t3]\n\t"
		     "movq %[t0], (%[r])\n\t"
		     "movq %[t1], 8(%[r])\n\t"
		     "movq %[t2], 16(%[r])\n\t"
		     "movq %[t3], 24(%[r])\n\t"
		     "leaq 32(%[a]), %[a]\n\t"
		     "leaq 32(%[b]), %[b]\n\t"
		     "leaq 32(%[r]), %[r]\n\t"
		     "decq %[n]\n\t"
		     "jnz 1b\n\t"
		     "sbbq %[t0], %[t0]"
		     : [r] "+r" (r), [a] "+r" (a), [b] "+r" (b),
		       [n] "+r" (blocks), [t0] "=&r" (t0), [t1] "=&r" (t1),
		       [t2] "=&r" (t2), [t3] "=&r" (t3)
		     :
		     : "cc", "memory");
	return t0 & 1;
}

/* r[0 .. 4 blocks) = a - b; returns the borrow. */
static u64 sub_n_blocks(u64 *r, const u64 *a, const u64 *b, size_t blocks)
{
	u64 t0, t1, t2, t3;

	asm volatile("clc\n"
		     "1:\n\t"
		     "movq (%[a]), %[t0]\n\t"
		     "movq 8(%[a]), %[t1]\n\t"
		     "movq 16(%[a]), %[t2]\n\t"
		     "movq 24(%[a]), %[t3]\n\t"
		     "sbbq (%[b]), %[t0]\n\t"
		     "sbbq 8(%[b]), %[t1]\n\t"
		     "sbbq 16(%[b]), %[t2]\n\t"
		     "sbbq 24(%[b]), %[t3]\n\t"
		     "movq %[t0], (%[r])\n\t"
		     "movq %[t1], 8(%[r])\n\t"
		     "movq %[t2], 16(%[r])\n\t"
		     "movq %[t3], 24(%[r])\n\t"
		     "leaq 32(%[a]), %[a]\n\t"
		     "leaq 32(%[b]), %[b]\n\t"
		     "leaq 32(%[r]), %[r]\n\t"
		     "decq %[n]\n\t"
		     "jnz 1b\n\t"
		     "sbbq %[t0], %[t0]"
		     : [r] "+r" (r), [a] "+r" (a), [b] "+r" (b),
		       [n] "+r" (blocks), [t0] "=&r" (t0), [t1] "=&r" (t1),
		       [t2] "=&r" (t2), [t3] "=&r" (t3)
		     :
		     : "cc", "memory");
	return t0 & 1;
}

/**
 * bn_add_n_x86() - r = a + b with ADC
 * @r: n limbs, may equal a or b
 * @a: n limbs
 * @b: n limbs
 * @n: limbs
 *
 * Return: the carry, 0 or 1.
 */
u64 bn_add_n_x86(u64 *r, const u64 *a, const u64 *b, size_t n)
{
	size_t i = n & ~(size_t)3;
	u64 c = 0;

	if (i)
		c = add_n_blocks(r, a, b, i / 4);
	for (; i < n; i++) {
		u64 s = a[i] + c;

		c = s < c;
		r[i] = s + b[i];
		c += r[i] < s;
	}
	return c;
}

/**
 * bn_sub_n_x86() - r = a - b with SBB
 * @r: n limbs, may equal a or b
 * @a: n limbs
 * @b: n limbs
 * @n: limbs
 *
 * Return: the borrow, 0 or 1.
 */
u64 bn_sub_n_x86(u64 *r, const u64 *a, const u64 *b, size_t n)
{
	size_t i = n & ~(size_t)3;
	u64 c = 0;

	if (i)
		c = sub_n_blocks(r, a, b, i / 4);
	for (; i < n; i++) {
		u64 x = a[i], y = b[i] + c;

		c = y < c;
		c += x < y;
		r[i] = x - y;
	}
	return c;
}

/* r[0 .. 4 blocks) += a * b + c; returns the carry limb. */
static u64 addmul_1_blocks(u64 *r, const u64 *a, size_t blocks, u64 b, u64 c)
{
	u64 l0, h0, l1, h1, z;

	asm volatile("1:\n\t"
		     "xorl %k[z], %k[z]\n\t"	/* CF = OF = 0 */
		     "mulx (%[a]), %[l0], %[h0]\n\t"
		     "mulx 8(%[a]), %[l1], %[h1]\n\t"
		     "adcx %[c], %[l0]\n\t"
		     "adox (%[r]), %[l0]\n\t"
		     "movq %[l0], (%[r])\n\t"
		     "adcx %[h0], %[l1]\n\t"
		     "adox 8(%[r]), %[l1]\n\t"
		     "movq %[l1], 8(%[r])\n\t"
		     "mulx 16(%[a]), %[l0], %[h0]\n\t"
		     "adcx %[h1], %[l0]\n\t"
		     "adox 16(%[r]), %[l0]\n\t"
		     "movq %[l0], 16(%[r])\n\t"
		     "mulx 24(%[a]), %[l1], %[h1]\n\t"
		     "adcx %[h0], %[l1]\n\t"
		     "adox 24(%[r]), %[l1]\n\t"
		     "movq %[l1], 24(%[r])\n\t"
		     "adcx %[z], %[h1]\n\t"	/* cannot overflow: the */
		     "adox %[z], %[h1]\n\t"	/* carry limb is < B */
		     "movq %[h1], %[c]\n\t"
		     "leaq 32(%[a]), %[a]\n\t"
		     "leaq 32(%[r]), %[r]\n\t"
		     "decq %[n]\n\t"
		     "jnz 1b"
		     : [r] "+r" (r), [a] "+r" (a), [n] "+r" (blocks),
		       [c] "+r" (c), [l0] "=&r" (l0), [h0] "=&r" (h0),
		       [l1] "=&r" (l1), [h1] "=&r" (h1), [z] "=&r" (z)
		     : "d" (b)
		     : "cc", "memory");
	return c;
}

/* r[0 .. 4 blocks) = a * b + c; returns the carry limb. */
static u64 mul_1_blocks(u64 *r, const u64 *a, size_t blocks, u64 b, u64 c)
{
	u64 l0, h0, l1, h1, z;

	asm volatile("1:\n\t"
		     "xorl %k[z], %k[z]\n\t"	/* CF = 0 */
		     "mulx (%[a]), %[l0], %[h0]\n\t"
		     "mulx 8(%[a]), %[l1], %[h1]\n\t"
		     "adcx %[c], %[l0]\n\t"
		     "movq %[l0], (%[r])\n\t"
		     "adcx %[h0], %[l1]\n\t"
		     "movq %[l1], 8(%[r])\n\t"
		     "mulx 16(%[a]), %[l0], %[h0]\n\t"
		     "adcx %[h1], %[l0]\n\t"
		     "movq %[l0], 16(%[r])\n\t"
		     "mulx 24(%[a]), %[l1], %[h1]\n\t"
		     "adcx %[h0], %[l1]\n\t"
		     "movq %[l1], 24(%[r])\n\t"
		     "adcx %[z], %[h1]\n\t"
		     "movq %[h1], %[c]\n\t"
		     "leaq 32(%[a]), %[a]\n\t"
		     "leaq 32(%[r]), %[r]\n\t"
		     "decq %[n]\n\t"
		     "jnz 1b"
		     : [r] "+r" (r), [a] "+r" (a), [n] "+r" (blocks),
		       [c] "+r" (c), [l0] "=&r" (l0), [h0] "=&r" (h0),
		       [l1] "=&r" (l1), [h1] "=&r" (h1), [z] "=&r" (z)
		     : "d" (b)
		     : "cc", "memory");
	return c;
}

/**
 * bn_addmul_1_adx() - r += a * b with MULX/ADCX/ADOX
 * @r: n limbs, may equal a
 * @a: n limbs
 * @n: limbs
 * @b: the multiplier
 *
 * Only call it when bn_use_adx() is true.
 *
 * Return: the carry limb.
 */
u64 bn_addmul_1_adx(u64 *r, const u64 *a, size_t n, u64 b)
{
	size_t i = n & ~(size_t)3;
	u64 c = 0;

	if (i)
		c = addmul_1_blocks(r, a, i / 4, b, 0);
	for (; i < n; i++) {
		bn_u128 s = (bn_u128)a[i] * b + r[i] + c;

		r[i] = (u64)s;
		c = (u64)(s >> 64);
	}
	return c;
}

/**
 * bn_mul_1_adx() - r = a * b with MULX/ADCX
 * @r: n limbs, may equal a
 * @a: n limbs
 * @n: limbs
 * @b: the multiplier
 *
 * Only call it when bn_use_adx() is true.
 *
 * Return: the high limb.
 */
u64 bn_mul_1_adx(u64 *r, const u64 *a, size_t n, u64 b)
{
	size_t i = n & ~(size_t)3;
	u64 c = 0;

	if (i)
		c = mul_1_blocks(r, a, i / 4, b, 0);
	for (; i < n; i++) {
		bn_u128 s = (bn_u128)a[i] * b + c;

		r[i] = (u64)s;
		c = (u64)(s >> 64);
	}
	return c;
}

#endif /* __x86_64__ */
