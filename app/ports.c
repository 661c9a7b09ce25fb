/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ports.h"

#define RX_DESC 1024
#define TX_DESC 1024

static int port_start(struct rs_app *app, uint16_t id, char *err, size_t err_size)
{
	struct rs_port *p = &app->ports[id];
	const struct rs_port_conf *pc = &app->cfg.ports[id];
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t nq = (uint16_t)app->n_workers;
	uint16_t ntx = nq;
	uint16_t rx_desc = RX_DESC, tx_desc = TX_DESC;
	int rc;

	if (app->cfg.generator.enabled && app->cfg.generator.port == id)
		ntx = nq; /* the generator owns this port's TX queues (nobody forwards here) */
	rc = rte_eth_dev_info_get(id, &info);
	if (rc != 0) {
		snprintf(err, err_size, "port %u: cannot read device info: %s", id,
			 rte_strerror(-rc));
		return -1;
	}
	if (nq > info.max_rx_queues || ntx > info.max_tx_queues) {
		snprintf(err, err_size,
			 "port %u (%s): %u workers need %u RX and %u TX queues, the device has "
			 "%u and %u",
			 id, info.driver_name, nq, nq, ntx, info.max_rx_queues, info.max_tx_queues);
		return -1;
	}
	memset(&conf, 0, sizeof(conf));
	if (nq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_UDP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
		    (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
	}
	if ((info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) &&
	    (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM)) {
		conf.txmode.offloads |=
		    RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		p->cksum_offload_ipv4 = 1;
		p->cksum_offload_udp = 1;
	}
	rc = rte_eth_dev_configure(id, nq, ntx, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(id, &rx_desc, &tx_desc);
	if (rc != 0) {
		snprintf(err, err_size, "port %u (%s): configure failed: %s", id, info.driver_name,
			 rte_strerror(-rc));
		return -1;
	}
	for (uint16_t q = 0; q < nq; q++) {
		rc = rte_eth_rx_queue_setup(id, q, rx_desc, rte_eth_dev_socket_id(id), NULL,
					    app->pool);
		if (rc != 0) {
			snprintf(err, err_size, "port %u: RX queue %u setup failed: %s", id, q,
				 rte_strerror(-rc));
			return -1;
		}
	}
	for (uint16_t q = 0; q < ntx; q++) {
		struct rte_eth_txconf txc = info.default_txconf;
		txc.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(id, q, tx_desc, rte_eth_dev_socket_id(id), &txc);
		if (rc != 0) {
			snprintf(err, err_size, "port %u: TX queue %u setup failed: %s", id, q,
				 rte_strerror(-rc));
			return -1;
		}
	}
	rc = rte_eth_dev_start(id);
	if (rc != 0) {
		snprintf(err, err_size, "port %u (%s): start failed: %s", id, info.driver_name,
			 rte_strerror(-rc));
		return -1;
	}
	/* promiscuous: a bump in the wire forwards frames for any MAC */
	rte_eth_promiscuous_enable(id);
	rte_eth_macaddr_get(id, &p->src_mac);
	if (pc->has_src_mac)
		memcpy(p->src_mac.addr_bytes, pc->src_mac, RTE_ETHER_ADDR_LEN);
	printf("rtpseal: port %u: %s, role %s, peer %u, %u RX/%u TX queues, RSS %s, checksum "
	       "offload %s\n",
	       id, info.driver_name, p->role == RS_ROLE_CLEAR ? "clear" : "cipher", p->peer, nq,
	       ntx, conf.rxmode.mq_mode == RTE_ETH_MQ_RX_RSS ? "on" : "off",
	       p->cksum_offload_udp ? "on" : "software");
	return 0;
}

int rs_ports_start(struct rs_app *app, char *err, size_t err_size)
{
	uint16_t avail = rte_eth_dev_count_avail();

	if (app->cfg.n_ports > avail) {
		snprintf(err, err_size,
			 "%s configures %u ports but DPDK found %u (add --vdev or bind NICs)",
			 app->cfg.path, app->cfg.n_ports, avail);
		return -1;
	}
	app->n_ports = app->cfg.n_ports;
	for (uint16_t id = 0; id < app->n_ports; id++) {
		const struct rs_port_conf *pc = &app->cfg.ports[id];
		struct rs_port *p = &app->ports[id];
		if (!pc->present) {
			snprintf(err, err_size,
				 "%s: [port %u] is missing (ports are numbered from 0)",
				 app->cfg.path, id);
			return -1;
		}
		p->id = id;
		p->role = pc->role;
		p->peer = pc->peer;
		p->rewrite_mac = pc->has_dst_mac;
		if (pc->has_dst_mac)
			memcpy(p->dst_mac.addr_bytes, pc->dst_mac, RTE_ETHER_ADDR_LEN);
	}
	for (uint16_t id = 0; id < app->n_ports; id++)
		app->ports[app->ports[id].peer].has_tx = 1;
	for (uint16_t id = 0; id < app->n_ports; id++)
		if (port_start(app, id, err, err_size) < 0)
			return -1;
	return 0;
}

void rs_ports_stop(struct rs_app *app, uint64_t *unread)
{
	struct rte_mbuf *m[64];

	*unread = 0;
	for (uint16_t id = 0; id < app->n_ports; id++) {
		for (uint16_t q = 0; q < app->n_workers; q++) {
			/* bounded: some devices (net_null) never run dry */
			for (unsigned round = 0; round < 64; round++) {
				uint16_t n = rte_eth_rx_burst(id, q, m, 64);
				if (!n)
					break;
				*unread += n;
				rte_pktmbuf_free_bulk(m, n);
			}
		}
		rte_eth_dev_stop(id);
		rte_eth_dev_close(id);
	}
}
