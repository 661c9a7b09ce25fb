/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gen.c against its contract (lib/rs_gen.h, DESIGN §5): every frame is
 * read back with the library's own parser and checked independently —
 * IPv4 and UDP checksums recomputed here, RTP sequence and timestamp steps,
 * audio sizes, video packetisation and key frames, RTCP SR/SDES layout and
 * sender counts, the payload pattern, noise share, media rates, media-time
 * order, determinism, fixed payload sizes, and never a byte written past
 * the frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gen_test_util.h"
#include "rs_gen.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NS_PER_SEC    1000000000ull
#define NTP_UNIX      2208988800ull

enum {
	MAX_STREAMS = 64,
	MAX_FRAMES = 2048, /* video frames remembered per stream */
	ETH_LEN = 14,
	RTP_HDR_WITH_EXT = 20,
	VIDEO_TS_STEP = 3000,
};

/* ---- an independent UDP checksum check (gen_test_util.h) -------------- */

/* The ones' complement sum over the pseudo-header and the datagram,
 * checksum field included: 0xffff when the checksum is right. */
static unsigned udp_verify(const uint8_t *frame, const struct rs_frame *f)
{
	const uint8_t *ip = frame + f->l3_off;
	uint32_t sum = 17 + (uint32_t)(f->payload_len + 8);

	if (f->ip_version == 4)
		sum = sum16(sum, ip + 12, 8);
	else
		sum = sum16(sum, ip + 8, 32);
	return fold(sum16(sum, frame + f->l4_off, (size_t)f->payload_len + 8));
}

/* ---- the payload pattern, from the header's words ---------------------- */

static uint64_t splitmix_final(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint8_t pattern_byte(uint32_t ssrc, uint16_t seq, size_t j)
{
	uint64_t w = splitmix_final((uint64_t)ssrc << 16 | seq) + (j / 8) * 0x9e3779b97f4a7c15ull;

	return (uint8_t)(w >> (8 * (j % 8)));
}

/* ---- a run of the generator, every frame checked ----------------------- */

struct seen {
	uint32_t ssrc;
	unsigned stream;
	unsigned channel;
	uint8_t media;
	uint16_t src_port;
	uint8_t ip_version;
	unsigned packets;
	uint32_t octets;
	uint16_t last_seq;
	uint32_t last_ts;
	unsigned last_marker;
	unsigned payload_len; /* audio: the first packet's */
	unsigned rtcp;
	uint64_t last_sr_ntp;
	/* video frames as the receiver reassembles them */
	unsigned frame_bytes;
	unsigned frame_packets;
	unsigned frame_key;
	unsigned frames;
	uint32_t frame_size[MAX_FRAMES];
	uint8_t frame_is_key[MAX_FRAMES];
};

struct run {
	struct rs_gen_conf conf;
	struct rs_gen_channel ch[16];
	unsigned frames;
	unsigned kind[RS_KIND_RTCP + 1];
	unsigned arp;
	uint64_t last_ns;
	unsigned n_seen;
	struct seen seen[MAX_STREAMS];
};

static struct run *run_new(void)
{
	struct run *r = calloc(1, sizeof(*r));

	if (!r)
		fail_msg("out of memory");
	rs_gen_conf_init(&r->conf);
	r->conf.channels = r->ch;
	return r;
}

static void add_v4(struct run *r, uint8_t last, uint16_t port, uint8_t apt, uint8_t vpt)
{
	struct rs_gen_channel *ch = &r->ch[r->conf.n_channels++];

	ch->ip_version = 4;
	ch->dst_addr[0] = 10;
	ch->dst_addr[3] = last;
	ch->dst_port = port;
	ch->audio_pt = apt;
	ch->video_pt = vpt;
}

static void add_v6(struct run *r, uint8_t last, uint16_t port, uint8_t apt, uint8_t vpt)
{
	struct rs_gen_channel *ch = &r->ch[r->conf.n_channels++];

	ch->ip_version = 6;
	ch->dst_addr[0] = 0x20;
	ch->dst_addr[1] = 0x01;
	ch->dst_addr[2] = 0x0d;
	ch->dst_addr[3] = 0xb8;
	ch->dst_addr[15] = last;
	ch->dst_port = port;
	ch->audio_pt = apt;
	ch->video_pt = vpt;
}

static struct seen *find_seen(struct run *r, const struct rs_gen_info *info, int *fresh)
{
	unsigned i;

	for (i = 0; i < r->n_seen; i++)
		if (r->seen[i].ssrc == info->ssrc) {
			*fresh = 0;
			return &r->seen[i];
		}
	if (r->n_seen == MAX_STREAMS)
		fail_msg("more than %d SSRCs", MAX_STREAMS);
	*fresh = 1;
	memset(&r->seen[r->n_seen], 0, sizeof(r->seen[0]));
	r->seen[r->n_seen].ssrc = info->ssrc;
	return &r->seen[r->n_seen++];
}

static void check_arp(const uint8_t *buf, size_t len, const struct rs_gen_info *info,
		      const struct run *r)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct rs_frame f;

	assert_int_equal(len, 60);
	assert_int_equal(rs_parse_frame(buf, len, &f), RS_ERR_NOT_IP);
	assert_int_equal(info->kind, RS_KIND_OTHER);
	assert_memory_equal(buf, bcast, 6);
	assert_memory_equal(buf + 6, r->conf.src_mac, 6);
	assert_int_equal(get16(buf + 12), 0x0806);
	assert_int_equal(get16(buf + 14), 1);	   /* Ethernet */
	assert_int_equal(get16(buf + 16), 0x0800); /* IPv4 */
	assert_int_equal(buf[18], 6);
	assert_int_equal(buf[19], 4);
	assert_int_equal(get16(buf + 20), 1); /* request */
	assert_memory_equal(buf + 22, r->conf.src_mac, 6);
	assert_memory_equal(buf + 28, r->conf.src_addr, 4);
	assert_true(info->channel < r->conf.n_channels);
}

