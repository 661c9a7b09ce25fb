/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cross-validation: random SRTP and SRTCP packets sealed and opened by
 * rtpseal in bursts, against AES-GCM computed here with OpenSSL EVP from the
 * same session keys (RFC 7714: IV = salt XOR (0 | SSRC | ROC | SEQ), AAD =
 * the RTP header with CSRCs and extension; SRTCP IV = salt XOR
 * (0 | SSRC | 0 | index), AAD = first 8 bytes || E||index).
 *
 * Seal: rtpseal's output equals OpenSSL's byte for byte. Open: the OpenSSL
 * packet opened by rtpseal gives the plaintext back. Payload 0..1400 bytes,
 * CSRC count 0..15, with and without header extension, AES-128 and AES-256,
 * sequence numbers rising per SSRC through 16-bit wraps.
 *
 * The PRNG seed is printed; RS_TEST_SEED=<n> replays a run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "rs_keys.h"
#include "rs_srtp.h"
#include "rs_status.h"
#include "rs_stream.h"

#define BURST	      32
#define KEYS_PER_SIZE 3
#define STREAMS	      8 /* per key */
#define MAX_PAYLOAD   1400
#define MAX_EXT_WORDS 16
#define MAX_RTCP_BODY 400
#define PKT_ROOM      (12 + 15 * 4 + 4 + 4 * MAX_EXT_WORDS + MAX_PAYLOAD + RS_SRTCP_OVERHEAD + 32)
#define CANARY	      0x5a
#define CANARY_LEN    32

/* ---- PRNG (splitmix64: reproducible from one printed seed) ---- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n) /* 0..n-1 */
{
	return (uint32_t)(rnd64() % n);
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t v = rnd64();

		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = rnd64();

		memcpy(p, &v, n);
	}
}

/* ---- the independent reference ---- */

struct ref_key {
	struct rs_session_keys sk;
	struct rs_key_ctx *ctx;
	EVP_CIPHER_CTX *rtp_enc, *rtcp_enc;
};

struct ref_stream {
	struct ref_key *key;
	uint32_t ssrc;
	uint32_t roc;	   /* ROC of the last sequence sealed */
	uint16_t seq;	   /* last sequence sealed */
	int sent;	   /* a packet went out already */
	uint32_t rtcp_idx; /* next SRTCP index */
	struct rs_stream *seal, *open;
};

struct slot {
	uint8_t plain[PKT_ROOM];
	uint8_t expect[PKT_ROOM];
	uint8_t work[PKT_ROOM + CANARY_LEN];
	size_t plain_len, expect_len, hdr_len;
	struct ref_stream *st;
	uint16_t seq;
	uint32_t roc, rtcp_idx;
	int is_rtcp;
};

struct coverage {
	unsigned long rtp, rtcp, rtp_by_size[2], ext, no_ext, csrc[16], empty, full, wraps;
};

struct cross {
	struct rs_engine *eng;
	struct ref_key keys[2 * KEYS_PER_SIZE];
	struct ref_stream streams[2 * KEYS_PER_SIZE * STREAMS];
	struct slot slots[BURST];
	struct rs_packet pkts[BURST];
	struct coverage cov;
	unsigned long burst_no;
};

static uint64_t seed;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static const EVP_CIPHER *gcm(size_t key_len)
{
	return key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
}

static EVP_CIPHER_CTX *evp_new(const uint8_t *key, size_t key_len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	assert_non_null(c);
	assert_int_equal(EVP_EncryptInit_ex(c, gcm(key_len), NULL, key, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
	return c;
}

/* AES-GCM with OpenSSL: out = ciphertext of pt (same length), then the tag. */
static void evp_seal(EVP_CIPHER_CTX *c, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
		     const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	int n = 0, fin = 0;

	assert_int_equal(EVP_EncryptInit_ex(c, NULL, NULL, NULL, iv), 1);
	assert_int_equal(EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len), 1);
	n = 0;
	if (pt_len)
		assert_int_equal(EVP_EncryptUpdate(c, out, &n, pt, (int)pt_len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, out + n, &fin), 1);
	assert_int_equal((size_t)(n + fin), pt_len);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + pt_len), 1);
}

