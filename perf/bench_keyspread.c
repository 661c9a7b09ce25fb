/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bare ipsec-mb seal loop with its keys spread (issue 6, DESIGN §9):
 * what sealing costs when each packet's key is one of many that the caches
 * do not hold, before any lookup, stream state or I/O is added.
 *
 * Why: make bench's spread row compares the pipeline over N channels with
 * the pipeline over one. Part of that gap is no pipeline's doing: a packet
 * of a random channel needs its GCM key (expanded keys and hash-key
 * powers, about ten cache lines at 160 bytes) from memory. This bench
 * measures that floor on the same machine, so the spread row can be read
 * against it.
 *
 * Keys are the library's own key contexts (rs_key_ctx_from_session: one C
 * heap allocation per key, as the pipeline holds one per channel), N of
 * them with random session keys and salts. The loop is bench_crypto's raw
 * one: IV from the salt and the header, IMB_AES{128}_GCM_ENC over a 12-byte
 * header and the payload, the tag written after it. Three cases run in the
 * same repetitions, alternating round by round (a round: 256 packets):
 *   one_key         every packet under key 0 (hot: the bare loop of the
 *                   pipeline rows)
 *   spread          packet i under key order[i], uniformly random over N
 *   spread_prefetch the same, with the key lines of packet i + 8 prefetched
 *                   (rs_key_ctx_prefetch), as well as any pipeline could
 * ratio_* = one_key / case (1.0: spreading costs nothing). Prints one JSON
 * line; medians over the repetitions, with every repetition listed.
 *
 *   bench_keyspread [--keys N] [--payload N] [--reps N] [--ms N]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>

#include "rs_internal.h"
#include "rtpseal.h"
#include "bench_util.h"

const char bench_name[] = "bench_keyspread";

#define ROUND_PKTS     256
#define HDR_LEN	       12
#define TAG_LEN	       16
#define PREFETCH_AHEAD 8
#define MAX_REPS       15

enum { ONE_KEY, SPREAD, SPREAD_PREFETCH, CASES };
static const char *const case_name[CASES] = {"one_key", "spread", "spread_prefetch"};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static unsigned parse_uint(const char *s, unsigned lo, unsigned hi, const char *what)
{
	char *end;
	unsigned long v = strtoul(s ? s : "", &end, 10);

	if (!s || !*s || *end || v < lo || v > hi) {
		fprintf(stderr, "bench_keyspread: %s must be %u..%u\n", what, lo, hi);
		exit(2);
	}
	return (unsigned)v;
}

struct bench {
	struct rs_engine *eng;
	struct rs_key_ctx **keys;
	unsigned n_keys;
	unsigned *order; /* ROUND_PKTS x rounds_in_order key indices */
	unsigned order_len;
	unsigned order_pos;
	uint8_t *pkts; /* ROUND_PKTS slots */
	size_t slot;
	unsigned payload;
	uint32_t seq;
};

static inline void seal_one(struct bench *b, const struct rs_key_ctx *k, uint8_t *p)
{
	uint8_t iv[12];

	/* RFC 7714 §8.1: salt XOR (00 00 | SSRC | ROC | SEQ), ROC 0 here */
	memcpy(iv, k->rtp_salt, sizeof(iv));
	for (int i = 0; i < 4; i++)
		iv[2 + i] ^= p[8 + i];
	iv[10] ^= p[2];
	iv[11] ^= p[3];
	b->eng->enc[k->size](k->rtp_key, &b->eng->gcm_ctx, p + HDR_LEN, p + HDR_LEN, b->payload, iv,
			     p, HDR_LEN, p + HDR_LEN + b->payload, TAG_LEN);
}

/* One round of ROUND_PKTS packets under case c; returns the timed ns. */
static uint64_t round_run(struct bench *b, int c)
{
	const unsigned *ord = b->order + b->order_pos;

	for (unsigned i = 0; i < ROUND_PKTS; i++) { /* untimed: next sequence numbers */
		uint8_t *p = b->pkts + i * b->slot;
		p[2] = (uint8_t)(b->seq >> 8);
		p[3] = (uint8_t)b->seq;
		b->seq++;
	}
	uint64_t t0 = now_ns();
	switch (c) {
	case ONE_KEY:
		for (unsigned i = 0; i < ROUND_PKTS; i++)
			seal_one(b, b->keys[0], b->pkts + i * b->slot);
		break;
	case SPREAD:
		for (unsigned i = 0; i < ROUND_PKTS; i++)
			seal_one(b, b->keys[ord[i]], b->pkts + i * b->slot);
		break;
	default:
		for (unsigned i = 0; i < PREFETCH_AHEAD; i++) {
			__builtin_prefetch(b->keys[ord[i]]);
			rs_key_ctx_prefetch(b->keys[ord[i]], 0, b->payload);
		}
		for (unsigned i = 0; i < ROUND_PKTS; i++) {
			/* ord runs PREFETCH_AHEAD past the round (see main) */
			const struct rs_key_ctx *ahead = b->keys[ord[i + PREFETCH_AHEAD]];
			__builtin_prefetch(ahead);
			rs_key_ctx_prefetch(ahead, 0, b->payload);
			seal_one(b, b->keys[ord[i]], b->pkts + i * b->slot);
		}
		break;
	}
	uint64_t t = now_ns() - t0;
	b->order_pos += ROUND_PKTS;
	if (b->order_pos + ROUND_PKTS + PREFETCH_AHEAD > b->order_len)
		b->order_pos = 0;
	return t;
}

