/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crypto micro-bench (DESIGN §9): SRTP AEAD AES-GCM (RFC 7714) seal and open
 * through librtpseal's burst API, against the crypto floor (a bare loop of
 * ipsec-mb direct calls on the same packets, measured in the same run) and
 * against the peers: OpenSSL EVP per packet and libsrtp2.
 *
 * Prints one JSON line per case on stdout. Every row carries
 *   ns_per_pkt      best (lowest) of the repetitions, per packet per core
 *   raw_ns_per_pkt  the bare ipsec-mb loop, same packets, same run
 *   ratio           raw_ns_per_pkt / ns_per_pkt (1.0 = at the crypto floor)
 *   mpps            aggregate over all workers
 *   gbps            mpps * bits of the SRTP packet (RTP header + payload +
 *                   tag; no UDP/IP/Ethernet), both directions: that is the
 *                   protected packet on the cipher side of the gateway
 *   speed_vs_X      X's ns_per_pkt / this row's ns_per_pkt (> 1: faster than X)
 *   scaling         workers=2 rows: rate(2 workers) / (2 * rate(1 worker)),
 *                   both measured in the same repetitions (best of each)
 *   ns_median, ns_reps, scaling_median
 *                   the median and every repetition's ns_per_pkt, in order,
 *                   and the scaling of the median repetitions: the noise.
 *                   The best one is the headline, but two workers on ipsec-mb
 *                   1.3 contend on its process-wide error variable only part
 *                   of the time on this VM (and other load on the 2 cores
 *                   slows either build's 2-worker runs), so read them too.
 *   fail            packets an implementation refused over all repetitions
 *                   (should be 0); xcheck: see cross_check()
 *
 * How a case is measured. Each worker owns ROUND_PKTS packet buffers laid
 * out like mbufs (42 bytes of Ethernet/IPv4/UDP before the RTP header), of
 * NSTREAMS SSRC streams interleaved, sequence numbers increasing per stream.
 * A round is: prepare the packets (untimed), then process all of them
 * (timed with CLOCK_MONOTONIC around the whole round: 8 bursts of 32 for
 * the library, one call per packet for the others). Rounds repeat until the
 * case's time slice is over; ns_per_pkt = timed ns / packets.
 *  - seal: preparing writes the next sequence number of the packet's stream
 *    into its header and resets its length (every implementation has its own
 *    per-stream counters, so the library's and libsrtp's no-reuse checks never
 *    see an index twice; the payload is whatever the last round left there).
 *  - open: a set of packets sealed once at set-up (by the raw ipsec-mb path)
 *    is copied back over the buffers, and the receiver state is reset (the
 *    library's streams re-initialised, libsrtp's session re-created), since
 *    replay protection would refuse the same packets a second time. The copy
 *    and the reset are outside the timed region for every implementation,
 *    the raw loop included, so all of them start from the same warm buffers.
 * The raw loop builds the IV from the header and the session salt (with a
 * ROC the preparation computed), calls IMB_AES{128,256}_GCM_{ENC,DEC} with
 * the 12-byte header as AAD and, on open, compares the tag with
 * CRYPTO_memcmp: the least any SRTP AEAD implementation must do. Everything
 * else the library does (ROC estimation, no-reuse and replay windows,
 * header parsing, status) is what `ratio` charges it for.
 *
 * The raw loop and the library run in the same measurement, alternating
 * round by round (lib first on odd repetitions), so machine noise hits both
 * alike; each gets a slice. A repetition is: raw+lib on one worker, each peer
 * alone, raw+lib on two workers; every case keeps its best (lowest ns)
 * repetition. Worker threads are pinned to the first two CPUs the process
 * may use; each has its own rs_engine, its own IMB_MGR, key contexts,
 * streams and packets. The peers run on one worker only.
 *
 * Before timing, a cross-check seals one packet with every implementation
 * and compares the bytes with the raw ipsec-mb output (and, for open, checks
 * every implementation recovers the plaintext): "xcheck" in each row.
 *
 * Flags: --case NAME[,NAME] (substring of the bench name), --payload N,
 * --mode 128|256, --dir seal|open, --quick, --ms N (slice per case per
 * repetition), --reps N, --libsrtp-aescm (also report libsrtp AES-CM with
 * HMAC-SHA1-80, 128- or 256-bit like the row's mode; automatic when libsrtp
 * lacks GCM: Debian's libsrtp2 2.5 is built against NSS and has it).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <srtp2/srtp.h>

#include "rs_keys.h"
#include "rs_srtp.h"
#include "rs_stream.h"
#include "bench_util.h"

const char bench_name[] = "bench_crypto";

#define ROUND_PKTS  256
#define BURST	    32
#define NSTREAMS    8
#define HDR_LEN	    12
#define TAG_LEN	    16
#define CM_TAG_LEN  10 /* HMAC-SHA1-80 */
#define HEADROOM    42 /* Ethernet + IPv4 + UDP in front of the RTP header */
#define TAILROOM    (SRTP_MAX_TRAILER_LEN + 16) /* libsrtp may write this much */
#define MAX_WORKERS 2
#define MAX_REPS    9

enum kind { K_RAW, K_LIB, K_OSSL, K_SRTP, K_SRTP_CM, K_COUNT };
enum dir { D_SEAL, D_OPEN };

static const char *const kind_bench[K_COUNT][2] = {
    [K_RAW] = {"raw_ipsec_mb", "raw_ipsec_mb"},
    [K_LIB] = {"lib_burst", "lib_burst"},
    [K_OSSL] = {"openssl_evp", "openssl_evp"},
    [K_SRTP] = {"libsrtp_protect", "libsrtp_unprotect"},
    [K_SRTP_CM] = {"libsrtp_protect_aescm", "libsrtp_unprotect_aescm"},
};

struct worker {
	/* ipsec-mb running GCM state of the raw loop (one thread uses it) */
	struct gcm_context_data gctx __attribute__((aligned(64)));
	int id;
	int cpu;
	unsigned key_len;
	unsigned payload;
	size_t slot;
	struct rs_master_key mk;
	struct rs_session_keys sk;
	struct rs_engine *eng;
	struct rs_key_ctx *kctx;
	IMB_MGR *mgr;
	struct gcm_key_data *kd; /* raw loop's key, 64-byte aligned */
	uint8_t *slab;		 /* ROUND_PKTS slots the rounds work on */
	uint8_t *pristine;	 /* the sealed (GCM) packets open rounds restore */
	uint8_t *pristine_cm;	 /* same, sealed by libsrtp AES-CM */
	uint8_t *plain;		 /* the clear packets of the open set */
	struct rs_packet pkts[ROUND_PKTS];
	uint32_t roc[ROUND_PKTS]; /* seal: ROC of each packet, for raw and OpenSSL */
	struct rs_stream *seal_st[NSTREAMS];
	struct rs_stream *open_st[NSTREAMS];
	size_t st_size;
	uint32_t ssrc[NSTREAMS];
	uint64_t next_idx[K_COUNT][NSTREAMS]; /* seal: next SRTP index per stream */
	EVP_CIPHER_CTX *ectx;
	EVP_CIPHER_CTX *dctx;
	srtp_t tx[2]; /* [0] GCM, [1] AES-CM */
	srtp_t rx[2];
	uint8_t srtp_key[2][64];
	/* the job of the current measurement (one or two kinds, alternating
	 * round by round) and its results per kind */
	enum kind kinds[2];
	unsigned nkinds;
	enum dir dir;
	uint64_t slice_ns;
	pthread_barrier_t *bar;
	int pinned;
	uint64_t r_ns[2];
	uint64_t r_pkts[2];
	uint64_t r_fail[2];
};

static struct {
	const char *cases;
	unsigned payload; /* 0: all */
	unsigned mode;	  /* 0: both, else 128 or 256 */
	int dir;	  /* -1: both */
	unsigned reps;
	unsigned slice_ms;
	bool aescm;
	bool srtp_gcm_ok;
	char srtp_gcm_err[160];
	int cpus[MAX_WORKERS];
	int ncpus;
	const char *arch;
	unsigned rows;
} opt = {.dir = -1, .reps = 5, .slice_ms = 60};

static void *xalign(size_t size)
{
	void *p = aligned_alloc(64, (size + 63) & ~(size_t)63);

	if (!p)
		die("out of memory");
	memset(p, 0, size);
	return p;
}

static const char *mode_name(unsigned key_len)
{
	return key_len == 16 ? "AEAD_AES_128_GCM" : "AEAD_AES_256_GCM";
}

/* --case: comma-separated substrings of the bench name; empty selects all */
static bool case_selected(const char *bench)
{
	const char *p = opt.cases;

	if (!p || !*p)
		return true;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char word[64];

		if (n > 0 && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			if (strstr(bench, word))
				return true;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

static uint8_t *pkt_at(const struct worker *w, uint8_t *base, unsigned i)
{
	return base + (size_t)i * w->slot + HEADROOM;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 7714 §8.1: IV = salt XOR (00 00 || SSRC || ROC || SEQ), SSRC and SEQ
 * taken from the RTP header. */
static inline void srtp_iv(uint8_t iv[12], const uint8_t *salt, const uint8_t *hdr, uint32_t roc)
{
	iv[0] = salt[0];
	iv[1] = salt[1];
	iv[2] = salt[2] ^ hdr[8];
	iv[3] = salt[3] ^ hdr[9];
	iv[4] = salt[4] ^ hdr[10];
	iv[5] = salt[5] ^ hdr[11];
	iv[6] = salt[6] ^ (uint8_t)(roc >> 24);
	iv[7] = salt[7] ^ (uint8_t)(roc >> 16);
	iv[8] = salt[8] ^ (uint8_t)(roc >> 8);
	iv[9] = salt[9] ^ (uint8_t)roc;
	iv[10] = salt[10] ^ hdr[2];
	iv[11] = salt[11] ^ hdr[3];
}

/* ---- the raw ipsec-mb loop and OpenSSL EVP, one packet each ---- */

static inline void raw_seal_one(struct worker *w, uint8_t *p, uint32_t roc)
{
	uint8_t iv[12];
	uint8_t *pl = p + HDR_LEN;

	srtp_iv(iv, w->sk.rtp_salt, p, roc);
	if (w->key_len == 16)
		IMB_AES128_GCM_ENC(w->mgr, w->kd, &w->gctx, pl, pl, w->payload, iv, p, HDR_LEN,
				   pl + w->payload, TAG_LEN);
	else
		IMB_AES256_GCM_ENC(w->mgr, w->kd, &w->gctx, pl, pl, w->payload, iv, p, HDR_LEN,
				   pl + w->payload, TAG_LEN);
}

/* Returns 0 when the tag verifies. */
static inline int raw_open_one(struct worker *w, uint8_t *p, uint32_t roc)
{
	uint8_t iv[12];
	uint8_t tag[TAG_LEN];
	uint8_t *pl = p + HDR_LEN;

	srtp_iv(iv, w->sk.rtp_salt, p, roc);
	if (w->key_len == 16)
		IMB_AES128_GCM_DEC(w->mgr, w->kd, &w->gctx, pl, pl, w->payload, iv, p, HDR_LEN, tag,
				   TAG_LEN);
	else
		IMB_AES256_GCM_DEC(w->mgr, w->kd, &w->gctx, pl, pl, w->payload, iv, p, HDR_LEN, tag,
				   TAG_LEN);
	return CRYPTO_memcmp(tag, pl + w->payload, TAG_LEN) != 0;
}

/*
 * What an SDK's custom-encryption sample does per packet: EVP init with the
 * packet's IV, the header as AAD, the payload, final, the tag. The key is
 * set once per context (the sample's best case: a sample that also passes
 * the key each packet pays a key schedule more).
 */
static inline int ossl_seal_one(struct worker *w, uint8_t *p, uint32_t roc)
{
	uint8_t iv[12];
	uint8_t *pl = p + HDR_LEN;
	int n = 0, fin = 0;

	srtp_iv(iv, w->sk.rtp_salt, p, roc);
	if (EVP_EncryptInit_ex(w->ectx, NULL, NULL, NULL, iv) != 1 ||
	    EVP_EncryptUpdate(w->ectx, NULL, &n, p, HDR_LEN) != 1 ||
	    EVP_EncryptUpdate(w->ectx, pl, &n, pl, (int)w->payload) != 1 ||
	    EVP_EncryptFinal_ex(w->ectx, pl + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(w->ectx, EVP_CTRL_AEAD_GET_TAG, TAG_LEN, pl + w->payload) != 1)
		return 1;
	return 0;
}

static inline int ossl_open_one(struct worker *w, uint8_t *p, uint32_t roc)
{
	uint8_t iv[12];
	uint8_t *pl = p + HDR_LEN;
	int n = 0, fin = 0;

	srtp_iv(iv, w->sk.rtp_salt, p, roc);
	if (EVP_DecryptInit_ex(w->dctx, NULL, NULL, NULL, iv) != 1 ||
	    EVP_DecryptUpdate(w->dctx, NULL, &n, p, HDR_LEN) != 1 ||
	    EVP_DecryptUpdate(w->dctx, pl, &n, pl, (int)w->payload) != 1 ||
	    EVP_CIPHER_CTX_ctrl(w->dctx, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, pl + w->payload) != 1 ||
	    EVP_DecryptFinal_ex(w->dctx, pl + n, &fin) != 1)
		return 1;
	return 0;
}

/* ---- libsrtp ---- */

static void srtp_policy_fill(srtp_policy_t *pol, unsigned key_len, int cm)
{
	if (cm) {
		if (key_len == 16)
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtp);
		else
			srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&pol->rtp);
	} else {
		if (key_len == 16)
			srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtp);
		else
			srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol->rtp);
	}
	pol->rtcp = pol->rtp;
}

/* A session with one ssrc_specific stream per SSRC (set up now, so the
 * timed loop never clones a template stream), or for one SSRC when nssrc is
 * 1. */
static srtp_err_status_t srtp_session(struct worker *w, int cm, const uint32_t *ssrcs,
				      unsigned nssrc, srtp_t *out)
{
	srtp_policy_t pol[NSTREAMS];

	memset(pol, 0, sizeof(pol));
	for (unsigned s = 0; s < nssrc; s++) {
		srtp_policy_fill(&pol[s], w->key_len, cm);
		pol[s].ssrc.type = ssrc_specific;
		pol[s].ssrc.value = ssrcs[s];
		pol[s].key = w->srtp_key[cm];
		pol[s].window_size = RS_WINDOW_DEFAULT;
		pol[s].allow_repeat_tx = 0;
		pol[s].next = s + 1 < nssrc ? &pol[s + 1] : NULL;
	}
	*out = NULL;
	return srtp_create(out, pol);
}

/* ---- rounds ---- */

static void reset_open_streams(struct worker *w)
{
	for (unsigned s = 0; s < NSTREAMS; s++)
		if (rs_stream_init(w->open_st[s], w->st_size, w->ssrc[s], RS_WINDOW_DEFAULT, 0) !=
		    RS_OK)
			die("rs_stream_init failed");
}

static unsigned sealed_len(const struct worker *w, enum kind k)
{
	return HDR_LEN + w->payload + (k == K_SRTP_CM ? CM_TAG_LEN : TAG_LEN);
}

/* Untimed: make the buffers ready for one round of kind k. */
static void prep_round(struct worker *w, enum kind k, enum dir d)
{
	if (d == D_SEAL) {
		uint64_t *next = w->next_idx[k];

		for (unsigned i = 0; i < ROUND_PKTS; i++) {
			uint8_t *p = pkt_at(w, w->slab, i);
			uint64_t idx = next[i % NSTREAMS]++;

			put_be16(p + 2, (uint16_t)idx);
			put_be32(p + 4, (uint32_t)idx * 960u);
			w->roc[i] = (uint32_t)(idx >> 16);
			w->pkts[i].len = HDR_LEN + w->payload;
		}
		return;
	}
	uint8_t *src = k == K_SRTP_CM ? w->pristine_cm : w->pristine;
	unsigned len = sealed_len(w, k);

	for (unsigned i = 0; i < ROUND_PKTS; i++) {
		memcpy(pkt_at(w, w->slab, i), pkt_at(w, src, i), len);
		w->pkts[i].len = len;
	}
	if (k == K_LIB) {
		reset_open_streams(w);
	} else if (k == K_SRTP || k == K_SRTP_CM) {
		int cm = k == K_SRTP_CM;

		if (w->rx[cm])
			srtp_dealloc(w->rx[cm]);
		if (srtp_session(w, cm, w->ssrc, NSTREAMS, &w->rx[cm]) != srtp_err_status_ok)
			die("srtp_create (receiver) failed");
	}
}

/* Timed: process the round; returns how many packets failed. */
static unsigned run_round(struct worker *w, enum kind k, enum dir d)
{
	unsigned fail = 0;

	switch (k) {
	case K_RAW:
		if (d == D_SEAL) {
			for (unsigned i = 0; i < ROUND_PKTS; i++)
				raw_seal_one(w, pkt_at(w, w->slab, i), w->roc[i]);
		} else {
			for (unsigned i = 0; i < ROUND_PKTS; i++)
				fail += (unsigned)raw_open_one(w, pkt_at(w, w->slab, i), 0);
		}
		break;
	case K_LIB:
		for (unsigned b = 0; b < ROUND_PKTS; b += BURST) {
			unsigned ok = d == D_SEAL ? rs_seal_burst(w->eng, &w->pkts[b], BURST)
						  : rs_open_burst(w->eng, &w->pkts[b], BURST);
			fail += BURST - ok;
		}
		break;
	case K_OSSL:
		for (unsigned i = 0; i < ROUND_PKTS; i++) {
			uint8_t *p = pkt_at(w, w->slab, i);

			fail += (unsigned)(d == D_SEAL ? ossl_seal_one(w, p, w->roc[i])
						       : ossl_open_one(w, p, 0));
		}
		break;
	case K_SRTP:
	case K_SRTP_CM: {
		int cm = k == K_SRTP_CM;

		for (unsigned i = 0; i < ROUND_PKTS; i++) {
			uint8_t *p = pkt_at(w, w->slab, i);
			int len;

			if (d == D_SEAL) {
				len = (int)(HDR_LEN + w->payload);
				fail += srtp_protect(w->tx[cm], p, &len) != srtp_err_status_ok;
			} else {
				len = (int)sealed_len(w, k);
				fail += srtp_unprotect(w->rx[cm], p, &len) != srtp_err_status_ok;
			}
		}
		break;
	}
	default:
		break;
	}
	return fail;
}

static void *job_main(void *arg)
{
	struct worker *w = arg;
	uint64_t end, t0, t1 = 0;

	if (w->bar)
		pthread_barrier_wait(w->bar);
	/* one untimed round each to warm caches and branch predictors */
	for (unsigned j = 0; j < w->nkinds; j++) {
		prep_round(w, w->kinds[j], w->dir);
		(void)run_round(w, w->kinds[j], w->dir);
		w->r_ns[j] = w->r_pkts[j] = w->r_fail[j] = 0;
	}
	end = now_ns() + w->slice_ns;
	do {
		for (unsigned j = 0; j < w->nkinds; j++) {
			enum kind k = w->kinds[j];

			prep_round(w, k, w->dir);
			t0 = now_ns();
			w->r_fail[j] += run_round(w, k, w->dir);
			t1 = now_ns();
			w->r_ns[j] += t1 - t0;
			w->r_pkts[j] += ROUND_PKTS;
		}
	} while (t1 < end);
	return NULL;
}

/* Run kinds[0..nk-1] (alternating round by round) on n workers at once,
 * each pinned to its CPU, for nk slices; rate[j] is kind j's aggregate rate
 * in packets per ns; fail[j] gets its failures added. */
static void measure(struct worker **ws, unsigned n, const enum kind *kinds, unsigned nk, enum dir d,
		    double *rate, uint64_t *fail)
{
	pthread_t th[MAX_WORKERS];
	pthread_barrier_t bar;

	if (pthread_barrier_init(&bar, NULL, n) != 0)
		die("pthread_barrier_init failed");
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = ws[i];
		pthread_attr_t attr;
		cpu_set_t set;

		memcpy(w->kinds, kinds, nk * sizeof(kinds[0]));
		w->nkinds = nk;
		w->dir = d;
		w->slice_ns = (uint64_t)opt.slice_ms * 1000000u * nk;
		w->bar = &bar;
		pthread_attr_init(&attr);
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		w->pinned = pthread_attr_setaffinity_np(&attr, sizeof(set), &set) == 0;
		if (pthread_create(&th[i], &attr, job_main, w) != 0) {
			w->pinned = 0;
			if (pthread_create(&th[i], NULL, job_main, w) != 0)
				die("pthread_create failed");
		}
		pthread_attr_destroy(&attr);
	}
	for (unsigned j = 0; j < nk; j++)
		rate[j] = 0;
	for (unsigned i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		for (unsigned j = 0; j < nk; j++) {
			rate[j] += (double)ws[i]->r_pkts[j] / (double)ws[i]->r_ns[j];
			fail[j] += ws[i]->r_fail[j];
		}
	}
	pthread_barrier_destroy(&bar);
}

/* ---- set-up ---- */

static void worker_setup(struct worker *w, int id, int cpu, unsigned key_len, unsigned payload,
			 bool need_cm)
{
	enum rs_status err;
	IMB_ARCH arch = IMB_ARCH_NONE;

	memset(w, 0, sizeof(*w));
	w->id = id;
	w->cpu = cpu;
	w->key_len = key_len;
	w->payload = payload;
	w->slot = (HEADROOM + HDR_LEN + payload + TAILROOM + 63) & ~(size_t)63;

	/* a fixed master key per worker; a bench has no secrets */
	w->mk.key_len = (uint8_t)key_len;
	for (unsigned i = 0; i < key_len; i++)
		w->mk.key[i] = (uint8_t)(0x5a ^ (i * 7) ^ (id * 0x31));
	for (unsigned i = 0; i < RS_MASTER_SALT_LEN; i++)
		w->mk.salt[i] = (uint8_t)(0xa5 ^ (i * 13) ^ id);
	if (rs_session_keys_derive(&w->mk, &w->sk) != RS_OK)
		die("rs_session_keys_derive failed");

	w->eng = rs_engine_new(&err);
	if (!w->eng)
		die("rs_engine_new failed");
	w->kctx = rs_key_ctx_new(w->eng, &w->mk, 0, &err);
	if (!w->kctx)
		die("rs_key_ctx_new failed");
	if (!opt.arch)
		opt.arch = rs_engine_arch(w->eng);

	w->mgr = alloc_mb_mgr(0);
	if (!w->mgr)
		die("alloc_mb_mgr failed");
	init_mb_mgr_auto(w->mgr, &arch);
	if (arch == IMB_ARCH_NONE)
		die("init_mb_mgr_auto found no usable code path");
	w->kd = xalign(sizeof(*w->kd));
	if (key_len == 16)
		IMB_AES128_GCM_PRE(w->mgr, w->sk.rtp_key, w->kd);
	else
		IMB_AES256_GCM_PRE(w->mgr, w->sk.rtp_key, w->kd);

	w->ectx = EVP_CIPHER_CTX_new();
	w->dctx = EVP_CIPHER_CTX_new();
	if (!w->ectx || !w->dctx)
		die("EVP_CIPHER_CTX_new failed");
	const EVP_CIPHER *c = key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	if (EVP_EncryptInit_ex(w->ectx, c, NULL, w->sk.rtp_key, NULL) != 1 ||
	    EVP_DecryptInit_ex(w->dctx, c, NULL, w->sk.rtp_key, NULL) != 1)
		die("EVP init failed");

	/* libsrtp: master key || master salt (12 bytes for GCM, 14 for AES-CM) */
	for (int cm = 0; cm < 2; cm++) {
		memcpy(w->srtp_key[cm], w->mk.key, key_len);
		memcpy(w->srtp_key[cm] + key_len, w->mk.salt, RS_MASTER_SALT_LEN);
	}

	w->st_size = rs_stream_size(RS_WINDOW_DEFAULT);
	for (unsigned s = 0; s < NSTREAMS; s++) {
		w->ssrc[s] = 0x10000000u * (uint32_t)(id + 1) + 0x01010101u * s + 0x1234u;
		w->seal_st[s] = xalign(w->st_size);
		w->open_st[s] = xalign(w->st_size);
		if (rs_stream_init(w->seal_st[s], w->st_size, w->ssrc[s], RS_WINDOW_DEFAULT, 0) !=
		    RS_OK)
			die("rs_stream_init failed");
		for (int k = 0; k < K_COUNT; k++)
			w->next_idx[k][s] = 1000u + 4099u * s + 777u * (unsigned)id;
	}
	reset_open_streams(w);
	if (opt.srtp_gcm_ok &&
	    srtp_session(w, 0, w->ssrc, NSTREAMS, &w->tx[0]) != srtp_err_status_ok)
		die("srtp_create (GCM sender) failed");
	if (need_cm && srtp_session(w, 1, w->ssrc, NSTREAMS, &w->tx[1]) != srtp_err_status_ok)
		die("srtp_create (AES-CM sender) failed");

	/* the packets: stream i % NSTREAMS, its (i / NSTREAMS)-th packet */
	size_t bytes = (size_t)ROUND_PKTS * w->slot;
	w->slab = xalign(bytes);
	w->plain = xalign(bytes);
	w->pristine = xalign(bytes);
	w->pristine_cm = xalign(bytes);
	for (unsigned i = 0; i < ROUND_PKTS; i++) {
		uint8_t *p = pkt_at(w, w->plain, i);
		unsigned s = i % NSTREAMS;
		uint16_t seq = (uint16_t)(w->next_idx[K_RAW][s] + i / NSTREAMS);

		p[0] = 0x80;
		p[1] = payload <= 160 ? 111 : 96; /* opus-like audio, else video */
		put_be16(p + 2, seq);
		put_be32(p + 4, seq * 960u);
		put_be32(p + 8, w->ssrc[s]);
		for (unsigned j = 0; j < payload; j++)
			p[HDR_LEN + j] = (uint8_t)(i * 31 + j * 7 + 1);
		w->pkts[i].buf = pkt_at(w, w->slab, i);
		w->pkts[i].cap = (uint32_t)(w->slot - HEADROOM);
		w->pkts[i].key = w->kctx;
		w->pkts[i].stream = w->seal_st[s];
	}
	/* the open set, sealed by the raw path (ROC 0) and by libsrtp AES-CM */
	for (unsigned i = 0; i < ROUND_PKTS; i++) {
		memcpy(pkt_at(w, w->pristine, i), pkt_at(w, w->plain, i), HDR_LEN + payload);
		raw_seal_one(w, pkt_at(w, w->pristine, i), 0);
	}
	if (need_cm) {
		srtp_t tx;
		if (srtp_session(w, 1, w->ssrc, NSTREAMS, &tx) != srtp_err_status_ok)
			die("srtp_create (AES-CM) failed");
		for (unsigned i = 0; i < ROUND_PKTS; i++) {
			int len = (int)(HDR_LEN + payload);
			uint8_t *ref = pkt_at(w, w->pristine_cm, i);

			memcpy(ref, pkt_at(w, w->plain, i), HDR_LEN + payload);
			if (srtp_protect(tx, ref, &len) != srtp_err_status_ok)
				die("srtp_protect (AES-CM) failed");
		}
		srtp_dealloc(tx);
	}
	memcpy(w->slab, w->plain, bytes);
}

static void worker_teardown(struct worker *w)
{
	for (int cm = 0; cm < 2; cm++) {
		if (w->tx[cm])
			srtp_dealloc(w->tx[cm]);
		if (w->rx[cm])
			srtp_dealloc(w->rx[cm]);
	}
	EVP_CIPHER_CTX_free(w->ectx);
	EVP_CIPHER_CTX_free(w->dctx);
	for (unsigned s = 0; s < NSTREAMS; s++) {
		free(w->seal_st[s]);
		free(w->open_st[s]);
	}
	free(w->slab);
	free(w->plain);
	free(w->pristine);
	free(w->pristine_cm);
	free(w->kd);
	free_mb_mgr(w->mgr);
	rs_key_ctx_free(w->kctx);
	rs_engine_free(w->eng);
	memset(w, 0, sizeof(*w));
}

/*
 * Cross-check on worker w. seal: one packet sealed by each implementation
 * must equal the raw ipsec-mb output byte for byte (so the library's KDF,
 * IV and AAD agree with ours, OpenSSL's and libsrtp's). open: one round of
 * each must succeed and give back the plaintext. chk[k]: 1 ok, 0 mismatch,
 * -1 not checked (libsrtp AES-CM seal: another cipher).
 */
static void cross_check(struct worker *w, enum dir d, const bool *run, int *chk)
{
	size_t bytes = (size_t)ROUND_PKTS * w->slot;
	uint8_t *ref = xalign(w->slot), *buf = xalign(w->slot);
	unsigned plen = HDR_LEN + w->payload, slen = plen + TAG_LEN;
	const uint8_t *plain0 = pkt_at(w, w->plain, 0);

	for (int k = 0; k < K_COUNT; k++)
		chk[k] = -1;
	if (d == D_SEAL) {
		memcpy(ref, plain0, plen);
		raw_seal_one(w, ref, 0);
		chk[K_RAW] = 1;
		if (run[K_LIB]) {
			struct rs_stream *st = xalign(w->st_size);
			struct rs_packet pk = {.buf = buf,
					       .len = plen,
					       .cap = (uint32_t)(w->slot - HEADROOM),
					       .key = w->kctx,
					       .stream = st};

			memcpy(buf, plain0, plen);
			chk[K_LIB] = rs_stream_init(st, w->st_size, w->ssrc[0], RS_WINDOW_DEFAULT,
						    0) == RS_OK &&
				     rs_seal(w->eng, &pk) == RS_OK && pk.len == slen &&
				     memcmp(buf, ref, slen) == 0;
			free(st);
		}
		if (run[K_OSSL]) {
			memcpy(buf, plain0, plen);
			chk[K_OSSL] = ossl_seal_one(w, buf, 0) == 0 && memcmp(buf, ref, slen) == 0;
		}
		if (run[K_SRTP]) {
			srtp_t s;
			int len = (int)plen;

			memcpy(buf, plain0, plen);
			chk[K_SRTP] = srtp_session(w, 0, w->ssrc, 1, &s) == srtp_err_status_ok &&
				      srtp_protect(s, buf, &len) == srtp_err_status_ok &&
				      len == (int)slen && memcmp(buf, ref, slen) == 0;
			if (s)
				srtp_dealloc(s);
		}
	} else {
		for (unsigned i = 0; i < ROUND_PKTS; i++)
			w->pkts[i].stream = w->open_st[i % NSTREAMS];
		for (int k = 0; k < K_COUNT; k++) {
			if (!run[k])
				continue;
			prep_round(w, (enum kind)k, D_OPEN);
			chk[k] = run_round(w, (enum kind)k, D_OPEN) == 0;
			for (unsigned i = 0; chk[k] && i < ROUND_PKTS; i++)
				chk[k] = memcmp(pkt_at(w, w->slab, i), pkt_at(w, w->plain, i),
						plen) == 0 &&
					 (k != K_LIB || w->pkts[i].len == plen);
		}
		memcpy(w->slab, w->plain, bytes);
	}
	free(ref);
	free(buf);
}

static const char *chk_name(int chk)
{
	return chk > 0 ? "ok" : chk == 0 ? "MISMATCH" : "n/a";
}

/* ---- output ---- */

struct result {
	bool run;
	double ns;     /* per packet per core, best repetition */
	double mpps;   /* aggregate, best repetition */
	uint64_t fail; /* over all repetitions */
	int pinned;
	unsigned nreps;
	double rep_ns[MAX_REPS]; /* every repetition's ns, to show the noise */
};

static double median_ns(const struct result *r)
{
	return bench_median(r->rep_ns, r->nreps);
}

/* scaling: best-repetition scaling (0: not a workers=2 row); scaling_med:
 * the same from the median repetitions */
static void print_row(const char *bench, unsigned key_len, enum dir d, unsigned payload,
		      unsigned workers, unsigned wire, const struct result *r, double raw_ns,
		      double scaling, double scaling_med, double vs_srtp, double vs_ossl,
		      const char *srtp_peer, const char *xcheck, const char *error)
{
	printf("{\"bench\":\"%s\",\"mode\":\"%s\",\"dir\":\"%s\",\"payload\":%u,\"workers\":%u",
	       bench, mode_name(key_len), d == D_SEAL ? "seal" : "open", payload, workers);
	if (error) {
		printf(",\"error\":\"%s\"", error);
	} else {
		printf(",\"mpps\":%.3f,\"gbps\":%.3f,\"ns_per_pkt\":%.2f,\"raw_ns_per_pkt\":%.2f"
		       ",\"ratio\":%.3f",
		       r->mpps, r->mpps * wire * 8 / 1000.0, r->ns, raw_ns, raw_ns / r->ns);
		if (scaling > 0)
			printf(",\"scaling\":%.3f,\"scaling_median\":%.3f", scaling, scaling_med);
		if (vs_srtp > 0)
			printf(",\"speed_vs_libsrtp\":%.2f", vs_srtp);
		if (vs_ossl > 0)
			printf(",\"speed_vs_openssl\":%.2f", vs_ossl);
		if (vs_srtp > 0 && srtp_peer)
			printf(",\"libsrtp_peer\":\"%s\"", srtp_peer);
		printf(",\"ns_median\":%.2f,\"ns_reps\":[", median_ns(r));
		for (unsigned i = 0; i < r->nreps; i++)
			printf("%s%.2f", i ? "," : "", r->rep_ns[i]);
		printf("],\"wire_bytes\":%u,\"fail\":%llu,\"xcheck\":\"%s\",\"pinned\":%s", wire,
		       (unsigned long long)r->fail, xcheck, r->pinned ? "true" : "false");
	}
	printf(",\"reps\":%u,\"slice_ms\":%u,\"ipsec_mb\":\"%s\",\"ipsec_mb_header\":\"%s\","
	       "\"arch\":\"%s\"",
	       opt.reps, opt.slice_ms, imb_get_version_str(), IMB_VERSION_STR,
	       opt.arch ? opt.arch : "?");
	if (strstr(bench, "openssl"))
		printf(",\"openssl\":\"%s\"", OpenSSL_version(OPENSSL_VERSION));
	if (strstr(bench, "libsrtp"))
		printf(",\"libsrtp\":\"%s\"", srtp_get_version_string());
	printf("}\n");
	fflush(stdout);
	opt.rows++;
}

/* One (key size, payload, direction): measure and print its rows. */
static void run_case(struct worker *ws, unsigned key_len, unsigned payload, enum dir d)
{
	bool sel[K_COUNT], run[K_COUNT], any = false, run2, need_cm;
	int chk[K_COUNT];
	struct result r1[K_COUNT], r2[K_COUNT], none = {0};
	struct worker *one[1] = {&ws[0]}, *two[MAX_WORKERS] = {&ws[0], &ws[1]};

	for (int k = 0; k < K_COUNT; k++) {
		sel[k] = case_selected(kind_bench[k][d]);
		any = any || sel[k];
	}
	if (!any)
		return;
	memcpy(run, sel, sizeof(run));
	run[K_SRTP] = sel[K_SRTP] && opt.srtp_gcm_ok;
	run[K_SRTP_CM] = sel[K_SRTP_CM] && (opt.aescm || !opt.srtp_gcm_ok);
	/* the floor is always measured: every row's ratio needs it */
	run[K_RAW] = true;
	run2 = d == D_SEAL && opt.ncpus >= 2 && (sel[K_LIB] || sel[K_RAW]);
	need_cm = run[K_SRTP_CM];

	worker_setup(&ws[0], 0, opt.cpus[0], key_len, payload, need_cm);
	if (run2)
		worker_setup(&ws[1], 1, opt.cpus[1], key_len, payload, false);
	cross_check(&ws[0], d, run, chk);
	for (unsigned i = 0; i < ROUND_PKTS; i++)
		for (int n = 0; n < (run2 ? 2 : 1); n++)
			ws[n].pkts[i].stream =
			    d == D_SEAL ? ws[n].seal_st[i % NSTREAMS] : ws[n].open_st[i % NSTREAMS];

	memset(r1, 0, sizeof(r1));
	memset(r2, 0, sizeof(r2));
	for (unsigned rep = 0; rep < opt.reps; rep++) {
		/* measurements of this repetition: raw with lib (alternating round
		 * by round, lib first on odd repetitions), then each peer alone,
		 * then raw with lib on two workers */
		enum kind groups[K_COUNT + 1][2] = {{K_RAW, K_RAW}};
		unsigned ng = 0, gn[K_COUNT + 1], gw[K_COUNT + 1];

		gn[ng] = 1;
		gw[ng] = 1;
		groups[ng][0] = K_RAW;
		if (run[K_LIB]) {
			groups[ng][rep & 1] = K_RAW;
			groups[ng][!(rep & 1)] = K_LIB;
			gn[ng] = 2;
		}
		ng++;
		for (int k = K_OSSL; k < K_COUNT; k++) {
			if (!run[k])
				continue;
			groups[ng][0] = (enum kind)k;
			gn[ng] = 1;
			gw[ng++] = 1;
		}
		if (run2) {
			groups[ng][0] = groups[0][0];
			groups[ng][1] = groups[0][1];
			gn[ng] = gn[0];
			gw[ng++] = 2;
		}
		for (unsigned g = 0; g < ng; g++) {
			unsigned nw = gw[g];
			struct result *res = nw == 1 ? r1 : r2;
			struct worker **wl = nw == 1 ? one : two;
			double rate[2];
			uint64_t fail[2] = {0, 0};

			measure(wl, nw, groups[g], gn[g], d, rate, fail);
			for (unsigned j = 0; j < gn[g]; j++) {
				enum kind k = groups[g][j];
				double ns = nw / rate[j];

				if (!res[k].run || ns < res[k].ns) {
					res[k].ns = ns;
					res[k].mpps = rate[j] * 1000.0;
				}
				res[k].run = true;
				res[k].rep_ns[res[k].nreps++] = ns;
				res[k].fail += fail[j];
				res[k].pinned = wl[0]->pinned && (nw == 1 || wl[1]->pinned);
			}
		}
	}

	double raw1 = r1[K_RAW].ns;
	double srtp_ns = r1[K_SRTP].run ? r1[K_SRTP].ns : r1[K_SRTP_CM].run ? r1[K_SRTP_CM].ns : 0;
	const char *srtp_peer = r1[K_SRTP].run ? "aes_gcm" : "aes_cm_hmac_sha1_80";
	double ossl_ns = r1[K_OSSL].run ? r1[K_OSSL].ns : 0;
	unsigned wire = HDR_LEN + payload + TAG_LEN;

	for (int k = 0; k < K_COUNT; k++) {
		const char *bench = kind_bench[k][d];
		double vs_s = 0, vs_o = 0;

		if (k == K_SRTP && !opt.srtp_gcm_ok && sel[k]) {
			print_row(bench, key_len, d, payload, 1, wire, &none, 0, 0, 0, 0, 0, NULL,
				  "n/a", opt.srtp_gcm_err);
			continue;
		}
		if (!r1[k].run || !sel[k])
			continue;
		if (srtp_ns > 0 && k != K_SRTP && k != K_SRTP_CM)
			vs_s = srtp_ns / r1[k].ns;
		if (ossl_ns > 0 && k != K_OSSL)
			vs_o = ossl_ns / r1[k].ns;
		print_row(bench, key_len, d, payload, 1,
			  k == K_SRTP_CM ? HDR_LEN + payload + CM_TAG_LEN : wire, &r1[k], raw1, 0,
			  0, vs_s, vs_o, srtp_peer, chk_name(chk[k]), NULL);
	}
	for (int k = 0; k < K_COUNT && run2; k++) {
		if (!r2[k].run || !sel[k])
			continue;
		print_row(kind_bench[k][d], key_len, d, payload, 2, wire, &r2[k], r2[K_RAW].ns,
			  r2[k].mpps / (2 * r1[k].mpps), median_ns(&r1[k]) / median_ns(&r2[k]), 0,
			  0, NULL, chk_name(chk[k]), NULL);
	}
	for (unsigned k = 0; k < K_COUNT; k++)
		if (run[k] && (r1[k].fail || chk[k] == 0))
			fprintf(stderr,
				"bench_crypto: %s %s %s %u: %llu packets failed, cross-check %s\n",
				kind_bench[k][d], mode_name(key_len), d == D_SEAL ? "seal" : "open",
				payload, (unsigned long long)r1[k].fail, chk_name(chk[k]));

	worker_teardown(&ws[0]);
	if (run2)
		worker_teardown(&ws[1]);
}

/* Does this libsrtp have AES-GCM? (Debian's is built against NSS and does;
 * one built without a crypto library refuses the policy in srtp_create.) */
static void probe_libsrtp(void)
{
	uint8_t key[SRTP_AES_GCM_128_KEY_LEN_WSALT] = {1};
	srtp_policy_t pol;
	srtp_t s = NULL;
	srtp_err_status_t st;

	memset(&pol, 0, sizeof(pol));
	srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
	pol.rtcp = pol.rtp;
	pol.ssrc.type = ssrc_any_outbound;
	pol.key = key;
	st = srtp_create(&s, &pol);
	opt.srtp_gcm_ok = st == srtp_err_status_ok;
	if (s)
		srtp_dealloc(s);
	if (!opt.srtp_gcm_ok)
		snprintf(opt.srtp_gcm_err, sizeof(opt.srtp_gcm_err),
			 "libsrtp %s: srtp_create with AES-GCM failed (srtp_err_status %d): built "
			 "without GCM; see libsrtp_*_aescm",
			 srtp_get_version_string(), (int)st);
}

static void pick_cpus(void)
{
	cpu_set_t set;

	opt.ncpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (int c = 0; c < CPU_SETSIZE && opt.ncpus < MAX_WORKERS; c++)
			if (CPU_ISSET(c, &set))
				opt.cpus[opt.ncpus++] = c;
	}
	if (opt.ncpus == 0)
		opt.cpus[opt.ncpus++] = 0;
	if (opt.ncpus < 2)
		fprintf(stderr, "bench_crypto: one CPU available: no workers=2 rows\n");
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_crypto [--case NAME[,NAME]] [--payload N] [--mode 128|256]\n"
			"                    [--dir seal|open] [--quick] [--ms N] [--reps N] "
			"[--libsrtp-aescm]\n");
	exit(2);
}

