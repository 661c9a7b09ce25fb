/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Known answers: every RFC 7714 vector of the shared vector file, read at run
 * time with jansson, sealed and opened in both directions with the session
 * keys used directly. Each vector is also opened with single flipped bits
 * (header, payload, tag, SRTCP E||index): RS_ERR_AUTH, payload and tag
 * wiped, stream state untouched; and replayed: RS_ERR_REPLAY.
 *
 * The file is $RS_SHARED/testvectors/rfc7714.json, else
 * ../shared/testvectors/rfc7714.json from the working directory. A missing
 * or unreadable file is a failure, never a skip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "rs_keys.h"
#include "rs_srtp.h"
#include "rs_status.h"
#include "rs_stream.h"

#define VEC_REL_PATH "testvectors/rfc7714.json"
#define MAX_PKT	     2048

struct vec {
	char name[96];
	char seal_name[104], open_name[104];
	int is_rtcp;
	int auth_only; /* RTP: RS_KEY_RTP_AUTH_ONLY; RTCP: E=0 */
	uint8_t key[RS_MAX_KEY_LEN];
	size_t key_len;
	uint8_t salt[RS_SESSION_SALT_LEN];
	uint32_t roc;	      /* RTP */
	uint32_t srtcp_index; /* RTCP */
	uint8_t iv[12];
	int has_iv;
	uint8_t plain[MAX_PKT];
	size_t plain_len;
	uint8_t prot[MAX_PKT];
	size_t prot_len;
};

/* One flipped bit, at an offset from a region of the protected packet. */
enum region { R_HDR, R_PAYLOAD_FIRST, R_PAYLOAD_LAST, R_TAG_FIRST, R_TAG_LAST, R_TRAILER };

struct flip {
	const char *what;
	enum region region;
	size_t off; /* from the start of the region (R_TRAILER: of the trailer) */
	uint8_t mask;
	enum { BOTH, RTP_ONLY, RTCP_ONLY } only;
	/* The SSRC selects the stream: a packet whose SSRC is not the
	 * stream's is refused before any decryption (lib: invalid_arg), so
	 * only "refused, nothing moved" is asked of it. */
	int ssrc;
};

static const struct flip flips[] = {
    {"RTCP header byte 0 (RC)", R_HDR, 0, 0x01, RTCP_ONLY, 0},
    {"header byte 1 (PT)", R_HDR, 1, 0x01, BOTH, 0},
    {"RTCP header byte 2 (length high)", R_HDR, 2, 0x01, RTCP_ONLY, 0},
    {"header byte 3 (RTP sequence, RTCP length low)", R_HDR, 3, 0x01, BOTH, 0},
    {"RTP header byte 4 (timestamp)", R_HDR, 4, 0x80, RTP_ONLY, 0},
    {"RTP header byte 7 (timestamp)", R_HDR, 7, 0x01, RTP_ONLY, 0},
    {"RTP header byte 11 (SSRC)", R_HDR, 11, 0x01, RTP_ONLY, 1},
    {"RTCP header byte 7 (SSRC)", R_HDR, 7, 0x01, RTCP_ONLY, 1},
    {"payload first byte", R_PAYLOAD_FIRST, 0, 0x01, BOTH, 0},
    {"payload last byte", R_PAYLOAD_LAST, 0, 0x80, BOTH, 0},
    {"tag first byte", R_TAG_FIRST, 0, 0x01, BOTH, 0},
    {"tag last byte", R_TAG_LAST, 0, 0x80, BOTH, 0},
    {"trailer E bit", R_TRAILER, 0, 0x80, RTCP_ONLY, 0},
    {"trailer index low bit", R_TRAILER, 3, 0x01, RTCP_ONLY, 0},
    {"trailer index high bit", R_TRAILER, 0, 0x40, RTCP_ONLY, 0},
};

static json_t *root;
static char load_error[2048];

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exact hex decode; returns the length, or SIZE_MAX on a bad string. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > cap)
		return SIZE_MAX;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]);
		int lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return SIZE_MAX;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return n / 2;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void hexdump_diff(const char *label, const uint8_t *got, const uint8_t *exp, size_t n)
{
	print_error("%s:\n  expected ", label);
	for (size_t i = 0; i < n; i++)
		print_error("%02x", exp[i]);
	print_error("\n  actual   ");
	for (size_t i = 0; i < n; i++)
		print_error("%02x", got[i]);
	print_error("\n");
}