/* SR (PT 200, no report blocks) then SDES (PT 202) with one CNAME chunk,
 * the lengths adding up to the datagram. */
static void check_rtcp(struct run *r, const uint8_t *p, size_t len, const struct rs_gen_info *info,
		       struct seen *s)
{
	struct rs_rtcp_info ri;
	uint64_t ntp, want_sec = NTP_UNIX + RS_GEN_EPOCH_UNIX + info->time_ns / NS_PER_SEC;
	size_t off = 0, sdes_end, item;
	unsigned n_packets = 0;

	assert_int_equal(rs_rtcp_parse(p, len, &ri), RS_OK);
	assert_int_equal(ri.pt, 200);
	assert_int_equal(ri.count, 0);
	assert_int_equal(ri.first_len, 28);
	assert_int_equal(ri.ssrc, info->ssrc);
	while (off < len) {
		assert_true(len - off >= 4);
		assert_int_equal(p[off] >> 6, 2);
		assert_int_equal(p[off] & 0x20, 0); /* no padding */
		off += (get16(p + off + 2) + 1) * 4;
		n_packets++;
	}
	assert_int_equal(off, len);
	assert_int_equal(n_packets, 2);
	/* sender info: counts match what this SSRC has sent so far */
	ntp = (uint64_t)get32(p + 8) << 32 | get32(p + 12);
	assert_int_equal(get32(p + 8), (uint32_t)want_sec);
	assert_true(ntp > s->last_sr_ntp);
	s->last_sr_ntp = ntp;
	assert_int_equal(get32(p + 20), s->packets);
	assert_int_equal(get32(p + 24), s->octets);
	assert_true(s->packets > 0); /* an SR comes after the first packet */
	if (s->packets)
		assert_true(get32(p + 16) - s->last_ts < 90000); /* near the last RTP time */
	/* SDES: one chunk, CNAME, null-terminated and padded to a word */
	assert_int_equal(p[28], 0x81);
	assert_int_equal(p[29], 202);
	sdes_end = 28 + (get16(p + 30) + 1) * 4;
	assert_int_equal(sdes_end, len);
	assert_int_equal(get32(p + 32), info->ssrc);
	item = 36;
	assert_int_equal(p[item], 1);
	assert_true(p[item + 1] > 0);
	assert_true(item + 2 + p[item + 1] < sdes_end);
	for (off = item + 2; off < item + 2 + p[item + 1]; off++)
		assert_true(p[off] >= 0x21 && p[off] <= 0x7e);
	assert_true(sdes_end - off >= 1);
	for (; off < sdes_end; off++)
		assert_int_equal(p[off], 0);
	s->rtcp++;
	(void)r;
}

static void end_video_frame(struct seen *s)
{
	if (s->frames < MAX_FRAMES) {
		s->frame_size[s->frames] = s->frame_bytes;
		s->frame_is_key[s->frames] = (uint8_t)s->frame_key;
	}
	s->frames++;
	s->frame_bytes = 0;
	s->frame_packets = 0;
}

static void check_rtp(struct run *r, const uint8_t *p, size_t len, const struct rs_gen_info *info,
		      struct seen *s, int fresh)
{
	const struct rs_gen_channel *ch = &r->ch[info->channel];
	struct rs_rtp_info ri;
	size_t j;

	assert_int_equal(rs_rtp_parse(p, len, 1, &ri), RS_OK);
	assert_int_equal(ri.ssrc, info->ssrc);
	assert_int_equal(ri.csrc_count, 0);
	assert_int_equal(ri.pad_len, 0);
	assert_int_equal(ri.hdr_len, RTP_HDR_WITH_EXT);
	assert_int_equal(get16(p + 12), 0xbede);
	assert_int_equal(ri.pt, info->media == RS_CLASS_AUDIO ? ch->audio_pt : ch->video_pt);
	for (j = 0; j < ri.payload_len; j++)
		if (p[ri.hdr_len + j] != pattern_byte(ri.ssrc, ri.seq, j))
			fail_msg("ssrc %08x seq %u: payload byte %zu is not the pattern", ri.ssrc,
				 ri.seq, j);
	assert_true(rs_gen_payload_check(p + ri.hdr_len, ri.payload_len, ri.ssrc, ri.seq));

