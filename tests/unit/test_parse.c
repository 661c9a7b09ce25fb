/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tables for lib/parse.c: good frames and their offsets, malformed frames
 * and RTP/RTCP headers each with its own status, every header cut at every
 * length, and the RFC 7983 demux over every first and second byte. Each
 * input is parsed from a heap copy of exactly its length, so an over-read
 * by one byte is an AddressSanitizer error in the SAN=1 build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs_parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define EXPECT_EQ(name, got, want)                                                                 \
	do {                                                                                       \
		unsigned long got_ = (unsigned long)(got), want_ = (unsigned long)(want);          \
		if (got_ != want_)                                                                 \
			fail_msg("%s: %s = %lu, want %lu", (name), #got, got_, want_);             \
	} while (0)

static void expect_status(const char *name, size_t len, enum rs_status got, enum rs_status want)
{
	if (got != want)
		fail_msg("%s (length %zu): got %s, want %s", name, len, rs_status_name(got),
			 rs_status_name(want));
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* A copy with no slack after it: reading buf[len] trips ASan. */
static uint8_t *dup_exact(const uint8_t *src, size_t len)
{
	uint8_t *copy = calloc(1, len);

	if (!copy && len)
		fail_msg("out of memory");
	if (len)
		memcpy(copy, src, len);
	return copy;
}

static enum rs_status parse_frame_exact(const uint8_t *frame, size_t len, struct rs_frame *f)
{
	uint8_t *copy = dup_exact(frame, len);
	enum rs_status st = rs_parse_frame(copy, len, f);

	free(copy);
	return st;
}

static enum rs_status rtp_parse_exact(const uint8_t *pkt, size_t len, int check_padding,
				      struct rs_rtp_info *info)
{
	uint8_t *copy = dup_exact(pkt, len);
	enum rs_status st = rs_rtp_parse(copy, len, check_padding, info);

	free(copy);
	return st;
}

static enum rs_status rtcp_parse_exact(const uint8_t *pkt, size_t len, struct rs_rtcp_info *info)
{
	uint8_t *copy = dup_exact(pkt, len);
	enum rs_status st = rs_rtcp_parse(copy, len, info);

	free(copy);
	return st;
}

static enum rs_payload_kind demux_exact(const uint8_t *pkt, size_t len)
{
	uint8_t *copy = dup_exact(pkt, len);
	enum rs_payload_kind kind = rs_demux(copy, len);

	free(copy);
	return kind;
}

/* ---- frame builder ---------------------------------------------------- */

enum {
	FRAME_MAX = 256,
	SRC_PORT = 49170,
	DST_PORT = 5004,
	TCI_OUTER = 0x20c8, /* priority 1, VLAN 200 */
	TCI_INNER = 0x0064, /* VLAN 100 */
	RTP_SEQ = 0x1234,
};

#define RTP_TS	 0xdeadbeefu
#define RTP_SSRC 0xcafef00du

/* RTP, marker set, PT 96, then 20 bytes of media: the UDP payload of every
 * base frame except the empty one. */
static const uint8_t media[32] = {
    0x80, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xf0, 0x0d, 0x00, 0x01, 0x02, 0x03,
    0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
};

static const uint8_t macs[12] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
				 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t v4_src[4] = {192, 0, 2, 1};
static const uint8_t v4_dst[4] = {198, 51, 100, 7};
static const uint8_t v6_src[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x01};
static const uint8_t v6_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};
/* Router alert, NOPs, end of list: 12 bytes, IHL 8. */
static const uint8_t v4_options[12] = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01,
				       0x01, 0x01, 0x01, 0x01, 0x01, 0x00};

enum base_id {
	B_V4,	    /* IPv4, no tag */
	B_V4_OPT,   /* IPv4 with 12 bytes of options */
	B_V4_VLAN,  /* one 0x8100 tag */
	B_V4_QINQ,  /* 0x88a8 outer, 0x8100 inner */
	B_V4_VV,    /* 0x8100 twice */
	B_V4_EMPTY, /* IPv4, empty UDP payload */
	B_V6,
	B_V6_VLAN,
	B_V6_QINQ,
	B_COUNT
};

struct base_spec {
	const char *name;
	uint8_t ip_version;
	uint8_t vlans;
	uint16_t tpid[2];
	uint8_t opt_len;
	uint8_t empty;
};

static const struct base_spec bases[B_COUNT] = {
    [B_V4] = {.name = "IPv4", .ip_version = 4},
    [B_V4_OPT] = {.name = "IPv4 options", .ip_version = 4, .opt_len = sizeof(v4_options)},
    [B_V4_VLAN] = {.name = "IPv4 VLAN", .ip_version = 4, .vlans = 1, .tpid = {RS_ETHERTYPE_VLAN}},
    [B_V4_QINQ] = {.name = "IPv4 QinQ",
		   .ip_version = 4,
		   .vlans = 2,
		   .tpid = {RS_ETHERTYPE_QINQ, RS_ETHERTYPE_VLAN}},
    [B_V4_VV] = {.name = "IPv4 8100/8100",
		 .ip_version = 4,
		 .vlans = 2,
		 .tpid = {RS_ETHERTYPE_VLAN, RS_ETHERTYPE_VLAN}},
    [B_V4_EMPTY] = {.name = "IPv4 empty", .ip_version = 4, .empty = 1},
    [B_V6] = {.name = "IPv6", .ip_version = 6},
    [B_V6_VLAN] = {.name = "IPv6 VLAN", .ip_version = 6, .vlans = 1, .tpid = {RS_ETHERTYPE_VLAN}},
    [B_V6_QINQ] = {.name = "IPv6 QinQ",
		   .ip_version = 6,
		   .vlans = 2,
		   .tpid = {RS_ETHERTYPE_QINQ, RS_ETHERTYPE_VLAN}},
};

struct layout {
	size_t l3, l4, pay, len;
};

static size_t put_eth(uint8_t *p, const struct base_spec *b)
{
	static const uint16_t tci[2] = {TCI_OUTER, TCI_INNER};
	size_t off = 12;
	unsigned i;

	memcpy(p, macs, sizeof(macs));
	for (i = 0; i < b->vlans; i++, off += 4) {
		put16(p + off, b->tpid[i]);
		put16(p + off + 2, tci[i]);
	}
	put16(p + off, b->ip_version == 4 ? RS_ETHERTYPE_IPV4 : RS_ETHERTYPE_IPV6);
	return off + 2;
}

static size_t put_ipv4(uint8_t *p, const struct base_spec *b, size_t udp_len)
{
	size_t ihl = 20 + b->opt_len;

	p[0] = (uint8_t)(0x40 | ihl / 4);
	p[1] = 0xb8; /* DSCP EF */
	put16(p + 2, (unsigned)(ihl + udp_len));
	put16(p + 4, 0x1c46);
	put16(p + 6, 0x4000); /* DF: not a fragment */
	p[8] = 64;
	p[9] = 17;
	put16(p + 10, 0);
	memcpy(p + 12, v4_src, 4);
	memcpy(p + 16, v4_dst, 4);
	memcpy(p + 20, v4_options, b->opt_len);
	return ihl;
}

