/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: stage 4 on arbitrary bytes under fixed keys (the RFC
 * 7714 session keys, used directly). The first four bytes choose how, the
 * rest is the packet:
 *
 *   byte 0   0x01 RTCP (else RTP)
 *            0x02 AES-256 key (else AES-128)
 *            0x04 RTP: RS_KEY_RTP_AUTH_ONLY key; RTCP: seal with E=0
 *            0x08 rekey overlap: the other key size is `key`, the chosen
 *                 one `prev_key`
 *            0x10 ... with its own `prev_stream` (rekey with roc reset)
 *            0x20 streams have seen an index already (from bytes 1..3)
 *            0x40 seal with no tailroom
 *            0x80 indices near their limits
 *   byte 1   ROC (RTP) / SRTCP index bits
 *   byte 2-3 sequence number / SRTCP index
 *
 * Each input is opened (fresh streams), then sealed, and what was sealed
 * opened again. The checks are rs_srtp.h's promises: a failed open leaves
 * the stream state as it was and no plaintext behind; what seal produced
 * opens back to the same bytes, and a second time only as a replay.
 *
 * Then the packet bytes are read as a list of RTP sequence numbers (up to
 * SEQ_MAX, two bytes each) that one stream seals in that order, a receiver
 * opening each sealed packet as it comes: no SRTP index may be sealed
 * twice or past 2^48 - 1, and the receiver, seeing exactly what was
 * sealed, must open every packet, once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_keys.h"
#include "rs_parse.h"
#include "rs_srtp.h"
#include "rs_status.h"
#include "rs_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_open: %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

enum {
	F_RTCP = 0x01,
	F_256 = 0x02,
	F_AUTH_ONLY = 0x04,
	F_PREV_KEY = 0x08,
	F_PREV_STREAM = 0x10,
	F_PRIMED = 0x20,
	F_NO_TAILROOM = 0x40,
	F_LIMITS = 0x80,
	HDR_LEN = 4,
	WINDOW = 128,
	SEQ_MAX = 64,
	SEQ_PAYLOAD = 4,
};

/* RFC 7714 §16-17: key 00 01 02 ..., salt "Quid pro quo" */
static const uint8_t session_salt[RS_SESSION_SALT_LEN] = {0x51, 0x75, 0x69, 0x64, 0x20, 0x70,
							  0x72, 0x6f, 0x20, 0x71, 0x75, 0x6f};

static struct rs_engine *eng;
/* [256][auth_only] */
static struct rs_key_ctx *keys[2][2];

struct knobs {
	uint8_t flags;
	uint32_t roc;
	uint16_t seq;
	uint32_t srtcp_index;
};

