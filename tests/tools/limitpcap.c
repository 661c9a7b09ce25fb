/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * limitpcap: captures and an independent check for tests/limits_test.sh
 * (the 2^48 SRTP and 2^31 SRTCP index limits, DESIGN §3).
 *
 *   limitpcap write OUT.pcap ITEM...
 *       Clear IPv4/UDP frames from 10.0.0.1:40000 to 10.0.0.2:5004, in the
 *       order given. ITEM is
 *         rtp:SSRC:SEQ[:COUNT]  COUNT (default 1) RTP packets (PT 0, 160
 *                               payload bytes) from sequence SEQ on; the
 *                               sequence wraps 65535 -> 0
 *         rtcp:SSRC[:COUNT]     COUNT RTCP sender reports (PT 200), each
 *                               with a different packet count
 *       SSRC and numbers in C notation (0x... or decimal). Prints
 *       "N frames" on stdout.
 *
 *   limitpcap check IN.pcap OUT.pcap KEY_HEX SALT_HEX ROC
 *       libsrtp2 (AEAD_AES_128_GCM, master key KEY_HEX and master salt
 *       SALT_HEX) unprotects every frame of OUT, in order, with one stream
 *       per SSRC whose ROC libsrtp is told is ROC (srtp_set_stream_roc: the
 *       sealing side started there with --initial-roc). Each result must be
 *       byte for byte the UDP payload of a frame of IN not matched before,
 *       and each OUT frame must carry a right UDP checksum.
 *       One line per OUT frame:
 *         rtp SSRC SEQ roc ROC in N ok
 *         rtcp SSRC word E||INDEX in N ok
 *       (N: 1-based frame of IN; ROC as libsrtp holds it after the packet),
 *       or the same start and "FAIL: why". Last line "V verified, F failed".
 *       Exit status: 0 all verified, 1 one failed, 2 usage or input error.
 *
 *   limitpcap imb-version
 *       the ipsec-mb version this tool is linked with (imb_get_version_str)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <pcap/pcap.h>
#include <srtp2/srtp.h>

#include "rs_parse.h"
#include "frame_bytes.h"

enum {
	FRAME_MAX = 512,
	ETH_LEN = 14,
	IP4_LEN = 20,
	UDP_LEN = 8,
	RTP_LEN = 12,
	SR_LEN = 28,
	AUDIO_PAYLOAD = 160,
	CHANNEL_PORT = 5004,
	SRC_PORT = 40000,
	KEY_LEN = 16,
	SALT_LEN = 12,
	MAX_FRAMES = 100000,
	MAX_SSRCS = 64,
	SRTP_SPACE = 64, /* libsrtp's room after a packet for its own use */
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

static const uint8_t dst4[4] = {10, 0, 0, 2};
static const uint8_t src4[4] = {10, 0, 0, 1};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Ethernet + IPv4 + UDP around payload, checksums valid; the frame length. */
static size_t udp_frame(uint8_t *d, const uint8_t *payload, size_t plen)
{
	uint8_t *ip = d + ETH_LEN;
	uint8_t *udp = ip + IP4_LEN;
	uint16_t ulen = (uint16_t)(UDP_LEN + plen);
	uint16_t ck;

	memset(d, 0, ETH_LEN + IP4_LEN + UDP_LEN);
	memcpy(d, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	put16(d + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(IP4_LEN + ulen));
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, src4, 4);
	memcpy(ip + 16, dst4, 4);
	put16(ip + 10, fold(sum16(ip, IP4_LEN, 0)));
	put16(udp, SRC_PORT);
	put16(udp + 2, CHANNEL_PORT);
	put16(udp + 4, ulen);
	memcpy(udp + UDP_LEN, payload, plen);
	ck = fold(sum16(udp, ulen, sum16(ip + 12, 8, 17u + ulen)));
	put16(udp + 6, ck ? ck : 0xffff);
	return ETH_LEN + IP4_LEN + ulen;
}

static int number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || end == s || *end || *out > max ? -1 : 0;
}

static int write_frame(pcap_dumper_t *d, const uint8_t *frame, size_t len, unsigned n)
{
	struct pcap_pkthdr h = {
	    .ts = {.tv_sec = 1700000000 + n / 50, .tv_usec = (n % 50) * 20000},
	    .caplen = (bpf_u_int32)len,
	    .len = (bpf_u_int32)len,
	};

	pcap_dump((u_char *)d, &h, frame);
	return 0;
}

