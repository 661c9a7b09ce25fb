/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * grow_past: a test observer that breaks the length contract on purpose,
 * in both directions, audio and video, by RTP sequence number:
 *   seq % 4 == 0   len = capacity + 1   (grown past its capacity)
 *   seq % 8 == 2   len = 11             (shorter than an RTP header)
 * and leaves every other packet alone. rtpseal must refuse exactly those
 * (observers[].refused, drops.observer_drop), write nothing past the
 * buffer and carry on. stats(): grown, shrunk, untouched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_observer.h"

const struct rs_observer *rs_observer_entry(void);

struct worker {
	uint64_t grown;
	uint64_t shrunk;
	uint64_t untouched;
} __attribute__((aligned(64)));

#include "per_worker.h"

#define BUMP(x) __atomic_store_n(&(x), (x) + 1, __ATOMIC_RELAXED)

static void burst(void *opaque, struct rs_observer_packet *pkts, unsigned n)
{
	struct ctx *c = opaque;

	for (unsigned i = 0; i < n; i++) {
		struct rs_observer_packet *p = &pkts[i];
		struct worker *w = per_worker(c, p->worker);
		unsigned seq = (unsigned)p->buf[2] << 8 | p->buf[3];
		if (seq % 4 == 0) {
			p->len = p->capacity + 1;
			BUMP(w->grown);
		} else if (seq % 8 == 2) {
			p->len = 11;
			BUMP(w->shrunk);
		} else {
			BUMP(w->untouched);
		}
	}
}

static int gp_stats(void *opaque, char *buf, size_t size)
{
	const struct ctx *c = opaque;
	uint64_t g = 0, s = 0, u = 0;
	int n;

	for (unsigned i = 0; i < c->n_workers; i++) {
		g += __atomic_load_n(&c->w[i].grown, __ATOMIC_RELAXED);
		s += __atomic_load_n(&c->w[i].shrunk, __ATOMIC_RELAXED);
		u += __atomic_load_n(&c->w[i].untouched, __ATOMIC_RELAXED);
	}
	n = snprintf(buf, size, "{\"grown\":%llu,\"shrunk\":%llu,\"untouched\":%llu}",
		     (unsigned long long)g, (unsigned long long)s, (unsigned long long)u);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static const struct rs_observer ops = {
    .abi_version = RS_OBSERVER_ABI_VERSION,
    .struct_size = sizeof(struct rs_observer),
    .name = "grow_past",
    .init = per_worker_init,
    .fini = per_worker_fini,
    .on_send_audio = burst,
    .on_send_video = burst,
    .on_receive_audio = burst,
    .on_receive_video = burst,
    .stats = gp_stats,
};

const struct rs_observer *rs_observer_entry(void)
{
	return &ops;
}
