/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Index and replay state (rs_stream.h): ROC estimation (RFC 3711 Appendix
 * A), the replay window's edges for windows of 64, 1024 and 32768, late,
 * duplicate and far-ahead packets, against a model of the window; then the
 * same rules through rs_open (a forgery moves nothing) and rs_seal (no index
 * sealed twice), and the hard limits: 2^48 SRTP and 2^31 SRTCP indices stop
 * the stream instead of wrapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/rand.h>

#include "rs_keys.h"
#include "rs_srtp.h"
#include "rs_status.h"
#include "rs_stream.h"

#define SSRC	      0x5eed1234u
#define IDX(roc, seq) (((uint64_t)(roc) << 16) | (uint16_t)(seq))

static const unsigned windows[] = {64, 1024, 32768};

static struct rs_stream *stream(unsigned window, uint32_t roc)
{
	enum rs_status err = RS_ERR_INVALID_ARG;
	struct rs_stream *s = rs_stream_new(SSRC, window, roc, &err);

	if (!s) {
		fail_msg("rs_stream_new(window %u, roc %u): %s", window, roc, rs_status_name(err));
		return NULL;
	}
	assert_int_equal(err, RS_OK);
	assert_int_equal(s->ssrc, SSRC);
	return s;
}

/* check, then record when new: what the open path does after the tag */
static enum rs_status accept(struct rs_window *w, uint64_t idx)
{
	enum rs_status st = rs_window_check(w, idx);

	if (st == RS_OK)
		rs_window_update(w, idx);
	return st;
}

/* ---- window sizes ---- */

static void test_window_sizes(void **state)
{
	static const struct {
		unsigned window;
		enum rs_status status;
	} cases[] = {
	    {0, RS_ERR_WINDOW_SIZE},
	    {1, RS_ERR_WINDOW_SIZE},
	    {63, RS_ERR_WINDOW_SIZE},
	    {64, RS_OK},
	    {65, RS_OK},
	    {1000, RS_OK},
	    {1024, RS_OK},
	    {32767, RS_OK},
	    {32768, RS_OK},
	    {32769, RS_ERR_WINDOW_SIZE},
	    {65536, RS_ERR_WINDOW_SIZE},
	    {0xffffffffu, RS_ERR_WINDOW_SIZE},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum rs_status err = RS_ERR_INVALID_ARG;
		struct rs_stream *s = rs_stream_new(SSRC, cases[i].window, 0, &err);

		if (err != cases[i].status)
			fail_msg("rs_stream_new window %u: %s, expected %s", cases[i].window,
				 rs_status_name(err), rs_status_name(cases[i].status));
		if (cases[i].status != RS_OK) {
			assert_null(s);
			assert_int_equal(rs_stream_size(cases[i].window), 0);
			continue;
		}
		assert_non_null(s);
		assert_true(rs_stream_size(cases[i].window) >= sizeof(struct rs_stream));
		assert_int_equal(s->rtp.size, cases[i].window);
		/* the bitmap holds at least the window */
		assert_true(((uint64_t)s->rtp.word_mask + 1) * 64 >= cases[i].window);
		assert_int_equal((s->rtp.word_mask + 1) & s->rtp.word_mask, 0);
		assert_int_equal(s->rtp.started, 0);
		assert_int_equal(s->rtp_stopped, 0);
		assert_int_equal(s->rtcp_stopped, 0);
		rs_stream_free(s);
	}
}

/* ---- ROC estimation ---- */

struct est_case {
	int fresh; /* nothing received yet: the stream's initial ROC */
	uint32_t roc;
	uint16_t top_seq;
	uint16_t seq;
	uint64_t expect; /* RS_INDEX_INVALID: before index 0 */
};

