/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 1: find the UDP payload of an Ethernet frame, demux it and read
 * RTP/RTCP headers. Each layer checks its bytes against both the buffer and
 * the length the layer below promised, so a short frame or a lying length
 * field stops the walk with its own status instead of a read past buf + len.
 * Multi-byte fields are assembled from single bytes: after a 14- or 18-byte
 * Ethernet header nothing is aligned.
 */
#include <string.h>

#include "rs_parse.h"

enum {
	ETH_HDR_LEN = 14,
	ETH_TYPE_OFF = 12,
	VLAN_TAG_LEN = 4, /* TCI + the EtherType it wraps */
	VLAN_MAX_DEPTH = 2,
	IPV4_MIN_HDR_LEN = 20,
	IPV6_HDR_LEN = 40,
	UDP_HDR_LEN = 8,
	IP_PROTO_UDP = 17,
	RTP_VERSION = 2,
	RTP_EXT_HDR_LEN = 4,
};

static uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int is_vlan_tpid(uint16_t type)
{
	return type == RS_ETHERTYPE_VLAN || type == RS_ETHERTYPE_QINQ;
}

/* Ethernet and up to two tags; leaves the inner EtherType and l3_off. */
static enum rs_status parse_eth(const uint8_t *buf, size_t len, struct rs_frame *f, uint16_t *type)
{
	size_t off = ETH_HDR_LEN;

	if (len < ETH_HDR_LEN)
		return RS_ERR_ETH_TRUNC;
	*type = load_be16(buf + ETH_TYPE_OFF);
	while (is_vlan_tpid(*type)) {
		/* Refused before reading the third tag: the depth is the fault,
		 * whatever the length. */
		if (f->vlan_count == VLAN_MAX_DEPTH)
			return RS_ERR_VLAN_DEPTH;
		if (len - off < VLAN_TAG_LEN)
			return RS_ERR_VLAN_TRUNC;
		f->vlan_tci[f->vlan_count++] = load_be16(buf + off);
		*type = load_be16(buf + off + 2);
		off += VLAN_TAG_LEN;
	}
	f->l3_off = (uint16_t)off;
	return RS_OK;
}

/* MF or a non-zero offset. DF alone is an ordinary, whole datagram. */
static int ipv4_is_fragment(const uint8_t *ip)
{
	return (load_be16(ip + 6) & 0x3fff) != 0;
}

static enum rs_status parse_ipv4(const uint8_t *buf, size_t len, struct rs_frame *f)
{
	const uint8_t *ip = buf + f->l3_off;
	size_t avail = len - f->l3_off;
	size_t ihl, total;

	if (avail < IPV4_MIN_HDR_LEN)
		return RS_ERR_IPV4_TRUNC;
	if (ip[0] >> 4 != 4)
		return RS_ERR_IPV4_VERSION;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < IPV4_MIN_HDR_LEN || ihl > avail)
		return RS_ERR_IPV4_IHL;
	total = load_be16(ip + 2);
	if (total < ihl || total > avail)
		return RS_ERR_IPV4_LEN;
	/* Before the protocol: a later fragment has no L4 header at all. */
	if (ipv4_is_fragment(ip))
		return RS_ERR_IP_FRAGMENT;
	if (ip[9] != IP_PROTO_UDP)
		return RS_ERR_NOT_UDP;
	f->ip_version = 4;
	f->ip_len = (uint16_t)total;
	f->l4_off = (uint16_t)(f->l3_off + ihl);
	memcpy(f->src_addr, ip + 12, 4);
	memcpy(f->dst_addr, ip + 16, 4);
	return RS_OK;
}

/* Next-header values that announce an extension header (IANA registry),
 * as opposed to an upper-layer protocol. */
static int ipv6_is_ext(uint8_t next)
{
	switch (next) {
	case 0:	  /* hop-by-hop options */
	case 43:  /* routing */
	case 44:  /* fragment */
	case 50:  /* ESP */
	case 51:  /* AH */
	case 60:  /* destination options */
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
	case 253: /* experimentation */
	case 254: /* experimentation */
		return 1;
	default:
		return 0;
	}
}

static enum rs_status parse_ipv6(const uint8_t *buf, size_t len, struct rs_frame *f)
{
	const uint8_t *ip = buf + f->l3_off;
	size_t avail = len - f->l3_off;
	size_t total;

