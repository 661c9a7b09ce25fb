/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * badpcap: writes the small captures of tests/pcap_test.sh's bad-traffic
 * cases. Each KIND is a list of frames, good media interleaved with frames
 * that rtpseal must drop for exactly one reason (or pass through untouched),
 * every frame annotated with what must happen to it, so the expected counts
 * come from the construction of the capture itself.
 *
 *   badpcap KIND OUT.pcap KEY_HEX SALT_HEX
 *
 * The channel is AEAD_AES_128_GCM with master key KEY_HEX (16 bytes) and
 * master salt SALT_HEX (12 bytes), matching 10.0.0.2:5004 and
 * [2001:db8::2]:5004. Clear-side kinds (RTP in, for a clear port):
 * malformed, no_channel, stale_seq, no_tailroom, multiseg. Cipher-side
 * kinds (SRTP made by libsrtp2, for a cipher port): auth_fail, replay.
 *
 * Prints one line: "KIND: N frames, M drop REASON, P passthrough".
 * Exit status: 0 written, 1 write or libsrtp error, 2 usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <srtp2/srtp.h>

#include "frame_bytes.h"

enum {
	FRAME_MAX = 4200,
	MAX_FRAMES = 256,
	ETH_LEN = 14,
	IP4_LEN = 20,
	IP6_LEN = 40,
	UDP_LEN = 8,
	RTP_LEN = 12,
	CHANNEL_PORT = 5004,
	SRC_PORT = 40000,
	KEY_LEN = 16,
	SALT_LEN = 12,
	AUDIO_PAYLOAD = 160,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

/* What rtpseal must do with a frame. */
enum fate {
	SEALED_OR_OPENED = 0, /* media of the channel: goes out protected/opened */
	PASSED,		      /* not media: goes out byte for byte */
	DROPPED,	      /* counted under the kind's drop reason */
};

struct frame {
	uint8_t data[FRAME_MAX];
	size_t len;
	enum fate fate;
};

struct capture {
	struct frame f[MAX_FRAMES];
	unsigned n;
};

static const uint8_t chan4[4] = {10, 0, 0, 2};
static const uint8_t other4[4] = {10, 0, 0, 9};
static const uint8_t src4[4] = {10, 0, 0, 1};
static const uint8_t chan6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
static const uint8_t other6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
static const uint8_t src6[16] = {0xfd, [15] = 1};

static struct frame *new_frame(struct capture *c, enum fate fate)
{
	struct frame *f;

	if (c->n == MAX_FRAMES) {
		fprintf(stderr, "badpcap: too many frames\n");
		exit(EXIT_FAIL);
	}
	f = &c->f[c->n++];
	memset(f, 0, sizeof(*f));
	f->fate = fate;
	return f;
}

/* Ethernet + IPv4/IPv6 + UDP around payload; checksums valid. */
static void udp_frame(struct frame *f, int v6, const uint8_t *dst, uint16_t dport,
		      const uint8_t *payload, size_t plen)
{
	uint8_t *d = f->data;
	uint8_t *udp = d + ETH_LEN + (v6 ? IP6_LEN : IP4_LEN);
	uint16_t ulen = (uint16_t)(UDP_LEN + plen);
	uint32_t s;

	memcpy(d, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	put16(d + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		uint8_t *ip = d + ETH_LEN;
		ip[0] = 0x60;
		put16(ip + 4, ulen);
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, src6, 16);
		memcpy(ip + 24, dst, 16);
		s = sum16(ip + 8, 32, 0);
	} else {
		uint8_t *ip = d + ETH_LEN;
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(IP4_LEN + ulen));
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, src4, 4);
		memcpy(ip + 16, dst, 4);
		put16(ip + 10, fold(sum16(ip, IP4_LEN, 0)));
		s = sum16(ip + 12, 8, 0);
	}
	put16(udp, SRC_PORT);
	put16(udp + 2, dport);
	put16(udp + 4, ulen);
	memcpy(udp + UDP_LEN, payload, plen);
	s += 17 + ulen;
	s = sum16(udp, ulen, s);
	put16(udp + 6, fold(s) ? fold(s) : 0xffff);
	f->len = (size_t)(udp - d) + ulen;
}