static void assert_bytes(const char *label, const uint8_t *got, const uint8_t *exp, size_t n)
{
	if (memcmp(got, exp, n) != 0) {
		hexdump_diff(label, got, exp, n);
		fail_msg("%s: bytes differ", label);
	}
}

static json_t *load_vectors(void)
{
	const char *shared = getenv("RS_SHARED");
	char paths[2][1024];
	int npaths = 0;
	json_error_t jerr;
	size_t used = 0;

	if (shared && *shared &&
	    snprintf(paths[npaths], sizeof(paths[0]), "%s/%s", shared, VEC_REL_PATH) <
		(int)sizeof(paths[0]))
		npaths++;
	snprintf(paths[npaths++], sizeof(paths[0]), "../shared/%s", VEC_REL_PATH);
	load_error[0] = '\0';
	for (int i = 0; i < npaths; i++) {
		json_t *j = json_load_file(paths[i], 0, &jerr);
		int n;

		if (j)
			return j;
		n = snprintf(load_error + used, sizeof(load_error) - used, "%s%s: %s",
			     used ? "; " : "", paths[i], jerr.text);
		if (n < 0 || (size_t)n >= sizeof(load_error) - used)
			break;
		used += (size_t)n;
	}
	return NULL;
}

static const char *jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Fill v from one JSON vector; returns NULL or a description of what is wrong. */
static const char *vec_parse(json_t *j, int is_rtcp, size_t i, const uint8_t *salt, struct vec *v)
{
	const char *cipher = jstr(j, "cipher");
	const char *key = jstr(j, "session_key");
	const char *plain = jstr(j, "plaintext_packet");
	const char *prot = jstr(j, "protected_packet");
	const char *note = jstr(j, "note");
	const char *iv = jstr(j, "iv");
	const char *own_salt = jstr(j, "session_salt");
	json_t *num = json_object_get(j, is_rtcp ? "srtcp_index" : "roc");
	size_t want_key;

	memset(v, 0, sizeof(*v));
	v->is_rtcp = is_rtcp;
	if (!cipher || !key || !plain || !prot || !json_is_integer(num))
		return "vector lacks cipher, session_key, plaintext_packet, protected_packet or "
		       "roc/srtcp_index";
	if (strcmp(cipher, "AEAD_AES_128_GCM") == 0)
		want_key = 16;
	else if (strcmp(cipher, "AEAD_AES_256_GCM") == 0)
		want_key = 32;
	else
		return "unknown cipher";
	v->key_len = unhex(key, v->key, sizeof(v->key));
	if (v->key_len != want_key)
		return "session_key is not hex of the cipher's key length";
	memcpy(v->salt, salt, RS_SESSION_SALT_LEN);
	if (own_salt && unhex(own_salt, v->salt, sizeof(v->salt)) != RS_SESSION_SALT_LEN)
		return "bad per-vector session_salt";
	v->plain_len = unhex(plain, v->plain, sizeof(v->plain));
	v->prot_len = unhex(prot, v->prot, sizeof(v->prot));
	if (v->plain_len == SIZE_MAX || v->prot_len == SIZE_MAX)
		return "bad packet hex";
	if (iv) {
		if (unhex(iv, v->iv, sizeof(v->iv)) != 12)
			return "bad iv hex";
		v->has_iv = 1;
	}
	if (is_rtcp) {
		if (json_integer_value(num) < 0 || json_integer_value(num) > 0x7fffffff)
			return "srtcp_index out of range";
		v->srtcp_index = (uint32_t)json_integer_value(num);
		if (v->plain_len < 8 || v->prot_len != v->plain_len + RS_SRTCP_OVERHEAD)
			return "RTCP lengths inconsistent";
		/* E=0 vectors are told apart by their E bit, not by a note. */
		v->auth_only = !(v->prot[v->prot_len - 4] & 0x80);
		if ((be32(v->prot + v->prot_len - 4) & 0x7fffffff) != v->srtcp_index)
			return "E||index trailer disagrees with srtcp_index";
	} else {
		if (json_integer_value(num) < 0 || json_integer_value(num) > 0xffffffff)
			return "roc out of range";
		v->roc = (uint32_t)json_integer_value(num);
		if (v->plain_len < 12 || v->prot_len != v->plain_len + RS_SRTP_OVERHEAD)
			return "RTP lengths inconsistent";
		v->auth_only = note && strstr(note, "authentication only") != NULL;
	}
	snprintf(v->name, sizeof(v->name), "%s[%zu] %s%s", is_rtcp ? "rtcp" : "rtp", i, cipher,
		 v->auth_only ? (is_rtcp ? " E=0" : " auth-only") : "");
	return NULL;
}

