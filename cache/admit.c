// SPDX-License-Identifier: GPL-2.0
/*
 * admit.c - admission and eviction by compute time saved per byte and
 * frequency, over a CLOCK ring (see admit.h).
 */
#include "cache/admit.h"

#define node_of(cn) \
	((struct admit_node *)((char *)(cn) - offsetof(struct admit_node, clock)))

/**
 * admit_init() - an empty policy, enforcing
 * @a: the policy
 * @cap: byte cap; 0 (a disabled cache) allocates no sketch
 * @seed: the sketch's hash seed
 *
 * The sketch is sized for one key per ADMIT_BYTES_PER_KEY bytes of @cap.
 *
 * Return: 0 or -ENOMEM.
 */
int admit_init(struct admit *a, size_t cap, u64 seed)
{
	memset(a, 0, sizeof(*a));
	clock_init(&a->ring, cap);
	a->enforce = true;
	if (!cap)
		return 0;
	return sketch_init(&a->sketch, cap / ADMIT_BYTES_PER_KEY, seed);
}

/**
 * admit_free() - free the policy's memory (not its entries'); safe twice
 * @a: the policy
 */
void admit_free(struct admit *a)
{
	sketch_free(&a->sketch);
}

/* Count one more request for @n's key and value it anew. */
static void revalue(struct admit *a, struct admit_node *n)
{
	unsigned int freq = sketch_add(&a->sketch, n->key);

	n->prio = a->age + freq * n->value;
}

/*
 * The hand goes past @n: without victims yet it simply moves on and @n
 * is behind it; after the first victim, @n moves to just before it, which
 * is behind the hand once the victims are gone.
 */
static void pass(struct clock *c, struct clock_node *n,
		 struct clock_node *first)
{
	if (!first) {
		c->hand = n->next;
		return;
	}
	if (n->next == first)
		return;
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = first->prev;
	n->next = first;
	first->prev->next = n;
	first->prev = n;
}

/*
 * Choose victims of priority at most @limit until @charge more bytes fit:
 * they are left as a run of a->victims entries starting at the hand.
 * False if the candidate is refused (a->victims is then 0).
 */
static bool choose_victims(struct admit *a, u64 limit, size_t charge)
{
	struct clock *c = &a->ring;
	struct clock_node *n = c->hand, *next, *first = NULL;
	size_t need = c->used + charge - c->cap, freed = 0, victims = 0;
	size_t steps = 2 * c->count + ADMIT_MAX_DEFENDED;
	unsigned int defended = 0;

	while (steps--) {
		next = n->next;
		if (__atomic_load_n(&n->referenced, __ATOMIC_RELAXED)) {
			__atomic_store_n(&n->referenced, 0, __ATOMIC_RELAXED);
			revalue(a, node_of(n));
			pass(c, n, first);
		} else if (node_of(n)->prio > limit) {
			a->defended++;
			if (++defended > ADMIT_MAX_DEFENDED)
				break;
			pass(c, n, first);
		} else {
			if (!first)
				first = n;
			victims++;
			freed += n->charge;
			if (freed >= need) {
				a->victims = victims;
				return true;
			}
		}
		n = next;
		if (n == first)
			break;		/* round: all the rest is defended */
	}
	a->refused++;
	return false;
}

/**
 * admit_offer() - offer a body: count its key, value it, decide
 * @a: the policy
 * @n: the body's node, not on the ring; its key, value and priority are
 *     set whatever the answer
 * @key: the body's key
 * @charge: its bytes, more than 0 and at most the cap
 * @cost: nanoseconds it took to compute (what a hit on it saves)
 *
 * Every offer, refused or not, is one request for @key in the sketch and
 * advances the age by @cost.  If the body fits as things are, it is
 * admitted at once; otherwise victims are chosen (see admit.h).  If
 * admitted, the caller takes the victims with admit_victim() and removes
 * each, then calls admit_insert().
 *
 * Return: true if admitted.
 */
bool admit_offer(struct admit *a, struct admit_node *n, u64 key,
		 size_t charge, u64 cost)
{
	unsigned int freq;

	if (!a->ring.cap)
		return false;		/* a disabled cache: no sketch */
	freq = sketch_add(&a->sketch, key);
	if (cost > ADMIT_COST_MAX)
		cost = ADMIT_COST_MAX;
	a->age_rem += cost << ADMIT_SHIFT;
	a->age += a->age_rem / a->ring.cap;
	a->age_rem %= a->ring.cap;
	n->key = key;
	n->value = (cost << ADMIT_SHIFT) / (charge ? charge : 1);
	n->prio = a->age + freq * n->value;
	a->charge = charge;
	a->victims = 0;
	if (!a->enforce || a->ring.used + charge <= a->ring.cap ||
	    !a->ring.hand)
		return true;
	/* Only entries worth at most half as much: equals stay put. */
	return choose_victims(a, a->age + freq * n->value / 2, charge);
}

/**
 * admit_victim() - the next entry to evict for the body admit_offer()
 *                  admitted
 * @a: the policy
 *
 * The caller removes it (admit_remove()) before asking for the next.
 *
 * Return: the victim, still on the ring, or NULL once the body fits.
 */
struct admit_node *admit_victim(struct admit *a)
{
	struct clock_node *v;

	if (a->enforce) {
		if (!a->victims)
			return NULL;
		a->victims--;
		v = a->ring.hand;
	} else {
		v = clock_victim(&a->ring, a->charge);
	}
	return v ? node_of(v) : NULL;
}

/**
 * admit_insert() - put an admitted body's node on the ring
 * @a: the policy
 * @n: the node admit_offer() admitted, its victims removed
 * @charge: the bytes it was offered with
 */
void admit_insert(struct admit *a, struct admit_node *n, size_t charge)
{
	clock_insert(&a->ring, &n->clock, charge);
}

/**
 * admit_remove() - take an entry's node off the ring
 * @a: the policy
 * @n: the node, on the ring
 */
void admit_remove(struct admit *a, struct admit_node *n)
{
	clock_remove(&a->ring, &n->clock);
}
