// SPDX-License-Identifier: GPL-2.0
/*
 * clock.c - CLOCK replacement under a byte cap (see clock.h).
 */
#include "cache/clock.h"

/**
 * clock_init() - an empty ring
 * @c: the ring
 * @cap: byte cap
 */
void clock_init(struct clock *c, size_t cap)
{
	c->hand = NULL;
	c->used = 0;
	c->cap = cap;
	c->count = 0;
}

/**
 * clock_victim() - the entry to evict so that @charge more bytes fit
 * @c: the ring
 * @charge: bytes about to be inserted, at most @c->cap
 *
 * Sweeps the hand past referenced entries, clearing their bits.  The
 * caller removes the victim with clock_remove() and calls again until
 * NULL says the bytes fit.
 *
 * Return: the victim, or NULL if @charge fits already (or nothing is left).
 */
struct clock_node *clock_victim(struct clock *c, size_t charge)
{
	struct clock_node *n;
	size_t i;

	if (c->used + charge <= c->cap || !c->hand)
		return NULL;
	/* Two turns at most: the first clears every bit. */
	for (i = 0; i <= 2 * c->count; i++) {
		n = c->hand;
		if (!__atomic_load_n(&n->referenced, __ATOMIC_RELAXED))
			return n;
		__atomic_store_n(&n->referenced, 0, __ATOMIC_RELAXED);
		c->hand = n->next;
	}
	return c->hand;
}

/**
 * clock_insert() - put a new entry on the ring, as the newest
 * @c: the ring, with room for @charge (see clock_victim())
 * @n: the entry's node
 * @charge: bytes it counts
 */
void clock_insert(struct clock *c, struct clock_node *n, size_t charge)
{
	n->charge = charge;
	n->referenced = 0;
	if (!c->hand) {
		n->prev = n;
		n->next = n;
		c->hand = n;
	} else {
		/* Just behind the hand: examined last. */
		n->next = c->hand;
		n->prev = c->hand->prev;
		n->prev->next = n;
		c->hand->prev = n;
	}
	c->used += charge;
	c->count++;
}

/**
 * clock_remove() - take an entry off the ring
 * @c: the ring
 * @n: the entry's node, on @c
 */
void clock_remove(struct clock *c, struct clock_node *n)
{
	if (n->next == n) {
		c->hand = NULL;
	} else {
		n->prev->next = n->next;
		n->next->prev = n->prev;
		if (c->hand == n)
			c->hand = n->next;
	}
	n->prev = NULL;
	n->next = NULL;
	c->used -= n->charge;
	c->count--;
}