	if (!fresh && s->packets) {
		if (ri.seq != (uint16_t)(s->last_seq + 1))
			fail_msg("ssrc %08x: seq %u after %u", ri.ssrc, ri.seq, s->last_seq);
	}
	if (info->media == RS_CLASS_AUDIO) {
		uint32_t step = ch->audio_pt < 96 ? 160 : 960;

		assert_int_equal(ri.marker, 0);
		assert_false(info->key_frame);
		if (r->conf.audio_payload)
			assert_int_equal(ri.payload_len, r->conf.audio_payload);
		else
			assert_in_range(ri.payload_len, RS_GEN_AUDIO_PAYLOAD_MIN,
					RS_GEN_AUDIO_PAYLOAD_MAX);
		if (s->packets) {
			assert_int_equal(ri.payload_len, s->payload_len);
			assert_int_equal(ri.timestamp, s->last_ts + step);
		}
		s->payload_len = ri.payload_len;
	} else {
		assert_int_equal(info->media, RS_CLASS_VIDEO);
		if (r->conf.video_payload)
			assert_int_equal(ri.payload_len, r->conf.video_payload);
		else
			assert_in_range(ri.payload_len, 1, RS_GEN_VIDEO_PAYLOAD_MAX);
		if (s->packets) {
			/* a new timestamp only after a marked packet, and 90 kHz / 30 on */
			if (s->last_marker)
				assert_int_equal(ri.timestamp, s->last_ts + VIDEO_TS_STEP);
			else
				assert_int_equal(ri.timestamp, s->last_ts);
		}
		if (s->frame_packets == 0)
			s->frame_key = info->key_frame;
		assert_int_equal(info->key_frame, s->frame_key);
		s->frame_bytes += ri.payload_len;
		s->frame_packets++;
		if (ri.marker)
			end_video_frame(s);
	}
	s->last_seq = ri.seq;
	s->last_ts = ri.timestamp;
	s->last_marker = ri.marker;
	s->packets++;
	s->octets += ri.payload_len;
}

static void check_frame(struct run *r, const uint8_t *buf, size_t len,
			const struct rs_gen_info *info)
{
	struct rs_frame f;
	const struct rs_gen_channel *ch;
	const uint8_t *payload;
	struct seen *s;
	int fresh;

	assert_in_range(len, 60, RS_GEN_FRAME_MAX);
	assert_true(info->time_ns >= r->last_ns);
	r->last_ns = info->time_ns;
	r->frames++;
	if (info->is_arp) {
		check_arp(buf, len, info, r);
		assert_int_equal(info->payload_len, 0);
		r->arp++;
		return;
	}
	r->kind[info->kind]++;
	assert_int_equal(rs_parse_frame(buf, len, &f), RS_OK);
	assert_int_equal((size_t)f.l3_off + f.ip_len, len); /* no trailing bytes */
	assert_int_equal(f.vlan_count, 0);
	assert_memory_equal(buf, r->conf.dst_mac, 6);
	assert_memory_equal(buf + 6, r->conf.src_mac, 6);
	payload = buf + f.payload_off;
	assert_int_equal(rs_demux(payload, f.payload_len), info->kind);
	/* RTP: the payload after the 20-byte header with its extension */
	assert_int_equal(info->payload_len,
			 f.payload_len - (info->kind == RS_KIND_RTP ? RTP_HDR_WITH_EXT : 0));

	assert_true(info->channel < r->conf.n_channels);
	ch = &r->ch[info->channel];
	assert_int_equal(f.ip_version, ch->ip_version);
	assert_memory_equal(f.dst_addr, ch->dst_addr, ch->ip_version == 4 ? 4 : 16);
	assert_memory_equal(f.src_addr, ch->ip_version == 4 ? r->conf.src_addr : r->conf.src_addr6,
			    ch->ip_version == 4 ? 4 : 16);
	assert_int_equal(f.dst_port, ch->dst_port);
	if (f.ip_version == 4) {
		assert_int_equal(fold(sum16(0, buf + f.l3_off, 20)), 0xffff);
		assert_int_equal(buf[f.l3_off + 8], 64); /* TTL */
	}
	if (f.ip_version == 6 || r->conf.udp_checksum) {
		assert_int_not_equal(get16(buf + f.l4_off + 6), 0);
		if (udp_verify(buf, &f) != 0xffff)
			fail_msg("frame %u (%s): bad UDP checksum", r->frames,
				 rs_payload_kind_name(info->kind));
	} else {
		assert_int_equal(get16(buf + f.l4_off + 6), 0);
	}

	switch (info->kind) {
	case RS_KIND_RTP:
	case RS_KIND_RTCP:
		s = find_seen(r, info, &fresh);
		if (fresh) {
			s->stream = info->stream;
			s->channel = info->channel;
			s->media = info->media;
			s->src_port = f.src_port;
			s->ip_version = f.ip_version;
		}
		/* one stream, one 5-tuple, one class */
		assert_int_equal(s->stream, info->stream);
		assert_int_equal(s->channel, info->channel);
		assert_int_equal(s->media, info->media);
		assert_int_equal(s->src_port, f.src_port);
		if (info->kind == RS_KIND_RTP)
			check_rtp(r, payload, f.payload_len, info, s, fresh);
		else
			check_rtcp(r, payload, f.payload_len, info, s);
		break;
	case RS_KIND_STUN:
		assert_true(payload[0] <= 1);
		assert_int_equal(get32(payload + 4), 0x2112a442);
		assert_int_equal(get16(payload + 2) + 20, f.payload_len);
		assert_int_equal(info->ssrc, 0);
		assert_int_equal(info->media, RS_CLASS_OTHER);
		break;
	case RS_KIND_DTLS:
		assert_int_equal(payload[0], 22);
		assert_int_equal(get16(payload + 1), 0xfefd);
		assert_int_equal(get16(payload + 11) + 13, f.payload_len);
		assert_int_equal(info->ssrc, 0);
		break;
	default:
		fail_msg("frame %u: unexpected kind %s", r->frames,
			 rs_payload_kind_name(info->kind));
	}
}

