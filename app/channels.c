/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Channel table on rte_hash, with RCU reclamation. The control thread is the
 * only writer; every function here except rs_channel_lookup_bulk runs on it
 * (or on main before workers start).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "channels.h"

#define LOOKUP_BULK_MAX 64

struct name_key {
	char name[RS_CHANNEL_NAME_MAX];
};

static void name_key(struct name_key *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
}

int rs_channel_table_init(struct rs_channel_table *t, unsigned capacity, uint64_t overlap_ms,
			  char *err, size_t err_size)
{
	unsigned entries = capacity * 2 < 1024 ? 1024 : capacity * 2;
	struct rte_hash_parameters by_match = {
	    .name = "rs_channel_match",
	    .entries = entries,
	    .key_len = sizeof(struct rs_match_key),
	    .hash_func = rte_hash_crc,
	    .socket_id = (int)rte_socket_id(),
	    /* workers never lock; deleted slots are freed by us after a
	     * grace period (rte_hash_free_key_with_position) */
	    .extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash_parameters by_name = {
	    .name = "rs_channel_name",
	    .entries = capacity < 1024 ? 1024 : capacity,
	    .key_len = sizeof(struct name_key),
	    .hash_func = rte_hash_crc,
	    .socket_id = (int)rte_socket_id(),
	};

	memset(t, 0, sizeof(*t));
	t->by_match = rte_hash_create(&by_match);
	t->by_name = rte_hash_create(&by_name);
	t->by_id = rte_zmalloc("rs_channels", capacity * sizeof(*t->by_id), 0);
	t->free_slots = malloc(capacity * sizeof(*t->free_slots));
	if (!t->by_match || !t->by_name || !t->by_id || !t->free_slots) {
		snprintf(err, err_size,
			 "cannot allocate a channel table for %u channels: lower [general] "
			 "max_channels, or give DPDK more memory (-m MB with --no-huge, else more "
			 "hugepages)",
			 capacity);
		rs_channel_table_free(t);
		return -1;
	}
	/* hand out low slots first */
	for (unsigned i = 0; i < capacity; i++)
		t->free_slots[i] = capacity - 1 - i;
	t->n_free = capacity;
	t->capacity = capacity;
	t->overlap_ms = overlap_ms;
	t->next_gen = 1;
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

static void keyset_free(struct rs_keyset *ks, int with_current)
{
	if (!ks)
		return;
	if (with_current)
		rs_key_ctx_free(ks->current);
	rs_key_ctx_free(ks->previous);
	rte_free(ks);
}

static void channel_free(struct rs_channel *ch)
{
	if (!ch)
		return;
	keyset_free(ch->keys, 1);
	rte_free(ch);
}

/* The overlap list: appended at rekey, so ordered by deadline. */
static void overlap_unlink(struct rs_channel_table *t, struct rs_channel *ch)
{
	if (!ch->previous_until_ms)
		return;
	if (ch->overlap_prev)
		ch->overlap_prev->overlap_next = ch->overlap_next;
	else
		t->overlap_head = ch->overlap_next;
	if (ch->overlap_next)
		ch->overlap_next->overlap_prev = ch->overlap_prev;
	else
		t->overlap_tail = ch->overlap_prev;
	ch->overlap_prev = ch->overlap_next = NULL;
	ch->previous_until_ms = 0;
	t->n_overlap--;
}

static void overlap_append(struct rs_channel_table *t, struct rs_channel *ch, uint64_t until_ms)
{
	ch->previous_until_ms = until_ms;
	ch->overlap_next = NULL;
	ch->overlap_prev = t->overlap_tail;
	if (t->overlap_tail)
		t->overlap_tail->overlap_next = ch;
	else
		t->overlap_head = ch;
	t->overlap_tail = ch;
	t->n_overlap++;
}

/* Wait until no worker can still hold what was just unpublished. */
static void grace_period(const struct rs_channel_table *t)
{
	if (t->rcu)
		rte_rcu_qsbr_synchronize(t->rcu, RTE_QSBR_THRID_INVALID);
}

struct rs_channel *rs_channel_find(const struct rs_channel_table *t, const char *name)
{
	struct name_key k;
	void *data = NULL;

	name_key(&k, name);
	if (rte_hash_lookup_data(t->by_name, &k, &data) < 0)
		return NULL;
	return data;
}

/* Unhash the first n matches of ch; positions go to pos[] for freeing
 * after the grace period. */
static unsigned unhash_matches(struct rs_channel_table *t, const struct rs_channel *ch, unsigned n,
			       int32_t *pos)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++) {
		struct rs_match_key key;
		rs_match_key_from_conf(&key, &ch->match[i]);
		int32_t p = rte_hash_del_key(t->by_match, &key);
		if (p >= 0)
			pos[k++] = p;
	}
	return k;
}

static void free_positions(struct rs_channel_table *t, const int32_t *pos, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rte_hash_free_key_with_position(t->by_match, pos[i]);
}

