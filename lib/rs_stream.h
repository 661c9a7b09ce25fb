/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-stream index state, one per (channel, SSRC, direction).
 *
 * Both directions track the highest 48-bit SRTP index seen and a bitmap
 * window behind it (RFC 6479 style). The sealing side uses it so no index is
 * ever sealed twice (a duplicate or too-old sequence is refused as
 * RS_ERR_STALE_SEQ) while packets reordered within the window still go out;
 * the opening side uses it as the replay window and updates it only after a
 * tag verifies. ROC is estimated as RFC 3711 Appendix A.
 */
#ifndef RS_STREAM_H
#define RS_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "rs_status.h"

#define RS_WINDOW_MIN	   64
#define RS_WINDOW_MAX	   32768
#define RS_WINDOW_DEFAULT  1024
#define RS_SRTP_INDEX_MAX  ((UINT64_C(1) << 48) - 1)
#define RS_SRTCP_INDEX_MAX 0x7fffffffu
#define RS_INDEX_INVALID   UINT64_MAX
/* SRTCP indices are explicit, so a small fixed window is enough there. */
#define RS_RTCP_WINDOW_WORDS 2

/* Bitmap of recent indices. bits[] covers word_mask + 1 64-bit words; the
 * window proper is `size` indices behind `top`. */
struct rs_window {
	uint64_t top;	    /* highest index accepted so far */
	uint32_t size;	    /* indices behind top that are still accepted */
	uint32_t word_mask; /* words - 1; words is a power of two */
	uint8_t started;    /* no index accepted yet: any index is new */
	uint64_t *bits;
};

struct rs_stream {
	uint32_t ssrc;
	uint8_t rtp_stopped;  /* SRTP index exhausted: nothing more is sealed */
	uint8_t rtcp_stopped; /* SRTCP index exhausted */
	uint32_t rtcp_next;   /* seal: next SRTCP index to use */
	struct rs_window rtp;
	struct rs_window rtcp;
	uint64_t rtcp_bits[RS_RTCP_WINDOW_WORDS];
	uint64_t rtp_bits[]; /* storage for rtp.bits */
};

/* Bytes a stream with this window needs (0 if the size is out of range). */
size_t rs_stream_size(unsigned window);

/* Initialise a stream in caller memory of rs_stream_size(window) bytes.
 * initial_roc is the ROC the first packet is assumed to carry (usually 0). */
enum rs_status rs_stream_init(struct rs_stream *s, size_t size, uint32_t ssrc, unsigned window,
			      uint32_t initial_roc) RS_WARN_UNUSED;

struct rs_stream *rs_stream_new(uint32_t ssrc, unsigned window, uint32_t initial_roc,
				enum rs_status *err);
void rs_stream_free(struct rs_stream *s);

/* Current ROC (the upper 32 bits of the highest index). */
uint32_t rs_stream_roc(const struct rs_stream *s);

/* Guess the 48-bit index of sequence number seq (RFC 3711 Appendix A).
 * RS_INDEX_INVALID when the guess would be before index 0. */
uint64_t rs_index_estimate(const struct rs_window *w, uint16_t seq);

/* RS_OK if idx is new to the window, RS_ERR_REPLAY if it was seen already
 * or lies `size` or more behind top. Does not change the window. */
enum rs_status rs_window_check(const struct rs_window *w, uint64_t idx) RS_WARN_UNUSED;

/* Record idx as seen; advances top if idx is ahead. Call after a check. */
void rs_window_update(struct rs_window *w, uint64_t idx);

#endif
