/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The channel table: channels by UDP destination (address, port), exact
 * match first, then the port-only wildcard. Looked up in bulk by workers;
 * built on the main/control thread, which also derives and precomputes the
 * key contexts (never a worker).
 */
#ifndef RS_APP_CHANNELS_H
#define RS_APP_CHANNELS_H

#include <stdint.h>

#include "config.h"
#include "rtpseal.h"

struct rte_hash;

struct rs_channel {
	uint32_t id;
	enum rs_mode mode;
	uint8_t policy[RS_CLASS_COUNT]; /* enum rs_class_policy */
	struct rs_pt_map pt_map;
	/* seal uses key; open tries key, then prev_key (rekey overlap) */
	struct rs_key_ctx *key;
	struct rs_key_ctx *prev_key;
	uint64_t key_epoch;
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
	struct rte_hash *by_match;
	struct rs_channel **by_id;
	unsigned n;
	unsigned capacity;
};

int rs_channel_table_init(struct rs_channel_table *t, const char *name, unsigned capacity,
			  char *err, size_t err_size);

/* Make a channel from its configuration (derive, precompute with eng) and
 * index it under every match. */
int rs_channel_table_add(struct rs_channel_table *t, const struct rs_channel_conf *cc,
			 struct rs_engine *eng, char *err, size_t err_size);

/* Free every channel and wipe its key contexts. */
void rs_channel_table_free(struct rs_channel_table *t);

void rs_match_key_from_conf(struct rs_match_key *k, const struct rs_match *m);

/* Look up n keys (exact entries); misses are retried as port wildcards.
 * out[i] is NULL where neither matches. */
void rs_channel_lookup_bulk(const struct rs_channel_table *t, const struct rs_match_key *keys,
			    unsigned n, struct rs_channel **out);

#endif