/* An RTP packet of plen payload bytes (a pattern of ssrc, seq and salt). */
static size_t rtp(uint8_t *p, uint32_t ssrc, uint16_t seq, size_t plen, uint8_t salt)
{
	p[0] = 0x80;
	p[1] = 8; /* PCMA: audio */
	put16(p + 2, seq);
	put32(p + 4, (uint32_t)seq * 160);
	put32(p + 8, ssrc);
	for (size_t i = 0; i < plen; i++)
		p[RTP_LEN + i] = (uint8_t)(seq + i * 7 + salt);
	return RTP_LEN + plen;
}

/* An RTCP packet of total bytes (a multiple of 4): PT 204 (APP) whose
 * length field covers it all. */
static size_t rtcp(uint8_t *p, uint32_t ssrc, size_t total)
{
	memset(p, 0x5a, total);
	p[0] = 0x80;
	p[1] = 204;
	put16(p + 2, (uint16_t)(total / 4 - 1));
	put32(p + 4, ssrc);
	memcpy(p + 8, "TEST", 4);
	return total;
}

static void add_udp(struct capture *c, enum fate fate, int v6, const uint8_t *dst, uint16_t dport,
		    const uint8_t *payload, size_t plen)
{
	udp_frame(new_frame(c, fate), v6, dst, dport, payload, plen);
}

/* A clear RTP packet of the good stream to the channel (IPv4). */
static void add_rtp(struct capture *c, enum fate fate, uint32_t ssrc, uint16_t seq, uint8_t salt)
{
	uint8_t p[RTP_LEN + AUDIO_PAYLOAD];
	size_t n = rtp(p, ssrc, seq, AUDIO_PAYLOAD, salt);

	add_udp(c, fate, 0, chan4, CHANNEL_PORT, p, n);
}

/* An RTP frame of exactly frame_len bytes to the channel (IPv4). */
static void add_rtp_sized(struct capture *c, enum fate fate, uint32_t ssrc, uint16_t seq,
			  size_t frame_len)
{
	static uint8_t p[FRAME_MAX];
	size_t n = rtp(p, ssrc, seq, frame_len - ETH_LEN - IP4_LEN - UDP_LEN - RTP_LEN, 0);

	add_udp(c, fate, 0, chan4, CHANNEL_PORT, p, n);
}

static void add_rtcp_sized(struct capture *c, enum fate fate, uint32_t ssrc, size_t frame_len)
{
	static uint8_t p[FRAME_MAX];
	size_t n = rtcp(p, ssrc, frame_len - ETH_LEN - IP4_LEN - UDP_LEN);

	add_udp(c, fate, 0, chan4, CHANNEL_PORT, p, n);
}

/* A raw UDP payload to the channel (bytes given literally). */
static void add_raw(struct capture *c, enum fate fate, int v6, const uint8_t *p, size_t n)
{
	add_udp(c, fate, v6, v6 ? chan6 : chan4, CHANNEL_PORT, p, n);
}

/* ---- clear-side kinds ---------------------------------------------------- */

#define GOOD_SSRC 0x11111111u

/* A small valid RTP frame to the channel, for malforming afterwards. */
static struct frame *small_rtp(struct capture *c, int v6)
{
	struct frame *f = new_frame(c, DROPPED);
	uint8_t p[RTP_LEN + 20];
	size_t n = rtp(p, GOOD_SSRC, 1, 20, 0);

	udp_frame(f, v6, v6 ? chan6 : chan4, CHANNEL_PORT, p, n);
	return f;
}

