/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker poll loop and the burst pipeline of DESIGN §4:
 *   parse + demux -> bulk channel lookup -> classify + stream state ->
 *   seal/open burst (lib) -> fix headers -> buffered TX,
 * with every packet ending in TX or in exactly one drop counter. Verdicts
 * are applied in arrival order so one worker never reorders a queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include "tx.h"
#include "verify.h"
#include "worker.h"

#define DRAIN_US     100 /* TX buffers are flushed at least this often */
#define SWEEP_BUDGET 8	 /* stream entries checked for a removed channel per loop */

enum verdict {
	V_FORWARD = 0, /* passthrough, untouched */
	V_DROP,	       /* meta.reason says why */
	V_CANDIDATE,   /* RTP/RTCP: needs a channel */
	V_CRYPTO,      /* handed to seal/open as packets[meta.pkt] */
	V_CUSTOM,      /* mode custom: observers only, no built-in crypto */
	V_HANDOFF,     /* the stream belongs to another worker: hand it over */
};

/* Class slot for counting: the RTP classes, then RTCP. */
#define CLASS_RTCP RS_CLASS_COUNT

struct pkt_meta {
	struct rs_frame fr;
	uint8_t verdict;
	uint8_t reason;
	uint8_t cls;
	uint8_t is_rtcp;
	uint8_t cached; /* channel (and stream, if any) came from the flow cache */
	uint16_t pkt;
	struct rs_channel *ch;
	const struct rs_keyset *ks;    /* the channel's keys, one snapshot per burst */
	struct rs_stream_entry *entry; /* V_CRYPTO: the stream */
	/* V_CUSTOM packets (V_CRYPTO ones live in the lib packet) */
	uint8_t *buf;
	uint32_t len;
	uint32_t cap;
};

static void tx_error_cb(struct rte_mbuf **unsent, uint16_t count, void *userdata)
{
	struct rs_tx_ctx *ctx = userdata;
	struct rs_counters *c = &ctx->w->c;

	for (uint16_t i = 0; i < count; i++) {
		c->tx_packets--;
		c->ports[ctx->port].tx_packets--;
		c->ports[ctx->port].tx_bytes -= unsent[i]->pkt_len;
		c->drops[RS_DROP_TX_FULL]++;
		rte_pktmbuf_free(unsent[i]);
	}
}