static void setup(void)
{
	enum rs_status st = RS_ERR_INVALID_ARG;

	eng = rs_engine_new(&st);
	CHECK(eng != NULL);
	for (unsigned big = 0; big < 2; big++) {
		struct rs_session_keys sk;

		memset(&sk, 0, sizeof(sk));
		sk.key_len = big ? 32 : 16;
		for (unsigned i = 0; i < sk.key_len; i++)
			sk.rtp_key[i] = sk.rtcp_key[i] = (uint8_t)i;
		memcpy(sk.rtp_salt, session_salt, sizeof(session_salt));
		memcpy(sk.rtcp_salt, session_salt, sizeof(session_salt));
		for (unsigned ao = 0; ao < 2; ao++) {
			keys[big][ao] =
			    rs_key_ctx_from_session(eng, &sk, ao ? RS_KEY_RTP_AUTH_ONLY : 0, &st);
			CHECK(keys[big][ao] != NULL);
		}
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A new stream, as the knobs say: started at an index or not. A receiver
 * of what seal_input made has seen the SRTCP index before the sealed one. */
static struct rs_stream *stream_new(const struct knobs *k, uint32_t ssrc, int receiver)
{
	enum rs_status st = RS_ERR_INVALID_ARG;
	struct rs_stream *s = rs_stream_new(ssrc, WINDOW, k->roc, &st);

	CHECK(s != NULL && st == RS_OK);
	if (k->flags & F_PRIMED) {
		rs_window_update(&s->rtp, (uint64_t)k->roc << 16 | k->seq);
		if (!receiver)
			rs_window_update(&s->rtcp, k->srtcp_index);
		else if (k->srtcp_index > 0)
			rs_window_update(&s->rtcp, k->srtcp_index - 1);
	}
	return s;
}

static uint8_t *copy(const uint8_t *p, size_t len, size_t cap)
{
	uint8_t *b = malloc(cap ? cap : 1);

	CHECK(b != NULL);
	memcpy(b, p, len);
	return b;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Open the input as it came. */
static void open_input(const struct knobs *k, const uint8_t *pkt, size_t len)
{
	int rtcp = (k->flags & F_RTCP) != 0;
	const struct rs_key_ctx *chosen =
	    keys[(k->flags & F_256) != 0][(k->flags & F_AUTH_ONLY) != 0];
	const struct rs_key_ctx *other =
	    keys[(k->flags & F_256) == 0][(k->flags & F_AUTH_ONLY) != 0];
	struct rs_stream *s = stream_new(k, 0, 0);
	struct rs_stream *ps = (k->flags & F_PREV_STREAM) ? stream_new(k, 0, 0) : NULL;
	size_t ssize = rs_stream_size(WINDOW);
	uint8_t *s_before = copy((const uint8_t *)s, ssize, ssize);
	uint8_t *ps_before = ps ? copy((const uint8_t *)ps, ssize, ssize) : NULL;
	uint8_t *b = copy(pkt, len, len);
	struct rs_packet p = {
	    .buf = b,
	    .len = (uint32_t)len,
	    .cap = (uint32_t)len,
	    .key = (k->flags & F_PREV_KEY) ? other : chosen,
	    .prev_key = (k->flags & F_PREV_KEY) ? chosen : NULL,
	    .stream = s,
	    .prev_stream = ps,
	    .is_rtcp = (uint8_t)rtcp,
	};
	enum rs_status st = rs_open(eng, &p);

	CHECK((unsigned)st < RS_STATUS_COUNT && p.status == st);
	if (st == RS_OK) {
		CHECK(p.len == len - (rtcp ? RS_SRTCP_OVERHEAD : RS_SRTP_OVERHEAD));
		CHECK(!p.used_prev_key || (k->flags & F_PREV_KEY));
	} else {
		/* the state moves only after a tag verifies */
		CHECK(memcmp(s, s_before, ssize) == 0);
		CHECK(!ps || memcmp(ps, ps_before, ssize) == 0);
		CHECK(p.len == len);
	}
	if (st == RS_ERR_AUTH) {
		/* no unauthenticated plaintext left: the payload (RTP) or all
		 * but the first 8 bytes (RTCP) are zeroed */
		struct rs_rtp_info rtp;
		size_t keep = 8;
		if (!rtcp) {
			CHECK(rs_rtp_parse(pkt, len, 0, &rtp) == RS_OK);
			keep = rtp.hdr_len;
		}
		CHECK(len >= keep && all_zero(b + keep, len - keep));
		CHECK(memcmp(b, pkt, keep) == 0);
	}
	free(b);
	free(ps_before);
	free(s_before);
	rs_stream_free(ps);
	rs_stream_free(s);
}

/* Seal the input; if that worked, open it back, then again as a replay. */
static void seal_input(const struct knobs *k, const uint8_t *pkt, size_t len)
{
	int rtcp = (k->flags & F_RTCP) != 0;
	int auth_only = (k->flags & F_AUTH_ONLY) != 0;
	const struct rs_key_ctx *key = keys[(k->flags & F_256) != 0][auth_only];
	size_t overhead = rtcp ? RS_SRTCP_OVERHEAD : RS_SRTP_OVERHEAD;
	size_t cap = (k->flags & F_NO_TAILROOM) ? len : len + overhead;
	size_t ssrc_off = rtcp ? 4 : 8;
	uint32_t ssrc = len >= ssrc_off + 4 ? be32(pkt + ssrc_off) : 0;
	struct rs_stream *s = stream_new(k, ssrc, 0);
	uint8_t *b = copy(pkt, len, cap);
	struct rs_packet p = {.buf = b,
			      .len = (uint32_t)len,
			      .cap = (uint32_t)cap,
			      .key = key,
			      .stream = s,
			      .is_rtcp = (uint8_t)rtcp};
	enum rs_status st;

	s->rtcp_next = k->srtcp_index;
	st = (rtcp && auth_only) ? rs_seal_rtcp_auth_only(eng, &p) : rs_seal(eng, &p);
	CHECK((unsigned)st < RS_STATUS_COUNT && p.status == st);
	if (st != RS_OK) {
		CHECK(p.len == len);
		goto out;
	}
	CHECK(p.len == len + overhead && p.len <= cap);
	CHECK(rtcp ? s->rtcp_next == k->srtcp_index + 1 : !s->rtp_stopped);

	/* open what was sealed with a receiver in the same state */
	struct rs_stream *r = stream_new(k, 0, 1);
	uint8_t *sealed = copy(b, p.len, p.len);
	uint8_t *again = copy(b, p.len, p.len);
	struct rs_packet o = {.buf = sealed,
			      .len = p.len,
			      .cap = p.len,
			      .key = key,
			      .stream = r,
			      .is_rtcp = (uint8_t)rtcp};

	st = rs_open(eng, &o);
	if (st != RS_OK)
		fprintf(stderr, "fuzz_open: sealed packet of %zu bytes did not open: %s\n", len,
			rs_status_name(st));
	CHECK(st == RS_OK);
	CHECK(o.len == len && memcmp(sealed, pkt, len) == 0);
	o.buf = again;
	o.len = p.len;
	st = rs_open(eng, &o);
	CHECK(st == RS_ERR_REPLAY);
	free(again);
	free(sealed);
	rs_stream_free(r);
out:
	free(b);
	rs_stream_free(s);
}

/* Seal a list of sequence numbers on one stream, open them on another. */
static void sequence_input(const struct knobs *k, const uint8_t *pkt, size_t len)
{
	const struct rs_key_ctx *key = keys[(k->flags & F_256) != 0][(k->flags & F_AUTH_ONLY) != 0];
	const uint32_t ssrc = 0x5eed0001;
	struct rs_stream *tx = stream_new(k, ssrc, 0);
	struct rs_stream *rx = stream_new(k, ssrc, 1);
	uint64_t sealed[SEQ_MAX];
	unsigned n_sealed = 0;

	for (size_t i = 0; i + 1 < len && i / 2 < SEQ_MAX; i += 2) {
		uint8_t b[RS_RTP_HDR_LEN + SEQ_PAYLOAD + RS_SRTP_OVERHEAD] = {0x80, 0x60};
		uint8_t copy_b[sizeof(b)];
		uint16_t seq = (uint16_t)(pkt[i] << 8 | pkt[i + 1]);
		uint64_t idx = rs_index_estimate(&tx->rtp, seq);
		struct rs_packet p = {.buf = b,
				      .len = RS_RTP_HDR_LEN + SEQ_PAYLOAD,
				      .cap = sizeof(b),
				      .key = key,
				      .stream = tx};
		enum rs_status st;

		b[2] = pkt[i];
		b[3] = pkt[i + 1];
		b[8] = (uint8_t)(ssrc >> 24);
		b[9] = (uint8_t)(ssrc >> 16);
		b[10] = (uint8_t)(ssrc >> 8);
		b[11] = (uint8_t)ssrc;
		memcpy(b + RS_RTP_HDR_LEN, &i, SEQ_PAYLOAD);
		st = rs_seal(eng, &p);
		if (st != RS_OK) {
			CHECK(st == RS_ERR_STALE_SEQ || st == RS_ERR_INDEX_EXHAUSTED);
			continue;
		}
		/* the nonce of this (key, SSRC) is new */
		CHECK(idx <= RS_SRTP_INDEX_MAX);
		for (unsigned j = 0; j < n_sealed; j++)
			CHECK(sealed[j] != idx);
		sealed[n_sealed++] = idx;

		memcpy(copy_b, b, sizeof(b));
		p.stream = rx;
		st = rs_open(eng, &p);
		if (st != RS_OK)
			fprintf(stderr, "fuzz_open: sequence %u (index %llu) did not open: %s\n",
				seq, (unsigned long long)idx, rs_status_name(st));
		CHECK(st == RS_OK && p.len == RS_RTP_HDR_LEN + SEQ_PAYLOAD);
		CHECK(memcmp(b + RS_RTP_HDR_LEN, &i, SEQ_PAYLOAD) == 0);
		p.buf = copy_b;
		p.len = RS_RTP_HDR_LEN + SEQ_PAYLOAD + RS_SRTP_OVERHEAD;
		CHECK(rs_open(eng, &p) == RS_ERR_REPLAY);
	}
	rs_stream_free(rx);
	rs_stream_free(tx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct knobs k;

	if (!eng)
		setup();
	if (size < HDR_LEN)
		return 0;
	k.flags = data[0];
	k.roc = data[1];
	k.seq = (uint16_t)(data[2] << 8 | data[3]);
	k.srtcp_index = (uint32_t)data[1] << 16 | k.seq;
	if (k.flags & F_LIMITS) {
		k.roc = 0xffffff00u | data[1];
		k.srtcp_index = RS_SRTCP_INDEX_MAX - 2 + (k.seq & 3);
	}
	open_input(&k, data + HDR_LEN, size - HDR_LEN);
	seal_input(&k, data + HDR_LEN, size - HDR_LEN);
	sequence_input(&k, data + HDR_LEN, size - HDR_LEN);
	return 0;
}
