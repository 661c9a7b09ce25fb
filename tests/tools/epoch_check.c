/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * epoch_check: the independent oracle of the rekey-under-load tests
 * (tests/rekey_test.sh) and of the rekey latency bench (perf/bench_rekey.sh).
 *
 * rtpseal sealed traffic into a capture while a client rekeyed its channels
 * through the control socket with `rtpsealctl batch --timestamps`. Given
 * the capture, every channel's first key and the rekey log (the request
 * lines fed to rtpsealctl and its "<sent_ns> <reply_ns> <reply>" lines),
 * this tool decides, with its own crypto only (OpenSSL EVP AES-GCM, HKDF
 * through EVP_KDF, and the RFC 3711 AES-CM key derivation written here;
 * nothing of rtpseal's lib but its Ethernet/IP/UDP frame parser), that:
 *
 *  1. every sealed RTP/SRTCP packet decrypts and authenticates under
 *     exactly one key epoch of its channel (the epochs tried are the ones
 *     the timing allows plus one either side, and the stream's last epoch
 *     and its neighbours; a packet that none of them opens is retried
 *     under every epoch of the channel to say which one it used, if any);
 *  2. per stream (channel, SSRC; RTP and RTCP together) epochs never go
 *     backwards;
 *  3. no packet uses an epoch before the request that made it was sent
 *     (pcap time >= sent - --clock-slack-us);
 *  4. no packet sealed after the reply to a rekey uses an epoch older than
 *     that rekey's: an older epoch written more than --slack-us (default
 *     2000) after the reply fails, unless it is among the first --tx-buffer
 *     (default 64) frames written after the reply. rtpseal flushes its TX
 *     buffers every 100 us or when a burst's worth is buffered, but a
 *     worker the kernel preempts right after the grace period that let the
 *     reply go writes the frames it had sealed (at most one burst) late;
 *     with one worker the capture is in sealing order, so those are the
 *     first frames written after the reply. Where "stats" markers were
 *     read after the reply, a frame buffered after the marker's count must
 *     not use an older epoch either (exact, no slack);
 *  5. per stream and ROC era (the ROC restarts at 0 on a rekey with
 *     "roc":"reset") the SRTP index and the SRTCP index strictly increase:
 *     no nonce is used twice, and "keep" keeps the ROC.
 *
 * Times: the pcap timestamps are those net_pcap writes (CLOCK_REALTIME at
 * port start plus TSC time since, nanosecond pcap); rtpsealctl's are
 * CLOCK_REALTIME. --clock-slack-us (default 500) absorbs the drift between
 * the two over a run.
 *
 * --json FILE writes the measurements (per-epoch first packet against the
 * reply and the request: p50/p99; how late old-key packets came after a
 * reply; how soon after a request its key was used) for perf/bench_rekey.sh.
 *
 * Usage: see usage(). Exit status: 0 every check passed, 1 a check failed,
 * 2 usage or input error. Key bytes are never printed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h> /* NAN, INFINITY, isfinite: macros, no libm */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <pcap/pcap.h>

#include "rs_parse.h"

enum {
	EXIT_MISMATCH = 1,
	EXIT_USAGE = 2,
	MAX_CHANNELS = 64,
	MAX_MATCHES = 16,
	MAX_LOGS = 8,
	MAX_LISTED = 12,     /* problems described one by one */
	MAX_FULL_SCANS = 32, /* packets retried under every epoch */
	STREAM_SLOTS = 1 << 16,
	TAG_LEN = 16,
	SALT_LEN = 12,
	GCM2_SALT_LEN = 32,
	KEY_MAX = 32,
	NAME_MAX_LEN = 64,
};

/* ---- modes and key material (DESIGN §3), written here, not taken from lib ---- */

enum mode { AEAD128, AEAD256, GCM2_128, GCM2_256, GCM_128, GCM_256, MODE_COUNT };

static const struct {
	const char *name;
	unsigned key_len;
	int hkdf;      /* key string -> HKDF-SHA256 */
	int need_salt; /* GCM2: 32-byte salt; AEAD: 12-byte salt unless inline: */
} modes[MODE_COUNT] = {
    [AEAD128] = {"AEAD_AES_128_GCM", 16, 0, 1}, [AEAD256] = {"AEAD_AES_256_GCM", 32, 0, 1},
    [GCM2_128] = {"AES_128_GCM2", 16, 1, 1},	[GCM2_256] = {"AES_256_GCM2", 32, 1, 1},
    [GCM_128] = {"AES_128_GCM", 16, 1, 0},	[GCM_256] = {"AES_256_GCM", 32, 1, 0},
};

static int mode_of(const char *name)
{
	for (int m = 0; m < MODE_COUNT; m++)
		if (!strcmp(name, modes[m].name))
			return m;
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly n bytes of hex, or -1. */
static int hex_decode(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Base64 (padded) to bytes; the decoded length, or -1. */
static long b64_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s);
	uint8_t tmp[256];
	int got;

	if (n == 0 || n % 4 || n / 4 * 3 > sizeof(tmp))
		return -1;
	got = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)n);
	if (got < 0)
		return -1;
	if (s[n - 1] == '=')
		got--;
	if (s[n - 2] == '=')
		got--;
	if ((size_t)got > cap) {
		OPENSSL_cleanse(tmp, sizeof(tmp));
		return -1;
	}
	memcpy(out, tmp, (size_t)got);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return got;
}

/* HKDF-SHA256 through EVP_KDF (RFC 5869). */
static int hkdf(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
		const char *info, uint8_t *out, size_t out_len)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[5], *p = params;
	int ok;

	EVP_KDF_free(kdf);
	if (!kctx)
		return -1;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
	if (salt_len)
		*p++ =
		    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info));
	*p = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(kctx, out, out_len, params) == 1;
	EVP_KDF_CTX_free(kctx);
	return ok ? 0 : -1;
}