static void make_keys(struct cross *x)
{
	for (size_t i = 0; i < 2 * KEYS_PER_SIZE; i++) {
		struct ref_key *k = &x->keys[i];
		enum rs_status err = RS_ERR_INVALID_ARG;

		memset(&k->sk, 0, sizeof(k->sk));
		k->sk.key_len = i < KEYS_PER_SIZE ? 16 : 32;
		/* RTP and RTCP keys and salts all differ, so a mix-up shows. */
		rnd_bytes(k->sk.rtp_key, k->sk.key_len);
		rnd_bytes(k->sk.rtcp_key, k->sk.key_len);
		rnd_bytes(k->sk.rtp_salt, RS_SESSION_SALT_LEN);
		rnd_bytes(k->sk.rtcp_salt, RS_SESSION_SALT_LEN);
		k->ctx = rs_key_ctx_from_session(x->eng, &k->sk, 0, &err);
		if (!k->ctx)
			fail_msg("rs_key_ctx_from_session: %s", rs_status_name(err));
		assert_int_equal(rs_key_ctx_key_len(k->ctx), k->sk.key_len);
		k->rtp_enc = evp_new(k->sk.rtp_key, k->sk.key_len);
		k->rtcp_enc = evp_new(k->sk.rtcp_key, k->sk.key_len);
	}
}

static void make_streams(struct cross *x)
{
	static const unsigned windows[] = {64, 1024, 32768};

	for (size_t i = 0; i < sizeof(x->streams) / sizeof(x->streams[0]); i++) {
		struct ref_stream *s = &x->streams[i];
		enum rs_status err = RS_ERR_INVALID_ARG;
		unsigned win = windows[i % 3];

		s->key = &x->keys[i / STREAMS];
		do {
			s->ssrc = (uint32_t)rnd64();
			for (size_t j = 0; j < i; j++)
				if (x->streams[j].ssrc == s->ssrc)
					s->ssrc = 0;
		} while (!s->ssrc);
		/* Half the streams start just below a 16-bit wrap. */
		s->seq = (uint16_t)(i % 2 ? 65535 - rnd(600) : rnd(65536));
		s->roc = i % 4 == 1 ? 0 : rnd(0xfffff000u);
		s->sent = 0;
		s->rtcp_idx = rnd(0x7fff0000u);
		s->seal = rs_stream_new(s->ssrc, win, s->roc, &err);
		assert_non_null(s->seal);
		s->open = rs_stream_new(s->ssrc, win, s->roc, &err);
		assert_non_null(s->open);
		s->seal->rtcp_next = s->rtcp_idx;
	}
}

static size_t payload_len_pick(void)
{
	static const size_t edges[] = {0, 1, 15, 16, 17, 31, 32, 33, 255, 256, 1399, MAX_PAYLOAD};

	if (rnd(6) == 0)
		return edges[rnd(sizeof(edges) / sizeof(edges[0]))];
	return rnd(MAX_PAYLOAD + 1);
}

static uint8_t rtp_pt_pick(void)
{
	/* RFC 5761: 64..95 would collide with RTCP packet types; skip them. */
	uint8_t pt = (uint8_t)rnd(96);

	return pt >= 64 ? (uint8_t)(pt + 32) : pt;
}

