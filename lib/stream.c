/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Index tracking and the replay window. One bitmap design serves both
 * directions: a ring of 64-bit words indexed by index / 64, with one spare
 * word beyond the window (RFC 6479) so advancing `top` only clears whole
 * words and never shifts the bitmap.
 */
#include <stdlib.h>
#include <string.h>

#include "rs_stream.h"

enum {
	WORD_BITS = 64,
	WORD_SHIFT = 6,
	SEQ_HALF = 0x8000,
};

/* Words of the ring for a window: window / 64 rounded up, plus the spare
 * word, rounded up to a power of two so the ring index is a mask. */
static unsigned window_words(unsigned window)
{
	unsigned need = (window + WORD_BITS - 1) / WORD_BITS + 1;
	unsigned words = 1;

	while (words < need)
		words <<= 1;
	return words;
}

size_t rs_stream_size(unsigned window)
{
	if (window < RS_WINDOW_MIN || window > RS_WINDOW_MAX)
		return 0;
	return sizeof(struct rs_stream) + window_words(window) * sizeof(uint64_t);
}

static void window_init(struct rs_window *w, uint64_t *bits, unsigned words, unsigned size,
			uint32_t initial_roc)
{
	memset(bits, 0, words * sizeof(uint64_t));
	w->bits = bits;
	w->word_mask = words - 1;
	w->size = size;
	w->started = 0;
	/* Before the first packet, top only carries the ROC to assume. */
	w->top = (uint64_t)initial_roc << 16;
}

enum rs_status rs_stream_init(struct rs_stream *s, size_t size, uint32_t ssrc, unsigned window,
			      uint32_t initial_roc)
{
	size_t need = rs_stream_size(window);

	if (need == 0)
		return RS_ERR_WINDOW_SIZE;
	if (!s || size < need)
		return RS_ERR_INVALID_ARG;
	memset(s, 0, sizeof(*s));
	s->ssrc = ssrc;
	window_init(&s->rtp, s->rtp_bits, window_words(window), window, initial_roc);
	window_init(&s->rtcp, s->rtcp_bits, RS_RTCP_WINDOW_WORDS,
		    (RS_RTCP_WINDOW_WORDS - 1) * WORD_BITS, 0);
	return RS_OK;
}

struct rs_stream *rs_stream_new(uint32_t ssrc, unsigned window, uint32_t initial_roc,
				enum rs_status *err)
{
	size_t size = rs_stream_size(window);
	struct rs_stream *s;

	if (size == 0) {
		*err = RS_ERR_WINDOW_SIZE;
		return NULL;
	}
	s = malloc(size);
	if (!s) {
		*err = RS_ERR_NOMEM;
		return NULL;
	}
	*err = rs_stream_init(s, size, ssrc, window, initial_roc);
	return s;
}

void rs_stream_free(struct rs_stream *s)
{
	free(s);
}

uint32_t rs_stream_roc(const struct rs_stream *s)
{
	return (uint32_t)(s->rtp.top >> 16);
}

uint64_t rs_index_estimate(const struct rs_window *w, uint16_t seq)
{
	uint64_t roc = w->top >> 16;
	uint16_t s_l = (uint16_t)w->top;

	if (!w->started)
		return (roc << 16) | seq;
	/* RFC 3711 Appendix A: pick the ROC that puts seq closest to s_l. */
	if (s_l < SEQ_HALF) {
		if (seq > s_l && seq - s_l > SEQ_HALF) {
			if (roc == 0)
				return RS_INDEX_INVALID;
			roc--;
		}
	} else if (seq < s_l - SEQ_HALF) {
		roc++;
	}
	return (roc << 16) | seq;
}

enum rs_status rs_window_check(const struct rs_window *w, uint64_t idx)
{
	enum rs_status st = RS_OK;

	if (idx == RS_INDEX_INVALID)
		st = RS_ERR_REPLAY;
	else if (!w->started || idx > w->top)
		st = RS_OK;
	else if (w->top - idx >= w->size)
		st = RS_ERR_REPLAY;
	else if (w->bits[(idx >> WORD_SHIFT) & w->word_mask] & (UINT64_C(1) << (idx & 63)))
		st = RS_ERR_REPLAY;
	return st;
}

void rs_window_update(struct rs_window *w, uint64_t idx)
{
	if (!w->started) {
		w->started = 1;
		w->top = idx;
	} else if (idx > w->top) {
		uint64_t from = (w->top >> WORD_SHIFT) + 1;
		uint64_t to = idx >> WORD_SHIFT;
		/* clear the words top moves into; past a full ring, all of them */
		if (to - from + 1 > (uint64_t)w->word_mask + 1)
			from = to - w->word_mask;
		for (uint64_t word = from; word <= to; word++)
			w->bits[word & w->word_mask] = 0;
		w->top = idx;
	}
	w->bits[(idx >> WORD_SHIFT) & w->word_mask] |= UINT64_C(1) << (idx & 63);
}