static void kind_malformed(struct capture *c)
{
	uint16_t seq = 3000;
	uint8_t p[64];
	struct frame *f;

#define GOOD() add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0)
	GOOD();
	/* Ethernet header cut short */
	f = new_frame(c, DROPPED);
	memcpy(f->data, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00", 10);
	f->len = 10;
	GOOD();
	/* three VLAN tags */
	f = small_rtp(c, 0);
	memmove(f->data + 12 + 12, f->data + 12, f->len - 12);
	for (int i = 0; i < 3; i++) {
		put16(f->data + 12 + 4 * i, 0x8100);
		put16(f->data + 14 + 4 * i, (uint16_t)(100 + i));
	}
	f->len += 12;
	GOOD();
	/* IPv4 header cut short */
	f = small_rtp(c, 0);
	f->len = ETH_LEN + 12;
	GOOD();
	/* IPv4 IHL 4 */
	f = small_rtp(c, 0);
	f->data[ETH_LEN] = 0x44;
	GOOD();
	/* IPv4 total length past the frame */
	f = small_rtp(c, 0);
	put16(f->data + ETH_LEN + 2, (uint16_t)(f->len - ETH_LEN + 100));
	put16(f->data + ETH_LEN + 10, 0);
	put16(f->data + ETH_LEN + 10, fold(sum16(f->data + ETH_LEN, IP4_LEN, 0)));
	GOOD();
	/* UDP header cut short: IPv4 total length 24 */
	f = small_rtp(c, 0);
	put16(f->data + ETH_LEN + 2, IP4_LEN + 4);
	put16(f->data + ETH_LEN + 10, 0);
	put16(f->data + ETH_LEN + 10, fold(sum16(f->data + ETH_LEN, IP4_LEN, 0)));
	f->len = ETH_LEN + IP4_LEN + 4;
	GOOD();
	/* UDP length larger than the IP payload */
	f = small_rtp(c, 0);
	put16(f->data + ETH_LEN + IP4_LEN + 4, UDP_LEN + RTP_LEN + 20 + 8);
	GOOD();
	/* IPv6 header cut short */
	f = small_rtp(c, 1);
	f->len = ETH_LEN + 30;
	GOOD();
	/* IPv6 payload length past the frame */
	f = small_rtp(c, 1);
	put16(f->data + ETH_LEN + 4, 200);
	GOOD();
	/* RTP header cut short: 8 bytes */
	add_raw(c, DROPPED, 0, (const uint8_t *)"\x80\x08\x00\x01\x00\x00\x00\x00", 8);
	GOOD();
	/* CSRC count 15, 8 bytes after the fixed header */
	rtp(p, GOOD_SSRC, 1, 8, 0);
	p[0] = 0x8f;
	add_raw(c, DROPPED, 0, p, RTP_LEN + 8);
	GOOD();
	/* the same over IPv6 */
	add_raw(c, DROPPED, 1, p, RTP_LEN + 8);
	GOOD();
	/* header extension of 50 words in a 24-byte packet */
	rtp(p, GOOD_SSRC, 1, 12, 0);
	p[0] = 0x90;
	put16(p + 12, 0xbede);
	put16(p + 14, 50);
	add_raw(c, DROPPED, 0, p, RTP_LEN + 12);
	GOOD();
	/* header extension header cut short */
	add_raw(c, DROPPED, 0, p, RTP_LEN + 2);
	GOOD();
	/* padding count 0 */
	rtp(p, GOOD_SSRC, 1, 40, 0);
	p[0] = 0xa0;
	p[RTP_LEN + 39] = 0;
	add_raw(c, DROPPED, 0, p, RTP_LEN + 40);
	GOOD();
	/* padding count larger than the payload */
	p[RTP_LEN + 39] = 200;
	add_raw(c, DROPPED, 0, p, RTP_LEN + 40);
	GOOD();
	/* RTCP shorter than its 8-byte header */
	add_raw(c, DROPPED, 0, (const uint8_t *)"\x80\xc8\x00\x01\x11\x11", 6);
	GOOD();
	/* RTCP whose length field leaves no room for the sender SSRC */
	add_raw(c, DROPPED, 0, (const uint8_t *)"\x80\xc8\x00\x00\x11\x11\x11\x11", 8);
	GOOD();
	/* RTP version 1, 3 and 0: RFC 7983 demux does not see RTP, so these
	 * are "other"/STUN traffic and pass through untouched */
	rtp(p, GOOD_SSRC, 1, 40, 0);
	p[0] = 0x40;
	add_raw(c, PASSED, 0, p, RTP_LEN + 40);
	GOOD();
	p[0] = 0xc0;
	add_raw(c, PASSED, 0, p, RTP_LEN + 40);
	GOOD();
	p[0] = 0x00;
	add_raw(c, PASSED, 0, p, RTP_LEN + 40);
	GOOD();
#undef GOOD
}

static void kind_no_channel(struct capture *c)
{
	uint16_t seq = 100;
	uint8_t p[RTP_LEN + AUDIO_PAYLOAD];
	size_t n;

	for (int i = 0; i < 3; i++) {
		add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0);
		n = rtp(p, 0x33333333, (uint16_t)(7000 + i), AUDIO_PAYLOAD, 0);
		add_udp(c, DROPPED, 0, other4, 7000, p, n);
	}
	/* RTCP to the unconfigured destination */
	n = rtcp(p, 0x33333333, 32);
	add_udp(c, DROPPED, 0, other4, 7000, p, n);
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0);
	/* the channel's address but another port */
	n = rtp(p, 0x44444444, 1, 100, 0);
	add_udp(c, DROPPED, 0, chan4, CHANNEL_PORT + 2, p, n);
	/* the channel's port but another IPv6 address */
	n = rtp(p, 0x55555555, 1, 100, 0);
	add_udp(c, DROPPED, 1, other6, CHANNEL_PORT, p, n);
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0);
	/* STUN to the unconfigured destination: not media, passes */
	memset(p, 0, 20);
	p[1] = 1;
	put32(p + 4, 0x2112a442);
	add_udp(c, PASSED, 0, other4, 7000, p, 20);
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq, 0);
}

