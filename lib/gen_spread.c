/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Spread traffic (rs_gen_spread.h): one header template for every stream,
 * the per-stream fields computed from the stream number, a packet count per
 * stream. The payload pattern, checksum and random-number helpers are
 * lib/gen.c's, shared through rs_gen_internal.h.
 */
#include <stdlib.h>
#include <string.h>

#include "rs_gen_internal.h"
#include "rs_gen_spread.h"

enum {
	ETH_HDR_LEN = 14,
	IPV4_HDR_LEN = 20,
	UDP_HDR_LEN = 8,
	RTP_EXT_LEN = 8,
	HDR_LEN = ETH_HDR_LEN + IPV4_HDR_LEN + UDP_HDR_LEN + RS_RTP_HDR_LEN + RTP_EXT_LEN,
	UDP_OFF = ETH_HDR_LEN + IPV4_HDR_LEN,
	RTP_OFF = UDP_OFF + UDP_HDR_LEN,
	IP_PROTO_UDP = 17,
	DSCP_EF = 46 << 2,
	EXT_ID_AUDIO_LEVEL = 1,
	TS_STEP = 160,
	DEFAULT_PAYLOAD = 160,
	DEFAULT_PORT_BASE = 40000,
};

struct rs_gen_spread {
	uint8_t tmpl[HDR_LEN];
	unsigned n_channels;
	unsigned spc;
	unsigned n_streams;
	unsigned payload_len;
	unsigned udp_checksum;
	unsigned n_ports; /* distinct source ports */
	uint16_t port_base;
	uint16_t ip_id;
	uint32_t ssrc_key;
	uint64_t stream_key;
	uint64_t rng;
	/* first pass: stream perm_a * k + perm_b (mod n_streams), k = 0.. */
	uint64_t perm_a, perm_b, first_left, k;
	uint64_t sent;
	uint32_t *count; /* packets sent per stream */
};

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

void rs_gen_spread_conf_init(struct rs_gen_spread_conf *conf)
{
	static const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	static const uint8_t dst_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
	static const uint8_t src4[4] = {10, 0, 0, 1};

	memset(conf, 0, sizeof(*conf));
	conf->n_channels = 1;
	conf->streams_per_channel = 4;
	conf->payload_len = DEFAULT_PAYLOAD;
	conf->udp_checksum = 1;
	conf->seed = 1;
	memcpy(conf->src_mac, src_mac, 6);
	memcpy(conf->dst_mac, dst_mac, 6);
	memcpy(conf->src_addr, src4, 4);
	conf->src_port_base = DEFAULT_PORT_BASE;
}

void rs_gen_spread_addr(unsigned i, uint8_t addr[4])
{
	addr[0] = 10;
	addr[1] = (uint8_t)(64 + i / 65536);
	addr[2] = (uint8_t)(i / 256 % 256);
	addr[3] = (uint8_t)(i % 256);
}

struct rs_gen_spread *rs_gen_spread_new(const struct rs_gen_spread_conf *conf, enum rs_status *err)
{
	struct rs_gen_spread *g;
	uint64_t n;
	uint8_t *p, *ip, *udp, *rtp;

