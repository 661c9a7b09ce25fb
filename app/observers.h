/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading packet observers (lib/rs_observer.h) and running them on a burst.
 * --observer LIB.so[@CHAN,CHAN...][:ARGS] loads LIB.so, attaches it to the
 * named channels (all channels when none are named) and hands ARGS to its
 * init. Observers run in the order given.
 */
#ifndef RS_APP_OBSERVERS_H
#define RS_APP_OBSERVERS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "rs_observer.h"

#define RS_MAX_OBSERVERS 8

struct rs_observer_slot {
	const struct rs_observer *ops;
	void *ctx;
	void *dl;
	char path[RS_PATH_MAX];
	char channels[1024]; /* comma-separated names; "" = every channel */
};

struct rs_observer_set {
	struct rs_observer_slot slot[RS_MAX_OBSERVERS];
	unsigned n;
};

/* Per worker, per observer. */
struct rs_observer_counters {
	uint64_t calls;
	uint64_t packets;
	uint64_t drops;	  /* the observer said drop */
	uint64_t refused; /* grew a packet past its capacity, or below an RTP header */
};

/* Load one --observer spec; on error -1 with a message naming the library. */
int rs_observer_load(struct rs_observer_set *set, const char *spec, unsigned n_workers, char *err,
		     size_t err_size);
void rs_observers_unload(struct rs_observer_set *set);

/* The optional stats callback, if the observer's table is long enough to
 * hold it (an ABI-1 table may end after the four callbacks). */
static inline int (*rs_observer_stats_fn(const struct rs_observer_slot *s))(void *, char *, size_t)
{
	if (s->ops->struct_size < offsetof(struct rs_observer, stats) + sizeof(s->ops->stats))
		return NULL;
	return s->ops->stats;
}

/* Bit i set: observer i is attached to the channel of that name. */
uint32_t rs_observers_mask(const struct rs_observer_set *set, const char *channel);

#endif