static void build_rtp(struct cross *x, struct slot *sl, struct ref_stream *s)
{
	uint8_t *p = sl->plain;
	unsigned cc = rnd(16);
	int ext = (int)rnd(2);
	size_t h = 12 + 4 * (size_t)cc, pl = payload_len_pick();
	uint8_t iv[12] = {0};

	if (s->sent) {
		uint16_t next = (uint16_t)(s->seq + 1 + rnd(3));

		if (next < s->seq) {
			s->roc++;
			x->cov.wraps++;
		}
		s->seq = next;
	}
	s->sent = 1;
	sl->seq = s->seq;
	sl->roc = s->roc;

	p[0] = (uint8_t)(0x80 | (ext ? 0x10 : 0) | cc);
	p[1] = (uint8_t)((rnd(2) << 7) | rtp_pt_pick());
	p[2] = (uint8_t)(s->seq >> 8);
	p[3] = (uint8_t)s->seq;
	put32(p + 4, (uint32_t)rnd64());
	put32(p + 8, s->ssrc);
	rnd_bytes(p + 12, 4 * (size_t)cc);
	if (ext) {
		unsigned words = rnd(MAX_EXT_WORDS + 1);
		static const uint16_t profiles[] = {0xbede, 0x1000, 0x1234};

		uint16_t profile = profiles[rnd(3)];

		p[h] = (uint8_t)(profile >> 8);
		p[h + 1] = (uint8_t)profile;
		p[h + 2] = (uint8_t)(words >> 8);
		p[h + 3] = (uint8_t)words;
		rnd_bytes(p + h + 4, 4 * (size_t)words);
		h += 4 + 4 * (size_t)words;
	}
	rnd_bytes(p + h, pl);
	sl->hdr_len = h;
	sl->plain_len = h + pl;

	/* IV = salt XOR (00 00 | SSRC | ROC | SEQ) */
	put32(iv + 2, s->ssrc);
	put32(iv + 6, s->roc);
	iv[10] = (uint8_t)(s->seq >> 8);
	iv[11] = (uint8_t)s->seq;
	for (int i = 0; i < 12; i++)
		iv[i] ^= s->key->sk.rtp_salt[i];
	memcpy(sl->expect, p, h);
	evp_seal(s->key->rtp_enc, iv, p, h, p + h, pl, sl->expect + h);
	sl->expect_len = sl->plain_len + RS_GCM_TAG_LEN;

	x->cov.rtp++;
	x->cov.rtp_by_size[s->key->sk.key_len == 32]++;
	x->cov.csrc[cc]++;
	if (ext)
		x->cov.ext++;
	else
		x->cov.no_ext++;
	if (pl == 0)
		x->cov.empty++;
	if (pl == MAX_PAYLOAD)
		x->cov.full++;
}

static void build_rtcp(struct cross *x, struct slot *sl, struct ref_stream *s)
{
	uint8_t *p = sl->plain;
	size_t words = rnd(MAX_RTCP_BODY / 4 + 1); /* 32-bit words after the 8-byte header */
	size_t len = 8 + 4 * words;
	uint8_t iv[12] = {0}, aad[12];
	uint32_t ei = 0x80000000u | s->rtcp_idx;

	assert_true(s->rtcp_idx <= RS_SRTCP_INDEX_MAX);
	p[0] = (uint8_t)(0x80 | rnd(32));
	p[1] = (uint8_t)(200 + rnd(5)); /* SR, RR, SDES, BYE, APP */
	p[2] = (uint8_t)((len / 4 - 1) >> 8);
	p[3] = (uint8_t)(len / 4 - 1);
	put32(p + 4, s->ssrc);
	rnd_bytes(p + 8, len - 8);
	sl->hdr_len = 8;
	sl->plain_len = len;
	sl->rtcp_idx = s->rtcp_idx;

	/* IV = salt XOR (00 00 | SSRC | 00 00 | 0 | index) */
	put32(iv + 2, s->ssrc);
	put32(iv + 8, s->rtcp_idx);
	for (int i = 0; i < 12; i++)
		iv[i] ^= s->key->sk.rtcp_salt[i];
	memcpy(aad, p, 8);
	put32(aad + 8, ei);
	memcpy(sl->expect, p, 8);
	evp_seal(s->key->rtcp_enc, iv, aad, sizeof(aad), p + 8, len - 8, sl->expect + 8);
	put32(sl->expect + len + RS_GCM_TAG_LEN, ei);
	sl->expect_len = len + RS_SRTCP_OVERHEAD;
	s->rtcp_idx++;
	x->cov.rtcp++;
}

static void report(const struct cross *x, unsigned i, const char *what, const uint8_t *got,
		   const uint8_t *want, size_t len)
{
	const struct slot *sl = &x->slots[i];
	size_t at = 0;

	while (at < len && got[at] == want[at])
		at++;
	fail_msg("%s differs (seed %llu, burst %lu, slot %u): %s key %u bytes, SSRC %08x, %s %u, "
		 "ROC %u, header %zu bytes, packet %zu bytes; first difference at byte %zu",
		 what, (unsigned long long)seed, x->burst_no, i, sl->is_rtcp ? "RTCP" : "RTP",
		 sl->st->key->sk.key_len, sl->st->ssrc, sl->is_rtcp ? "index" : "seq",
		 sl->is_rtcp ? sl->rtcp_idx : sl->seq, sl->roc, sl->hdr_len, len, at);
}

