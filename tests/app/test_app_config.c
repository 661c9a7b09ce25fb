/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app/config.c: a table of small configs, each written to a temp file and
 * loaded. A success case checks the parsed values; a failure case checks
 * that the message names the file, the section and the key, and that it
 * quotes no key or salt. Then the shipped configs, key files, GCM2
 * derivation against rs_master_key_make, and the string-only entry points
 * the control socket uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Test secrets: no error message may contain any of them. */
#define GCM2_KEY    "a0655491715ed1e6910e0408acea2710e498959f08e3f4c9bd6f3cd419b92521"
#define GCM2_SALT   "+HSnIhRzAIUkQAOVc+SF8FRdB0A/Au3ziYiflXHcB0w="
#define GCM2_KEY2   "14c05718089401118ad3642a644ae8b789cee3ef53000ed6e91d7bc681fd623d"
#define GCM2_SALT2  "E/M3PFCY7o6fporMV4w8H2//FqEZfBQLXvXrrbYx3P0="
#define SALT_31	    "cC9ZR+fnsFPum8edxtu5C1XagsrUl8n69ZzN1yMuvA=="
#define SALT_HEX    "148758ae23e860ad6e9cc2f1d94808da6acac2ac7969d1c211978b700ca9566c"
#define AEAD128_KEY "1cc7270a70b2fea4a946075d85ff9d96"
#define AEAD256_KEY "148758ae23e860ad6e9cc2f1d94808da6acac2ac7969d1c211978b700ca9566c"
#define AEAD_SALT   "74e37f649afe88460141bbe6"
#define INLINE_128  "inline:aSo4hv4JN4Mn4vTjIn0yRzh5SvWDHWusNWwqdA=="
#define INLINE_256  "inline:yhKxpQzGw2ECe7lCoqFF4j6ZGYkwTId/eq1n8DgAL5DldqfoqcMVJi5lOJw="
#define FILE_KEY    "be7d6ffd6e13ae3858ce7ee84487081a7240bd775cb8ec35fd9a2e8505a86359"

static const char *const secrets[] = {
    GCM2_KEY,
    GCM2_SALT,
    GCM2_KEY2,
    GCM2_SALT2,
    SALT_31,
    SALT_HEX,
    AEAD128_KEY,
    AEAD256_KEY,
    AEAD_SALT,
    INLINE_128 + 7,
    INLINE_256 + 7,
    FILE_KEY,
    /* pieces, in case a message quotes part of a value */
    "a0655491715ed1e6",
    "+HSnIhRzAIUkQAOV",
    "cC9ZR+fnsFPum8ed",
    "1cc7270a70b2fea4",
    "74e37f649afe8846",
    "aSo4hv4JN4Mn4vTj",
    "be7d6ffd6e13ae38",
};

#define PORTS	   "[port 0]\nrole = clear\npeer = 1\n[port 1]\nrole = cipher\npeer = 0\n"
#define CH_A	   "[channel a]\nmode = AES_128_GCM2\nkey = " GCM2_KEY "\nsalt = " GCM2_SALT "\n"
#define CH_A_MATCH CH_A "match = 10.0.0.2:5004\n"

struct cfg_case {
	const char *name;
	const char *text;
	/* "@KEYFILE@" in text becomes a temp file holding this, with this mode */
	const char *key_file;
	mode_t key_mode;
	int ok;
	/* failure: substrings the message must hold ("[channel a]", "salt") */
	const char *section;
	const char *key;
	const char *why;
	/* success: checks on the parsed config */
	void (*check)(const struct rs_config *cfg);
};

/* ---- success checks ---- */

static void check_observers(const struct rs_config *cfg)
{
	assert_int_equal(cfg->n_observers, 2);
	assert_string_equal(cfg->observers[0], "/opt/obs/aes.so@room-1,room-2:/etc/k.txt");
	assert_string_equal(cfg->observers[1], "hist.so");
}

static void check_defaults(const struct rs_config *c)
{
	assert_string_equal(c->general.control_socket, "");
	assert_int_equal(c->general.replay_window, 1024);
	assert_int_equal(c->general.burst, 32);
	assert_int_equal(c->general.rekey_overlap_ms, 2000);
	assert_int_equal(c->general.non_media, RS_PASS);
	assert_int_equal(c->general.fragments, RS_PASS);
	assert_int_equal(c->general.ipv6_ext, RS_PASS);
	assert_int_equal(c->general.no_channel, RS_DROP);
	assert_int_equal(c->n_ports, 2);
	assert_true(c->ports[0].present && c->ports[1].present);
	assert_int_equal(c->ports[0].role, RS_ROLE_CLEAR);
	assert_int_equal(c->ports[0].peer, 1);
	assert_int_equal(c->ports[1].role, RS_ROLE_CIPHER);
	assert_int_equal(c->ports[1].peer, 0);
	assert_false(c->ports[0].has_dst_mac || c->ports[0].has_src_mac);
	assert_int_equal(c->n_channels, 0);
	assert_false(c->generator.enabled);
	assert_int_equal(c->generator.streams_per_channel, 4);
	assert_int_equal(c->generator.audio_share, 70);
	assert_int_equal(c->generator.seed, 1);
	assert_int_equal(c->generator.audio_payload, 0);
	assert_int_equal(c->generator.video_payload, 0);
	assert_int_equal(c->generator.udp_checksum, 1);
	assert_int_equal(c->generator.rtcp, 1);
}

static void check_general(const struct rs_config *c)
{
	assert_string_equal(c->general.control_socket, "/tmp/rtpseal-test.sock");
	assert_int_equal(c->general.replay_window, 64);
	assert_int_equal(c->general.burst, 64);
	assert_int_equal(c->general.rekey_overlap_ms, 0);
	assert_int_equal(c->general.non_media, RS_DROP);
	assert_int_equal(c->general.fragments, RS_DROP);
	assert_int_equal(c->general.ipv6_ext, RS_DROP);
	assert_int_equal(c->general.no_channel, RS_PASS);
}

static void check_window_max(const struct rs_config *c)
{
	assert_int_equal(c->general.replay_window, 32768);
	assert_int_equal(c->general.burst, 1);
}

static void check_macs(const struct rs_config *c)
{
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x10};
	static const uint8_t src[6] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0};

	assert_true(c->ports[0].has_dst_mac);
	assert_memory_equal(c->ports[0].dst_mac, dst, 6);
	assert_true(c->ports[0].has_src_mac);
	assert_memory_equal(c->ports[0].src_mac, src, 6);
	assert_false(c->ports[1].has_dst_mac);
}

static void expect_master(const struct rs_channel_conf *ch, enum rs_mode mode, const char *key,
			  const char *salt)
{
	struct rs_master_key mk;

	assert_int_equal(ch->mode, mode);
	assert_int_equal(rs_master_key_make(mode, key, strlen(key), salt, &mk), RS_OK);
	assert_int_equal(ch->master.key_len, mk.key_len);
	assert_memory_equal(ch->master.key, mk.key, mk.key_len);
	assert_memory_equal(ch->master.salt, mk.salt, RS_MASTER_SALT_LEN);
	rs_master_key_wipe(&mk);
}

static void check_gcm2_b64(const struct rs_config *c)
{
	assert_int_equal(c->n_channels, 1);
	assert_string_equal(c->channels[0].name, "a");
	assert_int_equal(c->channels[0].master.key_len, 16);
	expect_master(&c->channels[0], RS_MODE_AES_128_GCM2, GCM2_KEY, GCM2_SALT);
}

