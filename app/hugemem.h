/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory for the large tables the data path reads at random: the stream
 * states, the per-channel counters, the flow cache.
 *
 * With hugepages they come from DPDK's heap, as everything else. Without
 * them (--no-huge) DPDK's heap is a memfd, shared memory, which the kernel
 * backs with 4 KiB pages (THP for shared memory is off by default), and a
 * random read over hundreds of megabytes of 4 KiB pages misses the TLB
 * as well as the cache. These tables then come from anonymous memory that
 * the kernel is asked (MADV_HUGEPAGE) to back with 2 MiB pages. The memory
 * is zero, as rte_zmalloc's, and placed by first touch: the worker that
 * owns the table writes it first.
 */
#ifndef RS_APP_HUGEMEM_H
#define RS_APP_HUGEMEM_H

#include <stddef.h>
#include <stdint.h>

struct rs_table_mem {
	void *p;
	size_t size;
	uint8_t mapped;	 /* 1: anonymous mapping, 0: DPDK heap */
	uint8_t advised; /* mapped and MADV_HUGEPAGE accepted */
};

/* size zeroed bytes, 64-byte aligned, into m; NULL when there is no memory. */
void *rs_table_alloc(struct rs_table_mem *m, const char *name, size_t size, int socket);
void rs_table_free(struct rs_table_mem *m);

/* Where such tables live, for the log: "DPDK hugepages", "transparent huge
 * pages (THP mode: madvise)", or "4 KiB pages (THP mode: never)". */
const char *rs_table_mem_where(const struct rs_table_mem *m, char *buf, size_t size);

#endif