static const struct est_case est_cases[] = {
    /* first packet: initial ROC, any sequence */
    {1, 0, 0, 0, IDX(0, 0)},
    {1, 0, 0, 65535, IDX(0, 65535)},
    {1, 7, 0, 1, IDX(7, 1)},
    {1, 7, 0, 65000, IDX(7, 65000)},
    {1, 0xffffffffu, 0, 65535, IDX(0xffffffffu, 65535)},
    /* s_l < 32768: ROC-1 when SEQ - s_l > 32768 */
    {0, 1, 100, 101, IDX(1, 101)},
    {0, 1, 100, 100, IDX(1, 100)},
    {0, 1, 100, 0, IDX(1, 0)},
    {0, 1, 100, 32868, IDX(1, 32868)},
    {0, 1, 100, 32869, IDX(0, 32869)},
    {0, 1, 100, 65000, IDX(0, 65000)},
    {0, 1, 0, 65534, IDX(0, 65534)}, /* late packet just after a wrap */
    {0, 1, 0, 32768, IDX(1, 32768)},
    {0, 1, 0, 32769, IDX(0, 32769)},
    {0, 1, 32767, 65535, IDX(1, 65535)},
    {0, 0, 100, 65000, RS_INDEX_INVALID}, /* would be ROC -1 */
    {0, 0, 0, 40000, RS_INDEX_INVALID},
    /* s_l >= 32768: ROC+1 when s_l - 32768 > SEQ */
    {0, 1, 40000, 100, IDX(2, 100)},
    {0, 1, 40000, 7231, IDX(2, 7231)},
    {0, 1, 40000, 7232, IDX(1, 7232)},
    {0, 1, 40000, 39999, IDX(1, 39999)},
    {0, 1, 40000, 65535, IDX(1, 65535)},
    {0, 0, 65535, 0, IDX(1, 0)}, /* the wrap itself */
    {0, 0, 65535, 65534, IDX(0, 65534)},
    {0, 3, 32768, 0, IDX(3, 0)},
    {0, 3, 32768, 65535, IDX(3, 65535)},
    {0, 0xffffffffu, 65535, 65534, IDX(0xffffffffu, 65534)},
    {0, 0xffffffffu, 40000, 40001, IDX(0xffffffffu, 40001)},
};

static void test_index_estimate(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(est_cases) / sizeof(est_cases[0]); i++) {
		const struct est_case *c = &est_cases[i];
		struct rs_stream *s = stream(RS_WINDOW_DEFAULT, c->fresh ? c->roc : 0);
		uint64_t got;

		if (!c->fresh) {
			rs_window_update(&s->rtp, IDX(c->roc, c->top_seq));
			assert_int_equal(s->rtp.top, IDX(c->roc, c->top_seq));
			assert_int_equal(rs_stream_roc(s), c->roc);
		} else {
			assert_int_equal(rs_stream_roc(s), c->roc);
		}
		got = rs_index_estimate(&s->rtp, c->seq);
		if (got != c->expect)
			fail_msg("case %zu: %s ROC %u s_l %u, seq %u: index %#llx, expected %#llx",
				 i, c->fresh ? "fresh" : "top", c->roc, c->top_seq, c->seq,
				 (unsigned long long)got, (unsigned long long)c->expect);
		rs_stream_free(s);
	}
}

/* ---- window edges ---- */

static void test_window_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		const uint64_t W = windows[i];
		const uint64_t T = IDX(1, 34464) + W; /* any top, with room behind it */
		struct rs_stream *s = stream((unsigned)W, 0);
		struct rs_window *w = &s->rtp;
		const struct {
			uint64_t idx;
			enum rs_status status;
		} before[] = {
		    {T, RS_ERR_REPLAY},		{T + 1, RS_OK},
		    {T + 1000000, RS_OK},	{T - 1, RS_OK},
		    {T - (W - 1), RS_OK},	{T - W, RS_ERR_REPLAY},
		    {T - W - 1, RS_ERR_REPLAY}, {T - 2 * W, RS_ERR_REPLAY},
		    {0, RS_ERR_REPLAY},
		};

		/* a fresh window takes anything, and does not move on a check */
		assert_int_equal(rs_window_check(w, 0), RS_OK);
		assert_int_equal(rs_window_check(w, T), RS_OK);
		assert_int_equal(w->started, 0);
		rs_window_update(w, T);
		assert_int_equal(w->started, 1);
		assert_int_equal(w->top, T);
		for (size_t k = 0; k < sizeof(before) / sizeof(before[0]); k++) {
			enum rs_status st = rs_window_check(w, before[k].idx);

			if (st != before[k].status)
				fail_msg("window %llu, top T: index T%+lld: %s, expected %s",
					 (unsigned long long)W, (long long)(before[k].idx - T),
					 rs_status_name(st), rs_status_name(before[k].status));
		}
		assert_int_equal(w->top, T);

		/* the oldest index still inside: accepted once */
		assert_int_equal(accept(w, T - (W - 1)), RS_OK);
		assert_int_equal(rs_window_check(w, T - (W - 1)), RS_ERR_REPLAY);
		assert_int_equal(rs_window_check(w, T - (W - 2)), RS_OK);
		assert_int_equal(w->top, T);
		/* top moves one: T-(W-1) falls out, T-(W-2) is now the oldest */
		assert_int_equal(accept(w, T + 1), RS_OK);
		assert_int_equal(w->top, T + 1);
		assert_int_equal(rs_window_check(w, T - (W - 1)), RS_ERR_REPLAY);
		assert_int_equal(rs_window_check(w, T - (W - 2)), RS_OK);
		assert_int_equal(rs_window_check(w, T), RS_ERR_REPLAY);
		assert_int_equal(rs_window_check(w, T + 1), RS_ERR_REPLAY);
		rs_stream_free(s);
	}
}