struct rs_worker *rs_worker_new(const struct rs_app *app, unsigned index, unsigned lcore_id,
				char *err, size_t err_size)
{
	int socket = (int)rte_lcore_to_socket_id(lcore_id);
	struct rs_worker *w =
	    rte_zmalloc_socket("rs_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	char name[RTE_HASH_NAMESIZE];
	enum rs_status st;

	if (!w) {
		snprintf(err, err_size, "worker %u: out of memory", index);
		return NULL;
	}
	w->app = app;
	w->index = index;
	w->lcore_id = lcore_id;
	w->queue = (uint16_t)index;
	w->burst = (uint16_t)app->cfg.general.burst;
	w->drain_cycles = (rte_get_tsc_hz() + US_PER_S - 1) / US_PER_S * DRAIN_US;
	w->eng = rs_engine_new(&st);
	if (!w->eng) {
		snprintf(err, err_size, "worker %u: crypto engine: %s", index, rs_strerror(st));
		goto fail;
	}
	snprintf(name, sizeof(name), "rs_streams_%u", index);
	w->chan = rs_table_alloc(&w->chan_mem, "rs_chan_counters",
				 app->channels.capacity * sizeof(*w->chan), socket);
	if (!w->chan) {
		snprintf(err, err_size, "worker %u: out of memory for channel counters", index);
		goto fail;
	}
	w->flows.e = rs_table_alloc(&w->flows_mem, "rs_flow_cache",
				    RS_FLOW_CACHE_SIZE * sizeof(*w->flows.e), socket);
	if (!w->flows.e) {
		snprintf(err, err_size, "worker %u: out of memory for the flow cache", index);
		goto fail;
	}
	w->flows.epoch = 1;
	w->flows.changes = __atomic_load_n(&app->channels.changes, __ATOMIC_ACQUIRE);
	if (rs_stream_table_init(&w->streams, name, app->cfg.general.max_streams,
				 app->cfg.general.replay_window, app->samples_per_stream,
				 &app->stream_start, socket, err, err_size) < 0)
		goto fail;
	for (unsigned p = 0; p < app->n_ports; p++) {
		w->rxq[w->n_rxq].port = (uint16_t)p;
		w->rxq[w->n_rxq].queue = w->queue;
		w->n_rxq++;
		if (!app->ports[p].has_tx)
			continue;
		w->txb[p] =
		    rte_zmalloc_socket("rs_txb", RTE_ETH_TX_BUFFER_SIZE(RS_BURST_MAX), 0, socket);
		if (!w->txb[p] || rte_eth_tx_buffer_init(w->txb[p], w->burst) != 0) {
			snprintf(err, err_size, "worker %u: TX buffer for port %u", index, p);
			goto fail;
		}
		w->txctx[p].w = w;
		w->txctx[p].port = (uint16_t)p;
		rte_eth_tx_buffer_set_err_callback(w->txb[p], tx_error_cb, &w->txctx[p]);
	}
	return w;
fail:
	rs_worker_free(w);
	return NULL;
}

void rs_worker_free(struct rs_worker *w)
{
	if (!w)
		return;
	for (unsigned p = 0; p < RS_MAX_PORTS; p++)
		rte_free(w->txb[p]);
	rs_stream_table_free(&w->streams);
	rs_table_free(&w->flows_mem);
	rs_table_free(&w->chan_mem);
	rs_engine_free(w->eng);
	rte_free(w);
}

/* Policy for traffic that is not a channel's media. */
static inline void pass_or_drop(struct pkt_meta *pm, enum rs_pass_policy policy)
{
	if (policy == RS_PASS) {
		pm->verdict = V_FORWARD;
	} else {
		pm->verdict = V_DROP;
		pm->reason = RS_DROP_POLICY;
	}
}

/* Stage 1: parse and demux one frame. */
static inline void parse_stage(const struct rs_general_conf *g, struct rte_mbuf *m,
			       struct pkt_meta *pm)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	enum rs_status st;

	if (m->nb_segs != 1) {
		pm->verdict = V_DROP;
		pm->reason = RS_DROP_MULTISEG;
		return;
	}
	st = rs_parse_frame(d, m->data_len, &pm->fr);
	switch (st) {
	case RS_OK:
		break;
	case RS_ERR_NOT_IP:
	case RS_ERR_NOT_UDP:
		pass_or_drop(pm, g->non_media);
		return;
	case RS_ERR_IP_FRAGMENT:
		pass_or_drop(pm, g->fragments);
		return;
	case RS_ERR_IPV6_EXT:
		pass_or_drop(pm, g->ipv6_ext);
		return;
	default:
		pm->verdict = V_DROP;
		pm->reason = RS_DROP_MALFORMED;
		return;
	}
	switch (rs_demux(d + pm->fr.payload_off, pm->fr.payload_len)) {
	case RS_KIND_RTP:
		pm->is_rtcp = 0;
		break;
	case RS_KIND_RTCP:
		pm->is_rtcp = 1;
		break;
	default:
		pass_or_drop(pm, g->non_media);
		return;
	}
	pm->verdict = V_CANDIDATE;
}

