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

/* App-side bookkeeping stored in front of each lib stream state. */
struct rs_stream_extra {
	uint32_t samples_left;	  /* packets of this stream still to copy to the verifier */
	uint32_t roc_epoch;	  /* the channel's roc_epoch this state belongs to */
	uint8_t exhausted_logged; /* index_exhausted logged: bit 0 SRTP, bit 1 SRTCP */
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
	size_t stride;
	size_t extra_size; /* bytes before each struct rs_stream */
	unsigned window;
	unsigned capacity;
	unsigned samples_per_stream;
	struct rs_stream_start start;
	uint32_t sweep_next; /* rte_hash_iterate position */
};

int rs_stream_table_init(struct rs_stream_table *t, const char *name, unsigned capacity,
			 unsigned window, unsigned samples_per_stream,
			 const struct rs_stream_start *start, int socket, char *err,
			 size_t err_size);
void rs_stream_table_free(struct rs_stream_table *t);

/* The stream of (channel slot+gen, ssrc, dir), created at ROC 0 on first
 * sight, and started afresh when the channel's ROC was reset by a rekey.
 * NULL when the table is full. *created tells the caller to count it. */
struct rs_stream *rs_stream_get(struct rs_stream_table *t, uint32_t slot, uint32_t gen,
				uint32_t ssrc, enum rs_direction dir, uint32_t roc_epoch,
				int *created);

/* Remove up to budget streams whose channel is gone (alive(slot, gen)
 * false), continuing where the last call stopped. Returns how many. */
unsigned rs_stream_sweep(struct rs_stream_table *t, unsigned budget,
			 int (*alive)(const void *ctx, uint32_t slot, uint32_t gen),
			 const void *ctx);

static inline struct rs_stream_extra *rs_stream_extra(const struct rs_stream_table *t,
						      struct rs_stream *s)
{
	return (struct rs_stream_extra *)((uint8_t *)s - t->extra_size);
}

#endif