static size_t rtp_hdr_len(const uint8_t *p, size_t len)
{
	size_t h = 12 + 4 * (size_t)(p[0] & 0x0f);

	if ((p[0] & 0x10) && h + 4 <= len)
		h += 4 + 4 * (size_t)(p[h + 2] << 8 | p[h + 3]);
	return h;
}

/* The IV the vector claims must be the RFC 7714 IV of its packet. */
static void check_iv(const struct vec *v)
{
	uint8_t iv[12] = {0};

	if (!v->has_iv)
		return;
	if (v->is_rtcp) {
		memcpy(iv + 2, v->plain + 4, 4);
		iv[8] = (uint8_t)(v->srtcp_index >> 24);
		iv[9] = (uint8_t)(v->srtcp_index >> 16);
		iv[10] = (uint8_t)(v->srtcp_index >> 8);
		iv[11] = (uint8_t)v->srtcp_index;
	} else {
		memcpy(iv + 2, v->plain + 8, 4);
		iv[6] = (uint8_t)(v->roc >> 24);
		iv[7] = (uint8_t)(v->roc >> 16);
		iv[8] = (uint8_t)(v->roc >> 8);
		iv[9] = (uint8_t)v->roc;
		memcpy(iv + 10, v->plain + 2, 2);
	}
	for (int i = 0; i < 12; i++)
		iv[i] ^= v->salt[i];
	assert_bytes("vector iv vs salt XOR (0 | SSRC | ROC/index | SEQ)", iv, v->iv, 12);
}

/* A copy of everything in a stream that an open or seal may change. */
struct snap {
	struct rs_window rtp, rtcp;
	uint64_t *rtp_bits;
	uint64_t rtcp_bits[RS_RTCP_WINDOW_WORDS];
	uint32_t roc, rtcp_next;
	uint8_t rtp_stopped, rtcp_stopped;
};

static void snap_take(const struct rs_stream *s, struct snap *sn)
{
	size_t words = (size_t)s->rtp.word_mask + 1;

	memset(sn, 0, sizeof(*sn));
	sn->rtp = s->rtp;
	sn->rtcp = s->rtcp;
	sn->rtp_bits = calloc(words, sizeof(uint64_t));
	assert_non_null(sn->rtp_bits);
	memcpy(sn->rtp_bits, s->rtp.bits, words * sizeof(uint64_t));
	if (s->rtcp.bits) {
		assert_true(s->rtcp.word_mask + 1 <= RS_RTCP_WINDOW_WORDS);
		memcpy(sn->rtcp_bits, s->rtcp.bits, (s->rtcp.word_mask + 1) * sizeof(uint64_t));
	}
	sn->roc = rs_stream_roc(s);
	sn->rtcp_next = s->rtcp_next;
	sn->rtp_stopped = s->rtp_stopped;
	sn->rtcp_stopped = s->rtcp_stopped;
}

static void snap_free(struct snap *sn)
{
	free(sn->rtp_bits);
	sn->rtp_bits = NULL;
}

static void snap_same(const struct rs_stream *s, struct snap *before, const char *ctx)
{
	struct snap now;
	int same;

	snap_take(s, &now);
	same = now.rtp.top == before->rtp.top && now.rtp.started == before->rtp.started &&
	       now.rtp.word_mask == before->rtp.word_mask && now.rtcp.top == before->rtcp.top &&
	       now.rtcp.started == before->rtcp.started && now.roc == before->roc &&
	       now.rtcp_next == before->rtcp_next && now.rtp_stopped == before->rtp_stopped &&
	       now.rtcp_stopped == before->rtcp_stopped &&
	       memcmp(now.rtp_bits, before->rtp_bits,
		      ((size_t)now.rtp.word_mask + 1) * sizeof(uint64_t)) == 0 &&
	       memcmp(now.rtcp_bits, before->rtcp_bits, sizeof(now.rtcp_bits)) == 0;
	if (!same)
		print_error(
		    "%s: stream state changed by a packet that did not verify "
		    "(rtp top %llu->%llu started %u->%u, rtcp top %llu->%llu, roc %u->%u)\n",
		    ctx, (unsigned long long)before->rtp.top, (unsigned long long)now.rtp.top,
		    before->rtp.started, now.rtp.started, (unsigned long long)before->rtcp.top,
		    (unsigned long long)now.rtcp.top, before->roc, now.roc);
	snap_free(&now);
	snap_free(before);
	assert_true(same);
}