static size_t put_ipv6(uint8_t *p, size_t udp_len)
{
	p[0] = 0x6b; /* traffic class and flow label, so the nibble matters */
	p[1] = 0x81;
	put16(p + 2, 0x2345);
	put16(p + 4, (unsigned)udp_len);
	p[6] = 17;
	p[7] = 64;
	memcpy(p + 8, v6_src, 16);
	memcpy(p + 24, v6_dst, 16);
	return 40;
}

static size_t build_frame(enum base_id id, uint8_t *buf, struct layout *lay)
{
	const struct base_spec *b = &bases[id];
	size_t pay_len = b->empty ? 0 : sizeof(media);
	size_t udp_len = 8 + pay_len;

	memset(buf, 0, FRAME_MAX);
	lay->l3 = put_eth(buf, b);
	if (b->ip_version == 4)
		lay->l4 = lay->l3 + put_ipv4(buf + lay->l3, b, udp_len);
	else
		lay->l4 = lay->l3 + put_ipv6(buf + lay->l3, udp_len);
	put16(buf + lay->l4, SRC_PORT);
	put16(buf + lay->l4 + 2, DST_PORT);
	put16(buf + lay->l4 + 4, (unsigned)udp_len);
	put16(buf + lay->l4 + 6, 0);
	lay->pay = lay->l4 + 8;
	memcpy(buf + lay->pay, media, pay_len);
	lay->len = lay->pay + pay_len;
	return lay->len;
}

/* A patch sets (or adds to) one 8- or 16-bit field, at an offset from the
 * start of a layer of the built frame. */
enum at { AT_NONE, AT_ETH, AT_L3, AT_L4, AT_PAY };

struct patch {
	uint8_t at;
	uint8_t off;
	uint8_t width;
	uint8_t add;
	int32_t val;
};

#define SET8(a, o, v)                                                                              \
	{                                                                                          \
		.at = (a), .off = (o), .width = 1, .val = (v)                                      \
	}
#define SET16(a, o, v)                                                                             \
	{                                                                                          \
		.at = (a), .off = (o), .width = 2, .val = (v)                                      \
	}
#define ADD16(a, o, v)                                                                             \
	{                                                                                          \
		.at = (a), .off = (o), .width = 2, .add = 1, .val = (v)                            \
	}

/* Frame length as an offset from a layer; AT_NONE keeps the whole frame. */
struct cut {
	uint8_t at;
	uint8_t off;
};

static size_t layer_start(const struct layout *lay, uint8_t at)
{
	switch (at) {
	case AT_L3:
		return lay->l3;
	case AT_L4:
		return lay->l4;
	case AT_PAY:
		return lay->pay;
	default:
		return 0;
	}
}

static void apply_patch(uint8_t *buf, const struct layout *lay, const struct patch *p)
{
	uint8_t *q = buf + layer_start(lay, p->at) + p->off;
	int32_t v;

	if (p->at == AT_NONE)
		return;
	if (p->width == 1) {
		v = p->add ? q[0] + p->val : p->val;
		q[0] = (uint8_t)v;
	} else {
		v = p->add ? (int32_t)get16(q) + p->val : p->val;
		put16(q, (unsigned)v);
	}
}

static size_t apply_cut(const struct layout *lay, const struct cut *c)
{
	if (c->at == AT_NONE)
		return lay->len;
	return layer_start(lay, c->at) + c->off;
}

/* ---- good frames -------------------------------------------------------- */

struct good_frame {
	const char *name;
	enum base_id base;
	uint8_t pad; /* Ethernet padding bytes after the IP datagram */
	struct patch patch;
	uint16_t l3, l4, payload_off, payload_len, ip_len;
	uint8_t ip_version, vlan_count;
	uint16_t tci[2];
};

static const struct good_frame good_frames[] = {
    {"IPv4", B_V4, 0, {0}, 14, 34, 42, 32, 60, 4, 0, {0}},
    {"IPv4 with no flags", B_V4, 0, SET16(AT_L3, 6, 0), 14, 34, 42, 32, 60, 4, 0, {0}},
    {"IPv4 with 12 bytes of options", B_V4_OPT, 0, {0}, 14, 46, 54, 32, 72, 4, 0, {0}},
    {"IPv4 with options and padding", B_V4_OPT, 7, {0}, 14, 46, 54, 32, 72, 4, 0, {0}},
    {"IPv4 one VLAN tag", B_V4_VLAN, 0, {0}, 18, 38, 46, 32, 60, 4, 1, {TCI_OUTER}},
    {"IPv4 QinQ 88a8/8100", B_V4_QINQ, 0, {0}, 22, 42, 50, 32, 60, 4, 2, {TCI_OUTER, TCI_INNER}},
    {"IPv4 double 8100", B_V4_VV, 0, {0}, 22, 42, 50, 32, 60, 4, 2, {TCI_OUTER, TCI_INNER}},
    {"IPv4 empty UDP payload, padded to 60", B_V4_EMPTY, 18, {0}, 14, 34, 42, 0, 28, 4, 0, {0}},
    {"IPv6", B_V6, 0, {0}, 14, 54, 62, 32, 80, 6, 0, {0}},
    {"IPv6 with padding", B_V6, 5, {0}, 14, 54, 62, 32, 80, 6, 0, {0}},
    {"IPv6 one VLAN tag", B_V6_VLAN, 0, {0}, 18, 58, 66, 32, 80, 6, 1, {TCI_OUTER}},
    {"IPv6 QinQ", B_V6_QINQ, 0, {0}, 22, 62, 70, 32, 80, 6, 2, {TCI_OUTER, TCI_INNER}},
};

static void check_addresses(const struct good_frame *c, const struct rs_frame *f)
{
	static const uint8_t zero[16];
	const uint8_t *src = c->ip_version == 4 ? v4_src : v6_src;
	const uint8_t *dst = c->ip_version == 4 ? v4_dst : v6_dst;
	size_t n = c->ip_version == 4 ? 4 : 16;

	if (memcmp(f->src_addr, src, n) || memcmp(f->dst_addr, dst, n))
		fail_msg("%s: addresses differ", c->name);
	if (memcmp(f->src_addr + n, zero, 16 - n) || memcmp(f->dst_addr + n, zero, 16 - n))
		fail_msg("%s: address tail not zero", c->name);
}

/* The payload the frame carried reads back as the RTP it was built from. */
static void check_media(const struct good_frame *c, const uint8_t *frame, const struct rs_frame *f)
{
	const uint8_t *pay = frame + f->payload_off;
	struct rs_rtp_info rtp;

	if (f->payload_len == 0) {
		EXPECT_EQ(c->name, rs_demux(pay, 0), RS_KIND_OTHER);
		return;
	}
	EXPECT_EQ(c->name, rs_demux(pay, f->payload_len), RS_KIND_RTP);
	expect_status(c->name, f->payload_len, rs_rtp_parse(pay, f->payload_len, 1, &rtp), RS_OK);
	EXPECT_EQ(c->name, rtp.seq, RTP_SEQ);
	EXPECT_EQ(c->name, rtp.timestamp, RTP_TS);
	EXPECT_EQ(c->name, rtp.ssrc, RTP_SSRC);
	EXPECT_EQ(c->name, rtp.pt, 96);
	EXPECT_EQ(c->name, rtp.marker, 1);
	EXPECT_EQ(c->name, rtp.payload_len, 20);
}

