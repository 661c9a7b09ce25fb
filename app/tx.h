/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Last stages of a packet's life: fix the IP and UDP lengths and checksums
 * after seal/open changed the payload length, rewrite MACs per port, and
 * hand the mbuf to the peer port's TX buffer; or count a drop and free it.
 * Inline: they run once per packet in the worker loop.
 */
#ifndef RS_APP_TX_H
#define RS_APP_TX_H

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "rs_cksum.h"
#include "worker.h"

static inline void rs_drop(struct rs_worker *w, struct rte_mbuf *m, enum rs_drop_reason reason)
{
	w->c.drops[reason]++;
	rte_pktmbuf_free(m);
}

/* One's complement subtraction of a 16-bit word from a running sum. */
static inline uint32_t rs_cksum_sub(uint32_t sum, uint16_t word)
{
	return sum + (uint16_t)~word;
}

/* The UDP checksum of the datagram after seal/open, in software, from
 * values in registers and bytes nobody just wrote: the pseudo header's
 * addresses (addr_len bytes at addrs), the ports from the parse, the new
 * length, and the payload. Reading back the headers the caller has just
 * stored (as rte_ipv4_udptcp_cksum would) stalls each vector load on store
 * forwarding, which cost more than the checksum itself. */
static inline uint16_t rs_udp_cksum(const uint8_t *addrs, uint32_t addr_len,
				    const struct rs_frame *fr, const uint8_t *payload,
				    uint16_t udp_len_be)
{
	uint64_t sum = rs_cksum_add(addrs, addr_len, 0);

	sum += rte_cpu_to_be_16(IPPROTO_UDP) + udp_len_be; /* pseudo header */
	sum += rte_cpu_to_be_16(fr->src_port) + rte_cpu_to_be_16(fr->dst_port) + udp_len_be;
	sum = rs_cksum_add(payload, (size_t)rte_be_to_cpu_16(udp_len_be) - 8, sum);
	uint16_t ck = (uint16_t)~rs_cksum_fold(sum);
	return ck ? ck : 0xffff; /* RFC 768: a computed zero is sent as all ones */
}

/* Lengths and checksums after the UDP payload went from fr->payload_len to
 * new_len bytes. A zero IPv4 UDP checksum ("none") stays zero, so a round
 * trip reproduces the input byte for byte. */
static inline void rs_fix_headers(const struct rs_port *out, struct rte_mbuf *m,
				  const struct rs_frame *fr, uint32_t new_len)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(d + fr->l4_off);
	int32_t delta = (int32_t)new_len - (int32_t)fr->payload_len;
	int had_cksum = udp->dgram_cksum != 0;
	uint16_t udp_len_be = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + new_len));

	m->data_len = (uint16_t)(fr->payload_off + new_len);
	m->pkt_len = m->data_len;
	if (fr->ip_version == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + fr->l3_off);
		uint16_t total_be = rte_cpu_to_be_16((uint16_t)(fr->ip_len + delta));
		if (out->cksum_offload_ipv4 && out->cksum_offload_udp) {
			udp->dgram_len = udp_len_be;
			udp->dgram_cksum = 0;
			ip->total_length = total_be;
			ip->hdr_checksum = 0;
			m->l2_len = fr->l3_off;
			m->l3_len = fr->l4_off - fr->l3_off;
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
			if (had_cksum) {
				m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
				udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
			}
			return;
		}
		/* the header's sum as received, less its old length and
		 * checksum, plus the new length: a full recompute (a wrong
		 * checksum is not carried over) from bytes not just stored */
		uint32_t hsum = __rte_raw_cksum(ip, fr->l4_off - fr->l3_off, 0);
		hsum =
		    rs_cksum_sub(rs_cksum_sub(hsum, ip->total_length), ip->hdr_checksum) + total_be;
		uint16_t udp_ck = had_cksum ? rs_udp_cksum(d + fr->l3_off + 12, 8, fr,
							   d + fr->payload_off, udp_len_be)
					    : 0;
		ip->total_length = total_be;
		ip->hdr_checksum = (uint16_t)~__rte_raw_cksum_reduce(hsum);
		udp->dgram_len = udp_len_be;
		udp->dgram_cksum = udp_ck;
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(d + fr->l3_off);
		uint16_t payload_be =
		    rte_cpu_to_be_16((uint16_t)(fr->ip_len - sizeof(*ip6) + delta));
		if (out->cksum_offload_udp) {
			udp->dgram_len = udp_len_be;
			udp->dgram_cksum = 0;
			ip6->payload_len = payload_be;
			m->l2_len = fr->l3_off;
			m->l3_len = sizeof(*ip6);
			m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
			udp->dgram_cksum = rte_ipv6_phdr_cksum(ip6, m->ol_flags);
			return;
		}
		/* IPv6 always has a UDP checksum */
		uint16_t udp_ck =
		    rs_udp_cksum(d + fr->l3_off + 8, 32, fr, d + fr->payload_off, udp_len_be);
		ip6->payload_len = payload_be;
		udp->dgram_len = udp_len_be;
		udp->dgram_cksum = udp_ck;
	}
}

/* Counted as sent when buffered; the TX buffer's error callback takes
 * back what the ring refused and counts it as tx_full. */
static inline void rs_forward(struct rs_worker *w, uint16_t out_id, struct rte_mbuf *m)
{
	const struct rs_port *out = &w->app->ports[out_id];

	if (out->rewrite_mac) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		rte_ether_addr_copy(&out->dst_mac, &eth->dst_addr);
		rte_ether_addr_copy(&out->src_mac, &eth->src_addr);
	}
	w->c.tx_packets++;
	w->c.ports[out_id].tx_packets++;
	w->c.ports[out_id].tx_bytes += m->pkt_len;
	rte_eth_tx_buffer(out_id, w->queue, w->txb[out_id], m);
}

#endif
