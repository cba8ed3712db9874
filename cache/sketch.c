// SPDX-License-Identifier: GPL-2.0
/*
 * sketch.c - TinyLFU's frequency sketch: a doorkeeper in front of a
 * count-min sketch of 4-bit counters, aged by halving (see sketch.h).
 */
#include "cache/sketch.h"

#define DOOR_PROBES 3
#define HALF_MASK 0x7777777777777777ULL	/* each nibble's low 3 bits */

/* A 64-bit finaliser (MurmurHash3's): every bit depends on every bit. */
static u64 mix64(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/*
 * Probe @i of a hash, by double hashing: the low half plus @i times the
 * high half (made odd, so the probes of one key differ).
 */
static u32 probe(u64 h, u32 i)
{
	return (u32)h + i * ((u32)(h >> 32) | 1);
}

static unsigned int counter_get(const struct sketch *s, u32 row, u64 h)
{
	size_t i = (size_t)row * s->width + (probe(h, row) & (s->width - 1));

	return (s->counters[i / 16] >> (i % 16 * 4)) & SKETCH_COUNT_MAX;
}

static void counter_inc(struct sketch *s, u32 row, u64 h)
{
	size_t i = (size_t)row * s->width + (probe(h, row) & (s->width - 1));

	s->counters[i / 16] += 1ULL << (i % 16 * 4);
}

static unsigned int counters_min(const struct sketch *s, u64 h)
{
	unsigned int m = SKETCH_COUNT_MAX, c;
	u32 row;

	for (row = 0; row < SKETCH_DEPTH; row++) {
		c = counter_get(s, row, h);
		if (c < m)
			m = c;
	}
	return m;
}

static bool door_test(const struct sketch *s, u64 g)
{
	u32 bits = s->width * 64, i, b;

	for (i = 0; i < DOOR_PROBES; i++) {
		b = probe(g, i) & (bits - 1);
		if (!(s->door[b / 64] & 1ULL << (b % 64)))
			return false;
	}
	return true;
}

static void door_set(struct sketch *s, u64 g)
{
	u32 bits = s->width * 64, i, b;

	for (i = 0; i < DOOR_PROBES; i++) {
		b = probe(g, i) & (bits - 1);
		s->door[b / 64] |= 1ULL << (b % 64);
	}
}

/**
 * sketch_width() - the width a sketch for @entries keys gets
 * @entries: how many keys the cache is expected to hold
 *
 * Return: @entries rounded up to a power of two, within SKETCH_WIDTH_MIN
 * and SKETCH_WIDTH_MAX.
 */
u32 sketch_width(size_t entries)
{
	u32 w = SKETCH_WIDTH_MIN;

	while (w < entries && w < SKETCH_WIDTH_MAX)
		w *= 2;
	return w;
}

/**
 * sketch_init() - an empty sketch
 * @s: the sketch
 * @entries: how many keys the cache is expected to hold (sketch_width())
 * @seed: mixed into every hash: a random one makes collisions unguessable
 *
 * Return: 0, or -ENOMEM (and @s needs no sketch_free()).
 */
int sketch_init(struct sketch *s, size_t entries, u64 seed)
{
	size_t counter_bytes;

	memset(s, 0, sizeof(*s));
	s->width = sketch_width(entries);
	s->period = s->width * SKETCH_PERIOD_PER_WIDTH;
	s->seed = seed;
	counter_bytes = (size_t)SKETCH_DEPTH * s->width / 2;
	s->counters = kshim_alloc(counter_bytes);
	s->door = kshim_alloc((size_t)s->width * 8);
	if (!s->counters || !s->door) {
		sketch_free(s);
		return -ENOMEM;
	}
	memset(s->counters, 0, counter_bytes);
	memset(s->door, 0, (size_t)s->width * 8);
	return 0;
}

/**
 * sketch_free() - free a sketch's memory; safe twice
 * @s: the sketch
 */
void sketch_free(struct sketch *s)
{
	kshim_free(s->counters);
	kshim_free(s->door);
	s->counters = NULL;
	s->door = NULL;
}

/**
 * sketch_age() - halve every counter and clear the doorkeeper
 * @s: the sketch
 *
 * sketch_add() calls it every @s->period additions.
 */
void sketch_age(struct sketch *s)
{
	size_t i, words = (size_t)SKETCH_DEPTH * s->width / 16;

	for (i = 0; i < words; i++)
		s->counters[i] = (s->counters[i] >> 1) & HALF_MASK;
	memset(s->door, 0, (size_t)s->width * 8);
	s->additions = 0;
	s->agings++;
}

/**
 * sketch_estimate() - how often @key was added lately
 * @s: the sketch
 * @key: the key
 *
 * Never less than the true count since the last aging (a count-min
 * sketch only overestimates, through collisions); at most
 * SKETCH_COUNT_MAX + 1.
 *
 * Return: the estimate.
 */
unsigned int sketch_estimate(const struct sketch *s, u64 key)
{
	u64 h = mix64(key ^ s->seed);

	return counters_min(s, h) + door_test(s, mix64(h));
}

/**
 * sketch_add() - count one occurrence of @key
 * @s: the sketch
 * @key: the key
 *
 * The first occurrence since the last aging only sets the doorkeeper's
 * bits; later ones increment the rows whose counter is the minimum
 * (conservative update), up to SKETCH_COUNT_MAX.  Ages the sketch when
 * the period is over.
 *
 * Return: the estimate after the addition (after the aging, if any).
 */
unsigned int sketch_add(struct sketch *s, u64 key)
{
	u64 h = mix64(key ^ s->seed), g = mix64(h);
	unsigned int m;
	u32 row;

	if (!door_test(s, g)) {
		door_set(s, g);
	} else {
		m = counters_min(s, h);
		if (m < SKETCH_COUNT_MAX)
			for (row = 0; row < SKETCH_DEPTH; row++)
				if (counter_get(s, row, h) == m)
					counter_inc(s, row, h);
	}
	if (++s->additions >= s->period)
		sketch_age(s);
	return counters_min(s, h) + door_test(s, g);
}