static void check_good_frame(const struct good_frame *c)
{
	uint8_t buf[FRAME_MAX];
	struct layout lay;
	struct rs_frame f;
	size_t len = build_frame(c->base, buf, &lay) + c->pad;

	apply_patch(buf, &lay, &c->patch);
	expect_status(c->name, len, parse_frame_exact(buf, len, &f), RS_OK);
	EXPECT_EQ(c->name, f.l3_off, c->l3);
	EXPECT_EQ(c->name, f.l4_off, c->l4);
	EXPECT_EQ(c->name, f.payload_off, c->payload_off);
	EXPECT_EQ(c->name, f.payload_len, c->payload_len);
	EXPECT_EQ(c->name, f.ip_len, c->ip_len);
	EXPECT_EQ(c->name, f.ip_version, c->ip_version);
	EXPECT_EQ(c->name, f.vlan_count, c->vlan_count);
	EXPECT_EQ(c->name, f.vlan_tci[0], c->tci[0]);
	EXPECT_EQ(c->name, f.vlan_tci[1], c->tci[1]);
	EXPECT_EQ(c->name, f.src_port, SRC_PORT);
	EXPECT_EQ(c->name, f.dst_port, DST_PORT);
	check_addresses(c, &f);
	check_media(c, buf, &f);
}

static void test_good_frames(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good_frames); i++)
		check_good_frame(&good_frames[i]);
}

/* ---- malformed frames --------------------------------------------------- */

struct bad_frame {
	const char *name;
	enum base_id base;
	struct patch patch[2];
	struct cut cut;
	enum rs_status want;
};

#define NO_CUT                                                                                     \
	{                                                                                          \
		AT_NONE, 0                                                                         \
	}