/* The channel table's key for a candidate the flow cache did not know. */
static inline void match_key_make(const struct pkt_meta *pm, struct rs_match_key *key)
{
	memset(key, 0, sizeof(*key));
	key->port = pm->fr.dst_port;
	key->family = pm->fr.ip_version;
	memcpy(key->addr, pm->fr.dst_addr, pm->fr.ip_version == 4 ? 4 : 16);
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* With several workers, a stream's state lives on exactly one: the first
 * to see it. RSS keeps a flow on one queue, but a spill (af_packet
 * rollover, an RSS table change) must never give a stream a second state
 * starting at ROC 0 -- that would seal indices twice. Runs once per new
 * stream, so a lock is fine. */
static void claim_stream(struct rs_worker *w, const struct rs_channel *ch, uint32_t ssrc,
			 enum rs_direction dir, struct rs_stream_entry *e)
{
	struct rs_app *app = (struct rs_app *)w->app;
	const struct rs_stream_key key = {
	    .slot = ch->slot, .gen = ch->gen, .ssrc = ssrc, .dir = dir};
	void *data = NULL;

	rte_spinlock_lock(&app->owner_lock);
	if (rte_hash_lookup_data(app->stream_owner, &key, &data) >= 0) {
		unsigned owner = (unsigned)(uintptr_t)data - 1;
		if (owner != w->index) {
			e->foreign = 1;
			e->owner = (uint8_t)owner;
		}
	} else {
		rte_hash_add_key_data(app->stream_owner, &key, (void *)(uintptr_t)(w->index + 1));
	}
	rte_spinlock_unlock(&app->owner_lock);
}

/* Traffic spread over more channels and streams than the caches hold (a
 * million channels) misses on every step from a packet to its state: the
 * channel, this worker's line for it, its key set, the stream's hash bucket
 * and state, the GCM key. Taken a packet at a time those misses queue up
 * behind each other; here each level is requested for the whole burst
 * before the next is read, so they overlap, and the streams are looked up
 * in bulk (pm->entry, NULL when new). Only flow-cache misses come here, so
 * a burst of known flows pays nothing for it. */
static void resolve_misses(struct rs_worker *w, enum rs_direction dir, struct rte_mbuf **m,
			   struct pkt_meta *meta, const uint16_t *cand, const uint16_t *miss,
			   const uint8_t *has_flow, unsigned n_miss)
{
	struct rs_stream_key keys[RS_BURST_MAX];
	struct rs_stream_entry *found[RS_BURST_MAX];
	uint16_t at[RS_BURST_MAX] = {0};
	unsigned n = 0;

	for (unsigned k = 0; k < n_miss; k++) {
		const uint8_t *ch = (const uint8_t *)meta[cand[miss[k]]].ch;
		if (ch) /* slot, gen, policy, the PT map, the key set pointer */
			for (unsigned off = 0; off < offsetof(struct rs_channel, previous_until_ms);
			     off += RTE_CACHE_LINE_SIZE)
				rte_prefetch0(ch + off);
	}
	for (unsigned k = 0; k < n_miss; k++) {
		unsigned j = miss[k];
		struct pkt_meta *pm = &meta[cand[j]];
		const struct rs_channel *ch = pm->ch;
		if (!ch || ch->custom || !has_flow[j])
			continue;
		rte_prefetch0(&w->chan[ch->slot]);
		rte_prefetch0(rs_channel_keys(ch));
		const uint8_t *payload =
		    rte_pktmbuf_mtod_offset(m[cand[j]], const uint8_t *, pm->fr.payload_off);
		keys[n] = (struct rs_stream_key){.slot = ch->slot,
						 .gen = ch->gen,
						 .ssrc = load_be32(payload + (pm->is_rtcp ? 4 : 8)),
						 .dir = dir};
		at[n++] = cand[j];
	}
	rs_stream_lookup_bulk(&w->streams, keys, n, found);
	for (unsigned i = 0; i < n; i++) {
		struct pkt_meta *pm = &meta[at[i]];
		const struct rs_keyset *ks = rs_channel_keys(pm->ch);
		pm->entry = found[i];
		if (found[i]) {
			/* the entry and the head of its first state (current unless
			 * a ROC reset swapped them; reading which is current would
			 * wait); the window word a packet touches is one of many */
			const uint8_t *e = (const uint8_t *)found[i];
			rte_prefetch0(e);
			rte_prefetch1(e + RTE_CACHE_LINE_SIZE);
			rte_prefetch1(e + 2 * RTE_CACHE_LINE_SIZE);
		}
		if (ks->current)
			rs_key_ctx_prefetch(ks->current, pm->is_rtcp, pm->fr.payload_len);
	}
}

/* The flow key of a candidate: destination and SSRC, read from the packet
 * itself; 0 when the packet is too short to have an SSRC (classify_stage
 * then calls it malformed). */
static inline int flow_key(struct rte_mbuf *m, const struct pkt_meta *pm, enum rs_direction dir,
			   struct rs_flow_key *k)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *payload = d + pm->fr.payload_off;
	/* IPv4 destination at 16, IPv6 at 24 */
	const uint8_t *dst = d + pm->fr.l3_off + (pm->fr.ip_version == 4 ? 16 : 24);

	if (pm->fr.payload_len < (pm->is_rtcp ? RS_RTCP_HDR_LEN : RS_RTP_HDR_LEN))
		return 0;
	rs_flow_key_make(k, dst, pm->fr.ip_version, pm->fr.dst_port, (uint8_t)dir,
			 payload + (pm->is_rtcp ? 4 : 8));
	return 1;
}

/* Stage 3: class, policy and stream of a packet whose channel is known;
 * fills the lib packet when it is to be sealed or opened. */
static inline void classify_stage(struct rs_worker *w, enum rs_direction dir, struct rte_mbuf *m,
				  struct pkt_meta *pm, const struct rs_flow_key *flow,
				  struct rs_packet *pk)
{
	struct rs_channel *ch = pm->ch;
	uint8_t *payload = rte_pktmbuf_mtod_offset(m, uint8_t *, pm->fr.payload_off);
	uint32_t len = pm->fr.payload_len;
	uint32_t ssrc;
	int created;