/* ---- late, duplicate, far ahead: fill a window, then jump ---- */

static void test_jumps(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		const uint64_t W = windows[i];
		const uint64_t jumps[] = {
		    1,	       63,    64,	  65,	      W / 2 + 3,	W - 1, W, W + 1,
		    2 * W - 1, 2 * W, 3 * W + 17, 64 * W + 5, UINT64_C(1) << 20};

		for (size_t j = 0; j < sizeof(jumps) / sizeof(jumps[0]); j++) {
			const uint64_t T = IDX(2, 100) + W, J = jumps[j];
			struct rs_stream *s = stream((unsigned)W, 0);
			struct rs_window *w = &s->rtp;

			/* every index of the window seen, oldest first */
			for (uint64_t x = T - (W - 1); x <= T; x++)
				assert_int_equal(accept(w, x), RS_OK);
			for (uint64_t x = T - (W - 1); x <= T; x++)
				if (rs_window_check(w, x) != RS_ERR_REPLAY)
					fail_msg(
					    "window %llu: T%+lld not a replay after being seen",
					    (unsigned long long)W, (long long)(x - T));
			assert_int_equal(accept(w, T + J), RS_OK);
			assert_int_equal(w->top, T + J);
			/* in the new window: seen ones replay, never-seen ones are new,
			 * whatever bits the old indices left in the bitmap */
			for (uint64_t x = T + J - (W - 1); x <= T + J; x++) {
				enum rs_status want =
				    (x <= T || x == T + J) ? RS_ERR_REPLAY : RS_OK;
				enum rs_status st = rs_window_check(w, x);

				if (st != want)
					fail_msg("window %llu, jump %llu: index top%+lld: %s, "
						 "expected %s",
						 (unsigned long long)W, (unsigned long long)J,
						 (long long)(x - (T + J)), rs_status_name(st),
						 rs_status_name(want));
			}
			assert_int_equal(rs_window_check(w, T + J - W), RS_ERR_REPLAY);
			rs_stream_free(s);
		}
	}
}

/* Scripted sequences: late, duplicate and far-ahead packets. */
struct step {
	int64_t delta; /* index = base + delta */
	enum rs_status status;
};

static void run_steps(unsigned window, const struct step *steps, size_t n, const char *name)
{
	const uint64_t base = IDX(5, 0);
	struct rs_stream *s = stream(window, 5);

	for (size_t i = 0; i < n; i++) {
		uint64_t idx = (uint64_t)((int64_t)base + steps[i].delta);
		enum rs_status st = accept(&s->rtp, idx);

		if (st != steps[i].status)
			fail_msg("%s (window %u), step %zu: index base%+lld: %s, expected %s", name,
				 window, i, (long long)steps[i].delta, rs_status_name(st),
				 rs_status_name(steps[i].status));
	}
	rs_stream_free(s);
}

static void test_late_and_duplicates(void **state)
{
	static const struct step late64[] = {
	    {100, RS_OK},	  {101, RS_OK},		 {103, RS_OK},
	    {102, RS_OK},	  {102, RS_ERR_REPLAY},	 {100, RS_ERR_REPLAY},
	    {50, RS_OK},	  {40, RS_OK},		 {39, RS_ERR_REPLAY},
	    {40, RS_ERR_REPLAY},  {167, RS_OK},		 {104, RS_OK},
	    {103, RS_ERR_REPLAY}, {105, RS_OK},		 {168, RS_OK},
	    {104, RS_ERR_REPLAY}, {106, RS_OK},		 {10000, RS_OK},
	    {9937, RS_OK},	  {9936, RS_ERR_REPLAY}, {10000, RS_ERR_REPLAY},
	    {9999, RS_OK},	  {9999, RS_ERR_REPLAY},
	};
	static const struct step late1024[] = {
	    {0, RS_OK},
	    {2000, RS_OK},
	    {977, RS_OK},
	    {976, RS_ERR_REPLAY},
	    {977, RS_ERR_REPLAY},
	    {1999, RS_OK},
	    {2000, RS_ERR_REPLAY},
	    {1500, RS_OK},
	    {2001, RS_OK},
	    {977, RS_ERR_REPLAY},
	    {978, RS_OK},
	    {1500, RS_ERR_REPLAY},
	    {3024, RS_OK},
	    {2000, RS_ERR_REPLAY},
	    {2001, RS_ERR_REPLAY},
	    {2002, RS_OK},
	};

	(void)state;
	run_steps(64, late64, sizeof(late64) / sizeof(late64[0]), "late and duplicate");
	run_steps(1024, late1024, sizeof(late1024) / sizeof(late1024[0]), "late and duplicate");
}

