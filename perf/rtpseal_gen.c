/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtpseal-gen: write the RTP traffic model of lib/rs_gen.h to a pcap file
 * (Ethernet, microsecond timestamps) for tcpreplay, TRex, pktgen and the
 * tests. Frames are stamped with their media time from 2024-01-01T00:00:00Z,
 * or paced at a fixed rate with --rate. The same options and seed always
 * give the same file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_gen.h"

enum { EXIT_USAGE = 2, DEFAULT_DURATION_S = 5, DEFAULT_PORT = 5004, MAX_CHANNELS = 16384 };

static const char usage_text[] =
    "usage: rtpseal-gen -o FILE [options]\n"
    "\n"
    "Write synthetic RTP/RTCP traffic (rtpseal's generator model) to a pcap\n"
    "file: per channel several audio and video streams, each from its own UDP\n"
    "source port with its own SSRC; audio 20 ms packets of 60-320 bytes,\n"
    "video 30 fps frames cut into packets of up to 1200 bytes with a key\n"
    "frame about every 2 s, an RTCP SR+SDES per stream per second.\n"
    "\n"
    "  -o, --output FILE          pcap file to write (required)\n"
    "      --channel ADDR:PORT[/AUDIO_PT/VIDEO_PT]\n"
    "                             a channel's destination; repeat for more.\n"
    "                             IPv6 as [ADDR]:PORT. Payload types default\n"
    "                             to 0 (PCMU, 8 kHz) and 96; 64-95 are refused\n"
    "                             (they read as RTCP when multiplexed)\n"
    "      --channels N           without --channel: N channels 10.0.0.2 port\n"
    "                             5004, 5006, ... (default 1)\n"
    "      --streams-per-channel N  streams per channel (default 4)\n"
    "      --audio-share P        percent of the streams that are audio,\n"
    "                             0-100 (default 70)\n"
    "      --no-rtcp              no RTCP sender reports\n"
    "      --noise PERMILLE       STUN, DTLS and ARP frames per 1000 frames,\n"
    "                             0-999 (default 0)\n"
    "      --rate PPS             stamp frames at PPS frames per second from\n"
    "                             the start instead of at their media time\n"
    "      --duration S           stop after S seconds of media time (may be\n"
    "                             fractional; with --rate the file then spans\n"
    "                             frames/PPS seconds)\n"
    "      --count N              stop after N frames; with --duration, at\n"
    "                             whichever comes first. Default: --duration 5\n"
    "      --seed N               random seed (default 1); same seed, same file\n"
    "      --no-udp-checksum      leave IPv4 UDP checksums 0 (IPv6 always has one)\n"
    "      --src-mac MAC          Ethernet source (default 02:00:00:00:00:01)\n"
    "      --dst-mac MAC          Ethernet destination (default 02:00:00:00:00:02)\n"
    "  -h, --help                 this text\n"
    "\n"
    "A one-line summary goes to stderr. Exit status: 0 on success, 1 if the\n"
    "file cannot be written, 2 on a bad option.\n";

enum opt_id {
	OPT_CHANNEL = 256,
	OPT_CHANNELS,
	OPT_STREAMS,
	OPT_AUDIO_SHARE,
	OPT_NO_RTCP,
	OPT_NOISE,
	OPT_RATE,
	OPT_DURATION,
	OPT_COUNT,
	OPT_SEED,
	OPT_NO_UDP_CSUM,
	OPT_SRC_MAC,
	OPT_DST_MAC,
};

static const struct option long_opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"channel", required_argument, NULL, OPT_CHANNEL},
    {"channels", required_argument, NULL, OPT_CHANNELS},
    {"streams-per-channel", required_argument, NULL, OPT_STREAMS},
    {"audio-share", required_argument, NULL, OPT_AUDIO_SHARE},
    {"no-rtcp", no_argument, NULL, OPT_NO_RTCP},
    {"noise", required_argument, NULL, OPT_NOISE},
    {"rate", required_argument, NULL, OPT_RATE},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"count", required_argument, NULL, OPT_COUNT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"no-udp-checksum", no_argument, NULL, OPT_NO_UDP_CSUM},
    {"src-mac", required_argument, NULL, OPT_SRC_MAC},
    {"dst-mac", required_argument, NULL, OPT_DST_MAC},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct options {
	const char *output;
	struct rs_gen_channel *channels; /* from --channel */
	unsigned n_channels;
	unsigned channels_n; /* --channels */
	struct rs_gen_conf conf;
	double rate;	 /* 0: media time */
	double duration; /* seconds; 0: none */
	uint64_t count;	 /* 0: none */
};

