// SPDX-License-Identifier: GPL-2.0
/*
 * cache.c - the response cache: an rhashtable of immutable bodies under a
 * byte cap; admission and eviction by compute time saved per byte and
 * frequency, over CLOCK (admit.c, sketch.c, clock.c).
 *
 * Lookups are lock-free: rhashtable_lookup() under RCU, then a reference
 * on the body, which the entry's own reference keeps alive until a grace
 * period after the entry leaves the table.  Hits only set the entry's
 * referenced bit.  Insertions, evictions and flushes take one spinlock;
 * they make room before adding, so the bytes held never exceed the cap,
 * not even for a moment.  Every byte counts: the entry, the body's
 * header and the body's allocation as the allocator rounds it.  A body
 * worth less than what it would evict is not kept (refused).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "cache/cache.h"
#include "cache/admit.h"

#define CREATE_TRACE_POINTS
#include "cache/trace.h"

struct cache_entry {
	struct rhash_head node;
	u64 key;
	struct khttpd_body *body;
	struct admit_node policy;
	struct rcu_head rcu;
};

static const struct rhashtable_params cache_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct cache_entry, key),
	.head_offset = offsetof(struct cache_entry, node),
	.automatic_shrinking = true,
};

static struct {
	struct rhashtable table;
	spinlock_t lock;		/* insert, evict, flush; the policy */
	struct admit policy;
	bool enabled;
} cache;

bool khttpd_cache_admission = true;
module_param_named(cache_admission, khttpd_cache_admission, bool, 0644);
MODULE_PARM_DESC(cache_admission,
		 "keep bodies by compute time saved per byte and frequency; off: plain CLOCK (on)");

uint khttpd_cache_entry_max_mb = 16;
module_param_named(cache_entry_max_mb, khttpd_cache_entry_max_mb, uint, 0644);
MODULE_PARM_DESC(cache_entry_max_mb,
		 "largest body the cache keeps, in MiB (at most cache_mb); larger F(N) texts are streamed (16)");

/* The largest charge one entry may have: the cap, or less. */
static size_t entry_max(void)
{
	size_t max = (size_t)READ_ONCE(khttpd_cache_entry_max_mb) << 20;

	return min(cache.policy.ring.cap, max);
}

/* Counted per CPU: a hit writes no cache line another CPU reads. */
struct cache_counts {
	u64 hits, misses, inserts, evictions, rejected, refused;
};

static DEFINE_PER_CPU(struct cache_counts, cache_counts);

#define cache_count(field) this_cpu_inc(cache_counts.field)

/* Bytes an entry holding @body costs, as the allocators round them. */
static size_t entry_charge(const struct khttpd_body *body)
{
	size_t data = is_vmalloc_addr(body->data) ? PAGE_ALIGN(body->len) :
						    ksize(body->data);

	return ksize(body) + data + sizeof(struct cache_entry) +
	       sizeof(struct rhash_head);
}

static void entry_free_rcu(struct rcu_head *rcu)
{
	struct cache_entry *e = container_of(rcu, struct cache_entry, rcu);

	/*
	 * A body still being sent is no longer counted by the cache: charge
	 * it to its budget again until its last sender lets it go.  (No
	 * new sender can find it now; one that drops its reference meanwhile
	 * leaves ours the last, and freeing uncharges.)
	 */
	if (refcount_read(&e->body->ref) > 1)
		khttpd_body_recharge(e->body);
	khttpd_body_put(e->body);
	kfree(e);
}

/* Take an entry out; the caller holds cache.lock. */
static void entry_drop(struct cache_entry *e)
{
	rhashtable_remove_fast(&cache.table, &e->node, cache_params);
	admit_remove(&cache.policy, &e->policy);
	trace_khttpd_cache(false, e->key, e->policy.clock.charge,
			   cache.policy.ring.used);
	call_rcu(&e->rcu, entry_free_rcu);
}

/**
 * khttpd_cache_init() - start the cache
 * @cap: byte cap; 0 disables the cache
 *
 * Return: 0 or -ENOMEM.
 */
int khttpd_cache_init(size_t cap)
{
	int cpu, err;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&cache_counts, cpu), 0,
		       sizeof(struct cache_counts));
	spin_lock_init(&cache.lock);
	err = admit_init(&cache.policy, cap, get_random_u64());
	if (err)
		return err;
	cache.enabled = cap > 0;
	err = rhashtable_init(&cache.table, &cache_params);
	if (err)
		admit_free(&cache.policy);
	return err;
}

/**
 * khttpd_cache_exit() - drop every entry and wait until they are freed
 */
void khttpd_cache_exit(void)
{
	khttpd_cache_flush();
	rcu_barrier();
	rhashtable_destroy(&cache.table);
	admit_free(&cache.policy);
}

