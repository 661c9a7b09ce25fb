/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One status enum for the whole library: success, every reason a packet is
 * refused (each malformation has its own code) and every setup error.
 * rs_strerror() names each one; the data plane maps them to its drop
 * counters with rs_status_drop_reason().
 */
#ifndef RS_STATUS_H
#define RS_STATUS_H

#define RS_WARN_UNUSED __attribute__((warn_unused_result))

enum rs_status {
	RS_OK = 0,

	/* frame parse: Ethernet, VLAN, IP, UDP */
	RS_ERR_ETH_TRUNC,    /* shorter than an Ethernet header */
	RS_ERR_VLAN_TRUNC,   /* VLAN tag cut short */
	RS_ERR_VLAN_DEPTH,   /* more than two VLAN tags */
	RS_ERR_NOT_IP,	     /* EtherType is neither IPv4 nor IPv6 (ARP, LLDP, ...) */
	RS_ERR_IPV4_TRUNC,   /* shorter than the minimum IPv4 header */
	RS_ERR_IPV4_VERSION, /* version nibble is not 4 */
	RS_ERR_IPV4_IHL,     /* IHL < 5 or header runs past the frame */
	RS_ERR_IPV4_LEN,     /* total length < IHL or > frame */
	RS_ERR_IPV6_TRUNC,   /* shorter than the IPv6 header */
	RS_ERR_IPV6_VERSION, /* version nibble is not 6 */
	RS_ERR_IPV6_LEN,     /* payload length runs past the frame */
	RS_ERR_IPV6_EXT,     /* IPv6 extension header (not parsed; policy decides) */
	RS_ERR_IP_FRAGMENT,  /* IP fragment: not media (policy decides) */
	RS_ERR_NOT_UDP,	     /* IP protocol is not UDP */
	RS_ERR_UDP_TRUNC,    /* shorter than a UDP header */
	RS_ERR_UDP_LEN,	     /* UDP length differs from the IP payload length */

	/* RTP / RTCP headers */
	RS_ERR_RTP_TRUNC,     /* shorter than the 12-byte fixed header */
	RS_ERR_RTP_VERSION,   /* version is not 2 */
	RS_ERR_RTP_CSRC,      /* CSRC list runs past the packet */
	RS_ERR_RTP_EXT_TRUNC, /* header-extension header cut short */
	RS_ERR_RTP_EXT_LEN,   /* header-extension length runs past the packet */
	RS_ERR_RTP_PADDING,   /* padding count 0 or larger than the payload */
	RS_ERR_RTCP_TRUNC,    /* shorter than the 8-byte RTCP header */
	RS_ERR_RTCP_VERSION,  /* version is not 2 */
	RS_ERR_RTCP_LEN,      /* first RTCP length field 0: no sender SSRC */
	RS_ERR_SRTP_TRUNC,    /* protected packet too short to hold the tag */
	RS_ERR_SRTCP_TRUNC,   /* protected RTCP too short for tag + E||index */

	/* seal / open */
	RS_ERR_AUTH,		/* tag did not verify */
	RS_ERR_REPLAY,		/* open: index already received or older than the window */
	RS_ERR_STALE_SEQ,	/* seal: index already sealed or older than the window */
	RS_ERR_NO_TAILROOM,	/* no room for the tag (and SRTCP trailer) */
	RS_ERR_INDEX_EXHAUSTED, /* 2^48 SRTP or 2^31 SRTCP index used up: stream stopped */
	RS_ERR_NO_KEY,		/* packet without a key context */

	/* setup */
	RS_ERR_MODE_UNKNOWN,  /* mode name not recognised */
	RS_ERR_MODE_INSECURE, /* legacy mode without integrity (XTS, ECB, SM4) */
	RS_ERR_KEY_MISSING,   /* mode needs a key and none was given */
	RS_ERR_KEY_ENCODING,  /* key is not valid hex / base64 / SDES inline */
	RS_ERR_KEY_LENGTH,    /* master key has the wrong length for the mode */
	RS_ERR_SALT_MISSING,  /* mode needs a salt and none was given */
	RS_ERR_SALT_ENCODING, /* salt is not valid hex / base64 */
	RS_ERR_SALT_LENGTH,   /* salt has the wrong length for the mode */
	RS_ERR_SALT_UNUSED,   /* a salt was given to a mode that takes none */
	RS_ERR_WINDOW_SIZE,   /* replay window outside 64..32768 */
	RS_ERR_CRYPTO,	      /* OpenSSL or ipsec-mb reported a failure */
	RS_ERR_NOMEM,	      /* allocation failed */
	RS_ERR_INVALID_ARG,   /* NULL or out-of-range argument */

	RS_STATUS_COUNT
};

/* The data plane's drop reasons (DESIGN §4); every rs_status maps to one. */
enum rs_drop_reason {
	RS_DROP_MALFORMED = 0,
	RS_DROP_NO_CHANNEL,
	RS_DROP_AUTH_FAIL,
	RS_DROP_REPLAY,
	RS_DROP_STALE_SEQ,
	RS_DROP_NO_TAILROOM,
	RS_DROP_MULTISEG,
	RS_DROP_INDEX_EXHAUSTED,
	RS_DROP_OBSERVER,
	RS_DROP_POLICY,
	RS_DROP_TX_FULL,
	RS_DROP_HANDOFF_FULL, /* the worker owning the stream had no room to take it */
	RS_DROP_INTERNAL,
	RS_DROP_COUNT
};

/* Human-readable description of a status; never NULL. */
const char *rs_strerror(enum rs_status status);

/* Short identifier of a status ("auth_fail", "rtp_csrc", ...); never NULL. */
const char *rs_status_name(enum rs_status status);

/* Which drop counter a refused packet belongs to. */
enum rs_drop_reason rs_status_drop_reason(enum rs_status status);

/* Counter name of a drop reason as DESIGN §4 spells it ("auth_fail", ...). */
const char *rs_drop_reason_name(enum rs_drop_reason reason);

#endif