/* Random walks against a plain model of the window: slot[i % MODEL_SLOTS]
 * holds the last index seen there, which is exact for anything less than
 * MODEL_SLOTS behind the top. */
#define MODEL_SLOTS 65536

static void test_window_model(void **state)
{
	uint64_t r = 0x243f6a8885a308d3u;
	static uint64_t slot[MODEL_SLOTS];

	(void)state;
	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		const uint64_t W = windows[i];
		struct rs_stream *s = stream((unsigned)W, 9);
		uint64_t top = IDX(9, 0);
		int started = 0;

		for (size_t k = 0; k < MODEL_SLOTS; k++)
			slot[k] = UINT64_MAX;
		for (int op = 0; op < 200000; op++) {
			uint64_t idx, k;
			enum rs_status want, st;

			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			k = r % 100;
			if (k < 50) /* a little ahead */
				idx = top + 1 + (r >> 8) % 4;
			else if (k < 90) /* late, mostly inside the window */
				idx = top - (r >> 8) % (W + W / 4);
			else if (k < 97) /* duplicate of the top */
				idx = top;
			else /* far ahead */
				idx = top + W + (r >> 8) % (4 * W);
			want = (!started || idx > top ||
				(top - idx < W && slot[idx % MODEL_SLOTS] != idx))
				   ? RS_OK
				   : RS_ERR_REPLAY;
			st = accept(&s->rtp, idx);
			if (st != want)
				fail_msg(
				    "window %llu, op %d: index %#llx with top %#llx: %s, expected "
				    "%s",
				    (unsigned long long)W, op, (unsigned long long)idx,
				    (unsigned long long)top, rs_status_name(st),
				    rs_status_name(want));
			if (st == RS_OK) {
				slot[idx % MODEL_SLOTS] = idx;
				if (!started || idx > top)
					top = idx;
				started = 1;
			}
			assert_int_equal(s->rtp.top, top);
		}
		rs_stream_free(s);
	}
}

/* Sequence wrap through estimate + window, as the open path uses them. */
static void test_wrap(void **state)
{
	static const struct {
		uint16_t seq;
		uint64_t idx;
		enum rs_status status;
		uint32_t roc_after;
	} steps[] = {
	    {65533, IDX(0, 65533), RS_OK, 0},
	    {65535, IDX(0, 65535), RS_OK, 0},
	    {0, IDX(1, 0), RS_OK, 1},
	    {65534, IDX(0, 65534), RS_OK, 1},
	    {65534, IDX(0, 65534), RS_ERR_REPLAY, 1},
	    {65535, IDX(0, 65535), RS_ERR_REPLAY, 1},
	    {1, IDX(1, 1), RS_OK, 1},
	    {0, IDX(1, 0), RS_ERR_REPLAY, 1},
	    {65533, IDX(0, 65533), RS_ERR_REPLAY, 1},
	    {65532, IDX(0, 65532), RS_OK, 1},
	};
	struct rs_stream *s = stream(RS_WINDOW_DEFAULT, 0);

	(void)state;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		uint64_t idx = rs_index_estimate(&s->rtp, steps[i].seq);

		if (idx != steps[i].idx)
			fail_msg("step %zu: seq %u estimated %#llx, expected %#llx", i,
				 steps[i].seq, (unsigned long long)idx,
				 (unsigned long long)steps[i].idx);
		assert_int_equal(accept(&s->rtp, idx), steps[i].status);
		assert_int_equal(rs_stream_roc(s), steps[i].roc_after);
	}
	rs_stream_free(s);
}

/* ---- through rs_seal / rs_open ---- */

struct fx {
	struct rs_engine *eng;
	struct rs_key_ctx *key;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct rs_session_keys sk;
	enum rs_status err = RS_ERR_INVALID_ARG;

