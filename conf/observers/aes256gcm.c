/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aes256gcm: the example "custom encryption" packet observer, done right.
 *
 * The SDK's documentation shows custom encryption as a packet observer that
 * runs AES over the payload with one fixed IV. That is broken twice: GCM or
 * CTR under a repeated (key, IV) leaks the XOR of two plaintexts and, for
 * GCM, the authentication key; and without a tag nothing stops a forger.
 * This observer does the same job correctly:
 *
 *   send side (before built-in SRTP, if any):
 *       RTP header | payload    ->    RTP header | nonce(12) | ciphertext | tag(16)
 *   AES-256-GCM (OpenSSL EVP), the whole RTP header (fixed part, CSRCs and
 *   header extension) as additional authenticated data, a nonce that is
 *   unique per packet (see "Nonces" below), so each packet grows by 28 bytes;
 *   receive side (after built-in SRTP opened it, if any): the tag is checked
 *   over header and ciphertext, the plaintext restored in place, the packet
 *   shrinks back to its original bytes. A failed tag drops the packet
 *   (counted as auth_fail; the unauthenticated plaintext is wiped).
 *
 * Usage:
 *
 *   rtpseal ... -- -c FILE --observer aes256gcm.so[@CHANNEL,...]:KEYFILE
 *
 * KEYFILE (chmod 600: a file that group or others may read, or that is not
 * a regular file, is refused) has one line per channel:
 *
 *   # comment
 *   CHANNEL_NAME  64 hex digits (the channel's 32-byte AES-256 key)
 *
 * e.g. `printf 'room-42 %s\n' "$(openssl rand -hex 32)" > k && chmod 600 k`.
 * Both ends of a channel need the same key. A packet of a channel without
 * a key line is dropped (no_key). Use it as a channel's only encryption
 * (`mode = custom`: the observer replaces built-in SRTP) or on top of a
 * built-in mode (the observer encrypts, then SRTP seals; SRTP opens, then
 * the observer decrypts).
 *
 * Nonces. nonce = prefix(4) || counter(8, big-endian), both per worker:
 *   - prefix: 4 random bytes (RAND_bytes) drawn at init for each worker,
 *     redrawn until no two workers of this process share one;
 *   - counter: starts at a random value below 2^63 and goes up by one for
 *     every packet this worker seals, under every key.
 * Within a run a nonce never repeats: two workers differ in the prefix, and
 * one worker's counter only increases. It never wraps: a worker whose
 * counter reached 2^64 - 1 refuses to seal (the packet is dropped and
 * counted as nonce_exhausted) instead of starting over. With at least 2^63
 * values per worker that is tens of thousands of years at 10 Mpps; the check
 * is there so the property does not depend on that arithmetic. Across runs
 * (restarts, or two gateways given the same key file) the state is not
 * kept: a repeat needs the same 32-bit prefix (2^-32 per pair of workers)
 * *and* overlapping counter ranges (about (a + b) / 2^63 for runs of a and
 * b packets), about 2^-54 for two runs of 2^40 packets each. Still, rotate
 * the key file now and then, as with any key.
 *
 * Not provided: replay protection. A recorded packet verifies again when
 * replayed. Built-in SRTP under the observer (a normal channel mode with
 * this observer attached) has a replay window; `mode = custom` alone does
 * not.
 *
 * Cost: per worker and key, two EVP_CIPHER_CTX (seal, open) keyed at init,
 * so a packet only sets its nonce; nothing is allocated per packet. Keys are
 * wiped at fini (the contexts' key schedules by EVP_CIPHER_CTX_free).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "rs_observer.h"

const struct rs_observer *rs_observer_entry(void);

#define KEY_LEN	     32
#define NONCE_LEN    12
#define PREFIX_LEN   4
#define TAG_LEN	     16
#define OVERHEAD     (NONCE_LEN + TAG_LEN)
#define RTP_MIN	     12
#define NAME_MAX_LEN 63 /* rtpseal channel names: 1..63 of A-Z a-z 0-9 _ - */
#define MAX_KEYS     4096
#define KEY_FILE_MAX (256 * 1024)
#define CACHE_LINE   64

struct chan_key {
	char name[NAME_MAX_LEN + 1];
	uint8_t key[KEY_LEN];
};

/* Counters: one writer (the worker), read by stats() on another thread. */
struct counters {
	uint64_t sealed;
	uint64_t opened;
	uint64_t auth_fail;
	uint64_t too_big;	  /* sealed packet would not fit its capacity */
	uint64_t malformed;	  /* not RTP v2 / header beyond the packet / too short */
	uint64_t no_key;	  /* channel without a key line */
	uint64_t nonce_exhausted; /* counter at its end: refused, never wrapped */
	uint64_t crypto_error;	  /* an EVP call failed */
};

struct worker {
	uint8_t prefix[PREFIX_LEN];
	uint32_t last_key; /* index of the key used last (a hint) */
	uint64_t counter;  /* next nonce counter */
	struct counters c;
} __attribute__((aligned(CACHE_LINE)));

struct ctx {
	unsigned n_workers;
	unsigned n_keys;
	struct worker *w;      /* [n_workers] */
	struct chan_key *keys; /* [n_keys] */
	EVP_CIPHER_CTX **evp;  /* [n_workers][n_keys][2]: seal, open */
	EVP_CIPHER *cipher;
};

#define BUMP(x) __atomic_store_n(&(x), (x) + 1, __ATOMIC_RELAXED)

/* ---- the RTP header ------------------------------------------------------- */

/* Bytes of the RTP header of a packet of len bytes: 12, CSRCs, and the
 * header extension (4-byte header + length words) when X is set. -1 when
 * it is not RTP version 2 or the header claims more than len bytes. */
static int rtp_header_len(const uint8_t *p, uint32_t len, uint32_t *hlen)
{
	uint32_t h;

	/* the EVP calls take int lengths: nothing near INT_MAX is a packet */
	if (len < RTP_MIN || len > (1u << 30) || (p[0] >> 6) != 2)
		return -1;
	h = RTP_MIN + 4u * (p[0] & 0x0fu);
	if (h > len)
		return -1;
	if (p[0] & 0x10u) {
		if (len - h < 4)
			return -1;
		h += 4 + 4u * ((uint32_t)p[h + 2] << 8 | p[h + 3]);
		if (h > len)
			return -1;
	}
	*hlen = h;
	return 0;
}

/* ---- keys ---------------------------------------------------------------- */

static EVP_CIPHER_CTX *evp_of(const struct ctx *c, unsigned worker, unsigned key, unsigned open)
{
	return c->evp[((size_t)worker * c->n_keys + key) * 2 + open];
}

/* The key of a channel: the hint first, then a scan (the list is short and
 * a name is compared in full, so a channel at a reused address never picks
 * up another's key). -1 when the key file has no line for it. */
static int find_key(const struct ctx *c, struct worker *w, const char *channel)
{
	if (w->last_key < c->n_keys && !strcmp(c->keys[w->last_key].name, channel))
		return (int)w->last_key;
	for (unsigned k = 0; k < c->n_keys; k++)
		if (!strcmp(c->keys[k].name, channel)) {
			w->last_key = k;
			return (int)k;
		}
	return -1;
}

static int hex_nibble(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int name_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

/* Reads the whole key file into a heap buffer (NUL-terminated); refuses
 * anything but a regular file that only its owner may access. */
static char *read_key_file(const char *path, size_t *size, char *err, size_t err_size)
{
	struct stat st;
	size_t len = 0;
	char *buf;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang the start; fstat refuses it next */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, err_size, "key file %s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, err_size, "key file %s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (st.st_mode & 077) {
		snprintf(err, err_size,
			 "key file %s: group/world accessible (mode %04o): run chmod 600 on it",
			 path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return NULL;
	}
	if (st.st_size > KEY_FILE_MAX) {
		snprintf(err, err_size, "key file %s: larger than %d bytes", path, KEY_FILE_MAX);
		close(fd);
		return NULL;
	}
	*size = (size_t)st.st_size + 1;
	buf = malloc(*size);
	if (!buf) {
		snprintf(err, err_size, "key file %s: out of memory", path);
		close(fd);
		return NULL;
	}
	while (len < *size - 1) {
		ssize_t got = read(fd, buf + len, *size - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Parses "NAME HEX64" lines; '#' starts a comment line. Messages name the
 * file and the line, never key text. */
static int parse_keys(struct ctx *c, const char *path, char *text, char *err, size_t err_size)
{
	unsigned line_no = 0;
	char *next;

	for (char *line = text; line; line = next) {
		char *p = line, *name, *hex;
		size_t name_len, hex_len;
		struct chan_key *k;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		name = p;
		while (name_char(*p))
			p++;
		name_len = (size_t)(p - name);
		if (name_len == 0 || name_len > NAME_MAX_LEN || (*p != ' ' && *p != '\t')) {
			snprintf(
			    err, err_size,
			    "key file %s, line %u: expected CHANNEL_NAME (1..%d of A-Z a-z 0-9 "
			    "_ -), blanks, then 64 hex digits",
			    path, line_no, NAME_MAX_LEN);
			return -1;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		hex = p;
		while (hex_nibble(*p) >= 0)
			p++;
		hex_len = (size_t)(p - hex);
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (hex_len != 2 * KEY_LEN || *p != '\0') {
			snprintf(
			    err, err_size,
			    "key file %s, line %u (channel %.*s): the key must be exactly %d hex "
			    "digits (32 bytes, e.g. openssl rand -hex 32)",
			    path, line_no, (int)name_len, name, 2 * KEY_LEN);
			return -1;
		}
		for (unsigned i = 0; i < c->n_keys; i++)
			if (strlen(c->keys[i].name) == name_len &&
			    !memcmp(c->keys[i].name, name, name_len)) {
				snprintf(err, err_size,
					 "key file %s, line %u: channel %.*s has a key already",
					 path, line_no, (int)name_len, name);
				return -1;
			}
		if (c->n_keys == MAX_KEYS) {
			snprintf(err, err_size, "key file %s: more than %d channels", path,
				 MAX_KEYS);
			return -1;
		}
		k = &c->keys[c->n_keys++];
		memcpy(k->name, name, name_len);
		k->name[name_len] = '\0';
		for (unsigned i = 0; i < KEY_LEN; i++)
			k->key[i] =
			    (uint8_t)(hex_nibble(hex[2 * i]) << 4 | hex_nibble(hex[2 * i + 1]));
	}
	if (c->n_keys == 0) {
		snprintf(err, err_size, "key file %s: no key (lines: CHANNEL_NAME HEX64KEY)", path);
		return -1;
	}
	return 0;
}

/* ---- init / fini ------------------------------------------------------------ */

static void aes_fini(void *opaque)
{
	struct ctx *c = opaque;

	if (!c)
		return;
	if (c->evp) {
		for (size_t i = 0; i < (size_t)c->n_workers * c->n_keys * 2; i++)
			EVP_CIPHER_CTX_free(c->evp[i]); /* cleanses the key schedule */
		free(c->evp);
	}
	if (c->keys) {
		OPENSSL_cleanse(c->keys, sizeof(*c->keys) * MAX_KEYS);
		free(c->keys);
	}
	if (c->w) {
		OPENSSL_cleanse(c->w, sizeof(*c->w) * c->n_workers);
		free(c->w);
	}
	EVP_CIPHER_free(c->cipher);
	free(c);
}

/* Per worker: a random prefix no other worker has, a random counter start
 * below 2^63 (see "Nonces" at the top). */
static int draw_nonce_state(struct ctx *c, char *err, size_t err_size)
{
	for (unsigned i = 0; i < c->n_workers; i++) {
		struct worker *w = &c->w[i];
		uint8_t start[8];
		int again;

		do {
			if (RAND_bytes(w->prefix, PREFIX_LEN) != 1) {
				snprintf(err, err_size,
					 "RAND_bytes failed: no random nonce prefix");
				return -1;
			}
			again = 0;
			for (unsigned j = 0; j < i; j++)
				if (!memcmp(c->w[j].prefix, w->prefix, PREFIX_LEN))
					again = 1;
		} while (again);
		if (RAND_bytes(start, sizeof(start)) != 1) {
			snprintf(err, err_size, "RAND_bytes failed: no random nonce counter");
			return -1;
		}
		w->counter = 0;
		for (unsigned b = 0; b < 8; b++)
			w->counter = w->counter << 8 | start[b];
		w->counter &= UINT64_MAX >> 1;
		OPENSSL_cleanse(start, sizeof(start));
	}
	return 0;
}

static void *aes_init(const char *args, unsigned n_workers, char *err, size_t err_size)
{
	struct ctx *c;
	char *text;
	size_t text_size = 0;
	int bad;

	if (!args || !*args) {
		snprintf(err, err_size,
			 "needs a key file: --observer aes256gcm.so[@CHANNEL,...]:KEYFILE "
			 "(lines: CHANNEL_NAME HEX64KEY, chmod 600)");
		return NULL;
	}
	if (n_workers == 0) {
		snprintf(err, err_size, "no workers");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	c->n_workers = n_workers;
	c->keys = calloc(MAX_KEYS, sizeof(*c->keys));
	c->w = aligned_alloc(CACHE_LINE, sizeof(*c->w) * n_workers);
	if (!c->keys || !c->w) {
		snprintf(err, err_size, "out of memory");
		goto fail;
	}
	memset(c->w, 0, sizeof(*c->w) * n_workers);
	text = read_key_file(args, &text_size, err, err_size);
	if (!text)
		goto fail;
	bad = parse_keys(c, args, text, err, err_size);
	OPENSSL_cleanse(text, text_size);
	free(text);
	if (bad)
		goto fail;
	if (draw_nonce_state(c, err, err_size) < 0)
		goto fail;
	c->cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	if (!c->cipher) {
		snprintf(err, err_size, "OpenSSL has no AES-256-GCM");
		goto fail;
	}
	c->evp = calloc((size_t)n_workers * c->n_keys * 2, sizeof(*c->evp));
	if (!c->evp) {
		snprintf(err, err_size, "out of memory");
		goto fail;
	}
	for (unsigned w = 0; w < n_workers; w++)
		for (unsigned k = 0; k < c->n_keys; k++)
			for (unsigned open = 0; open < 2; open++) {
				size_t i = ((size_t)w * c->n_keys + k) * 2 + open;
				c->evp[i] = EVP_CIPHER_CTX_new();
				/* key now, nonce per packet; 12-byte IV is GCM's default */
				if (!c->evp[i] ||
				    EVP_CipherInit_ex(c->evp[i], c->cipher, NULL, c->keys[k].key,
						      NULL, open ? 0 : 1) != 1) {
					snprintf(err, err_size,
						 "cannot set up AES-256-GCM for channel %s",
						 c->keys[k].name);
					goto fail;
				}
			}
	return c;
fail:
	aes_fini(c);
	return NULL;
}

/* ---- per packet ------------------------------------------------------------- */

static void drop(struct rs_observer_packet *p, uint64_t *counter)
{
	p->verdict = RS_OBSERVER_DROP;
	BUMP(*counter);
}

static void seal_one(struct ctx *c, struct worker *w, struct rs_observer_packet *p)
{
	uint8_t *buf = p->buf;
	uint32_t h, plen;
	uint8_t *nonce, *body;
	int key, n, fin;

	if (rtp_header_len(buf, p->len, &h) < 0) {
		drop(p, &w->c.malformed);
		return;
	}
	if ((uint64_t)p->len + OVERHEAD > p->capacity) {
		drop(p, &w->c.too_big);
		return;
	}
	key = find_key(c, w, p->channel);
	if (key < 0) {
		drop(p, &w->c.no_key);
		return;
	}
	if (w->counter == UINT64_MAX) {
		/* every counter value of this worker is spent: refuse, never wrap */
		drop(p, &w->c.nonce_exhausted);
		return;
	}
	plen = p->len - h;
	nonce = buf + h;
	body = nonce + NONCE_LEN;
	/* make room for the nonce, then encrypt the payload in place */
	memmove(body, nonce, plen);
	memcpy(nonce, w->prefix, PREFIX_LEN);
	for (unsigned b = 0; b < 8; b++)
		nonce[PREFIX_LEN + b] = (uint8_t)(w->counter >> (56 - 8 * b));
	w->counter++;

	EVP_CIPHER_CTX *e = evp_of(c, p->worker, (unsigned)key, 0);
	if (EVP_EncryptInit_ex(e, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_EncryptUpdate(e, NULL, &n, buf, (int)h) != 1 ||
	    (plen && EVP_EncryptUpdate(e, body, &n, body, (int)plen) != 1) ||
	    EVP_EncryptFinal_ex(e, body + plen, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_AEAD_GET_TAG, TAG_LEN, body + plen) != 1) {
		drop(p, &w->c.crypto_error);
		return;
	}
	p->len += OVERHEAD;
	BUMP(w->c.sealed);
}

static void open_one(struct ctx *c, struct worker *w, struct rs_observer_packet *p)
{
	uint8_t *buf = p->buf;
	uint32_t h, clen;
	uint8_t *nonce, *body;
	int key, n, fin;

	if (rtp_header_len(buf, p->len, &h) < 0 || p->len - h < OVERHEAD) {
		drop(p, &w->c.malformed);
		return;
	}
	key = find_key(c, w, p->channel);
	if (key < 0) {
		drop(p, &w->c.no_key);
		return;
	}
	clen = p->len - h - OVERHEAD;
	nonce = buf + h;
	body = nonce + NONCE_LEN;

	EVP_CIPHER_CTX *d = evp_of(c, p->worker, (unsigned)key, 1);
	if (EVP_DecryptInit_ex(d, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_DecryptUpdate(d, NULL, &n, buf, (int)h) != 1 ||
	    (clen && EVP_DecryptUpdate(d, body, &n, body, (int)clen) != 1) ||
	    EVP_CIPHER_CTX_ctrl(d, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, body + clen) != 1) {
		drop(p, &w->c.crypto_error);
		return;
	}
	if (EVP_DecryptFinal_ex(d, body + clen, &fin) != 1) {
		/* forged, corrupted or the wrong key: no unauthenticated
		 * plaintext is left behind */
		OPENSSL_cleanse(body, clen);
		drop(p, &w->c.auth_fail);
		return;
	}
	memmove(nonce, body, clen);
	p->len -= OVERHEAD;
	BUMP(w->c.opened);
}

static void on_send(void *opaque, struct rs_observer_packet *pkts, unsigned n)
{
	struct ctx *c = opaque;

	for (unsigned i = 0; i < n; i++) {
		if (pkts[i].worker >= c->n_workers) {
			pkts[i].verdict = RS_OBSERVER_DROP; /* cannot happen: rtpseal's index */
			continue;
		}
		seal_one(c, &c->w[pkts[i].worker], &pkts[i]);
	}
}

static void on_receive(void *opaque, struct rs_observer_packet *pkts, unsigned n)
{
	struct ctx *c = opaque;

	for (unsigned i = 0; i < n; i++) {
		if (pkts[i].worker >= c->n_workers) {
			pkts[i].verdict = RS_OBSERVER_DROP;
			continue;
		}
		open_one(c, &c->w[pkts[i].worker], &pkts[i]);
	}
}

/* ---- stats -------------------------------------------------------------- */

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static int aes_stats(void *opaque, char *buf, size_t size)
{
	const struct ctx *c = opaque;
	struct counters s = {0};
	int n;

	for (unsigned i = 0; i < c->n_workers; i++) {
		const struct counters *w = &c->w[i].c;
		s.sealed += LOAD(w->sealed);
		s.opened += LOAD(w->opened);
		s.auth_fail += LOAD(w->auth_fail);
		s.too_big += LOAD(w->too_big);
		s.malformed += LOAD(w->malformed);
		s.no_key += LOAD(w->no_key);
		s.nonce_exhausted += LOAD(w->nonce_exhausted);
		s.crypto_error += LOAD(w->crypto_error);
	}
	n = snprintf(buf, size,
		     "{\"cipher\":\"AES-256-GCM\",\"channels\":%u,\"workers\":%u,"
		     "\"sealed\":%llu,\"opened\":%llu,\"auth_fail\":%llu,\"too_big\":%llu,"
		     "\"malformed\":%llu,\"no_key\":%llu,\"nonce_exhausted\":%llu,"
		     "\"crypto_error\":%llu}",
		     c->n_keys, c->n_workers, (unsigned long long)s.sealed,
		     (unsigned long long)s.opened, (unsigned long long)s.auth_fail,
		     (unsigned long long)s.too_big, (unsigned long long)s.malformed,
		     (unsigned long long)s.no_key, (unsigned long long)s.nonce_exhausted,
		     (unsigned long long)s.crypto_error);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static const struct rs_observer ops = {
    .abi_version = RS_OBSERVER_ABI_VERSION,
    .struct_size = sizeof(struct rs_observer),
    .name = "aes256gcm",
    .init = aes_init,
    .fini = aes_fini,
    .on_send_audio = on_send,
    .on_send_video = on_send,
    .on_receive_audio = on_receive,
    .on_receive_video = on_receive,
    .stats = aes_stats,
};

const struct rs_observer *rs_observer_entry(void)
{
	return &ops;
}