	if (!ch) {
		pm->verdict = w->app->cfg.general.no_channel == RS_PASS ? V_FORWARD : V_DROP;
		pm->reason = RS_DROP_NO_CHANNEL;
		return;
	}
	/* a new flow: remember its channel now (its stream, if it gets one,
	 * below), so that passthrough and custom flows skip the lookup too */
	if (flow && !pm->cached)
		rs_flow_cache_put(&w->flows, flow, ch, NULL);
	if (pm->is_rtcp) {
		if (len < RS_RTCP_HDR_LEN)
			goto malformed;
		pm->cls = CLASS_RTCP;
		ssrc = load_be32(payload + 4);
	} else {
		if (len < RS_RTP_HDR_LEN)
			goto malformed;
		pm->cls = rs_classify(&ch->pt_map, payload[1] & 0x7f);
		switch (ch->policy[pm->cls]) {
		case RS_POLICY_PASS:
			pm->verdict = V_FORWARD;
			return;
		case RS_POLICY_DROP:
			pm->verdict = V_DROP;
			pm->reason = RS_DROP_POLICY;
			return;
		default:
			break;
		}
		ssrc = load_be32(payload + 8);
	}
	if (ch->custom) {
		/* the observer is the encryption: audio and video go to it, RTCP
		 * passes, and "other" cannot be encrypted so it is dropped */
		if (pm->cls == CLASS_RTCP) {
			pm->verdict = V_FORWARD;
		} else if (pm->cls == RS_CLASS_OTHER) {
			pm->verdict = V_DROP;
			pm->reason = RS_DROP_POLICY;
		} else {
			pm->verdict = V_CUSTOM;
			pm->buf = payload;
			pm->len = len;
			pm->cap =
			    (uint32_t)(rte_pktmbuf_tailroom(m) + m->data_len - pm->fr.payload_off);
		}
		return;
	}
	const struct rs_keyset *ks = pm->ks;
	created = 0;
	/* a new stream, or one whose ROC epoch moved (rekey with roc reset),
	 * goes through rs_stream_get, which gives it its current state */
	if (!pm->entry || unlikely(pm->entry->roc_epoch != ks->roc_epoch)) {
		pm->entry = rs_stream_get(&w->streams, ch->slot, ch->gen, ssrc, dir, ks->roc_epoch,
					  &created);
		if (!pm->entry) {
			pm->verdict = V_DROP;
			pm->reason = RS_DROP_INTERNAL;
			return;
		}
		if (flow)
			rs_flow_cache_put(&w->flows, flow, ch, pm->entry);
	} else if (flow && !pm->cached) {
		rs_flow_cache_put(&w->flows, flow, ch, pm->entry); /* found by the bulk lookup */
	}
	pk->stream = rs_stream_current(&w->streams, pm->entry);
	pk->prev_stream = dir == RS_DIR_OPEN ? rs_stream_previous(&w->streams, pm->entry) : NULL;
	if (unlikely(created) && w->app->stream_owner)
		claim_stream(w, ch, ssrc, dir, pm->entry);
	if (unlikely(pm->entry->foreign)) {
		pm->verdict = V_HANDOFF;
		return;
	}
	w->c.streams += (uint64_t)created;
	pk->buf = payload;
	pk->len = len;
	pk->cap = (uint32_t)(rte_pktmbuf_tailroom(m) + m->data_len - pm->fr.payload_off);
	pk->key = ks->current;
	pk->prev_key = dir == RS_DIR_OPEN ? ks->previous : NULL;
	pk->is_rtcp = pm->is_rtcp;
	pm->verdict = V_CRYPTO;
	return;
malformed:
	pm->verdict = V_DROP;
	pm->reason = RS_DROP_MALFORMED;
}

static inline struct rs_chan_counters *chan_counters(struct rs_worker *w,
						     const struct rs_channel *ch)
{
	struct rs_chan_counters *cc = &w->chan[ch->slot];

	if (unlikely(cc->gen != ch->gen)) {
		memset(cc, 0, sizeof(*cc));
		cc->gen = ch->gen;
	}
	return cc;
}

/* Once per observer and worker: an observer broke its contract. */
static void log_refused(struct rs_worker *w, unsigned o, const struct rs_observer_packet *op)
{
	if (w->obs_refused_logged & (1u << o))
		return;
	w->obs_refused_logged |= 1u << o;
	printf("rtpseal: observer %s set a packet of channel %s to %u bytes (capacity %u, minimum "
	       "%d): packet refused and counted as observer_drop\n",
	       w->app->observers.slot[o].ops->name, op->channel, op->len, op->capacity,
	       RS_RTP_HDR_LEN);
	fflush(stdout);
}

/* Once per stream: the nonce space is spent and sealing stopped. Rare and
 * important, so it is printed from the worker. */
