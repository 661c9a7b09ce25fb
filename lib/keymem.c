/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory for key contexts: slots of one size (RS_KEY_CTX_SIZE) carved from
 * 2 MiB chunks that the kernel is asked to back with transparent huge pages.
 *
 * Why: with traffic spread over many channels nearly every packet reads a
 * key context nobody touched lately, and on 4 KiB pages that is a TLB miss
 * as well as a cache miss (in a virtual machine, a two-level page walk). A
 * 2 MiB page covers about 800 contexts. perf/bench_keyspread, 100,000 keys,
 * prefetched: 131-152 ns a packet on glibc's heap, 101 ns on huge pages.
 * And slots of one size never fragment: channel churn no longer grows RSS
 * the way 64-byte-aligned contexts among OpenSSL's temporaries in glibc's
 * arena did.
 *
 * Slots come back wiped (rs_key_ctx_free cleanses before it frees) and are
 * kept for reuse; chunks are never unmapped, so the pool holds its peak.
 * Under AddressSanitizer slots are plain aligned_alloc/free, so use after
 * free of a context is still caught.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rs_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define KEYMEM_PASSTHROUGH 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KEYMEM_PASSTHROUGH 1
#endif
#endif

#define CHUNK_SIZE (UINT64_C(2) << 20)

struct free_slot {
	struct free_slot *next;
};

static struct {
	pthread_mutex_t lock;
	struct free_slot *free; /* slots given back, wiped */
	uint8_t *carve;		/* next never-used slot of the newest chunk */
	uint8_t *carve_end;
	struct rs_keymem_stats stats;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

#ifndef KEYMEM_PASSTHROUGH
/* A 2 MiB-aligned chunk (a huge page can only back an aligned 2 MiB). */
static uint8_t *chunk_map(void)
{
	uint8_t *p =
	    mmap(NULL, 2 * CHUNK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	uint8_t *aligned =
	    (uint8_t *)(((uintptr_t)p + CHUNK_SIZE - 1) & ~(uintptr_t)(CHUNK_SIZE - 1));
	if (aligned > p)
		munmap(p, (size_t)(aligned - p));
	if (aligned + CHUNK_SIZE < p + 2 * CHUNK_SIZE)
		munmap(aligned + CHUNK_SIZE, (size_t)(p + 2 * CHUNK_SIZE - (aligned + CHUNK_SIZE)));
	/* advice, not a requirement: without THP the chunk has 4 KiB pages */
	if (madvise(aligned, CHUNK_SIZE, MADV_HUGEPAGE) == 0)
		pool.stats.chunks_advised++;
	pool.stats.chunks++;
	return aligned;
}
#endif

void *rs_keymem_alloc(void)
{
#ifdef KEYMEM_PASSTHROUGH
	void *slot = aligned_alloc(64, RS_KEY_CTX_SIZE);
	if (slot) {
		pthread_mutex_lock(&pool.lock);
		pool.stats.in_use++;
		pthread_mutex_unlock(&pool.lock);
	}
	return slot;
#else
	void *slot = NULL;

	pthread_mutex_lock(&pool.lock);
	if (pool.free) {
		slot = pool.free;
		pool.free = pool.free->next;
	} else {
		if (pool.carve + RS_KEY_CTX_SIZE > pool.carve_end) {
			uint8_t *c = chunk_map();
			if (c) {
				pool.carve = c;
				pool.carve_end = c + CHUNK_SIZE;
			}
		}
		if (pool.carve + RS_KEY_CTX_SIZE <= pool.carve_end) {
			slot = pool.carve;
			pool.carve += RS_KEY_CTX_SIZE;
		}
	}
	if (slot)
		pool.stats.in_use++;
	pthread_mutex_unlock(&pool.lock);
	return slot;
#endif
}

void rs_keymem_free(void *slot)
{
	if (!slot)
		return;
	pthread_mutex_lock(&pool.lock);
	pool.stats.in_use--;
#ifdef KEYMEM_PASSTHROUGH
	pthread_mutex_unlock(&pool.lock);
	free(slot);
#else
	struct free_slot *f = slot;
	f->next = pool.free;
	pool.free = f;
	pthread_mutex_unlock(&pool.lock);
#endif
}

void rs_keymem_get_stats(struct rs_keymem_stats *out)
{
	pthread_mutex_lock(&pool.lock);
	*out = pool.stats;
	out->slot_size = RS_KEY_CTX_SIZE;
	out->chunk_size = CHUNK_SIZE;
	pthread_mutex_unlock(&pool.lock);
}