struct totals {
	uint64_t frames;
	uint64_t bytes;
	uint64_t by_kind[RS_KIND_RTCP + 1];
	uint64_t arp;
	uint64_t audio; /* RTP packets */
	uint64_t video;
	uint64_t key_frame_packets;
	uint64_t last_ns;
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "rtpseal-gen: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'rtpseal-gen --help'.\n");
	return EXIT_USAGE;
}

/* A whole decimal number in [min, max]. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_unsigned(const char *s, unsigned min, unsigned max, unsigned *out)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v))
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A finite number above 0. */
static int parse_positive(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0)
		return -1;
	*out = v;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int pt_usable(unsigned pt)
{
	return pt <= 127 && (pt < 64 || pt > 95);
}

/* "/AUDIO_PT/VIDEO_PT" after the port, or nothing. */
static int parse_pts(const char *s, struct rs_gen_channel *ch)
{
	char copy[32];
	char *video;
	unsigned a, v;

	if (*s == '\0')
		return 0;
	if (*s != '/' || strlen(s) >= sizeof(copy))
		return -1;
	strcpy(copy, s + 1);
	video = strchr(copy, '/');
	if (!video)
		return -1;
	*video++ = '\0';
	if (parse_unsigned(copy, 0, 127, &a) || parse_unsigned(video, 0, 127, &v) ||
	    !pt_usable(a) || !pt_usable(v))
		return -1;
	ch->audio_pt = (uint8_t)a;
	ch->video_pt = (uint8_t)v;
	return 0;
}

/* ADDR:PORT[/A/V], [ADDR6]:PORT[/A/V] */
static int parse_channel(const char *arg, struct rs_gen_channel *ch)
{
	char addr[INET6_ADDRSTRLEN + 1];
	char port[8];
	const char *colon, *rest;
	size_t alen, plen;
	unsigned p;

	memset(ch, 0, sizeof(*ch));
	ch->video_pt = 96;
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');

		if (!close || close[1] != ':')
			return -1;
		alen = (size_t)(close - arg - 1);
		if (alen == 0 || alen >= sizeof(addr))
			return -1;
		memcpy(addr, arg + 1, alen);
		addr[alen] = '\0';
		colon = close + 1;
		ch->ip_version = 6;
	} else {
		colon = strchr(arg, ':');
		if (!colon || strchr(colon + 1, ':'))
			return -1; /* no port, or IPv6 without brackets */
		alen = (size_t)(colon - arg);
		if (alen == 0 || alen >= sizeof(addr))
			return -1;
		memcpy(addr, arg, alen);
		addr[alen] = '\0';
		ch->ip_version = 4;
	}
	rest = colon + 1 + strcspn(colon + 1, "/");
	plen = (size_t)(rest - colon - 1);
	if (plen == 0 || plen >= sizeof(port))
		return -1;
	memcpy(port, colon + 1, plen);
	port[plen] = '\0';
	if (parse_unsigned(port, 1, 65535, &p))
		return -1;
	ch->dst_port = (uint16_t)p;
	if (inet_pton(ch->ip_version == 4 ? AF_INET : AF_INET6, addr, ch->dst_addr) != 1)
		return -1;
	return parse_pts(rest, ch);
}

static int add_channel(struct options *o, const char *arg)
{
	struct rs_gen_channel *grown;

	if (o->n_channels == MAX_CHANNELS)
		return usage_error("too many --channel options (at most %s)", "16384");
	grown = realloc(o->channels, (o->n_channels + 1) * sizeof(*grown));
	if (!grown) {
		fprintf(stderr, "rtpseal-gen: out of memory\n");
		return 1;
	}
	o->channels = grown;
	if (parse_channel(arg, &o->channels[o->n_channels]))
		return usage_error("bad --channel '%s': want ADDR:PORT[/AUDIO_PT/VIDEO_PT] or "
				   "[IPV6]:PORT[/AUDIO_PT/VIDEO_PT], port 1-65535, payload "
				   "types 0-63 or 96-127",
				   arg);
	o->n_channels++;
	return 0;
}

