/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "generator.h"
#include "rs_gen.h"
#include "rs_gen_spread.h"

#define GEN_BURST 32

/* What a pending frame is, counted when it is sent. */
struct gen_meta {
	uint8_t cls; /* enum rs_app_gen_class */
	uint16_t payload_len;
};

struct gen_queue {
	struct rte_mbuf *pending[GEN_BURST];
	struct gen_meta meta[GEN_BURST];
	uint16_t n;
};

struct rs_app_gen {
	struct rs_gen *model;
	/* [generator] spread_channels: this instead of model, and no frame
	 * before the channel table holds spread_wait channels */
	struct rs_gen_spread *spread;
	const unsigned *table_n;
	unsigned spread_wait;
	int spread_started;
	struct rte_mempool *pool;
	uint16_t port;
	uint16_t n_queues;
	uint64_t rate_pps;
	uint64_t tsc_hz;
	uint64_t start_tsc;
	uint64_t sent;
	int stopped; /* no new frames: only what is held still goes out */
	struct rs_app_gen_totals totals;
	struct gen_queue q[RS_MAX_WORKERS];
};

/* The PT the generator uses for a class: a dynamic type the channel names
 * (>= 96) if there is one, else a static one of that class. */
static uint8_t pick_pt(const struct rs_pt_map *map, enum rs_media_class cls, uint8_t fallback)
{
	for (int pt = 127; pt >= 96; pt--)
		if (map->cls[pt] == cls)
			return (uint8_t)pt;
	return fallback;
}

static struct rs_app_gen *model_new(const struct rs_app *app, char *err, size_t err_size);

/* Spread traffic (lib/rs_gen_spread.h) for channels the control socket adds. */
static struct rs_app_gen *spread_new(const struct rs_app *app, char *err, size_t err_size)
{
	const struct rs_generator_conf *gc = &app->cfg.generator;
	struct rs_app_gen *g = calloc(1, sizeof(*g));
	struct rs_gen_spread_conf conf;
	enum rs_status st = RS_ERR_NOMEM;

	rs_gen_spread_conf_init(&conf);
	conf.n_channels = gc->spread_channels;
	conf.streams_per_channel = gc->streams_per_channel;
	conf.payload_len = gc->audio_payload;
	conf.udp_checksum = gc->udp_checksum;
	conf.seed = gc->seed;
	if (g)
		g->spread = rs_gen_spread_new(&conf, &st);
	if (!g || !g->spread) {
		snprintf(err, err_size, "generator: spread_channels: %s", rs_strerror(st));
		free(g);
		return NULL;
	}
	g->table_n = &app->channels.n;
	g->spread_wait = app->cfg.n_channels + gc->spread_channels;
	g->pool = app->pool;
	g->port = gc->port;
	g->n_queues = (uint16_t)app->n_workers;
	g->rate_pps = gc->rate_pps;
	g->tsc_hz = rte_get_tsc_hz();
	g->start_tsc = rte_rdtsc();
	printf("rtpseal: generator on port %u: spread traffic, %u streams over %u channels "
	       "10.64.0.0:%u.. (added through the control socket; it waits for %u channels), "
	       "audio PT 0, %u B payload, %s; UDP checksums %s; %.1f MB of state\n",
	       g->port, rs_gen_spread_stream_count(g->spread), gc->spread_channels,
	       RS_GEN_SPREAD_PORT, g->spread_wait, conf.payload_len ? conf.payload_len : 160,
	       g->rate_pps ? "paced" : "as fast as the pipeline takes them",
	       gc->udp_checksum ? "on" : "off", (double)rs_gen_spread_bytes(g->spread) / 1e6);
	return g;
}

/* Spread traffic starts once its channels are there. */
static int spread_ready(struct rs_app_gen *g)
{
	if (!g->spread || g->spread_started)
		return 1;
	if (__atomic_load_n(g->table_n, __ATOMIC_RELAXED) < g->spread_wait)
		return 0;
	g->spread_started = 1;
	g->start_tsc = rte_rdtsc();
	printf("rtpseal: generator: %u channels present, spread traffic starts\n", g->spread_wait);
	fflush(stdout);
	return 1;
}

struct rs_app_gen *rs_app_gen_new(const struct rs_app *app, char *err, size_t err_size)
{
	if (app->cfg.generator.spread_channels)
		return spread_new(app, err, err_size);
	return model_new(app, err, err_size);
}