static struct rs_key_ctx *vec_key(struct rs_engine *eng, const struct vec *v)
{
	struct rs_session_keys sk;
	enum rs_status err = RS_ERR_INVALID_ARG;
	struct rs_key_ctx *kc;
	unsigned flags = (!v->is_rtcp && v->auth_only) ? RS_KEY_RTP_AUTH_ONLY : 0;

	memset(&sk, 0, sizeof(sk));
	memcpy(sk.rtp_key, v->key, v->key_len);
	memcpy(sk.rtcp_key, v->key, v->key_len);
	memcpy(sk.rtp_salt, v->salt, RS_SESSION_SALT_LEN);
	memcpy(sk.rtcp_salt, v->salt, RS_SESSION_SALT_LEN);
	sk.key_len = (uint8_t)v->key_len;
	kc = rs_key_ctx_from_session(eng, &sk, flags, &err);
	if (!kc)
		fail_msg("%s: rs_key_ctx_from_session: %s", v->name, rs_status_name(err));
	assert_int_equal(err, RS_OK);
	assert_int_equal(rs_key_ctx_key_len(kc), v->key_len);
	return kc;
}

static uint32_t vec_ssrc(const struct vec *v)
{
	return be32(v->plain + (v->is_rtcp ? 4 : 8));
}

static struct rs_stream *vec_stream(const struct vec *v)
{
	enum rs_status err = RS_ERR_INVALID_ARG;
	struct rs_stream *s = rs_stream_new(vec_ssrc(v), RS_WINDOW_DEFAULT, v->roc, &err);

	if (!s)
		fail_msg("rs_stream_new: %s", rs_status_name(err));
	assert_int_equal(err, RS_OK);
	return s;
}

/* A heap buffer of exactly cap bytes, so ASan sees any write past it. */
static uint8_t *exact_buf(const uint8_t *src, size_t len, size_t cap)
{
	uint8_t *b = malloc(cap);

	assert_non_null(b);
	memset(b, 0xee, cap);
	memcpy(b, src, len);
	return b;
}

static void do_seal(struct rs_engine *eng, const struct vec *v, struct rs_key_ctx *kc)
{
	struct rs_stream *s = vec_stream(v);
	size_t cap = v->prot_len;
	uint8_t *b = exact_buf(v->plain, v->plain_len, cap);
	struct rs_packet p = {.buf = b,
			      .len = (uint32_t)v->plain_len,
			      .cap = (uint32_t)cap,
			      .key = kc,
			      .stream = s,
			      .is_rtcp = (uint8_t)v->is_rtcp};
	enum rs_status st;

	if (v->is_rtcp)
		s->rtcp_next = v->srtcp_index;
	st = (v->is_rtcp && v->auth_only) ? rs_seal_rtcp_auth_only(eng, &p) : rs_seal(eng, &p);
	if (st != RS_OK)
		fail_msg("%s: seal returned %s, expected ok", v->name, rs_status_name(st));
	assert_int_equal(p.status, RS_OK);
	assert_int_equal(p.len, v->prot_len);
	assert_bytes("sealed packet", b, v->prot, v->prot_len);
	if (v->is_rtcp) {
		assert_int_equal(s->rtcp_next, v->srtcp_index + 1);
	} else {
		/* the same index again must not be sealed a second time */
		uint8_t *b2 = exact_buf(v->plain, v->plain_len, cap);
		struct rs_packet p2 = p;

		p2.buf = b2;
		p2.len = (uint32_t)v->plain_len;
		st = rs_seal(eng, &p2);
		if (st != RS_ERR_STALE_SEQ)
			fail_msg("%s: second seal of one sequence returned %s, expected stale_seq",
				 v->name, rs_status_name(st));
		assert_int_equal(rs_stream_roc(s), v->roc);
		free(b2);
	}
	free(b);
	rs_stream_free(s);
}

