/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker lcore: its queues, its crypto engine, its stream table, its TX
 * buffers and its counters, in one cache-aligned struct that only it writes
 * (l3fwd's lcore_conf pattern). The poll loop always runs in the same order:
 * timed TX drain, RX burst per queue, process the burst.
 */
#ifndef RS_APP_WORKER_H
#define RS_APP_WORKER_H

#include <stdint.h>

#include <rte_common.h>

#include "app.h"
#include "flow_cache.h"
#include "stats.h"
#include "streams.h"

struct rte_eth_dev_tx_buffer;

struct rs_rx_queue {
	uint16_t port;
	uint16_t queue;
};

struct rs_worker;

/* Userdata of a TX buffer's error callback: which worker, which port. */
struct rs_tx_ctx {
	struct rs_worker *w;
	uint16_t port;
};

/* One channel's counters on one worker; gen tells a reused slot apart. */
struct rs_chan_counters {
	uint32_t gen;
	/* the channel's key set as this worker's burst snap_burst read it: one
	 * snapshot per channel per burst (see keys_snapshot in worker.c); kept
	 * here because count_done writes this line for the packet anyway */
	uint32_t snap_burst;
	const struct rs_keyset *snap_keys;
	uint64_t sealed;
	uint64_t opened;
	uint64_t opened_prev_key;
	uint64_t auth_fail;
	uint64_t replay;
};

struct rs_worker {
	struct rs_counters c; /* first: the hottest writes */
	const struct rs_app *app;
	struct rs_engine *eng;
	struct rs_stream_table streams;
	uint16_t queue; /* this worker's RX and TX queue index on every port */
	uint16_t n_rxq;
	uint16_t burst;
	unsigned lcore_id;
	unsigned index;
	uint64_t drain_cycles;
	uint64_t last_drain;
	volatile uint64_t last_rx_tsc;
	struct rs_chan_counters *chan; /* by channel slot */
	struct rs_flow_cache flows;
	struct rs_table_mem chan_mem, flows_mem; /* where chan and flows.e live */
	uint32_t burst_no;			 /* bursts processed, never 0 (see snap_burst) */
	struct rs_observer_counters obs[RS_MAX_OBSERVERS];
	uint32_t obs_refused_logged; /* bit per observer */
	uint64_t swept_removals;     /* channel removals this worker's sweep has covered */
	int sweeping;		     /* a sweep pass is under way */
	struct rs_rx_queue rxq[RS_MAX_PORTS];
	struct rte_eth_dev_tx_buffer *txb[RS_MAX_PORTS];
	struct rs_tx_ctx txctx[RS_MAX_PORTS];
} __rte_cache_aligned;

/* Allocate and set up worker index on lcore_id (engine, streams, buffers). */
struct rs_worker *rs_worker_new(const struct rs_app *app, unsigned index, unsigned lcore_id,
				char *err, size_t err_size);
void rs_worker_free(struct rs_worker *w);

/* The poll loop; arg is a struct rs_worker. Reports an RCU quiescent state
 * once per iteration. Returns when app->stop_workers is set, after flushing
 * every TX buffer. */
int rs_worker_main(void *arg);

/* Stage: classify one received frame's verdict and resolve its channel
 * (exposed for the tests). Processes n mbufs received on port `in`. */
void rs_worker_process_burst(struct rs_worker *w, uint16_t in, struct rte_mbuf **m, uint16_t n);

/* Sum of one observer's counters over the workers. */
void rs_worker_observer_counters(const struct rs_app *app, unsigned o,
				 struct rs_observer_counters *sum);

/* Sum of one channel's counters over the workers (control thread). */
void rs_worker_channel_counters(const struct rs_app *app, const struct rs_channel *ch,
				struct rs_chan_counters *sum);

#endif
