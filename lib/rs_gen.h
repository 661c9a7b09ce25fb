/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RTP traffic model (DESIGN §5, [generator]): whole Ethernet frames of
 * synthetic audio and video RTP, RTCP sender reports and optional noise
 * (STUN, DTLS, ARP), written into plain buffers. The DPDK app's built-in
 * generator and perf/rtpseal-gen (pcap files) both draw from it.
 *
 * Model: every channel carries streams_per_channel streams, audio_share
 * percent of all streams audio (spread evenly over the channels), the rest
 * video. Each stream sends from its own UDP source port to its channel's
 * address and port (rtcp-mux: RTCP on the same 5-tuple), with a random SSRC
 * (unique within a generator), initial sequence number and timestamp.
 *   audio: one packet per 20 ms, a payload size fixed per stream in
 *          60..320 bytes, timestamp +160 (static PT, 8 kHz) or +960
 *          (dynamic PT, 48 kHz), an RFC 6464 audio-level header extension;
 *   video: 30 frames per second of varying size with a key frame 5-10x
 *          larger about every 2 s, each frame cut into equal packets of at
 *          most RS_GEN_VIDEO_PAYLOAD_MAX bytes sent back to back, marker on
 *          the last, 90 kHz timestamps, a transport-wide sequence number
 *          header extension;
 *   RTCP:  an SR followed by an SDES CNAME chunk once per second of media
 *          time per stream, after the stream's first packet;
 *   noise: noise_permille of the frames are STUN binding requests or DTLS
 *          ClientHello records on a stream's 5-tuple, or ARP requests.
 * For benches, audio_payload and video_payload fix the payload sizes
 * (every audio packet, every video packet: a frame then becomes whole
 * packets of that size); the rest of the model is unchanged.
 * Frames come out in media-time order, streams interleaved by their random
 * phases. The payload is a pattern derived from (SSRC, sequence number) so
 * a receiver can check it (rs_gen_payload_check). The whole frame sequence
 * is a function of the configuration and the seed alone.
 *
 * Cost: the schedule of one second is built and sorted once; after that a
 * frame is a header template copy, a few patched fields and the payload
 * pattern (plus the UDP checksum when asked for). No allocation per frame.
 * Memory: ~8 bytes per scheduled packet event of one second (~51 per audio
 * stream, ~31 per video stream) plus ~256 bytes per stream.
 */
#ifndef RS_GEN_H
#define RS_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "rs_classify.h"
#include "rs_parse.h"
#include "rs_status.h"

/* A buffer this large always holds the next frame (1514-byte Ethernet). */
#define RS_GEN_FRAME_MAX 1514
/* Largest RTP payload of a video packet. */
#define RS_GEN_VIDEO_PAYLOAD_MAX 1200
/* Audio payload sizes are drawn per stream from this range. */
#define RS_GEN_AUDIO_PAYLOAD_MIN 60
#define RS_GEN_AUDIO_PAYLOAD_MAX 320
/* Fixed payload sizes (audio_payload, video_payload) go up to this: with
 * IPv6 and the 16-byte SRTP tag the sealed frame still fits 1514 bytes. */
#define RS_GEN_PAYLOAD_FIXED_MAX 1400
/* Media time 0 is this Unix time (2024-01-01T00:00:00Z); RTCP SR NTP
 * timestamps count from it, and rtpseal-gen stamps its pcaps from it. */
#define RS_GEN_EPOCH_UNIX 1704067200ull

/* Where one channel's media goes. */
struct rs_gen_channel {
	uint8_t ip_version;   /* 4 or 6 */
	uint8_t dst_addr[16]; /* network order; IPv4 uses the first 4 bytes */
	uint16_t dst_port;    /* host order, not 0 */
	/* RTP payload types, 0..127 but not 64..95 (with rtcp-mux, a marked
	 * packet of those types reads as RTCP, RFC 5761 section 4). A static
	 * audio type (< 96) gets an 8 kHz clock, a dynamic one 48 kHz. */
	uint8_t audio_pt;
	uint8_t video_pt;
};

