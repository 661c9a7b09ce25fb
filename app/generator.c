/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "generator.h"
#include "rs_gen.h"
#include "rs_gen_spread.h"
#include "rs_srtp.h"

#define GEN_BURST 32

/* What a pending frame is, counted when it is sent. */
struct gen_meta {
	uint8_t cls;   /* enum rs_app_gen_class */
	uint8_t fault; /* 0, or 1 + enum rs_app_gen_fault */
	uint8_t good;  /* a good packet of a fault stream */
	uint8_t way;   /* how a malformed fault was broken */
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
	struct gen_faults *faults; /* NULL: no fault injection */
};

/* Fault injection, defined below. */
struct gen_faults;
static int faults_exclude(const struct rs_app *app, struct rs_gen_channel *chans, unsigned *n,
			  struct gen_faults **out, char *err, size_t err_size);
static void faults_free(struct gen_faults *f);
static void faults_print(const struct gen_faults *f);
static int faults_tick(struct rs_app_gen *g);
static void faults_count(struct gen_faults *f, const struct gen_meta *gm);
static unsigned faults_send(struct rs_app_gen *g);

/* The PT the generator uses for a class: a dynamic type the channel names
 * (>= 96) if there is one, else a static one of that class. */
static uint8_t pick_pt(const struct rs_pt_map *map, enum rs_media_class cls, uint8_t fallback)
{
	for (int pt = 127; pt >= 96; pt--)
		if (map->cls[pt] == cls)
			return (uint8_t)pt;
	return fallback;
}

