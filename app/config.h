/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INI configuration of DESIGN §5, parsed with DPDK's rte_cfgfile: one
 * parser per section kind. Errors name the file, the section and the key,
 * and the program exits before touching a port. Key material read here is
 * wiped by rs_config_free().
 */
#ifndef RS_CONFIG_H
#define RS_CONFIG_H

#include <stdint.h>

#include "rtpseal.h"

#define RS_MAX_PORTS	    32
#define RS_MAX_MATCHES	    16
#define RS_CHANNEL_NAME_MAX 64
#define RS_PATH_MAX	    256
#define RS_ERR_MSG_MAX	    512
/* Longest key text (literal or key file contents) a channel takes. */
#define RS_KEY_TEXT_MAX 1024
/* "[2001:db8::1]:5004" and the like, NUL included (see rs_match_format). */
#define RS_MATCH_TEXT_MAX 56

enum rs_port_role {
	RS_ROLE_CLEAR = 0, /* RTP in -> SRTP out (seal) */
	RS_ROLE_CIPHER,	   /* SRTP in -> RTP out (open) */
};

/* What happens to one class of packet on a channel. */
enum rs_class_policy {
	RS_POLICY_ENCRYPT = 0, /* seal on the clear side, open on the cipher side */
	RS_POLICY_PASS,	       /* forwarded untouched */
	RS_POLICY_DROP,	       /* dropped and counted as policy_drop */
};

/* Policy for traffic that is not media of a channel. */
enum rs_pass_policy {
	RS_PASS = 0,
	RS_DROP,
};

struct rs_port_conf {
	uint8_t present;
	enum rs_port_role role;
	uint16_t peer;
	uint8_t has_dst_mac;
	uint8_t dst_mac[6];
	uint8_t has_src_mac; /* default: the port's own MAC */
	uint8_t src_mac[6];
};

/* A channel's match: UDP destination (address, port); any_addr for "*". */
struct rs_match {
	uint8_t any_addr;
	uint8_t ip_version; /* 4 or 6 when !any_addr */
	uint8_t addr[16];   /* network order; IPv4 in the first 4 bytes */
	uint16_t port;	    /* host order */
};

/*
 * A channel. Names are 1..63 characters of [A-Za-z0-9_-]; in a config file
 * the "[channel NAME]" header must fit rte_cfgfile's 63-character section
 * names, so file-defined names are at most 55 characters. Telemetry
 * addresses a channel as the parameter of /rtpseal/channel (DPDK restricts
 * command names, not parameters), so names need no mapping there.
 */
struct rs_channel_conf {
	char name[RS_CHANNEL_NAME_MAX];
	enum rs_mode mode;
	/* mode = custom: no built-in encryption, the channel's packet observer
	 * (--observer) transforms its media; no key or salt */
	uint8_t custom;
	struct rs_master_key master; /* derived from key/key_file + salt; secret */
	struct rs_match match[RS_MAX_MATCHES];
	unsigned n_match;
	struct rs_pt_map pt_map; /* RFC 3551 defaults plus audio_pt / video_pt */
	enum rs_class_policy policy[RS_CLASS_COUNT];
};

struct rs_general_conf {
	char control_socket[RS_PATH_MAX]; /* "" = none */
	unsigned replay_window;		  /* 64..32768, default 1024 */
	unsigned burst;			  /* 1..64, default 32 */
	unsigned rekey_overlap_ms;	  /* default 2000 */
	enum rs_pass_policy non_media;	  /* STUN, DTLS, other UDP, non-IP: default pass */
	enum rs_pass_policy fragments;	  /* IP fragments: default pass */
	enum rs_pass_policy ipv6_ext;	  /* IPv6 with extension headers: default pass */
	enum rs_pass_policy no_channel;	  /* RTP/RTCP matching no channel: default drop */
	/* channel table capacity, config file and control socket together;
	 * 0 (default): the file's channels + RS_EXTRA_CHANNELS */
	unsigned max_channels;
	unsigned max_streams; /* stream states per worker, default RS_DEFAULT_MAX_STREAMS */
};

#define RS_EXTRA_CHANNELS      4096 /* room for channel.add when max_channels is not set */
#define RS_MAX_CHANNELS_LIMIT  16777216
#define RS_DEFAULT_MAX_STREAMS 65536
#define RS_MAX_STREAMS_LIMIT   33554432

