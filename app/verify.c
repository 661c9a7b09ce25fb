/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_ring.h>
#include <srtp2/srtp.h>

#include "verify.h"

#define SAMPLE_MAX 2048

struct sample_hdr {
	uint32_t channel_id;
	uint32_t is_rtcp;
	uint32_t len;
};

void rs_sample_offer(const struct rs_app *app, const struct rte_mbuf *m, const struct rs_frame *fr,
		     uint32_t channel_id, int is_rtcp)
{
	uint32_t len = m->data_len - fr->payload_off;
	struct sample_hdr h = {.channel_id = channel_id, .is_rtcp = (uint32_t)is_rtcp, .len = len};
	struct rte_mbuf *copy;
	char *dst;

	if (!app->samples || len > SAMPLE_MAX)
		return;
	copy = rte_pktmbuf_alloc(app->pool);
	if (!copy)
		return;
	dst = rte_pktmbuf_append(copy, (uint16_t)(sizeof(h) + len));
	if (!dst) {
		rte_pktmbuf_free(copy);
		return;
	}
	memcpy(dst, &h, sizeof(h));
	memcpy(dst + sizeof(h), rte_pktmbuf_mtod_offset(m, const char *, fr->payload_off), len);
	if (rte_ring_enqueue(app->samples, copy) != 0)
		rte_pktmbuf_free(copy);
}

struct rs_verifier {
	unsigned n;
	srtp_t *sessions; /* per channel, receiving any inbound SSRC */
	uint64_t checked, ok, failed;
};

static int policy_for(srtp_policy_t *p, const struct rs_master_key *mk, uint8_t *keybuf)
{
	memset(p, 0, sizeof(*p));
	if (mk->key_len == 16) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
	} else {
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
	}
	memcpy(keybuf, mk->key, mk->key_len);
	memcpy(keybuf + mk->key_len, mk->salt, RS_MASTER_SALT_LEN);
	p->key = keybuf;
	p->ssrc.type = ssrc_any_inbound;
	p->window_size = 1024;
	return 0;
}

struct rs_verifier *rs_verifier_new(const struct rs_config *cfg, char *err, size_t err_size)
{
	struct rs_verifier *v = calloc(1, sizeof(*v));
	uint8_t keybuf[RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN];

	if (!v || srtp_init() != srtp_err_status_ok) {
		snprintf(err, err_size, "verifier: libsrtp2 init failed");
		free(v);
		return NULL;
	}
	v->sessions = calloc(cfg->n_channels ? cfg->n_channels : 1, sizeof(*v->sessions));
	if (!v->sessions) {
		free(v);
		return NULL;
	}
	v->n = cfg->n_channels;
	for (unsigned i = 0; i < v->n; i++) {
		srtp_policy_t p;
		if (cfg->channels[i].custom)
			continue; /* never sealed by rtpseal, never sampled */
		policy_for(&p, &cfg->channels[i].master, keybuf);
		if (srtp_create(&v->sessions[i], &p) != srtp_err_status_ok) {
			snprintf(err, err_size, "verifier: libsrtp2 refused channel %s's policy",
				 cfg->channels[i].name);
			explicit_bzero(keybuf, sizeof(keybuf));
			rs_verifier_free(v);
			return NULL;
		}
	}
	explicit_bzero(keybuf, sizeof(keybuf));
	return v;
}

void rs_verifier_free(struct rs_verifier *v)
{
	if (!v)
		return;
	for (unsigned i = 0; i < v->n; i++)
		if (v->sessions[i])
			srtp_dealloc(v->sessions[i]);
	free(v->sessions);
	free(v);
}

static void check(struct rs_verifier *v, struct rte_mbuf *m)
{
	struct sample_hdr h;
	uint8_t buf[SAMPLE_MAX];
	int len;
	srtp_err_status_t st;

	memcpy(&h, rte_pktmbuf_mtod(m, const void *), sizeof(h));
	/* channels added at run time are not the verifier's business */
	if (h.channel_id >= v->n || !v->sessions[h.channel_id])
		return;
	v->checked++;
	if (h.len > sizeof(buf)) {
		v->failed++;
		return;
	}
	memcpy(buf, rte_pktmbuf_mtod_offset(m, const uint8_t *, sizeof(h)), h.len);
	len = (int)h.len;
	if (h.is_rtcp)
		st = srtp_unprotect_rtcp(v->sessions[h.channel_id], buf, &len);
	else
		st = srtp_unprotect(v->sessions[h.channel_id], buf, &len);
	if (st == srtp_err_status_ok)
		v->ok++;
	else
		v->failed++;
}

void rs_verifier_poll(struct rs_verifier *v, struct rte_ring *ring)
{
	struct rte_mbuf *m[32];
	unsigned n;

	if (!v || !ring)
		return;
	while ((n = rte_ring_dequeue_burst(ring, (void **)m, 32, NULL)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			check(v, m[i]);
			rte_pktmbuf_free(m[i]);
		}
	}
}

void rs_verifier_counts(const struct rs_verifier *v, uint64_t *checked, uint64_t *ok,
			uint64_t *failed)
{
	*checked = v ? v->checked : 0;
	*ok = v ? v->ok : 0;
	*failed = v ? v->failed : 0;
}