	if (avail < IPV6_HDR_LEN)
		return RS_ERR_IPV6_TRUNC;
	if (ip[0] >> 4 != 6)
		return RS_ERR_IPV6_VERSION;
	total = IPV6_HDR_LEN + (size_t)load_be16(ip + 4);
	/* ip_len is 16 bits: a payload over 65495 bytes cannot be described
	 * (and no Ethernet carries one). */
	if (total > avail || total > UINT16_MAX)
		return RS_ERR_IPV6_LEN;
	if (ipv6_is_ext(ip[6]))
		return RS_ERR_IPV6_EXT;
	if (ip[6] != IP_PROTO_UDP)
		return RS_ERR_NOT_UDP;
	f->ip_version = 6;
	f->ip_len = (uint16_t)total;
	f->l4_off = (uint16_t)(f->l3_off + IPV6_HDR_LEN);
	memcpy(f->src_addr, ip + 8, 16);
	memcpy(f->dst_addr, ip + 24, 16);
	return RS_OK;
}

static enum rs_status parse_ip(const uint8_t *buf, size_t len, uint16_t type, struct rs_frame *f)
{
	if (type == RS_ETHERTYPE_IPV4)
		return parse_ipv4(buf, len, f);
	if (type == RS_ETHERTYPE_IPV6)
		return parse_ipv6(buf, len, f);
	return RS_ERR_NOT_IP;
}

/* The UDP header must fit in the IP payload, and its length must equal it
 * exactly: seal appends the tag at the end of the datagram, which would
 * overwrite anything the IP length covers past the UDP length. */
static enum rs_status parse_udp(const uint8_t *buf, struct rs_frame *f)
{
	const uint8_t *udp = buf + f->l4_off;
	size_t avail = (size_t)f->l3_off + f->ip_len - f->l4_off;

	if (avail < UDP_HDR_LEN)
		return RS_ERR_UDP_TRUNC;
	if (load_be16(udp + 4) != avail)
		return RS_ERR_UDP_LEN;
	f->src_port = load_be16(udp);
	f->dst_port = load_be16(udp + 2);
	f->payload_off = (uint16_t)(f->l4_off + UDP_HDR_LEN);
	f->payload_len = (uint16_t)(avail - UDP_HDR_LEN);
	return RS_OK;
}

/* The frame nearly every packet is: untagged IPv4 without options, a whole
 * datagram, UDP whose length is the IP payload's. The same checks as the
 * general walk, in one pass and fewer branches; anything else (or anything
 * wrong) takes the general walk, which names the fault. */
static int parse_ipv4_udp_fast(const uint8_t *buf, size_t len, struct rs_frame *f)
{
	const uint8_t *ip = buf + ETH_HDR_LEN;
	const uint8_t *udp = ip + IPV4_MIN_HDR_LEN;
	size_t total;

	if (len < ETH_HDR_LEN + IPV4_MIN_HDR_LEN + UDP_HDR_LEN ||
	    load_be16(buf + ETH_TYPE_OFF) != RS_ETHERTYPE_IPV4 || ip[0] != 0x45 ||
	    ip[9] != IP_PROTO_UDP || ipv4_is_fragment(ip))
		return 0;
	total = load_be16(ip + 2);
	if (total > len - ETH_HDR_LEN || total < IPV4_MIN_HDR_LEN + UDP_HDR_LEN ||
	    load_be16(udp + 4) != total - IPV4_MIN_HDR_LEN)
		return 0;
	f->l3_off = ETH_HDR_LEN;
	f->l4_off = ETH_HDR_LEN + IPV4_MIN_HDR_LEN;
	f->payload_off = ETH_HDR_LEN + IPV4_MIN_HDR_LEN + UDP_HDR_LEN;
	f->payload_len = (uint16_t)(total - IPV4_MIN_HDR_LEN - UDP_HDR_LEN);
	f->ip_len = (uint16_t)total;
	f->src_port = load_be16(udp);
	f->dst_port = load_be16(udp + 2);
	f->ip_version = 4;
	memcpy(f->src_addr, ip + 12, 4);
	memcpy(f->dst_addr, ip + 16, 4);
	return 1;
}

enum rs_status rs_parse_frame(const uint8_t *buf, size_t len, struct rs_frame *out)
{
	enum rs_status st;
	uint16_t type;

	if (!out || (!buf && len))
		return RS_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (parse_ipv4_udp_fast(buf, len, out))
		return RS_OK;
	st = parse_eth(buf, len, out, &type);
	if (st == RS_OK)
		st = parse_ip(buf, len, type, out);
	if (st == RS_OK)
		st = parse_udp(buf, out);
	return st;
}

/* RFC 5761: RTCP packet types 192..223 sit where RTP's M bit and PT are. */
static int second_byte_is_rtcp(const uint8_t *payload, size_t len)
{
	return len >= 2 && payload[1] >= 192 && payload[1] <= 223;
}

enum rs_payload_kind rs_demux(const uint8_t *payload, size_t len)
{
	uint8_t b;