struct rs_generator_conf {
	uint8_t enabled;
	uint16_t port;
	uint64_t rate_pps;	      /* 0 = as fast as the pipeline takes them */
	unsigned streams_per_channel; /* default 4 */
	unsigned audio_share;	      /* percent, default 70 */
	uint64_t seed;		      /* default 1 */
	/* fixed RTP payload bytes (1..RS_GEN_PAYLOAD_FIXED_MAX) of every audio
	 * packet and every video packet; 0 (default) = the realistic model */
	unsigned audio_payload;
	unsigned video_payload;
	unsigned udp_checksum; /* bool, default on: IPv4 UDP checksums */
	unsigned rtcp;	       /* bool, default on: an SR + SDES per stream per second */
	/* Fault injection (the soak, tests/soak.sh): after every 1000 frames
	 * the generator makes, `faults` bad packets for fault_channel, counted
	 * by kind: malformed frames and re-sent RTP (-> stale_seq) on the
	 * generator port and, when fault_port is set (a cipher port), SRTP the
	 * generator seals itself, sent twice (-> replay) or under a wrong key
	 * (-> auth_fail). 0 (default): none. */
	unsigned faults;			 /* 0..100 per 1000 frames */
	char fault_channel[RS_CHANNEL_NAME_MAX]; /* required when faults > 0 */
	uint8_t has_fault_port;
	uint16_t fault_port;
	/* > 0: traffic for this many channels of the address pattern
	 * (rs_gen_spread_addr) the control socket adds, not the file's */
	unsigned spread_channels;
};

#define RS_CONFIG_MAX_OBSERVERS 8
#define RS_OBSERVER_SPEC_MAX	1536

struct rs_config {
	char path[RS_PATH_MAX];
	struct rs_general_conf general;
	struct rs_port_conf ports[RS_MAX_PORTS];
	unsigned n_ports; /* highest [port N] + 1 */
	struct rs_channel_conf *channels;
	unsigned n_channels;
	struct rs_generator_conf generator;
	/* [observer NAME] sections as --observer specs: LIB.so[@CHAN,...][:ARGS] */
	char observers[RS_CONFIG_MAX_OBSERVERS][RS_OBSERVER_SPEC_MAX];
	unsigned n_observers;
};

/*
 * Load and validate a config file. On error returns -1 with a message in
 * err naming the file, section and key (never a key or salt value) and
 * leaves nothing allocated.
 */
int rs_config_load(const char *path, struct rs_config *cfg, char *err, size_t err_size);

/* Free channels and wipe their key material; cfg is left zeroed. */
void rs_config_free(struct rs_config *cfg);

/*
 * One channel from its fields (shared by the config file and the control
 * socket's channel.add). key is the literal key text or NULL when key_file
 * names a file (which must not be group/world readable). match, audio_pt,
 * video_pt and policy use the config file's syntax. On error returns -1 and
 * writes "<key>: <why>" to err.
 */
struct rs_channel_fields {
	const char *name;
	const char *mode;
	const char *key;
	const char *key_file;
	const char *salt;
	const char *match;
	const char *audio_pt;
	const char *video_pt;
	const char *policy;
};
int rs_channel_conf_make(const struct rs_channel_fields *f, struct rs_channel_conf *out, char *err,
			 size_t err_size);

/*
 * The master key of a mode from key text (literal) or a key file, and a
 * salt, with the same checks and messages as rs_channel_conf_make: exactly
 * one of key and key_file, salt per mode. For channel.rekey. On error
 * returns -1, writes "<key>: <why>" to err and leaves out wiped.
 */
int rs_channel_key_make(enum rs_mode mode, const char *key, const char *key_file, const char *salt,
			struct rs_master_key *out, char *err, size_t err_size);

/* Two matches are the same (address family, address, port)? */
int rs_match_equal(const struct rs_match *a, const struct rs_match *b);

/* "10.0.0.2:5004", "[2001:db8::1]:5004" or "*:6000"; buf of
 * RS_MATCH_TEXT_MAX bytes is enough. Returns 0, or -1 if it did not fit. */
int rs_match_format(const struct rs_match *m, char *buf, size_t size);

/* rs_key_file_read() is in lib/rs_keys.h. */

/* Parse "ADDR:PORT", "[V6ADDR]:PORT" or "*:PORT" (port 1..65535; an IPv6
 * address needs the brackets; surrounding blanks are ignored). 0 or -1. */
int rs_match_parse(const char *text, struct rs_match *out);

#endif