static void log_exhausted(const struct pkt_meta *pm, const struct rs_packet *pk)
{
	struct rs_stream_entry *x = pm->entry;

	uint8_t bit = pm->is_rtcp ? 2 : 1;

	if (x->exhausted_logged & bit)
		return;
	x->exhausted_logged |= bit;
	printf("rtpseal: channel %s SSRC %08x: %s index space exhausted (%s): sealing stopped for "
	       "this stream, packets count as index_exhausted; rekey the channel with roc reset "
	       "to resume\n",
	       pm->ch->name, pk->stream->ssrc, pm->is_rtcp ? "SRTCP" : "SRTP",
	       pm->is_rtcp ? "2^31" : "2^48");
	fflush(stdout);
}

static inline void count_failed(struct rs_worker *w, const struct pkt_meta *pm, enum rs_status st)
{
	if (st == RS_ERR_AUTH)
		chan_counters(w, pm->ch)->auth_fail++;
	else if (st == RS_ERR_REPLAY)
		chan_counters(w, pm->ch)->replay++;
}

/* Stage 3b / 4b: the packet observers (custom encryption hooks), on the
 * audio and video packets of the channels each is attached to. */
static void observe(struct rs_worker *w, enum rs_direction dir, struct pkt_meta *meta,
		    struct rs_packet *pkts, uint16_t n)
{
	const struct rs_observer_set *set = &w->app->observers;
	struct rs_observer_packet opk[RS_BURST_MAX];
	uint16_t idx[RS_BURST_MAX];

	/* the receive side undoes what the send side did: reverse order */
	for (unsigned step = 0; step < set->n; step++) {
		unsigned o = dir == RS_DIR_SEAL ? step : set->n - 1 - step;
		const struct rs_observer *ops = set->slot[o].ops;
		for (unsigned cls = RS_CLASS_AUDIO; cls <= RS_CLASS_VIDEO; cls++) {
			rs_observer_burst_fn fn =
			    dir == RS_DIR_SEAL
				? (cls == RS_CLASS_AUDIO ? ops->on_send_audio : ops->on_send_video)
				: (cls == RS_CLASS_AUDIO ? ops->on_receive_audio
							 : ops->on_receive_video);
			unsigned k = 0;
			if (!fn)
				continue;
			for (uint16_t i = 0; i < n; i++) {
				struct pkt_meta *pm = &meta[i];
				/* only classified packets have a class and channel */
				if ((pm->verdict != V_CUSTOM && pm->verdict != V_CRYPTO) ||
				    pm->cls != cls || !(pm->ch->obs_mask & (1u << o)))
					continue;
				struct rs_observer_packet *op = &opk[k];
				if (pm->verdict == V_CUSTOM) {
					op->buf = pm->buf;
					op->len = pm->len;
					op->capacity = pm->cap;
				} else if (pm->verdict == V_CRYPTO &&
					   (dir == RS_DIR_SEAL || pkts[pm->pkt].status == RS_OK)) {
					const struct rs_packet *pk = &pkts[pm->pkt];
					op->buf = pk->buf;
					op->len = pk->len;
					/* the tag must still fit when this is sealed */
					op->capacity = dir == RS_DIR_SEAL
							   ? pk->cap - RS_SRTCP_OVERHEAD
							   : pk->cap;
				} else {
					continue;
				}
				op->ssrc = load_be32(op->buf + 8);
				op->payload_type = op->buf[1] & 0x7f;
				op->media_class = (uint8_t)cls;
				op->verdict = RS_OBSERVER_KEEP;
				op->channel = pm->ch->name;
				op->worker = w->index;
				idx[k++] = i;
			}
			if (!k)
				continue;
			fn(set->slot[o].ctx, opk, k);
			w->obs[o].calls++;
			w->obs[o].packets += k;
			for (unsigned j = 0; j < k; j++) {
				struct pkt_meta *pm = &meta[idx[j]];
				if (opk[j].verdict == RS_OBSERVER_DROP ||
				    opk[j].len > opk[j].capacity || opk[j].len < RS_RTP_HDR_LEN) {
					if (opk[j].verdict == RS_OBSERVER_DROP) {
						w->obs[o].drops++;
					} else {
						w->obs[o].refused++;
						log_refused(w, o, &opk[j]);
					}
					pm->verdict = V_DROP;
					pm->reason = RS_DROP_OBSERVER;
				} else if (pm->verdict == V_CUSTOM) {
					pm->len = opk[j].len;
				} else {
					pkts[pm->pkt].len = opk[j].len;
				}
			}
		}
	}
}

/* Packets an observer dropped before sealing must not be sealed (no index
 * is spent on them): close the gaps in the lib's packet array. */
