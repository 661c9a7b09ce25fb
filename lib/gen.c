/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RTP traffic model behind the built-in generator and rtpseal-gen.
 *
 * Audio sends every 20 ms, video 30 times a second and RTCP once a second,
 * so one second of media repeats the same pattern of send times. rs_gen_new
 * lays that second out once as a sorted array of events (time within the
 * second, stream, RTP or RTCP) from random per-stream phases; rs_gen_next
 * walks it round and round, so ordering the streams costs nothing per
 * packet. A video event expands into the packets of one frame, sent back to
 * back. Each stream keeps a prebuilt header template (Ethernet to RTP header
 * extension) and the partial checksums of its constant fields; a frame is
 * that template, a few patched fields and a payload pattern.
 *
 * The UDP checksum of an RTP packet is never read back from the frame:
 * the template's sum, the patched fields and the payload words are added
 * up in registers as they are written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_gen.h"
#include "rs_gen_internal.h"

enum {
	ETH_HDR_LEN = 14,
	IPV4_HDR_LEN = 20,
	IPV6_HDR_LEN = 40,
	UDP_HDR_LEN = 8,
	RTP_EXT_LEN = 8,    /* 0xBEDE, one word of one-byte elements */
	ARP_FRAME_LEN = 60, /* 42 bytes padded to Ethernet's minimum */
	STUN_LEN = 40,	    /* header, PRIORITY, ICE-CONTROLLED */
	DTLS_LEN = 67,	    /* record header, handshake header, ClientHello */
	TMPL_MAX = 96,	    /* Ethernet + IPv6 + UDP + RTP + extension = 82 */
	RTCP_MAX = 64,	    /* SR (28) + SDES with a CNAME of up to 23 bytes */
	IP_PROTO_UDP = 17,
	ETHERTYPE_ARP = 0x0806,
	DSCP_EF = 46 << 2,   /* audio: expedited forwarding */
	DSCP_AF41 = 34 << 2, /* video: assured forwarding 41 */
	RTCP_SR = 200,
	RTCP_SDES = 202,
	SDES_CNAME = 1,
	EXT_ID_AUDIO_LEVEL = 1, /* RFC 6464 */
	EXT_ID_TWCC = 3,	/* transport-wide congestion control sequence */
	AUDIO_CLOCK_STATIC = 8000,
	AUDIO_CLOCK_DYNAMIC = 48000,
	VIDEO_CLOCK = 90000,
	AUDIO_PER_SEC = 50, /* 20 ms ptime */
	VIDEO_FPS = 30,
	PT_DYNAMIC_MIN = 96,
	PT_RTCP_CLASH_MIN = 64, /* RFC 5761 section 4 */
	PT_RTCP_CLASH_MAX = 95,
	/* video frame sizes: a per-stream mean, each frame 0.6..1.4 of it
	 * within the P-frame bounds, key frames 5..10 times the mean about
	 * every 2 s (54..66 frames) */
	VIDEO_MEAN_MIN = 3000,
	VIDEO_MEAN_SPAN = 7001,
	VIDEO_FRAME_MIN = 2000,
	VIDEO_FRAME_MAX = 20000,
	KEY_INTERVAL_MIN = 54,
	KEY_INTERVAL_SPAN = 13,
	DEFAULT_STREAMS = 4,
	DEFAULT_AUDIO_SHARE = 70,
	DEFAULT_PORT_BASE = 40000,
	NOISE_KINDS = 3,
};

#define NS_PER_SEC	1000000000ull
#define AUDIO_PERIOD_NS (NS_PER_SEC / AUDIO_PER_SEC)
#define NTP_UNIX_OFFSET 2208988800ull /* 1900-01-01 to 1970-01-01 in seconds */
#define STUN_COOKIE	0x2112a442u
#define EVENT_RTCP	1u

/* What rs_gen_next emits next, decided before the buffer is checked. */
enum pending { PEND_NONE = 0, PEND_MEDIA, PEND_STUN, PEND_DTLS, PEND_ARP };

