/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore stream state, by (channel, SSRC, direction). RSS on the UDP
 * 5-tuple keeps a flow on one lcore, so each table has a single writer: the
 * worker that owns it. Stream memory is one array indexed by the hash
 * slot, allocated up front so the packet path never allocates.
 */
#ifndef RS_APP_STREAMS_H
#define RS_APP_STREAMS_H

#include <stdint.h>

#include <rte_common.h>

#include "hugemem.h"
#include "rtpseal.h"

struct rte_hash;

enum rs_direction {
	RS_DIR_SEAL = 0,
	RS_DIR_OPEN = 1,
};

/* 16 bytes: rte_hash compares that size with one vector instruction. */
struct rs_stream_key {
	uint32_t slot; /* channel slot */
	uint32_t gen;  /* channel generation: a removed channel's streams never match again */
	uint32_t ssrc;
	uint32_t dir;
};

/* One stream's slot: this bookkeeping, then two lib states. The second
 * state exists for rekeys that reset the ROC: the opening side keeps the
 * previous key's state (window, ROC) for packets still in flight under it. */
struct rs_stream_entry {
	uint32_t samples_left;	  /* packets of this stream still to copy to the verifier */
	uint32_t roc_epoch;	  /* the channel's roc_epoch the current state belongs to */
	uint8_t exhausted_logged; /* index_exhausted logged: bit 0 SRTP, bit 1 SRTCP */
	uint8_t cur;		  /* which state is current: 0 or 1 */
	uint8_t has_prev;	  /* the other state is the previous key's */
	uint8_t foreign;	  /* another worker owns this stream: its packets are handed over */
	uint8_t owner;		  /* that worker's index */
};

/* Where new streams start (DESIGN §3): ROC 0 and SRTCP index 0 unless a
 * gateway joins sessions in progress (or a test starts near the limits). */
struct rs_stream_start {
	uint32_t roc;
	uint32_t srtcp_index;
};

struct rs_stream_table {
	struct rte_hash *h;
	uint8_t *mem;
	struct rs_table_mem mem_alloc; /* where mem lives (hugemem.h) */
	size_t stride;
	size_t state_size; /* bytes of one lib state; a slot is 64 + 2 states */
	unsigned window;
	unsigned capacity;
	unsigned samples_per_stream;
	struct rs_stream_start start;
	uint32_t sweep_next; /* rte_hash_iterate position */
	size_t bytes;	     /* DPDK heap the table took (hash and states) */
};

int rs_stream_table_init(struct rs_stream_table *t, const char *name, unsigned capacity,
			 unsigned window, unsigned samples_per_stream,
			 const struct rs_stream_start *start, int socket, char *err,
			 size_t err_size);
void rs_stream_table_free(struct rs_stream_table *t);

/* The stream of (channel slot+gen, ssrc, dir), created on first sight,
 * and given a fresh current state when the channel's ROC was reset by a
 * rekey (the old one becomes the previous). NULL when the table is full.
 * *created tells the caller to count it. */
struct rs_stream_entry *rs_stream_get(struct rs_stream_table *t, uint32_t slot, uint32_t gen,
				      uint32_t ssrc, enum rs_direction dir, uint32_t roc_epoch,
				      int *created);

/* Bulk lookup (no creation) of n <= 64 streams: out[i] is the entry of
 * keys[i], or NULL when the table has none. rte_hash's bulk lookup
 * prefetches buckets and keys for the whole set, so traffic spread over
 * more streams than the caches hold pays its misses side by side. */
void rs_stream_lookup_bulk(const struct rs_stream_table *t, const struct rs_stream_key *keys,
			   unsigned n, struct rs_stream_entry **out);

/* Remove up to budget streams whose channel is gone (alive(slot, gen)
 * false), continuing where the last call stopped; on_remove(ctx, key, entry),
 * if given, is told of each first. *done is set when the pass reached the
 * end of the table. Returns how many were removed. */
unsigned rs_stream_sweep(struct rs_stream_table *t, unsigned budget,
			 int (*alive)(const void *ctx, uint32_t slot, uint32_t gen),
			 void (*on_remove)(const void *ctx, const struct rs_stream_key *key,
					   const struct rs_stream_entry *e),
			 const void *ctx, int *done);

static inline struct rs_stream *rs_stream_state(const struct rs_stream_table *t,
						struct rs_stream_entry *e, unsigned which)
{
	return (struct rs_stream *)((uint8_t *)e + RTE_CACHE_LINE_SIZE + which * t->state_size);
}

static inline struct rs_stream *rs_stream_current(const struct rs_stream_table *t,
						  struct rs_stream_entry *e)
{
	return rs_stream_state(t, e, e->cur);
}

/* The previous key's state after a ROC reset, or NULL. */
static inline struct rs_stream *rs_stream_previous(const struct rs_stream_table *t,
						   struct rs_stream_entry *e)
{
	return e->has_prev ? rs_stream_state(t, e, e->cur ^ 1u) : NULL;
}

#endif
