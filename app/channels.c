/* SPDX-License-Identifier: BSD-3-Clause */
/* Channel table on rte_hash: one entry per match, data = the channel. */
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "channels.h"

#define LOOKUP_BULK_MAX 64

int rs_channel_table_init(struct rs_channel_table *t, const char *name, unsigned capacity,
			  char *err, size_t err_size)
{
	struct rte_hash_parameters p = {
	    .name = name,
	    .entries = capacity * RS_MAX_MATCHES < 64 ? 64 : capacity * RS_MAX_MATCHES,
	    .key_len = sizeof(struct rs_match_key),
	    .hash_func = rte_hash_crc,
	    .socket_id = (int)rte_socket_id(),
	    /* readers (workers) never take a lock; the control thread adds
	     * and removes entries concurrently */
	    .extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};

	memset(t, 0, sizeof(*t));
	t->by_match = rte_hash_create(&p);
	t->by_id = rte_zmalloc("rs_channels", capacity * sizeof(*t->by_id), 0);
	if (!t->by_match || !t->by_id) {
		snprintf(err, err_size, "cannot allocate a channel table for %u channels",
			 capacity);
		rs_channel_table_free(t);
		return -1;
	}
	t->capacity = capacity;
	return 0;
}

void rs_match_key_from_conf(struct rs_match_key *k, const struct rs_match *m)
{
	memset(k, 0, sizeof(*k));
	k->port = m->port;
	if (m->any_addr) {
		k->any = 1;
		return;
	}
	k->family = m->ip_version;
	memcpy(k->addr, m->addr, m->ip_version == 4 ? 4 : 16);
}

static void channel_free(struct rs_channel *ch)
{
	if (!ch)
		return;
	rs_key_ctx_free(ch->key);
	rs_key_ctx_free(ch->prev_key);
	rte_free(ch);
}

int rs_channel_table_add(struct rs_channel_table *t, const struct rs_channel_conf *cc,
			 struct rs_engine *eng, char *err, size_t err_size)
{
	struct rs_channel *ch;
	enum rs_status st;

	if (t->n >= t->capacity) {
		snprintf(err, err_size, "channel %s: table full (%u channels)", cc->name,
			 t->capacity);
		return -1;
	}
	ch = rte_zmalloc("rs_channel", sizeof(*ch), RTE_CACHE_LINE_SIZE);
	if (!ch) {
		snprintf(err, err_size, "channel %s: out of memory", cc->name);
		return -1;
	}
	ch->id = t->n;
	ch->mode = cc->mode;
	ch->pt_map = cc->pt_map;
	for (unsigned c = 0; c < RS_CLASS_COUNT; c++)
		ch->policy[c] = (uint8_t)cc->policy[c];
	snprintf(ch->name, sizeof(ch->name), "%s", cc->name);
	ch->key = rs_key_ctx_new(eng, &cc->master, 0, &st);
	if (!ch->key) {
		snprintf(err, err_size, "channel %s: key setup failed: %s", cc->name,
			 rs_strerror(st));
		channel_free(ch);
		return -1;
	}
	ch->key_epoch = 1;
	for (unsigned i = 0; i < cc->n_match; i++) {
		struct rs_match_key k;
		rs_match_key_from_conf(&k, &cc->match[i]);
		if (rte_hash_lookup(t->by_match, &k) >= 0) {
			snprintf(err, err_size, "channel %s: match %u overlaps another channel",
				 cc->name, i + 1);
			goto unwind;
		}
		if (rte_hash_add_key_data(t->by_match, &k, ch) < 0) {
			snprintf(err, err_size, "channel %s: cannot index match %u", cc->name,
				 i + 1);
			goto unwind;
		}
	}
	t->by_id[ch->id] = ch;
	t->n++;
	return 0;

unwind:
	for (unsigned i = 0; i < cc->n_match; i++) {
		struct rs_match_key k;
		void *data = NULL;
		rs_match_key_from_conf(&k, &cc->match[i]);
		if (rte_hash_lookup_data(t->by_match, &k, &data) >= 0 && data == ch)
			rte_hash_del_key(t->by_match, &k);
	}
	channel_free(ch);
	return -1;
}

void rs_channel_table_free(struct rs_channel_table *t)
{
	if (t->by_id)
		for (unsigned i = 0; i < t->n; i++)
			channel_free(t->by_id[i]);
	rte_free(t->by_id);
	rte_hash_free(t->by_match);
	memset(t, 0, sizeof(*t));
}

void rs_channel_lookup_bulk(const struct rs_channel_table *t, const struct rs_match_key *keys,
			    unsigned n, struct rs_channel **out)
{
	const void *kp[LOOKUP_BULK_MAX];
	struct rs_match_key wild[LOOKUP_BULK_MAX];
	unsigned miss_idx[LOOKUP_BULK_MAX];
	void *data[LOOKUP_BULK_MAX];
	uint64_t hits = 0;
	unsigned misses = 0;

	for (unsigned i = 0; i < n; i++)
		kp[i] = &keys[i];
	rte_hash_lookup_bulk_data(t->by_match, kp, n, &hits, data);
	for (unsigned i = 0; i < n; i++) {
		if (hits & (UINT64_C(1) << i)) {
			out[i] = data[i];
			continue;
		}
		out[i] = NULL;
		memset(&wild[misses], 0, sizeof(wild[misses]));
		wild[misses].port = keys[i].port;
		wild[misses].any = 1;
		kp[misses] = &wild[misses];
		miss_idx[misses++] = i;
	}
	if (!misses)
		return;
	hits = 0;
	rte_hash_lookup_bulk_data(t->by_match, kp, misses, &hits, data);
	for (unsigned j = 0; j < misses; j++)
		if (hits & (UINT64_C(1) << j))
			out[miss_idx[j]] = data[j];
}
