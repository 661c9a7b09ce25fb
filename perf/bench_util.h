/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the perf/bench_*.c programs share: the clock they time with and how
 * they give up. Each program defines bench_name, for its messages.
 */
#ifndef RS_BENCH_UTIL_H
#define RS_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

extern const char bench_name[];

static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", bench_name, what);
	exit(1);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
