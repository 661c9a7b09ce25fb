/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The channel table: channels by UDP destination (address, port), exact
 * match first, then the port-only wildcard.
 *
 * Workers only read: a bulk lock-free lookup (rte_hash with lock-free
 * read/write concurrency) and one atomic load of the channel's key set per
 * packet. One writer, the control thread (or main before the workers run),
 * adds, rekeys and removes; it derives and precomputes keys itself, publishes
 * by pointer swap and frees what it replaced only after every worker has
 * reported a quiescent state (rte_rcu_qsbr), wiping key contexts.
 */
#ifndef RS_APP_CHANNELS_H
#define RS_APP_CHANNELS_H

#include <stdint.h>

#include "config.h"
#include "observers.h"
#include "rtpseal.h"

struct rte_hash;
struct rte_rcu_qsbr;

/* What a packet needs from a key epoch. Immutable once published. */
struct rs_keyset {
	struct rs_key_ctx *current;  /* seal; open tries it first */
	struct rs_key_ctx *previous; /* open only, during the rekey overlap; or NULL */
	uint64_t epoch;		     /* 1 for the first key, +1 per rekey */
	uint32_t roc_epoch;	     /* +1 on every rekey with roc reset */
};

struct rs_channel {
	uint32_t slot; /* index in by_id; reused after removal */
	uint32_t gen;  /* unique per channel ever made: stream keys carry it */
	enum rs_mode mode;
	uint8_t custom;			/* mode custom: observers only, no keys */
	uint32_t obs_mask;		/* observers attached (bit per observer) */
	uint8_t policy[RS_CLASS_COUNT]; /* enum rs_class_policy */
	struct rs_pt_map pt_map;
	struct rs_keyset *keys; /* atomic: workers load it with acquire */
	/* control side only */
	uint64_t previous_until_ms; /* when the overlap ends (0: no previous) */
	/* in the table's overlap list while previous_until_ms != 0 */
	struct rs_channel *overlap_prev, *overlap_next;
	uint64_t rekeys;
	struct rs_match match[RS_MAX_MATCHES];
	unsigned n_match;
	char name[RS_CHANNEL_NAME_MAX];
};

/* Hash key of a UDP destination. any = 1 is the "*:port" wildcard, with
 * family and addr zero. Always built from a zeroed struct (it is hashed
 * as bytes). */
struct rs_match_key {
	uint16_t port; /* host order */
	uint8_t family;
	uint8_t any;
	uint8_t addr[16];
	/* padding to 32 bytes: rte_hash compares 16/32/48-byte keys with
	 * vector instructions, other sizes with memcmp */
	uint8_t pad[12];
};

struct rs_channel_table {
	struct rte_hash *by_match; /* workers read, control writes */
	struct rte_hash *by_name;  /* control only */
	struct rs_channel **by_id; /* slot -> channel (atomic), for stream sweeps and stats */
	uint32_t *free_slots;
	unsigned n_free;
	unsigned n;
	unsigned capacity;
	uint32_t next_gen;
	uint64_t removals; /* channels removed so far (atomic): workers sweep when it moves */
	/* adds and removes so far (atomic), bumped once the match table changed
	 * and before any grace period: workers drop their flow caches when it
	 * moves (app/flow_cache.h) */
	uint64_t changes;
	struct rte_rcu_qsbr *rcu; /* NULL until workers run: nothing to wait for */
	/* channels whose previous key still opens packets, oldest rekey first:
	 * every overlap is overlap_ms long, so this is also deadline order and
	 * expiry only looks at the head (O(channels in overlap), not O(capacity)) */
	struct rs_channel *overlap_head, *overlap_tail;
	unsigned n_overlap;
	const struct rs_observer_set *observers;
	uint64_t overlap_ms;
};

int rs_channel_table_init(struct rs_channel_table *t, unsigned capacity, uint64_t overlap_ms,
			  char *err, size_t err_size);

/* Free every channel and wipe its key contexts (workers stopped). */
void rs_channel_table_free(struct rs_channel_table *t);

/* Control side: each returns 0, or -1 with a message in err (no key
 * material in it) and the table unchanged. */
int rs_channel_add(struct rs_channel_table *t, const struct rs_channel_conf *cc,
		   struct rs_engine *eng, char *err, size_t err_size);
int rs_channel_rekey(struct rs_channel_table *t, const char *name, const struct rs_master_key *mk,
		     int roc_reset, struct rs_engine *eng, uint64_t now_ms, char *err,
		     size_t err_size);
int rs_channel_remove(struct rs_channel_table *t, const char *name, char *err, size_t err_size);
struct rs_channel *rs_channel_find(const struct rs_channel_table *t, const char *name);
/* End overlaps that are over: the previous key stops opening packets.
 * Costs O(overlaps ending now), whatever the table's size. */
void rs_channel_expire_previous(struct rs_channel_table *t, uint64_t now_ms);

void rs_match_key_from_conf(struct rs_match_key *k, const struct rs_match *m);

/* Worker side: look up n keys (exact entries), misses retried as port
 * wildcards. out[i] is NULL where neither matches. The channels stay valid
 * until the worker's next quiescent state. */
void rs_channel_lookup_bulk(const struct rs_channel_table *t, const struct rs_match_key *keys,
			    unsigned n, struct rs_channel **out);

static inline const struct rs_keyset *rs_channel_keys(const struct rs_channel *ch)
{
	return __atomic_load_n(&ch->keys, __ATOMIC_ACQUIRE);
}

/* The live channel in a slot, or NULL (worker sweeps, stats). */
static inline struct rs_channel *rs_channel_by_slot(const struct rs_channel_table *t, uint32_t slot)
{
	return slot < t->capacity ? __atomic_load_n(&t->by_id[slot], __ATOMIC_ACQUIRE) : NULL;
}

#endif
