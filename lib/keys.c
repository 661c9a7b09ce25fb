/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Modes and master keys (DESIGN §3): what the user typed becomes an SRTP
 * master key and 12-byte master salt. Every buffer that held key bytes is
 * cleansed before it goes out of scope; errors say what is wrong with an
 * input, never what the input was.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "rs_keys.h"

struct mode_entry {
	const char *name;
	uint8_t key_len;
	uint8_t salted_hkdf; /* GCM2: HKDF with a 32-byte salt */
	uint8_t hkdf;	     /* GCM and GCM2: key string through HKDF */
};

static const struct mode_entry modes[RS_MODE_COUNT] = {
    [RS_MODE_AEAD_AES_128_GCM] = {"AEAD_AES_128_GCM", 16, 0, 0},
    [RS_MODE_AEAD_AES_256_GCM] = {"AEAD_AES_256_GCM", 32, 0, 0},
    [RS_MODE_AES_128_GCM2] = {"AES_128_GCM2", 16, 1, 1},
    [RS_MODE_AES_256_GCM2] = {"AES_256_GCM2", 32, 1, 1},
    [RS_MODE_AES_128_GCM] = {"AES_128_GCM", 16, 0, 1},
    [RS_MODE_AES_256_GCM] = {"AES_256_GCM", 32, 0, 1},
};

/* The SDK family's modes without integrity: refused by name so the user
 * learns why instead of reading "unknown mode". */
static const char *const legacy_modes[] = {
    "AES_128_XTS", "AES_256_XTS", "AES_128_ECB", "AES_256_ECB", "SM4_128_ECB",
};

enum rs_status rs_mode_from_name(const char *name, enum rs_mode *out)
{
	if (!name)
		return RS_ERR_INVALID_ARG;
	for (unsigned i = 0; i < RS_MODE_COUNT; i++) {
		if (strcmp(name, modes[i].name) == 0) {
			*out = (enum rs_mode)i;
			return RS_OK;
		}
	}
	for (unsigned i = 0; i < sizeof(legacy_modes) / sizeof(legacy_modes[0]); i++)
		if (strcmp(name, legacy_modes[i]) == 0)
			return RS_ERR_MODE_INSECURE;
	return RS_ERR_MODE_UNKNOWN;
}

const char *rs_mode_name(enum rs_mode mode)
{
	return (unsigned)mode < RS_MODE_COUNT ? modes[mode].name : "unknown";
}

unsigned rs_mode_key_len(enum rs_mode mode)
{
	return (unsigned)mode < RS_MODE_COUNT ? modes[mode].key_len : 0;
}

enum rs_status rs_hex_decode(const char *hex, uint8_t *out, size_t out_len)
{
	size_t n = strlen(hex);

	if (n != 2 * out_len)
		return RS_ERR_INVALID_ARG;
	for (size_t i = 0; i < n; i++) {
		char c = hex[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return RS_ERR_INVALID_ARG;
	}
	size_t got = 0;
	if (OPENSSL_hexstr2buf_ex(out, out_len, &got, hex, '\0') != 1 || got != out_len)
		return RS_ERR_INVALID_ARG;
	return RS_OK;
}

static int all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return n > 0;
}

enum rs_status rs_base64_decode(const char *b64, uint8_t *out, size_t out_size, size_t *out_len)
{
	size_t n = strlen(b64);
	size_t pad = 0;
	uint8_t tmp[96];

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > sizeof(tmp))
		return RS_ERR_INVALID_ARG;
	if (b64[n - 1] == '=')
		pad++;
	if (b64[n - 2] == '=')
		pad++;
	/* EVP_DecodeBlock accepts '=' anywhere and skips whitespace; the
	 * strict check here refuses both so a typo is not read as a key. */
	for (size_t i = 0; i < n - pad; i++) {
		char c = b64[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return RS_ERR_INVALID_ARG;
	}
	int got = EVP_DecodeBlock(tmp, (const unsigned char *)b64, (int)n);
	if (got < 0 || (size_t)got < pad || (size_t)got - pad > out_size) {
		OPENSSL_cleanse(tmp, sizeof(tmp));
		return RS_ERR_INVALID_ARG;
	}
	*out_len = (size_t)got - pad;
	memcpy(out, tmp, *out_len);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return RS_OK;
}

enum rs_status rs_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt,
			      size_t salt_len, const uint8_t *info, size_t info_len, uint8_t *out,
			      size_t out_len)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[5], *p = params;
	enum rs_status st = RS_ERR_CRYPTO;

	EVP_KDF_free(kdf);
	if (!kctx)
		return RS_ERR_CRYPTO;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
	/* No salt parameter means RFC 5869's default: HashLen zero bytes. */
	if (salt_len)
		*p++ =
		    OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, out_len, params) == 1)
		st = RS_OK;
	EVP_KDF_CTX_free(kctx);
	return st;
}

/* GCM2 salt: 32 bytes as 64 hex digits or as base64. */
static enum rs_status decode_gcm2_salt(const char *salt, uint8_t out[RS_GCM2_SALT_LEN])
{
	uint8_t tmp[48];
	size_t got = 0;
	enum rs_status st = RS_OK;

	if (!salt || !*salt)
		return RS_ERR_SALT_MISSING;
	if (strlen(salt) == 2 * RS_GCM2_SALT_LEN && all_hex(salt, 2 * RS_GCM2_SALT_LEN))
		return rs_hex_decode(salt, out, RS_GCM2_SALT_LEN) == RS_OK ? RS_OK
									   : RS_ERR_SALT_ENCODING;
	if (rs_base64_decode(salt, tmp, sizeof(tmp), &got) != RS_OK)
		st = RS_ERR_SALT_ENCODING;
	else if (got != RS_GCM2_SALT_LEN)
		st = RS_ERR_SALT_LENGTH;
	else
		memcpy(out, tmp, RS_GCM2_SALT_LEN);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return st;
}