static void load_work(struct slot *sl, const uint8_t *src, size_t len)
{
	memcpy(sl->work, src, len);
	memset(sl->work + len, CANARY, sizeof(sl->work) - len);
}

static void check_canary(const struct cross *x, unsigned i, size_t cap)
{
	const struct slot *sl = &x->slots[i];

	for (size_t k = cap; k < cap + CANARY_LEN && k < sizeof(sl->work); k++)
		if (sl->work[k] != CANARY)
			fail_msg("burst %lu slot %u: byte %zu written past cap %zu (seed %llu)",
				 x->burst_no, i, k, cap, (unsigned long long)seed);
}

/* One burst: build, seal with rtpseal and compare, open OpenSSL's packets. */
static void run_burst(struct cross *x, int size_sel)
{
	unsigned n;

	for (unsigned i = 0; i < BURST; i++) {
		struct slot *sl = &x->slots[i];
		/* size_sel: 0 AES-128 only, 1 AES-256 only, 2 both */
		size_t first = size_sel == 1 ? KEYS_PER_SIZE * STREAMS : 0;
		size_t count =
		    size_sel == 2 ? 2 * KEYS_PER_SIZE * STREAMS : KEYS_PER_SIZE * STREAMS;
		struct ref_stream *s = &x->streams[first + rnd((uint32_t)count)];

		sl->st = s;
		sl->is_rtcp = rnd(16) == 0;
		if (sl->is_rtcp)
			build_rtcp(x, sl, s);
		else
			build_rtp(x, sl, s);
		load_work(sl, sl->plain, sl->plain_len);
		x->pkts[i] = (struct rs_packet){.buf = sl->work,
						.len = (uint32_t)sl->plain_len,
						.cap = (uint32_t)sl->expect_len,
						.key = s->key->ctx,
						.stream = s->seal,
						.is_rtcp = (uint8_t)sl->is_rtcp,
						.status = 0xffff};
	}
	n = rs_seal_burst(x->eng, x->pkts, BURST);
	for (unsigned i = 0; i < BURST; i++) {
		struct slot *sl = &x->slots[i];

		if (x->pkts[i].status != RS_OK)
			fail_msg("seal burst %lu slot %u (%s, SSRC %08x, seq/index %u): %s (seed "
				 "%llu)",
				 x->burst_no, i, sl->is_rtcp ? "RTCP" : "RTP", sl->st->ssrc,
				 sl->is_rtcp ? sl->rtcp_idx : sl->seq,
				 rs_status_name((enum rs_status)x->pkts[i].status),
				 (unsigned long long)seed);
		assert_int_equal(x->pkts[i].len, sl->expect_len);
		if (memcmp(sl->work, sl->expect, sl->expect_len) != 0)
			report(x, i, "rtpseal seal vs OpenSSL", sl->work, sl->expect,
			       sl->expect_len);
		check_canary(x, i, sl->expect_len);
	}
	assert_int_equal(n, BURST);

	for (unsigned i = 0; i < BURST; i++) {
		struct slot *sl = &x->slots[i];

		load_work(sl, sl->expect, sl->expect_len);
		x->pkts[i] = (struct rs_packet){.buf = sl->work,
						.len = (uint32_t)sl->expect_len,
						.cap = (uint32_t)sl->expect_len,
						.key = sl->st->key->ctx,
						.stream = sl->st->open,
						.is_rtcp = (uint8_t)sl->is_rtcp,
						.status = 0xffff};
	}
	n = rs_open_burst(x->eng, x->pkts, BURST);
	for (unsigned i = 0; i < BURST; i++) {
		struct slot *sl = &x->slots[i];

		if (x->pkts[i].status != RS_OK)
			fail_msg("open burst %lu slot %u (%s, SSRC %08x, seq/index %u, ROC %u): %s "
				 "(seed %llu)",
				 x->burst_no, i, sl->is_rtcp ? "RTCP" : "RTP", sl->st->ssrc,
				 sl->is_rtcp ? sl->rtcp_idx : sl->seq, sl->roc,
				 rs_status_name((enum rs_status)x->pkts[i].status),
				 (unsigned long long)seed);
		assert_int_equal(x->pkts[i].len, sl->plain_len);
		assert_int_equal(x->pkts[i].used_prev_key, 0);
		if (memcmp(sl->work, sl->plain, sl->plain_len) != 0)
			report(x, i, "opened packet vs plaintext", sl->work, sl->plain,
			       sl->plain_len);
		check_canary(x, i, sl->expect_len);
		if (!sl->is_rtcp && rs_stream_roc(sl->st->open) < sl->roc)
			fail_msg("open stream ROC %u behind the sender's %u",
				 rs_stream_roc(sl->st->open), sl->roc);
	}
	assert_int_equal(n, BURST);
	x->burst_no++;
}