static int check_new(const struct rs_channel_table *t, const struct rs_channel_conf *cc, char *err,
		     size_t err_size)
{
	if (rs_channel_find(t, cc->name)) {
		snprintf(err, err_size, "channel %s already exists", cc->name);
		return -1;
	}
	for (unsigned i = 0; i < cc->n_match; i++) {
		struct rs_match_key k;
		void *data = NULL;
		char text[RS_MATCH_TEXT_MAX];
		rs_match_key_from_conf(&k, &cc->match[i]);
		if (rte_hash_lookup_data(t->by_match, &k, &data) >= 0) {
			rs_match_format(&cc->match[i], text, sizeof(text));
			snprintf(err, err_size, "match %s overlaps channel %s", text,
				 ((const struct rs_channel *)data)->name);
			return -1;
		}
	}
	if (!t->n_free) {
		snprintf(err, err_size, "channel table full (%u channels)", t->capacity);
		return -1;
	}
	return 0;
}

static struct rs_channel *channel_make(struct rs_channel_table *t, const struct rs_channel_conf *cc,
				       struct rs_engine *eng, char *err, size_t err_size)
{
	struct rs_channel *ch = rte_zmalloc("rs_channel", sizeof(*ch), RTE_CACHE_LINE_SIZE);
	struct rs_keyset *ks = rte_zmalloc("rs_keyset", sizeof(*ks), RTE_CACHE_LINE_SIZE);
	enum rs_status st;

	uint32_t mask = t->observers ? rs_observers_mask(t->observers, cc->name) : 0;

	if (!ch || !ks) {
		snprintf(err, err_size, "channel %s: out of memory", cc->name);
		rte_free(ch);
		rte_free(ks);
		return NULL;
	}
	if (cc->custom && !mask) {
		snprintf(err, err_size,
			 "channel %s: mode custom needs a packet observer attached to it "
			 "(--observer LIB.so or LIB.so@%s)",
			 cc->name, cc->name);
		rte_free(ch);
		rte_free(ks);
		return NULL;
	}
	ks->current = cc->custom ? NULL : rs_key_ctx_new(eng, &cc->master, 0, &st);
	if (!ks->current && !cc->custom) {
		snprintf(err, err_size, "channel %s: key setup failed: %s", cc->name,
			 rs_strerror(st));
		rte_free(ch);
		rte_free(ks);
		return NULL;
	}
	ks->epoch = 1;
	ch->keys = ks;
	ch->gen = t->next_gen++;
	ch->mode = cc->mode;
	ch->custom = cc->custom;
	ch->obs_mask = mask;
	ch->pt_map = cc->pt_map;
	for (unsigned c = 0; c < RS_CLASS_COUNT; c++)
		ch->policy[c] = (uint8_t)cc->policy[c];
	memcpy(ch->match, cc->match, sizeof(ch->match));
	ch->n_match = cc->n_match;
	snprintf(ch->name, sizeof(ch->name), "%s", cc->name);
	return ch;
}

int rs_channel_add(struct rs_channel_table *t, const struct rs_channel_conf *cc,
		   struct rs_engine *eng, char *err, size_t err_size)
{
	struct rs_channel *ch;
	struct name_key nk;
	int32_t pos[RS_MAX_MATCHES];
	unsigned hashed = 0;

	if (check_new(t, cc, err, err_size) < 0)
		return -1;
	ch = channel_make(t, cc, eng, err, err_size);
	if (!ch)
		return -1;
	ch->slot = t->free_slots[--t->n_free];
	name_key(&nk, ch->name);
	if (rte_hash_add_key_data(t->by_name, &nk, ch) < 0) {
		snprintf(err, err_size, "channel %s: name table full", ch->name);
		goto unwind;
	}
	__atomic_store_n(&t->by_id[ch->slot], ch, __ATOMIC_RELEASE);
	for (; hashed < ch->n_match; hashed++) {
		struct rs_match_key k;
		rs_match_key_from_conf(&k, &ch->match[hashed]);
		if (rte_hash_add_key_data(t->by_match, &k, ch) < 0) {
			snprintf(err, err_size, "channel %s: match table full", ch->name);
			goto unwind;
		}
	}
	t->n++;
	__atomic_fetch_add(&t->changes, 1, __ATOMIC_RELEASE);
	return 0;

unwind:
	/* workers may already have seen it through the matches hashed so far */
	hashed = unhash_matches(t, ch, hashed, pos);
	__atomic_fetch_add(&t->changes, 1, __ATOMIC_RELEASE);
	rte_hash_del_key(t->by_name, &nk);
	__atomic_store_n(&t->by_id[ch->slot], NULL, __ATOMIC_RELEASE);
	grace_period(t);
	free_positions(t, pos, hashed);
	t->free_slots[t->n_free++] = ch->slot;
	channel_free(ch);
	return -1;
}