static enum rs_status make_hkdf(enum rs_mode mode, const char *key, size_t key_len,
				const char *salt, struct rs_master_key *out)
{
	const struct mode_entry *m = &modes[mode];
	uint8_t salt_bytes[RS_GCM2_SALT_LEN];
	uint8_t okm[RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN];
	char info[32];
	size_t salt_len = 0;
	enum rs_status st;

	if (!key || key_len == 0)
		return RS_ERR_KEY_MISSING;
	if (m->salted_hkdf) {
		st = decode_gcm2_salt(salt, salt_bytes);
		if (st != RS_OK)
			return st;
		salt_len = sizeof(salt_bytes);
	} else if (salt && *salt) {
		return RS_ERR_SALT_UNUSED;
	}
	int info_len = snprintf(info, sizeof(info), "rtpseal %s", m->name);
	st = rs_hkdf_sha256((const uint8_t *)key, key_len, salt_bytes, salt_len,
			    (const uint8_t *)info, (size_t)info_len, okm,
			    m->key_len + RS_MASTER_SALT_LEN);
	if (st == RS_OK) {
		out->key_len = m->key_len;
		memcpy(out->key, okm, m->key_len);
		memcpy(out->salt, okm + m->key_len, RS_MASTER_SALT_LEN);
	}
	OPENSSL_cleanse(okm, sizeof(okm));
	OPENSSL_cleanse(salt_bytes, sizeof(salt_bytes));
	return st;
}

/* SDES "inline:<base64(key||salt)>" (RFC 4568); lifetime and MKI parameters
 * ('|') are refused rather than silently ignored. */
static enum rs_status make_inline(const struct mode_entry *m, const char *b64,
				  struct rs_master_key *out)
{
	uint8_t raw[RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN];
	size_t got = 0;
	enum rs_status st = RS_OK;

	if (rs_base64_decode(b64, raw, sizeof(raw), &got) != RS_OK)
		st = RS_ERR_KEY_ENCODING;
	else if (got != (size_t)m->key_len + RS_MASTER_SALT_LEN)
		st = RS_ERR_KEY_LENGTH;
	else {
		out->key_len = m->key_len;
		memcpy(out->key, raw, m->key_len);
		memcpy(out->salt, raw + m->key_len, RS_MASTER_SALT_LEN);
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	return st;
}

static enum rs_status make_aead(enum rs_mode mode, const char *key, const char *salt,
				struct rs_master_key *out)
{
	const struct mode_entry *m = &modes[mode];
	size_t n = strlen(key);

	if (n == 0)
		return RS_ERR_KEY_MISSING;
	if (strncmp(key, "inline:", 7) == 0) {
		if (salt && *salt)
			return RS_ERR_SALT_UNUSED;
		return make_inline(m, key + 7, out);
	}
	if (!all_hex(key, n))
		return RS_ERR_KEY_ENCODING;
	if (n != 2u * m->key_len)
		return RS_ERR_KEY_LENGTH;
	if (!salt || !*salt)
		return RS_ERR_SALT_MISSING;
	if (!all_hex(salt, strlen(salt)))
		return RS_ERR_SALT_ENCODING;
	if (strlen(salt) != 2 * RS_MASTER_SALT_LEN)
		return RS_ERR_SALT_LENGTH;
	out->key_len = m->key_len;
	if (rs_hex_decode(key, out->key, m->key_len) != RS_OK ||
	    rs_hex_decode(salt, out->salt, RS_MASTER_SALT_LEN) != RS_OK)
		return RS_ERR_KEY_ENCODING;
	return RS_OK;
}

enum rs_status rs_master_key_make(enum rs_mode mode, const char *key, size_t key_len,
				  const char *salt, struct rs_master_key *out)
{
	enum rs_status st;

	if ((unsigned)mode >= RS_MODE_COUNT || !out)
		return RS_ERR_INVALID_ARG;
	memset(out, 0, sizeof(*out));
	if (!key || key_len == 0)
		return RS_ERR_KEY_MISSING;
	if (modes[mode].hkdf) {
		st = make_hkdf(mode, key, key_len, salt, out);
	} else {
		/* hex and base64 are text: take a NUL-terminated copy */
		char text[2 * (RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN) + 16];
		if (key_len >= sizeof(text))
			return RS_ERR_KEY_LENGTH;
		memcpy(text, key, key_len);
		text[key_len] = '\0';
		st = strlen(text) == key_len ? make_aead(mode, text, salt, out)
					     : RS_ERR_KEY_ENCODING;
		OPENSSL_cleanse(text, sizeof(text));
	}
	if (st != RS_OK)
		rs_master_key_wipe(out);
	return st;
}

void rs_master_key_wipe(struct rs_master_key *mk)
{
	if (mk)
		OPENSSL_cleanse(mk, sizeof(*mk));
}

enum rs_status rs_master_key_to_sdes(const struct rs_master_key *mk, char *out, size_t out_size)
{
	uint8_t raw[RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN];
	size_t raw_len = (size_t)mk->key_len + RS_MASTER_SALT_LEN;
	size_t need = 7 + 4 * ((raw_len + 2) / 3) + 1;

	if ((mk->key_len != 16 && mk->key_len != 32) || out_size < need)
		return RS_ERR_INVALID_ARG;
	memcpy(raw, mk->key, mk->key_len);
	memcpy(raw + mk->key_len, mk->salt, RS_MASTER_SALT_LEN);
	memcpy(out, "inline:", 7);
	EVP_EncodeBlock((unsigned char *)out + 7, raw, (int)raw_len);
	OPENSSL_cleanse(raw, sizeof(raw));
	return RS_OK;
}