/**
 * khttpd_cache_get() - look a body up, lock-free
 * @key: its key
 *
 * Return: a new reference to the body, or NULL on a miss.
 */
struct khttpd_body *khttpd_cache_get(u64 key)
{
	struct khttpd_body *body = NULL;
	struct cache_entry *e;

	if (!cache.enabled)
		return NULL;
	rcu_read_lock();
	e = rhashtable_lookup(&cache.table, &key, cache_params);
	if (e) {
		body = khttpd_body_get(e->body);
		admit_touch(&e->policy);
	}
	rcu_read_unlock();
	if (body)
		cache_count(hits);
	else
		cache_count(misses);
	return body;
}

/**
 * khttpd_cache_put() - offer a finished body to the cache
 * @key: its key
 * @body: the body; the cache takes its own reference if it keeps it, and
 *        returns the body's charge to its budget (khttpd_body_uncharge())
 * @cost: nanoseconds the body took to make: what a hit on it saves
 *
 * A body that alone would exceed the cap or cache_entry_max_mb is not kept
 * (rejected), nor one
 * worth less, by @cost per byte and by how often @key is asked for, than
 * the entries it would evict (refused; see cache/admit.h).  Otherwise
 * entries are evicted until it fits.
 */
void khttpd_cache_put(u64 key, struct khttpd_body *body, u64 cost)
{
	struct admit_node *victim;
	struct cache_entry *e;
	size_t charge;

	if (!cache.enabled)
		return;
	charge = entry_charge(body);
	if (charge > entry_max()) {
		cache_count(rejected);
		return;
	}
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return;
	e->key = key;
	spin_lock(&cache.lock);
	cache.policy.enforce = READ_ONCE(khttpd_cache_admission);
	if (!admit_offer(&cache.policy, &e->policy, key, charge, cost)) {
		spin_unlock(&cache.lock);
		kfree(e);
		cache_count(refused);
		return;
	}
	while ((victim = admit_victim(&cache.policy))) {
		entry_drop(container_of(victim, struct cache_entry, policy));
		cache_count(evictions);
	}
	e->body = khttpd_body_get(body);
	if (rhashtable_lookup_insert_fast(&cache.table, &e->node,
					  cache_params)) {
		/* Already there (a race), or no memory for the table. */
		spin_unlock(&cache.lock);
		khttpd_body_put(e->body);
		kfree(e);
		return;
	}
	admit_insert(&cache.policy, &e->policy, charge);
	trace_khttpd_cache(true, key, charge, cache.policy.ring.used);
	spin_unlock(&cache.lock);
	khttpd_body_uncharge(body);
	cache_count(inserts);
}

/**
 * khttpd_cache_would_keep() - whether a body of @len bytes in memory could
 * be kept at all
 * @len: the body's bytes
 *
 * The size test of khttpd_cache_put(), before the body exists: false when
 * the cache is off or the body alone would exceed the cap or
 * cache_entry_max_mb (a body of a page
 * or more is vmalloc()ed, so its pages count whole; the body's header is
 * counted unrounded, a few bytes the answer may be off by).  Admission by
 * value may still refuse a body this says yes to.
 *
 * Return: true if the body would fit under the cap.
 */
bool khttpd_cache_would_keep(size_t len)
{
	size_t data = len >= PAGE_SIZE ? PAGE_ALIGN(len) : len;

	return cache.enabled &&
	       data + sizeof(struct khttpd_body) + sizeof(struct cache_entry) +
	       sizeof(struct rhash_head) <= entry_max();
}

/**
 * khttpd_cache_flush() - drop every entry
 *
 * Bodies still being sent stay alive until their senders let them go.
 */
void khttpd_cache_flush(void)
{
	spin_lock(&cache.lock);
	while (cache.policy.ring.hand)
		entry_drop(container_of(cache.policy.ring.hand,
					struct cache_entry, policy.clock));
	spin_unlock(&cache.lock);
}

/**
 * khttpd_cache_read_stats() - the cache's figures
 * @st: filled in
 */
void khttpd_cache_read_stats(struct khttpd_cache_stats *st)
{
	int cpu;

	spin_lock(&cache.lock);
	st->entries = cache.policy.ring.count;
	st->bytes = cache.policy.ring.used;
	st->cap = cache.policy.ring.cap;
	spin_unlock(&cache.lock);
	st->hits = st->misses = st->inserts = st->evictions = 0;
	st->rejected = st->refused = 0;
	for_each_possible_cpu(cpu) {
		const struct cache_counts *c = per_cpu_ptr(&cache_counts, cpu);

		st->hits += READ_ONCE(c->hits);
		st->misses += READ_ONCE(c->misses);
		st->inserts += READ_ONCE(c->inserts);
		st->evictions += READ_ONCE(c->evictions);
		st->rejected += READ_ONCE(c->rejected);
		st->refused += READ_ONCE(c->refused);
	}
}