static int setup(void **state)
{
	struct cross *x = calloc(1, sizeof(*x));
	enum rs_status err = RS_ERR_INVALID_ARG;

	if (!x)
		return -1;
	x->eng = rs_engine_new(&err);
	if (!x->eng) {
		print_error("rs_engine_new: %s\n", rs_status_name(err));
		free(x);
		return -1;
	}
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct cross *x = *state;

	for (size_t i = 0; i < sizeof(x->streams) / sizeof(x->streams[0]); i++) {
		if (x->streams[i].seal)
			rs_stream_free(x->streams[i].seal);
		if (x->streams[i].open)
			rs_stream_free(x->streams[i].open);
	}
	for (size_t i = 0; i < 2 * KEYS_PER_SIZE; i++) {
		if (x->keys[i].ctx)
			rs_key_ctx_free(x->keys[i].ctx);
		EVP_CIPHER_CTX_free(x->keys[i].rtp_enc);
		EVP_CIPHER_CTX_free(x->keys[i].rtcp_enc);
	}
	rs_engine_free(x->eng);
	free(x);
	return 0;
}

/* Bursts until min_rtp RTP packets went both ways. */
static void run(void **state, int size_sel, unsigned long min_rtp)
{
	struct cross *x = *state;

	make_keys(x);
	make_streams(x);
	while (x->cov.rtp < min_rtp)
		run_burst(x, size_sel);
	print_message("    %lu RTP (%lu AES-128, %lu AES-256; %lu with extension, %lu empty, "
		      "%lu of 1400 bytes, %lu sequence wraps) and %lu RTCP, %lu bursts of %d\n",
		      x->cov.rtp, x->cov.rtp_by_size[0], x->cov.rtp_by_size[1], x->cov.ext,
		      x->cov.empty, x->cov.full, x->cov.wraps, x->cov.rtcp, x->burst_no, BURST);
	/* What the run must have covered. */
	assert_true(x->cov.ext > 0 && x->cov.no_ext > 0);
	for (int cc = 0; cc < 16; cc++)
		assert_true(x->cov.csrc[cc] > 0);
	assert_true(x->cov.empty > 0 && x->cov.full > 0);
	assert_true(x->cov.rtcp > 0);
	assert_true(x->cov.wraps > 0);
	if (size_sel != 1)
		assert_true(x->cov.rtp_by_size[0] > 0);
	if (size_sel != 0)
		assert_true(x->cov.rtp_by_size[1] > 0);
}

static void test_cross_aes128(void **state)
{
	run(state, 0, 50000);
}

static void test_cross_aes256(void **state)
{
	run(state, 1, 50000);
}

static void test_cross_mixed_sizes(void **state)
{
	run(state, 2, 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cross_aes128, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cross_aes256, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cross_mixed_sizes, setup, teardown),
	};
	const char *env = getenv("RS_TEST_SEED");

	seed = env && *env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	rng_state = seed;
	print_message("test_openssl_cross: seed %llu (RS_TEST_SEED=%llu replays it)\n",
		      (unsigned long long)seed, (unsigned long long)seed);
	return cmocka_run_group_tests_name("openssl cross-check", tests, NULL, NULL);
}