static void kind_stale_seq(struct capture *c)
{
	for (uint16_t s = 3000; s < 3020; s++) {
		add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, s, 0);
		if (s == 3010)
			add_rtp(c, DROPPED, GOOD_SSRC, 3005, 0); /* an exact repeat */
		if (s == 3012)
			add_rtp(c, DROPPED, GOOD_SSRC, 3010, 1); /* same seq, other payload */
	}
	add_rtp(c, DROPPED, GOOD_SSRC, 100, 0); /* older than the window */
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, 3025, 0);
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, 3022, 0); /* late, in the window: sealed */
	add_rtp(c, DROPPED, GOOD_SSRC, 3025, 0);
	/* a second stream repeats its first packet */
	add_rtp(c, SEALED_OR_OPENED, 0x66666666, 7000, 0);
	add_rtp(c, SEALED_OR_OPENED, 0x66666666, 7001, 0);
	add_rtp(c, DROPPED, 0x66666666, 7000, 0);
	add_rtcp_sized(c, SEALED_OR_OPENED, GOOD_SSRC, 100);
	add_rtcp_sized(c, SEALED_OR_OPENED, GOOD_SSRC, 100); /* RTCP has its own index */
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, 3026, 0);
}

/* Frames up to the 2048-byte mbuf data room: RTP needs 16 bytes of
 * tailroom, RTCP 20. */
static void kind_no_tailroom(struct capture *c)
{
	uint16_t seq = 500;

	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0);
	add_rtp_sized(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 2032); /* exactly 16 left */
	add_rtp_sized(c, DROPPED, GOOD_SSRC, seq++, 2033);
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0);
	add_rtp_sized(c, DROPPED, GOOD_SSRC, seq++, 2040);
	add_rtcp_sized(c, SEALED_OR_OPENED, GOOD_SSRC, 2026); /* 22 left */
	add_rtcp_sized(c, DROPPED, GOOD_SSRC, 2030);	      /* 18 left */
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq, 0);
}

/* Frames longer than one mbuf: net_pcap chains segments. */
static void kind_multiseg(struct capture *c)
{
	uint16_t seq = 800;

	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0);
	add_rtp_sized(c, DROPPED, GOOD_SSRC, seq++, 2049);
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0);
	add_rtp_sized(c, DROPPED, GOOD_SSRC, seq++, 3000);
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq++, 0);
	add_rtcp_sized(c, DROPPED, GOOD_SSRC, 4002);
	add_rtp(c, SEALED_OR_OPENED, GOOD_SSRC, seq, 0);
}

/* ---- cipher-side kinds: SRTP from libsrtp2 -------------------------------- */

struct sessions {
	srtp_t right; /* the channel's key */
	srtp_t wrong; /* another key */
};

static srtp_t session(const uint8_t key[KEY_LEN + SALT_LEN])
{
	srtp_policy_t pol;
	srtp_t s = NULL;
	uint8_t k[KEY_LEN + SALT_LEN];

	memcpy(k, key, sizeof(k));
	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
	srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
	pol.key = k;
	pol.ssrc.type = ssrc_any_outbound;
	pol.window_size = 1024;
	if (srtp_create(&s, &pol) != srtp_err_status_ok) {
		fprintf(stderr, "badpcap: srtp_create failed\n");
		exit(EXIT_FAIL);
	}
	return s;
}

