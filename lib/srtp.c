/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Seal and open SRTP/SRTCP with AEAD AES-GCM (RFC 7714), in place.
 *
 * One call into ipsec-mb's direct GCM API per packet: for GCM it is the
 * fastest path in every ipsec-mb version (the job and burst APIs add
 * bookkeeping and nothing else). Decrypt does not check tags, so this file
 * compares them, in constant time.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "rs_internal.h"
#include "rs_parse.h"
#include "rs_srtp.h"

#define SRTCP_E_BIT   0x80000000u
#define SRTCP_HDR_AAD 8 /* RTCP bytes authenticated but never encrypted */

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 7714 §8.1: IV = salt XOR (00 00 | SSRC | ROC | SEQ); SRTCP (§9.1)
 * has the same shape with 00 00 | 0 | 31-bit index in place of ROC | SEQ,
 * so both are salt XOR (00 00 | SSRC | 48-bit counter). */
static inline void make_iv(uint8_t iv[12], const uint8_t salt[12], uint32_t ssrc, uint64_t ctr)
{
	uint8_t block[12];

	block[0] = 0;
	block[1] = 0;
	put_be32(block + 2, ssrc);
	put_be32(block + 6, (uint32_t)(ctr >> 16));
	block[10] = (uint8_t)(ctr >> 8);
	block[11] = (uint8_t)ctr;
	for (int i = 0; i < 12; i++)
		iv[i] = salt[i] ^ block[i];
}

static enum rs_status seal_rtp(struct rs_engine *eng, struct rs_packet *p)
{
	const struct rs_key_ctx *k = p->key;
	struct rs_stream *s = p->stream;
	struct rs_rtp_info rtp;
	uint8_t iv[12];
	enum rs_status st;

	st = rs_rtp_parse(p->buf, p->len, 1, &rtp);
	if (st != RS_OK)
		return st;
	if (rtp.ssrc != s->ssrc)
		return RS_ERR_INVALID_ARG;
	if ((uint64_t)p->len + RS_GCM_TAG_LEN > p->cap)
		return RS_ERR_NO_TAILROOM;
	if (s->rtp_stopped)
		return RS_ERR_INDEX_EXHAUSTED;

	uint64_t idx = rs_index_estimate(&s->rtp, rtp.seq);
	if (idx == RS_INDEX_INVALID || rs_window_check(&s->rtp, idx) != RS_OK)
		return RS_ERR_STALE_SEQ;
	if (idx > RS_SRTP_INDEX_MAX) {
		/* the nonce space of this key and SSRC is spent: stop, never wrap */
		s->rtp_stopped = 1;
		return RS_ERR_INDEX_EXHAUSTED;
	}

	uint32_t aad_len = k->rtp_auth_only ? p->len : rtp.hdr_len;
	make_iv(iv, k->rtp_salt, rtp.ssrc, idx);
	eng->enc[k->size](k->rtp_key, &eng->gcm_ctx, p->buf + aad_len, p->buf + aad_len,
			  p->len - aad_len, iv, p->buf, aad_len, p->buf + p->len, RS_GCM_TAG_LEN);
	rs_window_update(&s->rtp, idx);
	p->len += RS_GCM_TAG_LEN;
	return RS_OK;
}

/* Constant time: the result depends on no branch or early exit on where
 * the tags differ (CRYPTO_memcmp's contract, in two word operations; the
 * library call cost as much as a tenth of opening a 160-byte packet). */