static struct rs_app_gen *model_new(const struct rs_app *app, char *err, size_t err_size)
{
	const struct rs_generator_conf *gc = &app->cfg.generator;
	struct rs_gen_channel *chans = calloc(app->cfg.n_channels, sizeof(*chans));
	struct rs_app_gen *g = calloc(1, sizeof(*g));
	struct rs_gen_conf conf;
	enum rs_status st;

	if (!g || !chans || !app->cfg.n_channels) {
		snprintf(err, err_size, "generator: %s",
			 app->cfg.n_channels ? "out of memory" : "no channel to generate for");
		goto fail;
	}
	for (unsigned i = 0; i < app->cfg.n_channels; i++) {
		const struct rs_channel_conf *cc = &app->cfg.channels[i];
		const struct rs_match *m = &cc->match[0];
		static const uint8_t default_dst[4] = {10, 0, 0, 2};
		chans[i].ip_version = m->any_addr ? 4 : m->ip_version;
		if (m->any_addr)
			memcpy(chans[i].dst_addr, default_dst, sizeof(default_dst));
		else
			memcpy(chans[i].dst_addr, m->addr, sizeof(chans[i].dst_addr));
		chans[i].dst_port = m->port;
		chans[i].audio_pt = pick_pt(&cc->pt_map, RS_CLASS_AUDIO, 0);
		chans[i].video_pt = pick_pt(&cc->pt_map, RS_CLASS_VIDEO, 26);
	}
	rs_gen_conf_init(&conf);
	conf.channels = chans;
	conf.n_channels = app->cfg.n_channels;
	conf.streams_per_channel = gc->streams_per_channel;
	conf.audio_share = gc->audio_share;
	conf.seed = gc->seed;
	conf.rtcp = gc->rtcp;
	conf.udp_checksum = gc->udp_checksum;
	conf.audio_payload = gc->audio_payload;
	conf.video_payload = gc->video_payload;
	g->model = rs_gen_new(&conf, &st);
	if (!g->model) {
		snprintf(err, err_size, "generator: %s", rs_strerror(st));
		goto fail;
	}
	free(chans);
	g->pool = app->pool;
	g->port = gc->port;
	g->n_queues = (uint16_t)app->n_workers;
	g->rate_pps = gc->rate_pps;
	g->tsc_hz = rte_get_tsc_hz();
	g->start_tsc = rte_rdtsc();
	char audio[32] = "model", video[32] = "model";
	if (gc->audio_payload)
		snprintf(audio, sizeof(audio), "%u B", gc->audio_payload);
	if (gc->video_payload)
		snprintf(video, sizeof(video), "%u B", gc->video_payload);
	printf("rtpseal: generator on port %u: %u streams over %u channels, %s; payload audio "
	       "%s, video %s; UDP checksums %s, RTCP %s\n",
	       g->port, rs_gen_stream_count(g->model), app->cfg.n_channels,
	       g->rate_pps ? "paced" : "as fast as the pipeline takes them", audio, video,
	       gc->udp_checksum ? "on" : "off", gc->rtcp ? "on" : "off");
	return g;
fail:
	free(chans);
	rs_app_gen_free(g);
	return NULL;
}

void rs_app_gen_free(struct rs_app_gen *g)
{
	static const char *const names[RS_APP_GEN_CLASSES] = {
	    [RS_APP_GEN_AUDIO] = "audio",
	    [RS_APP_GEN_VIDEO] = "video",
	    [RS_APP_GEN_RTCP] = "rtcp",
	    [RS_APP_GEN_OTHER] = "other",
	};

	if (!g)
		return;
	if (g->model || g->spread) {
		const struct rs_app_gen_totals *t = &g->totals;

		printf("rtpseal: generator sent %" PRIu64 " frames, %" PRIu64 " bytes:", g->sent,
		       t->frame_bytes);
		for (unsigned c = 0; c < RS_APP_GEN_CLASSES; c++)
			printf(" %s %" PRIu64 " x %.2f B%s", names[c], t->packets[c],
			       t->packets[c] ? (double)t->payload_bytes[c] / (double)t->packets[c]
					     : 0.0,
			       c + 1 < RS_APP_GEN_CLASSES ? "," : ";");
		printf(" ring full on %" PRIu64 " of %" PRIu64 " TX bursts\n", t->tx_refused,
		       t->tx_bursts);
	}
	for (unsigned q = 0; q < RS_MAX_WORKERS; q++)
		if (g->q[q].n)
			rte_pktmbuf_free_bulk(g->q[q].pending, g->q[q].n);
	rs_gen_free(g->model);
	rs_gen_spread_free(g->spread);
	free(g);
}