static int cmd_write(int argc, char **argv)
{
	static unsigned rtcp_serial;
	uint8_t frame[FRAME_MAX], p[FRAME_MAX];
	unsigned n = 0;
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = dead ? pcap_dump_open(dead, argv[0]) : NULL;

	if (!d) {
		fprintf(stderr, "limitpcap: %s: %s\n", argv[0], dead ? pcap_geterr(dead) : "pcap");
		return EXIT_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		char item[128], *f[4] = {0};
		unsigned nf = 0;
		unsigned long ssrc, seq = 0, count = 1;
		int is_rtp;

		snprintf(item, sizeof(item), "%s", argv[i]);
		for (char *save = NULL, *t = strtok_r(item, ":", &save); t && nf < 4;
		     t = strtok_r(NULL, ":", &save))
			f[nf++] = t;
		is_rtp = nf >= 3 && nf <= 4 && !strcmp(f[0], "rtp");
		if ((!is_rtp && !(nf >= 2 && nf <= 3 && !strcmp(f[0], "rtcp"))) ||
		    number(f[1], 0xffffffffUL, &ssrc) || (is_rtp && number(f[2], 0xffff, &seq)) ||
		    (f[is_rtp ? 3 : 2] && number(f[is_rtp ? 3 : 2], MAX_FRAMES, &count))) {
			fprintf(stderr, "limitpcap: bad item '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
		for (unsigned long k = 0; k < count; k++) {
			size_t len;
			if (is_rtp) {
				uint16_t s = (uint16_t)(seq + k);
				p[0] = 0x80;
				p[1] = 0; /* PCMU: audio */
				put16(p + 2, s);
				put32(p + 4, (uint32_t)s * 160);
				put32(p + 8, (uint32_t)ssrc);
				for (unsigned j = 0; j < AUDIO_PAYLOAD; j++)
					p[RTP_LEN + j] = (uint8_t)(s + j * 7 + ssrc);
				len = RTP_LEN + AUDIO_PAYLOAD;
			} else {
				memset(p, 0, SR_LEN);
				p[0] = 0x80;
				p[1] = 200; /* SR, no report blocks */
				put16(p + 2, SR_LEN / 4 - 1);
				put32(p + 4, (uint32_t)ssrc);
				put32(p + 8, 0xe8000000u + rtcp_serial); /* NTP seconds */
				put32(p + 16, rtcp_serial * 8000);	 /* RTP timestamp */
				put32(p + 20, ++rtcp_serial);		 /* packet count */
				put32(p + 24, rtcp_serial * 160);	 /* octet count */
				len = SR_LEN;
			}
			write_frame(d, frame, udp_frame(frame, p, len), n++);
		}
	}
	pcap_dump_close(d);
	pcap_close(dead);
	printf("%u frames\n", n);
	return 0;
}

struct capture {
	uint8_t **data;
	uint32_t *len;
	unsigned n;
};

static int read_capture(const char *path, struct capture *c)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, err);
	int rc;

	memset(c, 0, sizeof(*c));
	if (!p) {
		fprintf(stderr, "limitpcap: %s: %s\n", path, err);
		return -1;
	}
	c->data = calloc(MAX_FRAMES, sizeof(*c->data));
	c->len = calloc(MAX_FRAMES, sizeof(*c->len));
	if (!c->data || !c->len)
		return -1;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		if (c->n == MAX_FRAMES || h->caplen != h->len) {
			fprintf(stderr, "limitpcap: %s: too many or truncated frames\n", path);
			pcap_close(p);
			return -1;
		}
		c->data[c->n] = malloc(h->caplen + SRTP_SPACE);
		if (!c->data[c->n])
			return -1;
		memcpy(c->data[c->n], data, h->caplen);
		c->len[c->n++] = h->caplen;
	}
	pcap_close(p);
	return 0;
}

static void free_capture(struct capture *c)
{
	for (unsigned i = 0; i < c->n; i++)
		free(c->data[i]);
	free(c->data);
	free(c->len);
}

static int hex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* The UDP payload of an IPv4 frame, or NULL; *csum_ok: its UDP checksum
 * is present and right. */
static uint8_t *udp_payload(uint8_t *frame, uint32_t len, uint16_t *plen, int *csum_ok)
{
	struct rs_frame fr;
	uint32_t pseudo;
	uint16_t ulen;

	if (rs_parse_frame(frame, len, &fr) != RS_OK || fr.ip_version != 4)
		return NULL;
	ulen = (uint16_t)(fr.payload_len + UDP_LEN);
	pseudo = sum16(frame + fr.l3_off + 12, 8, 17u + ulen); /* addresses, protocol, length */
	*csum_ok = (frame[fr.l4_off + 6] || frame[fr.l4_off + 7]) &&
		   fold(sum16(frame + fr.l4_off, ulen, pseudo)) == 0;
	*plen = fr.payload_len;
	return frame + fr.payload_off;
}

