/* SPDX-License-Identifier: BSD-3-Clause */
/* init_fail: a test observer whose init fails with a message: rtpseal must
 * refuse to start and show the message. */
#include <stdio.h>

#include "rs_observer.h"

const struct rs_observer *rs_observer_entry(void);

static void *fail_init(const char *args, unsigned n_workers, char *err, size_t err_size)
{
	snprintf(err, err_size, "init_fail refuses on purpose (args %s, %u workers)",
		 args ? args : "none", n_workers);
	return NULL;
}

static void burst(void *ctx, struct rs_observer_packet *pkts, unsigned n)
{
	(void)ctx;
	(void)pkts;
	(void)n;
}

static const struct rs_observer ops = {
    .abi_version = RS_OBSERVER_ABI_VERSION,
    .struct_size = sizeof(struct rs_observer),
    .name = "init_fail",
    .init = fail_init,
    .on_send_audio = burst,
};

const struct rs_observer *rs_observer_entry(void)
{
	return &ops;
}
