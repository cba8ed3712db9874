/* SPDX-License-Identifier: GPL-2.0 */
/*
 * khttpd_shim.h - the only environment a kernel-agnostic khttpd core sees.
 *
 * bignum/, the HTTP parser and the cache policy include this header and
 * nothing else from their environment.  Built with __KERNEL__ it maps onto
 * kernel APIs; built in user space (tests, fuzzers, benchmarks, tools/fib) it
 * maps onto libc.  It gives exactly three things:
 *
 *  - fixed-width types (u8, u32, u64, s64, bool, size_t), mem*(), str*(),
 *    snprintf(), ARRAY_SIZE() and __printf();
 *  - allocation that may fail: kshim_alloc() / kshim_free();
 *  - yielding: kshim_yield(), called often by long computations.
 *
 * Cancellation is not a property of the environment but of the caller: the
 * cores take a caller-provided callback (see bignum/bignum.h).
 *
 * User-space builds may define KSHIM_FAULT_INJECT to make kshim_alloc() fail
 * on demand (kshim_fail_after), so every allocation-failure path can be
 * tested under ASan.  The KUnit build does the same with the same variable.
 */
#ifndef KHTTPD_SHIM_H
#define KHTTPD_SHIM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#ifdef __x86_64__
#include <asm/cpufeature.h>
#endif

#else /* user space */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __x86_64__
#include <cpuid.h>
#endif

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

#endif /* __KERNEL__ */

/* Largest single allocation the shim hands out (kvmalloc() refuses more). */
#define KSHIM_ALLOC_MAX ((size_t)INT_MAX)

#ifdef KSHIM_FAULT_INJECT
/*
 * Number of allocations that still succeed; the next one fails and the
 * counter stays at zero.  Negative (the default) disables injection.
 */
extern long kshim_fail_after;

static inline bool kshim_should_fail(void)
{
	if (kshim_fail_after < 0)
		return false;
	if (kshim_fail_after == 0)
		return true;
	kshim_fail_after--;
	return false;
}
#else
static inline bool kshim_should_fail(void)
{
	return false;
}
#endif

/**
 * kshim_alloc() - allocate @size bytes that may be large
 * @size: number of bytes; more than KSHIM_ALLOC_MAX always fails
 *
 * In the kernel this is kvmalloc() that neither warns nor invokes the OOM
 * killer on failure, so a request from the network can only ever get NULL.
 *
 * Return: the memory, or NULL.  Free it with kshim_free().
 */
static inline void *kshim_alloc(size_t size)
{
	if (size == 0 || size > KSHIM_ALLOC_MAX || kshim_should_fail())
		return NULL;
#ifdef __KERNEL__
	return kvmalloc(size, GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
#else
	return malloc(size);
#endif
}

/**
 * kshim_free() - free memory from kshim_alloc(); NULL is ignored
 * @p: the memory
 */
static inline void kshim_free(void *p)
{
#ifdef __KERNEL__
	kvfree(p);
#else
	free(p);
#endif
}

/**
 * kshim_yield() - let the scheduler run something else if it wants to
 *
 * Long computations call this every few hundred microseconds of work.  In
 * the kernel it is cond_resched(); in user space it does nothing.
 */
static inline void kshim_yield(void)
{
#ifdef __KERNEL__
	cond_resched();
#endif
}

/**
 * kshim_cpu_has_adx() - the CPU has MULX (BMI2) and ADCX/ADOX (ADX)
 *
 * bignum/ multiplies with these x86-64 instructions when they are there.
 * The kernel reads its boot CPU's feature bits; user space asks CPUID
 * once (leaf 7: EBX bit 8 is BMI2, bit 19 is ADX).
 *
 * Return: true when both are available.
 */
#if defined(__x86_64__) && defined(__KERNEL__)
static inline bool kshim_cpu_has_adx(void)
{
	return boot_cpu_has(X86_FEATURE_ADX) && boot_cpu_has(X86_FEATURE_BMI2);
}
#elif defined(__x86_64__)
static inline bool kshim_cpu_has_adx(void)
{
	static int known = -1;
	unsigned int a, b, c, d;

	if (known < 0) {
		known = __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
			(b & (1U << 8)) && (b & (1U << 19));
	}
	return known;
}
#else
static inline bool kshim_cpu_has_adx(void)
{
	return false;
}
#endif

#endif /* KHTTPD_SHIM_H */