/* The SRTP master key and 12-byte master salt of a mode's inputs. */
static int master_make(int mode, const char *key, const char *salt, uint8_t *mk, uint8_t *ms)
{
	unsigned kl = modes[mode].key_len;
	uint8_t raw[KEY_MAX + SALT_LEN];

	if (modes[mode].hkdf) {
		uint8_t s[GCM2_SALT_LEN];
		size_t sl = 0;
		char info[64];
		if (modes[mode].need_salt) {
			if (!salt)
				return -1;
			if (hex_decode(salt, s, GCM2_SALT_LEN) == 0)
				sl = GCM2_SALT_LEN;
			else if (b64_decode(salt, s, sizeof(s)) == GCM2_SALT_LEN)
				sl = GCM2_SALT_LEN;
			else
				return -1;
		} else if (salt && *salt) {
			return -1;
		}
		snprintf(info, sizeof(info), "rtpseal %s", modes[mode].name);
		if (hkdf((const uint8_t *)key, strlen(key), s, sl, info, raw, kl + SALT_LEN) < 0)
			return -1;
		OPENSSL_cleanse(s, sizeof(s));
	} else if (!strncmp(key, "inline:", 7)) {
		if ((salt && *salt) ||
		    b64_decode(key + 7, raw, sizeof(raw)) != (long)(kl + SALT_LEN))
			return -1;
	} else {
		if (!salt || hex_decode(key, raw, kl) < 0 ||
		    hex_decode(salt, raw + kl, SALT_LEN) < 0)
			return -1;
	}
	memcpy(mk, raw, kl);
	memcpy(ms, raw + kl, SALT_LEN);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

/* RFC 3711 §4.3 with KDR 0: AES-CM keystream under the master key, IV =
 * (label at byte 7, right-aligned 56-bit key_id, XOR the master salt
 * zero-padded to 14 bytes) || 16-bit block counter. */
static int srtp_kdf(const uint8_t *mk, unsigned kl, const uint8_t *ms, uint8_t label, uint8_t *out,
		    size_t out_len)
{
	const EVP_CIPHER *ecb = kl == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb();
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t block[16], ks[16];
	int n, ok = c != NULL;

	memset(block, 0, sizeof(block));
	memcpy(block, ms, SALT_LEN);
	block[7] ^= label;
	ok = ok && EVP_EncryptInit_ex(c, ecb, NULL, mk, NULL) == 1;
	ok = ok && EVP_CIPHER_CTX_set_padding(c, 0) == 1;
	for (size_t done = 0, ctr = 0; ok && done < out_len; ctr++) {
		block[14] = (uint8_t)(ctr >> 8);
		block[15] = (uint8_t)ctr;
		ok = EVP_EncryptUpdate(c, ks, &n, block, 16) == 1 && n == 16;
		size_t take = out_len - done < 16 ? out_len - done : 16;
		memcpy(out + done, ks, take);
		done += take;
	}
	OPENSSL_cleanse(ks, sizeof(ks));
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* ---- channels, epochs, streams ---- */

struct match {
	uint8_t any;
	uint8_t ip_version;
	uint8_t addr[16];
	uint16_t port;
};

struct epoch {
	uint64_t sent_ns, reply_ns; /* 0 for the first epoch (from the config) */
	uint32_t era;		    /* ROC era: rekeys with roc reset up to this one */
	char *key, *salt;	    /* as given, until derived */
	uint8_t logged;		    /* a request and reply made it */
	uint8_t derived, bad;
	EVP_CIPHER_CTX *ctx[2]; /* [0] SRTP, [1] SRTCP session key */
	uint8_t session_salt[2][SALT_LEN];
	uint64_t packets;
	uint64_t first_ns, last_ns;
};

struct channel {
	char name[NAME_MAX_LEN];
	int mode;
	struct match m[MAX_MATCHES];
	unsigned n_match;
	struct epoch *ep; /* ep[i] is epoch i + 1 */
	size_t n_ep, cap_ep;
	uint64_t packets, refused;
};

struct stream {
	uint8_t used;
	uint32_t ch, ssrc;
	uint64_t last_epoch; /* 0: no packet yet */
	uint32_t era;
	uint8_t rtp_started, rtcp_started;
	uint64_t rtp_top;  /* highest SRTP index of the era */
	uint32_t rtcp_top; /* highest SRTCP index of the era */
	uint64_t packets;
};

static struct channel chans[MAX_CHANNELS];
static unsigned n_chans;
static struct stream *streams;
static unsigned n_streams;

/* Clock markers: a "stats" request answered between sent and reply said
 * tx_packets = count, so frame number count was buffered for TX then. */
struct marker {
	uint64_t sent_ns, reply_ns, count;
};
static struct marker *markers;
static size_t n_markers, cap_markers;

static uint64_t slack_ns = 2000000;	 /* --slack-us */
static uint64_t tx_buffer = 64;		 /* --tx-buffer: frames a worker may hold */
static uint64_t clock_slack_ns = 500000; /* --clock-slack-us */
static unsigned problems;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void problem(const char *fmt, ...)
{
	va_list ap;

	if (problems++ >= MAX_LISTED) {
		if (problems == MAX_LISTED + 1)
			printf("epoch_check:   (further problems counted, not listed)\n");
		return;
	}
	va_start(ap, fmt);
	printf("epoch_check:   PROBLEM: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static struct epoch *epoch_slot(struct channel *c, uint64_t e)
{
	if (e == 0 || e > (1u << 24))
		return NULL;
	if (e > c->cap_ep) {
		size_t cap = c->cap_ep ? c->cap_ep : 64;
		while (cap < e)
			cap *= 2;
		struct epoch *n = realloc(c->ep, cap * sizeof(*n));
		if (!n)
			return NULL;
		memset(n + c->cap_ep, 0, (cap - c->cap_ep) * sizeof(*n));
		c->ep = n;
		c->cap_ep = cap;
	}
	if (e > c->n_ep)
		c->n_ep = e;
	return &c->ep[e - 1];
}

static char *dup_secret(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* Session keys and salts of an epoch, on first use. */
static int epoch_derive(const struct channel *c, struct epoch *ep)
{
	unsigned kl = modes[c->mode].key_len;
	uint8_t mk[KEY_MAX], ms[SALT_LEN], sk[KEY_MAX];
	static const uint8_t labels[2][2] = {{0x00, 0x02}, {0x03, 0x05}};
	const EVP_CIPHER *gcm = kl == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();

	if (ep->derived)
		return ep->bad ? -1 : 0;
	ep->derived = 1;
	if (!ep->key || master_make(c->mode, ep->key, ep->salt, mk, ms) < 0) {
		ep->bad = 1;
		return -1;
	}
	for (int k = 0; k < 2; k++) {
		ep->ctx[k] = EVP_CIPHER_CTX_new();
		if (!ep->ctx[k] || srtp_kdf(mk, kl, ms, labels[k][0], sk, kl) < 0 ||
		    srtp_kdf(mk, kl, ms, labels[k][1], ep->session_salt[k], SALT_LEN) < 0 ||
		    EVP_DecryptInit_ex(ep->ctx[k], gcm, NULL, sk, NULL) != 1) {
			ep->bad = 1;
			break;
		}
	}
	OPENSSL_cleanse(mk, sizeof(mk));
	OPENSSL_cleanse(ms, sizeof(ms));
	OPENSSL_cleanse(sk, sizeof(sk));
	wipe_free(ep->key);
	wipe_free(ep->salt);
	ep->key = ep->salt = NULL;
	return ep->bad ? -1 : 0;
}

static int parse_match(const char *text, struct match *m)
{
	char buf[80];
	const char *colon;
	char *end;
	unsigned long port;

	memset(m, 0, sizeof(*m));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':' || (size_t)(close - text - 1) >= sizeof(buf))
			return -1;
		memcpy(buf, text + 1, (size_t)(close - text - 1));
		buf[close - text - 1] = '\0';
		if (inet_pton(AF_INET6, buf, m->addr) != 1)
			return -1;
		m->ip_version = 6;
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (!colon || (size_t)(colon - text) >= sizeof(buf))
			return -1;
		memcpy(buf, text, (size_t)(colon - text));
		buf[colon - text] = '\0';
		if (!strcmp(buf, "*"))
			m->any = 1;
		else if (inet_pton(AF_INET, buf, m->addr) == 1)
			m->ip_version = 4;
		else
			return -1;
	}
	port = strtoul(colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535)
		return -1;
	m->port = (uint16_t)port;
	return 0;
}

/* "NAME MODE KEY SALT MATCH[,MATCH...]", SALT "-" for none. */
static int add_channel(const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	char *f[5];
	struct channel *c;
	int rc = -1;

	if (!copy || n_chans == MAX_CHANNELS)
		goto out;
	for (int i = 0; i < 5; i++) {
		f[i] = strtok_r(i ? NULL : copy, " \t", &save);
		if (!f[i])
			goto out;
	}
	if (strtok_r(NULL, " \t", &save))
		goto out;
	c = &chans[n_chans];
	if (strlen(f[0]) >= sizeof(c->name) || (c->mode = mode_of(f[1])) < 0)
		goto out;
	snprintf(c->name, sizeof(c->name), "%s", f[0]);
	for (char *m = strtok_r(f[4], ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		if (c->n_match == MAX_MATCHES || parse_match(m, &c->m[c->n_match]) < 0)
			goto out;
		c->n_match++;
	}
	struct epoch *ep = epoch_slot(c, 1);
	if (!ep)
		goto out;
	ep->key = dup_secret(f[2]);
	ep->salt = strcmp(f[3], "-") ? dup_secret(f[3]) : NULL;
	ep->logged = 1;
	if (epoch_derive(c, ep) < 0) {
		fprintf(stderr, "epoch_check: channel %s: its key or salt is not valid for %s\n",
			c->name, modes[c->mode].name);
		goto out;
	}
	n_chans++;
	rc = 0;
out:
	if (copy) {
		OPENSSL_cleanse(copy, strlen(spec));
		free(copy);
	}
	return rc;
}

static struct channel *channel_named(const char *name)
{
	for (unsigned i = 0; i < n_chans; i++)
		if (!strcmp(chans[i].name, name))
			return &chans[i];
	return NULL;
}

/* The rekeys of a request log (lines fed to rtpsealctl batch) and of its
 * reply log (rtpsealctl batch --timestamps). Requests for channels not
 * given with --channel (churn) are skipped. */
static int load_log(const char *req_path, const char *rep_path, uint64_t *n_rekeys)
{
	FILE *rq = fopen(req_path, "r"), *rp = fopen(rep_path, "r");
	char *ql = NULL, *pl = NULL;
	size_t qcap = 0, pcap_ = 0;
	ssize_t qn;
	unsigned long line = 0;
	int rc = 0;

	if (!rq || !rp) {
		fprintf(stderr, "epoch_check: cannot read %s\n", rq ? rep_path : req_path);
		rc = -1;
		goto out;
	}
	while ((qn = getline(&ql, &qcap, rq)) > 0) {
		json_error_t jerr;
		json_t *req, *rep;
		unsigned long long sent, reply;
		int off = 0;

		if (qn == 1 && ql[0] == '\n')
			continue; /* rtpsealctl skips empty lines */
		line++;
		if (getline(&pl, &pcap_, rp) <= 0) {
			req = json_loads(ql, 0, NULL);
			const char *cmd =
			    req ? json_string_value(json_object_get(req, "cmd")) : NULL;
			const char *name =
			    req ? json_string_value(json_object_get(req, "name")) : NULL;
			if (cmd && !strcmp(cmd, "channel.rekey") && name && channel_named(name)) {
				fprintf(
				    stderr,
				    "epoch_check: %s line %lu: a rekey of %s without a reply in "
				    "%s\n",
				    req_path, line, name, rep_path);
				rc = -1;
			}
			json_decref(req);
			if (rc < 0)
				goto out;
			continue;
		}
		if (sscanf(pl, "%llu %llu %n", &sent, &reply, &off) != 2 || !off) {
			fprintf(stderr, "epoch_check: %s line %lu: not \"SENT REPLY JSON\"\n",
				rep_path, line);
			rc = -1;
			goto out;
		}
		req = json_loads(ql, 0, &jerr);
		rep = json_loads(pl + off, 0, NULL);
		if (!req || !rep) {
			fprintf(stderr, "epoch_check: line %lu of %s or %s is not JSON\n", line,
				req_path, rep_path);
			json_decref(req);
			json_decref(rep);
			rc = -1;
			goto out;
		}
		const char *cmd = json_string_value(json_object_get(req, "cmd"));
		const char *name = json_string_value(json_object_get(req, "name"));
		struct channel *c = name ? channel_named(name) : NULL;
		json_t *tx = json_object_get(json_object_get(rep, "stats"), "tx_packets");
		if (cmd && !strcmp(cmd, "stats") && json_is_integer(tx)) {
			if (n_markers == cap_markers) {
				size_t cap = cap_markers ? cap_markers * 2 : 256;
				struct marker *m = realloc(markers, cap * sizeof(*m));
				if (!m)
					exit(EXIT_USAGE);
				markers = m;
				cap_markers = cap;
			}
			markers[n_markers++] =
			    (struct marker){sent, reply, (uint64_t)json_integer_value(tx)};
		}
		if (cmd && !strcmp(cmd, "channel.rekey") && c) {
			json_t *ke = json_object_get(rep, "key_epoch");
			const char *roc = json_string_value(json_object_get(req, "roc"));
			if (!json_is_true(json_object_get(rep, "ok"))) {
				c->refused++;
			} else if (!json_is_integer(ke) || json_integer_value(ke) < 2) {
				fprintf(stderr,
					"epoch_check: %s line %lu: no key_epoch in the reply\n",
					rep_path, line);
				rc = -1;
			} else {
				uint64_t e = (uint64_t)json_integer_value(ke);
				struct epoch *ep = epoch_slot(c, e);
				if (!ep || ep->logged) {
					fprintf(stderr,
						"epoch_check: %s line %lu: key epoch %" PRIu64
						" of %s given twice\n",
						rep_path, line, e, c->name);
					rc = -1;
				} else {
					ep->logged = 1;
					ep->sent_ns = sent;
					ep->reply_ns = reply;
					ep->era = roc && !strcmp(roc, "reset"); /* summed below */
					ep->key = dup_secret(
					    json_string_value(json_object_get(req, "key")));
					ep->salt = dup_secret(
					    json_string_value(json_object_get(req, "salt")));
					(*n_rekeys)++;
				}
			}
		}
		json_t *k = json_object_get(req, "key");
		if (json_is_string(k))
			OPENSSL_cleanse((char *)json_string_value(k), json_string_length(k));
		json_decref(req);
		json_decref(rep);
		OPENSSL_cleanse(ql, (size_t)qn);
		if (rc < 0)
			goto out;
	}
out:
	if (ql)
		OPENSSL_cleanse(ql, qcap);
	free(ql);
	free(pl);
	if (rq)
		fclose(rq);
	if (rp)
		fclose(rp);
	return rc;
}

/* After the logs: every epoch of every channel known, ROC eras summed,
 * times in order. */
static int epochs_finish(void)
{
	for (unsigned i = 0; i < n_chans; i++) {
		struct channel *c = &chans[i];
		for (size_t e = 1; e <= c->n_ep; e++) {
			struct epoch *ep = &c->ep[e - 1];
			if (!ep->logged) {
				fprintf(stderr,
					"epoch_check: channel %s: key epoch %zu was applied but no "
					"logged request made it\n",
					c->name, e);
				return -1;
			}
			if (e == 1)
				continue;
			ep->era += c->ep[e - 2].era;
			if (e > 2 && (ep->sent_ns < c->ep[e - 2].sent_ns ||
				      ep->reply_ns < c->ep[e - 2].reply_ns)) {
				fprintf(stderr,
					"epoch_check: channel %s: the rekeys to epochs %zu and %zu "
					"overlap in time (one client per channel, please)\n",
					c->name, e - 1, e);
				return -1;
			}
		}
	}
	return 0;
}

/* ---- decryption ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int gcm_open(EVP_CIPHER_CTX *ctx, const uint8_t iv[SALT_LEN], const uint8_t *aad1,
		    size_t aad1_len, const uint8_t *aad2, size_t aad2_len, const uint8_t *ct,
		    size_t ct_len, const uint8_t *tag)
{
	static uint8_t out[65536];
	int n;

	if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1)
		return 0;
	if (EVP_DecryptUpdate(ctx, NULL, &n, aad1, (int)aad1_len) != 1)
		return 0;
	if (aad2_len && EVP_DecryptUpdate(ctx, NULL, &n, aad2, (int)aad2_len) != 1)
		return 0;
	if (ct_len && EVP_DecryptUpdate(ctx, out, &n, ct, (int)ct_len) != 1)
		return 0;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, (void *)tag) != 1)
		return 0;
	return EVP_DecryptFinal_ex(ctx, out, &n) == 1;
}

/* RFC 3711 Appendix A: the index closest to the highest one seen. */
static int64_t index_estimate(uint64_t top, uint16_t seq)
{
	int64_t roc = (int64_t)(top >> 16), v = roc;
	uint16_t s_l = (uint16_t)top;

	if (s_l < 32768) {
		if ((int)seq - (int)s_l > 32768)
			v = roc - 1;
	} else if ((int)s_l - 32768 > (int)seq) {
		v = roc + 1;
	}
	if (v < 0)
		return -1;
	return v << 16 | seq;
}

struct pkt {
	const uint8_t *p; /* UDP payload */
	size_t len;
	int rtcp;
	uint32_t ssrc;
	uint16_t seq;
	size_t hdr_len;	   /* RTP header, or the 8 bytes of SRTCP */
	uint32_t e_index;  /* SRTCP E||index word */
	int64_t index_out; /* the SRTP/SRTCP index that opened it */
};

/* Does p open under epoch e (of channel c, for stream s)? */
static int try_epoch(struct channel *c, struct stream *s, uint64_t e, struct pkt *k)
{
	struct epoch *ep = &c->ep[e - 1];
	uint8_t iv[SALT_LEN];

	if (epoch_derive(c, ep) < 0)
		return 0;
	memset(iv, 0, sizeof(iv));
	if (!k->rtcp) {
		int64_t idx;
		if (s->rtp_started && s->era == ep->era)
			idx = index_estimate(s->rtp_top, k->seq);
		else
			idx = k->seq; /* a fresh stream or ROC era starts at ROC 0 */
		if (idx < 0 || k->len < k->hdr_len + TAG_LEN)
			return 0;
		iv[2] = (uint8_t)(k->ssrc >> 24);
		iv[3] = (uint8_t)(k->ssrc >> 16);
		iv[4] = (uint8_t)(k->ssrc >> 8);
		iv[5] = (uint8_t)k->ssrc;
		for (int b = 0; b < 6; b++)
			iv[6 + b] = (uint8_t)((uint64_t)idx >> (40 - 8 * b));
		for (int b = 0; b < SALT_LEN; b++)
			iv[b] ^= ep->session_salt[0][b];
		k->index_out = idx;
		return gcm_open(ep->ctx[0], iv, k->p, k->hdr_len, NULL, 0, k->p + k->hdr_len,
				k->len - k->hdr_len - TAG_LEN, k->p + k->len - TAG_LEN);
	}
	/* SRTCP: hdr(8) | ciphertext | tag | E||index; AAD = hdr || E||index */
	size_t ct_len = k->len - 8 - TAG_LEN - 4;
	uint32_t index = k->e_index & 0x7fffffffu;
	iv[2] = (uint8_t)(k->ssrc >> 24);
	iv[3] = (uint8_t)(k->ssrc >> 16);
	iv[4] = (uint8_t)(k->ssrc >> 8);
	iv[5] = (uint8_t)k->ssrc;
	iv[8] = (uint8_t)(index >> 24);
	iv[9] = (uint8_t)(index >> 16);
	iv[10] = (uint8_t)(index >> 8);
	iv[11] = (uint8_t)index;
	for (int b = 0; b < SALT_LEN; b++)
		iv[b] ^= ep->session_salt[1][b];
	k->index_out = index;
	return gcm_open(ep->ctx[1], iv, k->p, 8, k->p + k->len - 4, 4, k->p + 8, ct_len,
			k->p + 8 + ct_len);
}

static struct stream *stream_get(uint32_t ch, uint32_t ssrc)
{
	uint32_t h = (ssrc * 2654435761u) ^ (ch * 40503u);

	for (unsigned probe = 0; probe < STREAM_SLOTS; probe++) {
		struct stream *s = &streams[(h + probe) & (STREAM_SLOTS - 1)];
		if (!s->used) {
			if (n_streams >= STREAM_SLOTS / 2)
				return NULL;
			s->used = 1;
			s->ch = ch;
			s->ssrc = ssrc;
			n_streams++;
			return s;
		}
		if (s->ch == ch && s->ssrc == ssrc)
			return s;
	}
	return NULL;
}

static const struct channel *channel_of(const struct rs_frame *fr, uint32_t *idx)
{
	for (int wild = 0; wild < 2; wild++)
		for (unsigned i = 0; i < n_chans; i++)
			for (unsigned j = 0; j < chans[i].n_match; j++) {
				const struct match *m = &chans[i].m[j];
				if (m->port != fr->dst_port || m->any != wild)
					continue;
				if (!wild &&
				    (m->ip_version != fr->ip_version ||
				     memcmp(m->addr, fr->dst_addr, fr->ip_version == 4 ? 4 : 16)))
					continue;
				*idx = i;
				return &chans[i];
			}
	return NULL;
}

/* Largest epoch whose time (sent or reply, + add) is below t; 1 if none. */
static uint64_t epoch_before(const struct channel *c, uint64_t t, int use_reply, uint64_t add)
{
	size_t lo = 2, hi = c->n_ep, best = 1;

	while (lo <= hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct epoch *ep = &c->ep[mid - 1];
		uint64_t when = (use_reply ? ep->reply_ns : ep->sent_ns) + add;
		if (when < t) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return best;
}

/* ---- measurements ---- */

struct series {
	double *v;
	size_t n, cap;
};

static void series_add(struct series *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		double *n = realloc(s->v, cap * sizeof(*n));
		if (!n)
			return;
		s->v = n;
		s->cap = cap;
	}
	s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pct(struct series *s, double q)
{
	if (!s->n)
		return NAN;
	qsort(s->v, s->n, sizeof(double), cmp_double);
	/* nearest rank: the smallest value with at least q of them at or below */
	double r = q * (double)s->n;
	size_t i = (size_t)r;
	if ((double)i < r)
		i++;
	i = i ? i - 1 : 0;
	return s->v[i < s->n ? i : s->n - 1];
}

static json_t *series_json(struct series *s)
{
	if (!s->n)
		return json_pack("{s:I}", "n", (json_int_t)0);
	qsort(s->v, s->n, sizeof(double), cmp_double);
	return json_pack("{s:I,s:f,s:f,s:f,s:f}", "n", (json_int_t)s->n, "p50", pct(s, 0.5), "p99",
			 pct(s, 0.99), "min", s->v[0], "max", s->v[s->n - 1]);
}

/* ---- the capture's clock ----
 *
 * net_pcap stamps frames with CLOCK_REALTIME taken at start plus TSC
 * cycles since divided by DPDK's TSC frequency, which DPDK rounds to
 * 10 MHz when it has to measure it: on a 2596.13 MHz TSC the capture's
 * clock runs 1490 ppm slow (18 ms behind after 12 s). rtpsealctl's times
 * are CLOCK_REALTIME. The markers ("stats" requests in the logs: at a time
 * between sent and reply, tx_packets was N, so frame N was just buffered)
 * give capture time -> CLOCK_REALTIME by a least-squares line through the
 * half of them with the narrowest sent..reply windows, less those a TX
 * stall made late (see clock_fit). */

struct clockmap {
	int fitted;
	uint64_t base;
	double a, b; /* realtime = base + a + b * (capture time - base) */
	size_t used;
	double max_resid_us;
};

static int cmp_width(const void *x, const void *y)
{
	const struct marker *m = x, *n = y;
	uint64_t a = m->reply_ns - m->sent_ns, b = n->reply_ns - n->sent_ns;
	return (a > b) - (a < b);
}

static void line_fit(const uint64_t *ts, const struct marker *m, size_t n, struct clockmap *cm)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;

	for (size_t i = 0; i < n; i++) {
		double x = (double)ts[m[i].count - 1] - (double)cm->base;
		double y = ((double)m[i].sent_ns + (double)m[i].reply_ns) / 2 - (double)cm->base;
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	double den = (double)n * sxx - sx * sx;
	if (den <= 0) {
		cm->fitted = 0;
		return;
	}
	cm->b = ((double)n * sxy - sx * sy) / den;
	cm->a = (sy - cm->b * sx) / (double)n;
	cm->fitted = 1;
}

static double resid_us(const uint64_t *ts, const struct marker *m, const struct clockmap *cm)
{
	double x = (double)ts[m->count - 1] - (double)cm->base;
	double y = ((double)m->sent_ns + (double)m->reply_ns) / 2 - (double)cm->base;
	return (y - (cm->a + cm->b * x)) / 1e3;
}

/* A worker stalled after buffering a marker's frame writes it late: such
 * markers are dropped one at a time, the worst first, while the worst
 * residual is over 150 us and more than half of the candidates remain. */
static void clock_fit(const uint64_t *ts, uint64_t frames, struct clockmap *cm)
{
	struct marker *use = malloc((n_markers ? n_markers : 1) * sizeof(*use));
	size_t n = 0, keep_min;

	memset(cm, 0, sizeof(*cm));
	cm->b = 1;
	if (!use || !frames)
		goto out;
	cm->base = ts[0];
	for (size_t i = 0; i < n_markers; i++)
		if (markers[i].count >= 1 && markers[i].count <= frames)
			use[n++] = markers[i];
	if (n < 4)
		goto out;
	qsort(use, n, sizeof(*use), cmp_width);
	if (n >= 16)
		n /= 2; /* the narrowest sent..reply windows */
	keep_min = n / 2 > 4 ? n / 2 : 4;
	for (;;) {
		line_fit(ts, use, n, cm);
		if (!cm->fitted)
			goto out;
		size_t worst = 0;
		double worst_r = 0;
		for (size_t i = 0; i < n; i++) {
			double r = resid_us(ts, &use[i], cm);
			if (r < 0)
				r = -r;
			if (r > worst_r) {
				worst_r = r;
				worst = i;
			}
		}
		cm->max_resid_us = worst_r;
		cm->used = n;
		if (worst_r <= 150 || n <= keep_min)
			break;
		use[worst] = use[--n];
	}
out:
	free(use);
}

static uint64_t clock_map(const struct clockmap *cm, uint64_t t)
{
	if (!cm->fitted)
		return t;
	return cm->base + (uint64_t)(int64_t)(cm->a + cm->b * ((double)t - (double)cm->base));
}

static void usage(FILE *to)
{
	fprintf(to,
		"usage: epoch_check --pcap SEALED.pcap --channel \"NAME MODE KEY SALT "
		"MATCH[,MATCH]\"...\n"
		"                   [--requests REQ.jsonl --replies BATCH.out]...\n"
		"                   [--slack-us N] [--clock-slack-us N] [--tx-buffer N]\n"
		"                   [--json FILE]\n"
		"\n"
		"Checks that every sealed packet of SEALED.pcap (one rtpseal worker: the\n"
		"capture is in sealing order) opens under exactly one key epoch of its\n"
		"channel, that epochs never go backwards per stream, that no packet uses a\n"
		"key before its rekey request was sent, and that no packet sealed after a\n"
		"rekey reply uses an older key. --channel gives a channel's first key (SALT\n"
		"'-' for none) as in the config; REQ.jsonl are the request lines fed to\n"
		"`rtpsealctl batch --timestamps` and BATCH.out its output, line for line.\n"
		"\"stats\" requests among them are clock markers (see the source). An old key\n"
		"written more than --slack-us (default 2000) after a reply fails unless it is\n"
		"among the first --tx-buffer (default 64) frames written after the reply (a\n"
		"TX stall: the worker sealed it before and had not written it yet).\n"
		"--json FILE writes the measurements. Exit: 0 ok, 1 a check failed, 2 usage.\n");
}

/* Per epoch e >= 2, what the clock markers and the capture say about the
 * rekey to e: n_before, frames buffered before its request was sent (a
 * marker answered before it); n_after, frames buffered by the first marker
 * read after its reply (UINT64_MAX: none); first_after_idx, the first
 * frame written after the reply (+ clock slack). */
struct bounds {
	uint64_t n_before, n_after;
	uint64_t first_after_idx; /* 0-based */
};

static void bounds_make(const struct channel *c, const uint64_t *ts, uint64_t frames,
			struct bounds *b)
{
	for (size_t e = 2; e <= c->n_ep; e++) {
		const struct epoch *ep = &c->ep[e - 1];
		struct bounds *x = &b[e - 1];
		size_t lo = 0, hi = n_markers;

		x->n_before = 0;
		x->n_after = UINT64_MAX;
		/* markers are in log order and their counts never decrease */
		for (size_t i = 0; i < n_markers; i++) {
			if (markers[i].reply_ns <= ep->sent_ns && markers[i].count > x->n_before)
				x->n_before = markers[i].count;
			if (markers[i].sent_ns >= ep->reply_ns && markers[i].count < x->n_after)
				x->n_after = markers[i].count;
		}
		/* first frame written after reply + clock slack */
		uint64_t after = ep->reply_ns + clock_slack_ns;
		lo = 0;
		hi = frames;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (ts[mid] > after)
				hi = mid;
			else
				lo = mid + 1;
		}
		x->first_after_idx = lo;
	}
}

/* ---- main ---- */

static uint64_t *ts; /* every frame's time, mapped */
static struct bounds *bnd[MAX_CHANNELS];
static struct series reply_first, sent_first, switch_gap;

/* Free everything (the sanitizer build checks for leaks) and return rc. */
static int finish(int rc)
{
	for (unsigned i = 0; i < MAX_CHANNELS; i++) {
		struct channel *c = &chans[i];
		for (size_t e = 0; e < c->n_ep; e++) {
			EVP_CIPHER_CTX_free(c->ep[e].ctx[0]);
			EVP_CIPHER_CTX_free(c->ep[e].ctx[1]);
			wipe_free(c->ep[e].key);
			wipe_free(c->ep[e].salt);
		}
		free(c->ep);
		free(bnd[i]);
	}
	free(markers);
	free(streams);
	free(ts);
	free(reply_first.v);
	free(sent_first.v);
	free(switch_gap.v);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"pcap", required_argument, NULL, 'p'},
	    {"channel", required_argument, NULL, 'c'},
	    {"requests", required_argument, NULL, 'q'},
	    {"replies", required_argument, NULL, 'r'},
	    {"slack-us", required_argument, NULL, 's'},
	    {"clock-slack-us", required_argument, NULL, 'k'},
	    {"tx-buffer", required_argument, NULL, 'b'},
	    {"json", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *pcap_path = NULL, *json_path = NULL;
	const char *reqs[MAX_LOGS], *reps[MAX_LOGS];
	unsigned n_req = 0, n_rep = 0;
	uint64_t n_rekeys = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			pcap_path = optarg;
			break;
		case 'c':
			if (add_channel(optarg) < 0) {
				fprintf(stderr,
					"epoch_check: bad --channel (want \"NAME MODE KEY SALT "
					"MATCH[,MATCH]\")\n");
				return finish(EXIT_USAGE);
			}
			break;
		case 'q':
			if (n_req == MAX_LOGS)
				return finish(EXIT_USAGE);
			reqs[n_req++] = optarg;
			break;
		case 'r':
			if (n_rep == MAX_LOGS)
				return finish(EXIT_USAGE);
			reps[n_rep++] = optarg;
			break;
		case 's':
			slack_ns = strtoull(optarg, NULL, 10) * 1000;
			break;
		case 'k':
			clock_slack_ns = strtoull(optarg, NULL, 10) * 1000;
			break;
		case 'b':
			tx_buffer = strtoull(optarg, NULL, 10);
			break;
		case 'j':
			json_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return finish(0);
		default:
			usage(stderr);
			return finish(EXIT_USAGE);
		}
	}
	if (!pcap_path || !n_chans || n_req != n_rep || optind < argc) {
		usage(stderr);
		return finish(EXIT_USAGE);
	}
	for (unsigned i = 0; i < n_req; i++)
		if (load_log(reqs[i], reps[i], &n_rekeys) < 0)
			return finish(EXIT_USAGE);
	if (epochs_finish() < 0)
		return finish(EXIT_USAGE);
	streams = calloc(STREAM_SLOTS, sizeof(*streams));
	if (!streams)
		return finish(EXIT_USAGE);

	/* pass 1: the capture's timestamps, mapped to CLOCK_REALTIME */
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n_ts = 0, cap_ts = 0;
	pcap_t *pc =
	    pcap_open_offline_with_tstamp_precision(pcap_path, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		fprintf(stderr, "epoch_check: %s: %s\n", pcap_path, err);
		return finish(EXIT_USAGE);
	}
	while (pcap_next_ex(pc, &h, &data) == 1) {
		if (n_ts == cap_ts) {
			cap_ts = cap_ts ? cap_ts * 2 : 65536;
			uint64_t *bigger = realloc(ts, cap_ts * sizeof(*ts));
			if (!bigger) {
				pcap_close(pc);
				return finish(EXIT_USAGE);
			}
			ts = bigger;
		}
		ts[n_ts++] = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
	}
	pcap_close(pc);
	struct clockmap cm;
	clock_fit(ts, n_ts, &cm);
	if (cm.fitted)
		printf("epoch_check: capture clock -> CLOCK_REALTIME: %+.0f ppm, %+.1f us at the "
		       "first frame (fit through %zu of %zu markers, largest residual %.1f us)\n",
		       (cm.b - 1) * 1e6, cm.a / 1e3, cm.used, n_markers, cm.max_resid_us);
	else
		printf("epoch_check: no clock markers (\"stats\" requests) in the logs: capture "
		       "times taken as CLOCK_REALTIME\n");
	if (cm.fitted && (cm.b < 0.99 || cm.b > 1.01 || cm.max_resid_us > clock_slack_ns / 1e3))
		problem("the capture clock fit is off (%+.0f ppm, residual %.1f us > clock slack "
			"%.0f us)",
			(cm.b - 1) * 1e6, cm.max_resid_us, clock_slack_ns / 1e3);
	uint64_t time_back = 0;
	for (uint64_t i = 0; i < n_ts; i++) {
		ts[i] = clock_map(&cm, ts[i]);
		if (i && ts[i] < ts[i - 1]) {
			time_back++;
			ts[i] = ts[i - 1]; /* keep it sorted for the searches */
		}
	}
	for (unsigned i = 0; i < n_chans; i++) {
		bnd[i] = calloc(chans[i].n_ep, sizeof(struct bounds));
		if (!bnd[i])
			return finish(EXIT_USAGE);
		bounds_make(&chans[i], ts, n_ts, bnd[i]);
	}

	/* pass 2: every frame */
	pc = pcap_open_offline_with_tstamp_precision(pcap_path, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		fprintf(stderr, "epoch_check: %s: %s\n", pcap_path, err);
		return finish(EXIT_USAGE);
	}
	uint64_t frames = 0, rtp = 0, rtcp = 0, other = 0, opened = 0, unopened = 0, ambiguous = 0,
		 backwards = 0, early_time = 0, early_count = 0, old_time = 0, old_count = 0,
		 stall_excused = 0, index_bad = 0, trials = 0, full_scans = 0, wrapped = 0;
	double min_after_sent = INFINITY, max_old_after_reply = -INFINITY,
	       max_excused_after_reply = 0;
	int rc;

	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		uint64_t t = ts[frames]; /* mapped */
		struct rs_frame fr;
		struct pkt k;
		uint32_t ci;

		frames++;
		memset(&k, 0, sizeof(k));
		if (h->caplen != h->len || rs_parse_frame(data, h->caplen, &fr) != RS_OK) {
			other++;
			problem("frame %" PRIu64 ": not a whole Ethernet/IP/UDP frame", frames);
			continue;
		}
		k.p = data + fr.payload_off;
		k.len = fr.payload_len;
		enum rs_payload_kind kind = rs_demux(k.p, k.len);
		struct channel *c = (struct channel *)channel_of(&fr, &ci);
		if (!c || (kind != RS_KIND_RTP && kind != RS_KIND_RTCP)) {
			other++;
			problem("frame %" PRIu64 ": not RTP/RTCP of a channel given", frames);
			continue;
		}
		if (kind == RS_KIND_RTP) {
			size_t cc = k.p[0] & 0x0f;
			k.hdr_len = 12 + 4 * cc;
			if (k.len >= k.hdr_len + 4 && (k.p[0] & 0x10))
				k.hdr_len +=
				    4 + 4 * (size_t)(k.p[k.hdr_len + 2] << 8 | k.p[k.hdr_len + 3]);
			if (k.len < k.hdr_len + TAG_LEN) {
				other++;
				problem("frame %" PRIu64 ": SRTP shorter than its header and tag",
					frames);
				continue;
			}
			k.seq = (uint16_t)(k.p[2] << 8 | k.p[3]);
			k.ssrc = be32(k.p + 8);
			rtp++;
		} else {
			if (k.len < 8 + TAG_LEN + 4) {
				other++;
				problem("frame %" PRIu64 ": SRTCP too short", frames);
				continue;
			}
			k.rtcp = 1;
			k.ssrc = be32(k.p + 4);
			k.e_index = be32(k.p + k.len - 4);
			rtcp++;
			if (!(k.e_index & 0x80000000u))
				problem("frame %" PRIu64 ": SRTCP without the E bit", frames);
		}
		struct stream *s = stream_get(ci, k.ssrc);
		if (!s) {
			fprintf(stderr, "epoch_check: too many streams\n");
			pcap_close(pc);
			return finish(EXIT_USAGE);
		}

		/* try the epochs the timing allows, one either side, and the
		 * stream's last epoch with its neighbours */
		uint64_t n = c->n_ep;
		uint64_t lo = epoch_before(c, t, 1, slack_ns);
		uint64_t hi = epoch_before(c, t + clock_slack_ns + 1, 0, 0);
		uint64_t ranges[2][2] = {{lo > 1 ? lo - 1 : 1, hi + 1 < n ? hi + 1 : n},
					 {s->last_epoch > 1 ? s->last_epoch - 1 : 1,
					  s->last_epoch + 1 < n ? s->last_epoch + 1 : n}};
		uint64_t found = 0, hits = 0;
		int64_t found_index = 0;
		for (int r = 0; r < (s->last_epoch ? 2 : 1); r++)
			for (uint64_t e = ranges[r][0]; e <= ranges[r][1]; e++) {
				if (r == 1 && e >= ranges[0][0] && e <= ranges[0][1])
					continue; /* tried */
				trials++;
				if (try_epoch(c, s, e, &k)) {
					if (!hits) {
						found = e;
						found_index = k.index_out;
					}
					hits++;
				}
			}
		if (!hits && full_scans < MAX_FULL_SCANS) {
			full_scans++;
			for (uint64_t e = 1; e <= n; e++)
				if (try_epoch(c, s, e, &k)) {
					if (!hits) {
						found = e;
						found_index = k.index_out;
					}
					hits++;
				}
		}
		if (!hits) {
			unopened++;
			problem("frame %" PRIu64
				" (%s, SSRC %08x, %s %u): opens under no key epoch "
				"of the channel (%" PRIu64 " epochs; the timing allows %" PRIu64
				"..%" PRIu64 ")",
				frames, c->name, k.ssrc, k.rtcp ? "SRTCP index" : "seq",
				k.rtcp ? k.e_index & 0x7fffffffu : k.seq, n, lo, hi);
			continue;
		}
		if (hits > 1) {
			ambiguous++;
			problem("frame %" PRIu64 " (%s): opens under %" PRIu64 " key epochs",
				frames, c->name, hits);
		}
		opened++;
		struct epoch *ep = &c->ep[found - 1];
		if (found < s->last_epoch) {
			backwards++;
			problem("frame %" PRIu64 " (%s, SSRC %08x): key epoch %" PRIu64
				" after epoch %" PRIu64 " on the same stream",
				frames, c->name, k.ssrc, found, s->last_epoch);
		}
		/* not before the request: by time, and by the markers' counts */
		if (found > 1) {
			double d = ((double)t - (double)ep->sent_ns) / 1e3;
			if (d < min_after_sent)
				min_after_sent = d;
			if (t + clock_slack_ns < ep->sent_ns) {
				early_time++;
				problem("frame %" PRIu64 " (%s): key epoch %" PRIu64
					" written %.1f us before its rekey request was sent",
					frames, c->name, found, -d);
			}
			if (frames <= bnd[ci][found - 1].n_before) {
				early_count++;
				problem("frame %" PRIu64 " (%s): key epoch %" PRIu64
					" on a frame buffered before a marker read before the "
					"request (%" PRIu64 " frames then)",
					frames, c->name, found, bnd[ci][found - 1].n_before);
			}
		}
		/* not older after the reply: the first rekey after this epoch
		 * is the strictest */
		if (found < n) {
			const struct epoch *next = &c->ep[found];
			const struct bounds *b = &bnd[ci][found];
			if (frames > b->n_after) {
				old_count++;
				problem("frame %" PRIu64 " (%s): key epoch %" PRIu64
					" on a frame buffered after a marker read after the reply "
					"for epoch %" PRIu64 " (%" PRIu64 " frames then)",
					frames, c->name, found, found + 1, b->n_after);
			}
			if (t > next->reply_ns) {
				double late = (double)(t - next->reply_ns) / 1e3;
				if (late > max_old_after_reply)
					max_old_after_reply = late;
				if (t > next->reply_ns + slack_ns) {
					/* a TX stall: one worker writes in sealing
					 * order, and when the reply went out it held at
					 * most --tx-buffer sealed frames unwritten; a
					 * frame among the first that many written after
					 * the reply may be one of them */
					if (frames - 1 - b->first_after_idx < tx_buffer) {
						stall_excused++;
						if (late > max_excused_after_reply)
							max_excused_after_reply = late;
					} else {
						old_time++;
						problem(
						    "frame %" PRIu64 " (%s): key epoch %" PRIu64
						    " written %.1f us after the reply for epoch "
						    "%" PRIu64 " (slack %.0f us), the %" PRIu64
						    "th frame written after it",
						    frames, c->name, found, late, found + 1,
						    (double)slack_ns / 1e3,
						    frames - b->first_after_idx);
					}
				}
			}
		}

		/* stream state: ROC era, index order (no nonce twice) */
		if (s->era != ep->era) {
			s->era = ep->era;
			s->rtp_started = s->rtcp_started = 0;
		}
		if (!k.rtcp) {
			if (s->rtp_started && (uint64_t)found_index <= s->rtp_top) {
				index_bad++;
				problem("frame %" PRIu64 " (%s, SSRC %08x): SRTP index %" PRId64
					" not above %" PRIu64 " in its ROC era",
					frames, c->name, k.ssrc, found_index, s->rtp_top);
			}
			if (found_index >> 16 && !(s->rtp_top >> 16))
				wrapped++;
			if (!s->rtp_started || (uint64_t)found_index > s->rtp_top)
				s->rtp_top = (uint64_t)found_index;
			s->rtp_started = 1;
		} else {
			if (s->rtcp_started && (uint32_t)found_index <= s->rtcp_top) {
				index_bad++;
				problem("frame %" PRIu64 " (%s, SSRC %08x): SRTCP index %" PRId64
					" not above %u in its ROC era",
					frames, c->name, k.ssrc, found_index, s->rtcp_top);
			}
			if (!s->rtcp_started || (uint32_t)found_index > s->rtcp_top)
				s->rtcp_top = (uint32_t)found_index;
			s->rtcp_started = 1;
		}
		if (found > s->last_epoch)
			s->last_epoch = found;
		s->packets++;
		c->packets++;
		if (!ep->packets)
			ep->first_ns = t;
		ep->last_ns = t;
		ep->packets++;
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "epoch_check: %s: %s\n", pcap_path, pcap_geterr(pc));
		pcap_close(pc);
		return finish(EXIT_USAGE);
	}
	pcap_close(pc);

	/* per epoch: its first packet against its reply and its request */
	uint64_t epochs = 0, used = 0, refused = 0;
	for (unsigned i = 0; i < n_chans; i++) {
		const struct channel *c = &chans[i];
		refused += c->refused;
		for (size_t e = 2; e <= c->n_ep; e++) {
			const struct epoch *ep = &c->ep[e - 1];
			epochs++;
			if (!ep->packets)
				continue;
			used++;
			series_add(&reply_first,
				   ((double)ep->first_ns - (double)ep->reply_ns) / 1e3);
			series_add(&sent_first, ((double)ep->first_ns - (double)ep->sent_ns) / 1e3);
			const struct epoch *prev = &c->ep[e - 2];
			if (prev->packets)
				series_add(&switch_gap,
					   ((double)ep->first_ns - (double)prev->last_ns) / 1e3);
		}
	}

	printf("epoch_check: %s: %" PRIu64 " frames: %" PRIu64 " SRTP, %" PRIu64 " SRTCP, %" PRIu64
	       " other; %u streams on %u channels (%" PRIu64 " SRTP streams passed a ROC)\n",
	       pcap_path, frames, rtp, rtcp, other, n_streams, n_chans, wrapped);
	printf("epoch_check: rekeys logged: %" PRIu64 " applied, %" PRIu64 " refused; %" PRIu64
	       " of the %" PRIu64 " new epochs carried packets; %zu clock markers\n",
	       n_rekeys, refused, used, epochs, n_markers);
	for (unsigned i = 0; i < n_chans; i++)
		printf("epoch_check:   channel %s (%s): %" PRIu64 " packets, %zu key epochs\n",
		       chans[i].name, modes[chans[i].mode].name, chans[i].packets, chans[i].n_ep);
	printf("epoch_check: opened under exactly one key epoch: %" PRIu64 " of %" PRIu64
	       " (%" PRIu64 " under none, %" PRIu64 " under several; %.2f trials a packet)\n",
	       opened - ambiguous, rtp + rtcp, unopened, ambiguous,
	       rtp + rtcp ? (double)trials / (double)(rtp + rtcp) : 0.0);
	printf("epoch_check: epochs going backwards on a stream: %" PRIu64 "\n", backwards);
	printf("epoch_check: key used before its request was sent: %" PRIu64 " by time (clock "
	       "slack %.0f us; earliest use %.1f us after the request), %" PRIu64 " by markers\n",
	       early_time, (double)clock_slack_ns / 1e3, min_after_sent, early_count);
	printf("epoch_check: older key after a reply: %" PRIu64 " written > %.0f us after it, "
	       "%" PRIu64 " buffered after a marker read after it (latest old-key frame %.1f us "
	       "after a reply; %" PRIu64 " frames up to %.1f us late were the first written "
	       "after a TX stall)\n",
	       old_time, (double)slack_ns / 1e3, old_count, max_old_after_reply, stall_excused,
	       max_excused_after_reply);
	printf("epoch_check: SRTP/SRTCP index not increasing per stream and ROC era: %" PRIu64 "\n",
	       index_bad);
	printf("epoch_check: reply -> first packet under the new key: p50 %.1f us, p99 %.1f us "
	       "(request -> first: p50 %.1f us, p99 %.1f us; %zu epochs)\n",
	       pct(&reply_first, 0.5), pct(&reply_first, 0.99), pct(&sent_first, 0.5),
	       pct(&sent_first, 0.99), reply_first.n);
	if (time_back)
		printf("epoch_check: note: %" PRIu64 " frames stamped before the one before them\n",
		       time_back);
	if (json_path) {
		json_t *j = json_pack(
		    "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:f,s:f,s:f,s:f,s:I}", "frames",
		    (json_int_t)frames, "opened", (json_int_t)opened, "rekeys",
		    (json_int_t)n_rekeys, "epochs", (json_int_t)epochs, "epochs_used",
		    (json_int_t)used, "problems", (json_int_t)problems, "markers",
		    (json_int_t)n_markers, "reply_to_first_us", series_json(&reply_first),
		    "sent_to_first_us", series_json(&sent_first), "last_old_to_first_new_us",
		    series_json(&switch_gap), "min_after_sent_us",
		    isfinite(min_after_sent) ? min_after_sent : 0.0, "max_old_after_reply_us",
		    isfinite(max_old_after_reply) ? max_old_after_reply : 0.0, "clock_ppm",
		    (cm.b - 1) * 1e6, "clock_resid_us", cm.max_resid_us, "stall_excused",
		    (json_int_t)stall_excused);
		if (!j || json_dump_file(j, json_path, JSON_COMPACT) < 0) {
			fprintf(stderr, "epoch_check: cannot write %s\n", json_path);
			json_decref(j);
			return finish(EXIT_USAGE);
		}
		json_decref(j);
	}
	if (!frames)
		problem("the capture holds no frame");
	printf("epoch_check: %s\n", problems ? "FAILED" : "OK");
	return finish(problems ? EXIT_MISMATCH : 0);
}