/* What every generator shares, whatever its traffic model. */
static void gen_common_init(struct rs_app_gen *g, const struct rs_app *app)
{
	const struct rs_generator_conf *gc = &app->cfg.generator;

	g->pool = app->pool;
	g->port = gc->port;
	g->n_queues = (uint16_t)app->n_workers;
	g->rate_pps = gc->rate_pps;
	g->tsc_hz = rte_get_tsc_hz();
	g->start_tsc = rte_rdtsc();
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
	gen_common_init(g, app);
	printf("rtpseal: generator on port %u: spread traffic, %u streams over %u channels "
	       "10.64.0.0:%u.. (added through the control socket; it waits for %u channels), "
	       "audio PT 0, %u B payload, %s; UDP checksums %s; %.1f MB of state\n",
	       g->port, rs_gen_spread_stream_count(g->spread), gc->spread_channels,
	       (unsigned)RS_GEN_SPREAD_PORT, g->spread_wait,
	       conf.payload_len ? conf.payload_len : 160,
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
	unsigned n_model = app->cfg.n_channels;
	if (gc->faults && faults_exclude(app, chans, &n_model, &g->faults, err, err_size) < 0)
		goto fail;
	rs_gen_conf_init(&conf);
	conf.channels = chans;
	conf.n_channels = n_model;
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
	gen_common_init(g, app);
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
	if (g->faults)
		faults_print(g->faults);
	faults_free(g->faults);
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

/* ---- fault injection ([generator] faults; generator.h) ---- */

/* Each port's faults come from a model of their own, so that no frame is
 * ever drawn and thrown away: a fault stream's sequence numbers then move
 * by a few between the packets the pipeline sees. (One model shared by
 * both ports, with the other port's frames dropped, once left one stream
 * unseen for over 2^15 sequence numbers; its next packet then estimated
 * the ROC as RFC 3711 says, one too low, and was refused as stale_seq.) */
#define FAULT_STREAMS	     4 /* per model */
#define FAULT_CREDIT_MAX     4000
#define FAULT_MALFORMED_WAYS 5

struct gen_faults {
	/* the fault channel's streams: [0] the generator port's, [1] the fault port's */
	struct rs_gen *model[2];
	struct rs_engine *eng;
	struct rs_key_ctx *key;	  /* the fault channel's key */
	struct rs_key_ctx *wrong; /* its master key with every byte changed */
	uint8_t *states;	  /* sealing states of the fault port's streams */
	size_t state_size;
	uint8_t state_ready[FAULT_STREAMS];
	unsigned window;
	uint32_t roc;
	unsigned permille;
	unsigned credit;		    /* a fault is due at 1000 */
	unsigned next;			    /* kind of the next fault */
	unsigned way;			    /* the next way to break a frame */
	int port;			    /* fault port, or -1 */
	struct gen_queue q[RS_MAX_WORKERS]; /* held for the fault port */
	struct rs_app_gen_fault_totals totals;
};

static void gen_push(struct gen_queue *q, struct rte_mbuf *m, uint8_t cls, uint32_t payload_len,
		     uint8_t fault, uint8_t good, uint8_t way)
{
	q->meta[q->n] = (struct gen_meta){
	    .cls = cls,
	    .fault = fault,
	    .good = good,
	    .way = way,
	    .payload_len = (uint16_t)payload_len,
	};
	q->pending[q->n++] = m;
}

static void faults_free(struct gen_faults *f)
{
	if (!f)
		return;
	for (unsigned q = 0; q < RS_MAX_WORKERS; q++)
		if (f->q[q].n)
			rte_pktmbuf_free_bulk(f->q[q].pending, f->q[q].n);
	rs_key_ctx_free(f->key);
	rs_key_ctx_free(f->wrong);
	rs_engine_free(f->eng);
	rs_gen_free(f->model[0]);
	rs_gen_free(f->model[1]);
	free(f->states);
	free(f);
}

/* ch: where the fault channel's media goes (as the main model would send). */
static struct gen_faults *faults_new(const struct rs_app *app, const struct rs_gen_channel *ch,
				     char *err, size_t err_size)
{
	const struct rs_generator_conf *gc = &app->cfg.generator;
	const struct rs_channel_conf *cc = NULL;
	struct gen_faults *f = calloc(1, sizeof(*f));
	enum rs_status st = RS_ERR_NOMEM;
	struct rs_master_key wrong;
	struct rs_gen_conf conf;

	for (unsigned i = 0; i < app->cfg.n_channels; i++)
		if (strcmp(app->cfg.channels[i].name, gc->fault_channel) == 0)
			cc = &app->cfg.channels[i];
	if (!f || !cc) {
		snprintf(err, err_size, "generator: faults: %s",
			 f ? "no such fault_channel" : "out of memory");
		free(f);
		return NULL;
	}
	rs_gen_conf_init(&conf);
	conf.channels = ch;
	conf.n_channels = 1;
	conf.streams_per_channel = FAULT_STREAMS;
	conf.audio_share = 50;
	conf.rtcp = 0;
	conf.udp_checksum = gc->udp_checksum;
	for (unsigned i = 0; i < 2; i++) {
		conf.seed = gc->seed ^ (0x666175c7ull + i);
		/* apart from the main model's 40000.. and from each other */
		conf.src_port_base = (uint16_t)(61000 + 2 * FAULT_STREAMS * i);
		f->model[i] = rs_gen_new(&conf, &st);
		if (!f->model[i])
			break;
	}
	f->eng = f->model[0] && f->model[1] ? rs_engine_new(&st) : NULL;
	f->key = f->eng ? rs_key_ctx_new(f->eng, &cc->master, 0, &st) : NULL;
	wrong = cc->master;
	for (unsigned i = 0; i < wrong.key_len; i++)
		wrong.key[i] ^= 0xa5;
	f->wrong = f->key ? rs_key_ctx_new(f->eng, &wrong, 0, &st) : NULL;
	rs_master_key_wipe(&wrong);
	f->window = app->cfg.general.replay_window;
	f->state_size = RTE_ALIGN_CEIL(rs_stream_size(f->window), 64);
	if (f->wrong)
		f->states = calloc(FAULT_STREAMS, f->state_size);
	if (!f->states) {
		snprintf(err, err_size, "generator: faults: %s", rs_strerror(st));
		faults_free(f);
		return NULL;
	}
	f->roc = app->stream_start.roc;
	f->permille = gc->faults;
	f->port = gc->has_fault_port ? gc->fault_port : -1;
	printf("rtpseal: generator: %u faults per 1000 frames on channel %s: malformed and resent "
	       "RTP on port %u",
	       f->permille, cc->name, gc->port);
	if (f->port >= 0)
		printf(", replayed and wrong-key SRTP on port %d", f->port);
	printf("\n");
	return f;
}

/* The next RTP frame of the fault streams of one port (0: the generator's,
 * 1: the fault port), in an mbuf. */
static struct rte_mbuf *fault_frame(struct rs_app_gen *g, unsigned fault_port,
				    struct rs_gen_info *info)
{
	for (unsigned tries = 0; tries < 64; tries++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(g->pool);
		if (!m)
			return NULL;
		size_t len =
		    rs_gen_next(g->faults->model[fault_port], rte_pktmbuf_mtod(m, uint8_t *),
				rte_pktmbuf_tailroom(m), info);
		if (len && info->kind == RS_KIND_RTP) {
			m->data_len = (uint16_t)len;
			m->pkt_len = (uint32_t)len;
			return m;
		}
		rte_pktmbuf_free(m);
		if (!len)
			return NULL;
	}
	return NULL;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IP total (v4) or payload (v6) length += delta. */
static void ip_len_add(uint8_t *d, const struct rs_frame *fr, int delta)
{
	uint8_t *p = d + fr->l3_off + (fr->ip_version == 4 ? 2 : 4);
	put16(p, (unsigned)(get16(p) + delta));
}

/* Break a frame so that the pipeline drops it as malformed, one of five
 * ways in turn; returns the way. The last three need the channel lookup
 * to succeed (the fault channel is there for the whole run). */
static unsigned break_frame(struct gen_faults *f, struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	unsigned way = f->way++ % FAULT_MALFORMED_WAYS;
	struct rs_frame fr;

	if (rs_parse_frame(d, m->data_len, &fr) != RS_OK || fr.payload_len < 20) {
		m->data_len = 20; /* Ethernet + 6 bytes: ipv4_trunc */
		m->pkt_len = 20;
		return 0;
	}
	uint8_t *rtp = d + fr.payload_off;
	switch (way) {
	case 0: /* IP length past the end of the frame: ipv4_len / ipv6_len */
		ip_len_add(d, &fr, 64);
		break;
	case 1: /* UDP length not the IP payload's: udp_len */
		put16(d + fr.l4_off + 4, fr.payload_len + 16u);
		break;
	case 2: { /* RTP shorter than its 12-byte header: dropped after lookup */
		int cut = fr.payload_len - 6;
		put16(d + fr.l4_off + 4, 8 + 6);
		ip_len_add(d, &fr, -cut);
		m->data_len = (uint16_t)(fr.payload_off + 6);
		m->pkt_len = m->data_len;
		break;
	}
	case 3: /* header extension longer than the packet: rtp_ext_len at seal */
		rtp[0] |= 0x10;
		put16(rtp + 12 + 4 * (rtp[0] & 0x0f) + 2, 0xffff);
		break;
	default: /* padding count 0: rtp_padding at seal */
		rtp[0] |= 0x20;
		rtp[fr.payload_len - 1] = 0;
		break;
	}
	return way;
}

/* Seal a fault-port frame in place under key, in this generator's own
 * state for the stream, and fix the lengths and checksums. */
static int fault_seal(struct gen_faults *f, struct rte_mbuf *m, const struct rs_gen_info *info,
		      const struct rs_key_ctx *key)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	unsigned s = info->stream % FAULT_STREAMS;
	struct rs_stream *state = (struct rs_stream *)(f->states + s * f->state_size);
	struct rs_frame fr;

	if (rs_parse_frame(d, m->data_len, &fr) != RS_OK)
		return -1;
	if (!f->state_ready[s]) {
		if (rs_stream_init(state, f->state_size, info->ssrc, f->window, f->roc) != RS_OK)
			return -1;
		f->state_ready[s] = 1;
	}
	struct rs_packet pk = {
	    .buf = d + fr.payload_off,
	    .len = fr.payload_len,
	    .cap = (uint32_t)(rte_pktmbuf_tailroom(m) + m->data_len - fr.payload_off),
	    .key = key,
	    .stream = state,
	};
	if (rs_seal(f->eng, &pk) != RS_OK)
		return -1;
	int grow = (int)pk.len - fr.payload_len;
	put16(d + fr.l4_off + 4, 8 + pk.len);
	ip_len_add(d, &fr, grow);
	m->data_len = (uint16_t)(fr.payload_off + pk.len);
	m->pkt_len = m->data_len;
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(d + fr.l4_off);
	if (fr.ip_version == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + fr.l3_off);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		if (udp->dgram_cksum) {
			udp->dgram_cksum = 0;
			udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
		}
	} else {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(d + fr.l3_off);
		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
	}
	return 0;
}

static struct rte_mbuf *copy_frame(struct rs_app_gen *g, const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(g->pool);

	if (!c)
		return NULL;
	memcpy(rte_pktmbuf_mtod(c, uint8_t *), rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
	c->data_len = m->data_len;
	c->pkt_len = m->pkt_len;
	return c;
}

/* One fault of the next kind; -1 when there is no room or no mbuf now. */
static int fault_inject(struct rs_app_gen *g)
{
	struct gen_faults *f = g->faults;
	unsigned kinds = f->port >= 0 ? RS_APP_GEN_FAULTS : RS_APP_GEN_FAULT_REPLAY;
	unsigned kind = f->next % kinds;
	struct rs_gen_info info;
	struct rte_mbuf *m = fault_frame(g, kind >= RS_APP_GEN_FAULT_REPLAY, &info), *c = NULL;
	unsigned two = kind == RS_APP_GEN_FAULT_RESENT || kind == RS_APP_GEN_FAULT_REPLAY;

	if (!m)
		return -1;
	struct gen_queue *q =
	    &(kind < RS_APP_GEN_FAULT_REPLAY ? g->q : f->q)[info.stream % g->n_queues];
	uint8_t cls = gen_class(&info), bad = (uint8_t)(kind + 1);
	if (q->n + 1 + two > GEN_BURST)
		goto drop;
	if (kind == RS_APP_GEN_FAULT_REPLAY || kind == RS_APP_GEN_FAULT_WRONG_KEY) {
		if (fault_seal(f, m, &info, kind == RS_APP_GEN_FAULT_REPLAY ? f->key : f->wrong) !=
		    0)
			goto drop;
	}
	if (two && !(c = copy_frame(g, m)))
		goto drop;
	if (kind == RS_APP_GEN_FAULT_MALFORMED) {
		uint8_t way = (uint8_t)break_frame(f, m);
		gen_push(q, m, cls, info.payload_len, bad, 0, way);
	} else if (two) {
		gen_push(q, m, cls, info.payload_len, 0, 1, 0);
		gen_push(q, c, cls, info.payload_len, bad, 0, 0);
	} else {
		gen_push(q, m, cls, info.payload_len, bad, 0, 0);
	}
	f->next++;
	return 0;
drop:
	rte_pktmbuf_free(m);
	return -1;
}

/* After each frame of the main model: inject what is due. Returns 1 when a
 * generator-port queue is full (the caller stops filling). */
static int faults_tick(struct rs_app_gen *g)
{
	struct gen_faults *f = g->faults;
	int full = 0;

	f->credit += f->permille;
	while (f->credit >= 1000 && fault_inject(g) == 0)
		f->credit -= 1000;
	if (f->credit > FAULT_CREDIT_MAX)
		f->credit = FAULT_CREDIT_MAX;
	for (unsigned q = 0; q < g->n_queues; q++)
		full |= g->q[q].n == GEN_BURST;
	return full;
}

/* A frame left on TX: count it if it is a fault or a fault stream's. */
static void faults_count(struct gen_faults *f, const struct gen_meta *gm)
{
	if (gm->fault) {
		f->totals.injected[gm->fault - 1]++;
		if (gm->fault - 1 == RS_APP_GEN_FAULT_MALFORMED)
			f->totals.malformed_by[gm->way % FAULT_MALFORMED_WAYS]++;
	}
	f->totals.good += gm->good;
}

/* Send what is held for the fault port. */
static unsigned faults_send(struct rs_app_gen *g)
{
	struct gen_faults *f = g->faults;
	unsigned sent = 0;

	if (!f || f->port < 0)
		return 0;
	for (uint16_t q = 0; q < g->n_queues; q++) {
		struct gen_queue *gq = &f->q[q];
		if (!gq->n)
			continue;
		uint16_t n = rte_eth_tx_burst((uint16_t)f->port, q, gq->pending, gq->n);
		for (uint16_t i = 0; i < n; i++)
			faults_count(f, &gq->meta[i]);
		if (n && n < gq->n) {
			memmove(gq->pending, gq->pending + n, (gq->n - n) * sizeof(gq->pending[0]));
			memmove(gq->meta, gq->meta + n, (gq->n - n) * sizeof(gq->meta[0]));
		}
		gq->n -= n;
		sent += n;
	}
	f->totals.fault_port_sent += sent;
	return sent;
}

static void faults_print(const struct gen_faults *f)
{
	const struct rs_app_gen_fault_totals *t = &f->totals;

	printf("rtpseal: generator injected %" PRIu64 " malformed (IP length %" PRIu64
	       ", UDP length %" PRIu64 ", RTP < 12 B %" PRIu64 ", extension length %" PRIu64
	       ", padding %" PRIu64 "), %" PRIu64 " RTP sent again, %" PRIu64
	       " SRTP replayed, %" PRIu64 " SRTP under a wrong key; %" PRIu64
	       " good packets of the fault streams, %" PRIu64 " frames on the fault port\n",
	       t->injected[RS_APP_GEN_FAULT_MALFORMED], t->malformed_by[0], t->malformed_by[1],
	       t->malformed_by[2], t->malformed_by[3], t->malformed_by[4],
	       t->injected[RS_APP_GEN_FAULT_RESENT], t->injected[RS_APP_GEN_FAULT_REPLAY],
	       t->injected[RS_APP_GEN_FAULT_WRONG_KEY], t->good, t->fault_port_sent);
}

void rs_app_gen_get_faults(const struct rs_app_gen *g, struct rs_app_gen_fault_totals *t)
{
	if (g && g->faults)
		*t = g->faults->totals;
	else
		memset(t, 0, sizeof(*t));
}

int rs_app_gen_fault_port(const struct rs_app_gen *g)
{
	return g && g->faults ? g->faults->port : -1;
}

const char *rs_app_gen_fault_reason(enum rs_app_gen_fault kind)
{
	static const char *const reasons[RS_APP_GEN_FAULTS] = {
	    [RS_APP_GEN_FAULT_MALFORMED] = "malformed",
	    [RS_APP_GEN_FAULT_RESENT] = "stale_seq",
	    [RS_APP_GEN_FAULT_REPLAY] = "replay",
	    [RS_APP_GEN_FAULT_WRONG_KEY] = "auth_fail",
	};

	return (unsigned)kind < RS_APP_GEN_FAULTS ? reasons[kind] : "?";
}

/* Take the fault channel out of the main model's channels and set up the
 * fault model for it. */
static int faults_exclude(const struct rs_app *app, struct rs_gen_channel *chans, unsigned *n,
			  struct gen_faults **out, char *err, size_t err_size)
{
	unsigned i = 0;

	while (i < *n && strcmp(app->cfg.channels[i].name, app->cfg.generator.fault_channel))
		i++;
	if (i == *n) {
		snprintf(err, err_size, "generator: no fault_channel %s",
			 app->cfg.generator.fault_channel);
		return -1;
	}
	*out = faults_new(app, &chans[i], err, err_size);
	if (!*out)
		return -1;
	memmove(chans + i, chans + i + 1, (*n - i - 1) * sizeof(*chans));
	(*n)--;
	return 0;
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
		size_t len = g->spread
				 ? rs_gen_spread_next(g->spread, d, rte_pktmbuf_tailroom(m), &info)
				 : rs_gen_next(g->model, d, rte_pktmbuf_tailroom(m), &info);
		if (!len) {
			rte_pktmbuf_free(m);
			break;
		}
		m->data_len = (uint16_t)len;
		m->pkt_len = (uint32_t)len;
		struct gen_queue *q = &g->q[info.ssrc ? info.stream % g->n_queues : 0];
		gen_push(q, m, gen_class(&info), info.payload_len, 0, 0, 0);
		made++;
		int stop = q->n == GEN_BURST;
		if (g->faults)
			stop |= faults_tick(g);
		if (stop)
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
			if (g->faults)
				faults_count(g->faults, gm);
		}
		if (n && n < gq->n) {
			memmove(gq->pending, gq->pending + n, (gq->n - n) * sizeof(gq->pending[0]));
			memmove(gq->meta, gq->meta + n, (gq->n - n) * sizeof(gq->meta[0]));
		}
		gq->n -= n;
		sent += n;
	}
	g->sent += sent;
	return sent + faults_send(g);
}

void rs_app_gen_stop(struct rs_app_gen *g)
{
	g->stopped = 1;
}

unsigned rs_app_gen_port(const struct rs_app_gen *g)
{
	return g->port;
}
