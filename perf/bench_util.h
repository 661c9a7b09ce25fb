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
#include <string.h>
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

/* The median of n <= 64 values (v is left as it was). */
static inline double bench_median(const double *v, unsigned n)
{
	double s[64];

	if (n == 0)
		return 0;
	if (n > 64)
		n = 64;
	memcpy(s, v, n * sizeof(s[0]));
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && s[j - 1] > s[j]; j--) {
			double t = s[j];
			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

#endif