	if (!f)
		return -1;
	f->eng = rs_engine_new(&err);
	if (!f->eng) {
		print_error("rs_engine_new: %s\n", rs_status_name(err));
		free(f);
		return -1;
	}
	memset(&sk, 0, sizeof(sk));
	sk.key_len = 16;
	if (RAND_bytes(sk.rtp_key, 16) == 1 && RAND_bytes(sk.rtcp_key, 16) == 1 &&
	    RAND_bytes(sk.rtp_salt, 12) == 1 && RAND_bytes(sk.rtcp_salt, 12) == 1)
		f->key = rs_key_ctx_from_session(f->eng, &sk, 0, &err);
	if (!f->key) {
		print_error("session key setup: %s\n", rs_status_name(err));
		rs_engine_free(f->eng);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	rs_key_ctx_free(f->key);
	rs_engine_free(f->eng);
	free(f);
	return 0;
}

#define PAYLOAD	 48
#define RTP_LEN	 (12 + PAYLOAD)
#define RTCP_LEN 28

struct pkt {
	uint8_t b[RTP_LEN + RS_SRTCP_OVERHEAD];
	uint32_t len;
	uint16_t seq;
};

static void rtp_plain(struct pkt *p, uint16_t seq)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = 0x80;
	p->b[1] = 96;
	p->b[2] = (uint8_t)(seq >> 8);
	p->b[3] = (uint8_t)seq;
	p->b[8] = (uint8_t)(SSRC >> 24);
	p->b[9] = (uint8_t)(SSRC >> 16);
	p->b[10] = (uint8_t)(SSRC >> 8);
	p->b[11] = (uint8_t)SSRC;
	for (int i = 12; i < RTP_LEN; i++)
		p->b[i] = (uint8_t)(seq + i);
	p->len = RTP_LEN;
	p->seq = seq;
}

static enum rs_status seal_rtp(struct fx *f, struct rs_stream *s, uint16_t seq, struct pkt *out)
{
	struct rs_packet rp;
	enum rs_status st;

	rtp_plain(out, seq);
	rp = (struct rs_packet){.buf = out->b,
				.len = out->len,
				.cap = RTP_LEN + RS_SRTP_OVERHEAD,
				.key = f->key,
				.stream = s};
	st = rs_seal(f->eng, &rp);
	assert_int_equal(rp.status, st);
	if (st == RS_OK) {
		assert_int_equal(rp.len, RTP_LEN + RS_SRTP_OVERHEAD);
		out->len = rp.len;
	}
	return st;
}

static enum rs_status open_pkt(struct fx *f, struct rs_stream *s, const struct pkt *in, int is_rtcp)
{
	struct pkt copy = *in;
	struct rs_packet rp = {.buf = copy.b,
			       .len = copy.len,
			       .cap = copy.len,
			       .key = f->key,
			       .stream = s,
			       .is_rtcp = (uint8_t)is_rtcp};
	enum rs_status st = rs_open(f->eng, &rp);

	assert_int_equal(rp.status, st);
	if (st == RS_OK && !is_rtcp) {
		struct pkt plain;

		rtp_plain(&plain, in->seq);
		assert_int_equal(rp.len, RTP_LEN);
		assert_memory_equal(copy.b, plain.b, RTP_LEN);
	}
	return st;
}

/* Everything an open may change, to prove a forgery changed nothing. */
struct snap {
	struct rs_window rtp, rtcp;
	uint64_t *bits;
	uint64_t rtcp_bits[RS_RTCP_WINDOW_WORDS];
	uint32_t roc;
};

static void snap_take(const struct rs_stream *s, struct snap *sn)
{
	size_t words = (size_t)s->rtp.word_mask + 1;

	memset(sn, 0, sizeof(*sn));
	sn->rtp = s->rtp;
	sn->rtcp = s->rtcp;
	sn->roc = rs_stream_roc(s);
	sn->bits = calloc(words, sizeof(uint64_t));
	assert_non_null(sn->bits);
	memcpy(sn->bits, s->rtp.bits, words * sizeof(uint64_t));
	if (s->rtcp.bits)
		memcpy(sn->rtcp_bits, s->rtcp.bits,
		       ((size_t)s->rtcp.word_mask + 1) * sizeof(uint64_t));
}

static void snap_check(const struct rs_stream *s, struct snap *sn, const char *what)
{
	struct snap now;
	int same;

	snap_take(s, &now);
	same = now.rtp.top == sn->rtp.top && now.rtp.started == sn->rtp.started &&
	       now.roc == sn->roc && now.rtcp.top == sn->rtcp.top &&
	       now.rtcp.started == sn->rtcp.started &&
	       memcmp(now.bits, sn->bits, ((size_t)s->rtp.word_mask + 1) * sizeof(uint64_t)) == 0 &&
	       memcmp(now.rtcp_bits, sn->rtcp_bits, sizeof(now.rtcp_bits)) == 0;
	if (!same)
		print_error("%s: state moved: top %#llx -> %#llx, started %u -> %u, ROC %u -> %u, "
			    "rtcp top %#llx -> %#llx\n",
			    what, (unsigned long long)sn->rtp.top, (unsigned long long)now.rtp.top,
			    sn->rtp.started, now.rtp.started, sn->roc, now.roc,
			    (unsigned long long)sn->rtcp.top, (unsigned long long)now.rtcp.top);
	free(now.bits);
	free(sn->bits);
	sn->bits = NULL;
	assert_true(same);
}

