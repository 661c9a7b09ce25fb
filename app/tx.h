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

#include "worker.h"

static inline void rs_drop(struct rs_worker *w, struct rte_mbuf *m, enum rs_drop_reason reason)
{
	w->c.drops[reason]++;
	rte_pktmbuf_free(m);
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

	m->data_len = (uint16_t)(fr->payload_off + new_len);
	m->pkt_len = m->data_len;
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + new_len));
	udp->dgram_cksum = 0;
	if (fr->ip_version == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + fr->l3_off);
		ip->total_length = rte_cpu_to_be_16((uint16_t)(fr->ip_len + delta));
		ip->hdr_checksum = 0;
		if (out->cksum_offload_ipv4 && out->cksum_offload_udp) {
			m->l2_len = fr->l3_off;
			m->l3_len = fr->l4_off - fr->l3_off;
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
			if (had_cksum) {
				m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
				udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
			}
			return;
		}
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		if (had_cksum)
			udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(d + fr->l3_off);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(fr->ip_len - sizeof(*ip6) + delta));
		if (out->cksum_offload_udp) {
			m->l2_len = fr->l3_off;
			m->l3_len = sizeof(*ip6);
			m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
			udp->dgram_cksum = rte_ipv6_phdr_cksum(ip6, m->ol_flags);
			return;
		}
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
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
