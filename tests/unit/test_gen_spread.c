/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gen_spread.c against lib/rs_gen_spread.h: frames parse with the
 * library's parser, IPv4 and UDP checksums (recomputed here) hold, the
 * destination is the channel's pattern address, the first n_streams frames
 * visit every stream exactly once, SSRCs are unique per stream, per-stream
 * sequence numbers and timestamps step by 1 and 160, the payload carries
 * the model's pattern, source ports wrap, bad configurations are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gen_test_util.h"
#include "rs_gen_spread.h"

enum { ETH_LEN = 14, RTP_HDR_WITH_EXT = 20 };

struct seen {
	uint32_t ssrc;
	uint16_t seq;
	uint32_t ts;
	unsigned n;
};

/* Read one frame back; returns the stream index it claims. */
static unsigned check_frame(const uint8_t *buf, size_t len, const struct rs_gen_info *info,
			    unsigned spc, unsigned payload, int csum, struct seen *seen)
{
	struct rs_frame f;
	uint8_t want[4];
	const uint8_t *rtp;

	assert_int_equal(rs_parse_frame(buf, len, &f), RS_OK);
	assert_int_equal(f.ip_version, 4);
	assert_int_equal(fold(sum16(0, buf + ETH_LEN, 20)), 0xffff);
	assert_int_equal(f.dst_port, RS_GEN_SPREAD_PORT);
	rs_gen_spread_addr(info->channel, want);
	assert_memory_equal(f.dst_addr, want, 4);
	assert_int_equal(info->channel, info->stream / spc);
	assert_int_equal(f.payload_len, RTP_HDR_WITH_EXT + payload);
	if (csum) {
		uint32_t s = sum16(17 + (uint32_t)(f.payload_len + 8), buf + f.l3_off + 12, 8);
		assert_int_equal(fold(sum16(s, buf + f.l4_off, (size_t)f.payload_len + 8)), 0xffff);
	} else {
		assert_int_equal(get16(buf + f.l4_off + 6), 0);
	}
	rtp = buf + f.payload_off;
	assert_int_equal(rtp[0], 0x90);
	assert_int_equal(rtp[1] & 0x7f, 0);
	assert_int_equal(get32(rtp + 8), info->ssrc);
	assert_int_equal(info->kind, RS_KIND_RTP);
	assert_int_equal(info->media, RS_CLASS_AUDIO);
	assert_int_equal(info->payload_len, payload);
	assert_true(rs_gen_payload_check(rtp + RTP_HDR_WITH_EXT, payload, info->ssrc,
					 (uint16_t)get16(rtp + 2)));
	struct seen *s = &seen[info->stream];
	if (s->n) {
		assert_int_equal(s->ssrc, info->ssrc);
		assert_int_equal(get16(rtp + 2), (uint16_t)(s->seq + 1));
		assert_int_equal(get32(rtp + 4), s->ts + 160);
	}
	s->ssrc = info->ssrc;
	s->seq = (uint16_t)get16(rtp + 2);
	s->ts = get32(rtp + 4);
	s->n++;
	return info->stream;
}

