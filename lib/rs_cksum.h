/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Internet checksum (RFC 1071) of a buffer, for the UDP checksum the
 * worker recomputes in software after seal/open changed a datagram (ports
 * without checksum offload, which includes every virtual device).
 */
#ifndef RS_CKSUM_H
#define RS_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* sum plus the one's complement sum of len bytes at buf taken as 16-bit
 * words in memory order (loaded in host order, as DPDK's __rte_raw_cksum
 * does; an odd last byte is the low byte of a word whose other byte is 0),
 * returned unfolded: congruent modulo 0xffff to the true sum, never 0
 * unless sum and every byte are 0. Fold with rs_cksum_fold. Any length,
 * any alignment; uses AVX-512 where the build targets it. */
uint64_t rs_cksum_add(const void *buf, size_t len, uint64_t sum);

/* Fold an unfolded sum to 16 bits (not complemented). */
static inline uint16_t rs_cksum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

#endif
