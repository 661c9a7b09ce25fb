/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * srtp_pcap_check: the independent oracle of the pcap-in, pcap-out tests.
 * rtpseal read IN and wrote OUT; this tool decides whether OUT is right,
 * with libsrtp2 as the SRTP implementation (never rtpseal's own seal/open).
 *
 * Each frame of IN gets an expectation: passed through byte for byte, or
 * media of a configured channel whose UDP payload must come out sealed
 * (seal) or opened (open), or, on the open side, refused by libsrtp and so
 * due to be dropped. OUT is then walked in order: each OUT frame must meet
 * the expectation of an IN frame at or after the current one; the IN frames
 * it skips were dropped by rtpseal. A hash index of the expectations finds
 * that frame without scanning. Each protected frame goes through libsrtp
 * exactly once and in capture order, so libsrtp's replay window also
 * catches a sealed index sent twice (nonce reuse).
 *
 * Exit status: 0 every check passed, 1 a check failed, 2 usage or input
 * error. Key bytes are never printed.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <pcap/pcap.h>
#include <srtp2/srtp.h>

#include "rs_keys.h"
#include "rs_parse.h"

enum {
	MAX_KEYS = 64,
	MAX_MATCHES = 256,
	MAX_LISTED = 10, /* mismatches and drops described one by one */
	REASON_LEN = 200,
	ETH_MAC_LEN = 12,   /* destination and source MAC */
	ETH_MIN_FRAME = 60, /* shortest Ethernet frame without FCS: may carry padding */
	/* libsrtp accepts 64..0x7fff; the widest window still catches a
	 * sealed index sent twice, however far apart. */
	REPLAY_WINDOW = 0x7fff,
	KEY_FILE_MAX = 4096,
	MATCH_TEXT_MAX = 80, /* one ADDR:PORT */
	LABEL_MAX = 512,     /* a key's comma-separated MATCH list */
	EXIT_MISMATCH = 1,
	EXIT_USAGE = 2,
};

#define NO_FRAME SIZE_MAX

static const uint64_t HASH_PASS_SEED = 0xcbf29ce484222325ULL;
static const uint64_t HASH_CLEAR_SEED = 0x84222325cbf29ce4ULL;

struct frame {
	uint8_t *data;
	uint32_t caplen;
	uint32_t len;
};

struct capture {
	struct frame *f;
	size_t n;
	size_t cap;
};

/* A channel's match: UDP destination (address, port), address "*" = any. */
struct channel_match {
	uint8_t any_addr;
	uint8_t ip_version;
	uint8_t addr[16];
	uint16_t port;
	unsigned key;
};

struct channel_key {
	char label[LABEL_MAX]; /* the MATCH list: names the key in messages */
	srtp_t rx;	       /* libsrtp receiver, ssrc_any_inbound */
};

enum expect {
	EXP_PASS = 0, /* byte-identical in OUT */
	EXP_MEDIA,    /* OUT carries this clear payload, sealed (seal) or as is (open) */
	EXP_DROP,     /* open: libsrtp refused the input, so rtpseal must drop it */
};

/* What one frame (of IN or OUT) is and what clear payload it stands for. */
struct info {
	struct rs_frame fr;
	enum rs_status parse;
	uint8_t media; /* RTP or RTCP to a configured channel */
	uint8_t rtcp;
	unsigned key;
	enum expect expect;   /* IN only */
	const uint8_t *clear; /* clear UDP payload, or NULL */
	uint8_t *owned;	      /* the buffer clear points into, if unprotected */
	uint16_t clear_len;
	const char *why; /* why there is no clear payload (libsrtp's refusal) */
	uint64_t hash_pass;
	uint64_t hash_clear;
};

struct index_entry {
	uint64_t hash;
	size_t frame;
};

struct listed {
	size_t in; /* 0-based, NO_FRAME for none */
	size_t out;
	char reason[REASON_LEN];
};

struct report {
	size_t verified;
	size_t verified_rtp;
	size_t verified_rtcp;
	size_t passthrough;
	size_t dropped;
	size_t in_refused; /* open: input frames libsrtp refused */
	size_t mismatches;
	size_t extra_out;
	size_t mac_rewritten;
	size_t udp_csum_zero;
	struct listed mismatch[MAX_LISTED];
	size_t n_mismatch;
	size_t drop[MAX_LISTED];
	size_t n_drop;
};

struct check {
	const char *in_path;
	const char *out_path;
	int open_dir;
	int json;
	int ignore_mac;
	unsigned long expect_drops;
	struct channel_key keys[MAX_KEYS];
	unsigned n_keys;
	struct channel_match matches[MAX_MATCHES];
	unsigned n_matches;
	struct capture in;
	struct capture out;
	struct info *in_info;
	struct info *out_info;
	struct index_entry *index;
	size_t n_index;
	struct report rep;
};

static void usage(FILE *to)
{
	fputs(
	    "usage: srtp_pcap_check --in IN.pcap --out OUT.pcap --key MATCH=MODE:KEY[:SALT] ...\n"
	    "                       [--key-file MATCH=MODE:PATH[:SALT] ...] [--direction "
	    "seal|open]\n"
	    "                       [--expect-drops N] [--ignore-mac] [--json]\n"
	    "\n"
	    "Checks the pcap rtpseal wrote (OUT) against the pcap it read (IN), with libsrtp2\n"
	    "as the independent SRTP/SRTCP implementation.\n"
	    "\n"
	    "  --in FILE          the capture rtpseal read\n"
	    "  --out FILE         the capture rtpseal wrote\n"
	    "  --key SPEC         one channel, MATCH=MODE:KEY[:SALT]; repeat for more channels\n"
	    "      MATCH  UDP destination ADDR:PORT, *:PORT or [IPV6]:PORT; several,\n"
	    "             comma-separated, share one key (and one libsrtp receiver)\n"
	    "      MODE   AEAD_AES_128_GCM, AEAD_AES_256_GCM: KEY:SALT in hex, or KEY "
	    "inline:BASE64\n"
	    "             AES_128_GCM2, AES_256_GCM2: key string, SALT 32 bytes base64 or hex\n"
	    "             AES_128_GCM, AES_256_GCM: key string only (everything after MODE:)\n"
	    "             the salt is what follows the last ':'\n"
	    "  --key-file SPEC    as --key, MATCH=MODE:PATH[:SALT]: the key is the file's content\n"
	    "                     without its trailing newline (for keys that contain ':')\n"
	    "  --direction DIR    seal (default): IN clear, OUT protected; open: IN protected,\n"
	    "                     OUT clear\n"
	    "  --expect-drops N   input frames rtpseal must have dropped (default 0)\n"
	    "  --ignore-mac       passthrough frames may differ in their MAC addresses too\n"
	    "  --json             print one JSON object instead of the summary\n"
	    "\n"
	    "Seal: RTP/RTCP to a configured MATCH must come out as SRTP/SRTCP that libsrtp\n"
	    "unprotects to exactly the input UDP payload, with the input's Ethernet/IP/UDP\n"
	    "headers except lengths and checksums (which must be valid) and MAC addresses.\n"
	    "Open: libsrtp unprotects the input; the output payload must equal the result.\n"
	    "Every other frame must come out byte-identical. Frames missing from OUT count\n"
	    "as dropped. Exit status: 0 all checks passed, 1 a check failed, 2 usage/input "
	    "error.\n",
	    to);
}

/* printf into an optional reason buffer. */
static void say(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (!why || n == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
}

static const char *srtp_status_text(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return "ok";
	case srtp_err_status_bad_param:
		return "libsrtp: bad_param (too short or malformed)";
	case srtp_err_status_auth_fail:
		return "libsrtp: auth_fail (tag did not verify)";
	case srtp_err_status_cipher_fail:
		return "libsrtp: cipher_fail";
	case srtp_err_status_replay_fail:
		return "libsrtp: replay_fail (index already received)";
	case srtp_err_status_replay_old:
		return "libsrtp: replay_old (index older than the replay window)";
	case srtp_err_status_no_ctx:
		return "libsrtp: no_ctx";
	case srtp_err_status_parse_err:
		return "libsrtp: parse_err (malformed header)";
	case srtp_err_status_key_expired:
		return "libsrtp: key_expired";
	case srtp_err_status_pkt_idx_old:
		return "libsrtp: pkt_idx_old";
	case srtp_err_status_pkt_idx_adv:
		return "libsrtp: pkt_idx_adv";
	default:
		return "libsrtp: libsrtp failure";
	}
}

/* ---- captures ---------------------------------------------------------- */

static int capture_add(struct capture *c, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 1024;
		struct frame *f = realloc(c->f, cap * sizeof(*f));
		if (!f)
			return -1;
		c->f = f;
		c->cap = cap;
	}
	/* one spare byte: a zero-length frame still gets a buffer */
	c->f[c->n].data = malloc((size_t)h->caplen + 1);
	if (!c->f[c->n].data)
		return -1;
	memcpy(c->f[c->n].data, bytes, h->caplen);
	c->f[c->n].caplen = h->caplen;
	c->f[c->n].len = h->len;
	c->n++;
	return 0;
}

