/* SPDX-License-Identifier: BSD-3-Clause */
/* no_entry: a shared object that exports no rs_observer_entry (only a
 * look-alike name): rtpseal must refuse to start. */
#include "rs_observer.h"

const struct rs_observer *rs_observer_entry_v0(void);

const struct rs_observer *rs_observer_entry_v0(void)
{
	return NULL;
}