static void check_gcm2_hex(const struct rs_config *c)
{
	assert_int_equal(c->channels[0].master.key_len, 32);
	expect_master(&c->channels[0], RS_MODE_AES_256_GCM2, GCM2_KEY2, SALT_HEX);
}

static void check_aead128(const struct rs_config *c)
{
	static const uint8_t key[16] = {0x1c, 0xc7, 0x27, 0x0a, 0x70, 0xb2, 0xfe, 0xa4,
					0xa9, 0x46, 0x07, 0x5d, 0x85, 0xff, 0x9d, 0x96};
	static const uint8_t salt[12] = {0x74, 0xe3, 0x7f, 0x64, 0x9a, 0xfe,
					 0x88, 0x46, 0x01, 0x41, 0xbb, 0xe6};

	assert_int_equal(c->channels[0].mode, RS_MODE_AEAD_AES_128_GCM);
	assert_int_equal(c->channels[0].master.key_len, 16);
	assert_memory_equal(c->channels[0].master.key, key, 16);
	assert_memory_equal(c->channels[0].master.salt, salt, 12);
}

static void check_inline256(const struct rs_config *c)
{
	expect_master(&c->channels[0], RS_MODE_AEAD_AES_256_GCM, INLINE_256, NULL);
}

static void check_gcm_nosalt(const struct rs_config *c)
{
	expect_master(&c->channels[0], RS_MODE_AES_128_GCM, GCM2_KEY, NULL);
}

static void check_matches(const struct rs_config *c)
{
	const struct rs_channel_conf *ch = &c->channels[0];
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	static const uint8_t v4[4] = {10, 0, 0, 2};

	assert_int_equal(ch->n_match, 3);
	assert_int_equal(ch->match[0].ip_version, 4);
	assert_false(ch->match[0].any_addr);
	assert_memory_equal(ch->match[0].addr, v4, 4);
	assert_int_equal(ch->match[0].port, 5004);
	assert_true(ch->match[1].any_addr);
	assert_int_equal(ch->match[1].port, 6000);
	assert_int_equal(ch->match[2].ip_version, 6);
	assert_memory_equal(ch->match[2].addr, v6, 16);
	assert_int_equal(ch->match[2].port, 5004);
}

static void check_pt(const struct rs_config *c)
{
	const struct rs_pt_map *m = &c->channels[0].pt_map;

	assert_int_equal(rs_classify(m, 0), RS_CLASS_AUDIO);
	assert_int_equal(rs_classify(m, 8), RS_CLASS_VIDEO); /* moved by video_pt */
	assert_int_equal(rs_classify(m, 111), RS_CLASS_AUDIO);
	assert_int_equal(rs_classify(m, 96), RS_CLASS_VIDEO);
	assert_int_equal(rs_classify(m, 127), RS_CLASS_VIDEO);
	assert_int_equal(rs_classify(m, 26), RS_CLASS_VIDEO);
	assert_int_equal(rs_classify(m, 100), RS_CLASS_OTHER);
	/* no policy: everything sealed */
	for (unsigned i = 0; i < RS_CLASS_COUNT; i++)
		assert_int_equal(c->channels[0].policy[i], RS_POLICY_ENCRYPT);
}

static void check_policy_word(const struct rs_config *c)
{
	for (unsigned i = 0; i < RS_CLASS_COUNT; i++)
		assert_int_equal(c->channels[0].policy[i], RS_POLICY_PASS);
}

static void check_policy_pairs(const struct rs_config *c)
{
	assert_int_equal(c->channels[0].policy[RS_CLASS_AUDIO], RS_POLICY_ENCRYPT);
	assert_int_equal(c->channels[0].policy[RS_CLASS_VIDEO], RS_POLICY_PASS);
	assert_int_equal(c->channels[0].policy[RS_CLASS_OTHER], RS_POLICY_DROP);
}

static void check_policy_commas(const struct rs_config *c)
{
	assert_int_equal(c->channels[0].policy[RS_CLASS_AUDIO], RS_POLICY_DROP);
	assert_int_equal(c->channels[0].policy[RS_CLASS_VIDEO], RS_POLICY_PASS);
	assert_int_equal(c->channels[0].policy[RS_CLASS_OTHER], RS_POLICY_ENCRYPT);
}

static void check_two_channels(const struct rs_config *c)
{
	assert_int_equal(c->n_channels, 3);
	assert_string_equal(c->channels[1].name, "b");
	assert_string_equal(c->channels[2].name, "c_3");
	assert_true(c->channels[2].match[0].any_addr);
	expect_master(&c->channels[1], RS_MODE_AES_256_GCM2, GCM2_KEY2, GCM2_SALT2);
}

static void check_generator(const struct rs_config *c)
{
	assert_true(c->generator.enabled);
	assert_int_equal(c->generator.port, 0);
	assert_int_equal(c->generator.rate_pps, 250000);
	assert_int_equal(c->generator.streams_per_channel, 1024);
	assert_int_equal(c->generator.audio_share, 0);
	assert_int_equal(c->generator.seed, UINT64_MAX);
	assert_int_equal(c->generator.audio_payload, 1);
	assert_int_equal(c->generator.video_payload, 1400);
	assert_int_equal(c->generator.udp_checksum, 0);
	assert_int_equal(c->generator.rtcp, 0);
}

static void check_generator_on(const struct rs_config *c)
{
	assert_int_equal(c->generator.audio_payload, 160);
	assert_int_equal(c->generator.video_payload, 0);
	assert_int_equal(c->generator.udp_checksum, 1);
	assert_int_equal(c->generator.rtcp, 1);
}

static void check_generator_defaults(const struct rs_config *c)
{
	assert_true(c->generator.enabled);
	assert_int_equal(c->generator.rate_pps, 0);
	assert_int_equal(c->generator.streams_per_channel, 4);
	assert_int_equal(c->generator.audio_share, 70);
	assert_int_equal(c->generator.seed, 1);
	assert_int_equal(c->generator.audio_payload, 0);
	assert_int_equal(c->generator.video_payload, 0);
	assert_int_equal(c->generator.udp_checksum, 1);
	assert_int_equal(c->generator.rtcp, 1);
}

/* [generator] fault injection (the soak) */
#define PORTS_3 PORTS "[port 2]\nrole = cipher\npeer = 0\n"
#define FAULT_CH                                                                                   \
	CH_A_MATCH "[channel b]\nmode = AEAD_AES_128_GCM\nkey = " AEAD128_KEY                      \
		   "\nsalt = " AEAD_SALT "\nmatch = 10.0.0.3:5004\n"
#define GEN_F(k) "[generator]\nport = 0\n" k

static void check_generator_faults(const struct rs_config *c)
{
	assert_int_equal(c->generator.faults, 10);
	assert_string_equal(c->generator.fault_channel, "b");
	assert_int_equal(c->generator.has_fault_port, 1);
	assert_int_equal(c->generator.fault_port, 2);
	assert_int_equal(c->generator.streams_per_channel, 2);
}

static void check_key_file(const struct rs_config *c)
{
	expect_master(&c->channels[0], RS_MODE_AES_128_GCM2, FILE_KEY, GCM2_SALT);
}

static void check_long_name(const struct rs_config *c)
{
	assert_int_equal(strlen(c->channels[0].name), 55);
}

#define OK(n, t, chk)                                                                              \
	{                                                                                          \
		.name = n, .text = t, .ok = 1, .check = chk                                        \
	}
