/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key contexts from the huge-page slot pool (lib/keymem.c): more than a
 * chunk's worth at once, each usable and apart from the others, freed
 * slots reused, wiped, and counted. Sealing under each is checked against
 * the first context's result for the same key (same bytes, same tag).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs_internal.h"
#include "rtpseal.h"

#define N_KEYS 2000 /* more than one 2 MiB chunk holds (about 800) */

static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

	return x < y ? -1 : x > y;
}

static struct rs_key_ctx *key_for(struct rs_engine *eng, unsigned i)
{
	struct rs_session_keys sk = {.key_len = 16};
	enum rs_status st;

	memset(sk.rtp_key, (int)(i * 7 + 1), sizeof(sk.rtp_key));
	memset(sk.rtcp_key, (int)(i * 11 + 3), sizeof(sk.rtcp_key));
	memset(sk.rtp_salt, (int)(i * 13 + 5), sizeof(sk.rtp_salt));
	memset(sk.rtcp_salt, (int)(i * 17 + 7), sizeof(sk.rtcp_salt));
	struct rs_key_ctx *k = rs_key_ctx_from_session(eng, &sk, 0, &st);
	assert_int_equal(st, RS_OK);
	assert_non_null(k);
	return k;
}

/* Seal one RTP packet of a fresh stream under k; returns the tag's first 8 bytes. */
static uint64_t seal_tag(struct rs_engine *eng, struct rs_key_ctx *k)
{
	uint8_t buf[12 + 64 + 16] = {0x80, 96, 0, 1, 0, 0, 0, 1, 0x11, 0x22, 0x33, 0x44};
	enum rs_status st;
	struct rs_stream *s = rs_stream_new(0x11223344, 64, 0, &st);
	struct rs_packet p = {
	    .buf = buf, .len = 12 + 64, .cap = sizeof(buf), .key = k, .stream = s};
	uint64_t tag;

	assert_non_null(s);
	rs_seal_burst(eng, &p, 1);
	assert_int_equal(p.status, RS_OK);
	memcpy(&tag, buf + 12 + 64, sizeof(tag));
	rs_stream_free(s);
	return tag;
}

static void test_many_contexts_apart_and_usable(void **state)
{
	enum rs_status st;
	struct rs_engine *eng = rs_engine_new(&st);
	struct rs_key_ctx **k = calloc(N_KEYS, sizeof(*k));
	void **sorted = calloc(N_KEYS, sizeof(*sorted));
	struct rs_keymem_stats before, during, after;

	(void)state;
	assert_non_null(eng);
	assert_non_null(k);
	assert_non_null(sorted);
	rs_keymem_get_stats(&before);
	assert_int_equal(before.slot_size, RS_KEY_CTX_SIZE);
	for (unsigned i = 0; i < N_KEYS; i++) {
		k[i] = key_for(eng, i);
		assert_int_equal((uintptr_t)k[i] % 64, 0);
		sorted[i] = k[i];
	}
	rs_keymem_get_stats(&during);
	assert_int_equal(during.in_use, before.in_use + N_KEYS);
	/* no two slots overlap */
	qsort(sorted, N_KEYS, sizeof(*sorted), by_address);
	for (unsigned i = 1; i < N_KEYS; i++)
		assert_true((uintptr_t)sorted[i] - (uintptr_t)sorted[i - 1] >= RS_KEY_CTX_SIZE);
	/* each works, and writing one disturbed no other: the same key in a
	 * fresh context seals to the same tag */
	for (unsigned i = 0; i < N_KEYS; i += 97) {
		struct rs_key_ctx *again = key_for(eng, i);
		assert_true(seal_tag(eng, k[i]) == seal_tag(eng, again));
		rs_key_ctx_free(again);
	}
	/* freed slots come back wiped and are handed out again (the pool's
	 * chunks are never unmapped, so the slot can be read after the free;
	 * under AddressSanitizer the pool passes through to aligned_alloc and
	 * maps no chunk, and only the count is checked) */
	void *freed = k[5];
	rs_key_ctx_free(k[5]);
	if (during.chunks > 0) {
		assert_true(during.chunks >= N_KEYS * RS_KEY_CTX_SIZE / during.chunk_size);
		const uint8_t *bytes = freed;
		for (size_t i = sizeof(void *); i < RS_KEY_CTX_SIZE; i++)
			assert_int_equal(bytes[i], 0); /* past the free list's link */
		k[5] = key_for(eng, 5);
		assert_ptr_equal(k[5], freed);
	} else {
		k[5] = key_for(eng, 5);
	}
	for (unsigned i = 0; i < N_KEYS; i++)
		rs_key_ctx_free(k[i]);
	rs_keymem_get_stats(&after);
	assert_int_equal(after.in_use, before.in_use);
	free(sorted);
	free(k);
	rs_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_many_contexts_apart_and_usable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
