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
	/* the lib state starts on a cache line; our extra sits in the line before */
	size_t extra = RTE_CACHE_LINE_SIZE;
	size_t stride = extra + RTE_ALIGN_CEIL(rs_stream_size(window), RTE_CACHE_LINE_SIZE);

	memset(t, 0, sizeof(*t));
	if (rs_stream_size(window) == 0) {
		snprintf(err, err_size, "replay window %u out of range", window);
		return -1;
	}
	t->h = rte_hash_create(&p);
	t->mem = rte_zmalloc_socket(name, stride * capacity, RTE_CACHE_LINE_SIZE, socket);
	if (!t->h || !t->mem) {
		snprintf(err, err_size, "cannot allocate %u stream states (%zu bytes each)",
			 capacity, stride);
		rs_stream_table_free(t);
		return -1;
	}
	t->stride = stride;
	t->extra_size = extra;
	t->samples_per_stream = samples_per_stream;
	t->start = *start;
	t->window = window;
	t->capacity = capacity;
	return 0;
}

void rs_stream_table_free(struct rs_stream_table *t)
{
	rte_hash_free(t->h);
	rte_free(t->mem);
	memset(t, 0, sizeof(*t));
}

struct rs_stream *rs_stream_get(struct rs_stream_table *t, uint32_t slot, uint32_t gen,
				uint32_t ssrc, enum rs_direction dir, uint32_t roc_epoch,
				int *created)
{
	const struct rs_stream_key key = {.slot = slot, .gen = gen, .ssrc = ssrc, .dir = dir};
	int32_t pos = rte_hash_lookup(t->h, &key);
	struct rs_stream *s;

	*created = 0;
	if (pos >= 0) {
		s = (struct rs_stream *)(t->mem + (size_t)pos * t->stride + t->extra_size);
		if (likely(rs_stream_extra(t, s)->roc_epoch == roc_epoch))
			return s;
		/* rekey with roc reset: this stream starts over under the new key */
	} else {
		pos = rte_hash_add_key(t->h, &key);
		if (pos < 0)
			return NULL;
		s = (struct rs_stream *)(t->mem + (size_t)pos * t->stride + t->extra_size);
		rs_stream_extra(t, s)->samples_left = t->samples_per_stream;
		*created = 1;
	}
	if (rs_stream_init(s, t->stride - t->extra_size, ssrc, t->window, t->start.roc) != RS_OK) {
		rte_hash_del_key(t->h, &key);
		*created = 0;
		return NULL;
	}
	s->rtcp_next = t->start.srtcp_index;
	rs_stream_extra(t, s)->roc_epoch = roc_epoch;
	rs_stream_extra(t, s)->exhausted_logged = 0;
	return s;
}

unsigned rs_stream_sweep(struct rs_stream_table *t, unsigned budget,
			 int (*alive)(const void *ctx, uint32_t slot, uint32_t gen),
			 const void *ctx)
{
	unsigned removed = 0;

	for (unsigned i = 0; i < budget; i++) {
		const void *k;
		void *data;
		if (rte_hash_iterate(t->h, &k, &data, &t->sweep_next) < 0) {
			t->sweep_next = 0;
			break;
		}
		const struct rs_stream_key *key = k;
		if (!alive(ctx, key->slot, key->gen)) {
			struct rs_stream_key copy = *key;
			rte_hash_del_key(t->h, &copy);
			removed++;
		}
	}
	return removed;
}