#define OK_KF(n, t, kf, mode, chk)                                                                 \
	{                                                                                          \
		.name = n, .text = t, .key_file = kf, .key_mode = mode, .ok = 1, .check = chk      \
	}
#define BAD(n, t, sec, k, w)                                                                       \
	{                                                                                          \
		.name = n, .text = t, .section = sec, .key = k, .why = w                           \
	}
#define BAD_KF(n, t, kf, mode, sec, k, w)                                                          \
	{                                                                                          \
		.name = n, .text = t, .key_file = kf, .key_mode = mode, .section = sec, .key = k,  \
		.why = w                                                                           \
	}

static const struct cfg_case cases[] = {
    /* ---- accepted ---- */
    OK("defaults", PORTS, check_defaults),
    OK("general_all_keys",
       "[general]\ncontrol_socket = /tmp/rtpseal-test.sock\nreplay_window = 64\nburst = 64\n"
       "rekey_overlap_ms = 0\nnon_media = drop\nfragments = drop\nipv6_ext = drop\n"
       "no_channel = pass\n" PORTS,
       check_general),
    OK("window_max_burst_min", "[general]\nreplay_window = 32768 ; max\nburst = 1\n" PORTS,
       check_window_max),
    OK("empty_control_socket_is_none", "[general]\ncontrol_socket =\n" PORTS, check_defaults),
    OK("macs",
       "[port 0]\nrole = clear\npeer = 1\ndst_mac = 02:00:00:00:00:10\n"
       "src_mac = AA:BB:CC:DD:EE:F0\n[port 1]\nrole = cipher\npeer = 0\n",
       check_macs),
    OK("gcm2_base64_salt", PORTS CH_A_MATCH, check_gcm2_b64),
    OK("gcm2_hex_salt",
       PORTS "[channel a]\nmode = AES_256_GCM2\nkey = " GCM2_KEY2 "\nsalt = " SALT_HEX
	     "\nmatch = *:5004\n",
       check_gcm2_hex),
    OK("aead128_hex",
       PORTS "[channel a]\nmode = AEAD_AES_128_GCM\nkey = " AEAD128_KEY "\nsalt = " AEAD_SALT
	     "\nmatch = *:5004\n",
       check_aead128),
    OK("aead256_inline",
       PORTS "[channel a]\nmode = AEAD_AES_256_GCM\nkey = " INLINE_256 "\nmatch = *:5004\n",
       check_inline256),
    OK("gcm_without_salt",
       PORTS "[channel a]\nmode = AES_128_GCM\nkey = " GCM2_KEY "\nmatch = *:5004\n",
       check_gcm_nosalt),
    OK("match_list", PORTS CH_A "match = 10.0.0.2:5004, *:6000, [2001:db8::1]:5004\n",
       check_matches),
    OK("pt_lists", PORTS CH_A_MATCH "audio_pt = 0, 111\nvideo_pt = 8,96 , 127\n", check_pt),
    OK("policy_one_word", PORTS CH_A_MATCH "policy = pass\n", check_policy_word),
    OK("policy_pairs", PORTS CH_A_MATCH "policy = video:pass other:drop\n", check_policy_pairs),
    OK("policy_commas", PORTS CH_A_MATCH "policy = audio:drop, video:pass\n", check_policy_commas),
    OK("same_port_other_addresses",
       PORTS CH_A_MATCH "[channel b]\nmode = AES_256_GCM2\nkey = " GCM2_KEY2 "\nsalt = " GCM2_SALT2
			"\nmatch = 10.0.0.3:5004, [::1]:5004\n"
			"[channel c_3]\nmode = AES_128_GCM\nkey = x\nmatch = *:5004\n",
       check_two_channels),
    OK("generator_all_keys",
       PORTS "[generator]\nport = 0\nrate_pps = 250000\nstreams_per_channel = 1024\n"
	     "audio_share = 0\nseed = 18446744073709551615\naudio_payload = 1\n"
	     "video_payload = 1400\nudp_checksum = off\nrtcp = off\n",
       check_generator),
    OK("generator_on_fixed_audio",
       PORTS "[generator]\nport = 0\naudio_payload = 160\nvideo_payload = 0\n"
	     "udp_checksum = on\nrtcp = on\n",
       check_generator_on),
    OK("generator_defaults", PORTS "[generator]\nport = 0\n", check_generator_defaults),
    OK("generator_faults",
       PORTS_3 FAULT_CH GEN_F("faults = 10\nstreams_per_channel = 2\nfault_channel = b\n"
			      "fault_port = 2\n"),
       check_generator_faults),
    OK_KF("key_file_0600",
	  PORTS "[channel a]\nmode = AES_128_GCM2\nkey_file = @KEYFILE@\nsalt = " GCM2_SALT
		"\nmatch = *:5004\n",
	  FILE_KEY "\n", 0600, check_key_file),
    OK_KF("key_file_crlf_0400",
	  PORTS "[channel a]\nmode = AES_128_GCM2\nkey_file = @KEYFILE@\nsalt = " GCM2_SALT
		"\nmatch = *:5004\n",
	  FILE_KEY "\r\n", 0400, check_key_file),
    OK("channel_name_55_chars",
       PORTS
       "[channel abcdefghij-abcdefghij-abcdefghij-abcdefghij_abcdefghij0]\nmode = AES_128_GCM\n"
       "key = k\nmatch = *:5004\n",
       check_long_name),

    /* ---- sections ---- */
    OK("observer_sections",
       PORTS "[observer enc]\nlibrary = /opt/obs/aes.so\nchannels = room-1, room-2\n"
	     "args = /etc/k.txt\n[observer hist]\nlibrary = hist.so\n",
       check_observers),
    BAD("observer_no_library", PORTS "[observer x]\nargs = a\n", "[observer x]", "library",
	"missing"),
    BAD("observer_unknown_key", PORTS "[observer x]\nlibrary = a.so\npath = b\n", "[observer x]",
	"path", NULL),
    BAD("observer_path_colon", PORTS "[observer x]\nlibrary = a:b.so\n", "[observer x]", "library",
	"'@' or ':'"),
    BAD("unknown_section", PORTS "[ports 2]\nrole = clear\n", "[ports 2]", NULL, "unknown section"),
    BAD("port_without_number", PORTS "[port]\nrole = clear\n", "[port]", NULL, "unknown section"),
    BAD("general_with_argument", PORTS "[general x]\nburst = 1\n", "[general x]", NULL,
	"unknown section"),
    BAD("port_number_range", PORTS "[port 32]\nrole = clear\npeer = 0\n", "[port 32]", NULL,
	"0..31"),
    BAD("port_twice", PORTS "[port 0]\nrole = clear\npeer = 1\n", "[port 0]", NULL, "twice"),
    BAD("channel_twice", PORTS CH_A_MATCH CH_A "match = *:7000\n", "[channel a]", NULL, "twice"),
    BAD("no_ports", CH_A_MATCH, NULL, NULL, "[port N]"),
    BAD("general_twice", "[general]\nburst = 8\n" PORTS "[general]\nreplay_window = 64\n",
	"[general]", NULL, "twice"),
    BAD("generator_twice", PORTS "[generator]\nport = 0\n[generator]\nport = 0\n", "[generator]",
	NULL, "twice"),

    /* ---- [general] ---- */
    BAD("general_unknown_key", "[general]\nreplay_windw = 1024\n" PORTS, "[general]",
	"replay_windw", "unknown key"),
    BAD("general_key_twice", "[general]\nburst = 8\nburst = 16\n" PORTS, "[general]", "burst",
	"twice"),
    BAD("replay_window_63", "[general]\nreplay_window = 63\n" PORTS, "[general]", "replay_window",
	"64..32768 (got 63)"),
    BAD("replay_window_32769", "[general]\nreplay_window = 32769\n" PORTS, "[general]",
	"replay_window", "(got 32769)"),
    BAD("replay_window_not_number", "[general]\nreplay_window = 1k\n" PORTS, "[general]",
	"replay_window", "decimal"),
    BAD("burst_0", "[general]\nburst = 0\n" PORTS, "[general]", "burst", "1..64"),
    BAD("burst_65", "[general]\nburst = 65\n" PORTS, "[general]", "burst", "1..64"),
    BAD("burst_negative", "[general]\nburst = -1\n" PORTS, "[general]", "burst", "decimal"),
    BAD("rekey_overlap_range", "[general]\nrekey_overlap_ms = 60001\n" PORTS, "[general]",
	"rekey_overlap_ms", "0..60000"),
    BAD("non_media_word", "[general]\nnon_media = maybe\n" PORTS, "[general]", "non_media",
	"pass or drop"),
    BAD("fragments_word", "[general]\nfragments = yes\n" PORTS, "[general]", "fragments",
	"pass or drop"),
    BAD("ipv6_ext_word", "[general]\nipv6_ext = Pass\n" PORTS, "[general]", "ipv6_ext",
	"pass or drop"),
    BAD("no_channel_word", "[general]\nno_channel = encrypt\n" PORTS, "[general]", "no_channel",
	"pass or drop"),
    BAD("control_socket_relative", "[general]\ncontrol_socket = run/x.sock\n" PORTS, "[general]",
	"control_socket", "absolute"),
    BAD("empty_value", "[general]\nburst =\n" PORTS, "[general]", "burst", "empty"),

    /* ---- [port N] ---- */
    BAD("port_role_missing", "[port 0]\npeer = 1\n[port 1]\nrole = cipher\npeer = 0\n", "[port 0]",
	"role", "missing"),
    BAD("port_role_word", "[port 0]\nrole = plain\npeer = 1\n[port 1]\nrole = cipher\npeer = 0\n",
	"[port 0]", "role", "clear"),
    BAD("port_peer_missing", "[port 0]\nrole = clear\n[port 1]\nrole = cipher\npeer = 0\n",
	"[port 0]", "peer", "missing"),
    BAD("port_peer_itself", "[port 0]\nrole = clear\npeer = 0\n[port 1]\nrole=cipher\npeer=0\n",
	"[port 0]", "peer", "own peer"),
    BAD("port_peer_absent", "[port 0]\nrole = clear\npeer = 5\n[port 1]\nrole=cipher\npeer=0\n",
	"[port 0]", "peer", "not configured"),
    BAD("port_gap", "[port 0]\nrole = clear\npeer = 2\n[port 2]\nrole=cipher\npeer=0\n", "[port 1]",
	NULL, "without gaps (the highest is [port 2])"),
    BAD("ports_out_of_order",
	"[port 1]\nrole = cipher\npeer = 0\n[port 0]\nrole=clear\npeer=1\n[port 2]\nrole=clear\n"
	"peer=0\n",
	"[port 2]", "peer", "port 0 has role clear too"),
    BAD("port_peer_same_role", "[port 0]\nrole = clear\npeer = 1\n[port 1]\nrole=clear\npeer=0\n",
	"[port 0]", "peer", "role clear"),
    BAD("port_peer_range", "[port 0]\nrole = clear\npeer = 99\n[port 1]\nrole=cipher\npeer=0\n",
	"[port 0]", "peer", "0..31"),
    BAD("port_unknown_key", PORTS "[port 2]\nrole = clear\npeer = 1\nmtu = 1500\n", "[port 2]",
	"mtu", "unknown key"),
    BAD("port_mac_short",
	"[port 0]\nrole = clear\npeer = 1\ndst_mac = 02:00:00:00:00\n[port "
	"1]\nrole=cipher\npeer=0\n",
	"[port 0]", "dst_mac", "MAC address"),
    BAD("port_mac_zero",
	"[port 0]\nrole = clear\npeer = 1\ndst_mac = 00:00:00:00:00:00\n[port 1]\nrole=cipher\n"
	"peer=0\n",
	"[port 0]", "dst_mac", "00:00:00:00:00:00"),
    BAD("port_src_mac_multicast",
	"[port 0]\nrole = clear\npeer = 1\nsrc_mac = 01:00:5e:00:00:01\n[port 1]\nrole=cipher\n"
	"peer=0\n",
	"[port 0]", "src_mac", "unicast"),

    /* ---- [channel NAME]: mode, key, salt ---- */
    BAD("channel_unknown_key", PORTS CH_A_MATCH "keyfile = /x\n", "[channel a]", "keyfile",
	"unknown key"),
    BAD("channel_key_twice", PORTS CH_A_MATCH "key = " GCM2_KEY2 "\n", "[channel a]", "key",
	"twice"),
    BAD("channel_name_chars", PORTS "[channel room.42]\nmode = AES_128_GCM\nkey = k\nmatch=*:1\n",
	"[channel room.42]", "name", "A-Z"),
    BAD("channel_name_56_chars",
	PORTS
	"[channel abcdefghij-abcdefghij-abcdefghij-abcdefghij_abcdefghij01]\nmode = AES_128_GCM\n"
	"key = k\nmatch = *:5004\n",
	"[channel abcdefghij", NULL, "at most 55"),
    BAD("mode_missing", PORTS "[channel a]\nkey = " GCM2_KEY "\nmatch = *:5004\n", "[channel a]",
	"mode", "missing"),
    BAD("mode_unknown",
	PORTS "[channel a]\nmode = AES_128_CTR\nkey = " GCM2_KEY "\nmatch = *:5004\n",
	"[channel a]", "mode", "unknown mode"),
    BAD("mode_legacy_xts",
	PORTS "[channel a]\nmode = AES_128_XTS\nkey = " GCM2_KEY "\nmatch = *:5004\n",
	"[channel a]", "mode", "legacy mode refused"),
    BAD("mode_legacy_sm4",
	PORTS "[channel a]\nmode = SM4_128_ECB\nkey = " GCM2_KEY "\nmatch = *:5004\n",
	"[channel a]", "mode", "no integrity"),
    BAD("key_and_key_file", PORTS CH_A_MATCH "key_file = /etc/passwd\n", "[channel a]", "key",
	"exactly one"),
    BAD("no_key", PORTS "[channel a]\nmode = AES_128_GCM2\nsalt = " GCM2_SALT "\nmatch=*:1\n",
	"[channel a]", "key", "exactly one"),
    BAD("gcm2_salt_missing",
	PORTS "[channel a]\nmode = AES_128_GCM2\nkey = " GCM2_KEY "\nmatch = *:5004\n",
	"[channel a]", "salt", "needs a salt"),
    BAD("gcm2_salt_31_bytes",
	PORTS "[channel a]\nmode = AES_128_GCM2\nkey = " GCM2_KEY "\nsalt = " SALT_31
	      "\nmatch = *:5004\n",
	"[channel a]", "salt", "must be 32 bytes as base64 or 64 hex digits (got 31 bytes)"),
    BAD("gcm2_salt_62_hex",
	PORTS "[channel a]\nmode = AES_256_GCM2\nkey = " GCM2_KEY
	      "\nsalt = 148758ae23e860ad6e9cc2f1d94808da6acac2ac7969d1c211978b700ca956"
	      "\nmatch = *:5004\n",
	"[channel a]", "salt", "(got 62 hex digits)"),
    BAD("gcm2_salt_not_base64",
	PORTS "[channel a]\nmode = AES_128_GCM2\nkey = " GCM2_KEY
	      "\nsalt = +HSnIhRzAIUkQAOV*+SF8FRdB0A/Au3ziYiflXHcB0w=\nmatch = *:5004\n",
	"[channel a]", "salt", "not valid base64"),
    BAD("aead_key_length",
	PORTS "[channel a]\nmode = AEAD_AES_256_GCM\nkey = " AEAD128_KEY "\nsalt = " AEAD_SALT
	      "\nmatch = *:5004\n",
	"[channel a]", "key", "64 hex digits for AEAD_AES_256_GCM (got 32)"),
    BAD("aead_key_not_hex",
	PORTS "[channel a]\nmode = AEAD_AES_128_GCM\nkey = " GCM2_SALT "\nsalt = " AEAD_SALT
	      "\nmatch = *:5004\n",
	"[channel a]", "key", "32 hex digits or SDES inline"),
    BAD("aead_salt_length",
	PORTS "[channel a]\nmode = AEAD_AES_128_GCM\nkey = " AEAD128_KEY
	      "\nsalt = 74e37f649afe88460141bb\nmatch = *:5004\n",
	"[channel a]", "salt", "24 hex digits (got 22)"),
    BAD("aead_salt_missing",
	PORTS "[channel a]\nmode = AEAD_AES_128_GCM\nkey = " AEAD128_KEY "\nmatch = *:5004\n",
	"[channel a]", "salt", "needs a salt"),
    BAD("aead_inline_with_salt",
	PORTS "[channel a]\nmode = AEAD_AES_128_GCM\nkey = " INLINE_128 "\nsalt = " AEAD_SALT
	      "\nmatch = *:5004\n",
	"[channel a]", "salt", "inside it"),
    BAD("aead_inline_length",
	PORTS "[channel a]\nmode = AEAD_AES_256_GCM\nkey = " INLINE_128 "\nmatch = *:5004\n",
	"[channel a]", "key", "44 bytes (32-byte key + 12-byte salt) for AEAD_AES_256_GCM (got 28"),
    BAD("gcm_with_salt",
	PORTS "[channel a]\nmode = AES_256_GCM\nkey = " GCM2_KEY "\nsalt = " GCM2_SALT
	      "\nmatch = *:5004\n",
	"[channel a]", "salt", "takes no salt"),

    /* ---- key files ---- */
    BAD_KF("key_file_0644",
	   PORTS "[channel a]\nmode = AES_128_GCM2\nkey_file = @KEYFILE@\nsalt = " GCM2_SALT
		 "\nmatch = *:5004\n",
	   FILE_KEY "\n", 0644, "[channel a]", "key_file", "mode 0644"),
    BAD_KF("key_file_0640",
	   PORTS "[channel a]\nmode = AES_128_GCM2\nkey_file = @KEYFILE@\nsalt = " GCM2_SALT
		 "\nmatch = *:5004\n",
	   FILE_KEY "\n", 0640, "[channel a]", "key_file", "chmod 600"),
    BAD_KF("key_file_0610",
	   PORTS "[channel a]\nmode = AES_128_GCM2\nkey_file = @KEYFILE@\nsalt = " GCM2_SALT
		 "\nmatch = *:5004\n",
	   FILE_KEY "\n", 0610, "[channel a]", "key_file", "group/world"),
    BAD("key_file_missing",
	PORTS "[channel a]\nmode = AES_128_GCM2\nkey_file = /nonexistent/rs.key\nsalt = " GCM2_SALT
	      "\nmatch = *:5004\n",
	"[channel a]", "key_file", "cannot open"),
    BAD("key_file_directory",
	PORTS "[channel a]\nmode = AES_128_GCM2\nkey_file = /tmp\nsalt = " GCM2_SALT
	      "\nmatch = *:5004\n",
	"[channel a]", "key_file", "not a regular file"),
    BAD_KF("key_file_empty",
	   PORTS "[channel a]\nmode = AES_128_GCM2\nkey_file = @KEYFILE@\nsalt = " GCM2_SALT
		 "\nmatch = *:5004\n",
	   "\n", 0600, "[channel a]", "key_file", "empty"),
    BAD_KF("key_file_aead_bad_length",
	   PORTS "[channel a]\nmode = AEAD_AES_128_GCM\nkey_file = @KEYFILE@\nsalt = " AEAD_SALT
		 "\nmatch = *:5004\n",
	   FILE_KEY "\n", 0600, "[channel a]", "key_file", "(got 64)"),

    /* ---- match ---- */
    BAD("match_missing", PORTS CH_A, "[channel a]", "match", "missing"),
    BAD("match_empty_entry", PORTS CH_A "match = 10.0.0.2:5004,,*:6000\n", "[channel a]", "match",
	"entry 2 is empty"),
    BAD("match_trailing_comma", PORTS CH_A "match = 10.0.0.2:5004,\n", "[channel a]", "match",
	"entry 2 is empty"),
    BAD("match_port_0", PORTS CH_A "match = 10.0.0.2:0\n", "[channel a]", "match", "1..65535"),
    BAD("match_port_65536", PORTS CH_A "match = *:65536\n", "[channel a]", "match", "1..65535"),
    BAD("match_bad_ipv4", PORTS CH_A "match = 10.0.0.300:5004\n", "[channel a]", "match",
	"not an IPv4"),
    BAD("match_bad_ipv6", PORTS CH_A "match = [2001:db8::g]:5004\n", "[channel a]", "match",
	"not an IPv6"),
    BAD("match_ipv6_no_brackets", PORTS CH_A "match = 2001:db8::1:5004\n", "[channel a]", "match",
	"brackets"),
    BAD("match_no_port", PORTS CH_A "match = 10.0.0.2\n", "[channel a]", "match", "ADDR:PORT"),
    BAD("match_twice_in_channel", PORTS CH_A "match = *:5004, 10.0.0.1:1, *:5004\n", "[channel a]",
	"match", "*:5004 listed twice"),
    BAD("match_shared_by_channels",
	PORTS CH_A "match = [2001:db8::1]:5004\n[channel b]\nmode = AES_128_GCM\nkey = k\n"
		   "match = 10.0.0.9:9, [2001:db8:0::1]:5004\n",
	"[channel b]", "match", "[2001:db8::1]:5004 is already matched by channel a"),
    BAD("match_too_many",
	PORTS CH_A "match = *:1,*:2,*:3,*:4,*:5,*:6,*:7,*:8,*:9,*:10,*:11,*:12,*:13,*:14,*:15,"
		   "*:16,*:17\n",
	"[channel a]", "match", "more than 16"),

    /* ---- payload types, policy ---- */
    BAD("audio_pt_128", PORTS CH_A_MATCH "audio_pt = 0, 128\n", "[channel a]", "audio_pt",
	"entry 2"),
    BAD("video_pt_word", PORTS CH_A_MATCH "video_pt = vp8\n", "[channel a]", "video_pt", "0..127"),
    BAD("pt_in_both_lists", PORTS CH_A_MATCH "audio_pt = 111\nvideo_pt = 96, 111\n", "[channel a]",
	"video_pt", "111 is in both"),
    BAD("pt_twice", PORTS CH_A_MATCH "audio_pt = 0, 8, 0\n", "[channel a]", "audio_pt",
	"0 listed twice"),
    BAD("policy_word", PORTS CH_A_MATCH "policy = encrypted\n", "[channel a]", "policy",
	"encrypt|pass|drop"),
    BAD("policy_class", PORTS CH_A_MATCH "policy = data:pass\n", "[channel a]", "policy",
	"audio, video or other"),
    BAD("policy_action", PORTS CH_A_MATCH "policy = audio:seal\n", "[channel a]", "policy",
	"encrypt, pass or drop"),
    BAD("policy_class_twice", PORTS CH_A_MATCH "policy = audio:pass audio:drop\n", "[channel a]",
	"policy", "audio given twice"),

    /* ---- [generator] ---- */
    BAD("generator_port_missing", PORTS "[generator]\nrate_pps = 10\n", "[generator]", "port",
	"missing"),
    BAD("generator_port_absent", PORTS "[generator]\nport = 4\n", "[generator]", "port",
	"not configured"),
    BAD("generator_port_cipher", PORTS "[generator]\nport = 1\n", "[generator]", "port",
	"role cipher"),
    BAD("generator_streams_0", PORTS "[generator]\nport = 0\nstreams_per_channel = 0\n",
	"[generator]", "streams_per_channel", "1..1024"),
    BAD("generator_streams_1025", PORTS "[generator]\nport = 0\nstreams_per_channel = 1025\n",
	"[generator]", "streams_per_channel", "1..1024"),
    BAD("generator_audio_share", PORTS "[generator]\nport = 0\naudio_share = 101\n", "[generator]",
	"audio_share", "0..100"),
    BAD("generator_seed", PORTS "[generator]\nport = 0\nseed = 0x10\n", "[generator]", "seed",
	"decimal"),
    BAD("generator_seed_overflow", PORTS "[generator]\nport = 0\nseed = 18446744073709551616\n",
	"[generator]", "seed", "decimal"),
    BAD("generator_rate", PORTS "[generator]\nport = 0\nrate_pps = 1000000001\n", "[generator]",
	"rate_pps", "0..1000000000"),
    BAD("generator_unknown_key", PORTS "[generator]\nport = 0\npps = 5\n", "[generator]", "pps",
	"unknown key"),
    BAD("generator_audio_payload_big", PORTS "[generator]\nport = 0\naudio_payload = 1401\n",
	"[generator]", "audio_payload", "0..1400"),
    BAD("generator_video_payload_big", PORTS "[generator]\nport = 0\nvideo_payload = 65536\n",
	"[generator]", "video_payload", "0..1400"),
    BAD("generator_video_payload_sign", PORTS "[generator]\nport = 0\nvideo_payload = -1\n",
	"[generator]", "video_payload", "decimal"),
    BAD("generator_faults_no_channel", PORTS FAULT_CH GEN_F("faults = 10\n"), "[generator]",
	"fault_channel", "missing"),
    BAD("generator_fault_channel_unknown", PORTS FAULT_CH GEN_F("faults = 1\nfault_channel = zz\n"),
	"[generator]", "fault_channel", "no [channel zz]"),
    BAD("generator_fault_channel_only", PORTS CH_A_MATCH GEN_F("faults = 1\nfault_channel = a\n"),
	"[generator]", "fault_channel", "another channel"),
    BAD("generator_fault_port_clear",
	PORTS_3 FAULT_CH GEN_F("faults = 1\nfault_channel = b\nfault_port = 0\n"), "[generator]",
	"fault_port", "cipher port"),
    BAD("generator_fault_port_absent",
	PORTS_3 FAULT_CH GEN_F("faults = 1\nfault_channel = b\nfault_port = 7\n"), "[generator]",
	"fault_port", "cipher port"),
    BAD("generator_faults_101", PORTS FAULT_CH GEN_F("faults = 101\nfault_channel = b\n"),
	"[generator]", "faults", "0..100"),
    BAD("generator_faults_twice",
	PORTS FAULT_CH GEN_F("faults = 1\nfault_channel = b\nfaults = 2\n"), "[generator]",
	"faults", "twice"),
    BAD("generator_fault_unknown_key", PORTS FAULT_CH GEN_F("faulty = 1\n"), "[generator]",
	"faulty", "unknown key"),
    BAD("generator_fault_channel_alone", PORTS FAULT_CH GEN_F("fault_channel = b\n"), "[generator]",
	"faults", "missing"),
    BAD("generator_udp_checksum_yes", PORTS "[generator]\nport = 0\nudp_checksum = yes\n",
	"[generator]", "udp_checksum", "on or off"),
    BAD("generator_udp_checksum_case", PORTS "[generator]\nport = 0\nudp_checksum = ON\n",
	"[generator]", "udp_checksum", "on or off"),
    BAD("generator_rtcp_1", PORTS "[generator]\nport = 0\nrtcp = 1\n", "[generator]", "rtcp",
	"on or off"),
    BAD("generator_rtcp_empty", PORTS "[generator]\nport = 0\nrtcp =\n", "[generator]", "rtcp",
	"empty"),
    BAD("generator_rtcp_twice", PORTS "[generator]\nport = 0\nrtcp = on\nrtcp = off\n",
	"[generator]", "rtcp", "twice"),

    /* ---- what rte_cfgfile would skip or truncate silently ---- */
    BAD("line_without_equals", "[general]\nburst 32\n" PORTS, "[general]", NULL, ":2:"),
    BAD("hash_is_not_a_comment", "[general]\n# burst 32\n" PORTS, "[general]", NULL, ":2:"),
    BAD("key_before_section", "burst = 32\n" PORTS, "(before any section)", "burst",
	"outside any section"),
    BAD("value_too_long",
	PORTS "[channel a]\nmode = AES_128_GCM2\nkey = " GCM2_KEY GCM2_KEY GCM2_KEY GCM2_KEY
	      "\nsalt = " GCM2_SALT "\nmatch = *:1\n",
	"[channel a]", "key", "longer than 255"),
    BAD("text_after_section", "[general] burst = 1\n" PORTS, "[general]", NULL, "after"),
    BAD("section_without_bracket", "[general\n" PORTS, NULL, NULL, "without ']'"),
};

