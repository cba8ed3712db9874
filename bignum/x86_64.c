// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64.c - the innermost loops in x86-64 assembly, four limbs a turn:
 * add_n and sub_n with ADC and SBB, mul_1 and addmul_1 with MULX, ADCX and
 * ADOX (BMI2 and ADX, on x86-64 CPUs since 2013-2015; used only when the
 * CPU has them).  basic.c calls them for the largest multiple of four
 * limbs and finishes the rest, with the carry, in its portable loops.
 *
 * C has no add-with-carry: a portable add_n spends three dependent
 * instructions a limb on the carry, ADC one.  The loop counter uses DEC,
 * which leaves CF alone.
 *
 * In portable C, r[i] + a[i] b + carry is one carry chain of four
 * dependent additions per limb (about 4 cycles a limb).  MULX leaves the
 * flags alone, and ADCX and ADOX add with carry through two different
 * flags (CF and OF), so the sum of the products' high halves and the sum
 * with r run as two independent chains, one cycle each.  Both carries are
 * folded into one register at the end of each turn, so the loop counter
 * may clobber the flags.
 */
#include "bn_internal.h"

#ifdef BN_X86_ASM

/*
 * The loop of r[0 .. 4 blocks) = a OP b for OP adcq or sbbq, starting with
 * CF clear; it leaves the final carry or borrow in t0 as 0 or -1.
 */
#define CARRY_LOOP(op)							\
	"clc\n"							\
	"1:\n\t"							\
	"movq (%[a]), %[t0]\n\t"					\
	"movq 8(%[a]), %[t1]\n\t"					\
	"movq 16(%[a]), %[t2]\n\t"					\
	"movq 24(%[a]), %[t3]\n\t"					\
	op " (%[b]), %[t0]\n\t"					\
	op " 8(%[b]), %[t1]\n\t"					\
	op " 16(%[b]), %[t2]\n\t"					\
	op " 24(%[b]), %[t3]\n\t"					\
	"movq %[t0], (%[r])\n\t"					\
	"movq %[t1], 8(%[r])\n\t"					\
	"movq %[t2], 16(%[r])\n\t"					\
	"movq %[t3], 24(%[r])\n\t"					\
	"leaq 32(%[a]), %[a]\n\t"					\
	"leaq 32(%[b]), %[b]\n\t"					\
	"leaq 32(%[r]), %[r]\n\t"					\
	"decq %[n]\n\t"						\
	"jnz 1b\n\t"							\
	"sbbq %[t0], %[t0]"

/**
 * bn_add_4k_x86() - r = a + b for a multiple of four limbs, with ADC
 * @r: n limbs, may equal a or b
 * @a: n limbs
 * @b: n limbs
 * @n: limbs, a positive multiple of 4
 *
 * Return: the carry, 0 or 1.
 */
u64 bn_add_4k_x86(u64 *r, const u64 *a, const u64 *b, size_t n)
{
	size_t blocks = n / 4;
	u64 t0, t1, t2, t3;

	asm volatile(CARRY_LOOP("adcq")
		     : [r] "+r" (r), [a] "+r" (a), [b] "+r" (b),
		       [n] "+r" (blocks), [t0] "=&r" (t0), [t1] "=&r" (t1),
		       [t2] "=&r" (t2), [t3] "=&r" (t3)
		     :
		     : "cc", "memory");
	return t0 & 1;
}

/**
 * bn_sub_4k_x86() - r = a - b for a multiple of four limbs, with SBB
 * @r: n limbs, may equal a or b
 * @a: n limbs
 * @b: n limbs
 * @n: limbs, a positive multiple of 4
 *
 * Return: the borrow, 0 or 1.
 */
u64 bn_sub_4k_x86(u64 *r, const u64 *a, const u64 *b, size_t n)
{
	size_t blocks = n / 4;
	u64 t0, t1, t2, t3;

	asm volatile(CARRY_LOOP("sbbq")
		     : [r] "+r" (r), [a] "+r" (a), [b] "+r" (b),
		       [n] "+r" (blocks), [t0] "=&r" (t0), [t1] "=&r" (t1),
		       [t2] "=&r" (t2), [t3] "=&r" (t3)
		     :
		     : "cc", "memory");
	return t0 & 1;
}

/**
 * bn_addmul_4k_adx() - r += a * b for a multiple of four limbs
 * @r: n limbs, may equal a
 * @a: n limbs
 * @n: limbs, a positive multiple of 4
 * @b: the multiplier
 *
 * Only call it when bn_use_adx() is true.
 *
 * Return: the carry limb.
 */
u64 bn_addmul_4k_adx(u64 *r, const u64 *a, size_t n, u64 b)
{
	size_t blocks = n / 4;
	u64 l0, h0, l1, h1, z, c = 0;

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

/**
 * bn_mul_4k_adx() - r = a * b for a multiple of four limbs
 * @r: n limbs, may equal a
 * @a: n limbs
 * @n: limbs, a positive multiple of 4
 * @b: the multiplier
 *
 * Only call it when bn_use_adx() is true.
 *
 * Return: the high limb.
 */
u64 bn_mul_4k_adx(u64 *r, const u64 *a, size_t n, u64 b)
{
	size_t blocks = n / 4;
	u64 l0, h0, l1, h1, z, c = 0;

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

#endif /* BN_X86_ASM */
