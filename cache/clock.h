/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clock.h - CLOCK replacement under a byte cap: the response cache's
 * policy, kernel-agnostic (include/khttpd_shim.h only).
 *
 * Entries sit on a ring in insertion order; the hand points at the oldest.
 * A hit only sets the entry's referenced bit (one store, no lock, so
 * lookups stay lock-free).  To make room, the hand sweeps: a referenced
 * entry loses its bit and gets a second chance, the first unreferenced one
 * is the victim.  This approximates LRU: an entry hit since the hand last
 * passed it survives a sweep; without hits it is FIFO, which is what LRU
 * does without hits.
 *
 * The caller serialises every call but clock_touch() with one lock.
 */
#ifndef KHTTPD_CLOCK_H
#define KHTTPD_CLOCK_H

#include "include/khttpd_shim.h"

/**
 * struct clock_node - an entry's place on the ring; embed it in the entry
 * @prev: older neighbour
 * @next: newer neighbour
 * @charge: bytes the entry counts against the cap
 * @referenced: hit since the hand last passed
 */
struct clock_node {
	struct clock_node *prev;
	struct clock_node *next;
	size_t charge;
	u8 referenced;
};

/**
 * struct clock - the ring and its accounting
 * @hand: the oldest entry, next to be examined; NULL when empty
 * @used: bytes charged by the entries on the ring
 * @cap: the most @used may ever be
 * @count: entries on the ring
 */
struct clock {
	struct clock_node *hand;
	size_t used;
	size_t cap;
	size_t count;
};

void clock_init(struct clock *c, size_t cap);
struct clock_node *clock_victim(struct clock *c, size_t charge);
void clock_insert(struct clock *c, struct clock_node *n, size_t charge);
void clock_remove(struct clock *c, struct clock_node *n);

/**
 * clock_touch() - record a hit; safe without the lock
 * @n: the entry's node
 */
static inline void clock_touch(struct clock_node *n)
{
	if (!__atomic_load_n(&n->referenced, __ATOMIC_RELAXED))
		__atomic_store_n(&n->referenced, 1, __ATOMIC_RELAXED);
}

#endif /* KHTTPD_CLOCK_H */