/* ---- running a case ---- */

static char *write_temp(const char *text, mode_t mode)
{
	char *path = strdup("/tmp/rs_conf_test_XXXXXX");
	int fd;
	size_t n = strlen(text);

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

/* text with every "@KEYFILE@" replaced by path */
static char *substitute(const char *text, const char *from, const char *to)
{
	size_t cap = strlen(text) * 2 + 4096, used = 0;
	char *out = malloc(cap);
	const char *p;

	assert_non_null(out);
	while ((p = strstr(text, from)) != NULL) {
		used +=
		    (size_t)snprintf(out + used, cap - used, "%.*s%s", (int)(p - text), text, to);
		text = p + strlen(from);
	}
	snprintf(out + used, cap - used, "%s", text);
	return out;
}

static void expect_no_secret(const char *msg, const char *extra)
{
	for (size_t i = 0; i < ARRAY_SIZE(secrets); i++)
		if (strstr(msg, secrets[i]))
			fail_msg("message quotes a secret: %s", msg);
	if (extra && *extra && strstr(msg, extra))
		fail_msg("message quotes the key file: %s", msg);
}

static void run_case(void **state)
{
	const struct cfg_case *c = *state;
	struct rs_config cfg;
	char err[RS_ERR_MSG_MAX] = "";
	char *key_path = NULL, *text, *path;
	int rc;

	if (c->key_file)
		key_path = write_temp(c->key_file, c->key_mode);
	text = substitute(c->text, "@KEYFILE@", key_path ? key_path : "");
	path = write_temp(text, 0600);
	rc = rs_config_load(path, &cfg, err, sizeof(err));
	if (c->ok) {
		if (rc != 0)
			fail_msg("%s: refused: %s", c->name, err);
		c->check(&cfg);
		rs_config_free(&cfg);
		assert_null(cfg.channels);
		assert_int_equal(cfg.n_channels, 0);
	} else {
		if (rc == 0) {
			rs_config_free(&cfg);
			fail_msg("%s: accepted", c->name);
		}
		assert_null(cfg.channels);
		if (!strstr(err, path))
			fail_msg("no file name in: %s", err);
		if (c->section && !strstr(err, c->section))
			fail_msg("no section %s in: %s", c->section, err);
		if (c->key) {
			char k[80];
			snprintf(k, sizeof(k), "] %s: ", c->key);
			if (!strstr(err, k))
				fail_msg("no key \"%s\" in: %s", c->key, err);
		}
		if (c->why && !strstr(err, c->why))
			fail_msg("no \"%s\" in: %s", c->why, err);
		expect_no_secret(err, c->key_file ? FILE_KEY : NULL);
		if (getenv("RS_TEST_VERBOSE"))
			print_message("%s\n", err);
	}
	unlink(path);
	if (key_path)
		unlink(key_path);
	free(path);
	free(key_path);
	free(text);
}

/* ---- the shipped configs ---- */

static char *conf_path(const char *name)
{
	const char *dir = getenv("RS_CONF_DIR");
	char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "conf", name);
	if (access(buf, R_OK) != 0)
		fail_msg("cannot find %s (run from the repository root or set RS_CONF_DIR)", buf);
	return strdup(buf);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void test_demo_conf(void **state)
{
	struct rs_config cfg;
	char err[RS_ERR_MSG_MAX] = "";
	char *path = conf_path("demo.conf");

	(void)state;
	if (rs_config_load(path, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg.general.control_socket, "");
	assert_int_equal(cfg.n_ports, 3);
	assert_int_equal(cfg.ports[0].role, RS_ROLE_CLEAR);
	assert_int_equal(cfg.ports[0].peer, 1);
	assert_int_equal(cfg.ports[1].role, RS_ROLE_CIPHER);
	assert_int_equal(cfg.ports[1].peer, 2);
	assert_int_equal(cfg.ports[2].role, RS_ROLE_CLEAR);
	assert_int_equal(cfg.ports[2].peer, 1);
	assert_true(cfg.generator.enabled);
	assert_int_equal(cfg.generator.port, 0);
	assert_int_equal(cfg.n_channels, 4);
	assert_int_equal(cfg.channels[0].mode, RS_MODE_AES_128_GCM2);
	assert_int_equal(cfg.channels[1].mode, RS_MODE_AES_256_GCM2);
	assert_int_equal(cfg.channels[2].mode, RS_MODE_AEAD_AES_128_GCM);
	assert_int_equal(cfg.channels[3].mode, RS_MODE_AEAD_AES_256_GCM);
	for (unsigned i = 0; i < cfg.n_channels; i++) {
		assert_true(cfg.channels[i].n_match >= 1);
		assert_true(cfg.channels[i].master.key_len == 16 ||
			    cfg.channels[i].master.key_len == 32);
	}
	expect_master(&cfg.channels[0], RS_MODE_AES_128_GCM2,
		      "d26d1bdc9357b6571ee9c7fa1aeccd13f14c26011dd33130e406174704b4e76b",
		      "930M8X1hej7fFj0FYyALZKXFRanAYTi8FE6HHjur0qM=");
	assert_int_equal(rs_classify(&cfg.channels[0].pt_map, 111), RS_CLASS_AUDIO);
	assert_int_equal(rs_classify(&cfg.channels[0].pt_map, 97), RS_CLASS_VIDEO);
	assert_int_equal(cfg.channels[1].policy[RS_CLASS_OTHER], RS_POLICY_DROP);
	rs_config_free(&cfg);
	free(path);
}

/* The pipeline bench's configs (perf/pipeline-*.conf, perf/bench_pipeline.sh):
 * the 3-port loop, AES-128 channels, one generator shape each. */
static void test_bench_confs(void **state)
{
	static const struct {
		const char *file;
		unsigned audio_share, audio_payload, video_payload, rtcp, udp_checksum;
		enum rs_class_policy policy;
	} confs[] = {
	    {"../perf/pipeline-audio160.conf", 100, 160, 0, 0, 1, RS_POLICY_ENCRYPT},
	    {"../perf/pipeline-video1200.conf", 0, 0, 1200, 0, 1, RS_POLICY_ENCRYPT},
	    {"../perf/pipeline-mix.conf", 70, 0, 0, 1, 1, RS_POLICY_ENCRYPT},
	    {"../perf/pipeline-passthrough.conf", 100, 160, 0, 0, 0, RS_POLICY_PASS},
	};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(confs); i++) {
		struct rs_config cfg;
		char err[RS_ERR_MSG_MAX] = "";
		char *path = conf_path(confs[i].file);

		if (rs_config_load(path, &cfg, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(cfg.n_ports, 3);
		assert_int_equal(cfg.ports[0].role, RS_ROLE_CLEAR);
		assert_int_equal(cfg.ports[0].peer, 1);
		assert_int_equal(cfg.ports[1].role, RS_ROLE_CIPHER);
		assert_int_equal(cfg.ports[1].peer, 2);
		assert_int_equal(cfg.ports[2].peer, 1);
		assert_true(cfg.generator.enabled);
		assert_int_equal(cfg.generator.port, 0);
		assert_int_equal(cfg.generator.rate_pps, 0);
		assert_int_equal(cfg.generator.streams_per_channel, 4);
		assert_int_equal(cfg.generator.audio_share, confs[i].audio_share);
		assert_int_equal(cfg.generator.audio_payload, confs[i].audio_payload);
		assert_int_equal(cfg.generator.video_payload, confs[i].video_payload);
		assert_int_equal(cfg.generator.rtcp, confs[i].rtcp);
		assert_int_equal(cfg.generator.udp_checksum, confs[i].udp_checksum);
		assert_int_equal(cfg.n_channels, 4);
		for (unsigned c = 0; c < cfg.n_channels; c++) {
			assert_int_equal(cfg.channels[c].mode, RS_MODE_AEAD_AES_128_GCM);
			for (unsigned k = 0; k < RS_CLASS_COUNT; k++)
				assert_int_equal(cfg.channels[c].policy[k], confs[i].policy);
		}
		rs_config_free(&cfg);
		free(path);
	}
}

static void test_gateway_conf(void **state)
{
	struct rs_config cfg;
	char err[RS_ERR_MSG_MAX] = "";
	char *gw = conf_path("gateway.conf"), *ex = conf_path("keys/room-42.key.example");
	char *key_text = slurp(ex), *key_path = write_temp(key_text, 0600);
	char *gw_text = slurp(gw), *text, *path;
	size_t n = strcspn(key_text, "\r\n");

	(void)state;
	text = substitute(gw_text, "/etc/rtpseal/keys/room-42.key", key_path);
	path = write_temp(text, 0600);
	if (rs_config_load(path, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg.general.control_socket, "/run/rtpseal/rtpseal.sock");
	assert_int_equal(cfg.n_ports, 2);
	assert_true(cfg.ports[0].has_dst_mac);
	assert_false(cfg.generator.enabled);
	assert_int_equal(cfg.n_channels, 1);
	assert_string_equal(cfg.channels[0].name, "room-42");
	key_text[n] = '\0';
	expect_master(&cfg.channels[0], RS_MODE_AES_128_GCM2, key_text,
		      "YrwUzZOwObWSJeV6BsOCb7vBaxLUK9VouGXJYHuLis0=");
	rs_config_free(&cfg);

	/* the same file with the key file world-readable is refused */
	assert_int_equal(chmod(key_path, 0644), 0);
	assert_int_equal(rs_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[channel room-42] key_file: "));
	assert_null(strstr(err, key_text));
	unlink(path);
	unlink(key_path);
	free(path);
	free(key_path);
	free(text);
	free(gw_text);
	free(key_text);
	free(ex);
	free(gw);
}

/* ---- entry points without a file ---- */

static void test_channel_conf_make(void **state)
{
	struct rs_channel_conf cc;
	char err[RS_ERR_MSG_MAX] = "";
	struct rs_channel_fields f = {
	    .name = "room-42",
	    .mode = "AES_256_GCM2",
	    .key = GCM2_KEY2,
	    .salt = GCM2_SALT2,
	    .match = "10.0.0.2:5004, *:6000",
	    .audio_pt = "111",
	    .video_pt = "96",
	    .policy = "other:pass",
	};

	(void)state;
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), 0);
	assert_string_equal(cc.name, "room-42");
	assert_int_equal(cc.n_match, 2);
	assert_int_equal(cc.policy[RS_CLASS_OTHER], RS_POLICY_PASS);
	assert_int_equal(cc.policy[RS_CLASS_AUDIO], RS_POLICY_ENCRYPT);
	expect_master(&cc, RS_MODE_AES_256_GCM2, GCM2_KEY2, GCM2_SALT2);
	rs_master_key_wipe(&cc.master);

	/* errors are "<key>: <why>", no file or section */
	f.salt = SALT_31;
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "salt: must be 32 bytes as base64 or 64 hex digits (got 31 bytes)");
	for (size_t i = 0; i < sizeof(cc.master); i++)
		assert_int_equal(((const uint8_t *)&cc.master)[i], 0);
	f.salt = GCM2_SALT2;
	f.name = "bad name";
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "name: "));
	f.name = "x123456789x123456789x123456789x123456789x123456789x123456789abc"; /* 63 */
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), 0);
	rs_master_key_wipe(&cc.master);
	f.name = "x123456789x123456789x123456789x123456789x123456789x123456789abcd"; /* 64 */
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), -1);
	f.name = "a";
	f.match = NULL;
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "match: "));
	f.match = "   ";
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), -1);
	assert_string_equal(err, "match: needs at least one entry");
	f.match = "*:1";
	f.key = "";
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), -1);
	assert_string_equal(err, "key: empty");
	f.key = NULL;
	assert_int_equal(rs_channel_conf_make(&f, &cc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exactly one of key and key_file"));
}

static void test_channel_key_make(void **state)
{
	struct rs_master_key mk;
	char err[RS_ERR_MSG_MAX] = "";
	char *kp = write_temp(INLINE_128 "\n", 0600);

	(void)state;
	assert_int_equal(
	    rs_channel_key_make(RS_MODE_AEAD_AES_128_GCM, NULL, kp, NULL, &mk, err, sizeof(err)),
	    0);
	assert_int_equal(mk.key_len, 16);
	rs_master_key_wipe(&mk);
	assert_int_equal(
	    rs_channel_key_make(RS_MODE_AEAD_AES_256_GCM, NULL, kp, NULL, &mk, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "key_file: inline: must hold 44 bytes"));
	expect_no_secret(err, NULL);
	assert_int_equal(rs_channel_key_make(RS_MODE_AES_128_GCM2, GCM2_KEY, kp, GCM2_SALT, &mk,
					     err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "exactly one"));
	unlink(kp);
	free(kp);
}

static void test_key_file_read(void **state)
{
	char buf[RS_KEY_TEXT_MAX], err[RS_ERR_MSG_MAX];
	char *p = write_temp("secret-key-text\n", 0644);

	(void)state;
	assert_int_equal(rs_key_file_read(p, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, p));
	assert_null(strstr(err, "secret-key-text"));
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(rs_key_file_read(p, buf, sizeof(buf), err, sizeof(err)), 15);
	assert_string_equal(buf, "secret-key-text");
	/* too big for the buffer */
	assert_int_equal(rs_key_file_read(p, buf, 8, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 7 bytes"));
	unlink(p);
	assert_int_equal(rs_key_file_read(p, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot open"));
	free(p);
}

static void test_match_parse_format(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
	    {"10.0.0.2:5004", "10.0.0.2:5004"},
	    {" *:6000 ", "*:6000"},
	    {"[2001:DB8:0:0::1]:5004", "[2001:db8::1]:5004"},
	    {"[::ffff:10.0.0.1]:1", "[::ffff:10.0.0.1]:1"},
	    {"255.255.255.255:65535", "255.255.255.255:65535"},
	};
	static const char *const bad[] = {
	    "",	       "10.0.0.2",	 "10.0.0.2:",	   ":5004",    "*:0",
	    "*:65536", "[::1]5004",	 "[::1:5004",	   "::1:5004", "[10.0.0.1]:5",
	    "*:+5",    "10.0.0.2:50 04", "host.example:1", "[*]:5004", "10.0.0.2:5004x",
	};
	struct rs_match m, m2;
	char text[RS_MATCH_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (rs_match_parse(ok[i].in, &m) != 0)
			fail_msg("refused %s", ok[i].in);
		assert_int_equal(rs_match_format(&m, text, sizeof(text)), 0);
		assert_string_equal(text, ok[i].out);
		assert_int_equal(rs_match_parse(text, &m2), 0);
		assert_true(rs_match_equal(&m, &m2));
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (rs_match_parse(bad[i], &m) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(rs_match_parse("10.0.0.2:5004", &m), 0);
	assert_int_equal(rs_match_parse("10.0.0.2:5005", &m2), 0);
	assert_false(rs_match_equal(&m, &m2));
	assert_int_equal(rs_match_parse("*:5004", &m2), 0);
	assert_false(rs_match_equal(&m, &m2));
	assert_int_equal(rs_match_format(&m, text, 5), -1);
}

static void test_missing_config(void **state)
{
	struct rs_config cfg;
	char err[RS_ERR_MSG_MAX] = "";

	(void)state;
	assert_int_equal(rs_config_load("/nonexistent/rtpseal.conf", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/rtpseal.conf: cannot open"));
	assert_null(cfg.channels);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_demo_conf),	       cmocka_unit_test(test_bench_confs),
	    cmocka_unit_test(test_gateway_conf),       cmocka_unit_test(test_channel_conf_make),
	    cmocka_unit_test(test_channel_key_make),   cmocka_unit_test(test_key_file_read),
	    cmocka_unit_test(test_match_parse_format), cmocka_unit_test(test_missing_config),
	};
	struct CMUnitTest tests[ARRAY_SIZE(cases) + ARRAY_SIZE(fixed)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tests[n] =
		    (struct CMUnitTest){cases[i].name, run_case, NULL, NULL, (void *)&cases[i]};
		n++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("app_config", tests, n, NULL, NULL);
}
