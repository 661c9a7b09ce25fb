/* SPDX-License-Identifier: BSD-3-Clause */
/* Names and descriptions of every rs_status, and their drop counters. */
#include "rs_status.h"

struct status_entry {
	const char *name;
	const char *text;
	enum rs_drop_reason drop;
};

static const struct status_entry statuses[RS_STATUS_COUNT] = {
    [RS_OK] = {"ok", "success", RS_DROP_INTERNAL},
    [RS_ERR_ETH_TRUNC] = {"eth_trunc", "frame shorter than an Ethernet header", RS_DROP_MALFORMED},
    [RS_ERR_VLAN_TRUNC] = {"vlan_trunc", "VLAN tag cut short", RS_DROP_MALFORMED},
    [RS_ERR_VLAN_DEPTH] = {"vlan_depth", "more than two VLAN tags", RS_DROP_MALFORMED},
    [RS_ERR_NOT_IP] = {"not_ip", "EtherType is neither IPv4 nor IPv6", RS_DROP_MALFORMED},
    [RS_ERR_IPV4_TRUNC] = {"ipv4_trunc", "frame shorter than an IPv4 header", RS_DROP_MALFORMED},
    [RS_ERR_IPV4_VERSION] = {"ipv4_version", "IPv4 header version is not 4", RS_DROP_MALFORMED},
    [RS_ERR_IPV4_IHL] = {"ipv4_ihl", "IPv4 header length below 20 bytes or past the frame",
			 RS_DROP_MALFORMED},
    [RS_ERR_IPV4_LEN] = {"ipv4_len", "IPv4 total length inconsistent with the frame",
			 RS_DROP_MALFORMED},
    [RS_ERR_IPV6_TRUNC] = {"ipv6_trunc", "frame shorter than an IPv6 header", RS_DROP_MALFORMED},
    [RS_ERR_IPV6_VERSION] = {"ipv6_version", "IPv6 header version is not 6", RS_DROP_MALFORMED},
    [RS_ERR_IPV6_LEN] = {"ipv6_len", "IPv6 payload length runs past the frame", RS_DROP_MALFORMED},
    [RS_ERR_IPV6_EXT] = {"ipv6_ext", "IPv6 extension headers are not parsed", RS_DROP_POLICY},
    [RS_ERR_IP_FRAGMENT] = {"ip_fragment", "IP fragment (not media)", RS_DROP_POLICY},
    [RS_ERR_NOT_UDP] = {"not_udp", "IP protocol is not UDP", RS_DROP_MALFORMED},
    [RS_ERR_UDP_TRUNC] = {"udp_trunc", "IP payload shorter than a UDP header", RS_DROP_MALFORMED},
    [RS_ERR_UDP_LEN] = {"udp_len", "UDP length inconsistent with the IP payload",
			RS_DROP_MALFORMED},
    [RS_ERR_RTP_TRUNC] = {"rtp_trunc", "RTP packet shorter than the 12-byte header",
			  RS_DROP_MALFORMED},
    [RS_ERR_RTP_VERSION] = {"rtp_version", "RTP version is not 2", RS_DROP_MALFORMED},
    [RS_ERR_RTP_CSRC] = {"rtp_csrc", "RTP CSRC list runs past the packet", RS_DROP_MALFORMED},
    [RS_ERR_RTP_EXT_TRUNC] = {"rtp_ext_trunc", "RTP header extension cut short", RS_DROP_MALFORMED},
    [RS_ERR_RTP_EXT_LEN] = {"rtp_ext_len", "RTP header extension length runs past the packet",
			    RS_DROP_MALFORMED},
    [RS_ERR_RTP_PADDING] = {"rtp_padding", "RTP padding count is zero or exceeds the payload",
			    RS_DROP_MALFORMED},
    [RS_ERR_RTCP_TRUNC] = {"rtcp_trunc", "RTCP packet shorter than the 8-byte header",
			   RS_DROP_MALFORMED},
    [RS_ERR_RTCP_VERSION] = {"rtcp_version", "RTCP version is not 2", RS_DROP_MALFORMED},
    [RS_ERR_RTCP_LEN] = {"rtcp_len", "RTCP length field too small to hold the sender SSRC",
			 RS_DROP_MALFORMED},
    [RS_ERR_SRTP_TRUNC] = {"srtp_trunc", "SRTP packet too short to hold the 16-byte tag",
			   RS_DROP_MALFORMED},
    [RS_ERR_SRTCP_TRUNC] = {"srtcp_trunc",
			    "SRTCP packet too short to hold the tag and E||index trailer",
			    RS_DROP_MALFORMED},
    [RS_ERR_AUTH] = {"auth_fail", "authentication tag did not verify", RS_DROP_AUTH_FAIL},
    [RS_ERR_REPLAY] = {"replay", "index already received or older than the replay window",
		       RS_DROP_REPLAY},
    [RS_ERR_STALE_SEQ] = {"stale_seq",
			  "sequence already sealed or older than the window: not sealed twice",
			  RS_DROP_STALE_SEQ},
    [RS_ERR_NO_TAILROOM] = {"no_tailroom", "no tailroom for the tag", RS_DROP_NO_TAILROOM},
    [RS_ERR_INDEX_EXHAUSTED] = {"index_exhausted",
				"SRTP 2^48 or SRTCP 2^31 index space used up: stream stopped",
				RS_DROP_INDEX_EXHAUSTED},
    [RS_ERR_NO_KEY] = {"no_key", "packet has no key context", RS_DROP_INTERNAL},
    [RS_ERR_MODE_UNKNOWN] = {"mode_unknown",
			     "unknown mode (expected AEAD_AES_128_GCM, AEAD_AES_256_GCM, "
			     "AES_128_GCM2, AES_256_GCM2, AES_128_GCM or AES_256_GCM)",
			     RS_DROP_INTERNAL},
    [RS_ERR_MODE_INSECURE] = {"mode_insecure",
			      "legacy mode refused: AES-XTS, AES-ECB and SM4-ECB give no "
			      "integrity and leak patterns; use AES_128_GCM2 or AES_256_GCM2",
			      RS_DROP_INTERNAL},
    [RS_ERR_KEY_MISSING] = {"key_missing", "mode needs a key and none was given", RS_DROP_INTERNAL},
    [RS_ERR_KEY_ENCODING] = {"key_encoding",
			     "key is not valid hex or SDES inline: base64 of key||salt",
			     RS_DROP_INTERNAL},
    [RS_ERR_KEY_LENGTH] = {"key_length", "master key length does not match the mode",
			   RS_DROP_INTERNAL},
    [RS_ERR_SALT_MISSING] = {"salt_missing", "mode needs a salt and none was given",
			     RS_DROP_INTERNAL},
    [RS_ERR_SALT_ENCODING] = {"salt_encoding", "salt is not valid hex or base64", RS_DROP_INTERNAL},
    [RS_ERR_SALT_LENGTH] = {"salt_length",
			    "salt length does not match the mode (AEAD: 12 bytes, GCM2: 32 bytes)",
			    RS_DROP_INTERNAL},
    [RS_ERR_SALT_UNUSED] = {"salt_unused",
			    "mode AES_*_GCM takes no salt (use AES_*_GCM2 for a salted key)",
			    RS_DROP_INTERNAL},
    [RS_ERR_WINDOW_SIZE] = {"window_size", "replay window must be between 64 and 32768",
			    RS_DROP_INTERNAL},
    [RS_ERR_CRYPTO] = {"crypto", "crypto library failure", RS_DROP_INTERNAL},
    [RS_ERR_NOMEM] = {"nomem", "out of memory", RS_DROP_INTERNAL},
    [RS_ERR_INVALID_ARG] = {"invalid_arg", "invalid argument", RS_DROP_INTERNAL},
};

