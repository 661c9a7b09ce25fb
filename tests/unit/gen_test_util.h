/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Byte readers and an RFC 1071 checksum for the traffic-model tests
 * (test_gen.c, test_gen_spread.c), written independently of lib/: the
 * tests recompute the generators' checksums with these, not with the
 * library's own helpers.
 */
#ifndef GEN_TEST_UTIL_H
#define GEN_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

static inline unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* sum plus the big-endian 16-bit words of p (an odd last byte padded). */
static inline uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline unsigned fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

#endif