struct stream {
	/* per packet: template and the fields patched into it */
	uint8_t tmpl[TMPL_MAX]; /* Ethernet .. RTP header extension */
	uint16_t hdr_len;	/* template bytes: up to the RTP payload */
	uint16_t udp_off;	/* UDP header */
	uint8_t ip_version;
	uint8_t media; /* enum rs_media_class */
	uint8_t pt;
	uint8_t udp_csum; /* compute the UDP checksum */
	uint16_t seq;
	uint16_t ip_id;
	uint32_t ts;
	uint32_t ssrc;
	uint32_t ts_step;
	uint16_t audio_len;
	uint8_t key_frame; /* the frame being sent is a key frame */
	uint8_t rtcp_len;
	/* unfolded checksum sums of the constant fields (variable ones 0) */
	uint64_t ip_sum;     /* IPv4 header */
	uint64_t pseudo_sum; /* addresses and protocol of the pseudo-header */
	uint64_t rtp_sum;    /* pseudo-header, UDP, RTP header and extension */
	uint32_t packets;    /* SR sender's packet count */
	uint32_t octets;     /* SR sender's octet count (RTP payload bytes) */
	/* per frame or per second */
	uint32_t mean_frame;	/* video: mean P-frame size */
	uint32_t frames_to_key; /* video: frames until the next key frame */
	uint32_t clock;		/* RTP clock rate */
	uint32_t ts0;		/* timestamp of the first packet ... */
	uint64_t t0_ns;		/* ... sent at this media time */
	unsigned channel;
	uint8_t rtcp[RTCP_MAX]; /* SR + SDES with the constant fields filled */
};

struct rs_gen {
	struct stream *streams;
	unsigned n_streams;
	unsigned n_channels;
	struct rs_gen_channel *channels;
	/* one second of events, (offset in ns << 32 | stream << 1 | rtcp),
	 * sorted: walked round and round */
	uint64_t *events;
	size_t n_events;
	size_t ev_next;
	uint64_t cycle_ns; /* media time at which the current round started */
	uint64_t now_ns;   /* time of the current event */
	uint64_t rng;
	unsigned noise_permille;
	unsigned video_payload; /* fixed video packet payload; 0: the model */
	/* the event being sent: a video frame is burst_total packets, the
	 * first burst_extra of them one byte longer than burst_size */
	unsigned cur_stream;
	unsigned cur_rtcp;
	unsigned burst_left;
	unsigned burst_total;
	unsigned burst_size;
	unsigned burst_extra;
	/* decided but not yet written */
	enum pending pend;
	unsigned pend_index; /* stream (STUN, DTLS) or channel (ARP) */
	size_t pend_len;
	uint64_t dtls_seq;
	uint8_t src_mac[6];
	uint8_t src_ip4[4];
};

/* --- payload pattern --------------------------------------------------- */

/* The helpers and the pattern itself are in rs_gen_internal.h, shared with
 * the spread model (lib/gen_spread.c). */

void rs_gen_payload_fill(uint8_t *payload, size_t len, uint32_t ssrc, uint16_t seq)
{
	if (payload)
		(void)pattern_fill_sum(payload, len, ssrc, seq);
}

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

int rs_gen_payload_check(const uint8_t *payload, size_t len, uint32_t ssrc, uint16_t seq)
{
	uint64_t w = pattern_seed(ssrc, seq);
	size_t i, j;

	if (!payload && len)
		return 0;
	for (i = 0; i + 8 <= len; i += 8, w += GOLDEN_GAMMA)
		if (load_le64(payload + i) != w)
			return 0;
	for (j = 0; i + j < len; j++)
		if (payload[i + j] != (uint8_t)(w >> (8 * j)))
			return 0;
	return 1;
}

/* --- setup ------------------------------------------------------------ */

void rs_gen_conf_init(struct rs_gen_conf *conf)
{
	static const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	static const uint8_t dst_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
	static const uint8_t src4[4] = {10, 0, 0, 1};
	static const uint8_t src6[16] = {0xfd, [15] = 1};

	if (!conf)
		return;
	memset(conf, 0, sizeof(*conf));
	conf->streams_per_channel = DEFAULT_STREAMS;
	conf->audio_share = DEFAULT_AUDIO_SHARE;
	conf->rtcp = 1;
	conf->udp_checksum = 1;
	conf->seed = 1;
	memcpy(conf->src_mac, src_mac, 6);
	memcpy(conf->dst_mac, dst_mac, 6);
	memcpy(conf->src_addr, src4, 4);
	memcpy(conf->src_addr6, src6, 16);
	conf->src_port_base = DEFAULT_PORT_BASE;
}

