/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - the response cache's tracepoint, in khttpd's system: an entry
 * inserted or evicted.  Its own header, so that cache/ includes nothing of
 * http/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM khttpd

#if !defined(KHTTPD_CACHE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define KHTTPD_CACHE_TRACE_H

#include <linux/tracepoint.h>

/**
 * khttpd_cache - an entry went in or out
 * @insert: true for an insertion, false for an eviction (or a flush)
 * @key: the entry's key (for F(N): N << 8 | base)
 * @bytes: what the entry is charged against the cap
 * @used: bytes charged in all, after the event
 */
TRACE_EVENT(khttpd_cache,
	TP_PROTO(bool insert, u64 key, u64 bytes, u64 used),
	TP_ARGS(insert, key, bytes, used),
	TP_STRUCT__entry(
		__field(bool, insert)
		__field(u64, key)
		__field(u64, bytes)
		__field(u64, used)
	),
	TP_fast_assign(
		__entry->insert = insert;
		__entry->key = key;
		__entry->bytes = bytes;
		__entry->used = used;
	),
	TP_printk("%s key=%#llx bytes=%llu used=%llu",
		  __entry->insert ? "insert" : "evict", __entry->key,
		  __entry->bytes, __entry->used)
);

#endif /* KHTTPD_CACHE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH cache
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
