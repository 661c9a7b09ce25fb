/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include "hugemem.h"

#define HUGE_2M (2u << 20)

void *rs_table_alloc(struct rs_table_mem *m, const char *name, size_t size, int socket)
{
	memset(m, 0, sizeof(*m));
	if (rte_eal_has_hugepages()) {
		m->p = rte_zmalloc_socket(name, size, RTE_CACHE_LINE_SIZE, socket);
	} else {
		/* whole 2 MiB pages, so the last one can be huge too */
		size_t len = (size + HUGE_2M - 1) & ~(size_t)(HUGE_2M - 1);
		void *p =
		    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			m->p = p;
			m->mapped = 1;
			m->advised = madvise(p, len, MADV_HUGEPAGE) == 0;
			size = len;
		}
	}
	if (m->p)
		m->size = size;
	return m->p;
}

void rs_table_free(struct rs_table_mem *m)
{
	if (!m->p)
		return;
	if (m->mapped)
		munmap(m->p, m->size);
	else
		rte_free(m->p);
	memset(m, 0, sizeof(*m));
}

/* The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled. */
static void thp_mode(char *buf, size_t size)
{
	char line[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	const char *a, *b;

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (a = strchr(line, '[')) && (b = strchr(a, ']')))
		snprintf(buf, size, "%.*s", (int)(b - a - 1), a + 1);
	fclose(f);
}

const char *rs_table_mem_where(const struct rs_table_mem *m, char *buf, size_t size)
{
	char mode[32];

	if (!m->mapped) {
		snprintf(buf, size, "DPDK's heap");
		return buf;
	}
	thp_mode(mode, sizeof(mode));
	if (m->advised && strcmp(mode, "never") != 0)
		snprintf(buf, size, "transparent huge pages (THP mode: %s)", mode);
	else
		snprintf(buf, size, "4 KiB pages (THP mode: %s)", mode);
	return buf;
}