static unsigned compact(struct pkt_meta *meta, struct rs_packet *pkts, uint16_t n)
{
	unsigned j = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct pkt_meta *pm = &meta[i];
		if (pm->verdict != V_CRYPTO)
			continue;
		if (pm->pkt != j)
			pkts[j] = pkts[pm->pkt];
		pm->pkt = (uint16_t)j++;
	}
	return j;
}

static inline void count_done(struct rs_worker *w, const struct pkt_meta *pm,
			      const struct rs_packet *pk, enum rs_direction dir)
{
	struct rs_counters *c = &w->c;
	struct rs_chan_counters *cc = chan_counters(w, pm->ch);

	static const size_t class_counter[RS_CLASS_COUNT + 1] = {
	    [RS_CLASS_AUDIO] = offsetof(struct rs_counters, audio_packets),
	    [RS_CLASS_VIDEO] = offsetof(struct rs_counters, video_packets),
	    [RS_CLASS_OTHER] = offsetof(struct rs_counters, other_media_packets),
	    [CLASS_RTCP] = offsetof(struct rs_counters, rtcp_packets),
	};

	(*(uint64_t *)((uint8_t *)c + class_counter[pm->cls]))++;
	if (dir == RS_DIR_SEAL) {
		c->sealed_packets++;
		cc->sealed++;
	} else {
		c->opened_packets++;
		c->opened_prev_key += pk->used_prev_key;
		cc->opened++;
		cc->opened_prev_key += pk->used_prev_key;
	}
}

/* The key set of ch, loaded once per channel per burst: every packet of a
 * channel in one burst is sealed or opened under the same key set, even
 * when the control thread publishes a rekey meanwhile (a ROC reset restarts
 * stream state, and a packet must never use the old key with the new
 * state). The snapshot sits in the worker's per-channel line, stamped with
 * the burst number, so this is O(1) per packet whatever the channel mix. */
static inline const struct rs_keyset *keys_snapshot(struct rs_worker *w, struct rs_channel *ch)
{
	struct rs_chan_counters *cc;

	if (!ch)
		return NULL;
	cc = chan_counters(w, ch);
	if (cc->snap_burst != w->burst_no) {
		cc->snap_burst = w->burst_no;
		cc->snap_keys = rs_channel_keys(ch);
	}
	return cc->snap_keys;
}

static void process(struct rs_worker *w, uint16_t in, struct rte_mbuf **m, uint16_t n);

void rs_worker_process_burst(struct rs_worker *w, uint16_t in, struct rte_mbuf **m, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		/* for writing: the headers are rewritten in place, and the line
		 * comes from the core that filled it; a read now and a write later
		 * would pay that core twice (a shared copy, then ownership) */
		__builtin_prefetch(rte_pktmbuf_mtod(m[i], void *), 1, 3);
		w->c.ports[in].rx_packets++;
		w->c.ports[in].rx_bytes += m[i]->pkt_len;
	}
	w->c.rx_packets += n;
	process(w, in, m, n);
}