/* Run until `frames` frames or `media_s` seconds of media, whichever first;
 * every byte after the frame must stay untouched. */
static void run_gen(struct run *r, unsigned frames, double media_s)
{
	enum rs_status st = RS_ERR_CRYPTO;
	struct rs_gen *g = rs_gen_new(&r->conf, &st);
	uint64_t limit = (uint64_t)(media_s * 1e9);
	static uint8_t buf[RS_GEN_FRAME_MAX + 64];
	struct rs_gen_info info;
	size_t len, k;
	unsigned i;

	assert_int_equal(st, RS_OK);
	assert_non_null(g);
	for (i = 0; i < frames; i++) {
		memset(buf, 0xa5, sizeof(buf));
		memset(&info, 0x5a, sizeof(info));
		len = rs_gen_next(g, buf, RS_GEN_FRAME_MAX, &info);
		assert_int_not_equal(len, 0);
		for (k = len; k < sizeof(buf); k++)
			if (buf[k] != 0xa5)
				fail_msg("frame %u: byte %zu written past the frame (%zu)", i, k,
					 len);
		if (info.time_ns >= limit)
			break;
		check_frame(r, buf, len, &info);
	}
	rs_gen_free(g);
}

static double share(unsigned part, unsigned whole)
{
	return whole ? (double)part / whole : 0;
}

/* ---- tests ---------------------------------------------------------------- */

/* Mixed IPv4/IPv6 channels, static and dynamic audio types, noise: every
 * frame passes check_frame; afterwards the per-stream totals. */
static void test_frames_parse_and_check(void **state)
{
	struct run *r = run_new();
	unsigned i, n_audio = 0, ports_ok = 1, j;
	const double media_s = 10.0;

	(void)state;
	add_v4(r, 2, 5004, 0, 96);
	add_v6(r, 3, 6000, 111, 97);
	add_v4(r, 4, 5006, 8, 100);
	r->conf.noise_permille = 20;
	run_gen(r, 1000000, media_s);

	assert_int_equal(r->n_seen, 12);
	for (i = 0; i < r->n_seen; i++) {
		const struct seen *s = &r->seen[i];

		n_audio += s->media == RS_CLASS_AUDIO;
		for (j = 0; j < i; j++)
			ports_ok &= r->seen[j].src_port != s->src_port;
		/* per-stream rates over 10 s of media: 50 audio packets, 30
		 * video frames and one SR per second */
		if (s->media == RS_CLASS_AUDIO)
			assert_in_range(s->packets, 499, 501);
		else
			assert_in_range(s->frames, 299, 301);
		assert_in_range(s->rtcp, 9, 11);
	}
	assert_true(ports_ok);
	assert_int_equal(n_audio, 8); /* 70 % of 12, rounded */
	assert_true(r->kind[RS_KIND_STUN] > 0);
	assert_true(r->kind[RS_KIND_DTLS] > 0);
	assert_true(r->arp > 0);
	free(r);
}

/* Video: packets of at most 1200 bytes, equal within a frame up to one
 * byte, marker on the last; a key frame (flagged, and independently at
 * least 3x the median frame) about every 2 s. */
static void test_video_frames(void **state)
{
	struct run *r = run_new();
	unsigned i, f, streams = 0;

	(void)state;
	add_v4(r, 2, 5004, 0, 96);
	add_v6(r, 3, 6000, 111, 98);
	r->conf.audio_share = 0;
	run_gen(r, 2000000, 20.0);

	for (i = 0; i < r->n_seen; i++) {
		struct seen *s = &r->seen[i];
		uint32_t sorted[MAX_FRAMES], median;
		unsigned n = s->frames < MAX_FRAMES ? s->frames : MAX_FRAMES, keys = 0, last = 0;

		assert_int_equal(s->media, RS_CLASS_VIDEO);
		streams++;
		assert_in_range(n, 590, 600);
		memcpy(sorted, s->frame_size, n * sizeof(sorted[0]));
		for (f = 1; f < n; f++) { /* insertion sort: n is small */
			uint32_t v = sorted[f];
			unsigned k = f;

			for (; k > 0 && sorted[k - 1] > v; k--)
				sorted[k] = sorted[k - 1];
			sorted[k] = v;
		}
		median = sorted[n / 2];
		assert_true(s->frame_is_key[0]); /* a stream starts with one */
		for (f = 0; f < n; f++) {
			int big = s->frame_size[f] >= 3 * median;

			if (big != s->frame_is_key[f])
				fail_msg("ssrc %08x frame %u: %u bytes (median %u) key flag %u",
					 s->ssrc, f, s->frame_size[f], median, s->frame_is_key[f]);
			if (!big) {
				assert_in_range(s->frame_size[f], 2000, 20000);
				continue;
			}
			if (f)
				assert_in_range(f - last, 50, 70); /* ~2 s at 30 fps */
			last = f;
			keys++;
		}
		assert_in_range(keys, 9, 12);
	}
	assert_int_equal(streams, 8);
	free(r);
}