static unsigned parse_uint(const char *s, unsigned lo, unsigned hi)
{
	char *end;
	unsigned long v;

	if (!s)
		usage();
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		usage();
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	static const unsigned payloads[] = {160, 480, 1200};
	static const unsigned key_lens[] = {16, 32};
	static struct worker ws[MAX_WORKERS];
	uint64_t t0 = now_ns();

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--case")) {
			if (!v)
				usage();
			opt.cases = v;
			i++;
		} else if (!strcmp(a, "--payload")) {
			opt.payload = parse_uint(v, 1, 1400);
			i++;
		} else if (!strcmp(a, "--mode")) {
			opt.mode = parse_uint(v, 128, 256);
			if (opt.mode != 128 && opt.mode != 256)
				usage();
			i++;
		} else if (!strcmp(a, "--dir")) {
			if (!v || (strcmp(v, "seal") && strcmp(v, "open")))
				usage();
			opt.dir = !strcmp(v, "seal") ? D_SEAL : D_OPEN;
			i++;
		} else if (!strcmp(a, "--quick")) {
			opt.reps = 3;
			opt.slice_ms = 20;
		} else if (!strcmp(a, "--ms")) {
			opt.slice_ms = parse_uint(v, 1, 10000);
			i++;
		} else if (!strcmp(a, "--reps")) {
			opt.reps = parse_uint(v, 1, MAX_REPS);
			i++;
		} else if (!strcmp(a, "--libsrtp-aescm")) {
			opt.aescm = true;
		} else {
			usage();
		}
	}

	pick_cpus();
	if (srtp_init() != srtp_err_status_ok)
		die("srtp_init failed");
	probe_libsrtp();
	if (!opt.srtp_gcm_ok)
		fprintf(stderr, "bench_crypto: %s\n", opt.srtp_gcm_err);

	/* key size, then payload, then direction */
	for (unsigned m = 0; m < 2; m++) {
		if (opt.mode && opt.mode != key_lens[m] * 8)
			continue;
		for (unsigned p = 0; p < sizeof(payloads) / sizeof(payloads[0]); p++) {
			unsigned payload = opt.payload ? opt.payload : payloads[p];

			for (int d = D_SEAL; d <= D_OPEN; d++)
				if (opt.dir < 0 || opt.dir == d)
					run_case(ws, key_lens[m], payload, (enum dir)d);
			if (opt.payload)
				break;
		}
	}
	srtp_shutdown();
	if (opt.rows == 0) {
		fprintf(stderr, "bench_crypto: no case matches --case %s\n", opt.cases);
		return 1;
	}
	fprintf(stderr, "bench_crypto: %u rows in %.1f s\n", opt.rows,
		(double)(now_ns() - t0) / 1e9);
	return 0;
}