static enum rs_status open_copy(struct rs_engine *eng, const struct vec *v, struct rs_key_ctx *kc,
				struct rs_stream *s, uint8_t *b, uint32_t *out_len)
{
	struct rs_packet p = {.buf = b,
			      .len = (uint32_t)v->prot_len,
			      .cap = (uint32_t)v->prot_len,
			      .key = kc,
			      .stream = s,
			      .is_rtcp = (uint8_t)v->is_rtcp};
	enum rs_status st = rs_open(eng, &p);

	assert_int_equal(p.status, st);
	*out_len = p.len;
	return st;
}

static void do_flips(struct rs_engine *eng, const struct vec *v, struct rs_key_ctx *kc,
		     struct rs_stream *s)
{
	size_t hdr = v->is_rtcp ? 8 : rtp_hdr_len(v->plain, v->plain_len);
	size_t trailer = v->is_rtcp ? RS_SRTCP_TRAILER_LEN : 0;
	size_t tag = v->prot_len - trailer - RS_GCM_TAG_LEN;
	size_t payload_len = tag - hdr;

	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		const struct flip *f = &flips[i];
		size_t at;
		uint8_t *b;
		uint32_t len;
		enum rs_status st;
		struct snap before;
		char ctx[192];

		if ((f->only == RTCP_ONLY && !v->is_rtcp) || (f->only == RTP_ONLY && v->is_rtcp))
			continue;
		switch (f->region) {
		case R_HDR:
			at = f->off;
			break;
		case R_PAYLOAD_FIRST:
			if (!payload_len)
				continue;
			at = hdr;
			break;
		case R_PAYLOAD_LAST:
			if (!payload_len)
				continue;
			at = tag - 1;
			break;
		case R_TAG_FIRST:
			at = tag;
			break;
		case R_TAG_LAST:
			at = tag + RS_GCM_TAG_LEN - 1;
			break;
		default:
			at = v->prot_len - trailer + f->off;
			break;
		}
		snprintf(ctx, sizeof(ctx), "%s, flipped %s (byte %zu mask 0x%02x)", v->name,
			 f->what, at, f->mask);
		b = exact_buf(v->prot, v->prot_len, v->prot_len);
		b[at] ^= f->mask;
		snap_take(s, &before);
		st = open_copy(eng, v, kc, s, b, &len);
		if (f->ssrc) {
			if (st == RS_OK)
				fail_msg("%s: opened on another SSRC's stream", ctx);
			snap_same(s, &before, ctx);
			free(b);
			continue;
		}
		if (st != RS_ERR_AUTH)
			fail_msg("%s: open returned %s, expected auth_fail", ctx,
				 rs_status_name(st));
		for (size_t k = hdr; k < tag + RS_GCM_TAG_LEN; k++)
			if (b[k] != 0)
				fail_msg(
				    "%s: byte %zu (payload/tag region %zu..%zu) is 0x%02x after "
				    "a failed open, expected 0",
				    ctx, k, hdr, tag + RS_GCM_TAG_LEN - 1, b[k]);
		snap_same(s, &before, ctx);
		free(b);
	}
}

static void do_open(struct rs_engine *eng, const struct vec *v, struct rs_key_ctx *kc)
{
	struct rs_stream *s = vec_stream(v);
	uint8_t *b;
	uint32_t len;
	enum rs_status st;

	/* Forgeries first: they must leave the stream as new, so the genuine
	 * packet still opens afterwards. */
	do_flips(eng, v, kc, s);

	b = exact_buf(v->prot, v->prot_len, v->prot_len);
	st = open_copy(eng, v, kc, s, b, &len);
	if (st != RS_OK)
		fail_msg("%s: open returned %s, expected ok", v->name, rs_status_name(st));
	assert_int_equal(len, v->plain_len);
	assert_bytes("opened packet", b, v->plain, v->plain_len);
	if (!v->is_rtcp)
		assert_int_equal(rs_stream_roc(s), v->roc);
	free(b);

	b = exact_buf(v->prot, v->prot_len, v->prot_len);
	st = open_copy(eng, v, kc, s, b, &len);
	if (st != RS_ERR_REPLAY)
		fail_msg("%s: second open returned %s, expected replay", v->name,
			 rs_status_name(st));
	free(b);
	rs_stream_free(s);
}

static void run_vector(const struct vec *v, int seal)
{
	enum rs_status err = RS_ERR_INVALID_ARG;
	struct rs_engine *eng = rs_engine_new(&err);
	struct rs_key_ctx *kc;

	if (!eng)
		fail_msg("rs_engine_new: %s", rs_status_name(err));
	check_iv(v);
	kc = vec_key(eng, v);
	if (seal)
		do_seal(eng, v, kc);
	else
		do_open(eng, v, kc);
	rs_key_ctx_free(kc);
	rs_engine_free(eng);
}