	if (!conf || !conf->n_channels || conf->n_channels > RS_GEN_SPREAD_CHANNELS_MAX ||
	    !conf->streams_per_channel || conf->payload_len > RS_GEN_PAYLOAD_FIXED_MAX ||
	    conf->pt > 127 || (conf->pt >= 64 && conf->pt <= 95) || !conf->src_port_base ||
	    (uint64_t)conf->n_channels * conf->streams_per_channel > RS_GEN_SPREAD_STREAMS_MAX) {
		if (err)
			*err = RS_ERR_INVALID_ARG;
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	n = (uint64_t)conf->n_channels * conf->streams_per_channel;
	if (g)
		g->count = calloc(n, sizeof(*g->count));
	if (!g || !g->count) {
		rs_gen_spread_free(g);
		if (err)
			*err = RS_ERR_NOMEM;
		return NULL;
	}
	g->n_channels = conf->n_channels;
	g->spc = conf->streams_per_channel;
	g->n_streams = (unsigned)n;
	g->payload_len = conf->payload_len ? conf->payload_len : DEFAULT_PAYLOAD;
	g->udp_checksum = conf->udp_checksum != 0;
	g->port_base = conf->src_port_base;
	g->n_ports = (65536u - conf->src_port_base) / 2;
	if (!g->n_ports)
		g->n_ports = 1;
	g->rng = conf->seed;
	g->ssrc_key = (uint32_t)rng_next(&g->rng);
	g->stream_key = rng_next(&g->rng);
	/* an affine bijection of 0..n-1: a coprime to n */
	g->perm_a = n > 1 ? rng_next(&g->rng) % n : 1;
	while (gcd64(g->perm_a, n) != 1)
		g->perm_a = (g->perm_a + 1) % n;
	g->perm_b = rng_next(&g->rng) % n;
	g->first_left = n;

	p = g->tmpl;
	memcpy(p, conf->dst_mac, 6);
	memcpy(p + 6, conf->src_mac, 6);
	store_be16(p + 12, RS_ETHERTYPE_IPV4);
	ip = p + ETH_HDR_LEN;
	ip[0] = 0x45;
	ip[1] = DSCP_EF;
	store_be16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IP_PROTO_UDP;
	memcpy(ip + 12, conf->src_addr, 4);
	udp = p + UDP_OFF;
	store_be16(udp + 2, RS_GEN_SPREAD_PORT);
	rtp = p + RTP_OFF;
	rtp[0] = 0x90; /* V=2, X=1 */
	rtp[1] = conf->pt;
	rtp[12] = 0xbe;
	rtp[13] = 0xde;
	store_be16(rtp + 14, 1);
	rtp[16] = EXT_ID_AUDIO_LEVEL << 4;
	if (err)
		*err = RS_OK;
	return g;
}

void rs_gen_spread_free(struct rs_gen_spread *g)
{
	if (!g)
		return;
	free(g->count);
	free(g);
}

unsigned rs_gen_spread_stream_count(const struct rs_gen_spread *g)
{
	return g ? g->n_streams : 0;
}

size_t rs_gen_spread_bytes(const struct rs_gen_spread *g)
{
	return g ? sizeof(*g) + (size_t)g->n_streams * sizeof(*g->count) : 0;
}

size_t rs_gen_spread_next(struct rs_gen_spread *g, uint8_t *buf, size_t cap,
			  struct rs_gen_info *info)
{
	uint8_t *ip, *udp, *rtp;
	uint32_t j, n, ssrc, ts;
	uint16_t seq, ulen, tot, port;
	uint64_t h, sum;
	unsigned ch;
	size_t len;

	if (!g || !buf)
		return 0;
	len = (size_t)HDR_LEN + g->payload_len;
	if (cap < len)
		return 0;
	ip = buf + ETH_HDR_LEN;
	udp = buf + UDP_OFF;
	rtp = buf + RTP_OFF;
	if (g->first_left) {
		j = (uint32_t)((g->perm_a * g->k + g->perm_b) % g->n_streams);
		g->k++;
		g->first_left--;
	} else {
		j = rng_below(&g->rng, g->n_streams);
	}
	ch = j / g->spc;
	n = g->count[j]++;
	h = mix64(j ^ g->stream_key);
	ssrc = perm32(j + g->ssrc_key);
	seq = (uint16_t)((uint16_t)h + n);
	ts = (uint32_t)(h >> 16) + n * TS_STEP;
	port = (uint16_t)(g->port_base + 2 * (j % g->n_ports));
	ulen = (uint16_t)(len - UDP_OFF);
	tot = (uint16_t)(len - ETH_HDR_LEN);

	memcpy(buf, g->tmpl, HDR_LEN);
	rs_gen_spread_addr(ch, ip + 16);
	store_be16(ip + 2, tot);
	store_be16(ip + 4, g->ip_id++);
	store_be16(ip + 10, csum_final(csum_add(0, ip, IPV4_HDR_LEN)));
	store_be16(udp, port);
	store_be16(udp + 4, ulen);
	store_be16(rtp + 2, seq);
	store_be32(rtp + 4, ts);
	store_be32(rtp + 8, ssrc);
	rtp[17] = (uint8_t)(seq * 7u & 0x7f); /* a wandering audio level */
	sum = pattern_fill_sum(rtp + RS_RTP_HDR_LEN + RTP_EXT_LEN, g->payload_len, ssrc, seq);
	if (g->udp_checksum) {
		sum = csum_add(sum, ip + 12, 8) + IP_PROTO_UDP + ulen;
		sum = csum_add(sum, udp, UDP_HDR_LEN + RS_RTP_HDR_LEN + RTP_EXT_LEN);
		store_udp_csum(udp, sum);
	}
	if (info) {
		memset(info, 0, sizeof(*info));
		info->kind = RS_KIND_RTP;
		info->media = RS_CLASS_AUDIO;
		info->channel = ch;
		info->stream = j;
		info->ssrc = ssrc;
		info->payload_len = g->payload_len;
		/* as if every stream sent every 20 ms */
		info->time_ns = g->sent * 20000000ull / g->n_streams;
	}
	g->sent++;
	return len;
}