/* RTCP on every stream about once a second (the SR checks run per frame);
 * with rtcp off, none. */
static void test_rtcp(void **state)
{
	struct run *r = run_new();
	unsigned i;

	(void)state;
	add_v4(r, 2, 5004, 0, 96);
	r->conf.streams_per_channel = 6;
	run_gen(r, 1000000, 5.0);
	assert_int_equal(r->n_seen, 6);
	for (i = 0; i < r->n_seen; i++)
		assert_in_range(r->seen[i].rtcp, 4, 6);
	assert_in_range(r->kind[RS_KIND_RTCP], 24, 36);
	free(r);

	r = run_new();
	add_v4(r, 2, 5004, 0, 96);
	r->conf.rtcp = 0;
	run_gen(r, 1000000, 3.0);
	assert_int_equal(r->kind[RS_KIND_RTCP], 0);
	assert_true(r->kind[RS_KIND_RTP] > 0);
	free(r);
}

/* noise_permille of the frames are noise, all three kinds. */
static void test_noise_share(void **state)
{
	static const unsigned permille[] = {0, 10, 100, 400};
	unsigned i, noise;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(permille); i++) {
		struct run *r = run_new();
		double want = permille[i] / 1000.0;

		add_v4(r, 2, 5004, 0, 96);
		add_v6(r, 3, 6000, 111, 97);
		r->conf.noise_permille = permille[i];
		r->conf.seed = 7 + i;
		run_gen(r, 40000, 1e6);
		assert_int_equal(r->frames, 40000);
		noise = r->kind[RS_KIND_STUN] + r->kind[RS_KIND_DTLS] + r->arp;
		if (share(noise, r->frames) < want * 0.85 - 0.001 ||
		    share(noise, r->frames) > want * 1.15 + 0.001)
			fail_msg("noise %u permille: got %u of %u frames", permille[i], noise,
				 r->frames);
		if (permille[i]) {
			assert_true(share(r->kind[RS_KIND_STUN], noise) > 0.2);
			assert_true(share(r->kind[RS_KIND_DTLS], noise) > 0.2);
			assert_true(share(r->arp, noise) > 0.2);
		}
		free(r);
	}
}

/* audio_share over 10 channels x 4 streams, and audio-only / video-only. */
static void test_audio_share(void **state)
{
	static const struct {
		unsigned share, want_audio;
	} cases[] = {{70, 28}, {0, 0}, {100, 40}, {50, 20}, {33, 13}};
	unsigned c, i, n;

	(void)state;
	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		struct run *r = run_new();

		for (i = 0; i < 10; i++)
			add_v4(r, (uint8_t)(2 + i), (uint16_t)(5004 + 2 * i), 0, 96);
		r->conf.audio_share = cases[c].share;
		run_gen(r, 1000000, 1.1);
		assert_int_equal(r->n_seen, 40);
		for (i = 0, n = 0; i < r->n_seen; i++)
			n += r->seen[i].media == RS_CLASS_AUDIO;
		if (n != cases[c].want_audio)
			fail_msg("audio_share %u: %u audio streams, want %u", cases[c].share, n,
				 cases[c].want_audio);
		free(r);
	}
}

/* IPv4 UDP checksums are 0 when off; IPv6 keeps them (check_frame). */
static void test_udp_checksum_off(void **state)
{
	struct run *r = run_new();

	(void)state;
	add_v4(r, 2, 5004, 0, 96);
	add_v6(r, 3, 6000, 111, 97);
	r->conf.udp_checksum = 0;
	r->conf.noise_permille = 50;
	run_gen(r, 20000, 1e6);
	assert_int_equal(r->frames, 20000);
	free(r);
}

/* IPv6 only, several channels. */
static void test_ipv6_channels(void **state)
{
	struct run *r = run_new();
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++)
		add_v6(r, (uint8_t)(10 + i), (uint16_t)(7000 + i), 111, 96);
	r->conf.noise_permille = 30;
	run_gen(r, 1000000, 3.0);
	assert_int_equal(r->n_seen, 16);
	for (i = 0; i < r->n_seen; i++)
		assert_int_equal(r->seen[i].ip_version, 6);
	assert_true(r->kind[RS_KIND_RTP] > 1000);
	free(r);
}

static struct rs_gen *gen_for(const struct rs_gen_channel *ch, unsigned n, uint64_t seed,
			      unsigned noise)
{
	struct rs_gen_conf conf;
	enum rs_status st;
	struct rs_gen *g;

	rs_gen_conf_init(&conf);
	conf.channels = ch;
	conf.n_channels = n;
	conf.seed = seed;
	conf.noise_permille = noise;
	g = rs_gen_new(&conf, &st);
	assert_int_equal(st, RS_OK);
	assert_non_null(g);
	return g;
}

