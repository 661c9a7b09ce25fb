/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * histogram: an observer that changes nothing and counts. Per direction
 * (send, receive) and class (audio, video) it keeps a histogram of RTP
 * packet sizes (header + payload as the observer sees them: on the send
 * side before SRTP seals them, on the receive side after SRTP opened them,
 * so without the 16-byte tag), with packet and byte totals and the smallest
 * and largest packet.
 *
 *   rtpseal ... -- -c FILE --observer histogram.so[@CHANNEL,...]
 *
 * Its figures show in --stats-json (observers[].stats) and in telemetry
 * (/rtpseal/observer,histogram). Observers run in the order given: placed
 * after an encrypting observer it sees that observer's output sizes on the
 * send side and its input sizes on the receive side.
 *
 * Each worker counts into its own cache-line-aligned block (no sharing,
 * no atomic read-modify-write on the data path); stats() sums the blocks.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_observer.h"

const struct rs_observer *rs_observer_entry(void);

#define CACHE_LINE 64

/* Upper bounds (inclusive) of the buckets, bytes; one more bucket above. */
static const uint32_t edges[] = {64, 128, 192, 256, 384, 512, 768, 1024, 1280, 1500};
#define N_EDGES	  (sizeof(edges) / sizeof(edges[0]))
#define N_BUCKETS (N_EDGES + 1)

enum { DIR_SEND, DIR_RECEIVE, N_DIR };
enum { CLS_AUDIO, CLS_VIDEO, N_CLS };

struct hist {
	uint64_t packets;
	uint64_t bytes;
	uint32_t min; /* valid when packets > 0 */
	uint32_t max;
	uint64_t bucket[N_BUCKETS];
};

struct worker {
	struct hist h[N_DIR][N_CLS];
} __attribute__((aligned(CACHE_LINE)));

struct ctx {
	unsigned n_workers;
	struct worker *w;
};

#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define LOAD(x)	    __atomic_load_n(&(x), __ATOMIC_RELAXED)

static unsigned bucket_of(uint32_t len)
{
	unsigned b = 0;

	while (b < N_EDGES && len > edges[b])
		b++;
	return b;
}

static inline void count(struct ctx *c, unsigned dir, const struct rs_observer_packet *pkts,
			 unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct rs_observer_packet *p = &pkts[i];
		if (p->worker >= c->n_workers || p->media_class >= N_CLS)
			continue;
		struct hist *h = &c->w[p->worker].h[dir][p->media_class];
		uint32_t len = p->len;
		unsigned b = bucket_of(len);
		if (!h->packets || len < h->min)
			STORE(h->min, len);
		if (len > h->max)
			STORE(h->max, len);
		STORE(h->bucket[b], h->bucket[b] + 1);
		STORE(h->bytes, h->bytes + len);
		/* last: a reader that sees packets > 0 sees a min too */
		__atomic_store_n(&h->packets, h->packets + 1, __ATOMIC_RELEASE);
	}
}

static void on_send(void *opaque, struct rs_observer_packet *pkts, unsigned n)
{
	count(opaque, DIR_SEND, pkts, n);
}

static void on_receive(void *opaque, struct rs_observer_packet *pkts, unsigned n)
{
	count(opaque, DIR_RECEIVE, pkts, n);
}

static void *hist_init(const char *args, unsigned n_workers, char *err, size_t err_size)
{
	struct ctx *c;

	if (args && *args) {
		snprintf(err, err_size, "takes no arguments (got '%s')", args);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c || n_workers == 0) {
		snprintf(err, err_size, n_workers ? "out of memory" : "no workers");
		free(c);
		return NULL;
	}
	c->n_workers = n_workers;
	c->w = aligned_alloc(CACHE_LINE, sizeof(*c->w) * n_workers);
	if (!c->w) {
		snprintf(err, err_size, "out of memory");
		free(c);
		return NULL;
	}
	memset(c->w, 0, sizeof(*c->w) * n_workers);
	return c;
}

static void hist_fini(void *opaque)
{
	struct ctx *c = opaque;

	if (!c)
		return;
	free(c->w);
	free(c);
}

/* Appends printf-style text at *off; -1 once buf is full. */
__attribute__((format(printf, 4, 5))) static int put(char *buf, size_t size, size_t *off,
						     const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= size)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *off) {
		*off = size;
		return -1;
	}
	*off += (size_t)n;
	return 0;
}

static int hist_stats(void *opaque, char *buf, size_t size)
{
	const struct ctx *c = opaque;
	static const char *const dir_name[N_DIR] = {"send", "receive"};
	static const char *const cls_name[N_CLS] = {"audio", "video"};
	size_t off = 0;
	int bad = 0;

	bad |= put(buf, size, &off, "{\"unit\":\"RTP packet bytes (header + payload)\",\"le\":[");
	for (unsigned e = 0; e < N_EDGES; e++)
		bad |= put(buf, size, &off, "%s%u", e ? "," : "", (unsigned)edges[e]);
	bad |= put(buf, size, &off, "]");
	for (unsigned d = 0; d < N_DIR; d++) {
		bad |= put(buf, size, &off, ",\"%s\":{", dir_name[d]);
		for (unsigned k = 0; k < N_CLS; k++) {
			struct hist s;
			int any = 0;

			memset(&s, 0, sizeof(s));
			for (unsigned i = 0; i < c->n_workers; i++) {
				const struct hist *h = &c->w[i].h[d][k];
				uint64_t p = __atomic_load_n(&h->packets, __ATOMIC_ACQUIRE);
				uint32_t mn = LOAD(h->min), mx = LOAD(h->max);
				if (!p)
					continue;
				s.packets += p;
				s.bytes += LOAD(h->bytes);
				for (unsigned b = 0; b < N_BUCKETS; b++)
					s.bucket[b] += LOAD(h->bucket[b]);
				if (!any || mn < s.min)
					s.min = mn;
				if (!any || mx > s.max)
					s.max = mx;
				any = 1;
			}
			bad |=
			    put(buf, size, &off,
				"%s\"%s\":{\"packets\":%llu,\"bytes\":%llu,\"min\":%u,\"max\":%u,"
				"\"mean\":%.1f,\"buckets\":[",
				k ? "," : "", cls_name[k], (unsigned long long)s.packets,
				(unsigned long long)s.bytes, (unsigned)s.min, (unsigned)s.max,
				s.packets ? (double)s.bytes / (double)s.packets : 0.0);
			for (unsigned b = 0; b < N_BUCKETS; b++)
				bad |= put(buf, size, &off, "%s%llu", b ? "," : "",
					   (unsigned long long)s.bucket[b]);
			bad |= put(buf, size, &off, "]}");
		}
		bad |= put(buf, size, &off, "}");
	}
	bad |= put(buf, size, &off, "}");
	return bad ? -1 : 0;
}

static const struct rs_observer ops = {
    .abi_version = RS_OBSERVER_ABI_VERSION,
    .struct_size = sizeof(struct rs_observer),
    .name = "histogram",
    .init = hist_init,
    .fini = hist_fini,
    .on_send_audio = on_send,
    .on_send_video = on_send,
    .on_receive_audio = on_receive,
    .on_receive_video = on_receive,
    .stats = hist_stats,
};

const struct rs_observer *rs_observer_entry(void)
{
	return &ops;
}
