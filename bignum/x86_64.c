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
 *
 * The schoolbook product and square (mul.c's basecases) are whole asm
 * routines here: the loop over the rows is in asm too, so a row costs no
 * call and no C tail loop.  A row of any length enters its four-limb body
 * at the limb that leaves a multiple of four, and counts with LEA and
 * JRCXZ, which leave the flags alone: the CF and OF chains run unbroken
 * along the row.  The operands are walked with pointers (LEA), not
 * indexed: base + index addressing made the loop about a third slower on
 * the AMD EPYC (Zen 3) it was measured on.
 */
#include "bignum/bn_internal.h"

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

/*
 * The entry into a row of len limbs, four a turn: a and r point to the
 * ends of the row's operand and destination.  m0 = -len mod 4 is the
 * number of limbs of the first turn to skip; rcx = -(len + m0) counts up
 * to 0, four a turn (LEA and JRCXZ leave the flags alone, so the carry
 * chains run unbroken from the bottom of the row to its top), and a and r
 * move back by len + m0 limbs.  A stub for each m0 zeroes the high half
 * that limb m0 adds (that of limb m0 - 1 mod 4), clears CF and OF, and
 * jumps to the labels e0..e3 of the body's limbs.
 */
#define ROW_ENTRY(len, e0, e1, e2, e3)					\
	"movq " len ", %%rcx\n\t"					\
	"negq %%rcx\n\t"						\
	"movq %%rcx, %[m0]\n\t"					\
	"andq $3, %[m0]\n\t"						\
	"subq %[m0], %%rcx\n\t"					\
	"leaq (%[a],%%rcx,8), %[a]\n\t"				\
	"leaq (%[r],%%rcx,8), %[r]\n\t"				\
	"cmpq $1, %[m0]\n\t"						\
	"jb 5f\n\t"							\
	"je 6f\n\t"							\
	"cmpq $2, %[m0]\n\t"						\
	"je 7f\n\t"							\
	"xorl %k[ha], %k[ha]\n\t"					\
	"jmp " e3 "f\n"						\
	"5:\n\t"							\
	"xorl %k[hb], %k[hb]\n\t"					\
	"jmp " e0 "f\n"						\
	"6:\n\t"							\
	"xorl %k[ha], %k[ha]\n\t"					\
	"jmp " e1 "f\n"						\
	"7:\n\t"							\
	"xorl %k[hb], %k[hb]\n\t"					\
	"jmp " e2 "f\n"

/*
 * One limb of r += a * rdx: the product's low half plus the high half of
 * the previous limb's (ADCX, chain CF) plus r (ADOX, chain OF).  The limbs
 * alternate between the register pairs la:ha and lb:hb.  MUL_LIMB is the
 * same for r = a * rdx.
 */
#define ADDMUL_LIMB(off, l, h, hprev)					\
	"mulx " off "(%[a]), %[" l "], %[" h "]\n\t"			\
	"adcx %[" hprev "], %[" l "]\n\t"				\
	"adox " off "(%[r]), %[" l "]\n\t"				\
	"movq %[" l "], " off "(%[r])\n"

#define MUL_LIMB(off, l, h, hprev)					\
	"mulx " off "(%[a]), %[" l "], %[" h "]\n\t"			\
	"adcx %[" hprev "], %[" l "]\n\t"				\
	"movq %[" l "], " off "(%[r])\n"

/*
 * The loop of a row after ROW_ENTRY, with the body's labels l0..l3; it
 * leaves a and r at the ends of the row, the last high half in hb, and
 * la = 0.
 */
#define ROW_LOOP(LIMB, l0, l1, l2, l3, done)				\
	l0 ":\n\t"							\
	LIMB("", "la", "ha", "hb")					\
	l1 ":\n\t"							\
	LIMB("8", "lb", "hb", "ha")					\
	l2 ":\n\t"							\
	LIMB("16", "la", "ha", "hb")					\
	l3 ":\n\t"							\
	LIMB("24", "lb", "hb", "ha")					\
	"leaq 32(%[a]), %[a]\n\t"					\
	"leaq 32(%[r]), %[r]\n\t"					\
	"leaq 4(%%rcx), %%rcx\n\t"					\
	"jrcxz " done "f\n\t"						\
	"jmp " l0 "b\n"						\
	done ":\n\t"							\
	"movl $0, %k[la]\n\t"

/*
 * The rows of a schoolbook product or of the triangle of a square: r ends
 * at the top of the first row (where its carry limb goes), b points to its
 * multiplier, and each further row is one limb up with the next
 * multiplier; the loop ends when the register count reaches 0.  The first
 * row stores its products, the others add them.
 */
#define ROWS(len, count)						\
	"movq (%[b]), %%rdx\n\t"					\
	ROW_ENTRY(len, "10", "11", "12", "13")				\
	ROW_LOOP(MUL_LIMB, "10", "11", "12", "13", "14")		\
	"adcx %[la], %[hb]\n\t"					\
	"movq %[hb], (%[r])\n\t"					\
	"decq " count "\n\t"						\
	"jz 9f\n"							\
	"3:\n\t"							\
	"leaq 8(%[b]), %[b]\n\t"					\
	"leaq 8(%[r]), %[r]\n\t"					\
	"movq (%[b]), %%rdx\n\t"					\
	ROW_ENTRY(len, "20", "21", "22", "23")				\
	ROW_LOOP(ADDMUL_LIMB, "20", "21", "22", "23", "24")		\
	"adcx %[la], %[hb]\n\t"					\
	"adox %[la], %[hb]\n\t"					\
	"movq %[hb], (%[r])\n\t"					\
	"decq " count "\n\t"						\
	"jnz 3b\n"							\
	"9:"

/**
 * bn_mul_basecase_adx() - r = a * b, schoolbook, with MULX, ADCX and ADOX
 * @r: an + bn limbs, not overlapping a or b
 * @a: an limbs
 * @an: limbs, at least 1
 * @b: bn limbs
 * @bn: limbs, at least 1 (the rows run over a: an >= bn is faster)
 *
 * One asm loop over the rows, r[0 .. an] = a b[0] and then r[j .. j + an]
 * += a b[j] for each further j: no calls, no C loops, each row in full.
 * Only call it when bn_use_adx() is true.
 */
void bn_mul_basecase_adx(u64 *r, const u64 *a, size_t an, const u64 *b,
			 size_t bn)
{
	const u64 *ae = a + an;
	u64 *re = r + an;
	u64 la, ha, lb, hb, m0, i, m;

	asm volatile(ROWS("%[n]", "%[nb]")
		     : [r] "+r" (re), [a] "+r" (ae), [b] "+r" (b),
		       [nb] "+r" (bn), [la] "=&r" (la), [ha] "=&r" (ha),
		       [lb] "=&r" (lb), [hb] "=&r" (hb), [m0] "=&r" (m0),
		       "=&c" (i), "=&d" (m)
		     : [n] "r" (an)
		     : "cc", "memory");
}

/**
 * bn_sqr_basecase_adx() - r = a^2, schoolbook, with MULX, ADCX and ADOX
 * @r: 2n limbs, not overlapping a
 * @a: n limbs
 * @n: limbs, at least 1
 *
 * The rows of the triangle a[i] a[i + 1 .. n) into r[2i + 1 ..) as in
 * bn_mul_basecase_adx(), each one limb shorter than the one before; then
 * one pass doubles r (ADCX of each limb to itself, chain CF) and adds the
 * squares a[i]^2 (ADOX, chain OF).  Only call it when bn_use_adx() is
 * true.
 */
void bn_sqr_basecase_adx(u64 *r, const u64 *a, size_t n)
{
	const u64 *ae = a + n, *b = a;
	u64 *re = r + n;
	size_t len = n - 1;
	u64 la, ha, lb, hb, m0, i, m;

	r[0] = 0;
	r[2 * n - 1] = 0;
	if (len)
		asm volatile(ROWS("%[len]", "%[len]")
			     : [r] "+r" (re), [a] "+r" (ae), [b] "+r" (b),
			       [len] "+r" (len), [la] "=&r" (la),
			       [ha] "=&r" (ha), [lb] "=&r" (lb),
			       [hb] "=&r" (hb), [m0] "=&r" (m0), "=&c" (i),
			       "=&d" (m)
			     :
			     : "cc", "memory");
	i = -n;
	asm volatile("xorl %k[l], %k[l]\n"
		     "1:\n\t"
		     "movq (%[a]), %%rdx\n\t"
		     "mulx %%rdx, %[l], %[h]\n\t"
		     "movq (%[r]), %[x]\n\t"
		     "movq 8(%[r]), %[y]\n\t"
		     "adcx %[x], %[x]\n\t"
		     "adcx %[y], %[y]\n\t"
		     "adox %[l], %[x]\n\t"
		     "adox %[h], %[y]\n\t"
		     "movq %[x], (%[r])\n\t"
		     "movq %[y], 8(%[r])\n\t"
		     "leaq 8(%[a]), %[a]\n\t"
		     "leaq 16(%[r]), %[r]\n\t"
		     "leaq 1(%%rcx), %%rcx\n\t"
		     "jrcxz 2f\n\t"
		     "jmp 1b\n"
		     "2:"
		     : [r] "+r" (r), [a] "+r" (a), "+c" (i), [l] "=&r" (la),
		       [h] "=&r" (ha), [x] "=&r" (lb), [y] "=&r" (hb),
		       "=&d" (m)
		     :
		     : "cc", "memory");
}

#endif /* BN_X86_ASM */
