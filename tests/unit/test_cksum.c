/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/cksum.c against RFC 1071 computed the textbook way (big-endian words,
 * end-around carry after every add), over every length to 2100 bytes at
 * every alignment within a cache line, on random, all-ones and all-zero
 * data, and split into pieces at even offsets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs_cksum.h"

#define MAX_LEN 2100

/* RFC 1071 section 4.1, words in network order. */
static uint16_t ref_be(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)sum;
}

/* rs_cksum sums host-order (little-endian) words: RFC 1071's byte-order
 * independence says the result is the byte swap of the big-endian one. */
static uint16_t ours_be(const uint8_t *p, size_t len)
{
	uint16_t le = rs_cksum_fold(rs_cksum_add(p, len, 0));
	return (uint16_t)(le << 8 | le >> 8);
}

static void check_all(const uint8_t *base)
{
	for (size_t off = 0; off < 64; off++)
		for (size_t len = 0; len <= MAX_LEN; len += off < 4 ? 1 : 7)
			if (ours_be(base + off, len) != ref_be(base + off, len))
				fail_msg("offset %zu length %zu: 0x%04x, RFC 1071 0x%04x", off, len,
					 ours_be(base + off, len), ref_be(base + off, len));
}

static void test_random(void **state)
{
	/* exactly sized heap buffer: ASan sees any read past the end */
	uint8_t *buf = malloc(64 + MAX_LEN);

	(void)state;
	srand(7);
	for (size_t i = 0; i < 64 + MAX_LEN; i++)
		buf[i] = (uint8_t)rand();
	check_all(buf);
	for (size_t len = 0; len <= 64; len++) /* ending exactly at the buffer's end */
		assert_int_equal(ours_be(buf + 64 + MAX_LEN - len, len),
				 ref_be(buf + 64 + MAX_LEN - len, len));
	free(buf);
}

static void test_all_ones_and_zeros(void **state)
{
	uint8_t *buf = malloc(64 + MAX_LEN);

	(void)state;
	memset(buf, 0xff, 64 + MAX_LEN);
	check_all(buf);
	memset(buf, 0, 64 + MAX_LEN);
	for (size_t len = 0; len <= MAX_LEN; len++)
		assert_int_equal(rs_cksum_fold(rs_cksum_add(buf, len, 0)), 0);
	free(buf);
}

/* A running sum carried over pieces (even offsets), and a large start. */
static void test_pieces(void **state)
{
	uint8_t buf[1500];

	(void)state;
	srand(11);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t cut = 0; cut <= sizeof(buf); cut += 2) {
		uint64_t s = rs_cksum_add(buf, cut, 0);
		s = rs_cksum_add(buf + cut, sizeof(buf) - cut, s);
		uint16_t le = rs_cksum_fold(s);
		assert_int_equal((uint16_t)(le << 8 | le >> 8), ref_be(buf, sizeof(buf)));
	}
	/* a start sum of 0xffff x 2^20 is congruent to 0 (mod 0xffff) but nonzero */
	uint16_t le = rs_cksum_fold(rs_cksum_add(buf, sizeof(buf), UINT64_C(0xffff) << 20));
	uint16_t want = ref_be(buf, sizeof(buf));
	assert_int_equal((uint16_t)(le << 8 | le >> 8), want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_all_ones_and_zeros),
	    cmocka_unit_test(test_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
