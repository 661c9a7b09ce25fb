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

struct rs_stream_key {
	uint32_t channel_id;
	uint32_t ssrc;
	uint32_t dir;
	uint32_t pad; /* 16 bytes: rte_hash's vector compare (see rs_match_key) */
};

/* App-side bookkeeping stored in front of each lib stream state. */
struct rs_stream_extra {
	uint32_t samples_left; /* packets of this stream still to copy to the verifier */
};

struct rs_stream_table {
	struct rte_hash *h;
	uint8_t *mem;
	size_t stride;
	size_t extra_size; /* bytes before each struct rs_stream */
	unsigned window;
	unsigned capacity;
	unsigned samples_per_stream;
};

int rs_stream_table_init(struct rs_stream_table *t, const char *name, unsigned capacity,
			 unsigned window, unsigned samples_per_stream, int socket, char *err,
			 size_t err_size);
void rs_stream_table_free(struct rs_stream_table *t);

/* The stream of (channel, ssrc, dir), created at ROC 0 on first sight.
 * NULL when the table is full. *created tells the caller to count it. */
struct rs_stream *rs_stream_get(struct rs_stream_table *t, uint32_t channel_id, uint32_t ssrc,
				enum rs_direction dir, int *created);

static inline struct rs_stream_extra *rs_stream_extra(const struct rs_stream_table *t,
						      struct rs_stream *s)
{
	return (struct rs_stream_extra *)((uint8_t *)s - t->extra_size);
}

#endif