int rs_channel_remove(struct rs_channel_table *t, const char *name, char *err, size_t err_size)
{
	struct rs_channel *ch = rs_channel_find(t, name);
	int32_t pos[RS_MAX_MATCHES];
	struct name_key nk;
	unsigned n;

	if (!ch) {
		snprintf(err, err_size, "no channel named %s", name);
		return -1;
	}
	n = unhash_matches(t, ch, ch->n_match, pos);
	/* before the grace period: cached lookups go with it */
	__atomic_fetch_add(&t->changes, 1, __ATOMIC_RELEASE);
	name_key(&nk, ch->name);
	rte_hash_del_key(t->by_name, &nk);
	__atomic_store_n(&t->by_id[ch->slot], NULL, __ATOMIC_RELEASE);
	overlap_unlink(t, ch);
	grace_period(t);
	free_positions(t, pos, n);
	t->free_slots[t->n_free++] = ch->slot;
	t->n--;
	/* workers sweep their stream tables for the dead channel's streams */
	__atomic_fetch_add(&t->removals, 1, __ATOMIC_RELEASE);
	channel_free(ch);
	return 0;
}

/* Publish a new key set for ch, then free what only the old one held. */
static void publish_keys(struct rs_channel_table *t, struct rs_channel *ch, struct rs_keyset *ks,
			 int free_old_current)
{
	struct rs_keyset *old = __atomic_exchange_n(&ch->keys, ks, __ATOMIC_ACQ_REL);

	grace_period(t);
	keyset_free(old, free_old_current);
}

int rs_channel_rekey(struct rs_channel_table *t, const char *name, const struct rs_master_key *mk,
		     int roc_reset, struct rs_engine *eng, uint64_t now_ms, char *err,
		     size_t err_size)
{
	struct rs_channel *ch = rs_channel_find(t, name);
	struct rs_keyset *ks;
	const struct rs_keyset *old;
	enum rs_status st;

	if (!ch) {
		snprintf(err, err_size, "no channel named %s", name);
		return -1;
	}
	old = ch->keys;
	if (ch->custom) {
		snprintf(err, err_size,
			 "channel %s has mode custom: its packet observer holds its keys", name);
		return -1;
	}
	if (mk->key_len != rs_key_ctx_key_len(old->current)) {
		snprintf(err, err_size, "channel %s: the new key is %u bytes, the mode %s needs %u",
			 name, mk->key_len, rs_mode_name(ch->mode),
			 rs_key_ctx_key_len(old->current));
		return -1;
	}
	ks = rte_zmalloc("rs_keyset", sizeof(*ks), RTE_CACHE_LINE_SIZE);
	if (!ks) {
		snprintf(err, err_size, "channel %s: out of memory", name);
		return -1;
	}
	ks->current = rs_key_ctx_new(eng, mk, 0, &st);
	if (!ks->current) {
		rte_free(ks);
		snprintf(err, err_size, "channel %s: key setup failed: %s", name, rs_strerror(st));
		return -1;
	}
	ks->epoch = old->epoch + 1;
	ks->roc_epoch = old->roc_epoch + (roc_reset ? 1 : 0);
	/* the old current key keeps opening packets during the overlap;
	 * the old previous (if any) is done */
	ks->previous = t->overlap_ms ? old->current : NULL;
	/* a rekey during an overlap restarts it: to the tail of the list */
	overlap_unlink(t, ch);
	if (t->overlap_ms)
		overlap_append(t, ch, now_ms + t->overlap_ms);
	publish_keys(t, ch, (struct rs_keyset *)ks, t->overlap_ms == 0);
	ch->rekeys++;
	return 0;
}

void rs_channel_expire_previous(struct rs_channel_table *t, uint64_t now_ms)
{
	struct rs_keyset *old[64];
	unsigned n = 0;
	struct rs_channel *ch;

	/* publish up to 64 key sets without their previous key, then one grace
	 * period for all of them */
	while (n < RTE_DIM(old) && (ch = t->overlap_head) != NULL &&
	       now_ms >= ch->previous_until_ms) {
		struct rs_keyset *ks = rte_zmalloc("rs_keyset", sizeof(*ks), RTE_CACHE_LINE_SIZE);
		if (!ks)
			break; /* try again on the next tick */
		*ks = *ch->keys;
		ks->previous = NULL;
		overlap_unlink(t, ch);
		old[n++] = __atomic_exchange_n(&ch->keys, ks, __ATOMIC_ACQ_REL);
	}
	if (!n)
		return;
	grace_period(t);
	for (unsigned i = 0; i < n; i++)
		keyset_free(old[i], 0);
}

void rs_channel_table_free(struct rs_channel_table *t)
{
	if (t->by_id)
		for (unsigned i = 0; i < t->capacity; i++)
			channel_free(t->by_id[i]);
	rte_free(t->by_id);
	free(t->free_slots);
	rte_hash_free(t->by_match);
	rte_hash_free(t->by_name);
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