static void test_vector_seal(void **state)
{
	run_vector(*state, 1);
}

static void test_vector_open(void **state)
{
	run_vector(*state, 0);
}

static void test_file_loaded(void **state)
{
	(void)state;
	if (!root)
		fail_msg("RFC 7714 vector file not readable (%s); set RS_SHARED to the shared "
			 "directory",
			 load_error);
}

static void test_file_complete(void **state)
{
	const size_t *counts = *state;

	/* counts: rtp, rtcp, rtp auth-only, rtcp E=0, parse errors */
	if (counts[4])
		fail_msg("%zu vectors could not be parsed (see above)", counts[4]);
	assert_true(counts[0] >= 2);
	assert_true(counts[1] >= 2);
	assert_true(counts[2] >= 1);
	assert_true(counts[3] >= 1);
}

static void test_bad_vector(void **state)
{
	fail_msg("%s", (const char *)*state);
}

int main(void)
{
	static size_t counts[5];
	struct vec **vecs;
	size_t nvecs = 0;
	struct CMUnitTest *tests;
	size_t ntests = 0, cap;
	uint8_t salt[RS_SESSION_SALT_LEN];
	json_t *arr[2];
	int rc;

	root = load_vectors();
	if (!root) {
		const struct CMUnitTest only[] = {cmocka_unit_test(test_file_loaded)};

		fprintf(stderr, "test_vectors: %s\n", load_error);
		return cmocka_run_group_tests_name("rfc7714 vectors", only, NULL, NULL);
	}
	arr[0] = json_object_get(root, "rtp");
	arr[1] = json_object_get(root, "rtcp");
	cap = 3 + 2 * (json_array_size(arr[0]) + json_array_size(arr[1]));
	tests = calloc(cap, sizeof(*tests));
	vecs = calloc(cap, sizeof(*vecs));
	if (!tests || !vecs)
		return 1;
	tests[ntests++] = (struct CMUnitTest)cmocka_unit_test(test_file_loaded);

	const char *salt_hex = jstr(root, "session_salt");
	int salt_ok = salt_hex && unhex(salt_hex, salt, sizeof(salt)) == RS_SESSION_SALT_LEN;

	if (!salt_ok || !json_is_array(arr[0]) || !json_is_array(arr[1])) {
		tests[ntests++] = (struct CMUnitTest){
		    .name = "vector file layout",
		    .test_func = test_bad_vector,
		    .initial_state = (void *)"file needs session_salt (12-byte hex), rtp[] "
					     "and rtcp[]"};
		counts[4]++;
	} else {
		for (int k = 0; k < 2; k++) {
			for (size_t i = 0; i < json_array_size(arr[k]); i++) {
				struct vec *v = calloc(1, sizeof(*v));
				const char *why;

				if (!v)
					return 1;
				vecs[nvecs++] = v;
				why = vec_parse(json_array_get(arr[k], i), k, i, salt, v);
				if (why) {
					snprintf(v->name, sizeof(v->name), "%s[%zu] unparsable",
						 k ? "rtcp" : "rtp", i);
					tests[ntests++] =
					    (struct CMUnitTest){.name = v->name,
								.test_func = test_bad_vector,
								.initial_state = (void *)why};
					counts[4]++;
					continue;
				}
				counts[k]++;
				counts[2 + k] += v->auth_only ? 1 : 0;
				snprintf(v->seal_name, sizeof(v->seal_name), "%s seal", v->name);
				snprintf(v->open_name, sizeof(v->open_name), "%s open", v->name);
				tests[ntests++] = (struct CMUnitTest){.name = v->seal_name,
								      .test_func = test_vector_seal,
								      .initial_state = v};
				tests[ntests++] = (struct CMUnitTest){.name = v->open_name,
								      .test_func = test_vector_open,
								      .initial_state = v};
			}
		}
	}
	tests[ntests++] = (struct CMUnitTest){.name = "vector file has every kind of vector",
					      .test_func = test_file_complete,
					      .initial_state = counts};
	rc = _cmocka_run_group_tests("rfc7714 vectors", tests, ntests, NULL, NULL);
	json_decref(root);
	while (nvecs)
		free(vecs[--nvecs]);
	free(vecs);
	free(tests);
	return rc;
}
