/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters. Each worker lcore owns one struct rs_counters and is its only
 * writer; the main lcore and telemetry read them (64-bit loads are atomic on
 * the targets DPDK supports, and a slightly stale figure is fine). Every
 * packet a worker receives ends as exactly one of: tx, or one drop reason.
 */
#ifndef RS_APP_STATS_H
#define RS_APP_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include "config.h"

struct rs_port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets; /* handed to the TX ring */
	uint64_t tx_bytes;
};

struct rs_counters {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t drops[RS_DROP_COUNT];
	uint64_t audio_packets;	      /* sealed or opened audio RTP */
	uint64_t video_packets;	      /* sealed or opened video RTP */
	uint64_t other_media_packets; /* sealed or opened RTP of class other */
	uint64_t rtcp_packets;	      /* sealed or opened RTCP */
	uint64_t passthrough_packets; /* forwarded untouched */
	uint64_t custom_packets;      /* media of mode-custom channels, through observers only */
	uint64_t handed_off;	      /* received here, passed to the worker owning the stream */
	uint64_t sealed_packets;
	uint64_t opened_packets;
	uint64_t opened_prev_key; /* opened with the previous key (rekey overlap) */
	uint64_t streams;	  /* stream states created */
	/* media packets whose channel and stream came from the worker's flow
	 * cache, and those that needed the hash tables (app/flow_cache.h) */
	uint64_t flow_cache_hits;
	uint64_t flow_cache_misses;
	/* TSC cycles spent on RX bursts that carried packets, from the RX call
	 * to the last TX hand-off, and those bursts' packets, by direction
	 * (0 seal, 1 open): the pipeline's cost per packet without idle polls */
	uint64_t busy_cycles[2];
	uint64_t busy_packets[2];
	struct rs_port_counters ports[RS_MAX_PORTS];
} __rte_cache_aligned;

/* Sum of every worker's counters. */
void rs_counters_sum(struct rs_counters *total, const struct rs_counters *const *per_lcore,
		     unsigned n);

uint64_t rs_counters_drops_total(const struct rs_counters *c);

/* One live line: rates since the previous snapshot, audio/video split and
 * the non-zero drops. */
void rs_stats_print_line(FILE *out, const struct rs_counters *now, const struct rs_counters *prev,
			 double seconds, unsigned n_ports);

/* The final summary, with the rx = tx + drops check spelled out. */
void rs_stats_print_summary(FILE *out, const struct rs_counters *c, double seconds,
			    unsigned n_ports);

struct json_t;

/* The --stats-json object of DESIGN §5; the members of extra (a JSON object,
 * may be NULL) are merged in. */
int rs_stats_write_json(const char *path, const struct rs_counters *c, double seconds,
			unsigned n_ports, struct json_t *extra);

/* Counters as a JSON object: every scalar counter, drops by reason and
 * drops_total (stats JSON, its "workers" array, the control socket). */
struct json_t *rs_counters_json(const struct rs_counters *c);

#endif