static int cmd_check(char **argv)
{
	uint8_t master[KEY_LEN + SALT_LEN];
	uint32_t ssrcs[MAX_SSRCS];
	unsigned n_ssrcs = 0, verified = 0, failed = 0;
	unsigned long roc;
	struct capture in, out;
	srtp_policy_t pol;
	srtp_t session;
	uint8_t *used;

	if (hex(argv[2], master, KEY_LEN) || hex(argv[3], master + KEY_LEN, SALT_LEN) ||
	    number(argv[4], 0xffffffffUL, &roc)) {
		fprintf(stderr, "limitpcap: check needs a 16-byte key and 12-byte salt in hex, "
				"and a ROC\n");
		return EXIT_USAGE;
	}
	if (read_capture(argv[0], &in) || read_capture(argv[1], &out))
		return EXIT_USAGE;
	used = calloc(in.n + 1, 1);
	if (srtp_init() != srtp_err_status_ok || !used ||
	    srtp_create(&session, NULL) != srtp_err_status_ok) {
		fprintf(stderr, "limitpcap: libsrtp set-up failed\n");
		return EXIT_USAGE;
	}
	for (unsigned o = 0; o < out.n; o++) {
		uint16_t plen, ilen;
		int csum_ok = 0, in_csum;
		uint8_t *pl = udp_payload(out.data[o], out.len[o], &plen, &csum_ok);
		char what[96];
		const char *why = NULL;
		int is_rtcp, len;
		uint32_t ssrc, word = 0, cur_roc = 0;
		unsigned match = 0;
		srtp_err_status_t st;

		if (!pl || plen < RTP_LEN + 16) {
			printf("frame %u FAIL: not a UDP packet long enough for SRTP\n", o + 1);
			failed++;
			continue;
		}
		is_rtcp = pl[1] >= 192 && pl[1] <= 223;
		ssrc = get32(pl + (is_rtcp ? 4 : 8));
		if (is_rtcp) {
			word = get32(pl + plen - 4);
			snprintf(what, sizeof(what), "rtcp %08x word %08x", ssrc, word);
		} else {
			snprintf(what, sizeof(what), "rtp %08x %u", ssrc,
				 (unsigned)(pl[2] << 8 | pl[3]));
		}
		unsigned s = 0;
		for (; s < n_ssrcs && ssrcs[s] != ssrc; s++)
			;
		if (s == n_ssrcs) {
			/* a stream of its own, told the ROC the sender started at */
			memset(&pol, 0, sizeof(pol));
			srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
			srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
			pol.ssrc.type = ssrc_specific;
			pol.ssrc.value = ssrc;
			pol.key = master;
			pol.window_size = 0x7fff;
			if (n_ssrcs == MAX_SSRCS || srtp_add_stream(session, &pol) != 0 ||
			    srtp_set_stream_roc(session, ssrc, (uint32_t)roc) != 0) {
				fprintf(stderr, "limitpcap: libsrtp stream for %08x failed\n",
					ssrc);
				return EXIT_USAGE;
			}
			ssrcs[n_ssrcs++] = ssrc;
		}
		len = plen;
		if (!csum_ok) {
			printf("%s FAIL: UDP checksum missing or wrong\n", what);
			failed++;
			continue;
		}
		st = is_rtcp ? srtp_unprotect_rtcp(session, pl, &len)
			     : srtp_unprotect(session, pl, &len);
		if (st != srtp_err_status_ok) {
			why = srtp_err_status_auth_fail == st	  ? "libsrtp: auth_fail"
			      : srtp_err_status_replay_fail == st ? "libsrtp: replay_fail"
			      : srtp_err_status_replay_old == st  ? "libsrtp: replay_old"
								  : "libsrtp refused it";
		} else {
			for (unsigned i = 0; i < in.n && !match; i++) {
				uint8_t *q = udp_payload(in.data[i], in.len[i], &ilen, &in_csum);
				if (!used[i] && q && ilen == len && !memcmp(q, pl, ilen))
					match = i + 1;
			}
			if (!match)
				why = "no input frame has this clear payload";
		}
		if (!is_rtcp)
			srtp_get_stream_roc(session, ssrc, &cur_roc);
		if (why) {
			printf("%s FAIL: %s\n", what, why);
			failed++;
			continue;
		}
		used[match - 1] = 1;
		verified++;
		if (is_rtcp)
			printf("%s in %u ok\n", what, match);
		else
			printf("%s roc %08x in %u ok\n", what, cur_roc, match);
	}
	printf("%u verified, %u failed\n", verified, failed);
	srtp_dealloc(session);
	srtp_shutdown();
	memset(master, 0, sizeof(master));
	free(used);
	free_capture(&in);
	free_capture(&out);
	return failed ? EXIT_FAIL : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "write"))
		return cmd_write(argc - 2, argv + 2);
	if (argc == 7 && !strcmp(argv[1], "check"))
		return cmd_check(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "imb-version")) {
		printf("%s\n", imb_get_version_str());
		return 0;
	}
	fprintf(stderr, "usage: limitpcap write OUT.pcap ITEM...\n"
			"       limitpcap check IN.pcap OUT.pcap KEY_HEX SALT_HEX ROC\n"
			"       limitpcap imb-version\n");
	return EXIT_USAGE;
}
