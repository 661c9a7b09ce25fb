/* SPDX-License-Identifier: BSD-3-Clause */
/* bad_abi: a test observer built for an ABI version rtpseal does not speak
 * (99): rtpseal must refuse to start. */
#include <stddef.h>

#include "rs_observer.h"

const struct rs_observer *rs_observer_entry(void);

static void *bad_init(const char *args, unsigned n_workers, char *err, size_t err_size)
{
	static int token;

	(void)args;
	(void)n_workers;
	(void)err;
	(void)err_size;
	return &token;
}

static const struct rs_observer ops = {
    .abi_version = 99,
    .struct_size = sizeof(struct rs_observer),
    .name = "bad_abi",
    .init = bad_init,
};

const struct rs_observer *rs_observer_entry(void)
{
	return &ops;
}