static const struct bad_frame bad_frames[] = {
    /* Ethernet and VLAN */
    {"empty frame", B_V4, {{0}}, {AT_ETH, 0}, RS_ERR_ETH_TRUNC},
    {"13-byte frame", B_V4, {{0}}, {AT_ETH, 13}, RS_ERR_ETH_TRUNC},
    {"ARP EtherType", B_V4, {SET16(AT_ETH, 12, 0x0806)}, NO_CUT, RS_ERR_NOT_IP},
    {"LLDP EtherType", B_V4, {SET16(AT_ETH, 12, 0x88cc)}, NO_CUT, RS_ERR_NOT_IP},
    {"ARP inside a VLAN tag", B_V4_VLAN, {SET16(AT_ETH, 16, 0x0806)}, NO_CUT, RS_ERR_NOT_IP},
    {"ARP inside QinQ", B_V4_QINQ, {SET16(AT_ETH, 20, 0x0806)}, NO_CUT, RS_ERR_NOT_IP},
    {"VLAN tag cut short", B_V4_VLAN, {{0}}, {AT_ETH, 16}, RS_ERR_VLAN_TRUNC},
    {"three tags (third 8100)", B_V4_QINQ, {SET16(AT_ETH, 20, 0x8100)}, NO_CUT, RS_ERR_VLAN_DEPTH},
    {"three tags (third 88a8)", B_V4_VV, {SET16(AT_ETH, 20, 0x88a8)}, NO_CUT, RS_ERR_VLAN_DEPTH},
    {"3 tags, cut at 3rd", B_V4_QINQ, {SET16(AT_ETH, 20, 0x8100)}, {AT_ETH, 22}, RS_ERR_VLAN_DEPTH},
    /* IPv4 header */
    {"IPv4 EtherType, version 6", B_V4, {SET8(AT_L3, 0, 0x65)}, NO_CUT, RS_ERR_IPV4_VERSION},
    {"IPv4 version 0", B_V4, {SET8(AT_L3, 0, 0x05)}, NO_CUT, RS_ERR_IPV4_VERSION},
    {"IPv4 in VLAN, version 5", B_V4_VLAN, {SET8(AT_L3, 0, 0x55)}, NO_CUT, RS_ERR_IPV4_VERSION},
    {"IPv4 IHL 0", B_V4, {SET8(AT_L3, 0, 0x40)}, NO_CUT, RS_ERR_IPV4_IHL},
    {"IPv4 IHL 4", B_V4, {SET8(AT_L3, 0, 0x44)}, NO_CUT, RS_ERR_IPV4_IHL},
    {"IPv4 IHL 15 past the frame", B_V4, {SET8(AT_L3, 0, 0x4f)}, {AT_L3, 40}, RS_ERR_IPV4_IHL},
    {"IPv4 options cut", B_V4_OPT, {{0}}, {AT_L3, 24}, RS_ERR_IPV4_IHL},
    {"IPv4 total length 19", B_V4, {SET16(AT_L3, 2, 19)}, NO_CUT, RS_ERR_IPV4_LEN},
    {"IPv4 length inside options", B_V4_OPT, {SET16(AT_L3, 2, 28)}, NO_CUT, RS_ERR_IPV4_LEN},
    {"IPv4 length past frame", B_V4, {ADD16(AT_L3, 2, 1)}, NO_CUT, RS_ERR_IPV4_LEN},
    {"IPv4 total length 65535", B_V4, {SET16(AT_L3, 2, 0xffff)}, NO_CUT, RS_ERR_IPV4_LEN},
    {"IPv4 frame cut in the payload", B_V4, {{0}}, {AT_PAY, 10}, RS_ERR_IPV4_LEN},
    {"IPv4 first fragment (MF)", B_V4, {SET16(AT_L3, 6, 0x2000)}, NO_CUT, RS_ERR_IP_FRAGMENT},
    {"IPv4 MF with DF", B_V4, {SET16(AT_L3, 6, 0x6000)}, NO_CUT, RS_ERR_IP_FRAGMENT},
    {"IPv4 last fragment (offset 1)", B_V4, {SET16(AT_L3, 6, 0x0001)}, NO_CUT, RS_ERR_IP_FRAGMENT},
    {"IPv4 middle fragment", B_V4, {SET16(AT_L3, 6, 0x20b9)}, NO_CUT, RS_ERR_IP_FRAGMENT},
    {"IPv4 largest fragment offset", B_V4, {SET16(AT_L3, 6, 0x1fff)}, NO_CUT, RS_ERR_IP_FRAGMENT},
    {"TCP fragment",
     B_V4,
     {SET16(AT_L3, 6, 0x0010), SET8(AT_L3, 9, 6)},
     NO_CUT,
     RS_ERR_IP_FRAGMENT},
    {"IPv4 TCP", B_V4, {SET8(AT_L3, 9, 6)}, NO_CUT, RS_ERR_NOT_UDP},
    {"IPv4 ICMP", B_V4, {SET8(AT_L3, 9, 1)}, NO_CUT, RS_ERR_NOT_UDP},
    {"IPv4 UDP-Lite", B_V4, {SET8(AT_L3, 9, 136)}, NO_CUT, RS_ERR_NOT_UDP},
    {"IPv4 options, ESP", B_V4_OPT, {SET8(AT_L3, 9, 50)}, NO_CUT, RS_ERR_NOT_UDP},
    /* UDP over IPv4 */
    {"UDP length 0", B_V4, {SET16(AT_L4, 4, 0)}, NO_CUT, RS_ERR_UDP_LEN},
    {"UDP length 7", B_V4, {SET16(AT_L4, 4, 7)}, NO_CUT, RS_ERR_UDP_LEN},
    {"UDP length one past the IP payload", B_V4, {ADD16(AT_L4, 4, 1)}, NO_CUT, RS_ERR_UDP_LEN},
    {"UDP length one short of the IP payload", B_V4, {ADD16(AT_L4, 4, -1)}, NO_CUT, RS_ERR_UDP_LEN},
    {"UDP length 65535", B_V4, {SET16(AT_L4, 4, 0xffff)}, NO_CUT, RS_ERR_UDP_LEN},
    {"IPv4 payload of 7 bytes", B_V4, {SET16(AT_L3, 2, 27)}, {AT_L3, 27}, RS_ERR_UDP_TRUNC},
    {"IPv4 payload empty", B_V4, {SET16(AT_L3, 2, 20)}, {AT_L3, 20}, RS_ERR_UDP_TRUNC},
    {"UDP past IPv4 length", B_V4_OPT, {SET16(AT_L3, 2, 36)}, NO_CUT, RS_ERR_UDP_TRUNC},
    /* IPv6 */
    {"IPv6 EtherType, version 4", B_V6, {SET8(AT_L3, 0, 0x4b)}, NO_CUT, RS_ERR_IPV6_VERSION},
    {"IPv6 version 0", B_V6, {SET8(AT_L3, 0, 0x0b)}, NO_CUT, RS_ERR_IPV6_VERSION},
    {"IPv6 payload length one past the frame", B_V6, {ADD16(AT_L3, 4, 1)}, NO_CUT, RS_ERR_IPV6_LEN},
    {"IPv6 payload length 65535", B_V6, {SET16(AT_L3, 4, 0xffff)}, NO_CUT, RS_ERR_IPV6_LEN},
    {"IPv6 frame cut in UDP", B_V6, {{0}}, {AT_L4, 4}, RS_ERR_IPV6_LEN},
    {"IPv6 frag, len past",
     B_V6,
     {SET8(AT_L3, 6, 44), ADD16(AT_L3, 4, 1)},
     NO_CUT,
     RS_ERR_IPV6_LEN},
    {"IPv6 hop-by-hop (0)", B_V6, {SET8(AT_L3, 6, 0)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 routing (43)", B_V6, {SET8(AT_L3, 6, 43)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 fragment (44)", B_V6, {SET8(AT_L3, 6, 44)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 ESP (50)", B_V6, {SET8(AT_L3, 6, 50)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 AH (51)", B_V6, {SET8(AT_L3, 6, 51)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 destination options (60)", B_V6, {SET8(AT_L3, 6, 60)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 mobility (135)", B_V6, {SET8(AT_L3, 6, 135)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 HIP (139)", B_V6, {SET8(AT_L3, 6, 139)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 shim6 (140)", B_V6, {SET8(AT_L3, 6, 140)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 experimental (253)", B_V6, {SET8(AT_L3, 6, 253)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 experimental (254)", B_V6, {SET8(AT_L3, 6, 254)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 in QinQ, hop-by-hop", B_V6_QINQ, {SET8(AT_L3, 6, 0)}, NO_CUT, RS_ERR_IPV6_EXT},
    {"IPv6 TCP", B_V6, {SET8(AT_L3, 6, 6)}, NO_CUT, RS_ERR_NOT_UDP},
    {"IPv6 ICMPv6", B_V6, {SET8(AT_L3, 6, 58)}, NO_CUT, RS_ERR_NOT_UDP},
    {"IPv6 no next header (59)", B_V6, {SET8(AT_L3, 6, 59)}, NO_CUT, RS_ERR_NOT_UDP},
    /* UDP over IPv6 */
    {"IPv6 UDP length one past the payload", B_V6, {ADD16(AT_L4, 4, 1)}, NO_CUT, RS_ERR_UDP_LEN},
    {"IPv6 UDP length 0 (jumbogram form)", B_V6, {SET16(AT_L4, 4, 0)}, NO_CUT, RS_ERR_UDP_LEN},
    {"IPv6 payload of 7 bytes", B_V6, {SET16(AT_L3, 4, 7)}, {AT_L3, 47}, RS_ERR_UDP_TRUNC},
};

static void check_bad_frame(const struct bad_frame *c)
{
	uint8_t buf[FRAME_MAX];
	struct layout lay;
	struct rs_frame f;
	size_t len;
	unsigned i;

	build_frame(c->base, buf, &lay);
	for (i = 0; i < ARRAY_SIZE(c->patch); i++)
		apply_patch(buf, &lay, &c->patch[i]);
	len = apply_cut(&lay, &c->cut);
	expect_status(c->name, len, parse_frame_exact(buf, len, &f), c->want);
}

static void test_bad_frames(void **state)
{
	size_t i;

	(void)state;
	assert_true(ARRAY_SIZE(bad_frames) >= 30);
	for (i = 0; i < ARRAY_SIZE(bad_frames); i++)
		check_bad_frame(&bad_frames[i]);
}

/* ---- every frame cut at every length ------------------------------------ */

/* Lengths [from, to) give want. A base's ranges start at 0 and run one past
 * the whole frame, whose length is the last range's only member. */
struct frame_range {
	enum base_id base;
	uint16_t from, to;
	enum rs_status want;
};

static const struct frame_range frame_ranges[] = {
    {B_V4, 0, 14, RS_ERR_ETH_TRUNC},
    {B_V4, 14, 34, RS_ERR_IPV4_TRUNC},
    {B_V4, 34, 74, RS_ERR_IPV4_LEN}, /* UDP and payload: the IP length promised more */
    {B_V4, 74, 75, RS_OK},
    {B_V4_OPT, 0, 14, RS_ERR_ETH_TRUNC},
    {B_V4_OPT, 14, 34, RS_ERR_IPV4_TRUNC},
    {B_V4_OPT, 34, 46, RS_ERR_IPV4_IHL},
    {B_V4_OPT, 46, 86, RS_ERR_IPV4_LEN},
    {B_V4_OPT, 86, 87, RS_OK},
    {B_V4_VLAN, 0, 14, RS_ERR_ETH_TRUNC},
    {B_V4_VLAN, 14, 18, RS_ERR_VLAN_TRUNC},
    {B_V4_VLAN, 18, 38, RS_ERR_IPV4_TRUNC},
    {B_V4_VLAN, 38, 78, RS_ERR_IPV4_LEN},
    {B_V4_VLAN, 78, 79, RS_OK},
    {B_V4_QINQ, 0, 14, RS_ERR_ETH_TRUNC},
    {B_V4_QINQ, 14, 22, RS_ERR_VLAN_TRUNC},
    {B_V4_QINQ, 22, 42, RS_ERR_IPV4_TRUNC},
    {B_V4_QINQ, 42, 82, RS_ERR_IPV4_LEN},
    {B_V4_QINQ, 82, 83, RS_OK},
    {B_V4_EMPTY, 0, 14, RS_ERR_ETH_TRUNC},
    {B_V4_EMPTY, 14, 34, RS_ERR_IPV4_TRUNC},
    {B_V4_EMPTY, 34, 42, RS_ERR_IPV4_LEN},
    {B_V4_EMPTY, 42, 43, RS_OK},
    {B_V6, 0, 14, RS_ERR_ETH_TRUNC},
    {B_V6, 14, 54, RS_ERR_IPV6_TRUNC},
    {B_V6, 54, 94, RS_ERR_IPV6_LEN},
    {B_V6, 94, 95, RS_OK},
    {B_V6_VLAN, 0, 14, RS_ERR_ETH_TRUNC},
    {B_V6_VLAN, 14, 18, RS_ERR_VLAN_TRUNC},
    {B_V6_VLAN, 18, 58, RS_ERR_IPV6_TRUNC},
    {B_V6_VLAN, 58, 98, RS_ERR_IPV6_LEN},
    {B_V6_VLAN, 98, 99, RS_OK},
    {B_V6_QINQ, 0, 14, RS_ERR_ETH_TRUNC},
    {B_V6_QINQ, 14, 22, RS_ERR_VLAN_TRUNC},
    {B_V6_QINQ, 22, 62, RS_ERR_IPV6_TRUNC},
    {B_V6_QINQ, 62, 102, RS_ERR_IPV6_LEN},
    {B_V6_QINQ, 102, 103, RS_OK},
};

static void test_frame_truncations(void **state)
{
	uint8_t buf[FRAME_MAX];
	size_t covered[B_COUNT] = {0}, full[B_COUNT] = {0};
	struct layout lay;
	struct rs_frame f;
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(frame_ranges); i++) {
		const struct frame_range *r = &frame_ranges[i];

		full[r->base] = build_frame(r->base, buf, &lay);
		EXPECT_EQ(bases[r->base].name, r->from, covered[r->base]);
		for (len = r->from; len < r->to; len++)
			expect_status(bases[r->base].name, len, parse_frame_exact(buf, len, &f),
				      r->want);
		covered[r->base] = r->to;
	}
	for (i = 0; i < B_COUNT; i++)
		if (covered[i])
			EXPECT_EQ(bases[i].name, covered[i], full[i] + 1);
}

/* The UDP header cut at every length, with the IP length telling the same
 * story: short of 8 is a truncated header, then the UDP length field (still
 * 40) disagrees until the whole datagram is there. */
static const struct {
	uint16_t from, to;
	enum rs_status want;
} udp_ranges[] = {
    {0, 8, RS_ERR_UDP_TRUNC},
    {8, 40, RS_ERR_UDP_LEN},
    {40, 41, RS_OK},
};

static const enum base_id udp_bases[] = {B_V4, B_V4_OPT, B_V4_QINQ, B_V6, B_V6_VLAN};

static size_t cut_udp(enum base_id id, uint8_t *buf, size_t udp_bytes)
{
	struct layout lay;
	size_t ip_hdr;

	build_frame(id, buf, &lay);
	ip_hdr = lay.l4 - lay.l3;
	if (bases[id].ip_version == 4)
		put16(buf + lay.l3 + 2, (unsigned)(ip_hdr + udp_bytes));
	else
		put16(buf + lay.l3 + 4, (unsigned)udp_bytes);
	return lay.l4 + udp_bytes;
}

static void test_udp_truncations(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct rs_frame f;
	size_t b, r, k, len;

	(void)state;
	for (b = 0; b < ARRAY_SIZE(udp_bases); b++) {
		for (r = 0; r < ARRAY_SIZE(udp_ranges); r++) {
			for (k = udp_ranges[r].from; k < udp_ranges[r].to; k++) {
				len = cut_udp(udp_bases[b], buf, k);
				expect_status(bases[udp_bases[b]].name, len,
					      parse_frame_exact(buf, len, &f), udp_ranges[r].want);
			}
		}
	}
}

/* ---- RTP and RTCP headers ----------------------------------------------- */

/* Which parser: RTP with the padding check (clear), RTP without it
 * (protected), RTCP. */
enum target { T_RTP, T_SRTP, T_RTCP };

struct hdr_case {
	const char *name;
	enum target target;
	uint8_t len;
	uint8_t bytes[80];
	enum rs_status want;
};

/* V=2, PT 0, seq 1, timestamp 2, SSRC 3, with the first byte given. */
#define RTP_HDR(b0) (b0), 0x00, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3
/* V=2 SR, length field given, SSRC 0x11223344. */
#define RTCP_HDR(b0, len) (b0), 200, 0x00, (len), 0x11, 0x22, 0x33, 0x44

static enum rs_status parse_hdr(const struct hdr_case *c)
{
	struct rs_rtp_info rtp;
	struct rs_rtcp_info rtcp;

	if (c->target == T_RTCP)
		return rtcp_parse_exact(c->bytes, c->len, &rtcp);
	return rtp_parse_exact(c->bytes, c->len, c->target == T_RTP, &rtp);
}

static const struct hdr_case bad_headers[] = {
    {"RTP empty payload", T_RTP, 0, {0}, RS_ERR_RTP_TRUNC},
    {"RTP 11 bytes", T_RTP, 11, {RTP_HDR(0x80)}, RS_ERR_RTP_TRUNC},
    {"RTP version 0", T_RTP, 12, {RTP_HDR(0x00)}, RS_ERR_RTP_VERSION},
    {"RTP version 1", T_RTP, 12, {RTP_HDR(0x40)}, RS_ERR_RTP_VERSION},
    {"RTP version 3", T_SRTP, 12, {RTP_HDR(0xc0)}, RS_ERR_RTP_VERSION},
    {"RTP CC 15, header only", T_RTP, 12, {RTP_HDR(0x8f)}, RS_ERR_RTP_CSRC},
    {"RTP CC 1, 15 bytes", T_RTP, 15, {RTP_HDR(0x81)}, RS_ERR_RTP_CSRC},
    {"RTP CC 2, one CSRC", T_SRTP, 16, {RTP_HDR(0x82)}, RS_ERR_RTP_CSRC},
    {"RTP X, header only", T_RTP, 12, {RTP_HDR(0x90)}, RS_ERR_RTP_EXT_TRUNC},
    {"RTP X, 3-byte ext header", T_RTP, 15, {RTP_HDR(0x90), 0xbe, 0xde}, RS_ERR_RTP_EXT_TRUNC},
    {"RTP CC 1 + X, ext cut", T_SRTP, 18, {RTP_HDR(0x91)}, RS_ERR_RTP_EXT_TRUNC},
    {"RTP ext length 1, no word", T_RTP, 16, {RTP_HDR(0x90), 0xbe, 0xde, 0, 1}, RS_ERR_RTP_EXT_LEN},
    {"RTP ext length 2, 1 word", T_SRTP, 20, {RTP_HDR(0x90), 0xbe, 0xde, 0, 2}, RS_ERR_RTP_EXT_LEN},
    {"RTP ext len 65535", T_RTP, 24, {RTP_HDR(0x90), 0x10, 0, 0xff, 0xff}, RS_ERR_RTP_EXT_LEN},
    {"RTP padding count 0", T_RTP, 16, {RTP_HDR(0xa0), 1, 2, 3, 0}, RS_ERR_RTP_PADDING},
    {"RTP padding past payload", T_RTP, 16, {RTP_HDR(0xa0), 1, 2, 3, 5}, RS_ERR_RTP_PADDING},
    {"RTP padding into header", T_RTP, 13, {RTP_HDR(0xa0), 13}, RS_ERR_RTP_PADDING},
    {"RTP padding count 255", T_RTP, 20, {RTP_HDR(0xa0), [19] = 0xff}, RS_ERR_RTP_PADDING},
    {"RTP P set, empty payload", T_RTP, 12, {RTP_HDR(0xa0)}, RS_ERR_RTP_PADDING},
    {"RTP pad, ext", T_RTP, 18, {RTP_HDR(0xb0), 0xbe, 0xde, 0, 0, 9, 3}, RS_ERR_RTP_PADDING},
    {"RTP pad, CSRC", T_RTP, 18, {RTP_HDR(0xa1), 0, 0, 0, 9, 9, 3}, RS_ERR_RTP_PADDING},
    {"RTCP empty payload", T_RTCP, 0, {0}, RS_ERR_RTCP_TRUNC},
    {"RTCP 7 bytes", T_RTCP, 7, {RTCP_HDR(0x80, 1)}, RS_ERR_RTCP_TRUNC},
    {"RTCP version 0", T_RTCP, 28, {RTCP_HDR(0x00, 6)}, RS_ERR_RTCP_VERSION},
    {"RTCP version 1", T_RTCP, 28, {RTCP_HDR(0x40, 6)}, RS_ERR_RTCP_VERSION},
    {"RTCP version 3", T_RTCP, 28, {RTCP_HDR(0xc0, 6)}, RS_ERR_RTCP_VERSION},
    {"RTCP length 0 (no SSRC)", T_RTCP, 8, {RTCP_HDR(0x80, 0)}, RS_ERR_RTCP_LEN},
    {"RTCP length 0 in 28 bytes", T_RTCP, 28, {RTCP_HDR(0x80, 0)}, RS_ERR_RTCP_LEN},
    {"RTP 1 byte", T_SRTP, 1, {0x80}, RS_ERR_RTP_TRUNC},
    {"SRTP version 0", T_SRTP, 40, {RTP_HDR(0x00)}, RS_ERR_RTP_VERSION},
    {"RTP CC 15 + X, 60 bytes", T_RTP, 60, {RTP_HDR(0x9f)}, RS_ERR_RTP_CSRC},
};

static void test_bad_headers(void **state)
{
	size_t i;

	(void)state;
	assert_true(ARRAY_SIZE(bad_headers) >= 30);
	for (i = 0; i < ARRAY_SIZE(bad_headers); i++)
		expect_status(bad_headers[i].name, bad_headers[i].len, parse_hdr(&bad_headers[i]),
			      bad_headers[i].want);
}

struct good_rtp {
	const char *name;
	int check_padding;
	uint8_t len;
	uint8_t bytes[96];
	struct rs_rtp_info want;
};

#define RTP_WANT(hdr, pay, pad, pt_, m, cc, x, seq_, ts, ssrc_)                                    \
	{                                                                                          \
		.hdr_len = (hdr), .payload_len = (pay), .pad_len = (pad), .pt = (pt_),             \
		.marker = (m), .csrc_count = (cc), .has_ext = (x), .seq = (seq_),                  \
		.timestamp = (ts), .ssrc = (ssrc_)                                                 \
	}

static const struct good_rtp good_rtps[] = {
    {"header only", 1, 12, {RTP_HDR(0x80)}, RTP_WANT(12, 0, 0, 0, 0, 0, 0, 1, 2, 3)},
    {"marker, PT 96",
     1,
     16,
     {0x80, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xf0, 0x0d, 1, 2, 3, 4},
     RTP_WANT(12, 4, 0, 96, 1, 0, 0, 0x1234, 0xdeadbeef, 0xcafef00d)},
    {"PT 127, no marker, seq 65535",
     0,
     13,
     {0x80, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0},
     RTP_WANT(12, 1, 0, 127, 0, 0, 0, 0xffff, 0xffffffff, 0xfffffffe)},
    {"two CSRCs",
     1,
     23,
     {RTP_HDR(0x82), 0, 0, 0, 7, 0, 0, 0, 8, 1, 2, 3},
     RTP_WANT(20, 3, 0, 0, 0, 2, 0, 1, 2, 3)},
    {"15 CSRCs", 1, 76, {RTP_HDR(0x8f)}, RTP_WANT(72, 4, 0, 0, 0, 15, 0, 1, 2, 3)},
    {"extension length 0",
     1,
     18,
     {RTP_HDR(0x90), 0xbe, 0xde, 0, 0, 1, 2},
     RTP_WANT(16, 2, 0, 0, 0, 0, 1, 1, 2, 3)},
    {"one-byte extension, 1 word",
     1,
     22,
     {RTP_HDR(0x90), 0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0, 5, 6},
     RTP_WANT(20, 2, 0, 0, 0, 0, 1, 1, 2, 3)},
    {"CSRCs, extension and padding",
     1,
     40,
     {0xb2, 0x6f, 0xab, 0xcd, 0,    0,	  0x10, 0,    0x01, 0x02, 0x03, 0x04, 0,    0,
      0,    7,	  0,	0,    0,    8,	  0x10, 0x00, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44,
      0x55, 0x66, 0x77, 0x88, 0xee, 0xee, 0xee, 0xee, 0xee, 0x00, 0x00, 0x03},
     RTP_WANT(32, 8, 3, 111, 0, 2, 1, 0xabcd, 0x1000, 0x01020304)},
    {"padding is the whole payload",
     1,
     16,
     {RTP_HDR(0xa0), 0, 0, 0, 4},
     RTP_WANT(12, 4, 4, 0, 0, 0, 0, 1, 2, 3)},
    {"padding count 1", 1, 13, {RTP_HDR(0xa0), 1}, RTP_WANT(12, 1, 1, 0, 0, 0, 0, 1, 2, 3)},
    {"P set, protected: count not read",
     0,
     16,
     {RTP_HDR(0xa0), 1, 2, 3, 0},
     RTP_WANT(12, 4, 0, 0, 0, 0, 0, 1, 2, 3)},
    {"P set, protected, header only",
     0,
     12,
     {RTP_HDR(0xa0)},
     RTP_WANT(12, 0, 0, 0, 0, 0, 0, 1, 2, 3)},
    {"P clear, last byte 0", 1, 14, {RTP_HDR(0x80), 9, 0}, RTP_WANT(12, 2, 0, 0, 0, 0, 0, 1, 2, 3)},
};

static void check_rtp(const char *name, const struct rs_rtp_info *got,
		      const struct rs_rtp_info *want)
{
	EXPECT_EQ(name, got->hdr_len, want->hdr_len);
	EXPECT_EQ(name, got->payload_len, want->payload_len);
	EXPECT_EQ(name, got->pad_len, want->pad_len);
	EXPECT_EQ(name, got->pt, want->pt);
	EXPECT_EQ(name, got->marker, want->marker);
	EXPECT_EQ(name, got->csrc_count, want->csrc_count);
	EXPECT_EQ(name, got->has_ext, want->has_ext);
	EXPECT_EQ(name, got->seq, want->seq);
	EXPECT_EQ(name, got->timestamp, want->timestamp);
	EXPECT_EQ(name, got->ssrc, want->ssrc);
}

static void test_good_rtp(void **state)
{
	struct rs_rtp_info info;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good_rtps); i++) {
		const struct good_rtp *c = &good_rtps[i];

		memset(&info, 0xa5, sizeof(info));
		expect_status(c->name, c->len,
			      rtp_parse_exact(c->bytes, c->len, c->check_padding, &info), RS_OK);
		check_rtp(c->name, &info, &c->want);
	}
}

struct good_rtcp {
	const char *name;
	uint8_t len;
	uint8_t bytes[48];
	struct rs_rtcp_info want;
};

static const struct good_rtcp good_rtcps[] = {
    {"SR", 28, {RTCP_HDR(0x80, 6), [27] = 0x01}, {200, 0, 28, 0x11223344}},
    {"SR + SDES compound",
     44,
     {RTCP_HDR(0x80, 6), [28] = 0x81, 202, 0, 3, 0x11, 0x22, 0x33, 0x44, 1, 2, 'a', 'b'},
     {200, 0, 28, 0x11223344}},
    {"RR with one block", 32, {0x81, 201, 0, 7, 0xaa, 0xbb, 0xcc, 0xdd}, {201, 1, 32, 0xaabbccdd}},
    {"BYE with P set", 8, {0xa1, 203, 0, 1, 0, 0, 0, 9}, {203, 1, 8, 9}},
    {"generic NACK (FMT 1)", 16, {0x81, 205, 0, 3, 0, 0, 0, 5, 0, 0, 0, 6}, {205, 1, 16, 5}},
    {"PLI (FMT 1) with trailing packet", 20, {0x81, 206, 0, 2, 0, 0, 1, 0}, {206, 1, 12, 256}},
};

static void test_good_rtcp(void **state)
{
	struct rs_rtcp_info info;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good_rtcps); i++) {
		const struct good_rtcp *c = &good_rtcps[i];

		expect_status(c->name, c->len, rtcp_parse_exact(c->bytes, c->len, &info), RS_OK);
		EXPECT_EQ(c->name, info.pt, c->want.pt);
		EXPECT_EQ(c->name, info.count, c->want.count);
		EXPECT_EQ(c->name, info.first_len, c->want.first_len);
		EXPECT_EQ(c->name, info.ssrc, c->want.ssrc);
	}
}

/* ---- RTP and RTCP cut at every length ----------------------------------- */

struct len_range {
	uint16_t from, to;
	enum rs_status want;
};

struct trunc_table {
	const char *name;
	enum target target;
	const uint8_t *pkt;
	size_t len;
	uint16_t hdr_len; /* RTP header length, or RTCP first_len, when whole */
	const struct len_range *ranges;
	size_t n;
};

/* CC 2, extension of 2 words, 6 media bytes (0xee: larger than any
 * payload here, so a cut never ends on a plausible count), 3 of padding. */
static const uint8_t rtp_full[41] = {
    0xb2, 0x60, 0x00, 0x01, 0,	  0,	0,    2,    0,	  0,	0,    3,    0,	  0,
    0,	  7,	0,    0,    0,	  8,	0x10, 0x00, 0x00, 0x02, 1,    2,    3,	  4,
    5,	  6,	7,    8,    0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0x00, 0x00, 0x03,
};

static const struct len_range rtp_full_clear[] = {
    {0, 12, RS_ERR_RTP_TRUNC},	  {12, 20, RS_ERR_RTP_CSRC},	{20, 24, RS_ERR_RTP_EXT_TRUNC},
    {24, 32, RS_ERR_RTP_EXT_LEN}, {32, 41, RS_ERR_RTP_PADDING}, {41, 42, RS_OK},
};

static const struct len_range rtp_full_protected[] = {
    {0, 12, RS_ERR_RTP_TRUNC},	  {12, 20, RS_ERR_RTP_CSRC}, {20, 24, RS_ERR_RTP_EXT_TRUNC},
    {24, 32, RS_ERR_RTP_EXT_LEN}, {32, 42, RS_OK},
};

/* Every CSRC slot. */
static const uint8_t rtp_csrc15[76] = {RTP_HDR(0x8f)};

static const struct len_range rtp_csrc15_ranges[] = {
    {0, 12, RS_ERR_RTP_TRUNC},
    {12, 72, RS_ERR_RTP_CSRC},
    {72, 77, RS_OK},
};

/* SR (28 bytes) then SDES (16 bytes). */
static const uint8_t rtcp_compound[44] = {
    RTCP_HDR(0x80, 6), [28] = 0x81, 202, 0, 3, 0x11, 0x22, 0x33, 0x44, 1, 2, 'a', 'b',
};

static const struct len_range rtcp_compound_ranges[] = {
    {0, 8, RS_ERR_RTCP_TRUNC},
    /* a first length past the buffer is tolerated (RFC 7714's own SRTCP
     * vector has one) and first_len is capped at the buffer */
    {8, 45, RS_OK},
};

#define TABLE(name, target, pkt, hdr_len, ranges)                                                  \
	{                                                                                          \
		name, target, pkt, sizeof(pkt), hdr_len, ranges, ARRAY_SIZE(ranges)                \
	}

static const struct trunc_table trunc_tables[] = {
    TABLE("RTP, clear", T_RTP, rtp_full, 32, rtp_full_clear),
    TABLE("RTP, protected", T_SRTP, rtp_full, 32, rtp_full_protected),
    TABLE("RTP, 15 CSRCs", T_RTP, rtp_csrc15, 72, rtp_csrc15_ranges),
    TABLE("RTCP compound", T_RTCP, rtcp_compound, 28, rtcp_compound_ranges),
};

static void check_cut(const struct trunc_table *t, size_t len, enum rs_status want)
{
	struct rs_rtp_info rtp;
	struct rs_rtcp_info rtcp;
	enum rs_status st;

	if (t->target == T_RTCP) {
		st = rtcp_parse_exact(t->pkt, len, &rtcp);
		expect_status(t->name, len, st, want);
		if (st == RS_OK)
			EXPECT_EQ(t->name, rtcp.first_len, len < t->hdr_len ? len : t->hdr_len);
		return;
	}
	st = rtp_parse_exact(t->pkt, len, t->target == T_RTP, &rtp);
	expect_status(t->name, len, st, want);
	if (st == RS_OK) {
		EXPECT_EQ(t->name, rtp.hdr_len, t->hdr_len);
		EXPECT_EQ(t->name, rtp.payload_len, len - rtp.hdr_len);
	}
}

static void test_header_truncations(void **state)
{
	size_t i, r, len, covered;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(trunc_tables); i++) {
		const struct trunc_table *t = &trunc_tables[i];

		covered = 0;
		for (r = 0; r < t->n; r++) {
			EXPECT_EQ(t->name, t->ranges[r].from, covered);
			for (len = t->ranges[r].from; len < t->ranges[r].to; len++)
				check_cut(t, len, t->ranges[r].want);
			covered = t->ranges[r].to;
		}
		EXPECT_EQ(t->name, covered, t->len + 1);
	}
}

/* ---- demux ------------------------------------------------------------- */

static const struct {
	uint8_t lo, hi;
	enum rs_payload_kind kind;
} first_byte_kinds[] = {
    {0, 3, RS_KIND_STUN},    {4, 19, RS_KIND_OTHER},   /* ZRTP 16..19 is not ours */
    {20, 63, RS_KIND_DTLS},  {64, 127, RS_KIND_OTHER}, /* TURN channels 64..79 */
    {128, 191, RS_KIND_RTP}, {192, 255, RS_KIND_OTHER},
};

static enum rs_payload_kind kind_of_first(unsigned b)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(first_byte_kinds); i++)
		if (b >= first_byte_kinds[i].lo && b <= first_byte_kinds[i].hi)
			return first_byte_kinds[i].kind;
	fail_msg("first byte %u in no range", b);
	return RS_KIND_OTHER;
}