static const char *const drop_names[RS_DROP_COUNT] = {
    [RS_DROP_MALFORMED] = "malformed",	  [RS_DROP_NO_CHANNEL] = "no_channel",
    [RS_DROP_AUTH_FAIL] = "auth_fail",	  [RS_DROP_REPLAY] = "replay",
    [RS_DROP_STALE_SEQ] = "stale_seq",	  [RS_DROP_NO_TAILROOM] = "no_tailroom",
    [RS_DROP_MULTISEG] = "multiseg",	  [RS_DROP_INDEX_EXHAUSTED] = "index_exhausted",
    [RS_DROP_OBSERVER] = "observer_drop", [RS_DROP_POLICY] = "policy_drop",
    [RS_DROP_TX_FULL] = "tx_full",	  [RS_DROP_HANDOFF_FULL] = "handoff_full",
    [RS_DROP_INTERNAL] = "internal",
};

const char *rs_strerror(enum rs_status status)
{
	if ((unsigned)status >= RS_STATUS_COUNT || !statuses[status].text)
		return "unknown status";
	return statuses[status].text;
}

const char *rs_status_name(enum rs_status status)
{
	if ((unsigned)status >= RS_STATUS_COUNT || !statuses[status].name)
		return "unknown";
	return statuses[status].name;
}

enum rs_drop_reason rs_status_drop_reason(enum rs_status status)
{
	if ((unsigned)status >= RS_STATUS_COUNT)
		return RS_DROP_INTERNAL;
	return statuses[status].drop;
}

const char *rs_drop_reason_name(enum rs_drop_reason reason)
{
	if ((unsigned)reason >= RS_DROP_COUNT)
		return "unknown";
	return drop_names[reason];
}