static void process(struct rs_worker *w, uint16_t in, struct rte_mbuf **m, uint16_t n)
{
	const struct rs_port *port = &w->app->ports[in];
	const enum rs_direction dir = port->role == RS_ROLE_CLEAR ? RS_DIR_SEAL : RS_DIR_OPEN;
	struct pkt_meta meta[RS_BURST_MAX];
	struct rs_match_key keys[RS_BURST_MAX];
	struct rs_flow_key flows[RS_BURST_MAX];
	struct rs_channel *chans[RS_BURST_MAX];
	uint16_t cand[RS_BURST_MAX], miss[RS_BURST_MAX];
	uint8_t has_flow[RS_BURST_MAX];
	uint32_t flow_slot[RS_BURST_MAX];
	struct rs_packet pkts[RS_BURST_MAX];
	unsigned n_cand = 0, n_miss = 0, n_pkts = 0;

	rs_flow_cache_sync(&w->flows, &w->app->channels);
	if (unlikely(++w->burst_no == 0))
		w->burst_no = 1;
	for (uint16_t i = 0; i < n; i++) {
		parse_stage(&w->app->cfg.general, m[i], &meta[i]);
		if (meta[i].verdict == V_CANDIDATE)
			cand[n_cand++] = i;
	}
	/* the flow cache first, every slot of the burst loading before the
	 * first probe; what it does not know goes to the hash tables */
	for (unsigned j = 0; j < n_cand; j++) {
		has_flow[j] = (uint8_t)flow_key(m[cand[j]], &meta[cand[j]], dir, &flows[j]);
		if (has_flow[j]) {
			flow_slot[j] = rs_flow_slot(&flows[j]);
			rs_flow_cache_prefetch(&w->flows, flow_slot[j]);
		}
	}
	for (unsigned j = 0; j < n_cand; j++) {
		struct pkt_meta *pm = &meta[cand[j]];
		const struct rs_flow_entry *fe = NULL;

		if (has_flow[j])
			fe = rs_flow_cache_find_at(&w->flows, flow_slot[j], &flows[j]);
		pm->cached = fe != NULL;
		if (fe) {
			pm->ch = fe->ch;
			pm->entry = fe->stream;
			continue;
		}
		pm->entry = NULL;
		match_key_make(pm, &keys[n_miss]);
		miss[n_miss++] = (uint16_t)j;
	}
	if (n_miss) {
		rs_channel_lookup_bulk(&w->app->channels, keys, n_miss, chans);
		for (unsigned k = 0; k < n_miss; k++)
			meta[cand[miss[k]]].ch = chans[k];
		resolve_misses(w, dir, m, meta, cand, miss, has_flow, n_miss);
	}
	w->c.flow_cache_hits += n_cand - n_miss;
	w->c.flow_cache_misses += n_miss;
	for (unsigned j = 0; j < n_cand; j++) {
		struct pkt_meta *pm = &meta[cand[j]];
		pm->ks = keys_snapshot(w, pm->ch);
		classify_stage(w, dir, m[cand[j]], pm, has_flow[j] ? &flows[j] : NULL,
			       &pkts[n_pkts]);
		if (pm->verdict == V_CRYPTO)
			pm->pkt = (uint16_t)n_pkts++;
	}
	if (unlikely(w->app->observers.n) && dir == RS_DIR_SEAL) {
		observe(w, dir, meta, pkts, n);
		n_pkts = compact(meta, pkts, n);
	}
	if (n_pkts) {
		if (dir == RS_DIR_SEAL)
			rs_seal_burst(w->eng, pkts, n_pkts);
		else
			rs_open_burst(w->eng, pkts, n_pkts);
	}
	if (unlikely(w->app->observers.n) && dir == RS_DIR_OPEN)
		observe(w, dir, meta, pkts, n);

	for (uint16_t i = 0; i < n; i++) {
		struct pkt_meta *pm = &meta[i];
		switch (pm->verdict) {
		case V_FORWARD:
			w->c.passthrough_packets++;
			rs_forward(w, port->peer, m[i]);
			break;
		case V_CRYPTO: {
			const struct rs_packet *pk = &pkts[pm->pkt];
			if (pk->status != RS_OK) {
				count_failed(w, pm, (enum rs_status)pk->status);
				if (pk->status == RS_ERR_INDEX_EXHAUSTED)
					log_exhausted(pm, pk);
				rs_drop(w, m[i], rs_status_drop_reason(pk->status));
				break;
			}
			rs_fix_headers(&w->app->ports[port->peer], m[i], &pm->fr, pk->len);
			count_done(w, pm, pk, dir);
			if (dir == RS_DIR_SEAL) {
				struct rs_stream_entry *x = pm->entry;
				if (unlikely(x->samples_left)) {
					x->samples_left--;
					rs_sample_offer(w->app, m[i], &pm->fr, pm->ch->slot,
							pm->is_rtcp);
				}
			}
			rs_forward(w, port->peer, m[i]);
			break;
		}
		case V_HANDOFF:
			/* counted as received here, sent or dropped by the owner */
			if (rte_ring_mp_enqueue(w->app->handoff[pm->entry->owner], m[i]) == 0)
				w->c.handed_off++;
			else
				rs_drop(w, m[i], RS_DROP_HANDOFF_FULL);
			break;
		case V_CUSTOM:
			rs_fix_headers(&w->app->ports[port->peer], m[i], &pm->fr, pm->len);
			w->c.custom_packets++;
			*(pm->cls == RS_CLASS_AUDIO ? &w->c.audio_packets : &w->c.video_packets) +=
			    1;
			rs_forward(w, port->peer, m[i]);
			break;
		default:
			rs_drop(w, m[i], (enum rs_drop_reason)pm->reason);
			break;
		}
	}
}

static void drain(struct rs_worker *w)
{
	for (unsigned p = 0; p < w->app->n_ports; p++)
		if (w->txb[p])
			rte_eth_tx_buffer_flush((uint16_t)p, w->queue, w->txb[p]);
}

static int channel_alive(const void *ctx, uint32_t slot, uint32_t gen)
{
	const struct rs_app *app = ctx;
	const struct rs_channel *ch = rs_channel_by_slot(&app->channels, slot);

	return ch && ch->gen == gen;
}

