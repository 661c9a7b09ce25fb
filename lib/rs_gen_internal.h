/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the two traffic models, lib/gen.c (rs_gen.h) and
 * lib/gen_spread.c (rs_gen_spread.h): big-endian stores, the splitmix64
 * generator, the SSRC permutation, the unfolded RFC 1071 checksum and the
 * RTP payload pattern with its checksum contribution. One copy, so both
 * models write the same pattern and the same checksums.
 *
 * Library-internal, not public API: only those two files include it, and
 * nothing here is exported (every function is static inline).
 */
#ifndef RS_GEN_INTERNAL_H
#define RS_GEN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GOLDEN_GAMMA 0x9e3779b97f4a7c15ull /* splitmix64's increment, the pattern's step */

/* --- bytes ------------------------------------------------------------- */

static inline void store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, 8);
}

/* --- random numbers ---------------------------------------------------- */

/* splitmix64 (Steele, Lea, Flood 2014): the generator and its finaliser. */
static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rng_next(uint64_t *state)
{
	*state += GOLDEN_GAMMA;
	return mix64(*state);
}

/* Uniform in 0..n-1 (multiply-shift; bias below 2^-32 n). */
static inline uint32_t rng_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(((rng_next(state) >> 32) * n) >> 32);
}

/* A bijection of 32-bit integers (lowbias32), so distinct stream numbers
 * give distinct SSRCs. */
static inline uint32_t perm32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* --- checksums --------------------------------------------------------- */

/* Ones' complement partial sum of big-endian 16-bit words (RFC 1071),
 * unfolded; p starts at an even offset of the checksummed range. */
static inline uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8; /* padded with a zero byte */
	return sum;
}

/* Fold an unfolded sum to 16 bits (end-around carry; 0 only for 0). */
static inline uint16_t csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

static inline uint16_t csum_final(uint64_t sum)
{
	return (uint16_t)~csum_fold(sum);
}

/* The UDP checksum field of the header at udp from the unfolded sum. */
static inline void store_udp_csum(uint8_t *udp, uint64_t sum)
{
	uint16_t c = csum_final(sum);

	store_be16(udp + 6, c ? c : 0xffff); /* 0 would mean "no checksum" */
}

/* --- payload pattern --------------------------------------------------- */

/* The payload of packet seq of stream ssrc is the 64-bit little-endian
 * words pattern_seed + i * GOLDEN_GAMMA, i = 0.., cut at its length. */
static inline uint64_t pattern_seed(uint32_t ssrc, uint16_t seq)
{
	return mix64((uint64_t)ssrc << 16 | seq);
}

/* Write the pattern and return its checksum contribution (as csum_add
 * would, unfolded), computed from the words in registers: summing the
 * bytes back from memory would stall on store forwarding. The sum is
 * taken over little-endian 16-bit words, which is the big-endian sum with
 * its bytes swapped (RFC 1071 section 2(B)); len may be odd only for the
 * last bytes of the checksummed range. */
static inline uint64_t pattern_fill_sum(uint8_t *p, size_t len, uint32_t ssrc, uint16_t seq)
{
	const uint64_t h = pattern_seed(ssrc, seq);
	const size_t words = len / 8;
	uint64_t w, le = 0;
	size_t i, j;

	/* each word from its index, so the compiler can vectorise */
	for (i = 0; i < words; i++) {
		w = h + i * GOLDEN_GAMMA;
		store_le64(p + 8 * i, w);
		le += (w & 0xffffffffu) + (w >> 32);
	}
	if (len % 8) {
		w = h + words * GOLDEN_GAMMA;
		for (j = 0; j < len % 8; j++)
			p[8 * words + j] = (uint8_t)(w >> (8 * j));
		w &= (1ull << (8 * (len % 8))) - 1;
		le += (w & 0xffffffffu) + (w >> 32);
	}
	return __builtin_bswap16(csum_fold(le));
}

#endif