/* One option; 0, or the exit status to leave with. */
static int apply_option(struct options *o, int c, const char *arg)
{
	struct rs_gen_conf *conf = &o->conf;
	uint64_t v;

	switch (c) {
	case 'o':
		o->output = arg;
		return 0;
	case OPT_CHANNEL:
		return add_channel(o, arg);
	case OPT_CHANNELS:
		if (parse_unsigned(arg, 1, 16384, &o->channels_n))
			return usage_error("bad --channels '%s': want 1-16384", arg);
		return 0;
	case OPT_STREAMS:
		if (parse_unsigned(arg, 1, 65535, &conf->streams_per_channel))
			return usage_error("bad --streams-per-channel '%s': want 1-65535", arg);
		return 0;
	case OPT_AUDIO_SHARE:
		if (parse_unsigned(arg, 0, 100, &conf->audio_share))
			return usage_error("bad --audio-share '%s': want a percentage 0-100", arg);
		return 0;
	case OPT_NO_RTCP:
		conf->rtcp = 0;
		return 0;
	case OPT_NOISE:
		if (parse_unsigned(arg, 0, 999, &conf->noise_permille))
			return usage_error("bad --noise '%s': want frames per 1000, 0-999", arg);
		return 0;
	case OPT_RATE:
		if (parse_positive(arg, &o->rate))
			return usage_error("bad --rate '%s': want packets per second above 0", arg);
		return 0;
	case OPT_DURATION:
		if (parse_positive(arg, &o->duration) || o->duration > 1e9)
			return usage_error("bad --duration '%s': want seconds above 0", arg);
		return 0;
	case OPT_COUNT:
		if (parse_u64(arg, 1, UINT64_MAX, &o->count))
			return usage_error("bad --count '%s': want a frame count above 0", arg);
		return 0;
	case OPT_SEED:
		if (parse_u64(arg, 0, UINT64_MAX, &v))
			return usage_error("bad --seed '%s': want an unsigned integer", arg);
		conf->seed = v;
		return 0;
	case OPT_NO_UDP_CSUM:
		conf->udp_checksum = 0;
		return 0;
	case OPT_SRC_MAC:
		if (parse_mac(arg, conf->src_mac))
			return usage_error("bad --src-mac '%s': want xx:xx:xx:xx:xx:xx", arg);
		return 0;
	case OPT_DST_MAC:
		if (parse_mac(arg, conf->dst_mac))
			return usage_error("bad --dst-mac '%s': want xx:xx:xx:xx:xx:xx", arg);
		return 0;
	case 'h':
		fputs(usage_text, stdout);
		exit(0);
	default:
		return usage_error("%s", "unknown option or missing argument");
	}
}

