/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "streams.h"

int rs_stream_table_init(struct rs_stream_table *t, const char *name, unsigned capacity,
			 unsigned window, unsigned samples_per_stream,
			 const struct rs_stream_start *start, int socket, char *err,
			 size_t err_size)
{
	struct rte_hash_parameters p = {
	    .name = name,
	    .entries = capacity,
	    .key_len = sizeof(struct rs_stream_key),
	    .hash_func = rte_hash_crc,
	    .socket_id = socket,
	};
	/* the entry's bookkeeping fills one cache line, each lib state starts
	 * on a line of its own */
	size_t state = RTE_ALIGN_CEIL(rs_stream_size(window), RTE_CACHE_LINE_SIZE);
	size_t stride = RTE_CACHE_LINE_SIZE + 2 * state;

	struct rte_malloc_socket_stats before, after;

	memset(t, 0, sizeof(*t));
	rte_malloc_get_socket_stats(socket < 0 ? 0 : socket, &before);
	if (rs_stream_size(window) == 0) {
		snprintf(err, err_size, "replay window %u out of range", window);
		return -1;
	}
	t->h = rte_hash_create(&p);
	t->mem = rs_table_alloc(&t->mem_alloc, name, stride * capacity, socket);
	if (!t->h || !t->mem) {
		snprintf(err, err_size,
			 "cannot allocate %u stream states (%zu bytes each, %.0f MB): lower "
			 "[general] max_streams (or replay_window), or give DPDK more memory "
			 "(-m MB with --no-huge, else more hugepages; without hugepages the "
			 "states are outside DPDK's heap and need that much free memory)",
			 capacity, stride, (double)stride * capacity / 1e6);
		rs_stream_table_free(t);
		return -1;
	}
	t->stride = stride;
	t->state_size = state;
	t->samples_per_stream = samples_per_stream;
	t->start = *start;
	t->window = window;
	t->capacity = capacity;
	rte_malloc_get_socket_stats(socket < 0 ? 0 : socket, &after);
	t->bytes = after.heap_allocsz_bytes - before.heap_allocsz_bytes +
		   (t->mem_alloc.mapped ? t->mem_alloc.size : 0);
	return 0;
}

void rs_stream_table_free(struct rs_stream_table *t)
{
	rte_hash_free(t->h);
	rs_table_free(&t->mem_alloc);
	memset(t, 0, sizeof(*t));
}

/* A fresh current state: ROC and SRTCP index where streams start. */
static int state_start(const struct rs_stream_table *t, struct rs_stream_entry *e, uint32_t ssrc)
{
	struct rs_stream *s = rs_stream_current(t, e);

	if (rs_stream_init(s, t->state_size, ssrc, t->window, t->start.roc) != RS_OK)
		return -1;
	s->rtcp_next = t->start.srtcp_index;
	e->exhausted_logged = 0;
	return 0;
}

struct rs_stream_entry *rs_stream_get(struct rs_stream_table *t, uint32_t slot, uint32_t gen,
				      uint32_t ssrc, enum rs_direction dir, uint32_t roc_epoch,
				      int *created)
{
	const struct rs_stream_key key = {.slot = slot, .gen = gen, .ssrc = ssrc, .dir = dir};
	int32_t pos = rte_hash_lookup(t->h, &key);
	struct rs_stream_entry *e;

	*created = 0;
	if (pos >= 0) {
		e = (struct rs_stream_entry *)(t->mem + (size_t)pos * t->stride);
		if (likely(e->roc_epoch == roc_epoch))
			return e;
		/* rekey with roc reset: a new current state under the new key;
		 * the opening side keeps the old one for packets in flight */
		e->cur ^= 1;
		e->has_prev = dir == RS_DIR_OPEN;
	} else {
		pos = rte_hash_add_key(t->h, &key);
		if (pos < 0)
			return NULL;
		e = (struct rs_stream_entry *)(t->mem + (size_t)pos * t->stride);
		memset(e, 0, sizeof(*e));
		e->samples_left = t->samples_per_stream;
		*created = 1;
	}
	if (state_start(t, e, ssrc) < 0) {
		rte_hash_del_key(t->h, &key);
		*created = 0;
		return NULL;
	}
	e->roc_epoch = roc_epoch;
	return e;
}

void rs_stream_lookup_bulk(const struct rs_stream_table *t, const struct rs_stream_key *keys,
			   unsigned n, struct rs_stream_entry **out)
{
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	int32_t pos[RTE_HASH_LOOKUP_BULK_MAX];

	for (unsigned i = 0; i < n; i++)
		kp[i] = &keys[i];
	if (n == 0 || rte_hash_lookup_bulk(t->h, kp, n, pos) != 0) {
		memset(out, 0, n * sizeof(*out));
		return;
	}
	for (unsigned i = 0; i < n; i++)
		out[i] = pos[i] >= 0
			     ? (struct rs_stream_entry *)(t->mem + (size_t)pos[i] * t->stride)
			     : NULL;
}

unsigned rs_stream_sweep(struct rs_stream_table *t, unsigned budget,
			 int (*alive)(const void *ctx, uint32_t slot, uint32_t gen),
			 void (*on_remove)(const void *ctx, const struct rs_stream_key *key,
					   const struct rs_stream_entry *e),
			 const void *ctx, int *done)
{
	unsigned removed = 0;

	for (unsigned i = 0; i < budget; i++) {
		const void *k;
		void *data;
		int32_t pos = rte_hash_iterate(t->h, &k, &data, &t->sweep_next);
		if (pos < 0) {
			t->sweep_next = 0;
			*done = 1;
			break;
		}
		const struct rs_stream_key *key = k;
		if (!alive(ctx, key->slot, key->gen)) {
			struct rs_stream_key copy = *key;
			if (on_remove)
				on_remove(ctx, &copy,
					  (const struct rs_stream_entry *)(t->mem + (size_t)pos *
											t->stride));
			rte_hash_del_key(t->h, &copy);
			removed++;
		}
	}
	return removed;
}
