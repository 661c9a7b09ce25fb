/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Big-endian writers and the RFC 1071 checksum for the test tools that
 * build frames by hand (badpcap, limitpcap), written independently of lib/
 * so that what they produce does not lean on the code under test.
 */
#ifndef RS_TEST_FRAME_BYTES_H
#define RS_TEST_FRAME_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* s plus the big-endian 16-bit words of p (an odd last byte padded). */
static inline uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* The checksum field's value for a sum: folded and complemented. */
static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#endif