/* Open a copy with one tag bit flipped: RS_ERR_AUTH and no state change. */
static void forge(struct fx *f, struct rs_stream *rx, const struct pkt *genuine, int is_rtcp,
		  const char *what)
{
	struct pkt bad = *genuine;
	struct snap sn;
	enum rs_status st;
	size_t tag = is_rtcp ? bad.len - RS_SRTCP_OVERHEAD : bad.len - RS_GCM_TAG_LEN;

	bad.b[tag + 5] ^= 0x20;
	snap_take(rx, &sn);
	st = open_pkt(f, rx, &bad, is_rtcp);
	if (st != RS_ERR_AUTH)
		fail_msg("%s: forged packet opened with %s, expected auth_fail", what,
			 rs_status_name(st));
	snap_check(rx, &sn, what);
}

static void test_open_forgery_moves_nothing(void **state)
{
	struct fx *f = *state;
	struct rs_stream *tx = stream(RS_WINDOW_DEFAULT, 0);
	struct rs_stream *rx = stream(RS_WINDOW_DEFAULT, 0);
	struct pkt p[8];

	/* on a fresh stream: still not started afterwards */
	assert_int_equal(seal_rtp(f, tx, 10, &p[0]), RS_OK);
	forge(f, rx, &p[0], 0, "forgery as the first packet");
	assert_int_equal(rx->rtp.started, 0);
	assert_int_equal(open_pkt(f, rx, &p[0], 0), RS_OK);

	/* ahead within the window, then far ahead (would shift the bitmap) */
	assert_int_equal(seal_rtp(f, tx, 11, &p[1]), RS_OK);
	assert_int_equal(seal_rtp(f, tx, 30, &p[2]), RS_OK);
	assert_int_equal(seal_rtp(f, tx, 30000, &p[3]), RS_OK);
	forge(f, rx, &p[2], 0, "forgery ahead in the window");
	forge(f, rx, &p[3], 0, "forgery far ahead");
	/* a late one the window has not seen */
	forge(f, rx, &p[1], 0, "forgery of a late index");
	assert_int_equal(open_pkt(f, rx, &p[1], 0), RS_OK);
	assert_int_equal(open_pkt(f, rx, &p[2], 0), RS_OK);
	assert_int_equal(open_pkt(f, rx, &p[3], 0), RS_OK);
	assert_int_equal(rx->rtp.top, IDX(0, 30000));

	/* one that would advance the ROC: s_l = 40000, seq 5 is ROC+1 */
	assert_int_equal(seal_rtp(f, tx, 40000, &p[4]), RS_OK);
	assert_int_equal(seal_rtp(f, tx, 5, &p[5]), RS_OK);
	assert_int_equal(rs_stream_roc(tx), 1);
	assert_int_equal(open_pkt(f, rx, &p[4], 0), RS_OK);
	forge(f, rx, &p[5], 0, "forgery across the sequence wrap");
	assert_int_equal(rs_stream_roc(rx), 0);
	assert_int_equal(open_pkt(f, rx, &p[5], 0), RS_OK);
	assert_int_equal(rs_stream_roc(rx), 1);
	assert_int_equal(rx->rtp.top, IDX(1, 5));
	/* 40000 (ROC 0) and 5 (ROC 1) replay now; the ROC-0 packets 10, 11,
	 * 30 and 30000 are estimated in ROC 1 (new indices ahead), so they
	 * fail their tag like any forgery, and move nothing */
	assert_int_equal(open_pkt(f, rx, &p[4], 0), RS_ERR_REPLAY);
	assert_int_equal(open_pkt(f, rx, &p[5], 0), RS_ERR_REPLAY);
	for (int i = 0; i < 4; i++) {
		struct snap sn;

		snap_take(rx, &sn);
		assert_int_equal(open_pkt(f, rx, &p[i], 0), RS_ERR_AUTH);
		snap_check(rx, &sn, "old-ROC packet after the wrap");
	}
	/* forging a replayed index: refused, nothing moves either way */
	{
		struct pkt bad = p[5];
		struct snap sn;
		enum rs_status st;

		bad.b[bad.len - 1] ^= 1;
		snap_take(rx, &sn);
		st = open_pkt(f, rx, &bad, 0);
		assert_true(st == RS_ERR_AUTH || st == RS_ERR_REPLAY);
		snap_check(rx, &sn, "forgery of a replayed index");
	}
	rs_stream_free(tx);
	rs_stream_free(rx);
}

