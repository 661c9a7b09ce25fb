/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's memo of where its flows go: (UDP destination, SSRC,
 * direction) -> (channel, stream entry).
 *
 * Why: resolving a packet takes two hash lookups, rte_hash for the channel
 * and the worker's stream table for the stream; at 160 bytes they cost
 * about as much as the AES-GCM itself. A flow repeats at 50 packets a
 * second (audio) or far more (video), so a direct-mapped array probed with
 * one CRC answers nearly every packet from one cache line, and the hash
 * tables only see a flow's first packet after a change.
 *
 * Why it is safe: an entry is a hint about the channel table as it was.
 * The control thread bumps channels.changes on every add and remove (after
 * the match table is updated, before the grace period that frees anything),
 * and the worker empties its cache, by moving to a new epoch, when it sees
 * the counter move at the start of a burst. Between two quiescent states a
 * worker may use what it found in the previous burst, exactly as it may use
 * what rte_hash returned; after its next quiescent state it sees the bump
 * and nothing older is used, so a cached channel never outlives the grace
 * period that frees it, and a new exact match is never shadowed by a cached
 * wildcard. Stream entries are only deleted by the sweep after a removal,
 * which the same bump covers. Rekeys do not touch the cache: key sets are
 * read from the channel once per burst, and a stream whose ROC epoch moved
 * goes through rs_stream_get again.
 */
#ifndef RS_APP_FLOW_CACHE_H
#define RS_APP_FLOW_CACHE_H

#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>

#include "channels.h"
#include "streams.h"

#define RS_FLOW_CACHE_SIZE 4096 /* entries, a power of two: 256 KiB per worker */

/* 24 bytes as three words, built in registers from the packet's own bytes:
 * writing a key field by field and reading it back as words stalls every
 * load on store forwarding, which cost more than the hash lookups saved.
 *   w[0], w[1]: the destination address as in the packet (IPv4: the low 32
 *               bits of w[0], w[1] zero)
 *   w[2]:       UDP destination port | family << 16 | direction << 24 |
 *               SSRC (as in the packet) << 32 */
struct rs_flow_key {
	uint64_t w[3];
};

struct rs_flow_entry {
	struct rs_flow_key key;
	uint32_t epoch; /* valid only while equal to the cache's epoch */
	struct rs_channel *ch;
	struct rs_stream_entry *stream; /* NULL for a custom channel */
} __rte_aligned(64);

struct rs_flow_cache {
	struct rs_flow_entry *e; /* RS_FLOW_CACHE_SIZE entries */
	uint32_t epoch;		 /* never 0: zeroed entries are invalid */
	uint64_t changes;	 /* channels.changes this epoch belongs to */
};

/* Start a new epoch when the channel table changed since the last burst. */
static inline void rs_flow_cache_sync(struct rs_flow_cache *fc, const struct rs_channel_table *t)
{
	uint64_t changes = __atomic_load_n(&t->changes, __ATOMIC_ACQUIRE);

	if (likely(changes == fc->changes))
		return;
	fc->changes = changes;
	if (++fc->epoch == 0) { /* wrapped: old entries could match again */
		memset(fc->e, 0, RS_FLOW_CACHE_SIZE * sizeof(*fc->e));
		fc->epoch = 1;
	}
}

/* dst: the destination address in the packet (4 or 16 bytes by family);
 * ssrc_be: the SSRC's 4 bytes as they are in the packet. */
static inline void rs_flow_key_make(struct rs_flow_key *k, const uint8_t *dst, uint8_t family,
				    uint16_t port, uint8_t dir, const uint8_t *ssrc_be)
{
	uint32_t ssrc, a4;

	memcpy(&ssrc, ssrc_be, sizeof(ssrc));
	if (family == 4) {
		memcpy(&a4, dst, sizeof(a4));
		k->w[0] = a4;
		k->w[1] = 0;
	} else {
		memcpy(&k->w[0], dst, sizeof(k->w[0]));
		memcpy(&k->w[1], dst + 8, sizeof(k->w[1]));
	}
	k->w[2] =
	    (uint64_t)port | (uint64_t)family << 16 | (uint64_t)dir << 24 | (uint64_t)ssrc << 32;
}

static inline uint32_t rs_flow_slot(const struct rs_flow_key *k)
{
	return rte_hash_crc_8byte(k->w[2],
				  rte_hash_crc_8byte(k->w[1], rte_hash_crc_8byte(k->w[0], 0))) &
	       (RS_FLOW_CACHE_SIZE - 1);
}

static inline int rs_flow_key_equal(const struct rs_flow_key *a, const struct rs_flow_key *b)
{
	return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2])) == 0;
}

/* Start loading the entry at slot (rs_flow_slot) for a probe to come: a
 * burst's probes then wait for their lines side by side, not one by one
 * (with traffic over more flows than the cache holds, every probe misses
 * the L1 and most the L2). */
static inline void rs_flow_cache_prefetch(const struct rs_flow_cache *fc, uint32_t slot)
{
	rte_prefetch0(&fc->e[slot]);
}

/* The entry for k at its slot (rs_flow_slot(k)), or NULL. */
static inline const struct rs_flow_entry *
rs_flow_cache_find_at(const struct rs_flow_cache *fc, uint32_t slot, const struct rs_flow_key *k)
{
	const struct rs_flow_entry *e = &fc->e[slot];

	return e->epoch == fc->epoch && rs_flow_key_equal(&e->key, k) ? e : NULL;
}

/* Remember k -> (ch, stream), replacing whatever held the slot. */
static inline void rs_flow_cache_put(struct rs_flow_cache *fc, const struct rs_flow_key *k,
				     struct rs_channel *ch, struct rs_stream_entry *stream)
{
	struct rs_flow_entry *e = &fc->e[rs_flow_slot(k)];

	e->key = *k;
	e->ch = ch;
	e->stream = stream;
	e->epoch = fc->epoch;
}

#endif
