/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sketch.h - how often each key was asked for lately, approximately: the
 * frequency sketch of TinyLFU, kernel-agnostic (include/khttpd_shim.h
 * only).
 *
 * A doorkeeper (a Bloom filter) absorbs each key's first occurrence, so
 * that one-off keys never reach the counters; later occurrences go to a
 * count-min sketch of SKETCH_DEPTH rows of 4-bit counters (16 to a u64),
 * incremented conservatively (only the rows at the minimum).  The
 * estimate is the minimum over the rows plus the doorkeeper's bit, at most
 * SKETCH_COUNT_MAX + 1.  Every @period additions the sketch ages: every
 * counter is halved and the doorkeeper cleared, so old popularity fades.
 *
 * Sizes are fixed at sketch_init(): @width counters per row, a power of
 * two, and 64 doorkeeper bits per counter of a row; that is
 * SKETCH_BYTES_PER_WIDTH (10) bytes per unit of @width.  The period is
 * SKETCH_PERIOD_PER_WIDTH (10) additions per unit of @width, so the
 * doorkeeper holds at most 10 keys per 64 bits between two agings: its
 * false-positive rate (3 probes) stays below 5.2%, reached only at the
 * end of a period in which every addition was a new key.
 *
 * Keys are hashed with a seed; the caller serialises every call.
 */
#ifndef KHTTPD_SKETCH_H
#define KHTTPD_SKETCH_H

#include "include/khttpd_shim.h"

#define SKETCH_DEPTH 4
#define SKETCH_COUNT_MAX 15
#define SKETCH_WIDTH_MIN 64
#define SKETCH_WIDTH_MAX (1U << 20)
#define SKETCH_PERIOD_PER_WIDTH 10
#define SKETCH_BYTES_PER_WIDTH (SKETCH_DEPTH / 2 + 8)

/**
 * struct sketch - a frequency sketch
 * @counters: SKETCH_DEPTH rows of @width 4-bit counters, 16 to a word
 * @door: the doorkeeper, 64 * @width bits
 * @seed: mixed into every hash
 * @width: counters per row, a power of two
 * @period: additions between two agings
 * @additions: additions since the last aging
 * @agings: agings so far
 */
struct sketch {
	u64 *counters;
	u64 *door;
	u64 seed;
	u32 width;
	u32 period;
	u32 additions;
	u64 agings;
};

u32 sketch_width(size_t entries);
int sketch_init(struct sketch *s, size_t entries, u64 seed);
void sketch_free(struct sketch *s);
unsigned int sketch_add(struct sketch *s, u64 key);
unsigned int sketch_estimate(const struct sketch *s, u64 key);
void sketch_age(struct sketch *s);

/**
 * sketch_bytes() - memory a sketch of @width takes
 * @width: counters per row (sketch_width())
 *
 * Return: bytes.
 */
static inline size_t sketch_bytes(u32 width)
{
	return (size_t)width * SKETCH_BYTES_PER_WIDTH;
}

#endif /* KHTTPD_SKETCH_H */