/* One byte alone: the kind of its range, RTP included (no second byte). */
static void test_demux_first_byte(void **state)
{
	uint8_t pkt[1] = {0};
	unsigned b;

	(void)state;
	EXPECT_EQ("empty", demux_exact(pkt, 0), RS_KIND_OTHER);
	for (b = 0; b < 256; b++) {
		pkt[0] = (uint8_t)b;
		if (demux_exact(pkt, 1) != kind_of_first(b))
			fail_msg("first byte %u alone: got %s", b,
				 rs_payload_kind_name(demux_exact(pkt, 1)));
	}
}

/* Every pair: only in the RTP range does a second byte of 192..223 turn
 * the packet into RTCP. */
static void test_demux_two_bytes(void **state)
{
	uint8_t pkt[2];
	enum rs_payload_kind want, got;
	unsigned b0, b1;

	(void)state;
	for (b0 = 0; b0 < 256; b0++) {
		for (b1 = 0; b1 < 256; b1++) {
			pkt[0] = (uint8_t)b0;
			pkt[1] = (uint8_t)b1;
			want = kind_of_first(b0);
			if (want == RS_KIND_RTP && b1 >= 192 && b1 <= 223)
				want = RS_KIND_RTCP;
			got = demux_exact(pkt, 2);
			if (got != want)
				fail_msg("bytes %u %u: got %s, want %s", b0, b1,
					 rs_payload_kind_name(got), rs_payload_kind_name(want));
		}
	}
}