static inline int tags_equal(const uint8_t *a, const uint8_t *b)
{
	uint64_t x[2], y[2];

	_Static_assert(sizeof(x) == RS_GCM_TAG_LEN, "a tag is two words");
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

/* Decrypt body in place and check the tag that follows it. On a mismatch
 * the body is encrypted again under the same key and IV (CTR mode is its
 * own inverse), so the caller can try another key on the original bytes. */
static int open_body(struct rs_engine *eng, const struct rs_key_ctx *k,
		     const struct gcm_key_data *gk, const uint8_t iv[12], uint8_t *body,
		     uint32_t body_len, const uint8_t *aad, uint32_t aad_len, const uint8_t *tag)
{
	uint8_t computed[RS_GCM_TAG_LEN];

	eng->dec[k->size](gk, &eng->gcm_ctx, body, body, body_len, iv, aad, aad_len, computed,
			  RS_GCM_TAG_LEN);
	if (tags_equal(computed, tag))
		return 1;
	if (body_len)
		eng->enc[k->size](gk, &eng->gcm_ctx, body, body, body_len, iv, aad, aad_len,
				  computed, RS_GCM_TAG_LEN);
	return 0;
}

/* The state a key's packets are tracked in: after a rekey with roc reset,
 * the previous key keeps the state it had (prev_stream). */
static inline struct rs_stream *state_for(const struct rs_packet *p, int i)
{
	return i && p->prev_stream ? p->prev_stream : p->stream;
}

static enum rs_status open_rtp(struct rs_engine *eng, struct rs_packet *p)
{
	struct rs_rtp_info rtp;
	uint8_t iv[12];
	enum rs_status st;

	st = rs_rtp_parse(p->buf, p->len, 0, &rtp);
	if (st != RS_OK)
		return st;
	if (rtp.payload_len < RS_GCM_TAG_LEN)
		return RS_ERR_SRTP_TRUNC;
	/* No SSRC check against the stream here: the SSRC is in the IV and the
	 * AAD, so a packet that does not belong to this stream fails its tag. */

	uint32_t clear_len = p->len - RS_GCM_TAG_LEN;
	const uint8_t *tag = p->buf + clear_len;
	const struct rs_key_ctx *keys[2] = {p->key, p->prev_key};
	enum rs_status result = RS_ERR_REPLAY;
	int decrypted = 0;
	for (int i = 0; i < 2 && keys[i]; i++) {
		struct rs_stream *s = state_for(p, i);
		if (i && s == p->stream && result != RS_ERR_AUTH)
			break; /* the same state refused the index already */
		uint64_t idx = rs_index_estimate(&s->rtp, rtp.seq);
		if (idx == RS_INDEX_INVALID || rs_window_check(&s->rtp, idx) != RS_OK)
			continue;
		if (idx > RS_SRTP_INDEX_MAX) {
			if (!decrypted)
				result = RS_ERR_INDEX_EXHAUSTED;
			continue;
		}
		const struct rs_key_ctx *k = keys[i];
		uint32_t aad_len = k->rtp_auth_only ? clear_len : rtp.hdr_len;
		make_iv(iv, k->rtp_salt, rtp.ssrc, idx);
		if (open_body(eng, k, k->rtp_key, iv, p->buf + aad_len, clear_len - aad_len, p->buf,
			      aad_len, tag)) {
			rs_window_update(&s->rtp, idx);
			p->used_prev_key = (uint8_t)i;
			p->len = clear_len;
			return RS_OK;
		}
		decrypted = 1;
		result = RS_ERR_AUTH;
	}
	/* no plaintext of a forged packet stays in the buffer */
	if (decrypted)
		OPENSSL_cleanse(p->buf + rtp.hdr_len, p->len - rtp.hdr_len);
	return result;
}

static enum rs_status seal_rtcp_common(struct rs_engine *eng, struct rs_packet *p, int encrypt)
{
	const struct rs_key_ctx *k = p->key;
	struct rs_stream *s = p->stream;
	struct rs_rtcp_info rtcp;
	uint8_t iv[12], aad[SRTCP_HDR_AAD + RS_SRTCP_TRAILER_LEN];
	uint8_t tag[RS_GCM_TAG_LEN];
	enum rs_status st;

	st = rs_rtcp_parse(p->buf, p->len, &rtcp);
	if (st != RS_OK)
		return st;
	if (rtcp.ssrc != s->ssrc)
		return RS_ERR_INVALID_ARG;
	if ((uint64_t)p->len + RS_SRTCP_OVERHEAD > p->cap)
		return RS_ERR_NO_TAILROOM;
	if (s->rtcp_stopped || s->rtcp_next > RS_SRTCP_INDEX_MAX) {
		s->rtcp_stopped = 1;
		return RS_ERR_INDEX_EXHAUSTED;
	}

	uint32_t index = s->rtcp_next;
	uint32_t len = p->len;
	uint8_t *trailer = p->buf + len + RS_GCM_TAG_LEN;
	make_iv(iv, k->rtcp_salt, rtcp.ssrc, index);
	if (encrypt) {
		memcpy(aad, p->buf, SRTCP_HDR_AAD);
		put_be32(aad + SRTCP_HDR_AAD, SRTCP_E_BIT | index);
		eng->enc[k->size](k->rtcp_key, &eng->gcm_ctx, p->buf + SRTCP_HDR_AAD,
				  p->buf + SRTCP_HDR_AAD, len - SRTCP_HDR_AAD, iv, aad, sizeof(aad),
				  p->buf + len, RS_GCM_TAG_LEN);
		put_be32(trailer, SRTCP_E_BIT | index);
	} else {
		/* E=0: AAD is packet || E||index. Put the word right after the
		 * packet so the AAD is contiguous, then move it past the tag. */
		put_be32(p->buf + len, index);
		eng->enc[k->size](k->rtcp_key, &eng->gcm_ctx, p->buf, p->buf, 0, iv, p->buf,
				  len + RS_SRTCP_TRAILER_LEN, tag, RS_GCM_TAG_LEN);
		memmove(trailer, p->buf + len, RS_SRTCP_TRAILER_LEN);
		memcpy(p->buf + len, tag, RS_GCM_TAG_LEN);
	}
	s->rtcp_next = index + 1;
	p->len = len + RS_SRTCP_OVERHEAD;
	return RS_OK;
}

static enum rs_status open_rtcp(struct rs_engine *eng, struct rs_packet *p)
{
	struct rs_stream *s = p->stream;
	struct rs_rtcp_info rtcp;
	uint8_t iv[12], aad[SRTCP_HDR_AAD + RS_SRTCP_TRAILER_LEN];
	uint8_t tag[RS_GCM_TAG_LEN];
	enum rs_status st;

	if (p->len < RS_RTCP_HDR_LEN + RS_SRTCP_OVERHEAD)
		return RS_ERR_SRTCP_TRUNC;
	uint32_t clear_len = p->len - RS_SRTCP_OVERHEAD;
	st = rs_rtcp_parse(p->buf, clear_len, &rtcp);
	if (st != RS_OK)
		return st;

	uint32_t word = get_be32(p->buf + p->len - RS_SRTCP_TRAILER_LEN);
	uint32_t index = word & ~SRTCP_E_BIT;
	int encrypted = (word & SRTCP_E_BIT) != 0;
	int fresh[2] = {rs_window_check(&s->rtcp, index) == RS_OK,
			rs_window_check(&state_for(p, 1)->rtcp, index) == RS_OK};
	if (!fresh[0] && !(p->prev_key && fresh[1]))
		return RS_ERR_REPLAY;

	uint8_t *body = p->buf + SRTCP_HDR_AAD;
	uint32_t body_len = clear_len - SRTCP_HDR_AAD;
	const uint8_t *aad_ptr = aad;
	uint32_t aad_len = sizeof(aad);
	memcpy(tag, p->buf + clear_len, RS_GCM_TAG_LEN);
	if (encrypted) {
		memcpy(aad, p->buf, SRTCP_HDR_AAD);
		put_be32(aad + SRTCP_HDR_AAD, word);
	} else {
		/* E=0: the whole packet || E||index is AAD; make it contiguous
		 * by moving the word over the (saved) tag */
		put_be32(p->buf + clear_len, word);
		aad_ptr = p->buf;
		aad_len = clear_len + RS_SRTCP_TRAILER_LEN;
		body_len = 0;
	}

	const struct rs_key_ctx *keys[2] = {p->key, p->prev_key};
	for (int i = 0; i < 2 && keys[i]; i++) {
		const struct rs_key_ctx *k = keys[i];
		if (!fresh[i])
			continue;
		make_iv(iv, k->rtcp_salt, rtcp.ssrc, index);
		if (open_body(eng, k, k->rtcp_key, iv, body, body_len, aad_ptr, aad_len, tag)) {
			rs_window_update(&state_for(p, i)->rtcp, index);
			p->used_prev_key = (uint8_t)i;
			p->len = clear_len;
			return RS_OK;
		}
	}
	OPENSSL_cleanse(body, p->len - SRTCP_HDR_AAD);
	return RS_ERR_AUTH;
}

static inline enum rs_status seal_one(struct rs_engine *eng, struct rs_packet *p)
{
	if (!p->key || !p->stream)
		return RS_ERR_NO_KEY;
	return p->is_rtcp ? seal_rtcp_common(eng, p, 1) : seal_rtp(eng, p);
}

static inline enum rs_status open_one(struct rs_engine *eng, struct rs_packet *p)
{
	p->used_prev_key = 0;
	if (!p->key || !p->stream)
		return RS_ERR_NO_KEY;
	return p->is_rtcp ? open_rtcp(eng, p) : open_rtp(eng, p);
}

/* Prefetch a few packets ahead: the whole packet (a NIC or another core
 * wrote it, so it is cold: measured 60 ns of a 1200-byte seal), the line
 * the tag goes to, and the stream state. */
#define PREFETCH_AHEAD 4

static inline void prefetch_packet(const struct rs_packet *p)
{
	/* for writing: seal and open rewrite the payload in place, and a line
	 * first fetched shared costs a second round trip to own it */
	for (uint32_t off = 0; off < p->len; off += 64)
		__builtin_prefetch(p->buf + off, 1);
	__builtin_prefetch(p->buf + p->len, 1);
	__builtin_prefetch(p->stream);
}

/* One loop for both directions; `one` is a constant at each call site, so
 * the compiler inlines it. */
static inline unsigned burst(struct rs_engine *eng, struct rs_packet *pkts, unsigned n,
			     enum rs_status (*one)(struct rs_engine *, struct rs_packet *))
{
	unsigned ok = 0;

	for (unsigned i = 0; i < n && i < PREFETCH_AHEAD; i++)
		prefetch_packet(&pkts[i]);
	for (unsigned i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			prefetch_packet(&pkts[i + PREFETCH_AHEAD]);
		pkts[i].status = (uint16_t)one(eng, &pkts[i]);
		ok += pkts[i].status == RS_OK;
	}
	return ok;
}

unsigned rs_seal_burst(struct rs_engine *eng, struct rs_packet *pkts, unsigned n)
{
	return burst(eng, pkts, n, seal_one);
}

unsigned rs_open_burst(struct rs_engine *eng, struct rs_packet *pkts, unsigned n)
{
	return burst(eng, pkts, n, open_one);
}

enum rs_status rs_seal(struct rs_engine *eng, struct rs_packet *pkt)
{
	rs_seal_burst(eng, pkt, 1);
	return (enum rs_status)pkt->status;
}

enum rs_status rs_open(struct rs_engine *eng, struct rs_packet *pkt)
{
	rs_open_burst(eng, pkt, 1);
	return (enum rs_status)pkt->status;
}

enum rs_status rs_seal_rtcp_auth_only(struct rs_engine *eng, struct rs_packet *pkt)
{
	enum rs_status st = RS_ERR_NO_KEY;

	if (pkt->key && pkt->stream && pkt->is_rtcp)
		st = seal_rtcp_common(eng, pkt, 0);
	else if (!pkt->is_rtcp)
		st = RS_ERR_INVALID_ARG;
	pkt->status = (uint16_t)st;
	return st;
}