/* The owner forgets a removed channel's stream in the shared table. */
static void release_stream(const void *ctx, const struct rs_stream_key *key,
			   const struct rs_stream_entry *e)
{
	struct rs_app *app = (struct rs_app *)ctx;

	if (e->foreign)
		return;
	rte_spinlock_lock(&app->owner_lock);
	rte_hash_del_key(app->stream_owner, key);
	rte_spinlock_unlock(&app->owner_lock);
}

/* After a channel removal, one pass over the stream table in small steps
 * frees the removed channel's stream states (never while nothing was
 * removed: iterating an idle table costs more than the packets do). */
static void sweep_streams(struct rs_worker *w)
{
	uint64_t removals = __atomic_load_n(&w->app->channels.removals, __ATOMIC_ACQUIRE);

	if (removals != w->swept_removals) {
		w->swept_removals = removals;
		w->sweeping = 1; /* one full pass from the start */
		w->streams.sweep_next = 0;
	}
	if (!w->sweeping)
		return;
	int done = 0;
	rs_stream_sweep(&w->streams, SWEEP_BUDGET, channel_alive,
			w->app->stream_owner ? release_stream : NULL, w->app, &done);
	if (done)
		w->sweeping = 0;
}

/* Packets other workers received for streams this one owns; already
 * counted as received, so they go straight to the pipeline, a run of
 * same-port packets at a time. */
static void take_handoffs(struct rs_worker *w, struct rte_mbuf **m)
{
	unsigned n =
	    rte_ring_sc_dequeue_burst(w->app->handoff[w->index], (void **)m, w->burst, NULL);

	for (unsigned i = 0; i < n;) {
		unsigned j = i + 1;
		while (j < n && m[j]->port == m[i]->port)
			j++;
		process(w, m[i]->port, m + i, (uint16_t)(j - i));
		i = j;
	}
	if (n)
		w->last_rx_tsc = rte_rdtsc();
}

int rs_worker_main(void *arg)
{
	struct rs_worker *w = arg;
	struct rte_mbuf *m[RS_BURST_MAX];
	struct rte_rcu_qsbr *rcu = w->app->rcu;

	if (rcu) {
		rte_rcu_qsbr_thread_register(rcu, w->index);
		rte_rcu_qsbr_thread_online(rcu, w->index);
	}
	w->last_rx_tsc = rte_rdtsc();
	while (!w->app->stop_workers) {
		uint64_t now = rte_rdtsc();
		if (now - w->last_drain > w->drain_cycles) {
			drain(w);
			w->last_drain = now;
		}
		for (unsigned q = 0; q < w->n_rxq; q++) {
			const struct rs_rx_queue *rq = &w->rxq[q];
			uint64_t t0 = rte_rdtsc();
			uint16_t n = rte_eth_rx_burst(rq->port, rq->queue, m, w->burst);
			if (!n)
				continue;
			w->last_rx_tsc = now;
			rs_worker_process_burst(w, rq->port, m, n);
			unsigned dir = w->app->ports[rq->port].role == RS_ROLE_CLEAR ? 0 : 1;
			w->c.busy_cycles[dir] += rte_rdtsc() - t0;
			w->c.busy_packets[dir] += n;
		}
		if (w->app->handoff[w->index])
			take_handoffs(w, m);
		sweep_streams(w);
		/* nothing from the channel table is held past this point */
		if (rcu)
			rte_rcu_qsbr_quiescent(rcu, w->index);
	}
	drain(w);
	if (rcu) {
		rte_rcu_qsbr_thread_offline(rcu, w->index);
		rte_rcu_qsbr_thread_unregister(rcu, w->index);
	}
	return 0;
}

void rs_worker_channel_counters(const struct rs_app *app, const struct rs_channel *ch,
				struct rs_chan_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < app->n_workers; i++) {
		const struct rs_chan_counters *cc = &app->workers[i]->chan[ch->slot];
		if (cc->gen != ch->gen)
			continue;
		sum->sealed += cc->sealed;
		sum->opened += cc->opened;
		sum->opened_prev_key += cc->opened_prev_key;
		sum->auth_fail += cc->auth_fail;
		sum->replay += cc->replay;
	}
	sum->gen = ch->gen;
}

void rs_worker_observer_counters(const struct rs_app *app, unsigned o,
				 struct rs_observer_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < app->n_workers; i++) {
		const struct rs_observer_counters *c = &app->workers[i]->obs[o];
		sum->calls += c->calls;
		sum->packets += c->packets;
		sum->drops += c->drops;
		sum->refused += c->refused;
	}
}