static int pt_ok(uint8_t pt)
{
	return pt <= 127 && (pt < PT_RTCP_CLASH_MIN || pt > PT_RTCP_CLASH_MAX);
}

static int conf_ok(const struct rs_gen_conf *conf, unsigned spc)
{
	uint64_t streams;
	unsigned i;

	if (!conf->channels || conf->n_channels == 0 || conf->audio_share > 100 ||
	    conf->noise_permille >= 1000 || conf->audio_payload > RS_GEN_PAYLOAD_FIXED_MAX ||
	    conf->video_payload > RS_GEN_PAYLOAD_FIXED_MAX)
		return 0;
	for (i = 0; i < conf->n_channels; i++) {
		const struct rs_gen_channel *ch = &conf->channels[i];

		if ((ch->ip_version != 4 && ch->ip_version != 6) || ch->dst_port == 0 ||
		    !pt_ok(ch->audio_pt) || !pt_ok(ch->video_pt))
			return 0;
	}
	streams = (uint64_t)conf->n_channels * spc;
	return conf->src_port_base != 0 && conf->src_port_base + 2 * (streams - 1) <= UINT16_MAX;
}

/* Ethernet, IP and UDP of a stream's frames, and the RTP header with its
 * one-word extension; lengths and checksums stay 0 until each packet. */
static void build_template(struct stream *s, const struct rs_gen_conf *conf,
			   const struct rs_gen_channel *ch, uint16_t src_port, uint32_t flow)
{
	uint8_t *p = s->tmpl;
	uint8_t tos = s->media == RS_CLASS_AUDIO ? DSCP_EF : DSCP_AF41;
	uint8_t *udp, *rtp;

	memcpy(p, conf->dst_mac, 6);
	memcpy(p + 6, conf->src_mac, 6);
	s->ip_version = ch->ip_version;
	if (ch->ip_version == 4) {
		uint8_t *ip = p + ETH_HDR_LEN;

		store_be16(p + 12, RS_ETHERTYPE_IPV4);
		ip[0] = 0x45;
		ip[1] = tos;
		store_be16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = IP_PROTO_UDP;
		memcpy(ip + 12, conf->src_addr, 4);
		memcpy(ip + 16, ch->dst_addr, 4);
		s->udp_off = ETH_HDR_LEN + IPV4_HDR_LEN;
		s->ip_sum = csum_add(0, ip, IPV4_HDR_LEN);
		s->pseudo_sum = csum_add(0, ip + 12, 8);
		s->udp_csum = conf->udp_checksum != 0;
	} else {
		uint8_t *ip = p + ETH_HDR_LEN;

		store_be16(p + 12, RS_ETHERTYPE_IPV6);
		store_be32(ip, 6u << 28 | (uint32_t)tos << 20 | (flow & 0xfffff));
		ip[6] = IP_PROTO_UDP;
		ip[7] = 64;
		memcpy(ip + 8, conf->src_addr6, 16);
		memcpy(ip + 24, ch->dst_addr, 16);
		s->udp_off = ETH_HDR_LEN + IPV6_HDR_LEN;
		s->pseudo_sum = csum_add(0, ip + 8, 32);
		s->udp_csum = 1; /* mandatory over IPv6 (RFC 8200 section 8.1) */
	}
	s->pseudo_sum += IP_PROTO_UDP;
	udp = p + s->udp_off;
	store_be16(udp, src_port);
	store_be16(udp + 2, ch->dst_port);
	rtp = udp + UDP_HDR_LEN;
	rtp[0] = 0x90; /* V=2, X=1 */
	rtp[1] = s->pt;
	store_be32(rtp + 8, s->ssrc);
	rtp[12] = 0xbe; /* RFC 8285 one-byte elements */
	rtp[13] = 0xde;
	store_be16(rtp + 14, 1);
	if (s->media == RS_CLASS_AUDIO)
		rtp[16] = EXT_ID_AUDIO_LEVEL << 4; /* one byte of data */
	else
		rtp[16] = EXT_ID_TWCC << 4 | 1; /* two bytes of data */
	s->hdr_len = (uint16_t)(s->udp_off + UDP_HDR_LEN + RS_RTP_HDR_LEN + RTP_EXT_LEN);
	s->rtp_sum = csum_add(s->pseudo_sum, udp, (size_t)(s->hdr_len - s->udp_off));
}