static void test_demux_real_packets(void **state)
{
	(void)state;
	EXPECT_EQ("RTP", demux_exact(media, sizeof(media)), RS_KIND_RTP);
	EXPECT_EQ("RTCP", demux_exact(rtcp_compound, sizeof(rtcp_compound)), RS_KIND_RTCP);
	EXPECT_EQ("RTP PT 72, marker (RFC 5761 collision)",
		  demux_exact((const uint8_t[]){0x80, 0xc8}, 2), RS_KIND_RTCP);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(rs_payload_kind_name(RS_KIND_OTHER), "other");
	assert_string_equal(rs_payload_kind_name(RS_KIND_STUN), "stun");
	assert_string_equal(rs_payload_kind_name(RS_KIND_DTLS), "dtls");
	assert_string_equal(rs_payload_kind_name(RS_KIND_RTP), "rtp");
	assert_string_equal(rs_payload_kind_name(RS_KIND_RTCP), "rtcp");
	assert_string_equal(rs_payload_kind_name((enum rs_payload_kind)99), "unknown");
	assert_string_equal(rs_payload_kind_name((enum rs_payload_kind) - 1), "unknown");
}

/* ---- arguments and size limits ------------------------------------------ */

static void test_arguments(void **state)
{
	uint8_t b[16] = {0x80};
	struct rs_frame f;
	struct rs_rtp_info rtp;
	struct rs_rtcp_info rtcp;

	(void)state;
	assert_int_equal(rs_parse_frame(NULL, 0, &f), RS_ERR_ETH_TRUNC);
	assert_int_equal(rs_parse_frame(NULL, 60, &f), RS_ERR_INVALID_ARG);
	assert_int_equal(rs_parse_frame(b, sizeof(b), NULL), RS_ERR_INVALID_ARG);
	assert_int_equal(rs_rtp_parse(NULL, 0, 1, &rtp), RS_ERR_RTP_TRUNC);
	assert_int_equal(rs_rtp_parse(NULL, 12, 1, &rtp), RS_ERR_INVALID_ARG);
	assert_int_equal(rs_rtp_parse(b, sizeof(b), 1, NULL), RS_ERR_INVALID_ARG);
	assert_int_equal(rs_rtcp_parse(NULL, 0, &rtcp), RS_ERR_RTCP_TRUNC);
	assert_int_equal(rs_rtcp_parse(NULL, 8, &rtcp), RS_ERR_INVALID_ARG);
	assert_int_equal(rs_rtcp_parse(b, sizeof(b), NULL), RS_ERR_INVALID_ARG);
	assert_int_equal(rs_demux(NULL, 0), RS_KIND_OTHER);
	assert_int_equal(rs_demux(NULL, 12), RS_KIND_OTHER);
}