/* SRTP of (ssrc, seq) under s, over IPv4 or IPv6, with byte flip (if not
 * 0) XORed into the last ciphertext byte. */
static void add_srtp(struct capture *c, enum fate fate, srtp_t s, int v6, uint32_t ssrc,
		     uint16_t seq, uint8_t flip)
{
	uint8_t p[RTP_LEN + AUDIO_PAYLOAD + SRTP_MAX_TRAILER_LEN];
	int len = (int)rtp(p, ssrc, seq, AUDIO_PAYLOAD, 0);

	if (srtp_protect(s, p, &len) != srtp_err_status_ok) {
		fprintf(stderr, "badpcap: srtp_protect seq %u failed\n", seq);
		exit(EXIT_FAIL);
	}
	p[RTP_LEN + AUDIO_PAYLOAD - 1] ^= flip;
	add_udp(c, fate, v6, v6 ? chan6 : chan4, CHANNEL_PORT, p, (size_t)len);
}

static void add_srtcp(struct capture *c, enum fate fate, srtp_t s, uint32_t ssrc)
{
	uint8_t p[64 + SRTP_MAX_TRAILER_LEN + 4]; /* + E||index */
	int len = (int)rtcp(p, ssrc, 64);

	if (srtp_protect_rtcp(s, p, &len) != srtp_err_status_ok) {
		fprintf(stderr, "badpcap: srtp_protect_rtcp failed\n");
		exit(EXIT_FAIL);
	}
	add_udp(c, fate, 0, chan4, CHANNEL_PORT, p, (size_t)len);
}

static void kind_auth_fail(struct capture *c, const struct sessions *k)
{
	for (uint16_t s = 500; s < 520; s++) {
		int wrong = s == 505 || s == 510 || s == 515;
		add_srtp(c, wrong ? DROPPED : SEALED_OR_OPENED, wrong ? k->wrong : k->right, 0,
			 GOOD_SSRC, s, 0);
		if (s == 512) /* a bit flipped in the ciphertext */
			add_srtp(c, DROPPED, k->right, 0, GOOD_SSRC, 530, 0x01);
	}
	add_srtp(c, SEALED_OR_OPENED, k->right, 0, GOOD_SSRC, 531, 0);
	/* a forgery does not move the replay window: the genuine packet of the
	 * same index that follows still opens (a forgery of an index already
	 * received would count as replay, checked first as in RFC 3711) */
	add_srtp(c, DROPPED, k->wrong, 0, GOOD_SSRC, 540, 0);
	add_srtp(c, SEALED_OR_OPENED, k->right, 0, GOOD_SSRC, 540, 0);
	add_srtcp(c, DROPPED, k->wrong, GOOD_SSRC);
	add_srtcp(c, SEALED_OR_OPENED, k->right, GOOD_SSRC);
	add_srtp(c, SEALED_OR_OPENED, k->right, 1, 0x77777777, 9000, 0);
	add_srtp(c, DROPPED, k->wrong, 1, 0x77777777, 9001, 0);
	add_srtp(c, SEALED_OR_OPENED, k->right, 1, 0x77777777, 9002, 0);
}

static void copy_frame(struct capture *c, enum fate fate, unsigned from)
{
	struct frame *f = new_frame(c, fate);

	memcpy(f->data, c->f[from].data, c->f[from].len);
	f->len = c->f[from].len;
}

