/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the main lcore sets up and every worker reads: ports, channels, the
 * general configuration and the stop flags. Workers never write here; their
 * own state is struct rs_worker (worker.h).
 */
#ifndef RS_APP_APP_H
#define RS_APP_APP_H

#include <pthread.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_spinlock.h>

#include "channels.h"
#include "config.h"
#include "observers.h"
#include "stats.h"
#include "streams.h"

#define RS_BURST_MAX   64
#define RS_MAX_WORKERS 64

struct rs_port {
	uint16_t id;
	uint16_t peer;
	enum rs_port_role role;
	uint8_t rewrite_mac;	    /* set dst (and src) MAC on frames leaving this port */
	uint8_t cksum_offload_ipv4; /* TX IPv4 header checksum offload */
	uint8_t cksum_offload_udp;  /* TX UDP checksum offload */
	uint8_t has_tx;		    /* some port forwards to this one */
	struct rte_ether_addr src_mac;
	struct rte_ether_addr dst_mac;
};

struct rs_worker;
struct rte_mempool;
struct rte_ring;

struct rs_app {
	struct rs_config cfg;
	struct rs_port ports[RS_MAX_PORTS];
	unsigned n_ports;
	struct rs_channel_table channels;
	struct rs_observer_set observers;
	struct rte_mempool *pool;
	unsigned n_workers;
	struct rs_worker *workers[RS_MAX_WORKERS];
	/* copies of each stream's first sealed packets for the verifier
	 * (make run): samples_per_stream 0 turns it off */
	struct rte_ring *samples;
	unsigned samples_per_stream;
	struct rs_stream_start stream_start;
	/* stream ownership when there are several workers: a flow reaching
	 * another worker's queue is handed (handoff[owner], MP/SC ring) to
	 * the worker owning its stream state, never given a second state */
	struct rte_hash *stream_owner;
	rte_spinlock_t owner_lock;
	struct rte_ring *handoff[RS_MAX_WORKERS];
	/* workers report quiescent states here; the control thread waits on
	 * it before freeing anything it unpublished */
	struct rte_rcu_qsbr *rcu;
	/* serialises the channel table's writer (control thread) with its
	 * other control-side readers (telemetry); workers never take it */
	pthread_mutex_t ctl_lock;
	volatile int stop_workers;
};

#endif