static void test_open_replay(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		const unsigned W = windows[i];
		struct rs_stream *tx = stream(W, 0);
		struct rs_stream *rx = stream(W, 0);
		struct pkt old_in, oldest_out, top;
		const uint16_t t = 40000;

		/* sealed in order, received newest first */
		assert_int_equal(seal_rtp(f, tx, (uint16_t)(t - W), &oldest_out), RS_OK);
		assert_int_equal(seal_rtp(f, tx, (uint16_t)(t - (W - 1)), &old_in), RS_OK);
		assert_int_equal(seal_rtp(f, tx, t, &top), RS_OK);
		assert_int_equal(open_pkt(f, rx, &top, 0), RS_OK);
		if (open_pkt(f, rx, &oldest_out, 0) != RS_ERR_REPLAY)
			fail_msg("window %u: packet %u behind the top opened", W, W);
		assert_int_equal(open_pkt(f, rx, &old_in, 0), RS_OK);
		assert_int_equal(open_pkt(f, rx, &old_in, 0), RS_ERR_REPLAY);
		assert_int_equal(open_pkt(f, rx, &top, 0), RS_ERR_REPLAY);
		rs_stream_free(tx);
		rs_stream_free(rx);
	}
}

/* ---- seal side: an index is sealed at most once ---- */

struct seal_step {
	int32_t delta;	/* seq = 20000 + delta, or a window-relative value below */
	int window_rel; /* 1: delta is in units of -window (plus extra) */
	int32_t extra;
	enum rs_status status;
};

static void test_seal_stale(void **state)
{
	struct fx *f = *state;
	static const struct seal_step steps[] = {
	    {0, 0, 0, RS_OK},
	    {0, 0, 0, RS_ERR_STALE_SEQ}, /* the same sequence twice */
	    {5, 0, 0, RS_OK},
	    {2, 0, 0, RS_OK}, /* reordered but new */
	    {2, 0, 0, RS_ERR_STALE_SEQ},
	    {1, 0, 0, RS_OK},
	    {5, 0, 0, RS_ERR_STALE_SEQ},
	    {5, 1, 0, RS_ERR_STALE_SEQ}, /* top - window: too old */
	    {5, 1, 1, RS_OK},		 /* top - (window - 1): oldest still new */
	    {5, 1, 1, RS_ERR_STALE_SEQ},
	    {5, 1, -7, RS_ERR_STALE_SEQ},
	    {6, 0, 0, RS_OK},
	};

	for (size_t i = 0; i < 2; i++) {
		const unsigned W = windows[i];
		struct rs_stream *tx = stream(W, 0);
		struct rs_stream *rx = stream(W, 0);

		for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			int32_t d = steps[k].window_rel
					? steps[k].delta - (int32_t)W + steps[k].extra
					: steps[k].delta;
			uint16_t seq = (uint16_t)(20000 + d);
			struct pkt p;
			struct snap sn;
			enum rs_status st;

			snap_take(tx, &sn);
			st = seal_rtp(f, tx, seq, &p);
			if (st != steps[k].status)
				fail_msg(
				    "window %u, step %zu: seal seq %u (top%+d): %s, expected %s", W,
				    k, seq, d, rs_status_name(st), rs_status_name(steps[k].status));
			if (st != RS_OK) {
				snap_check(tx, &sn, "refused seal");
				continue;
			}
			free(sn.bits);
			/* what went out opens, in the order it went out */
			assert_int_equal(open_pkt(f, rx, &p, 0), RS_OK);
		}
		rs_stream_free(tx);
		rs_stream_free(rx);
	}
}

/* ---- hard index limits ---- */

static void test_srtp_index_limit(void **state)
{
	struct fx *f = *state;
	struct rs_stream *tx = stream(RS_WINDOW_DEFAULT, 0xffffffffu);
	struct rs_stream *rx = stream(RS_WINDOW_DEFAULT, 0xffffffffu);
	struct pkt p;
	enum rs_status st;
	static const uint16_t after[] = {1, 2, 100, 65533};

	assert_int_equal(seal_rtp(f, tx, 65534, &p), RS_OK);
	assert_int_equal(open_pkt(f, rx, &p, 0), RS_OK);
	/* index 2^48 - 1: the last one */
	assert_int_equal(seal_rtp(f, tx, 65535, &p), RS_OK);
	assert_int_equal(tx->rtp.top, RS_SRTP_INDEX_MAX);
	assert_int_equal(open_pkt(f, rx, &p, 0), RS_OK);
	assert_int_equal(rx->rtp.top, RS_SRTP_INDEX_MAX);
	/* the wrap would be index 2^48: the stream stops */
	st = seal_rtp(f, tx, 0, &p);
	if (st != RS_ERR_INDEX_EXHAUSTED)
		fail_msg("seal past index 2^48-1: %s, expected index_exhausted",
			 rs_status_name(st));
	assert_int_equal(tx->rtp_stopped, 1);
	assert_int_equal(tx->rtp.top, RS_SRTP_INDEX_MAX);
	assert_int_equal(rs_stream_roc(tx), 0xffffffffu);
	/* and stays stopped, whatever comes next */
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		st = seal_rtp(f, tx, after[i], &p);
		if (st != RS_ERR_INDEX_EXHAUSTED)
			fail_msg("seal seq %u on a stopped stream: %s, expected index_exhausted",
				 after[i], rs_status_name(st));
		assert_int_equal(tx->rtp_stopped, 1);
	}
	/* RTCP of that stream is not affected */
	assert_int_equal(tx->rtcp_stopped, 0);
	rs_stream_free(tx);
	rs_stream_free(rx);
}