static void kind_replay(struct capture *c, const struct sessions *k)
{
	unsigned seq5 = 0, rtcp_at, old_at;
	struct frame old;

	/* protected in index order (libsrtp refuses otherwise), sent later */
	add_srtp(c, SEALED_OR_OPENED, k->right, 0, GOOD_SSRC, 1500, 0);
	old_at = c->n - 1;
	old = c->f[old_at];
	c->n--;
	for (uint16_t s = 3000; s < 3020; s++) {
		if (s == 3005)
			seq5 = c->n;
		add_srtp(c, SEALED_OR_OPENED, k->right, 0, GOOD_SSRC, s, 0);
		if (s == 3010 || s == 3015)
			copy_frame(c, DROPPED, seq5);
	}
	add_srtcp(c, SEALED_OR_OPENED, k->right, GOOD_SSRC);
	rtcp_at = c->n - 1;
	add_srtcp(c, SEALED_OR_OPENED, k->right, GOOD_SSRC);
	copy_frame(c, DROPPED, rtcp_at);
	/* seq 1500 after 3019: older than the 1024-packet window */
	c->f[c->n] = old;
	c->f[c->n++].fate = DROPPED;
	add_srtp(c, SEALED_OR_OPENED, k->right, 0, GOOD_SSRC, 3020, 0);
}

/* ---- main ------------------------------------------------------------------ */

static int unhex(const char *s, uint8_t *out, size_t n)
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

static int write_pcap(const struct capture *c, const char *path)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = p ? pcap_dump_open(p, path) : NULL;

	if (!d) {
		fprintf(stderr, "badpcap: cannot write %s: %s\n", path, p ? pcap_geterr(p) : "");
		if (p)
			pcap_close(p);
		return -1;
	}
	for (unsigned i = 0; i < c->n; i++) {
		struct pcap_pkthdr h;
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = 1704067200 + i / 50;
		h.ts.tv_usec = (i % 50) * 20000;
		h.caplen = (bpf_u_int32)c->f[i].len;
		h.len = h.caplen;
		pcap_dump((u_char *)d, &h, c->f[i].data);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

static void usage(FILE *to)
{
	fputs("usage: badpcap KIND OUT.pcap KEY_HEX SALT_HEX\n"
	      "  KIND: malformed no_channel stale_seq no_tailroom multiseg (clear side)\n"
	      "        auth_fail replay (cipher side: SRTP made by libsrtp2)\n"
	      "  channel: AEAD_AES_128_GCM, 16-byte key, 12-byte salt (hex),\n"
	      "           match 10.0.0.2:5004, [2001:db8::2]:5004\n"
	      "Prints \"KIND: N frames, M drop REASON, P passthrough\".\n",
	      to);
}

int main(int argc, char **argv)
{
	static struct capture cap;
	uint8_t key[KEY_LEN + SALT_LEN];
	struct sessions k;
	unsigned dropped = 0, passed = 0;
	const char *kind;
	int rc = 0;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 5 || unhex(argv[3], key, KEY_LEN) || unhex(argv[4], key + KEY_LEN, SALT_LEN)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	kind = argv[1];
	if (srtp_init() != srtp_err_status_ok) {
		fprintf(stderr, "badpcap: srtp_init failed\n");
		return EXIT_FAIL;
	}
	k.right = session(key);
	for (unsigned i = 0; i < KEY_LEN; i++)
		key[i] ^= 0xa5;
	k.wrong = session(key);
	memset(key, 0, sizeof(key));

	if (!strcmp(kind, "malformed"))
		kind_malformed(&cap);
	else if (!strcmp(kind, "no_channel"))
		kind_no_channel(&cap);
	else if (!strcmp(kind, "stale_seq"))
		kind_stale_seq(&cap);
	else if (!strcmp(kind, "no_tailroom"))
		kind_no_tailroom(&cap);
	else if (!strcmp(kind, "multiseg"))
		kind_multiseg(&cap);
	else if (!strcmp(kind, "auth_fail"))
		kind_auth_fail(&cap, &k);
	else if (!strcmp(kind, "replay"))
		kind_replay(&cap, &k);
	else {
		fprintf(stderr, "badpcap: unknown KIND '%s'\n", kind);
		usage(stderr);
		rc = EXIT_USAGE;
	}
	srtp_dealloc(k.right);
	srtp_dealloc(k.wrong);
	srtp_shutdown();
	if (rc)
		return rc;
	if (write_pcap(&cap, argv[2]) < 0)
		return EXIT_FAIL;
	for (unsigned i = 0; i < cap.n; i++) {
		dropped += cap.f[i].fate == DROPPED;
		passed += cap.f[i].fate == PASSED;
	}
	printf("%s: %u frames, %u drop %s, %u passthrough\n", kind, cap.n, dropped, kind, passed);
	return 0;
}