struct rs_gen_conf {
	const struct rs_gen_channel *channels; /* n_channels entries, copied */
	unsigned n_channels;		       /* at least 1 */
	unsigned streams_per_channel;	       /* 0 means 4 */
	/* percent of all streams that are audio, 0..100 */
	unsigned audio_share;
	unsigned rtcp; /* bool: SR + SDES once per second per stream */
	/* STUN, DTLS and ARP frames per 1000 frames, 0..999 */
	unsigned noise_permille;
	unsigned udp_checksum; /* bool: UDP checksums (IPv6 always has one) */
	/* RTP payload bytes of every audio packet, 1..RS_GEN_PAYLOAD_FIXED_MAX;
	 * 0: drawn per stream from RS_GEN_AUDIO_PAYLOAD_MIN..MAX (the model) */
	unsigned audio_payload;
	/* RTP payload bytes of every video packet, 1..RS_GEN_PAYLOAD_FIXED_MAX:
	 * a frame of S bytes becomes ceil(S / video_payload) packets of exactly
	 * that size (the frame rounded up); 0: packets of at most
	 * RS_GEN_VIDEO_PAYLOAD_MAX bytes, equal within a frame up to one byte
	 * (the model) */
	unsigned video_payload;
	uint64_t seed;	       /* everything random derives from it */
	uint8_t src_mac[6];    /* Ethernet source of every frame */
	uint8_t dst_mac[6];    /* Ethernet destination (ARP: broadcast) */
	uint8_t src_addr[16];  /* IPv4 source (first 4 bytes), network order */
	uint8_t src_addr6[16]; /* IPv6 source, network order */
	/* stream i (counted over all channels) sends from src_port_base + 2i;
	 * the last port must fit in 16 bits */
	uint16_t src_port_base;
};

/* What rs_gen_next wrote. */
struct rs_gen_info {
	enum rs_payload_kind kind; /* RTP, RTCP, STUN, DTLS; OTHER for ARP */
	uint8_t is_arp;		   /* 1 for an ARP request (no IP header) */
	uint8_t media;		   /* enum rs_media_class of the stream; OTHER for noise */
	uint8_t key_frame;	   /* 1 for the packets of a video key frame */
	unsigned channel;	   /* index into conf->channels */
	unsigned stream;	   /* stream index (0..streams-1); for ARP 0 */
	uint32_t ssrc;		   /* RTP/RTCP sender SSRC; 0 for noise */
	/* RTP: payload bytes after the header and its extension; RTCP: the
	 * compound packet; STUN, DTLS: the UDP payload; ARP: 0 */
	uint32_t payload_len;
	uint64_t time_ns; /* media time since the start, non-decreasing */
};

struct rs_gen;

/* Defaults: no channels, 4 streams per channel, 70 % audio, RTCP on, no
 * noise, UDP checksums on, the model's payload sizes, seed 1, MACs
 * 02:00:00:00:00:01 -> :02, sources 10.0.0.1 and fd00::1, ports from
 * 40000. */
void rs_gen_conf_init(struct rs_gen_conf *conf);

/* Build a generator (schedule, templates); NULL with *err set on a bad
 * configuration (RS_ERR_INVALID_ARG) or no memory (RS_ERR_NOMEM). */
struct rs_gen *rs_gen_new(const struct rs_gen_conf *conf, enum rs_status *err);

void rs_gen_free(struct rs_gen *g);

/* Write the next frame into buf; returns its length. Returns 0 and consumes
 * nothing when cap is too small for it (RS_GEN_FRAME_MAX always suffices),
 * so the frame sequence never depends on the buffers offered; nothing past
 * the frame is written. info may be NULL. A generator belongs to one
 * thread at a time. */
size_t rs_gen_next(struct rs_gen *g, uint8_t *buf, size_t cap, struct rs_gen_info *info);

/* Number of streams (RTP senders) the generator runs. */
unsigned rs_gen_stream_count(const struct rs_gen *g);

/* The payload pattern: byte j is byte j % 8 of the little-endian 64-bit
 * word h + (j / 8) * 0x9e3779b97f4a7c15 (mod 2^64), h the splitmix64
 * finaliser of (ssrc << 16 | seq). */
void rs_gen_payload_fill(uint8_t *payload, size_t len, uint32_t ssrc, uint16_t seq);

/* 1 when payload holds the pattern of (ssrc, seq), else 0. */
int rs_gen_payload_check(const uint8_t *payload, size_t len, uint32_t ssrc, uint16_t seq);

#endif
