/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spread traffic: RTP for a very large number of channels and streams with
 * no per-stream template or schedule (lib/gen.c keeps ~300 bytes and a
 * second of sorted send events per stream, which at millions of streams is
 * gigabytes and a long sort). For scale tests and the scale bench
 * ([generator] spread_channels).
 *
 * Channel i (0-based) is the UDP destination rs_gen_spread_addr(i):
 * 10.(64 + i / 65536).(i / 256 % 256).(i % 256), port 5004 -- the pattern
 * perf/scale.sh adds channels with. Each channel has streams_per_channel
 * streams; stream j (over all channels, channel j / streams_per_channel)
 * has SSRC perm(j) (a bijection, so SSRCs are unique), a random first
 * sequence number and timestamp, and sends from port src_port_base +
 * 2 * (j % ports) where ports = (65536 - src_port_base) / 2: source ports
 * wrap and repeat, streams are told apart by SSRC and channels by
 * destination. Every packet is audio: RTP with an RFC 6464 audio-level
 * header extension (like the model's audio), PT pt, payload_len bytes of
 * the model's payload pattern (rs_gen_payload_check reads it), timestamp
 * +160 per packet.
 *
 * Order: the first n_streams packets visit every stream exactly once in a
 * shuffled order (an affine permutation of the stream numbers), so after
 * n_streams packets every stream exists; after that each packet goes to a
 * stream drawn uniformly at random. Per stream state: a 4-byte packet
 * count (16 MB for 4 M streams); per packet a few multiplies, one random
 * access into the counts, a header copy and the payload pattern.
 */
#ifndef RS_GEN_SPREAD_H
#define RS_GEN_SPREAD_H

#include <stddef.h>
#include <stdint.h>

#include "rs_gen.h"

/* 10.64.0.0 .. 10.254.255.255 */
#define RS_GEN_SPREAD_CHANNELS_MAX (191u * 65536u)
#define RS_GEN_SPREAD_STREAMS_MAX  (1u << 26)
#define RS_GEN_SPREAD_PORT	   5004

struct rs_gen_spread_conf {
	unsigned n_channels;	      /* 1..RS_GEN_SPREAD_CHANNELS_MAX */
	unsigned streams_per_channel; /* >= 1; product <= RS_GEN_SPREAD_STREAMS_MAX */
	unsigned payload_len;	      /* 1..RS_GEN_PAYLOAD_FIXED_MAX; 0 means 160 */
	uint8_t pt;		      /* 0..127 but not 64..95 */
	unsigned udp_checksum;	      /* bool */
	uint64_t seed;
	uint8_t src_mac[6], dst_mac[6];
	uint8_t src_addr[4];	/* network order */
	uint16_t src_port_base; /* even spacing from here; not 0 */
};

struct rs_gen_spread;

/* Defaults: 1 channel, 4 streams, 160 bytes, PT 0, UDP checksums on, seed
 * 1, the model's MACs, 10.0.0.1 and port base 40000. */
void rs_gen_spread_conf_init(struct rs_gen_spread_conf *conf);

/* Destination address (network order, 4 bytes) of channel i. */
void rs_gen_spread_addr(unsigned i, uint8_t addr[4]);

struct rs_gen_spread *rs_gen_spread_new(const struct rs_gen_spread_conf *conf, enum rs_status *err);
void rs_gen_spread_free(struct rs_gen_spread *g);

/* As rs_gen_next: the next frame into buf, its length, or 0 when cap is
 * too small (nothing consumed). info->kind RTP, media audio. */
size_t rs_gen_spread_next(struct rs_gen_spread *g, uint8_t *buf, size_t cap,
			  struct rs_gen_info *info);

unsigned rs_gen_spread_stream_count(const struct rs_gen_spread *g);

/* Bytes the generator holds (its per-stream counts and itself). */
size_t rs_gen_spread_bytes(const struct rs_gen_spread *g);

#endif
