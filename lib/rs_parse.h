/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 1 of a packet's life: find the UDP payload of a contiguous Ethernet
 * frame, say what kind of payload it is (RFC 7983 demux) and read RTP/RTCP
 * headers. Every length is checked against the buffer; nothing here reads
 * past buf + len, and each malformation returns its own status.
 */
#ifndef RS_PARSE_H
#define RS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "rs_status.h"

#define RS_ETHERTYPE_IPV4 0x0800
#define RS_ETHERTYPE_IPV6 0x86dd
#define RS_ETHERTYPE_VLAN 0x8100
#define RS_ETHERTYPE_QINQ 0x88a8

#define RS_RTP_HDR_LEN	12
#define RS_RTCP_HDR_LEN 8

/* Where the layers of one Ethernet/IP/UDP frame sit, as byte offsets. */
struct rs_frame {
	uint16_t l3_off;      /* IP header */
	uint16_t l4_off;      /* UDP header */
	uint16_t payload_off; /* UDP payload */
	uint16_t payload_len; /* UDP payload length, from the UDP length field */
	uint16_t ip_len;      /* IP header + IP payload, from the IP length field */
	uint16_t src_port;    /* host order */
	uint16_t dst_port;    /* host order */
	uint8_t ip_version;   /* 4 or 6 */
	uint8_t vlan_count;   /* 0, 1 or 2 */
	uint16_t vlan_tci[2]; /* host order, outer first */
	/* Addresses in network order; IPv4 uses the first 4 bytes. */
	uint8_t src_addr[16];
	uint8_t dst_addr[16];
};

/* Parse Ethernet, up to two VLAN tags, IPv4 (options allowed) or IPv6 (no
 * extension headers), and UDP. Bytes past the IP length (Ethernet padding)
 * are allowed and ignored. */
enum rs_status rs_parse_frame(const uint8_t *buf, size_t len, struct rs_frame *out) RS_WARN_UNUSED;

/* What a UDP payload carries, from its first bytes (RFC 7983, RFC 5761). */
enum rs_payload_kind {
	RS_KIND_OTHER = 0,
	RS_KIND_STUN, /* first byte 0..3 */
	RS_KIND_DTLS, /* first byte 20..63 */
	RS_KIND_RTP,  /* first byte 128..191, second byte not 192..223 */
	RS_KIND_RTCP, /* first byte 128..191, second byte 192..223 */
};

enum rs_payload_kind rs_demux(const uint8_t *payload, size_t len);

const char *rs_payload_kind_name(enum rs_payload_kind kind);

/* The fixed RTP header and where the payload starts. */
struct rs_rtp_info {
	uint16_t hdr_len;     /* 12 + 4 * CC + extension (4 + 4 * length) */
	uint16_t payload_len; /* bytes after the header, padding included */
	uint8_t pad_len;      /* padding bytes at the end (0 when P is clear) */
	uint8_t pt;	      /* payload type, 0..127 */
	uint8_t marker;
	uint8_t csrc_count;
	uint8_t has_ext;
	uint16_t seq;
	uint32_t timestamp;
	uint32_t ssrc;
};

/* Parse an RTP header. With check_padding (clear RTP), a set P bit must
 * carry a padding count between 1 and the payload length; on protected
 * packets the count is encrypted, so pass 0. */
enum rs_status rs_rtp_parse(const uint8_t *buf, size_t len, int check_padding,
			    struct rs_rtp_info *out) RS_WARN_UNUSED;

struct rs_rtcp_info {
	uint8_t pt;	    /* packet type of the first packet, 192..223 */
	uint8_t count;	    /* RC/SC/FMT of the first packet */
	uint16_t first_len; /* bytes of the first packet of the compound */
	uint32_t ssrc;	    /* SSRC of the sender (bytes 4..7) */
};

/* Parse the first header of a (compound) RTCP packet: version 2, at least
 * 8 bytes, the first packet's length field within the buffer. */
enum rs_status rs_rtcp_parse(const uint8_t *buf, size_t len,
			     struct rs_rtcp_info *out) RS_WARN_UNUSED;

#endif
