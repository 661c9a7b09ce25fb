/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: stage 1 and 3 on arbitrary bytes. The input is taken as
 * an Ethernet frame (rs_parse_frame), and its UDP payload, as well as the
 * whole input taken as a UDP payload, go through the RFC 7983 demux, both
 * RTP padding modes, the RTCP header parser and the classifier. libFuzzer
 * hands over a heap buffer of exactly the input's size, so AddressSanitizer
 * sees any read past it; the checks below are the header's promises about
 * what comes out.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rs_classify.h"
#include "rs_parse.h"
#include "rs_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_parse: %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Every status a parser returns has a name, a description and a drop
 * counter. */
static void check_status(enum rs_status st)
{
	CHECK((unsigned)st < RS_STATUS_COUNT);
	CHECK(rs_status_name(st) != NULL);
	CHECK(rs_strerror(st) != NULL);
	CHECK((unsigned)rs_status_drop_reason(st) < RS_DROP_COUNT);
	CHECK(rs_drop_reason_name(rs_status_drop_reason(st)) != NULL);
}

static void parse_payload(const struct rs_pt_map *map, const uint8_t *p, size_t n)
{
	enum rs_payload_kind kind = rs_demux(p, n);
	struct rs_rtp_info clear, prot;
	struct rs_rtcp_info rtcp;
	enum rs_status st_clear, st_prot, st_rtcp;

	CHECK(rs_payload_kind_name(kind) != NULL);
	CHECK(kind != RS_KIND_RTCP || (n >= 2 && p[1] >= 192 && p[1] <= 223));

	st_clear = rs_rtp_parse(p, n, 1, &clear);
	st_prot = rs_rtp_parse(p, n, 0, &prot);
	check_status(st_clear);
	check_status(st_prot);
	/* the padding check only adds a reason to refuse */
	CHECK(st_clear != RS_OK || st_prot == RS_OK);
	if (st_prot == RS_OK) {
		CHECK(prot.hdr_len >= RS_RTP_HDR_LEN);
		CHECK((size_t)prot.hdr_len + prot.payload_len == n);
		CHECK(prot.pt < 128);
		CHECK(prot.csrc_count < 16);
		CHECK(prot.pad_len == 0);
		CHECK((unsigned)rs_classify(map, prot.pt) < RS_CLASS_COUNT);
		CHECK(rs_media_class_name(rs_classify(map, prot.pt)) != NULL);
	}
	if (st_clear == RS_OK) {
		CHECK(clear.hdr_len == prot.hdr_len);
		CHECK(clear.payload_len == prot.payload_len);
		CHECK(clear.pad_len <= clear.payload_len);
		CHECK((clear.pad_len != 0) == ((p[0] & 0x20) != 0));
	}

	st_rtcp = rs_rtcp_parse(p, n, &rtcp);
	check_status(st_rtcp);
	if (st_rtcp == RS_OK) {
		CHECK(rtcp.first_len >= RS_RTCP_HDR_LEN);
		CHECK(rtcp.first_len <= n);
		CHECK(rtcp.count < 32);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rs_pt_map map;
	struct rs_frame f;
	enum rs_status st;

	rs_pt_map_init(&map);
	/* the demo config's dynamic types */
	CHECK(rs_pt_map_set(&map, 111, RS_CLASS_AUDIO) == RS_OK);
	CHECK(rs_pt_map_set(&map, 96, RS_CLASS_VIDEO) == RS_OK);
	CHECK(rs_pt_map_set(&map, 97, RS_CLASS_VIDEO) == RS_OK);
	CHECK(rs_pt_map_set(&map, 128, RS_CLASS_AUDIO) == RS_ERR_INVALID_ARG);

	st = rs_parse_frame(data, size, &f);
	check_status(st);
	if (st == RS_OK) {
		CHECK(f.ip_version == 4 || f.ip_version == 6);
		CHECK(f.vlan_count <= 2);
		CHECK(f.l3_off == 14 + 4 * f.vlan_count);
		CHECK(f.l3_off < f.l4_off && f.l4_off + 8 == f.payload_off);
		CHECK((size_t)f.l3_off + f.ip_len <= size);
		CHECK((size_t)f.payload_off + f.payload_len == (size_t)f.l3_off + f.ip_len);
		parse_payload(&map, data + f.payload_off, f.payload_len);
	}
	/* the same bytes as a bare UDP payload: reaches the RTP and RTCP
	 * parsers without needing valid lower layers */
	parse_payload(&map, data, size);
	return 0;
}
