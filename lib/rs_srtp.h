/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 4: seal and open SRTP / SRTCP with AEAD AES-GCM (RFC 7714), in
 * place, through ipsec-mb's direct GCM API.
 *
 * Nonce safety: an index is sealed at most once per stream (see
 * rs_stream.h); SRTP and SRTCP indices stop at their limits instead of
 * wrapping. A failed open leaves no plaintext behind: the payload and tag
 * bytes are zeroed.
 */
#ifndef RS_SRTP_H
#define RS_SRTP_H

#include <stddef.h>
#include <stdint.h>

#include "rs_keys.h"
#include "rs_status.h"
#include "rs_stream.h"

#define RS_GCM_TAG_LEN	     16
#define RS_SRTCP_TRAILER_LEN 4 /* E || SRTCP index */
#define RS_SRTP_OVERHEAD     RS_GCM_TAG_LEN
#define RS_SRTCP_OVERHEAD    (RS_GCM_TAG_LEN + RS_SRTCP_TRAILER_LEN)

/*
 * A crypto engine: one ipsec-mb manager. Not thread-safe; each thread
 * (worker lcore, control thread) owns its own.
 */
struct rs_engine;

struct rs_engine *rs_engine_new(enum rs_status *err);
void rs_engine_free(struct rs_engine *eng);
/* "2.0.0" */
const char *rs_engine_ipsec_version(void);
/* The code path init_mb_mgr_auto chose: "AVX512", "AVX2", "SSE" */
const char *rs_engine_arch(const struct rs_engine *eng);

/* One packet of a burst. buf points at the RTP/RTCP header (the UDP
 * payload); len is its length; cap is how many bytes may be written from
 * buf (length + tailroom). */
struct rs_packet {
	uint8_t *buf;
	uint32_t len; /* in: input length; out: output length on success */
	uint32_t cap;
	const struct rs_key_ctx *key;
	/* open only: tried once when `key` fails (rekey overlap); may be NULL */
	const struct rs_key_ctx *prev_key;
	struct rs_stream *stream;
	/* open only: the state prev_key's packets are tracked in when it is not
	 * `stream` (a rekey that reset the ROC); NULL: `stream` */
	struct rs_stream *prev_stream;
	uint8_t is_rtcp;
	uint8_t used_prev_key; /* out: opened with prev_key */
	uint16_t status;       /* out: enum rs_status */
};

/* Seal (protect) n packets in place. Returns how many succeeded; each
 * packet's status says why one did not. RTP grows by 16 bytes, RTCP by 20
 * (E=1, encrypted). */
unsigned rs_seal_burst(struct rs_engine *eng, struct rs_packet *pkts, unsigned n);

/* Open (unprotect) n packets in place: tag verified in constant time,
 * replay checked, stream state updated only after the tag verifies.
 * Accepts SRTCP with E=0 (authenticated only). */
unsigned rs_open_burst(struct rs_engine *eng, struct rs_packet *pkts, unsigned n);

/* One-packet conveniences over the burst calls. */
enum rs_status rs_seal(struct rs_engine *eng, struct rs_packet *pkt) RS_WARN_UNUSED;
enum rs_status rs_open(struct rs_engine *eng, struct rs_packet *pkt) RS_WARN_UNUSED;

/* Seal one RTCP packet with E=0 (authenticated, not encrypted): for peers
 * and tests that need it; the data plane always encrypts. */
enum rs_status rs_seal_rtcp_auth_only(struct rs_engine *eng, struct rs_packet *pkt) RS_WARN_UNUSED;

#endif