/* Past 16 bits nothing fits the outputs: no UDP payload is that long, and
 * an IPv6 datagram of 65536+ bytes has no 16-bit ip_len. */
static void test_size_limits(void **state)
{
	size_t big = 14 + 40 + 65535;
	uint8_t *buf = calloc(1, big);
	struct layout lay;
	struct rs_frame f;
	struct rs_rtp_info rtp;
	struct rs_rtcp_info rtcp;

	(void)state;
	assert_non_null(buf);
	build_frame(B_V6, buf, &lay);
	put16(buf + lay.l3 + 4, 65535);
	put16(buf + lay.l4 + 4, 65535);
	assert_int_equal(rs_parse_frame(buf, big, &f), RS_ERR_IPV6_LEN);
	put16(buf + lay.l3 + 4, 65495);
	put16(buf + lay.l4 + 4, 65495);
	assert_int_equal(rs_parse_frame(buf, big, &f), RS_OK);
	assert_int_equal(f.ip_len, 65535);
	assert_int_equal(f.payload_len, 65487);
	build_frame(B_V4, buf, &lay);
	put16(buf + lay.l3 + 2, 65535);
	put16(buf + lay.l4 + 4, 65515);
	assert_int_equal(rs_parse_frame(buf, 14 + 65535, &f), RS_OK);
	assert_int_equal(f.payload_len, 65507);
	memcpy(buf, media, sizeof(media));
	assert_int_equal(rs_rtp_parse(buf, 65535, 0, &rtp), RS_OK);
	assert_int_equal(rtp.payload_len, 65523);
	assert_int_equal(rs_rtp_parse(buf, 65536, 0, &rtp), RS_ERR_INVALID_ARG);
	memcpy(buf, rtcp_compound, sizeof(rtcp_compound));
	assert_int_equal(rs_rtcp_parse(buf, 65535, &rtcp), RS_OK);
	assert_int_equal(rs_rtcp_parse(buf, 65536, &rtcp), RS_ERR_INVALID_ARG);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_frames),	       cmocka_unit_test(test_bad_frames),
	    cmocka_unit_test(test_frame_truncations),  cmocka_unit_test(test_udp_truncations),
	    cmocka_unit_test(test_bad_headers),	       cmocka_unit_test(test_good_rtp),
	    cmocka_unit_test(test_good_rtcp),	       cmocka_unit_test(test_header_truncations),
	    cmocka_unit_test(test_demux_first_byte),   cmocka_unit_test(test_demux_two_bytes),
	    cmocka_unit_test(test_demux_real_packets), cmocka_unit_test(test_kind_names),
	    cmocka_unit_test(test_arguments),	       cmocka_unit_test(test_size_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
