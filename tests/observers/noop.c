/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * noop: a test observer that is called for every audio and video packet in
 * both directions and touches nothing. What it costs is what the observer
 * hook itself costs (perf/bench_observer.sh).
 */
#include <stddef.h>

#include "rs_observer.h"

const struct rs_observer *rs_observer_entry(void);

static int token;

static void *noop_init(const char *args, unsigned n_workers, char *err, size_t err_size)
{
	(void)args;
	(void)n_workers;
	(void)err;
	(void)err_size;
	return &token;
}

static void noop_burst(void *ctx, struct rs_observer_packet *pkts, unsigned n)
{
	(void)ctx;
	(void)pkts;
	(void)n;
}

static const struct rs_observer ops = {
    .abi_version = RS_OBSERVER_ABI_VERSION,
    .struct_size = sizeof(struct rs_observer),
    .name = "noop",
    .init = noop_init,
    .on_send_audio = noop_burst,
    .on_send_video = noop_burst,
    .on_receive_audio = noop_burst,
    .on_receive_video = noop_burst,
};

const struct rs_observer *rs_observer_entry(void)
{
	return &ops;
}
