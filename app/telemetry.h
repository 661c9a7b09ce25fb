/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-only DPDK telemetry commands (dpdk-telemetry.py): /rtpseal/stats and
 * /rtpseal/lcores. Counters only: no key material is reachable from here.
 */
#ifndef RS_APP_TELEMETRY_H
#define RS_APP_TELEMETRY_H

#include "app.h"

void rs_telemetry_register(const struct rs_app *app);

#endif