static int capture_load(const char *path, struct capture *c)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *bytes;
	pcap_t *p = pcap_open_offline(path, err);
	int rc, ret = 0;

	if (!p) {
		/* libpcap names the file in some errors only */
		fprintf(stderr, "srtp_pcap_check: %s%s%s\n",
			strncmp(err, path, strlen(path)) ? path : "",
			strncmp(err, path, strlen(path)) ? ": " : "", err);
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "srtp_pcap_check: %s: link type %s, not Ethernet\n", path,
			pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		return -1;
	}
	while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
		if (capture_add(c, h, bytes) != 0) {
			fprintf(stderr, "srtp_pcap_check: out of memory\n");
			ret = -1;
			break;
		}
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "srtp_pcap_check: %s: %s\n", path, pcap_geterr(p));
		ret = -1;
	}
	pcap_close(p);
	return ret;
}

static void capture_free(struct capture *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->f[i].data);
	free(c->f);
}

/* ---- keys and matches -------------------------------------------------- */

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 65535 || *s == '-' || *s == '+')
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* ADDR:PORT, *:PORT or [IPV6]:PORT. */
static int parse_match(const char *text, struct channel_match *m)
{
	char buf[MATCH_TEXT_MAX];
	char *host = buf, *colon;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	memset(m, 0, sizeof(*m));
	if (buf[0] == '[') {
		char *close = strstr(buf, "]:");
		if (!close)
			return -1;
		*close = '\0';
		m->ip_version = 6;
		return inet_pton(AF_INET6, buf + 1, m->addr) == 1 ? parse_port(close + 2, &m->port)
								  : -1;
	}
	colon = strrchr(buf, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	if (strcmp(host, "*") == 0)
		m->any_addr = 1;
	else if (inet_pton(AF_INET, host, m->addr) == 1)
		m->ip_version = 4;
	else
		return -1;
	return parse_port(colon + 1, &m->port);
}

static int same_match(const struct channel_match *a, const struct channel_match *b)
{
	return a->port == b->port && a->any_addr == b->any_addr && a->ip_version == b->ip_version &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* The comma-separated MATCH list of one key. */
static int add_matches(struct check *c, const char *list, unsigned key)
{
	char buf[LABEL_MAX];
	char *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		struct channel_match m;
		if (parse_match(item, &m) != 0) {
			fprintf(stderr,
				"srtp_pcap_check: bad MATCH '%s' (ADDR:PORT, *:PORT, [V6]:PORT)\n",
				item);
			return -1;
		}
		for (unsigned i = 0; i < c->n_matches; i++) {
			if (same_match(&c->matches[i], &m)) {
				fprintf(stderr, "srtp_pcap_check: MATCH '%s' given twice\n", item);
				return -1;
			}
		}
		if (c->n_matches == MAX_MATCHES) {
			fprintf(stderr, "srtp_pcap_check: more than %d matches\n", MAX_MATCHES);
			return -1;
		}
		m.key = key;
		c->matches[c->n_matches++] = m;
	}
	return 0;
}

/* Exact (address, port) first, then the port-only wildcard (DESIGN §4). */
static const struct channel_match *lookup(const struct check *c, const struct rs_frame *fr)
{
	const struct channel_match *wild = NULL;

	for (unsigned i = 0; i < c->n_matches; i++) {
		const struct channel_match *m = &c->matches[i];
		if (m->port != fr->dst_port)
			continue;
		if (m->any_addr) {
			if (!wild)
				wild = m;
		} else if (m->ip_version == fr->ip_version &&
			   memcmp(m->addr, fr->dst_addr, m->ip_version == 4 ? 4 : 16) == 0) {
			return m;
		}
	}
	return wild;
}

static int mode_is_aead(enum rs_mode mode)
{
	return mode == RS_MODE_AEAD_AES_128_GCM || mode == RS_MODE_AEAD_AES_256_GCM;
}

/* Where the salt starts in REST (which it cuts), or NULL: after the last
 * ':' for the modes that take one, except an SDES inline: key (which holds
 * its salt) and a key-file path that names an existing file as a whole. */
static char *split_salt(enum rs_mode mode, char *rest, int from_file)
{
	char *colon;

	if (mode == RS_MODE_AES_128_GCM || mode == RS_MODE_AES_256_GCM)
		return NULL;
	if (!from_file && mode_is_aead(mode) && strncmp(rest, "inline:", 7) == 0)
		return NULL;
	if (from_file && access(rest, F_OK) == 0)
		return NULL;
	colon = strrchr(rest, ':');
	if (!colon)
		return NULL;
	*colon = '\0';
	return colon + 1;
}

/* The key file's content without its line ending; *len excludes it. */
static char *read_key_file(const char *path, size_t *len)
{
	char *buf = malloc(KEY_FILE_MAX + 1);
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (!buf || !f) {
		fprintf(stderr, "srtp_pcap_check: key file %s: %s\n", path,
			buf ? strerror(errno) : "out of memory");
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	n = fread(buf, 1, KEY_FILE_MAX + 1, f);
	fclose(f);
	if (n > KEY_FILE_MAX) {
		fprintf(stderr, "srtp_pcap_check: key file %s: larger than %d bytes\n", path,
			KEY_FILE_MAX);
		OPENSSL_cleanse(buf, KEY_FILE_MAX + 1);
		free(buf);
		return NULL;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* One receiving libsrtp session: AEAD AES-GCM, 16-byte tag, RTP and RTCP. */
static int make_session(const struct rs_master_key *mk, srtp_t *out)
{
	uint8_t key[RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN];
	srtp_policy_t p;
	srtp_err_status_t st;

	memset(&p, 0, sizeof(p));
	if (mk->key_len == 16) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
	} else {
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtcp);
	}
	memcpy(key, mk->key, mk->key_len);
	memcpy(key + mk->key_len, mk->salt, RS_MASTER_SALT_LEN);
	p.key = key;
	p.ssrc.type = ssrc_any_inbound;
	p.window_size = REPLAY_WINDOW;
	p.next = NULL;
	st = srtp_create(out, &p);
	OPENSSL_cleanse(key, sizeof(key));
	if (st != srtp_err_status_ok) {
		fprintf(stderr, "srtp_pcap_check: srtp_create: %s\n", srtp_status_text(st));
		return -1;
	}
	return 0;
}

/* The master key of MODE from REST (KEY[:SALT] or PATH[:SALT]). */
static int make_master(enum rs_mode mode, char *rest, int from_file, const char *label,
		       struct rs_master_key *mk)
{
	const char *salt = split_salt(mode, rest, from_file);
	char *key = rest;
	size_t key_len = strlen(rest);
	enum rs_status st;

	if (from_file) {
		key = read_key_file(rest, &key_len);
		if (!key)
			return -1;
	}
	st = rs_master_key_make(mode, key, key_len, salt, mk);
	if (from_file) {
		OPENSSL_cleanse(key, key_len);
		free(key);
	}
	if (st != RS_OK) {
		fprintf(stderr, "srtp_pcap_check: key for %s (%s): %s\n", label, rs_mode_name(mode),
			rs_strerror(st));
		return -1;
	}
	return 0;
}

/* --key / --key-file MATCH=MODE:REST. Messages name MATCH and MODE only. */
static int add_key(struct check *c, const char *spec, int from_file)
{
	const char *eq = strchr(spec, '=');
	const char *colon = eq ? strchr(eq + 1, ':') : NULL;
	struct channel_key *k = &c->keys[c->n_keys];
	struct rs_master_key mk;
	char mode_name[32];
	enum rs_status st;
	enum rs_mode mode;
	char *rest;
	int ret;

	if (!eq || !colon || eq == spec || (size_t)(colon - eq - 1) >= sizeof(mode_name) ||
	    (size_t)(eq - spec) >= sizeof(k->label)) {
		fprintf(stderr, "srtp_pcap_check: --key%s: expected MATCH=MODE:%s\n",
			from_file ? "-file" : "", from_file ? "PATH[:SALT]" : "KEY[:SALT]");
		return -1;
	}
	if (c->n_keys == MAX_KEYS) {
		fprintf(stderr, "srtp_pcap_check: more than %d keys\n", MAX_KEYS);
		return -1;
	}
	memcpy(k->label, spec, (size_t)(eq - spec));
	k->label[eq - spec] = '\0';
	memcpy(mode_name, eq + 1, (size_t)(colon - eq - 1));
	mode_name[colon - eq - 1] = '\0';
	st = rs_mode_from_name(mode_name, &mode);
	if (st != RS_OK) {
		fprintf(stderr, "srtp_pcap_check: %s: mode '%s': %s\n", k->label, mode_name,
			rs_strerror(st));
		return -1;
	}
	if (add_matches(c, k->label, c->n_keys) != 0)
		return -1;
	rest = strdup(colon + 1);
	if (!rest)
		return -1;
	ret = make_master(mode, rest, from_file, k->label, &mk);
	OPENSSL_cleanse(rest, strlen(rest));
	free(rest);
	if (ret == 0)
		ret = make_session(&mk, &k->rx);
	rs_master_key_wipe(&mk);
	if (ret == 0)
		c->n_keys++;
	return ret;
}

/* ---- checksums ---------------------------------------------------------- */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static int ipv4_csum_ok(const uint8_t *ip, size_t ihl)
{
	return fold(sum16(ip, ihl, 0)) == 0xffff;
}

enum csum { CSUM_VALID, CSUM_INVALID, CSUM_ZERO };

/* A zero UDP checksum means "none" in IPv4 and is invalid in IPv6. */
static enum csum udp_csum_state(const uint8_t *frame, const struct rs_frame *fr)
{
	const uint8_t *udp = frame + fr->l4_off;
	size_t udp_len = (size_t)fr->payload_len + 8;
	size_t alen = fr->ip_version == 4 ? 4 : 16;
	uint32_t s = 0;

	if (udp[6] == 0 && udp[7] == 0)
		return CSUM_ZERO;
	s = sum16(fr->src_addr, alen, s);
	s = sum16(fr->dst_addr, alen, s);
	s += 17 + (uint32_t)udp_len;
	return fold(sum16(udp, udp_len, s)) == 0xffff ? CSUM_VALID : CSUM_INVALID;
}

/* ---- expectations ------------------------------------------------------ */

static uint64_t fnv1a(const uint8_t *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Hash of what a passthrough comparison looks at: length and the bytes
 * after the MAC addresses (which --ignore-mac lets differ). */
static uint64_t hash_pass(const struct frame *f)
{
	uint8_t len[4] = {(uint8_t)(f->caplen >> 24), (uint8_t)(f->caplen >> 16),
			  (uint8_t)(f->caplen >> 8), (uint8_t)f->caplen};
	size_t skip = f->caplen < ETH_MAC_LEN ? f->caplen : ETH_MAC_LEN;

	return fnv1a(f->data + skip, f->caplen - skip, fnv1a(len, sizeof(len), HASH_PASS_SEED));
}

/* Parse a frame and say whether it is RTP/RTCP of a configured channel. */
static void classify(const struct check *c, const struct frame *f, struct info *inf)
{
	const struct channel_match *m;
	enum rs_payload_kind kind;

	inf->parse = rs_parse_frame(f->data, f->caplen, &inf->fr);
	if (inf->parse != RS_OK)
		return;
	m = lookup(c, &inf->fr);
	if (!m)
		return;
	kind = rs_demux(f->data + inf->fr.payload_off, inf->fr.payload_len);
	if (kind != RS_KIND_RTP && kind != RS_KIND_RTCP)
		return;
	inf->media = 1;
	inf->rtcp = kind == RS_KIND_RTCP;
	inf->key = m->key;
}

/* libsrtp unprotects a copy of the frame's UDP payload; with check_e, an
 * SRTCP packet must also carry E = 1 (rtpseal always encrypts SRTCP). */
static void unprotect(const struct check *c, const struct frame *f, struct info *inf, int check_e)
{
	const uint8_t *payload = f->data + inf->fr.payload_off;
	size_t n = inf->fr.payload_len;
	uint8_t *buf = malloc(n + 1);
	int len = (int)n;
	srtp_err_status_t st;

	if (!buf) {
		inf->why = "out of memory";
		return;
	}
	memcpy(buf, payload, n);
	st = inf->rtcp ? srtp_unprotect_rtcp(c->keys[inf->key].rx, buf, &len)
		       : srtp_unprotect(c->keys[inf->key].rx, buf, &len);
	if (st != srtp_err_status_ok) {
		inf->why = srtp_status_text(st);
		free(buf);
		return;
	}
	if (check_e && inf->rtcp && !(payload[n - 4] & 0x80)) {
		inf->why = "SRTCP E flag clear: RTCP not encrypted";
		free(buf);
		return;
	}
	inf->owned = buf;
	inf->clear = buf;
	inf->clear_len = (uint16_t)len;
}

static void prepare_in(const struct check *c, const struct frame *f, struct info *inf)
{
	classify(c, f, inf);
	inf->hash_pass = hash_pass(f);
	inf->expect = EXP_PASS;
	if (!inf->media)
		return;
	if (c->open_dir) {
		unprotect(c, f, inf, 0);
		inf->expect = inf->clear ? EXP_MEDIA : EXP_DROP;
	} else {
		inf->clear = f->data + inf->fr.payload_off;
		inf->clear_len = inf->fr.payload_len;
		inf->expect = EXP_MEDIA;
	}
	if (inf->clear)
		inf->hash_clear = fnv1a(inf->clear, inf->clear_len, HASH_CLEAR_SEED);
}

static void prepare_out(const struct check *c, const struct frame *f, struct info *inf)
{
	classify(c, f, inf);
	inf->hash_pass = hash_pass(f);
	if (inf->parse != RS_OK)
		return;
	if (c->open_dir) {
		inf->clear = f->data + inf->fr.payload_off;
		inf->clear_len = inf->fr.payload_len;
	} else if (inf->media) {
		unprotect(c, f, inf, 1);
	}
	if (inf->clear)
		inf->hash_clear = fnv1a(inf->clear, inf->clear_len, HASH_CLEAR_SEED);
}

static int cmp_index(const void *a, const void *b)
{
	const struct index_entry *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

/* Both kinds of expectation in one sorted array; the seeds keep a
 * passthrough hash from meeting a clear-payload hash. */
static int build_index(struct check *c)
{
	c->index = calloc(c->in.n ? c->in.n : 1, sizeof(*c->index));
	if (!c->index)
		return -1;
	for (size_t i = 0; i < c->in.n; i++) {
		const struct info *inf = &c->in_info[i];
		if (inf->expect == EXP_DROP)
			continue;
		c->index[c->n_index].hash =
		    inf->expect == EXP_PASS ? inf->hash_pass : inf->hash_clear;
		c->index[c->n_index++].frame = i;
	}
	qsort(c->index, c->n_index, sizeof(*c->index), cmp_index);
	return 0;
}

/* ---- matching one IN frame with one OUT frame --------------------------- */

static size_t first_diff(const uint8_t *a, const uint8_t *b, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++)
		if (a[i] != b[i])
			return i;
	return n;
}

static int match_pass(const struct check *c, const struct frame *in, const struct frame *out,
		      char *why, size_t n)
{
	size_t d;

	if (in->caplen != out->caplen || in->len != out->len) {
		say(why, n, "passthrough frame is %u bytes, input %u", out->caplen, in->caplen);
		return 0;
	}
	d = first_diff(in->data, out->data, in->caplen, c->ignore_mac ? ETH_MAC_LEN : 0);
	if (d < in->caplen) {
		say(why, n, "passthrough frame differs from input at byte %zu", d);
		return 0;
	}
	return 1;
}

/* IP header bytes other than the length and checksum fields. */
static size_t ip_header_diff(const uint8_t *a, const uint8_t *b, const struct rs_frame *fr)
{
	size_t len = (size_t)fr->l4_off - fr->l3_off;

	for (size_t i = 0; i < len; i++) {
		int skip = fr->ip_version == 4 ? (i == 2 || i == 3 || i == 10 || i == 11)
					       : (i == 4 || i == 5);
		if (!skip && a[i] != b[i])
			return i;
	}
	return len;
}

/* The OUT frame's headers against the IN frame's (DESIGN §4 step 8). */
static int check_headers(const struct frame *in, const struct info *ii, const struct frame *out,
			 const struct info *oi, char *why, size_t n)
{
	const struct rs_frame *a = &ii->fr, *b = &oi->fr;
	const uint8_t *ob = out->data;
	size_t d, end = (size_t)b->l3_off + b->ip_len;
	enum csum csum;

	if (a->ip_version != b->ip_version || a->l3_off != b->l3_off || a->l4_off != b->l4_off) {
		say(why, n, "header layout differs from input (VLAN tags, IP version, IP options)");
		return 0;
	}
	if (memcmp(in->data + ETH_MAC_LEN, ob + ETH_MAC_LEN, a->l3_off - ETH_MAC_LEN) != 0) {
		say(why, n, "EtherType or VLAN tags differ from input");
		return 0;
	}
	d = ip_header_diff(in->data + a->l3_off, ob + b->l3_off, a);
	if (d < (size_t)a->l4_off - a->l3_off) {
		say(why, n, "IPv%u header differs from input at header byte %zu", a->ip_version, d);
		return 0;
	}
	if (b->ip_version == 4 && !ipv4_csum_ok(ob + b->l3_off, (size_t)b->l4_off - b->l3_off)) {
		say(why, n, "IPv4 header checksum invalid");
		return 0;
	}
	if (memcmp(in->data + a->l4_off, ob + b->l4_off, 4) != 0) {
		say(why, n, "UDP ports differ from input");
		return 0;
	}
	csum = udp_csum_state(ob, b);
	if (csum == CSUM_INVALID || (csum == CSUM_ZERO && b->ip_version == 6)) {
		say(why, n, "UDP checksum %s",
		    csum == CSUM_ZERO ? "zero (mandatory in IPv6)" : "invalid");
		return 0;
	}
	if (out->caplen > end && out->caplen > ETH_MIN_FRAME) {
		say(why, n, "%zu bytes after the IP datagram", (size_t)out->caplen - end);
		return 0;
	}
	if (out->caplen != out->len) {
		say(why, n, "frame truncated in the capture (%u of %u bytes)", out->caplen,
		    out->len);
		return 0;
	}
	return 1;
}

static int check_payload(const struct check *c, const struct info *ii, const struct info *oi,
			 char *why, size_t n)
{
	const char *what = ii->rtcp ? "RTCP" : "RTP";
	size_t d;

	if (!oi->clear) {
		if (oi->why)
			say(why, n, "output is not valid S%s: %s", what, oi->why);
		else
			say(why, n, "output payload is not S%s", what);
		return 0;
	}
	if (oi->clear_len != ii->clear_len) {
		if (c->open_dir)
			say(why, n, "output %s payload is %u bytes, libsrtp opens the input to %u",
			    what, oi->clear_len, ii->clear_len);
		else
			say(why, n, "libsrtp opens the output to %u bytes, input %s payload is %u",
			    oi->clear_len, what, ii->clear_len);
		return 0;
	}
	d = first_diff(ii->clear, oi->clear, ii->clear_len, 0);
	if (d < ii->clear_len) {
		say(why, n, "%s payload differs at byte %zu (%s)", what, d,
		    c->open_dir ? "output vs input opened by libsrtp"
				: "output opened by libsrtp vs input");
		return 0;
	}
	return 1;
}

static int match_media(const struct check *c, const struct frame *in, const struct info *ii,
		       const struct frame *out, const struct info *oi, char *why, size_t n)
{
	char hdr[REASON_LEN] = "", pay[REASON_LEN] = "";
	int ok_h, ok_p;

	if (oi->parse != RS_OK) {
		say(why, n, "output frame does not parse as Ethernet/IP/UDP: %s",
		    rs_strerror(oi->parse));
		return 0;
	}
	ok_h = check_headers(in, ii, out, oi, why ? hdr : NULL, sizeof(hdr));
	ok_p = check_payload(c, ii, oi, why ? pay : NULL, sizeof(pay));
	if (ok_h && ok_p)
		return 1;
	say(why, n, "%s%s%s", hdr, !ok_h && !ok_p ? "; " : "", pay);
	return 0;
}

/* Does OUT frame j meet IN frame i's expectation? why: what does not. */
static int match(const struct check *c, size_t i, size_t j, char *why, size_t n)
{
	const struct info *ii = &c->in_info[i];

	switch (ii->expect) {
	case EXP_PASS:
		return match_pass(c, &c->in.f[i], &c->out.f[j], why, n);
	case EXP_MEDIA:
		return match_media(c, &c->in.f[i], ii, &c->out.f[j], &c->out_info[j], why, n);
	default:
		say(why, n, "input should have been dropped (%s)", ii->why);
		return 0;
	}
}

/* First IN frame >= from whose hash is h and which OUT frame j matches. */
static size_t find_with_hash(const struct check *c, uint64_t h, size_t from, size_t j)
{
	size_t lo = 0, hi = c->n_index;
	struct index_entry key = {h, from};

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_index(&c->index[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->n_index && c->index[lo].hash == h; lo++)
		if (match(c, c->index[lo].frame, j, NULL, 0))
			return c->index[lo].frame;
	return NO_FRAME;
}

static size_t find_match(const struct check *c, size_t from, size_t j)
{
	const struct info *oi = &c->out_info[j];
	size_t a = find_with_hash(c, oi->hash_pass, from, j);
	size_t b = oi->clear ? find_with_hash(c, oi->hash_clear, from, j) : NO_FRAME;

	return a < b ? a : b;
}

/* ---- the walk ------------------------------------------------------------ */

static void note_drop(struct check *c, size_t i)
{
	struct report *r = &c->rep;

	if (r->n_drop < MAX_LISTED)
		r->drop[r->n_drop++] = i;
	r->dropped++;
	if (c->in_info[i].expect == EXP_DROP)
		r->in_refused++;
}

static void note_mismatch(struct check *c, size_t i, size_t j, const char *reason)
{
	struct report *r = &c->rep;

	if (r->n_mismatch < MAX_LISTED) {
		struct listed *l = &r->mismatch[r->n_mismatch++];
		l->in = i;
		l->out = j;
		snprintf(l->reason, sizeof(l->reason), "%s", reason);
	}
	r->mismatches++;
}

static void note_match(struct check *c, size_t i, size_t j)
{
	const struct info *ii = &c->in_info[i], *oi = &c->out_info[j];
	const struct frame *in = &c->in.f[i], *out = &c->out.f[j];
	struct report *r = &c->rep;
	size_t mac = in->caplen < ETH_MAC_LEN ? in->caplen : ETH_MAC_LEN;

	if (memcmp(in->data, out->data, mac) != 0)
		r->mac_rewritten++;
	if (ii->expect == EXP_PASS) {
		r->passthrough++;
		return;
	}
	r->verified++;
	if (ii->rtcp)
		r->verified_rtcp++;
	else
		r->verified_rtp++;
	if (udp_csum_state(out->data, &oi->fr) == CSUM_ZERO)
		r->udp_csum_zero++;
}

/* An OUT frame that stands for no IN frame: say what it may be. */
static void note_extra(struct check *c, size_t i, size_t j)
{
	const struct info *oi = &c->out_info[j];
	size_t k = find_match(c, 0, j);
	char why[REASON_LEN];

	if (k < i)
		say(why, sizeof(why),
		    "unexpected output frame: matches input #%zu, already passed "
		    "(reordered or sent twice)",
		    k + 1);
	else if (oi->why)
		say(why, sizeof(why), "unexpected output frame (%s)", oi->why);
	else
		say(why, sizeof(why), "unexpected output frame: matches no %sinput frame",
		    i == c->in.n ? "remaining " : "");
	note_mismatch(c, NO_FRAME, j, why);
	c->rep.extra_out++;
}

/* OUT frame j matches no IN frame from i on: an extra frame when no IN
 * frame is left or OUT j+1 matches IN i, else a wrong version of IN i.
 * Returns the new i. */
static size_t unmatched(struct check *c, size_t i, size_t j)
{
	char why[REASON_LEN];

	while (i < c->in.n && c->in_info[i].expect == EXP_DROP)
		note_drop(c, i++);
	if (i == c->in.n || (j + 1 < c->out.n && match(c, i, j + 1, NULL, 0))) {
		note_extra(c, i, j);
		return i;
	}
	match(c, i, j, why, sizeof(why));
	note_mismatch(c, i, j, why);
	return i + 1;
}

static void walk(struct check *c)
{
	size_t i = 0;

	for (size_t j = 0; j < c->out.n; j++) {
		size_t k = find_match(c, i, j);
		if (k == NO_FRAME) {
			i = unmatched(c, i, j);
			continue;
		}
		while (i < k)
			note_drop(c, i++);
		note_match(c, i++, j);
	}
	while (i < c->in.n)
		note_drop(c, i++);
}

/* ---- output -------------------------------------------------------------- */

static int passed(const struct check *c)
{
	return c->rep.mismatches == 0 && c->rep.dropped == c->expect_drops;
}

static json_t *frame_no(size_t i)
{
	return i == NO_FRAME ? json_null() : json_integer((json_int_t)i + 1);
}

static void print_json(const struct check *c)
{
	const struct report *r = &c->rep;
	json_t *o = json_object(), *mm = json_array(), *dr = json_array();

	for (size_t k = 0; k < r->n_mismatch; k++)
		json_array_append_new(
		    mm, json_pack("{s:o,s:o,s:s}", "in", frame_no(r->mismatch[k].in), "out",
				  frame_no(r->mismatch[k].out), "reason", r->mismatch[k].reason));
	for (size_t k = 0; k < r->n_drop; k++)
		json_array_append_new(dr, frame_no(r->drop[k]));
	json_object_set_new(o, "ok", json_boolean(passed(c)));
	json_object_set_new(o, "direction", json_string(c->open_dir ? "open" : "seal"));
	json_object_set_new(o, "frames_in", json_integer((json_int_t)c->in.n));
	json_object_set_new(o, "frames_out", json_integer((json_int_t)c->out.n));
	json_object_set_new(o, "sealed_verified",
			    json_integer(c->open_dir ? 0 : (json_int_t)r->verified));
	json_object_set_new(o, "opened_verified",
			    json_integer(c->open_dir ? (json_int_t)r->verified : 0));
	json_object_set_new(o, "rtp_verified", json_integer((json_int_t)r->verified_rtp));
	json_object_set_new(o, "rtcp_verified", json_integer((json_int_t)r->verified_rtcp));
	json_object_set_new(o, "passthrough_identical", json_integer((json_int_t)r->passthrough));
	json_object_set_new(o, "dropped", json_integer((json_int_t)r->dropped));
	json_object_set_new(o, "expect_drops", json_integer((json_int_t)c->expect_drops));
	json_object_set_new(o, "input_refused", json_integer((json_int_t)r->in_refused));
	json_object_set_new(o, "mismatches", json_integer((json_int_t)r->mismatches));
	json_object_set_new(o, "unexpected_out", json_integer((json_int_t)r->extra_out));
	json_object_set_new(o, "mac_rewritten", json_integer((json_int_t)r->mac_rewritten));
	json_object_set_new(o, "udp_checksum_zero", json_integer((json_int_t)r->udp_csum_zero));
	json_object_set_new(o, "first_mismatches", mm);
	json_object_set_new(o, "first_drops", dr);
	json_dumpf(o, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(o);
}

static void print_frame(const char *side, size_t i)
{
	if (i == NO_FRAME)
		printf("%s -", side);
	else
		printf("%s #%zu", side, i + 1);
}

static void print_human(const struct check *c)
{
	const struct report *r = &c->rep;

	printf("srtp_pcap_check: direction %s, %u key(s), %u match(es)\n",
	       c->open_dir ? "open" : "seal", c->n_keys, c->n_matches);
	printf("  frames in:             %zu\n", c->in.n);
	printf("  frames out:            %zu\n", c->out.n);
	printf("  %s verified:       %zu (RTP %zu, RTCP %zu)\n", c->open_dir ? "opened" : "sealed",
	       r->verified, r->verified_rtp, r->verified_rtcp);
	printf("  passthrough identical: %zu\n", r->passthrough);
	printf("  dropped:               %zu (expected %lu)", r->dropped, c->expect_drops);
	if (r->in_refused)
		printf(", %zu refused by libsrtp on input", r->in_refused);
	if (r->n_drop) {
		printf(": in");
		for (size_t k = 0; k < r->n_drop; k++)
			printf(" #%zu", r->drop[k] + 1);
		if (r->dropped > r->n_drop)
			printf(" ...");
	}
	printf("\n  mac rewritten:         %zu\n", r->mac_rewritten);
	if (r->udp_csum_zero)
		printf("  udp checksum zero:     %zu (IPv4, not verified)\n", r->udp_csum_zero);
	printf("  mismatches:            %zu\n", r->mismatches);
	for (size_t k = 0; k < r->n_mismatch; k++) {
		printf("    ");
		print_frame("in", r->mismatch[k].in);
		printf(" / ");
		print_frame("out", r->mismatch[k].out);
		printf(": %s\n", r->mismatch[k].reason);
	}
	if (r->dropped != c->expect_drops)
		printf("  FAIL: %zu frame(s) dropped, %lu expected\n", r->dropped, c->expect_drops);
	printf("result: %s\n", passed(c) ? "OK" : "FAIL");
}

/* ---- main ------------------------------------------------------------------ */

static int parse_args(struct check *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"in", required_argument, NULL, 'i'},
	    {"out", required_argument, NULL, 'o'},
	    {"key", required_argument, NULL, 'k'},
	    {"key-file", required_argument, NULL, 'K'},
	    {"direction", required_argument, NULL, 'd'},
	    {"expect-drops", required_argument, NULL, 'e'},
	    {"ignore-mac", no_argument, NULL, 'm'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			c->in_path = optarg;
			break;
		case 'o':
			c->out_path = optarg;
			break;
		case 'k':
		case 'K':
			if (add_key(c, optarg, opt == 'K') != 0)
				return -1;
			break;
		case 'd':
			if (strcmp(optarg, "seal") != 0 && strcmp(optarg, "open") != 0) {
				fprintf(stderr, "srtp_pcap_check: --direction seal or open\n");
				return -1;
			}
			c->open_dir = strcmp(optarg, "open") == 0;
			break;
		case 'e':
			errno = 0;
			c->expect_drops = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-') {
				fprintf(stderr, "srtp_pcap_check: --expect-drops N\n");
				return -1;
			}
			break;
		case 'm':
			c->ignore_mac = 1;
			break;
		case 'j':
			c->json = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!c->in_path || !c->out_path || optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static int prepare(struct check *c)
{
	if (capture_load(c->in_path, &c->in) != 0 || capture_load(c->out_path, &c->out) != 0)
		return -1;
	c->in_info = calloc(c->in.n ? c->in.n : 1, sizeof(*c->in_info));
	c->out_info = calloc(c->out.n ? c->out.n : 1, sizeof(*c->out_info));
	if (!c->in_info || !c->out_info)
		return -1;
	/* Each side in capture order: libsrtp's replay state sees what a
	 * receiver on the wire would. */
	for (size_t i = 0; i < c->in.n; i++)
		prepare_in(c, &c->in.f[i], &c->in_info[i]);
	for (size_t j = 0; j < c->out.n; j++)
		prepare_out(c, &c->out.f[j], &c->out_info[j]);
	return build_index(c);
}

static void release(struct check *c)
{
	for (size_t i = 0; c->in_info && i < c->in.n; i++)
		free(c->in_info[i].owned);
	for (size_t j = 0; c->out_info && j < c->out.n; j++)
		free(c->out_info[j].owned);
	free(c->in_info);
	free(c->out_info);
	free(c->index);
	capture_free(&c->in);
	capture_free(&c->out);
	for (unsigned k = 0; k < c->n_keys; k++)
		srtp_dealloc(c->keys[k].rx);
	srtp_shutdown();
}

int main(int argc, char **argv)
{
	static struct check c;
	int ret = EXIT_USAGE;

	if (srtp_init() != srtp_err_status_ok) {
		fprintf(stderr, "srtp_pcap_check: srtp_init failed\n");
		return EXIT_USAGE;
	}
	if (parse_args(&c, argc, argv) == 0 && prepare(&c) == 0) {
		walk(&c);
		if (c.json)
			print_json(&c);
		else
			print_human(&c);
		ret = passed(&c) ? 0 : EXIT_MISMATCH;
	}
	release(&c);
	return ret;
}
