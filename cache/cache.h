/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cache.h - the response cache: finished bodies ready to send, by a 64-bit
 * key the caller chooses (the Fibonacci service: N and base).
 */
#ifndef KHTTPD_CACHE_H
#define KHTTPD_CACHE_H

#include <linux/types.h>

#include "cache/body.h"

/**
 * struct khttpd_cache_stats - what the cache holds and did
 * @entries: bodies held
 * @bytes: bytes charged against the cap, metadata included
 * @cap: the cap (cache_mb)
 * @hits: lookups that found a body
 * @misses: lookups that did not
 * @inserts: bodies added
 * @evictions: bodies dropped to make room
 * @rejected: bodies too large to cache
 * @refused: bodies refused by admission: worth less than what they would
 *           have evicted (cache/admit.h)
 */
struct khttpd_cache_stats {
	u64 entries;
	u64 bytes;
	u64 cap;
	u64 hits;
	u64 misses;
	u64 inserts;
	u64 evictions;
	u64 rejected;
	u64 refused;
};

extern bool khttpd_cache_admission;
extern uint khttpd_cache_entry_max_mb;

int khttpd_cache_init(size_t cap);
void khttpd_cache_exit(void);
struct khttpd_body *khttpd_cache_get(u64 key);
void khttpd_cache_put(u64 key, struct khttpd_body *body, u64 cost);
bool khttpd_cache_would_keep(size_t len);
void khttpd_cache_flush(void);
void khttpd_cache_read_stats(struct khttpd_cache_stats *st);

#endif /* KHTTPD_CACHE_H */
