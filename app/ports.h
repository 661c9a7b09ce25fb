/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet ports: one RX and one TX queue per worker on every port (plus the
 * generator's TX queues on its port), RSS on the UDP 5-tuple where the
 * device offers it, IPv4/UDP checksum offload where it reports it. No
 * device-specific code: what a port can do comes from rte_eth_dev_info.
 */
#ifndef RS_APP_PORTS_H
#define RS_APP_PORTS_H

#include "app.h"

/* Configure and start every configured port. */
int rs_ports_start(struct rs_app *app, char *err, size_t err_size);

/* Stop and close them; mbufs still queued on RX are freed first and counted
 * in *unread. */
void rs_ports_stop(struct rs_app *app, uint64_t *unread);

#endif
