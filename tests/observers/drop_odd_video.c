/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drop_odd_video: a test observer that drops every other video packet on
 * the send side: exactly the video packets whose RTP sequence number is
 * odd. Within a stream of consecutive sequence numbers that is every
 * second packet, floor(n/2) or ceil(n/2) of the stream's n packets (by the
 * parity of its first sequence number), so the total is half the video
 * packets +-1/2 per stream, and exactly the count of odd sequence numbers
 * in the input. Audio is not observed. stats(): kept, dropped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_observer.h"

const struct rs_observer *rs_observer_entry(void);

struct worker {
	uint64_t kept;
	uint64_t dropped;
} __attribute__((aligned(64)));

#include "per_worker.h"

static void on_send_video(void *opaque, struct rs_observer_packet *pkts, unsigned n)
{
	struct ctx *c = opaque;

	for (unsigned i = 0; i < n; i++) {
		struct rs_observer_packet *p = &pkts[i];
		struct worker *w = per_worker(c, p->worker);
		/* rtpseal hands only packets of at least an RTP header (12 bytes) */
		if (p->buf[3] & 1) {
			p->verdict = RS_OBSERVER_DROP;
			__atomic_store_n(&w->dropped, w->dropped + 1, __ATOMIC_RELAXED);
		} else {
			__atomic_store_n(&w->kept, w->kept + 1, __ATOMIC_RELAXED);
		}
	}
}

static int dov_stats(void *opaque, char *buf, size_t size)
{
	const struct ctx *c = opaque;
	uint64_t kept = 0, dropped = 0;
	int n;

	for (unsigned i = 0; i < c->n_workers; i++) {
		kept += __atomic_load_n(&c->w[i].kept, __ATOMIC_RELAXED);
		dropped += __atomic_load_n(&c->w[i].dropped, __ATOMIC_RELAXED);
	}
	n = snprintf(buf, size, "{\"kept\":%llu,\"dropped\":%llu}", (unsigned long long)kept,
		     (unsigned long long)dropped);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static const struct rs_observer ops = {
    .abi_version = RS_OBSERVER_ABI_VERSION,
    .struct_size = sizeof(struct rs_observer),
    .name = "drop_odd_video",
    .init = per_worker_init,
    .fini = per_worker_fini,
    .on_send_video = on_send_video,
    .stats = dov_stats,
};

const struct rs_observer *rs_observer_entry(void)
{
	return &ops;
}