int main(int argc, char **argv)
{
	unsigned n_keys = 100000, payload = 160, reps = 5, ms = 300;
	struct bench b = {0};
	enum rs_status err;

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--keys"))
			n_keys = parse_uint(v, 1, 4000000, "--keys");
		else if (!strcmp(argv[i], "--payload"))
			payload = parse_uint(v, 1, 1400, "--payload");
		else if (!strcmp(argv[i], "--reps"))
			reps = parse_uint(v, 1, MAX_REPS, "--reps");
		else if (!strcmp(argv[i], "--ms"))
			ms = parse_uint(v, 10, 60000, "--ms");
		else {
			fprintf(stderr,
				"usage: bench_keyspread [--keys N] [--payload N] [--reps N] "
				"[--ms N]\n");
			return 2;
		}
		i++;
	}

	b.eng = rs_engine_new(&err);
	if (!b.eng)
		die("rs_engine_new failed");
	b.n_keys = n_keys;
	b.payload = payload;
	b.keys = calloc(n_keys, sizeof(*b.keys));
	if (!b.keys)
		die("out of memory");
	for (unsigned k = 0; k < n_keys; k++) {
		struct rs_session_keys sk = {.key_len = 16};
		for (unsigned i = 0; i < sizeof(sk.rtp_key); i++) {
			sk.rtp_key[i] = (uint8_t)rng_next();
			sk.rtcp_key[i] = (uint8_t)rng_next();
		}
		for (unsigned i = 0; i < RS_SESSION_SALT_LEN; i++) {
			sk.rtp_salt[i] = (uint8_t)rng_next();
			sk.rtcp_salt[i] = (uint8_t)rng_next();
		}
		b.keys[k] = rs_key_ctx_from_session(b.eng, &sk, 0, &err);
		if (!b.keys[k])
			die("rs_key_ctx_from_session failed");
	}
	/* random key order, long enough that rounds do not repeat a pattern the
	 * caches could learn: 64 rounds' worth, plus the prefetch look-ahead */
	b.order_len = 64 * ROUND_PKTS + PREFETCH_AHEAD;
	b.order = malloc(b.order_len * sizeof(*b.order));
	b.slot = (HDR_LEN + payload + TAG_LEN + 63) & ~(size_t)63;
	b.pkts = aligned_alloc(64, ROUND_PKTS * b.slot);
	if (!b.order || !b.pkts)
		die("out of memory");
	for (unsigned i = 0; i < b.order_len; i++)
		b.order[i] = (unsigned)(rng_next() % n_keys);
	memset(b.pkts, 0x5c, ROUND_PKTS * b.slot);
	for (unsigned i = 0; i < ROUND_PKTS; i++) {
		uint8_t *p = b.pkts + i * b.slot;
		p[0] = 0x80;
		p[1] = 96;
		memcpy(p + 8, &(uint32_t){0x1234abcdu + i}, 4);
	}

	double ns[CASES][MAX_REPS];
	for (unsigned r = 0; r < reps; r++) {
		uint64_t t[CASES] = {0}, pk[CASES] = {0};
		uint64_t end = now_ns() + (uint64_t)ms * 1000000u;
		while (now_ns() < end)
			for (int c = 0; c < CASES; c++) {
				/* start each repetition with a different case */
				int cc = (c + (int)r) % CASES;
				t[cc] += round_run(&b, cc);
				pk[cc] += ROUND_PKTS;
			}
		for (int c = 0; c < CASES; c++)
			ns[c][r] = (double)t[c] / (double)pk[c];
	}

	double med[CASES];
	for (int c = 0; c < CASES; c++)
		med[c] = bench_median(ns[c], reps);
	printf("{\"bench\":\"raw_ipsec_mb_seal_%u_key_spread\",\"mode\":\"AEAD_AES_128_GCM\","
	       "\"dir\":\"seal\",\"payload\":%u,\"keys\":%u,\"key_ctx_bytes\":%zu",
	       payload, payload, n_keys, b.keys[0]->alloc_size);
	for (int c = 0; c < CASES; c++)
		printf(",\"%s_ns_per_pkt\":%.2f", case_name[c], med[c]);
	printf(",\"ratio_spread\":%.3f,\"ratio_spread_prefetch\":%.3f", med[ONE_KEY] / med[SPREAD],
	       med[ONE_KEY] / med[SPREAD_PREFETCH]);
	for (int c = 0; c < CASES; c++) {
		printf(",\"%s_ns_reps\":[", case_name[c]);
		for (unsigned r = 0; r < reps; r++)
			printf("%s%.2f", r ? "," : "", ns[c][r]);
		printf("]");
	}
	printf(",\"reps\":%u,\"ms_per_rep\":%u}\n", reps, ms);

	for (unsigned k = 0; k < n_keys; k++)
		rs_key_ctx_free(b.keys[k]);
	free(b.keys);
	free(b.order);
	free(b.pkts);
	rs_engine_free(b.eng);
	return 0;
}
