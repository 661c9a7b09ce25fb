/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key material (DESIGN §3): the six modes, their inputs (hex, base64, SDES
 * inline:), the GCM2 HKDF, the RFC 3711 AES-CM PRF, and the key context the
 * data path uses: precomputed ipsec-mb keys for SRTP and SRTCP plus both
 * session salts. Nothing in this file ever prints key bytes.
 */
#ifndef RS_KEYS_H
#define RS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "rs_status.h"

#define RS_MAX_KEY_LEN	    32
#define RS_MASTER_SALT_LEN  12
#define RS_SESSION_SALT_LEN 12
#define RS_GCM2_SALT_LEN    32
/* "inline:" + base64(32 + 12 bytes) + NUL */
#define RS_SDES_INLINE_MAX 72

enum rs_mode {
	RS_MODE_AEAD_AES_128_GCM = 0,
	RS_MODE_AEAD_AES_256_GCM,
	RS_MODE_AES_128_GCM2,
	RS_MODE_AES_256_GCM2,
	RS_MODE_AES_128_GCM,
	RS_MODE_AES_256_GCM,
	RS_MODE_COUNT
};

/* Mode by its config/control name. Legacy modes (AES-XTS, AES-ECB, SM4-ECB)
 * return RS_ERR_MODE_INSECURE: they have no integrity and leak patterns. */
enum rs_status rs_mode_from_name(const char *name, enum rs_mode *out) RS_WARN_UNUSED;
const char *rs_mode_name(enum rs_mode mode);
/* 16 or 32 */
unsigned rs_mode_key_len(enum rs_mode mode);

/* An SRTP master key and master salt (RFC 7714: 12-byte salt). */
struct rs_master_key {
	uint8_t key[RS_MAX_KEY_LEN];
	uint8_t salt[RS_MASTER_SALT_LEN];
	uint8_t key_len; /* 16 or 32 */
};

/*
 * Make the SRTP master key and salt of a mode from what the user gave:
 *  - AEAD_AES_*_GCM: key is hex of the master key with salt as hex of the
 *    12-byte master salt, or key is an SDES "inline:" base64(key||salt)
 *    (salt must then be NULL or empty).
 *  - AES_*_GCM2: key is the key string (its bytes exactly as given), salt
 *    the 32 salt bytes as base64 or hex; HKDF-SHA256 with info
 *    "rtpseal <mode name>", L = key length + 12.
 *  - AES_*_GCM: as GCM2 with an empty salt; a salt given is refused.
 * The output is wiped on failure.
 */
enum rs_status rs_master_key_make(enum rs_mode mode, const char *key, size_t key_len,
				  const char *salt, struct rs_master_key *out) RS_WARN_UNUSED;

/* Overwrite a master key so no copy of it stays in memory. */
void rs_master_key_wipe(struct rs_master_key *mk);

/* SDES form "inline:<base64 key||salt>" of a master key, NUL-terminated. */
enum rs_status rs_master_key_to_sdes(const struct rs_master_key *mk, char *out,
				     size_t out_size) RS_WARN_UNUSED;

/* HKDF-SHA256 (RFC 5869) through OpenSSL EVP_KDF; salt may be empty. */
enum rs_status rs_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
			      size_t salt_len, const uint8_t *info, size_t info_len, uint8_t *out,
			      size_t out_len) RS_WARN_UNUSED;

/* RFC 3711 §4.3 key derivation with AES-CM as the PRF (AES-128 or AES-256
 * by key length, RFC 6188), key derivation rate 0; the 12-byte master salt
 * is zero-padded to 14 bytes (RFC 7714 §11). */
enum rs_srtp_label {
	RS_LABEL_RTP_KEY = 0x00,
	RS_LABEL_RTP_SALT = 0x02,
	RS_LABEL_RTCP_KEY = 0x03,
	RS_LABEL_RTCP_SALT = 0x05,
};
enum rs_status rs_srtp_kdf(const struct rs_master_key *mk, enum rs_srtp_label label, uint8_t *out,
			   size_t out_len) RS_WARN_UNUSED;

/* Decoders shared with the app and rtpsealctl: exact-length output. */
enum rs_status rs_hex_decode(const char *hex, uint8_t *out, size_t out_len) RS_WARN_UNUSED;
/* Returns the decoded length in *out_len (buffer of out_size bytes). */
enum rs_status rs_base64_decode(const char *b64, uint8_t *out, size_t out_size,
				size_t *out_len) RS_WARN_UNUSED;

/* Read a key file: refuses anything but a regular file, and files with any
 * group/world permission bit (st_mode & 077); strips one trailing newline
 * (and CR); refuses an empty file or one of buf_size bytes or more. The
 * text is NUL-terminated in buf; the caller wipes buf. Returns the length,
 * or -1 with "<path>: <why>" in err (never any of the file's contents). */
int rs_key_file_read(const char *path, char *buf, size_t buf_size, char *err, size_t err_size);

struct rs_engine;

/* The session keys of one SRTP/SRTCP crypto context, after the KDF. */
struct rs_session_keys {
	uint8_t rtp_key[RS_MAX_KEY_LEN];
	uint8_t rtcp_key[RS_MAX_KEY_LEN];
	uint8_t rtp_salt[RS_SESSION_SALT_LEN];
	uint8_t rtcp_salt[RS_SESSION_SALT_LEN];
	uint8_t key_len;
};

enum rs_status rs_session_keys_derive(const struct rs_master_key *mk,
				      struct rs_session_keys *out) RS_WARN_UNUSED;

/* Key context flags. */
#define RS_KEY_RTP_AUTH_ONLY 0x1 /* RTP payload authenticated, not encrypted (RFC 7714 §16.2) */

/*
 * A key context: what the data path needs for one channel's key epoch, with
 * the ipsec-mb keys precomputed (64-byte aligned). Built on the control
 * thread with that thread's engine, read by workers, freed with
 * rs_key_ctx_free(), which wipes it.
 */
struct rs_key_ctx;

struct rs_key_ctx *rs_key_ctx_new(struct rs_engine *eng, const struct rs_master_key *mk,
				  unsigned flags, enum rs_status *err);
/* From session keys directly (known-answer tests, RFC 7714 §16-17). */
struct rs_key_ctx *rs_key_ctx_from_session(struct rs_engine *eng, const struct rs_session_keys *sk,
					   unsigned flags, enum rs_status *err);
void rs_key_ctx_free(struct rs_key_ctx *ctx);
unsigned rs_key_ctx_key_len(const struct rs_key_ctx *ctx);

/* Ask the CPU to bring into its L2 what sealing or opening len bytes
 * under ctx reads: the expanded AES keys and as many GHASH key powers as
 * the message has blocks (ipsec-mb's layout; the whole key is over a
 * kilobyte), for RTP or RTCP. For callers that know a packet's key several
 * packets ahead and whose keys are too many to stay cached (traffic spread
 * over many channels): the misses then overlap instead of stalling each
 * packet. */
void rs_key_ctx_prefetch(const struct rs_key_ctx *ctx, int rtcp, uint32_t len);

/* Where key contexts live (lib/keymem.c): fixed slots in 2 MiB chunks the
 * kernel is asked to back with transparent huge pages. For the log. */
struct rs_keymem_stats {
	uint64_t in_use;	 /* key contexts allocated now */
	uint64_t chunks;	 /* chunks mapped (kept at the peak) */
	uint64_t chunks_advised; /* of them, madvise(MADV_HUGEPAGE) accepted */
	size_t slot_size;	 /* bytes of one key context */
	size_t chunk_size;
};
void rs_keymem_get_stats(struct rs_keymem_stats *out);

#endif