static void run(unsigned channels, unsigned spc, unsigned payload, int csum, unsigned extra)
{
	struct rs_gen_spread_conf c;
	struct rs_gen_spread *g;
	struct rs_gen_info info;
	uint8_t buf[RS_GEN_FRAME_MAX + 16];
	unsigned n = channels * spc;
	struct seen *seen = calloc(n, sizeof(*seen));
	enum rs_status st;

	assert_non_null(seen);
	rs_gen_spread_conf_init(&c);
	c.n_channels = channels;
	c.streams_per_channel = spc;
	c.payload_len = payload;
	c.udp_checksum = (unsigned)csum;
	g = rs_gen_spread_new(&c, &st);
	assert_non_null(g);
	assert_int_equal(st, RS_OK);
	assert_int_equal(rs_gen_spread_stream_count(g), n);
	/* the first pass: every stream exactly once */
	for (unsigned k = 0; k < n; k++) {
		memset(buf, 0xa5, sizeof(buf));
		size_t len = rs_gen_spread_next(g, buf, sizeof(buf), &info);
		assert_int_equal(len, 62 + payload);
		assert_int_equal(buf[len], 0xa5); /* nothing past the frame */
		unsigned j = check_frame(buf, len, &info, spc, payload, csum, seen);
		assert_int_equal(seen[j].n, 1);
	}
	/* SSRCs unique over streams */
	for (unsigned a = 0; a < n && n <= 4096; a++)
		for (unsigned b = 0; b < a; b++)
			assert_int_not_equal(seen[a].ssrc, seen[b].ssrc);
	/* then random streams, each continuing its own sequence */
	for (unsigned k = 0; k < extra; k++) {
		size_t len = rs_gen_spread_next(g, buf, sizeof(buf), &info);
		check_frame(buf, len, &info, spc, payload, csum, seen);
	}
	/* a buffer too small consumes nothing */
	assert_int_equal(rs_gen_spread_next(g, buf, 61 + payload, &info), 0);
	rs_gen_spread_free(g);
	free(seen);
}

static void test_small(void **state)
{
	(void)state;
	run(3, 4, 160, 1, 2000);
}

static void test_many_channels(void **state)
{
	(void)state;
	run(70000, 1, 160, 1, 20000); /* addresses past 10.64.255.255 */
}

static void test_odd_payload_no_csum(void **state)
{
	(void)state;
	run(17, 3, 61, 0, 500);
	run(5, 2, 1, 1, 100);
}

static void test_ports_wrap(void **state)
{
	struct rs_gen_spread_conf c;
	struct rs_gen_spread *g;
	struct rs_gen_info info;
	uint8_t buf[RS_GEN_FRAME_MAX];
	struct rs_frame f;

	(void)state;
	rs_gen_spread_conf_init(&c);
	c.n_channels = 20000;
	c.streams_per_channel = 4;
	g = rs_gen_spread_new(&c, NULL);
	assert_non_null(g);
	for (unsigned k = 0; k < 80000; k++) {
		size_t len = rs_gen_spread_next(g, buf, sizeof(buf), &info);
		assert_int_equal(rs_parse_frame(buf, len, &f), RS_OK);
		assert_int_equal(f.src_port, 40000 + 2 * (info.stream % 12768));
	}
	rs_gen_spread_free(g);
}

static void test_bad_conf(void **state)
{
	struct rs_gen_spread_conf c;
	enum rs_status st = RS_OK;

	(void)state;
	assert_null(rs_gen_spread_new(NULL, &st));
	assert_int_equal(st, RS_ERR_INVALID_ARG);
	rs_gen_spread_conf_init(&c);
	c.n_channels = 0;
	assert_null(rs_gen_spread_new(&c, &st));
	rs_gen_spread_conf_init(&c);
	c.n_channels = RS_GEN_SPREAD_CHANNELS_MAX + 1;
	assert_null(rs_gen_spread_new(&c, &st));
	rs_gen_spread_conf_init(&c);
	c.streams_per_channel = 0;
	assert_null(rs_gen_spread_new(&c, &st));
	rs_gen_spread_conf_init(&c);
	c.n_channels = RS_GEN_SPREAD_CHANNELS_MAX;
	c.streams_per_channel = 8; /* more than RS_GEN_SPREAD_STREAMS_MAX */
	assert_null(rs_gen_spread_new(&c, &st));
	rs_gen_spread_conf_init(&c);
	c.payload_len = RS_GEN_PAYLOAD_FIXED_MAX + 1;
	assert_null(rs_gen_spread_new(&c, &st));
	rs_gen_spread_conf_init(&c);
	c.pt = 72; /* reads as RTCP with rtcp-mux */
	assert_null(rs_gen_spread_new(&c, &st));
	assert_int_equal(st, RS_ERR_INVALID_ARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small),
	    cmocka_unit_test(test_many_channels),
	    cmocka_unit_test(test_odd_payload_no_csum),
	    cmocka_unit_test(test_ports_wrap),
	    cmocka_unit_test(test_bad_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
