/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Independent check of sealed output (make run, tests): workers copy the
 * first packets of every stream they seal onto a ring; the main lcore
 * decrypts them with libsrtp2 — a second SRTP implementation with its own
 * KDF — given only the channel's SRTP master key and salt.
 */
#ifndef RS_APP_VERIFY_H
#define RS_APP_VERIFY_H

#include <stdint.h>

#include "app.h"

struct rte_mbuf;

/* Copy the UDP payload of a sealed packet to app->samples (worker side).
 * A full ring or an empty pool skips the sample; nothing is dropped. */
void rs_sample_offer(const struct rs_app *app, const struct rte_mbuf *m, const struct rs_frame *fr,
		     uint32_t channel_id, int is_rtcp);

struct rs_verifier;

struct rs_verifier *rs_verifier_new(const struct rs_config *cfg, char *err, size_t err_size);
void rs_verifier_free(struct rs_verifier *v);

/* Check every sample waiting on the ring. */
void rs_verifier_poll(struct rs_verifier *v, struct rte_ring *ring);

void rs_verifier_counts(const struct rs_verifier *v, uint64_t *checked, uint64_t *ok,
			uint64_t *failed);

#endif
