/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker counters for the test observers: an observer defines its
 * struct worker (its counters, one cache line, written only by that worker)
 * and includes this for the context that holds one per worker.
 */
#ifndef RS_TEST_OBSERVER_PER_WORKER_H
#define RS_TEST_OBSERVER_PER_WORKER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctx {
	unsigned n_workers;
	struct worker *w;
};

/* The observer ABI's init: args ignored, one struct worker per worker. */
static void *per_worker_init(const char *args, unsigned n_workers, char *err, size_t err_size)
{
	struct ctx *c = calloc(1, sizeof(*c));
	size_t n = n_workers ? n_workers : 1;

	(void)args;
	if (c)
		c->w = aligned_alloc(64, sizeof(*c->w) * n);
	if (!c || !c->w) {
		snprintf(err, err_size, "out of memory");
		free(c);
		return NULL;
	}
	memset(c->w, 0, sizeof(*c->w) * n);
	c->n_workers = n_workers;
	return c;
}

static void per_worker_fini(void *opaque)
{
	struct ctx *c = opaque;

	free(c->w);
	free(c);
}

/* The counters of the worker a packet came from. */
static inline struct worker *per_worker(struct ctx *c, unsigned worker)
{
	return &c->w[worker < c->n_workers ? worker : 0];
}

#endif