/* SR with an empty report list, then SDES with the stream's CNAME. The
 * NTP and RTP timestamps and the counts are filled when it is sent. */
static void build_rtcp(struct stream *s)
{
	uint8_t *p = s->rtcp;
	char cname[24];
	size_t n = (size_t)snprintf(cname, sizeof(cname), "rtpseal-gen-%u", s->channel);
	size_t chunk = (4 + 2 + n + 1 + 3) & ~(size_t)3; /* at least one null octet */
	size_t sdes = 4 + chunk;

	memset(p, 0, RTCP_MAX);
	p[0] = 0x80;
	p[1] = RTCP_SR;
	store_be16(p + 2, 6);
	store_be32(p + 4, s->ssrc);
	p[28] = 0x81; /* SC = 1 */
	p[29] = RTCP_SDES;
	store_be16(p + 30, (uint16_t)(sdes / 4 - 1));
	store_be32(p + 32, s->ssrc);
	p[36] = SDES_CNAME;
	p[37] = (uint8_t)n;
	memcpy(p + 38, cname, n);
	s->rtcp_len = (uint8_t)(28 + sdes);
}

/* Stream j of all: audio when the running count of audio streams, spread
 * evenly (Bresenham), steps at j. */
static int stream_is_audio(unsigned j, unsigned n, unsigned n_audio)
{
	return (uint64_t)(j + 1) * n_audio / n > (uint64_t)j * n_audio / n;
}