uint64_t rs_app_gen_sent(const struct rs_app_gen *g)
{
	return g ? g->sent : 0;
}

void rs_app_gen_get_totals(const struct rs_app_gen *g, struct rs_app_gen_totals *t)
{
	if (g)
		*t = g->totals;
	else
		memset(t, 0, sizeof(*t));
}

static uint8_t gen_class(const struct rs_gen_info *info)
{
	if (info->kind == RS_KIND_RTCP)
		return RS_APP_GEN_RTCP;
	if (info->kind != RS_KIND_RTP)
		return RS_APP_GEN_OTHER;
	return info->media == RS_CLASS_AUDIO ? RS_APP_GEN_AUDIO : RS_APP_GEN_VIDEO;
}

/* Fill queue buffers with fresh frames until one is full or budget runs
 * out. Returns the number of frames made. */
static unsigned generate(struct rs_app_gen *g, unsigned budget)
{
	unsigned made = 0;

	while (made < budget) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(g->pool);
		struct rs_gen_info info;
		if (!m)
			break;
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
		size_t len = g->spread ? rs_gen_spread_next(g->spread, d, rte_pktmbuf_tailroom(m), &info)
				       : rs_gen_next(g->model, d, rte_pktmbuf_tailroom(m), &info);
		if (!len) {
			rte_pktmbuf_free(m);
			break;
		}
		m->data_len = (uint16_t)len;
		m->pkt_len = (uint32_t)len;
		struct gen_queue *q = &g->q[info.ssrc ? info.stream % g->n_queues : 0];
		q->meta[q->n].cls = gen_class(&info);
		q->meta[q->n].payload_len = (uint16_t)info.payload_len;
		q->pending[q->n++] = m;
		made++;
		if (q->n == GEN_BURST)
			break;
	}
	return made;
}

unsigned rs_app_gen_step(struct rs_app_gen *g)
{
	unsigned budget = GEN_BURST;
	unsigned sent = 0;

	if (g->rate_pps) {
		uint64_t due = (rte_rdtsc() - g->start_tsc) * g->rate_pps / g->tsc_hz;
		budget = due > g->sent ? (unsigned)RTE_MIN(due - g->sent, (uint64_t)GEN_BURST) : 0;
	}
	int full = 0;
	for (unsigned q = 0; q < g->n_queues; q++)
		full |= g->q[q].n == GEN_BURST;
	if (!full && budget && !g->stopped && spread_ready(g))
		generate(g, budget);
	for (uint16_t q = 0; q < g->n_queues; q++) {
		struct gen_queue *gq = &g->q[q];
		if (!gq->n)
			continue;
		/* the frame lengths before the ring hands them to a worker */
		uint16_t len[GEN_BURST];
		for (uint16_t i = 0; i < gq->n; i++)
			len[i] = gq->pending[i]->data_len;
		uint16_t n = rte_eth_tx_burst(g->port, q, gq->pending, gq->n);
		g->totals.tx_bursts++;
		g->totals.tx_refused += n < gq->n;
		for (uint16_t i = 0; i < n; i++) {
			const struct gen_meta *gm = &gq->meta[i];
			g->totals.packets[gm->cls]++;
			g->totals.payload_bytes[gm->cls] += gm->payload_len;
			g->totals.frame_bytes += len[i];
		}
		if (n && n < gq->n) {
			memmove(gq->pending, gq->pending + n, (gq->n - n) * sizeof(gq->pending[0]));
			memmove(gq->meta, gq->meta + n, (gq->n - n) * sizeof(gq->meta[0]));
		}
		gq->n -= n;
		sent += n;
	}
	g->sent += sent;
	return sent;
}

void rs_app_gen_stop(struct rs_app_gen *g)
{
	g->stopped = 1;
}

unsigned rs_app_gen_port(const struct rs_app_gen *g)
{
	return g->port;
}
