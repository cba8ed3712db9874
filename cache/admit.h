/* SPDX-License-Identifier: GPL-2.0 */
/*
 * admit.h - the response cache's admission and eviction policy: which
 * bodies are worth their bytes, by the compute time a hit saves per byte
 * and how often they are asked for.  Kernel-agnostic (khttpd_shim.h only).
 *
 * Every entry has a priority, as in GreedyDual-Size-Frequency:
 *
 *	prio = age + freq * value,	value = (cost << ADMIT_SHIFT) / charge
 *
 * where cost is the nanoseconds the body took to compute (what a hit
 * saves), charge its bytes, freq the sketch's estimate of how often its
 * key was asked for lately (sketch.h: TinyLFU's doorkeeper and count-min
 * sketch, 1 to 16), and age a clock that advances with the compute time
 * of every body offered, admitted or not: by (cost << ADMIT_SHIFT) / cap.
 * An entry's priority is set when it is offered and again whenever the
 * CLOCK hand finds it hit; prio - age is what it is still worth.
 *
 * A body offered when the cache is full is a candidate worth
 * freq * value.  The hand sweeps the CLOCK ring (clock.h) from the oldest
 * entry: an entry hit since the hand last passed keeps its place (second
 * chance) and is valued anew; an entry still worth more than half the
 * candidate is passed too ("defended"); the others become victims until
 * the candidate fits.  A candidate that meets more than
 * ADMIT_MAX_DEFENDED defended entries, or the whole ring, before it fits
 * is refused and nothing is evicted.  The factor of one half keeps
 * entries of like worth from evicting each other in ring order.
 *
 * So a cheap body cannot evict an expensive entry while that entry is
 * still worth more than 8 times the cheap body's value (half the sketch's
 * largest count, 16), and a flood of cheap requests only wears that worth down through age:
 * an entry nobody asks for again goes once the bodies offered after it
 * have cost the server about freq * cost * cap / charge nanoseconds, its
 * own compute time times the number of bodies its size that fit in the
 * cache.  Entries of like value behave as under CLOCK with frequency.
 *
 * The caller serialises every call but admit_touch() with one lock, and
 * offers a body in three steps:
 *
 *	if (!admit_offer(a, node, key, charge, cost))
 *		refused;
 *	while ((v = admit_victim(a)))
 *		remove v from its table, admit_remove(a, v);
 *	admit_insert(a, node, charge);
 *
 * With @enforce false the policy keeps its books but admits every body
 * and evicts in plain CLOCK order (clock_victim()), as before it existed.
 */
#ifndef KHTTPD_ADMIT_H
#define KHTTPD_ADMIT_H

#include "include/khttpd_shim.h"
#include "cache/clock.h"
#include "cache/sketch.h"

/* value's fixed point: 1 ns per byte is 1 << ADMIT_SHIFT */
#define ADMIT_SHIFT 16
/* Costs are clamped to this (about 18 minutes), so nothing overflows. */
#define ADMIT_COST_MAX (1ULL << 40)
/* Defended entries a candidate may pass before it is refused. */
#define ADMIT_MAX_DEFENDED 16
/* Bytes of cache per key the sketch is sized for (sketch_width()). */
#define ADMIT_BYTES_PER_KEY 2048

/**
 * struct admit_node - an entry as the policy sees it; embed it
 * @clock: its place on the ring
 * @key: its key, as the sketch counts it
 * @value: compute time a hit saves per byte, (cost << ADMIT_SHIFT) / charge
 * @prio: age when last valued + frequency * @value
 */
struct admit_node {
	struct clock_node clock;
	u64 key;
	u64 value;
	u64 prio;
};

/**
 * struct admit - the policy
 * @ring: the entries in CLOCK order, with the byte cap
 * @sketch: how often keys were asked for
 * @age: the priority below which an entry is worth nothing any more
 * @age_rem: remainder of @age's last division by the cap
 * @enforce: refuse and choose victims by value (else plain CLOCK)
 * @victims: victims admit_victim() has still to hand out
 * @charge: bytes of the body being offered
 * @refused: candidates refused
 * @defended: entries passed because they were worth more than a candidate
 */
struct admit {
	struct clock ring;
	struct sketch sketch;
	u64 age;
	u64 age_rem;
	bool enforce;
	size_t victims;
	size_t charge;
	u64 refused;
	u64 defended;
};

int admit_init(struct admit *a, size_t cap, u64 seed);
void admit_free(struct admit *a);
bool admit_offer(struct admit *a, struct admit_node *n, u64 key,
		 size_t charge, u64 cost);
struct admit_node *admit_victim(struct admit *a);
void admit_insert(struct admit *a, struct admit_node *n, size_t charge);
void admit_remove(struct admit *a, struct admit_node *n);

/**
 * admit_touch() - record a hit; safe without the lock
 * @n: the entry's node
 */
static inline void admit_touch(struct admit_node *n)
{
	clock_touch(&n->clock);
}

#endif /* KHTTPD_ADMIT_H */