static enum rs_status seal_rtcp(struct fx *f, struct rs_stream *s, struct pkt *out)
{
	struct rs_packet rp;
	enum rs_status st;

	memset(out, 0, sizeof(*out));
	out->b[0] = 0x81;
	out->b[1] = 201; /* RR */
	out->b[3] = RTCP_LEN / 4 - 1;
	out->b[4] = (uint8_t)(SSRC >> 24);
	out->b[5] = (uint8_t)(SSRC >> 16);
	out->b[6] = (uint8_t)(SSRC >> 8);
	out->b[7] = (uint8_t)SSRC;
	for (int i = 8; i < RTCP_LEN; i++)
		out->b[i] = (uint8_t)i;
	out->len = RTCP_LEN;
	rp = (struct rs_packet){.buf = out->b,
				.len = out->len,
				.cap = RTCP_LEN + RS_SRTCP_OVERHEAD,
				.key = f->key,
				.stream = s,
				.is_rtcp = 1};
	st = rs_seal(f->eng, &rp);
	assert_int_equal(rp.status, st);
	if (st == RS_OK) {
		assert_int_equal(rp.len, RTCP_LEN + RS_SRTCP_OVERHEAD);
		out->len = rp.len;
	}
	return st;
}

static void test_srtcp_index_limit(void **state)
{
	struct fx *f = *state;
	struct rs_stream *tx = stream(RS_WINDOW_DEFAULT, 0);
	struct rs_stream *rx = stream(RS_WINDOW_DEFAULT, 0);
	struct pkt p, prev;
	enum rs_status st;

	tx->rtcp_next = RS_SRTCP_INDEX_MAX - 1;
	assert_int_equal(seal_rtcp(f, tx, &prev), RS_OK);
	assert_int_equal(seal_rtcp(f, tx, &p), RS_OK);
	/* E=1 || index 2^31 - 1 */
	assert_int_equal(p.b[p.len - 4], 0xff);
	assert_int_equal(p.b[p.len - 3], 0xff);
	assert_int_equal(p.b[p.len - 2], 0xff);
	assert_int_equal(p.b[p.len - 1], 0xff);
	assert_int_equal(open_pkt(f, rx, &prev, 1), RS_OK);
	forge(f, rx, &p, 1, "SRTCP forgery at the last index");
	assert_int_equal(open_pkt(f, rx, &p, 1), RS_OK);
	assert_int_equal(open_pkt(f, rx, &p, 1), RS_ERR_REPLAY);
	assert_int_equal(open_pkt(f, rx, &prev, 1), RS_ERR_REPLAY);

	for (int i = 0; i < 3; i++) {
		st = seal_rtcp(f, tx, &p);
		if (st != RS_ERR_INDEX_EXHAUSTED)
			fail_msg("SRTCP seal %d past index 2^31-1: %s, expected index_exhausted", i,
				 rs_status_name(st));
		assert_int_equal(tx->rtcp_stopped, 1);
	}
	/* RTP of that stream goes on */
	assert_int_equal(tx->rtp_stopped, 0);
	assert_int_equal(seal_rtp(f, tx, 1, &p), RS_OK);
	rs_stream_free(tx);
	rs_stream_free(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_window_sizes),
	    cmocka_unit_test(test_index_estimate),
	    cmocka_unit_test(test_window_edges),
	    cmocka_unit_test(test_jumps),
	    cmocka_unit_test(test_late_and_duplicates),
	    cmocka_unit_test(test_window_model),
	    cmocka_unit_test(test_wrap),
	    cmocka_unit_test_setup_teardown(test_open_forgery_moves_nothing, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_open_replay, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_seal_stale, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_srtp_index_limit, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_srtcp_index_limit, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("replay window and index limits", tests, NULL, NULL);
}