/* Without --channel: N channels to 10.0.0.2, ports 5004, 5006, ... */
static int default_channels(struct options *o)
{
	unsigned n = o->channels_n ? o->channels_n : 1, i;

	if ((uint64_t)DEFAULT_PORT + 2ull * (n - 1) > UINT16_MAX)
		return usage_error("%s", "--channels: ports 5004+2i would run past 65535");
	o->channels = calloc(n, sizeof(*o->channels));
	if (!o->channels) {
		fprintf(stderr, "rtpseal-gen: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct rs_gen_channel *ch = &o->channels[i];

		ch->ip_version = 4;
		ch->dst_addr[0] = 10;
		ch->dst_addr[3] = 2;
		ch->dst_port = (uint16_t)(DEFAULT_PORT + 2 * i);
		ch->audio_pt = 0;
		ch->video_pt = 96;
	}
	o->n_channels = n;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	rs_gen_conf_init(&o->conf);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) {
		if (c == '?') {
			char shortopt[3] = {'-', (char)optopt, '\0'};

			return usage_error("option '%s' is unknown or lacks its argument",
					   optopt ? shortopt : argv[optind - 1]);
		}
		rc = apply_option(o, c, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->output)
		return usage_error("%s", "-o/--output FILE is required");
	if (o->n_channels && o->channels_n)
		return usage_error("%s", "--channels N and --channel are exclusive");
	if (!o->n_channels && (rc = default_channels(o)) != 0)
		return rc;
	if (!o->count && !o->duration)
		o->duration = DEFAULT_DURATION_S;
	o->conf.channels = o->channels;
	o->conf.n_channels = o->n_channels;
	return 0;
}

static void count_frame(struct totals *t, const struct rs_gen_info *info, size_t len)
{
	t->frames++;
	t->bytes += len;
	t->last_ns = info->time_ns;
	if (info->is_arp) {
		t->arp++;
		return;
	}
	t->by_kind[info->kind]++;
	if (info->kind != RS_KIND_RTP)
		return;
	if (info->media == RS_CLASS_AUDIO)
		t->audio++;
	else
		t->video++;
	t->key_frame_packets += info->key_frame;
}

static void frame_time(const struct options *o, uint64_t index, uint64_t media_ns,
		       struct timeval *tv)
{
	uint64_t us = o->rate ? (uint64_t)((double)index * 1e6 / o->rate) : media_ns / 1000;

	tv->tv_sec = (time_t)(RS_GEN_EPOCH_UNIX + us / 1000000);
	tv->tv_usec = (suseconds_t)(us % 1000000);
}

static int generate(const struct options *o, struct rs_gen *g, pcap_dumper_t *out, struct totals *t)
{
	uint64_t limit_ns = o->duration ? (uint64_t)(o->duration * 1e9) : UINT64_MAX;
	static uint8_t buf[RS_GEN_FRAME_MAX];
	struct rs_gen_info info;
	struct pcap_pkthdr hdr;
	size_t len;

	while (!o->count || t->frames < o->count) {
		len = rs_gen_next(g, buf, sizeof(buf), &info);
		if (len == 0) {
			fprintf(stderr, "rtpseal-gen: generator produced no frame\n");
			return 1;
		}
		if (info.time_ns >= limit_ns)
			break;
		frame_time(o, t->frames, info.time_ns, &hdr.ts);
		hdr.caplen = hdr.len = (bpf_u_int32)len;
		pcap_dump((u_char *)out, &hdr, buf);
		count_frame(t, &info, len);
	}
	return 0;
}

static void summary(const struct options *o, const struct rs_gen *g, const struct totals *t)
{
	fprintf(stderr,
		"rtpseal-gen: %s: %" PRIu64 " frames (rtp %" PRIu64 ", rtcp %" PRIu64
		", stun %" PRIu64 ", dtls %" PRIu64 ", arp %" PRIu64 "), audio %" PRIu64
		", video %" PRIu64 " (key-frame %" PRIu64 "), rtcp %" PRIu64 ", %" PRIu64
		" bytes, %u channels, %u streams, %.3f s of media\n",
		o->output, t->frames, t->by_kind[RS_KIND_RTP], t->by_kind[RS_KIND_RTCP],
		t->by_kind[RS_KIND_STUN], t->by_kind[RS_KIND_DTLS], t->arp, t->audio, t->video,
		t->key_frame_packets, t->by_kind[RS_KIND_RTCP], t->bytes, o->n_channels,
		rs_gen_stream_count(g), (double)t->last_ns / 1e9);
}

int main(int argc, char **argv)
{
	struct options o;
	struct totals t = {0};
	struct rs_gen *g;
	pcap_t *dead;
	pcap_dumper_t *out;
	enum rs_status st;
	int rc = parse_args(argc, argv, &o);

	if (rc) {
		free(o.channels);
		return rc;
	}
	g = rs_gen_new(&o.conf, &st);
	if (!g) {
		/* every other field was checked while parsing */
		fprintf(stderr, "rtpseal-gen: cannot set up the generator: %s%s\n", rs_strerror(st),
			st == RS_ERR_INVALID_ARG ? ": channels x streams-per-channel too large "
						   "(source ports 40000+2i must stay below 65536)"
						 : "");
		free(o.channels);
		return st == RS_ERR_INVALID_ARG ? EXIT_USAGE : 1;
	}
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	out = dead ? pcap_dump_open(dead, o.output) : NULL;
	if (!out) {
		fprintf(stderr, "rtpseal-gen: cannot write %s: %s\n", o.output,
			dead ? pcap_geterr(dead) : "pcap_open_dead failed");
		rc = 1;
	} else {
		rc = generate(&o, g, out, &t);
		if (pcap_dump_flush(out) != 0) {
			fprintf(stderr, "rtpseal-gen: error writing %s\n", o.output);
			rc = 1;
		}
		pcap_dump_close(out);
		if (rc == 0)
			summary(&o, g, &t);
	}
	if (dead)
		pcap_close(dead);
	rs_gen_free(g);
	free(o.channels);
	return rc;
}