	if (!payload || len == 0)
		return RS_KIND_OTHER;
	b = payload[0];
	if (b <= 3)
		return RS_KIND_STUN;
	if (b >= 20 && b <= 63)
		return RS_KIND_DTLS;
	if (b >= 128 && b <= 191)
		return second_byte_is_rtcp(payload, len) ? RS_KIND_RTCP : RS_KIND_RTP;
	return RS_KIND_OTHER;
}

const char *rs_payload_kind_name(enum rs_payload_kind kind)
{
	static const char *const names[] = {
	    [RS_KIND_OTHER] = "other", [RS_KIND_STUN] = "stun", [RS_KIND_DTLS] = "dtls",
	    [RS_KIND_RTP] = "rtp",     [RS_KIND_RTCP] = "rtcp",
	};

	if ((unsigned)kind >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[kind];
}

/* Header extension: 16-bit profile, 16-bit length in 32-bit words. */
static enum rs_status rtp_skip_ext(const uint8_t *buf, size_t len, size_t *off)
{
	size_t words;

	if (len - *off < RTP_EXT_HDR_LEN)
		return RS_ERR_RTP_EXT_TRUNC;
	words = load_be16(buf + *off + 2);
	if (len - *off - RTP_EXT_HDR_LEN < words * 4)
		return RS_ERR_RTP_EXT_LEN;
	*off += RTP_EXT_HDR_LEN + words * 4;
	return RS_OK;
}

/* The count is the last byte and counts itself, so 0 is malformed; padding
 * lives in the payload, so it can never reach into the header. */
static enum rs_status rtp_padding(const uint8_t *buf, size_t len, size_t hdr_len, uint8_t *pad_len)
{
	uint8_t count;

	if (len == hdr_len)
		return RS_ERR_RTP_PADDING;
	count = buf[len - 1];
	if (count == 0 || count > len - hdr_len)
		return RS_ERR_RTP_PADDING;
	*pad_len = count;
	return RS_OK;
}

static void rtp_fixed_fields(const uint8_t *buf, struct rs_rtp_info *out)
{
	out->csrc_count = buf[0] & 0x0f;
	out->has_ext = (buf[0] >> 4) & 1;
	out->marker = buf[1] >> 7;
	out->pt = buf[1] & 0x7f;
	out->seq = load_be16(buf + 2);
	out->timestamp = load_be32(buf + 4);
	out->ssrc = load_be32(buf + 8);
	out->pad_len = 0;
}

enum rs_status rs_rtp_parse(const uint8_t *buf, size_t len, int check_padding,
			    struct rs_rtp_info *out)
{
	enum rs_status st = RS_OK;
	size_t off;

	/* A UDP payload never exceeds 16 bits, and the outputs are 16-bit. */
	if (!out || (!buf && len) || len > UINT16_MAX)
		return RS_ERR_INVALID_ARG;
	if (len < RS_RTP_HDR_LEN)
		return RS_ERR_RTP_TRUNC;
	if (buf[0] >> 6 != RTP_VERSION)
		return RS_ERR_RTP_VERSION;
	rtp_fixed_fields(buf, out);
	off = RS_RTP_HDR_LEN + 4 * (size_t)out->csrc_count;
	if (off > len)
		return RS_ERR_RTP_CSRC;
	if (out->has_ext)
		st = rtp_skip_ext(buf, len, &off);
	/* On protected packets the count is ciphertext: nothing to check. */
	if (st == RS_OK && check_padding && (buf[0] & 0x20))
		st = rtp_padding(buf, len, off, &out->pad_len);
	if (st != RS_OK)
		return st;
	out->hdr_len = (uint16_t)off;
	out->payload_len = (uint16_t)(len - off);
	return RS_OK;
}

enum rs_status rs_rtcp_parse(const uint8_t *buf, size_t len, struct rs_rtcp_info *out)
{
	size_t first_len;

	if (!out || (!buf && len) || len > UINT16_MAX)
		return RS_ERR_INVALID_ARG;
	if (len < RS_RTCP_HDR_LEN)
		return RS_ERR_RTCP_TRUNC;
	if (buf[0] >> 6 != RTP_VERSION)
		return RS_ERR_RTCP_VERSION;
	/* Length is in 32-bit words minus one, header included. The first
	 * packet must hold the SSRC that selects the key context. A length
	 * running past the buffer is tolerated, as libsrtp and RFC 7714's own
	 * SRTCP vector (length 13 in a 52-byte packet) do: dropping such
	 * packets would lose what every peer accepts. first_len is capped. */
	first_len = ((size_t)load_be16(buf + 2) + 1) * 4;
	if (first_len < RS_RTCP_HDR_LEN)
		return RS_ERR_RTCP_LEN;
	if (first_len > len)
		first_len = len;
	out->pt = buf[1];
	out->count = buf[0] & 0x1f;
	out->first_len = (uint16_t)first_len;
	out->ssrc = load_be32(buf + 4);
	return RS_OK;
}
