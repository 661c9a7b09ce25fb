/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interop with libsrtp2 (DESIGN §3): rtpseal and libsrtp, given the same
 * master key and salt, must produce the same SRTP/SRTCP bytes for the same
 * plaintext and index, and each must open what the other sealed.
 *
 * Every packet of a case goes through three checks:
 *   rtpseal seal  == libsrtp srtp_protect       (byte for byte)
 *   libsrtp srtp_protect -> rtpseal open         (== plaintext)
 *   rtpseal seal  -> libsrtp srtp_unprotect      (== plaintext)
 * Sealing is in order per SSRC (libsrtp's sender refuses reused indices);
 * the open side may see each burst reordered within small windows.
 *
 * Packet content comes from a seeded generator (seed printed per case,
 * RS_INTEROP_SEED=0x... replays it); keys come from RAND_bytes and are
 * dumped only when a case fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <srtp2/srtp.h>

#include "rs_keys.h"
#include "rs_srtp.h"
#include "rs_status.h"
#include "rs_stream.h"

#define BURST	    32
#define MAX_SSRCS   4
#define MAX_PAYLOAD 1400
/* 12-byte header + 15 CSRCs + extension header + 15 extension words */
#define MAX_RTP_HDR (12 + 15 * 4 + 4 + 15 * 4)
#define GUARD_LEN   16
#define PKT_CAP	    (MAX_RTP_HDR + MAX_PAYLOAD + SRTP_MAX_TRAILER_LEN + 4 + GUARD_LEN)
#define GUARD_BYTE  0xa5

enum reorder {
	IN_ORDER,
	SWAP_PAIRS, /* each neighbour pair swapped with probability 1/2 */
	SHUFFLE_8,  /* every block of 8 randomly permuted */
};

enum key_source {
	KEY_RANDOM, /* AEAD_AES_*_GCM: random master key and salt */
	KEY_GCM2,   /* AES_*_GCM2: rs_master_key_make from a key string and salt */
};

struct interop_case {
	const char *name;
	unsigned key_len; /* 16 or 32 */
	int rtcp;
	unsigned packets;
	unsigned ssrcs;
	unsigned first_seq; /* RTP: first sequence number of every SSRC; >65535 = random */
	enum reorder reorder;
	enum key_source source;
	enum rs_mode mode;     /* KEY_GCM2 only */
	const char *hkdf_info; /* KEY_GCM2 only: the info string DESIGN §3 spells out */
};

#define SEQ_RANDOM 0x10000u

static const struct interop_case cases[] = {
    {"rtp_aes128_in_order", 16, 0, 10000, 3, SEQ_RANDOM, IN_ORDER, KEY_RANDOM, 0, NULL},
    {"rtp_aes256_in_order", 32, 0, 10000, 3, SEQ_RANDOM, IN_ORDER, KEY_RANDOM, 0, NULL},
    {"rtcp_aes128_in_order", 16, 1, 10000, 3, SEQ_RANDOM, IN_ORDER, KEY_RANDOM, 0, NULL},
    {"rtcp_aes256_in_order", 32, 1, 10000, 3, SEQ_RANDOM, IN_ORDER, KEY_RANDOM, 0, NULL},
    {"rtp_aes128_seq_wrap", 16, 0, 10000, 2, 65000, IN_ORDER, KEY_RANDOM, 0, NULL},
    {"rtp_aes256_seq_wrap", 32, 0, 10000, 2, 65000, IN_ORDER, KEY_RANDOM, 0, NULL},
    {"rtp_aes128_wrap_swap_pairs", 16, 0, 10000, 2, 65500, SWAP_PAIRS, KEY_RANDOM, 0, NULL},
    {"rtp_aes256_wrap_swap_pairs", 32, 0, 10000, 2, 65500, SWAP_PAIRS, KEY_RANDOM, 0, NULL},
    {"rtp_aes128_wrap_shuffle8", 16, 0, 10000, 2, 65500, SHUFFLE_8, KEY_RANDOM, 0, NULL},
    {"rtp_aes256_wrap_shuffle8", 32, 0, 10000, 2, 65500, SHUFFLE_8, KEY_RANDOM, 0, NULL},
    {"rtcp_aes128_shuffle8", 16, 1, 10000, 2, SEQ_RANDOM, SHUFFLE_8, KEY_RANDOM, 0, NULL},
    {"rtcp_aes256_swap_pairs", 32, 1, 10000, 2, SEQ_RANDOM, SWAP_PAIRS, KEY_RANDOM, 0, NULL},
    {"rtp_gcm2_128_to_libsrtp", 16, 0, 2000, 2, 65000, SHUFFLE_8, KEY_GCM2, RS_MODE_AES_128_GCM2,
     "rtpseal AES_128_GCM2"},
    {"rtcp_gcm2_128_to_libsrtp", 16, 1, 2000, 2, SEQ_RANDOM, SHUFFLE_8, KEY_GCM2,
     RS_MODE_AES_128_GCM2, "rtpseal AES_128_GCM2"},
    {"rtp_gcm2_256_to_libsrtp", 32, 0, 2000, 2, 65000, SHUFFLE_8, KEY_GCM2, RS_MODE_AES_256_GCM2,
     "rtpseal AES_256_GCM2"},
    {"rtcp_gcm2_256_to_libsrtp", 32, 1, 2000, 2, SEQ_RANDOM, SHUFFLE_8, KEY_GCM2,
     RS_MODE_AES_256_GCM2, "rtpseal AES_256_GCM2"},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* Payload sizes every case meets now and then: empty, around one AES
 * block, and the largest. */
static const unsigned edge_sizes[] = {0, 1, 2, 15, 16, 17, 31, 32, 33, 255, 1399, MAX_PAYLOAD};

/* The one thread of this test owns one engine. */
static struct rs_engine *engine;

struct run {
	const struct interop_case *c;
	uint64_t seed;
	uint64_t rng;
	struct rs_master_key mk;
	uint8_t master[SRTP_AES_GCM_256_KEY_LEN_WSALT]; /* key || salt, for libsrtp */
	struct rs_key_ctx *key;
	srtp_t tx; /* libsrtp sender */
	srtp_t rx; /* libsrtp receiver */
	struct rs_stream *seal[MAX_SSRCS];
	struct rs_stream *open[MAX_SSRCS];
	uint32_t ssrc[MAX_SSRCS];
	uint16_t seq[MAX_SSRCS];
	uint32_t ts[MAX_SSRCS];
	unsigned sent[MAX_SSRCS];
	unsigned done; /* packets generated so far */
	unsigned base; /* number of the current burst's first packet */
	unsigned same_bytes, ls_to_rs, rs_to_ls;
};

/* One burst: plaintexts, both sealed forms, and the opened copies. */
static uint8_t plain[BURST][PKT_CAP];
static uint8_t sealed_rs[BURST][PKT_CAP];
static uint8_t sealed_ls[BURST][PKT_CAP];
static uint8_t opened[BURST][PKT_CAP];
static uint32_t plain_len[BURST];
static uint32_t sealed_len[BURST];
static unsigned owner[BURST]; /* SSRC slot of each packet */

static uint64_t rnd(struct run *r)
{
	/* splitmix64 */
	uint64_t z = (r->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void rnd_fill(struct run *r, uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t v = rnd(r);

		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = rnd(r);

		memcpy(p, &v, n);
	}
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned payload_size(struct run *r)
{
	uint64_t x = rnd(r);

	if (x % 16 == 0)
		return edge_sizes[(x >> 8) % (sizeof(edge_sizes) / sizeof(edge_sizes[0]))];
	return (unsigned)((x >> 8) % (MAX_PAYLOAD + 1));
}

/* An RTP packet of SSRC slot s: half without CSRCs, the rest with 0..15;
 * a quarter with a header extension (one-byte or two-byte profile, 0..15
 * words); payload 0..1400 bytes. */
static uint32_t make_rtp(struct run *r, unsigned s, uint8_t *p)
{
	uint64_t x = rnd(r);
	unsigned cc = (x & 1) ? (unsigned)(x >> 1) % 16 : 0;
	unsigned ext = ((x >> 8) & 3) == 0;
	/* Skip 64..95: with the marker set they read as RTCP (RFC 5761). */
	unsigned pt = (unsigned)(x >> 10) % 96;
	uint32_t len = 12;

	if (pt >= 64)
		pt += 32;
	p[0] = (uint8_t)(0x80 | ext << 4 | cc);
	p[1] = (uint8_t)(((x >> 20) & 1) << 7 | pt);
	put16(p + 2, r->seq[s]);
	put32(p + 4, r->ts[s]);
	put32(p + 8, r->ssrc[s]);
	rnd_fill(r, p + len, cc * 4);
	len += cc * 4;
	if (ext) {
		unsigned words = (unsigned)(x >> 24) % 16;
		uint16_t profile =
		    ((x >> 32) & 1) ? 0xbede : (uint16_t)(0x1000 | ((x >> 33) & 0xf));

		put16(p + len, profile);
		put16(p + len + 2, (uint16_t)words);
		rnd_fill(r, p + len + 4, words * 4);
		len += 4 + words * 4;
	}
	unsigned payload = payload_size(r);

	rnd_fill(r, p + len, payload);
	len += payload;
	r->seq[s]++;
	r->ts[s] += 160;
	return len;
}

/* An RTCP compound packet of SSRC slot s, 8..1400 bytes in whole words:
 * a first packet (SR, RR, SDES, BYE or APP) whose length field fits, then
 * arbitrary words. */
static uint32_t make_rtcp(struct run *r, unsigned s, uint8_t *p)
{
	uint64_t x = rnd(r);
	unsigned words = payload_size(r) / 4;
	uint32_t len;
	unsigned first;

	if (words < 2)
		words = 2;
	len = words * 4;
	first = 2 + (unsigned)(x >> 8) % (words - 1); /* words of the first packet */
	p[0] = (uint8_t)(0x80 | (x & 3));
	p[1] = (uint8_t)(200 + (x >> 4) % 5);
	put16(p + 2, (uint16_t)(first - 1));
	put32(p + 4, r->ssrc[s]);
	rnd_fill(r, p + 8, len - 8);
	return len;
}

static void hexdump(const char *label, const uint8_t *p, size_t n)
{
	print_error("%s (%zu bytes):", label, n);
	for (size_t i = 0; i < n; i++)
		print_error("%s%02x", (i % 32) ? "" : "\n    ", p[i]);
	print_error("\n");
}

/* Everything needed to replay a failing packet by hand. */
static void report(const struct run *r, unsigned i, const char *what)
{
	const uint8_t *p = plain[i];

	print_error("case %s seed 0x%016llx packet %u: %s\n", r->c->name,
		    (unsigned long long)r->seed, r->base + i, what);
	if (r->c->rtcp)
		print_error("  RTCP ssrc 0x%08x\n", get32(p + 4));
	else
		print_error("  RTP ssrc 0x%08x seq %u\n", get32(p + 8),
			    (unsigned)(p[2] << 8 | p[3]));
	hexdump("  master key", r->mk.key, r->mk.key_len);
	hexdump("  master salt", r->mk.salt, RS_MASTER_SALT_LEN);
	hexdump("  plaintext", p, plain_len[i]);
}

static int guard_intact(const uint8_t *buf, uint32_t cap)
{
	for (unsigned k = 0; k < GUARD_LEN; k++)
		if (buf[cap + k] != GUARD_BYTE)
			return 0;
	return 1;
}

static void make_order(struct run *r, unsigned *order, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	if (r->c->reorder == SWAP_PAIRS) {
		for (unsigned i = 0; i + 1 < n; i += 2) {
			if (rnd(r) & 1) {
				order[i] = i + 1;
				order[i + 1] = i;
			}
		}
	} else if (r->c->reorder == SHUFFLE_8) {
		for (unsigned b = 0; b < n; b += 8) {
			unsigned end = b + 8 < n ? b + 8 : n;

			for (unsigned i = end - 1; i > b; i--) {
				unsigned j = b + (unsigned)(rnd(r) % (i - b + 1));
				unsigned t = order[i];

				order[i] = order[j];
				order[j] = t;
			}
		}
	}
}

static void generate(struct run *r, unsigned n)
{
	r->base = r->done;
	for (unsigned i = 0; i < n; i++) {
		unsigned s = (unsigned)(rnd(r) % r->c->ssrcs);

		owner[i] = s;
		plain_len[i] = r->c->rtcp ? make_rtcp(r, s, plain[i]) : make_rtp(r, s, plain[i]);
		r->sent[s]++;
	}
	r->done += n;
}

/* rtpseal seal, burst at a time, with exactly the tailroom it needs. */
static void seal_rtpseal(struct run *r, unsigned n)
{
	struct rs_packet pk[BURST];
	uint32_t overhead = r->c->rtcp ? RS_SRTCP_OVERHEAD : RS_SRTP_OVERHEAD;

	memset(pk, 0, sizeof(pk));
	for (unsigned i = 0; i < n; i++) {
		memcpy(sealed_rs[i], plain[i], plain_len[i]);
		memset(sealed_rs[i] + plain_len[i] + overhead, GUARD_BYTE, GUARD_LEN);
		pk[i].buf = sealed_rs[i];
		pk[i].len = plain_len[i];
		pk[i].cap = plain_len[i] + overhead;
		pk[i].key = r->key;
		pk[i].stream = r->seal[owner[i]];
		pk[i].is_rtcp = (uint8_t)r->c->rtcp;
	}
	unsigned ok = rs_seal_burst(engine, pk, n);

	for (unsigned i = 0; i < n; i++) {
		if (pk[i].status != RS_OK) {
			report(r, i, "rs_seal_burst refused the packet");
			fail_msg("status %s (%s)", rs_status_name(pk[i].status),
				 rs_strerror(pk[i].status));
		}
		if (pk[i].len != plain_len[i] + overhead) {
			report(r, i, "rtpseal sealed length");
			fail_msg("sealed %u bytes, expected %u", pk[i].len,
				 plain_len[i] + overhead);
		}
		if (!guard_intact(sealed_rs[i], pk[i].cap)) {
			report(r, i, "rtpseal seal wrote past cap");
			fail_msg("bytes after cap %u changed", pk[i].cap);
		}
	}
	assert_int_equal(ok, n);
}

/* libsrtp protect in the same order, then the byte-exact comparison. */
static void seal_libsrtp(struct run *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int len = (int)plain_len[i];
		srtp_err_status_t st;

		memcpy(sealed_ls[i], plain[i], plain_len[i]);
		if (r->c->rtcp)
			st = srtp_protect_rtcp(r->tx, sealed_ls[i], &len);
		else
			st = srtp_protect(r->tx, sealed_ls[i], &len);
		if (st != srtp_err_status_ok) {
			report(r, i, "libsrtp protect refused the packet");
			fail_msg("srtp_err_status %d", (int)st);
		}
		sealed_len[i] = (uint32_t)len;
		if (sealed_len[i] !=
			plain_len[i] + (r->c->rtcp ? RS_SRTCP_OVERHEAD : RS_SRTP_OVERHEAD) ||
		    memcmp(sealed_ls[i], sealed_rs[i], sealed_len[i]) != 0) {
			size_t d = 0;

			while (d < sealed_len[i] && sealed_ls[i][d] == sealed_rs[i][d])
				d++;
			report(r, i, "rtpseal and libsrtp sealed bytes differ");
			hexdump("  libsrtp (expected)", sealed_ls[i], sealed_len[i]);
			hexdump("  rtpseal (actual)", sealed_rs[i], sealed_len[i]);
			fail_msg("first difference at byte %zu of %u", d, sealed_len[i]);
		}
		r->same_bytes++;
	}
}

/* libsrtp's output, reordered, opened by rtpseal. */
static void open_rtpseal(struct run *r, const unsigned *order, unsigned n)
{
	struct rs_packet pk[BURST];

	memset(pk, 0, sizeof(pk));
	for (unsigned j = 0; j < n; j++) {
		unsigned i = order[j];

		memcpy(opened[j], sealed_ls[i], sealed_len[i]);
		memset(opened[j] + sealed_len[i], GUARD_BYTE, GUARD_LEN);
		pk[j].buf = opened[j];
		pk[j].len = sealed_len[i];
		pk[j].cap = sealed_len[i];
		pk[j].key = r->key;
		pk[j].stream = r->open[owner[i]];
		pk[j].is_rtcp = (uint8_t)r->c->rtcp;
	}
	unsigned ok = rs_open_burst(engine, pk, n);

	for (unsigned j = 0; j < n; j++) {
		unsigned i = order[j];

		if (pk[j].status != RS_OK) {
			report(r, i, "rs_open_burst refused libsrtp's packet");
			hexdump("  protected by libsrtp", sealed_ls[i], sealed_len[i]);
			fail_msg("status %s (%s), burst position %u", rs_status_name(pk[j].status),
				 rs_strerror(pk[j].status), j);
		}
		if (pk[j].len != plain_len[i] || memcmp(opened[j], plain[i], plain_len[i]) != 0) {
			report(r, i, "rtpseal opened libsrtp's packet to other bytes");
			hexdump("  opened", opened[j], pk[j].len);
			fail_msg("opened %u bytes, expected %u", pk[j].len, plain_len[i]);
		}
		if (pk[j].used_prev_key || !guard_intact(opened[j], pk[j].cap)) {
			report(r, i, "rtpseal open: prev key flagged or wrote past cap");
			fail();
		}
	}
	assert_int_equal(ok, n);
	r->ls_to_rs += n;
}

/* rtpseal's output, reordered, unprotected by libsrtp. */
static void open_libsrtp(struct run *r, const unsigned *order, unsigned n)
{
	for (unsigned j = 0; j < n; j++) {
		unsigned i = order[j];
		int len = (int)sealed_len[i];
		srtp_err_status_t st;

		memcpy(opened[j], sealed_rs[i], sealed_len[i]);
		if (r->c->rtcp)
			st = srtp_unprotect_rtcp(r->rx, opened[j], &len);
		else
			st = srtp_unprotect(r->rx, opened[j], &len);
		if (st != srtp_err_status_ok) {
			report(r, i, "libsrtp unprotect refused rtpseal's packet");
			hexdump("  protected by rtpseal", sealed_rs[i], sealed_len[i]);
			fail_msg("srtp_err_status %d, burst position %u", (int)st, j);
		}
		if ((uint32_t)len != plain_len[i] ||
		    memcmp(opened[j], plain[i], plain_len[i]) != 0) {
			report(r, i, "libsrtp opened rtpseal's packet to other bytes");
			hexdump("  opened", opened[j], (size_t)len);
			fail_msg("opened %d bytes, expected %u", len, plain_len[i]);
		}
	}
	r->rs_to_ls += n;
}

/* HKDF-SHA256 (RFC 5869) from HMAC, independent of the library's. */
static void hkdf_reference(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
			   const char *info, uint8_t *out, size_t out_len)
{
	uint8_t prk[32], t[32] = {0}, msg[32 + 64 + 1];
	unsigned prk_len = 0, t_len = 0;
	size_t info_len = strlen(info), done = 0;

	assert_true(info_len <= 64);
	assert_non_null(HMAC(EVP_sha256(), salt, (int)salt_len, ikm, ikm_len, prk, &prk_len));
	for (uint8_t block = 1; done < out_len; block++) {
		size_t m = 0;

		memcpy(msg, t, t_len);
		m += t_len;
		memcpy(msg + m, info, info_len);
		m += info_len;
		msg[m++] = block;
		assert_non_null(HMAC(EVP_sha256(), prk, (int)prk_len, msg, m, t, &t_len));
		size_t take = out_len - done < t_len ? out_len - done : t_len;

		memcpy(out + done, t, take);
		done += take;
	}
	OPENSSL_cleanse(prk, sizeof(prk));
	OPENSSL_cleanse(t, sizeof(t));
}

static void make_master_key(struct run *r)
{
	const struct interop_case *c = r->c;

	memset(&r->mk, 0, sizeof(r->mk));
	if (c->source == KEY_RANDOM) {
		r->mk.key_len = (uint8_t)c->key_len;
		assert_int_equal(RAND_bytes(r->mk.key, (int)c->key_len), 1);
		assert_int_equal(RAND_bytes(r->mk.salt, RS_MASTER_SALT_LEN), 1);
	} else {
		/* What an operator types: `openssl rand -hex 32` and
		 * `openssl rand -base64 32`. */
		uint8_t raw[32], salt[RS_GCM2_SALT_LEN], want[RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN];
		char keystr[2 * sizeof(raw) + 1], salt_b64[4 * ((RS_GCM2_SALT_LEN + 2) / 3) + 1];

		assert_int_equal(RAND_bytes(raw, sizeof(raw)), 1);
		assert_int_equal(RAND_bytes(salt, sizeof(salt)), 1);
		for (size_t i = 0; i < sizeof(raw); i++)
			snprintf(keystr + 2 * i, 3, "%02x", raw[i]);
		assert_int_equal(EVP_EncodeBlock((unsigned char *)salt_b64, salt, sizeof(salt)),
				 (int)sizeof(salt_b64) - 1);
		enum rs_status st =
		    rs_master_key_make(c->mode, keystr, strlen(keystr), salt_b64, &r->mk);

		if (st != RS_OK)
			fail_msg("rs_master_key_make: %s", rs_strerror(st));
		assert_int_equal(r->mk.key_len, c->key_len);
		/* The documented derivation, computed here, must be what
		 * rtpseal made: this is what a libsrtp peer is handed. */
		hkdf_reference((const uint8_t *)keystr, strlen(keystr), salt, sizeof(salt),
			       c->hkdf_info, want, c->key_len + RS_MASTER_SALT_LEN);
		assert_memory_equal(r->mk.key, want, c->key_len);
		assert_memory_equal(r->mk.salt, want + c->key_len, RS_MASTER_SALT_LEN);
		OPENSSL_cleanse(want, sizeof(want));
		OPENSSL_cleanse(raw, sizeof(raw));
	}
	memcpy(r->master, r->mk.key, c->key_len);
	memcpy(r->master + c->key_len, r->mk.salt, RS_MASTER_SALT_LEN);
}

static srtp_t make_libsrtp(const struct run *r, srtp_ssrc_type_t type)
{
	srtp_policy_t pol;
	srtp_t s = NULL;

	memset(&pol, 0, sizeof(pol));
	if (r->c->key_len == 16) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
	} else {
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtcp);
	}
	pol.ssrc.type = type;
	pol.key = (unsigned char *)r->master;
	assert_int_equal(srtp_create(&s, &pol), srtp_err_status_ok);
	return s;
}

static void setup_run(struct run *r, const struct interop_case *c)
{
	enum rs_status err = RS_OK;
	const char *env = getenv("RS_INTEROP_SEED");

	memset(r, 0, sizeof(*r));
	r->c = c;
	if (env && *env)
		r->seed = strtoull(env, NULL, 0);
	else
		assert_int_equal(RAND_bytes((uint8_t *)&r->seed, sizeof(r->seed)), 1);
	r->rng = r->seed;

	make_master_key(r);
	r->key = rs_key_ctx_new(engine, &r->mk, 0, &err);
	if (!r->key)
		fail_msg("rs_key_ctx_new: %s", rs_strerror(err));
	assert_int_equal(rs_key_ctx_key_len(r->key), c->key_len);
	r->tx = make_libsrtp(r, ssrc_any_outbound);
	r->rx = make_libsrtp(r, ssrc_any_inbound);

	for (unsigned s = 0; s < c->ssrcs; s++) {
		int fresh;

		do { /* distinct SSRCs */
			r->ssrc[s] = (uint32_t)rnd(r);
			fresh = 1;
			for (unsigned k = 0; k < s; k++)
				fresh &= r->ssrc[k] != r->ssrc[s];
		} while (!fresh);
		r->seq[s] = (uint16_t)(c->first_seq > 0xffff ? rnd(r) % 30000 : c->first_seq);
		r->ts[s] = (uint32_t)rnd(r);
		r->seal[s] = rs_stream_new(r->ssrc[s], RS_WINDOW_DEFAULT, 0, &err);
		if (!r->seal[s])
			fail_msg("rs_stream_new: %s", rs_strerror(err));
		r->open[s] = rs_stream_new(r->ssrc[s], RS_WINDOW_DEFAULT, 0, &err);
		if (!r->open[s])
			fail_msg("rs_stream_new: %s", rs_strerror(err));
		/* libsrtp increments its SRTCP index before the first packet,
		 * so its first index is 1; start rtpseal's sender there too
		 * so that the bytes can be compared. */
		r->seal[s]->rtcp_next = 1;
	}
}

/* The ROC both senders and both receivers end with must be where the
 * sequence numbers took them (0 -> 1 for the wrap cases). Returns the
 * highest. */
static uint32_t check_roc(struct run *r)
{
	uint32_t top = 0;

	for (unsigned s = 0; s < r->c->ssrcs; s++) {
		uint32_t want, got_tx = 0, got_rx = 0;
		uint16_t first;

		if (!r->sent[s])
			continue;
		first = (uint16_t)(r->seq[s] - r->sent[s]);
		want = (uint32_t)(((uint64_t)first + r->sent[s] - 1) >> 16);
		assert_int_equal(rs_stream_roc(r->seal[s]), want);
		assert_int_equal(rs_stream_roc(r->open[s]), want);
		assert_int_equal(srtp_get_stream_roc(r->tx, r->ssrc[s], &got_tx),
				 srtp_err_status_ok);
		assert_int_equal(srtp_get_stream_roc(r->rx, r->ssrc[s], &got_rx),
				 srtp_err_status_ok);
		assert_int_equal(got_tx, want);
		assert_int_equal(got_rx, want);
		if (want > top)
			top = want;
	}
	return top;
}

static void teardown_run(struct run *r)
{
	for (unsigned s = 0; s < r->c->ssrcs; s++) {
		rs_stream_free(r->seal[s]);
		rs_stream_free(r->open[s]);
	}
	rs_key_ctx_free(r->key);
	srtp_dealloc(r->tx);
	srtp_dealloc(r->rx);
	rs_master_key_wipe(&r->mk);
	OPENSSL_cleanse(r->master, sizeof(r->master));
}

static void run_case(void **state)
{
	const struct interop_case *c = *state;
	struct run r;
	unsigned order[BURST];
	uint32_t roc = 0;

	setup_run(&r, c);
	while (r.done < c->packets) {
		unsigned n = c->packets - r.done < BURST ? c->packets - r.done : BURST;

		generate(&r, n);
		seal_rtpseal(&r, n);
		seal_libsrtp(&r, n);
		make_order(&r, order, n);
		open_rtpseal(&r, order, n);
		open_libsrtp(&r, order, n);
	}
	if (!c->rtcp) {
		roc = check_roc(&r);
		/* The wrap cases must really have wrapped. */
		if (c->first_seq <= 0xffff)
			assert_int_equal(roc, 1);
	}
	print_message("%s: seed 0x%016llx, %u sealed identically, %u libsrtp->rtpseal, "
		      "%u rtpseal->libsrtp%s%u\n",
		      c->name, (unsigned long long)r.seed, r.same_bytes, r.ls_to_rs, r.rs_to_ls,
		      c->rtcp ? ", last SRTCP index " : ", final ROC ",
		      c->rtcp ? r.seal[0]->rtcp_next - 1 : (unsigned)roc);
	assert_int_equal(r.same_bytes, c->packets);
	assert_int_equal(r.ls_to_rs, c->packets);
	assert_int_equal(r.rs_to_ls, c->packets);
	teardown_run(&r);
}

static int group_setup(void **state)
{
	enum rs_status err = RS_OK;

	(void)state;
	if (srtp_init() != srtp_err_status_ok)
		return -1;
	engine = rs_engine_new(&err);
	if (!engine) {
		print_error("rs_engine_new: %s\n", rs_strerror(err));
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	rs_engine_free(engine);
	engine = NULL;
	srtp_shutdown();
	return 0;
}

int main(void)
{
	struct CMUnitTest tests[N_CASES];

	for (size_t i = 0; i < N_CASES; i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	return cmocka_run_group_tests_name("libsrtp interop", tests, group_setup, group_teardown);
}