static const struct rs_gen_channel two_channels[] = {
    {.ip_version = 4, .dst_addr = {10, 0, 0, 2}, .dst_port = 5004, .audio_pt = 0, .video_pt = 96},
    {.ip_version = 6,
     .dst_addr = {0xfd, [15] = 2},
     .dst_port = 5006,
     .audio_pt = 111,
     .video_pt = 97},
};

/* Same seed, same bytes and infos; another seed, other bytes. */
static void test_deterministic(void **state)
{
	struct rs_gen *a = gen_for(two_channels, 2, 42, 30);
	struct rs_gen *b = gen_for(two_channels, 2, 42, 30);
	struct rs_gen *c = gen_for(two_channels, 2, 43, 30);
	static uint8_t ba[RS_GEN_FRAME_MAX], bb[RS_GEN_FRAME_MAX], bc[RS_GEN_FRAME_MAX];
	struct rs_gen_info ia, ib, ic;
	unsigned i, differ = 0;
	size_t la, lb, lc;

	(void)state;
	for (i = 0; i < 30000; i++) {
		memset(&ia, 0, sizeof(ia));
		memset(&ib, 0, sizeof(ib));
		la = rs_gen_next(a, ba, sizeof(ba), &ia);
		lb = rs_gen_next(b, bb, sizeof(bb), &ib);
		lc = rs_gen_next(c, bc, sizeof(bc), &ic);
		assert_int_equal(la, lb);
		assert_memory_equal(ba, bb, la);
		assert_memory_equal(&ia, &ib, sizeof(ia));
		differ += la != lc || memcmp(ba, bc, la) != 0;
	}
	assert_true(differ > 29000);
	rs_gen_free(a);
	rs_gen_free(b);
	rs_gen_free(c);
}

/* A buffer too small returns 0 and consumes nothing: offered exactly the
 * frame's length (a heap block of that size, for ASan) after refusals,
 * the generator writes what an undisturbed twin writes. */
static void test_small_buffer(void **state)
{
	struct rs_gen *ref = gen_for(two_channels, 2, 5, 50);
	struct rs_gen *g = gen_for(two_channels, 2, 5, 50);
	static uint8_t want[RS_GEN_FRAME_MAX];
	struct rs_gen_info iw, ig;
	unsigned i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		size_t len = rs_gen_next(ref, want, sizeof(want), &iw);
		uint8_t *exact = malloc(len);

		assert_non_null(exact);
		assert_int_equal(rs_gen_next(g, exact, 0, &ig), 0);
		assert_int_equal(rs_gen_next(g, exact, len - 1, &ig), 0);
		assert_int_equal(rs_gen_next(g, exact, len / 2, NULL), 0);
		assert_int_equal(rs_gen_next(g, exact, len, &ig), len);
		assert_memory_equal(exact, want, len);
		assert_int_equal(ig.time_ns, iw.time_ns);
		free(exact);
	}
	rs_gen_free(ref);
	rs_gen_free(g);
}

/* A generator runs round and round its one-second schedule: hours of
 * media stay ordered, sequence numbers wrap. */
static void test_long_run(void **state)
{
	struct run *r = run_new();

	(void)state;
	add_v4(r, 2, 5004, 0, 96);
	r->conf.streams_per_channel = 1;
	r->conf.audio_share = 100;
	run_gen(r, 200000, 1e6); /* 4000 s: seq wraps at least twice */
	assert_int_equal(r->n_seen, 1);
	assert_int_equal(r->seen[0].packets, 200000 - r->seen[0].rtcp);
	assert_true(r->last_ns > 3900 * NS_PER_SEC);
	free(r);
}

/* Fixed sizes: every audio packet audio_payload bytes, every video packet
 * video_payload bytes (check_rtp), each frame whole packets of it, key
 * frames as before; the rest of the model unchanged. */
static void test_fixed_payloads(void **state)
{
	static const struct {
		unsigned audio, video;
	} sizes[] = {{160, 1200}, {1400, 1400}, {1, 20}, {13, 13}, {14, 0}, {0, 700}};
	unsigned c, i, f;

	(void)state;
	for (c = 0; c < ARRAY_SIZE(sizes); c++) {
		struct run *r = run_new();
		unsigned audio = 0, video = 0;

		add_v4(r, 2, 5004, 0, 96);
		add_v6(r, 3, 6000, 111, 97); /* 82-byte headers: 13 bytes make 95 */
		r->conf.audio_share = 50;
		r->conf.noise_permille = 10;
		r->conf.audio_payload = sizes[c].audio;
		r->conf.video_payload = sizes[c].video;
		run_gen(r, 400000, 2.5);
		assert_int_equal(r->n_seen, 8);
		for (i = 0; i < r->n_seen; i++) {
			const struct seen *s = &r->seen[i];
			unsigned keys = 0;

			if (s->media == RS_CLASS_AUDIO) {
				audio++;
				assert_in_range(s->packets, 120, 126); /* 50 per second */
				continue;
			}
			video++;
			assert_in_range(s->frames, 72, 76); /* 30 per second */
			for (f = 0; f < s->frames && f < MAX_FRAMES; f++) {
				keys += s->frame_is_key[f];
				if (sizes[c].video) {
					assert_int_equal(s->frame_size[f] % sizes[c].video, 0);
					assert_true(s->frame_size[f] >= 2000);
				}
			}
			assert_in_range(keys, 1, 3);
		}
		assert_int_equal(audio, 4);
		assert_int_equal(video, 4);
		free(r);
	}
}