static void init_stream(struct rs_gen *g, struct stream *s, const struct rs_gen_conf *conf,
			unsigned j, uint32_t ssrc_key, int audio)
{
	const struct rs_gen_channel *ch = &g->channels[s->channel];

	s->ssrc = perm32(j + ssrc_key);
	s->seq = (uint16_t)rng_next(&g->rng);
	s->ts = s->ts0 = (uint32_t)rng_next(&g->rng);
	s->ip_id = (uint16_t)rng_next(&g->rng);
	if (audio) {
		s->media = RS_CLASS_AUDIO;
		s->pt = ch->audio_pt;
		s->clock = ch->audio_pt < PT_DYNAMIC_MIN ? AUDIO_CLOCK_STATIC : AUDIO_CLOCK_DYNAMIC;
		s->ts_step = s->clock / AUDIO_PER_SEC;
		/* drawn even when fixed: the other draws stay those of the model */
		s->audio_len = (uint16_t)(RS_GEN_AUDIO_PAYLOAD_MIN +
					  rng_below(&g->rng, RS_GEN_AUDIO_PAYLOAD_MAX -
								 RS_GEN_AUDIO_PAYLOAD_MIN + 1));
		if (conf->audio_payload)
			s->audio_len = (uint16_t)conf->audio_payload;
	} else {
		s->media = RS_CLASS_VIDEO;
		s->pt = ch->video_pt;
		s->clock = VIDEO_CLOCK;
		s->ts_step = VIDEO_CLOCK / VIDEO_FPS;
		s->mean_frame = VIDEO_MEAN_MIN + rng_below(&g->rng, VIDEO_MEAN_SPAN);
		s->frames_to_key = 0; /* a stream starts with a key frame */
	}
	build_template(s, conf, ch, (uint16_t)(conf->src_port_base + 2 * j),
		       (uint32_t)rng_next(&g->rng));
	build_rtcp(s);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t event(uint64_t offset_ns, unsigned stream, unsigned rtcp)
{
	return offset_ns << 32 | (uint64_t)stream << 1 | rtcp;
}

/* One second of sends: each stream's packets at its random phase plus
 * multiples of its period, its SR at a random point after its first. */
static size_t schedule_stream(struct rs_gen *g, struct stream *s, unsigned j, int rtcp,
			      uint64_t *ev)
{
	uint64_t period = s->media == RS_CLASS_AUDIO ? AUDIO_PERIOD_NS : NS_PER_SEC / VIDEO_FPS;
	unsigned per_sec = s->media == RS_CLASS_AUDIO ? AUDIO_PER_SEC : VIDEO_FPS;
	uint64_t phase = rng_below(&g->rng, (uint32_t)period);
	size_t n = 0;
	unsigned k;

	s->t0_ns = phase;
	for (k = 0; k < per_sec; k++)
		ev[n++] = event(phase + k * NS_PER_SEC / per_sec, j, 0);
	if (rtcp)
		ev[n++] = event(phase + rng_below(&g->rng, (uint32_t)(NS_PER_SEC - phase)), j,
				EVENT_RTCP);
	return n;
}

struct rs_gen *rs_gen_new(const struct rs_gen_conf *conf, enum rs_status *err)
{
	struct rs_gen *g = NULL;
	unsigned spc, n_audio, j;
	size_t max_events, n = 0;
	uint32_t ssrc_key;

	if (!conf)
		goto invalid;
	spc = conf->streams_per_channel ? conf->streams_per_channel : DEFAULT_STREAMS;
	if (!conf_ok(conf, spc))
		goto invalid;
	g = calloc(1, sizeof(*g));
	if (!g)
		goto nomem;
	g->n_channels = conf->n_channels;
	g->n_streams = conf->n_channels * spc;
	g->noise_permille = conf->noise_permille;
	g->video_payload = conf->video_payload;
	g->rng = conf->seed;
	memcpy(g->src_mac, conf->src_mac, 6);
	memcpy(g->src_ip4, conf->src_addr, 4);
	max_events = (size_t)g->n_streams * (AUDIO_PER_SEC + 1);
	g->channels = calloc(conf->n_channels, sizeof(*g->channels));
	g->streams = calloc(g->n_streams, sizeof(*g->streams));
	g->events = calloc(max_events, sizeof(*g->events));
	if (!g->channels || !g->streams || !g->events)
		goto nomem;
	memcpy(g->channels, conf->channels, conf->n_channels * sizeof(*g->channels));

	n_audio = (unsigned)(((uint64_t)g->n_streams * conf->audio_share + 50) / 100);
	ssrc_key = (uint32_t)rng_next(&g->rng);
	for (j = 0; j < g->n_streams; j++) {
		struct stream *s = &g->streams[j];

		s->channel = j / spc;
		init_stream(g, s, conf, j, ssrc_key, stream_is_audio(j, g->n_streams, n_audio));
		n += schedule_stream(g, s, j, conf->rtcp != 0, g->events + n);
	}
	g->n_events = n;
	qsort(g->events, n, sizeof(*g->events), cmp_u64);
	if (err)
		*err = RS_OK;
	return g;

invalid:
	if (err)
		*err = RS_ERR_INVALID_ARG;
	return NULL;
nomem:
	rs_gen_free(g);
	if (err)
		*err = RS_ERR_NOMEM;
	return NULL;
}

void rs_gen_free(struct rs_gen *g)
{
	if (!g)
		return;
	free(g->events);
	free(g->streams);
	free(g->channels);
	free(g);
}

unsigned rs_gen_stream_count(const struct rs_gen *g)
{
	return g ? g->n_streams : 0;
}

/* --- per frame -------------------------------------------------------- */

/* Size of the next video frame; counts down to the next key frame. */
static uint32_t video_frame_size(struct rs_gen *g, struct stream *s)
{
	uint32_t size;

	if (s->frames_to_key == 0) {
		s->frames_to_key = KEY_INTERVAL_MIN + rng_below(&g->rng, KEY_INTERVAL_SPAN);
		s->key_frame = 1;
		return s->mean_frame * (500 + rng_below(&g->rng, 501)) / 100;
	}
	s->frames_to_key--;
	s->key_frame = 0;
	size = s->mean_frame * (60 + rng_below(&g->rng, 81)) / 100;
	if (size < VIDEO_FRAME_MIN)
		size = VIDEO_FRAME_MIN;
	if (size > VIDEO_FRAME_MAX)
		size = VIDEO_FRAME_MAX;
	return size;
}

/* Take the next event of the schedule: one audio packet, one SR, or the
 * equal-sized packets of one video frame. */
static void next_event(struct rs_gen *g)
{
	uint64_t ev = g->events[g->ev_next];
	struct stream *s;

	g->now_ns = g->cycle_ns + (ev >> 32);
	if (++g->ev_next == g->n_events) {
		g->ev_next = 0;
		g->cycle_ns += NS_PER_SEC;
	}
	g->cur_stream = (uint32_t)ev >> 1;
	g->cur_rtcp = ev & EVENT_RTCP;
	s = &g->streams[g->cur_stream];
	if (g->cur_rtcp || s->media == RS_CLASS_AUDIO) {
		g->burst_total = 1;
		g->burst_size = s->audio_len;
		g->burst_extra = 0;
	} else if (g->video_payload) {
		uint32_t size = video_frame_size(g, s);

		g->burst_total = (size + g->video_payload - 1) / g->video_payload;
		g->burst_size = g->video_payload;
		g->burst_extra = 0;
	} else {
		uint32_t size = video_frame_size(g, s);

		g->burst_total = (size + RS_GEN_VIDEO_PAYLOAD_MAX - 1) / RS_GEN_VIDEO_PAYLOAD_MAX;
		g->burst_size = size / g->burst_total;
		g->burst_extra = size % g->burst_total;
	}
	g->burst_left = g->burst_total;
}

static size_t media_len(const struct rs_gen *g)
{
	const struct stream *s = &g->streams[g->cur_stream];
	unsigned index = g->burst_total - g->burst_left;

	if (g->cur_rtcp)
		return (size_t)s->udp_off + UDP_HDR_LEN + s->rtcp_len;
	return (size_t)s->hdr_len + g->burst_size + (index < g->burst_extra);
}

/* Decide what the next frame is and how long, drawing whatever random
 * numbers that takes; writing it draws no more for media. */
static void prepare(struct rs_gen *g)
{
	if (g->noise_permille && rng_below(&g->rng, 1000) < g->noise_permille) {
		unsigned kind = rng_below(&g->rng, NOISE_KINDS);

		if (kind == 2) {
			g->pend = PEND_ARP;
			g->pend_index = rng_below(&g->rng, g->n_channels);
			g->pend_len = ARP_FRAME_LEN;
			return;
		}
		g->pend = kind == 0 ? PEND_STUN : PEND_DTLS;
		g->pend_index = rng_below(&g->rng, g->n_streams);
		g->pend_len = (size_t)g->streams[g->pend_index].udp_off + UDP_HDR_LEN +
			      (kind == 0 ? STUN_LEN : DTLS_LEN);
		return;
	}
	if (g->burst_left == 0)
		next_event(g);
	g->pend = PEND_MEDIA;
	g->pend_len = media_len(g);
}

/* IP and UDP lengths, IPv4 id and checksum over a template copy. */
static void finish_ip(struct stream *s, uint8_t *buf, uint16_t ulen)
{
	uint8_t *ip = buf + ETH_HDR_LEN;

	if (s->ip_version == 4) {
		uint16_t tot = (uint16_t)(IPV4_HDR_LEN + ulen);

		store_be16(ip + 2, tot);
		store_be16(ip + 4, s->ip_id);
		store_be16(ip + 10, csum_final(s->ip_sum + tot + s->ip_id));
		s->ip_id++;
	} else {
		store_be16(ip + 4, ulen);
	}
	store_be16(buf + s->udp_off + 4, ulen);
}

/* A UDP datagram other than RTP: the checksum from the written bytes. */
static void finish_udp(struct stream *s, uint8_t *buf, size_t payload_len)
{
	uint8_t *udp = buf + s->udp_off;
	uint16_t ulen = (uint16_t)(UDP_HDR_LEN + payload_len);

	finish_ip(s, buf, ulen);
	if (s->udp_csum)
		store_udp_csum(udp, csum_add(s->pseudo_sum + ulen, udp, ulen));
}

/* An RTP frame is nearly always longer than the template, so it is copied
 * whole (a fixed-size copy) and the payload overwrites the excess; only a
 * small fixed payload makes a frame shorter, and then just the header is
 * copied. The checksum is the template's sum plus the fields patched in
 * and the payload's. */
static void write_rtp(struct rs_gen *g, struct stream *s, uint8_t *buf, size_t len)
{
	uint8_t *rtp = buf + s->udp_off + UDP_HDR_LEN;
	size_t payload = len - s->hdr_len;
	uint16_t ulen = (uint16_t)(len - s->udp_off);
	unsigned marker = s->media == RS_CLASS_VIDEO && g->burst_left == 1;
	uint64_t sum;
	uint16_t ext;

	if (__builtin_expect(len >= TMPL_MAX, 1))
		memcpy(buf, s->tmpl, TMPL_MAX);
	else
		memcpy(buf, s->tmpl, s->hdr_len);
	rtp[1] = (uint8_t)(marker << 7 | s->pt);
	store_be16(rtp + 2, s->seq);
	store_be32(rtp + 4, s->ts);
	if (s->media == RS_CLASS_AUDIO) {
		ext = (uint16_t)(s->seq * 7u & 0x7f); /* V=0, a wandering level */
		rtp[17] = (uint8_t)ext;
	} else {
		ext = (uint16_t)s->packets; /* transport-wide sequence number */
		store_be16(rtp + 17, ext);
		rtp[19] = 0;
	}
	sum = pattern_fill_sum(rtp + RS_RTP_HDR_LEN + RTP_EXT_LEN, payload, s->ssrc, s->seq);
	finish_ip(s, buf, ulen);
	if (s->udp_csum) {
		/* the ext word(s): audio 0x10 | level; video 0x31 | hi, lo | 0 */
		sum +=
		    s->media == RS_CLASS_AUDIO ? ext : (uint32_t)(ext >> 8) + (ext & 0xffu) * 256;
		sum += s->rtp_sum + 2u * ulen + marker * 0x80u + s->seq + (s->ts >> 16) +
		       (s->ts & 0xffff);
		store_udp_csum(rtp - UDP_HDR_LEN, sum);
	}
	s->seq++;
	s->packets++;
	s->octets += (uint32_t)payload;
	if (g->burst_left == 1)
		s->ts += s->ts_step;
}

/* RTP timestamp for media time t: the clock counted from the first packet,
 * rounded (video frame times are whole nanoseconds, 1/30 s is not). */
static uint32_t rtp_time(const struct stream *s, uint64_t t)
{
	uint64_t d = t - s->t0_ns;

	return s->ts0 + (uint32_t)(d / NS_PER_SEC * s->clock +
				   (d % NS_PER_SEC * s->clock + NS_PER_SEC / 2) / NS_PER_SEC);
}

static void write_rtcp(struct rs_gen *g, struct stream *s, uint8_t *buf)
{
	uint8_t *p = buf + s->udp_off + UDP_HDR_LEN;
	uint64_t t = g->now_ns;
	uint64_t frac = ((t % NS_PER_SEC) << 32) / NS_PER_SEC;

	memcpy(buf, s->tmpl, (size_t)s->udp_off + UDP_HDR_LEN);
	memcpy(p, s->rtcp, s->rtcp_len);
	store_be32(p + 8, (uint32_t)(NTP_UNIX_OFFSET + RS_GEN_EPOCH_UNIX + t / NS_PER_SEC));
	store_be32(p + 12, (uint32_t)frac);
	store_be32(p + 16, rtp_time(s, t));
	store_be32(p + 20, s->packets);
	store_be32(p + 24, s->octets);
	finish_udp(s, buf, s->rtcp_len);
}

static void put_random(struct rs_gen *g, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rng_next(&g->rng);
}

/* An ICE connectivity check: Binding request, PRIORITY, ICE-CONTROLLED. */
static void write_stun(struct rs_gen *g, struct stream *s, uint8_t *buf)
{
	uint8_t *p = buf + s->udp_off + UDP_HDR_LEN;

	memcpy(buf, s->tmpl, (size_t)s->udp_off + UDP_HDR_LEN);
	store_be16(p, 0x0001);
	store_be16(p + 2, STUN_LEN - 20);
	store_be32(p + 4, STUN_COOKIE);
	put_random(g, p + 8, 12); /* transaction ID */
	store_be16(p + 20, 0x0024);
	store_be16(p + 22, 4);
	store_be32(p + 24, 0x6e7f00ff); /* host candidate priority */
	store_be16(p + 28, 0x8029);
	store_be16(p + 30, 8);
	put_random(g, p + 32, 8); /* tie-breaker */
	finish_udp(s, buf, STUN_LEN);
}

/* A DTLS 1.2 record holding a minimal ClientHello. */
static void write_dtls(struct rs_gen *g, struct stream *s, uint8_t *buf)
{
	static const uint8_t tail[] = {0x00, 0x00, 0x00, 0x02, 0xc0, 0x2b, 0x01, 0x00};
	uint8_t *p = buf + s->udp_off + UDP_HDR_LEN;
	uint64_t seq = g->dtls_seq++;
	const unsigned body = DTLS_LEN - 13 - 12;

	memcpy(buf, s->tmpl, (size_t)s->udp_off + UDP_HDR_LEN);
	p[0] = 22; /* handshake */
	store_be16(p + 1, 0xfefd);
	store_be16(p + 3, 0); /* epoch */
	store_be16(p + 5, (uint16_t)(seq >> 32));
	store_be32(p + 7, (uint32_t)seq);
	store_be16(p + 11, DTLS_LEN - 13);
	p[13] = 1; /* ClientHello */
	p[14] = 0;
	store_be16(p + 15, body);
	store_be16(p + 17, 0); /* message_seq */
	memset(p + 19, 0, 3);  /* fragment_offset */
	p[22] = 0;
	store_be16(p + 23, body); /* fragment_length */
	store_be16(p + 25, 0xfefd);
	put_random(g, p + 27, 32);
	memcpy(p + 59, tail, sizeof(tail)); /* ids, one suite, no compression */
	finish_udp(s, buf, DTLS_LEN);
}

/* who-has the channel's address (IPv4), else the .254 of the source's /24 */
static void write_arp(struct rs_gen *g, unsigned channel, uint8_t *buf)
{
	const struct rs_gen_channel *ch = &g->channels[channel];
	uint8_t *a = buf + ETH_HDR_LEN;

	memset(buf, 0, ARP_FRAME_LEN);
	memset(buf, 0xff, 6);
	memcpy(buf + 6, g->src_mac, 6);
	store_be16(buf + 12, ETHERTYPE_ARP);
	store_be16(a, 1); /* Ethernet */
	store_be16(a + 2, RS_ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	store_be16(a + 6, 1); /* request */
	memcpy(a + 8, g->src_mac, 6);
	memcpy(a + 14, g->src_ip4, 4);
	if (ch->ip_version == 4) {
		memcpy(a + 24, ch->dst_addr, 4);
	} else {
		memcpy(a + 24, g->src_ip4, 3);
		a[27] = 254;
	}
}

static void media_info(const struct rs_gen *g, const struct stream *s, size_t len,
		       struct rs_gen_info *info)
{
	info->kind = g->cur_rtcp ? RS_KIND_RTCP : RS_KIND_RTP;
	info->is_arp = 0;
	info->media = s->media;
	info->key_frame = s->media == RS_CLASS_VIDEO && !g->cur_rtcp && s->key_frame;
	info->channel = s->channel;
	info->stream = g->cur_stream;
	info->ssrc = s->ssrc;
	info->time_ns = g->now_ns;
	info->payload_len = (uint32_t)(g->cur_rtcp ? s->rtcp_len : len - s->hdr_len);
}

static void noise_info(const struct rs_gen *g, struct rs_gen_info *info)
{
	const struct stream *s = &g->streams[g->pend_index];

	memset(info, 0, sizeof(*info));
	info->media = RS_CLASS_OTHER;
	info->time_ns = g->now_ns;
	if (g->pend == PEND_ARP) {
		info->kind = RS_KIND_OTHER;
		info->is_arp = 1;
		info->channel = g->pend_index;
		return;
	}
	info->kind = g->pend == PEND_STUN ? RS_KIND_STUN : RS_KIND_DTLS;
	info->payload_len = g->pend == PEND_STUN ? STUN_LEN : DTLS_LEN;
	info->channel = s->channel;
	info->stream = g->pend_index;
}

size_t rs_gen_next(struct rs_gen *g, uint8_t *buf, size_t cap, struct rs_gen_info *info)
{
	size_t len;

	if (!g || !buf)
		return 0;
	if (g->pend == PEND_NONE)
		prepare(g);
	len = g->pend_len;
	if (len > cap)
		return 0;
	if (g->pend == PEND_MEDIA) {
		struct stream *s = &g->streams[g->cur_stream];

		if (info)
			media_info(g, s, len, info);
		if (g->cur_rtcp)
			write_rtcp(g, s, buf);
		else
			write_rtp(g, s, buf, len);
		g->burst_left--;
	} else {
		if (info)
			noise_info(g, info);
		if (g->pend == PEND_ARP)
			write_arp(g, g->pend_index, buf);
		else if (g->pend == PEND_STUN)
			write_stun(g, &g->streams[g->pend_index], buf);
		else
			write_dtls(g, &g->streams[g->pend_index], buf);
	}
	g->pend = PEND_NONE;
	return len;
}