/* A fixed audio size leaves the rest of the model as it was: the same
 * streams, sequence numbers, timestamps and media times, frame by frame. */
static void test_fixed_audio_same_model(void **state)
{
	static const struct rs_gen_channel ch = {
	    .ip_version = 4, .dst_addr = {10, 0, 0, 2}, .dst_port = 5004, .audio_pt = 0};
	static uint8_t ba[RS_GEN_FRAME_MAX], bb[RS_GEN_FRAME_MAX];
	struct rs_gen_conf conf;
	struct rs_gen *a, *b;
	struct rs_gen_info ia, ib;
	enum rs_status st;
	unsigned i;

	(void)state;
	rs_gen_conf_init(&conf);
	conf.channels = &ch;
	conf.n_channels = 1;
	conf.audio_share = 100;
	a = rs_gen_new(&conf, &st);
	conf.audio_payload = 33;
	b = rs_gen_new(&conf, &st);
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < 5000; i++) {
		size_t la = rs_gen_next(a, ba, sizeof(ba), &ia);
		size_t lb = rs_gen_next(b, bb, sizeof(bb), &ib);

		assert_int_equal(ia.kind, ib.kind);
		assert_int_equal(ia.ssrc, ib.ssrc);
		assert_int_equal(ia.time_ns, ib.time_ns);
		if (ia.kind != RS_KIND_RTP) {
			assert_int_equal(la, lb);
			continue;
		}
		assert_int_equal(ib.payload_len, 33);
		assert_int_equal(lb, la - ia.payload_len + 33);
		assert_memory_equal(ba + 42, bb + 42, 8); /* RTP header: seq, ts */
	}
	rs_gen_free(a);
	rs_gen_free(b);
}

enum bad_field {
	BAD_N_CHANNELS,
	BAD_CHANNELS_NULL,
	BAD_IP_VERSION,
	BAD_DST_PORT,
	BAD_AUDIO_PT,
	BAD_VIDEO_PT,
	BAD_AUDIO_SHARE,
	BAD_NOISE,
	BAD_PORT_BASE,
	BAD_STREAMS,
	BAD_AUDIO_PAYLOAD,
	BAD_VIDEO_PAYLOAD,
};

static void spoil(struct rs_gen_conf *conf, struct rs_gen_channel *ch, enum bad_field field,
		  unsigned value)
{
	switch (field) {
	case BAD_N_CHANNELS:
		conf->n_channels = value;
		break;
	case BAD_CHANNELS_NULL:
		conf->channels = NULL;
		break;
	case BAD_IP_VERSION:
		ch->ip_version = (uint8_t)value;
		break;
	case BAD_DST_PORT:
		ch->dst_port = (uint16_t)value;
		break;
	case BAD_AUDIO_PT:
		ch->audio_pt = (uint8_t)value;
		break;
	case BAD_VIDEO_PT:
		ch->video_pt = (uint8_t)value;
		break;
	case BAD_AUDIO_SHARE:
		conf->audio_share = value;
		break;
	case BAD_NOISE:
		conf->noise_permille = value;
		break;
	case BAD_PORT_BASE:
		conf->src_port_base = (uint16_t)value;
		break;
	case BAD_STREAMS:
		conf->streams_per_channel = value;
		break;
	case BAD_AUDIO_PAYLOAD:
		conf->audio_payload = value;
		break;
	case BAD_VIDEO_PAYLOAD:
		conf->video_payload = value;
		break;
	}
}

static void test_bad_conf(void **state)
{
	static const struct {
		const char *name;
		enum bad_field field;
		unsigned value;
	} cases[] = {
	    {"no channels", BAD_N_CHANNELS, 0},
	    {"channels NULL", BAD_CHANNELS_NULL, 0},
	    {"ip version 5", BAD_IP_VERSION, 5},
	    {"ip version 0", BAD_IP_VERSION, 0},
	    {"port 0", BAD_DST_PORT, 0},
	    {"audio pt 128", BAD_AUDIO_PT, 128},
	    {"audio pt 72 (reads as RTCP)", BAD_AUDIO_PT, 72},
	    {"video pt 64 (reads as RTCP)", BAD_VIDEO_PT, 64},
	    {"video pt 95 (reads as RTCP)", BAD_VIDEO_PT, 95},
	    {"audio share 101", BAD_AUDIO_SHARE, 101},
	    {"noise 1000", BAD_NOISE, 1000},
	    {"port base 0", BAD_PORT_BASE, 0},
	    {"source ports run out", BAD_STREAMS, 20000},
	    {"audio payload 1401", BAD_AUDIO_PAYLOAD, RS_GEN_PAYLOAD_FIXED_MAX + 1},
	    {"video payload 1401", BAD_VIDEO_PAYLOAD, RS_GEN_PAYLOAD_FIXED_MAX + 1},
	    {"video payload huge", BAD_VIDEO_PAYLOAD, 0xffffffffu},
	};
	const struct rs_gen_channel ok = two_channels[0];
	struct rs_gen_conf conf;
	struct rs_gen_channel ch;
	enum rs_status st;
	unsigned i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		rs_gen_conf_init(&conf);
		ch = ok;
		conf.channels = &ch;
		conf.n_channels = 1;
		spoil(&conf, &ch, cases[i].field, cases[i].value);
		st = RS_OK;
		if (rs_gen_new(&conf, &st) != NULL || st != RS_ERR_INVALID_ARG)
			fail_msg("%s: accepted (status %s)", cases[i].name, rs_status_name(st));
	}
	st = RS_OK;
	assert_null(rs_gen_new(NULL, &st));
	assert_int_equal(st, RS_ERR_INVALID_ARG);
	assert_null(rs_gen_new(NULL, NULL));
	/* the edges that are allowed */
	rs_gen_conf_init(&conf);
	ch = ok;
	ch.audio_pt = 63;
	ch.video_pt = 127;
	conf.channels = &ch;
	conf.n_channels = 1;
	conf.noise_permille = 999;
	conf.streams_per_channel = 0; /* default 4 */
	conf.audio_payload = RS_GEN_PAYLOAD_FIXED_MAX;
	conf.video_payload = RS_GEN_PAYLOAD_FIXED_MAX;
	{
		struct rs_gen *g = rs_gen_new(&conf, &st);

		assert_non_null(g);
		assert_int_equal(rs_gen_stream_count(g), 4);
		rs_gen_free(g);
	}
	rs_gen_free(NULL);
	assert_int_equal(rs_gen_next(NULL, (uint8_t[64]){0}, 64, NULL), 0);
	assert_int_equal(rs_gen_stream_count(NULL), 0);
}

static void test_conf_defaults(void **state)
{
	static const uint8_t src_mac[6] = {2, 0, 0, 0, 0, 1}, dst_mac[6] = {2, 0, 0, 0, 0, 2};
	static const uint8_t src4[4] = {10, 0, 0, 1}, src6[16] = {0xfd, [15] = 1};
	struct rs_gen_conf conf;

	(void)state;
	memset(&conf, 0x77, sizeof(conf));
	rs_gen_conf_init(&conf);
	assert_null(conf.channels);
	assert_int_equal(conf.n_channels, 0);
	assert_int_equal(conf.streams_per_channel, 4);
	assert_int_equal(conf.audio_share, 70);
	assert_int_equal(conf.rtcp, 1);
	assert_int_equal(conf.noise_permille, 0);
	assert_int_equal(conf.udp_checksum, 1);
	assert_int_equal(conf.audio_payload, 0);
	assert_int_equal(conf.video_payload, 0);
	assert_memory_equal(conf.src_mac, src_mac, 6);
	assert_memory_equal(conf.dst_mac, dst_mac, 6);
	assert_memory_equal(conf.src_addr, src4, 4);
	assert_memory_equal(conf.src_addr6, src6, 16);
	assert_int_equal(conf.src_port_base, 40000);
	rs_gen_conf_init(NULL);
}

/* The documented pattern, every length up to a few words; a changed byte,
 * SSRC or sequence number fails the check. */
static void test_payload_pattern(void **state)
{
	uint8_t buf[48];
	size_t len, j;

	(void)state;
	for (len = 0; len <= sizeof(buf); len++) {
		rs_gen_payload_fill(buf, len, 0xcafef00d, 65535);
		for (j = 0; j < len; j++)
			assert_int_equal(buf[j], pattern_byte(0xcafef00d, 65535, j));
		assert_true(rs_gen_payload_check(buf, len, 0xcafef00d, 65535));
		if (len == 0)
			continue;
		assert_false(rs_gen_payload_check(buf, len, 0xcafef00d, 0));
		assert_false(rs_gen_payload_check(buf, len, 0xcafef00c, 65535));
		buf[len - 1] ^= 1;
		assert_false(rs_gen_payload_check(buf, len, 0xcafef00d, 65535));
	}
	assert_true(rs_gen_payload_check(NULL, 0, 1, 1));
	assert_false(rs_gen_payload_check(NULL, 4, 1, 1));
	rs_gen_payload_fill(NULL, 4, 1, 1); /* tolerated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_frames_parse_and_check),
	    cmocka_unit_test(test_video_frames),
	    cmocka_unit_test(test_rtcp),
	    cmocka_unit_test(test_noise_share),
	    cmocka_unit_test(test_audio_share),
	    cmocka_unit_test(test_udp_checksum_off),
	    cmocka_unit_test(test_ipv6_channels),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_small_buffer),
	    cmocka_unit_test(test_long_run),
	    cmocka_unit_test(test_fixed_payloads),
	    cmocka_unit_test(test_fixed_audio_same_model),
	    cmocka_unit_test(test_bad_conf),
	    cmocka_unit_test(test_conf_defaults),
	    cmocka_unit_test(test_payload_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
