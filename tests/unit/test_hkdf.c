/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Key derivation (DESIGN §3): rs_hkdf_sha256 against RFC 5869 test cases
 * 1-3 (tests/vectors/rfc5869.json); the GCM2 / GCM master key and salt
 * against an HKDF written here with OpenSSL HMAC (extract, then expand);
 * mode names, legacy modes, the input errors of every mode, SDES inline:
 * input and output. Errors must be named without the key in the text, and
 * leave the output wiped.
 *
 * The vector file is $RS_VECTORS/rfc5869.json, else
 * tests/vectors/rfc5869.json from the working directory; missing is a
 * failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "rs_keys.h"
#include "rs_status.h"

#define HKDF_MAX_OUT (255 * 32)

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

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n;

	if (!hex)
		return SIZE_MAX;
	n = strlen(hex);

	if (n % 2 || n / 2 > cap)
		return SIZE_MAX;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return SIZE_MAX;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return n / 2;
}

static void tohex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static void tob64(const uint8_t *in, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static void assert_bytes(const char *what, const uint8_t *got, const uint8_t *exp, size_t n)
{
	if (memcmp(got, exp, n) != 0) {
		char g[2 * 128 + 1], e[2 * 128 + 1];

		n = n > 128 ? 128 : n;
		tohex(got, n, g);
		tohex(exp, n, e);
		fail_msg("%s:\n  expected %s\n  actual   %s", what, e, g);
	}
}

/* ---- the independent HKDF-SHA256: HMAC extract, then expand ---- */

static void ref_hkdf(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
		     const uint8_t *info, size_t info_len, uint8_t *out, size_t len,
		     uint8_t prk_out[32])
{
	static const uint8_t zeros[32];
	uint8_t prk[32], t[32] = {0}, buf[32 + 1024 + 1];
	unsigned plen = 0, tlen = 0;
	size_t done = 0, tl = 0;

	assert_true(info_len <= 1024 && len <= HKDF_MAX_OUT);
	/* RFC 5869 §2.2: no salt is a string of HashLen zeros. */
	if (!salt_len) {
		salt = zeros;
		salt_len = sizeof(zeros);
	}
	assert_non_null(HMAC(EVP_sha256(), salt, (int)salt_len, ikm, ikm_len, prk, &plen));
	assert_int_equal(plen, 32);
	for (uint8_t i = 1; done < len; i++) {
		size_t n = 0;

		memcpy(buf, t, tl);
		n += tl;
		if (info_len)
			memcpy(buf + n, info, info_len);
		n += info_len;
		buf[n++] = i;
		assert_non_null(HMAC(EVP_sha256(), prk, 32, buf, n, t, &tlen));
		assert_int_equal(tlen, 32);
		tl = 32;
		memcpy(out + done, t, len - done < 32 ? len - done : 32);
		done += len - done < 32 ? len - done : 32;
	}
	if (prk_out)
		memcpy(prk_out, prk, 32);
}

/* ---- RFC 5869 test cases from the vector file ---- */

static json_t *load_rfc5869(char *why, size_t why_size)
{
	const char *dir = getenv("RS_VECTORS");
	char paths[2][1024];
	int npaths = 0;
	json_error_t jerr;
	size_t used = 0;

	if (dir && *dir &&
	    snprintf(paths[npaths], sizeof(paths[0]), "%s/rfc5869.json", dir) <
		(int)sizeof(paths[0]))
		npaths++;
	snprintf(paths[npaths++], sizeof(paths[0]), "tests/vectors/rfc5869.json");
	why[0] = '\0';
	for (int i = 0; i < npaths; i++) {
		json_t *j = json_load_file(paths[i], 0, &jerr);
		int n;

		if (j)
			return j;
		n = snprintf(why + used, why_size - used, "%s%s: %s", used ? "; " : "", paths[i],
			     jerr.text);
		if (n < 0 || (size_t)n >= why_size - used)
			break;
		used += (size_t)n;
	}
	return NULL;
}

static void test_rfc5869(void **state)
{
	char why[2048];
	json_t *root = load_rfc5869(why, sizeof(why));
	json_t *cases;
	size_t ran = 0;

	(void)state;
	if (!root)
		fail_msg("RFC 5869 vector file not readable (%s); set RS_VECTORS", why);
	cases = json_object_get(root, "cases");
	assert_true(json_is_array(cases));
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		const char *fields[] = {"ikm", "salt", "info", "okm", "prk"};
		static uint8_t bufs[5][HKDF_MAX_OUT];
		size_t lens[5];
		uint8_t out[HKDF_MAX_OUT], ref[HKDF_MAX_OUT], prk[32];
		json_t *jl = json_object_get(c, "L");
		size_t L;
		enum rs_status st;
		const char *name = json_string_value(json_object_get(c, "name"));

		for (int f = 0; f < 5; f++) {
			const char *h = json_string_value(json_object_get(c, fields[f]));

			if (!h)
				fail_msg("case %zu: no %s", i, fields[f]);
			lens[f] = unhex(h, bufs[f], sizeof(bufs[f]));
			if (lens[f] == SIZE_MAX)
				fail_msg("case %zu: bad hex in %s", i, fields[f]);
		}
		assert_true(json_is_integer(jl));
		L = (size_t)json_integer_value(jl);
		assert_int_equal(L, lens[3]);
		memset(out, 0xa5, sizeof(out));
		st = rs_hkdf_sha256(bufs[0], lens[0], lens[1] ? bufs[1] : NULL, lens[1],
				    lens[2] ? bufs[2] : NULL, lens[2], out, L);
		if (st != RS_OK)
			fail_msg("%s: rs_hkdf_sha256 returned %s", name ? name : "?",
				 rs_status_name(st));
		assert_bytes(name ? name : "rfc5869 case", out, bufs[3], L);
		/* the output stops at L */
		assert_int_equal(out[L], 0xa5);
		/* and the reference used below agrees with the RFC too */
		ref_hkdf(bufs[0], lens[0], bufs[1], lens[1], bufs[2], lens[2], ref, L, prk);
		assert_bytes("reference HKDF vs RFC 5869 OKM", ref, bufs[3], L);
		assert_int_equal(lens[4], 32);
		assert_bytes("reference HKDF vs RFC 5869 PRK", prk, bufs[4], 32);
		ran++;
	}
	assert_int_equal(ran, 3);
	json_decref(root);
}

static void test_hkdf_limits(void **state)
{
	static uint8_t out[HKDF_MAX_OUT + 1], ref[HKDF_MAX_OUT];
	const uint8_t ikm[] = "rtpseal";

	(void)state;
	/* 255 blocks is the most HKDF-SHA256 can give (RFC 5869 §2.3) */
	assert_int_equal(rs_hkdf_sha256(ikm, 7, NULL, 0, NULL, 0, out, HKDF_MAX_OUT), RS_OK);
	ref_hkdf(ikm, 7, NULL, 0, NULL, 0, ref, HKDF_MAX_OUT, NULL);
	assert_bytes("HKDF at L = 255 * 32", out, ref, HKDF_MAX_OUT);
	assert_int_not_equal(rs_hkdf_sha256(ikm, 7, NULL, 0, NULL, 0, out, HKDF_MAX_OUT + 1),
			     RS_OK);
}

/* ---- mode names ---- */

struct name_case {
	const char *name;
	enum rs_status status;
	enum rs_mode mode;
	unsigned key_len;
};

static const struct name_case name_cases[] = {
    {"AEAD_AES_128_GCM", RS_OK, RS_MODE_AEAD_AES_128_GCM, 16},
    {"AEAD_AES_256_GCM", RS_OK, RS_MODE_AEAD_AES_256_GCM, 32},
    {"AES_128_GCM2", RS_OK, RS_MODE_AES_128_GCM2, 16},
    {"AES_256_GCM2", RS_OK, RS_MODE_AES_256_GCM2, 32},
    {"AES_128_GCM", RS_OK, RS_MODE_AES_128_GCM, 16},
    {"AES_256_GCM", RS_OK, RS_MODE_AES_256_GCM, 32},
    {"AES_128_XTS", RS_ERR_MODE_INSECURE},
    {"AES_256_XTS", RS_ERR_MODE_INSECURE},
    {"AES_128_ECB", RS_ERR_MODE_INSECURE},
    {"SM4_128_ECB", RS_ERR_MODE_INSECURE},
    {"", RS_ERR_MODE_UNKNOWN},
    {"AES_128_GCM3", RS_ERR_MODE_UNKNOWN},
    {"AES_192_GCM2", RS_ERR_MODE_UNKNOWN},
    {"AES_128_GCM2X", RS_ERR_MODE_UNKNOWN},
    {"AES_128_GC", RS_ERR_MODE_UNKNOWN},
    {"AEAD_AES_128_CM", RS_ERR_MODE_UNKNOWN},
    {"CHACHA20_POLY1305", RS_ERR_MODE_UNKNOWN},
    {"none", RS_ERR_MODE_UNKNOWN},
};

static void test_mode_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		const struct name_case *c = &name_cases[i];
		enum rs_mode m = RS_MODE_COUNT;
		enum rs_status st = rs_mode_from_name(c->name, &m);

		if (st != c->status)
			fail_msg("mode \"%s\": %s, expected %s", c->name, rs_status_name(st),
				 rs_status_name(c->status));
		if (st != RS_OK) {
			assert_true(*rs_strerror(st) != '\0');
			continue;
		}
		assert_int_equal(m, c->mode);
		assert_string_equal(rs_mode_name(m), c->name);
		assert_int_equal(rs_mode_key_len(m), c->key_len);
	}
}

/* ---- GCM2 / GCM derivation against the reference ---- */

enum salt_form { SALT_NONE, SALT_B64, SALT_HEX };

struct derive_case {
	enum rs_mode mode;
	const char *key; /* NULL: 64 random hex chars, as `openssl rand -hex 32` */
	size_t key_len;	 /* 0: strlen */
	enum salt_form form;
};

static const struct derive_case derive_cases[] = {
    {RS_MODE_AES_128_GCM2, NULL, 0, SALT_B64},
    {RS_MODE_AES_128_GCM2, NULL, 0, SALT_HEX},
    {RS_MODE_AES_256_GCM2, NULL, 0, SALT_B64},
    {RS_MODE_AES_256_GCM2, NULL, 0, SALT_HEX},
    {RS_MODE_AES_128_GCM2, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 0,
     SALT_B64},
    {RS_MODE_AES_256_GCM2, "correct horse battery staple", 0, SALT_HEX},
    {RS_MODE_AES_128_GCM2, "k", 0, SALT_B64},
    /* IKM is exactly key_len bytes of what was given, not up to a NUL */
    {RS_MODE_AES_256_GCM2, "0123456789abcdefTRAILING", 16, SALT_B64},
    {RS_MODE_AES_128_GCM, NULL, 0, SALT_NONE},
    {RS_MODE_AES_256_GCM, NULL, 0, SALT_NONE},
    {RS_MODE_AES_128_GCM, "my channel key", 0, SALT_NONE},
    {RS_MODE_AES_256_GCM, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 0,
     SALT_NONE},
};

static void expected_master(enum rs_mode mode, const char *key, size_t key_len, const uint8_t *salt,
			    size_t salt_len, struct rs_master_key *mk)
{
	char info[64];
	unsigned kl = rs_mode_key_len(mode);
	uint8_t okm[RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN];
	int n = snprintf(info, sizeof(info), "rtpseal %s", rs_mode_name(mode));

	assert_true(n > 8 && n < (int)sizeof(info));
	ref_hkdf((const uint8_t *)key, key_len, salt, salt_len, (const uint8_t *)info, (size_t)n,
		 okm, kl + RS_MASTER_SALT_LEN, NULL);
	memset(mk, 0, sizeof(*mk));
	memcpy(mk->key, okm, kl);
	memcpy(mk->salt, okm + kl, RS_MASTER_SALT_LEN);
	mk->key_len = (uint8_t)kl;
}

static void assert_master_equal(const char *ctx, const struct rs_master_key *got,
				const struct rs_master_key *exp)
{
	char what[160];

	if (got->key_len != exp->key_len)
		fail_msg("%s: key_len %u, expected %u", ctx, got->key_len, exp->key_len);
	snprintf(what, sizeof(what), "%s: master key", ctx);
	assert_bytes(what, got->key, exp->key, exp->key_len);
	snprintf(what, sizeof(what), "%s: master salt", ctx);
	assert_bytes(what, got->salt, exp->salt, RS_MASTER_SALT_LEN);
}

static void test_gcm2_derivation(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(derive_cases) / sizeof(derive_cases[0]); i++) {
		const struct derive_case *c = &derive_cases[i];
		uint8_t raw[32], salt[RS_GCM2_SALT_LEN];
		char key[65], salt_text[2 * RS_GCM2_SALT_LEN + 1], ctx[160];
		const char *k = c->key;
		size_t klen;
		struct rs_master_key got, exp, again;
		enum rs_status st;

		if (!k) {
			assert_int_equal(RAND_bytes(raw, sizeof(raw)), 1);
			tohex(raw, sizeof(raw), key);
			k = key;
		}
		klen = c->key_len ? c->key_len : strlen(k);
		assert_int_equal(RAND_bytes(salt, sizeof(salt)), 1);
		if (c->form == SALT_B64) {
			tob64(salt, sizeof(salt), salt_text);
			assert_int_equal(strlen(salt_text), 44);
		} else if (c->form == SALT_HEX) {
			tohex(salt, sizeof(salt), salt_text);
			assert_int_equal(strlen(salt_text), 64);
		}
		snprintf(ctx, sizeof(ctx), "case %zu: %s, key of %zu bytes, salt %s", i,
			 rs_mode_name(c->mode), klen,
			 c->form == SALT_NONE  ? "none"
			 : c->form == SALT_B64 ? "base64"
					       : "hex");
		expected_master(c->mode, k, klen, salt, c->form == SALT_NONE ? 0 : sizeof(salt),
				&exp);
		memset(&got, 0xa5, sizeof(got));
		st = rs_master_key_make(c->mode, k, klen, c->form == SALT_NONE ? NULL : salt_text,
					&got);
		if (st != RS_OK)
			fail_msg("%s: %s", ctx, rs_status_name(st));
		assert_master_equal(ctx, &got, &exp);

		if (c->form != SALT_NONE) {
			/* the other encoding of the same salt gives the same key */
			if (c->form == SALT_B64)
				tohex(salt, sizeof(salt), salt_text);
			else
				tob64(salt, sizeof(salt), salt_text);
			memset(&again, 0, sizeof(again));
			st = rs_master_key_make(c->mode, k, klen, salt_text, &again);
			if (st != RS_OK)
				fail_msg("%s, other salt encoding: %s", ctx, rs_status_name(st));
			assert_master_equal(ctx, &again, &exp);
		}
	}
}

/* GCM2 and GCM with one key string, and 128 vs 256, all differ. */
static void test_gcm2_domain_separation(void **state)
{
	const char *key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	uint8_t zeros[RS_GCM2_SALT_LEN] = {0};
	char salt_hex[2 * RS_GCM2_SALT_LEN + 1];
	struct rs_master_key m[4];

	(void)state;
	tohex(zeros, sizeof(zeros), salt_hex);
	assert_int_equal(
	    rs_master_key_make(RS_MODE_AES_128_GCM2, key, strlen(key), salt_hex, &m[0]), RS_OK);
	assert_int_equal(
	    rs_master_key_make(RS_MODE_AES_256_GCM2, key, strlen(key), salt_hex, &m[1]), RS_OK);
	assert_int_equal(rs_master_key_make(RS_MODE_AES_128_GCM, key, strlen(key), NULL, &m[2]),
			 RS_OK);
	assert_int_equal(rs_master_key_make(RS_MODE_AES_256_GCM, key, strlen(key), NULL, &m[3]),
			 RS_OK);
	for (int a = 0; a < 4; a++)
		for (int b = a + 1; b < 4; b++)
			assert_memory_not_equal(m[a].key, m[b].key, 16);
	/* an all-zero 32-byte salt is not "no salt": info differs anyway, but
	 * check GCM2 with zero salt against the reference too */
	struct rs_master_key exp;

	expected_master(RS_MODE_AES_128_GCM2, key, strlen(key), zeros, sizeof(zeros), &exp);
	assert_master_equal("AES_128_GCM2 with an all-zero salt", &m[0], &exp);
}

/* ---- input errors ---- */

#define K16_HEX	 "000102030405060708090a0b0c0d0e0f"
#define K32_HEX	 K16_HEX "101112131415161718191a1b1c1d1e1f"
#define S12_HEX	 "a0a1a2a3a4a5a6a7a8a9aaab"
#define RAND_KEY "3f1c0a77d2e94b58a6c1f0e2d3b4a5968778695a4b3c2d1e0f1e2d3c4b5a6978"
/* base64 of 32 bytes (the `openssl rand -base64 32` form) */
#define SALT32_B64 "X5w9T+50kzxVOnkJKiY/lUk82/bES2kATOt3vBuGEDw="
#define SALT32_HEX "5f9c3d4fee74933c553a79092a263f95493cdbf6c44b69004ceb77bc1b86103c"

struct err_case {
	const char *what;
	enum rs_mode mode;
	const char *key;
	const char *salt;
	enum rs_status status;
	enum rs_status alt; /* RS_OK: no alternative; else also acceptable */
	size_t key_len;	    /* 0: strlen(key) (0 for NULL) */
};

static const struct err_case err_cases[] = {
    /* GCM2 */
    {"GCM2 salt missing", RS_MODE_AES_128_GCM2, RAND_KEY, NULL, RS_ERR_SALT_MISSING},
    {"GCM2 salt empty", RS_MODE_AES_256_GCM2, RAND_KEY, "", RS_ERR_SALT_MISSING,
     RS_ERR_SALT_LENGTH},
    {"GCM2 salt base64 of 31 bytes", RS_MODE_AES_128_GCM2, RAND_KEY,
     "X5w9T+50kzxVOnkJKiY/lUk82/bES2kATOt3vBuGEA==", RS_ERR_SALT_LENGTH},
    {"GCM2 salt base64 of 33 bytes", RS_MODE_AES_256_GCM2, RAND_KEY,
     "X5w9T+50kzxVOnkJKiY/lUk82/bES2kATOt3vBuGEDwA", RS_ERR_SALT_LENGTH},
    {"GCM2 salt hex of 31 bytes", RS_MODE_AES_128_GCM2, RAND_KEY,
     "5f9c3d4fee74933c553a79092a263f95493cdbf6c44b69004ceb77bc1b8610", RS_ERR_SALT_LENGTH,
     RS_ERR_SALT_ENCODING},
    {"GCM2 salt hex of 33 bytes", RS_MODE_AES_256_GCM2, RAND_KEY, SALT32_HEX "00",
     RS_ERR_SALT_LENGTH, RS_ERR_SALT_ENCODING},
    {"GCM2 salt of 12 bytes (an AEAD salt)", RS_MODE_AES_128_GCM2, RAND_KEY, S12_HEX,
     RS_ERR_SALT_LENGTH},
    {"GCM2 salt bad base64 character", RS_MODE_AES_128_GCM2, RAND_KEY,
     "X5w9T+50kzxVOnkJKiY/lUk82/bES2kA*Ot3vBuGEDw=", RS_ERR_SALT_ENCODING},
    {"GCM2 salt base64 cut short", RS_MODE_AES_256_GCM2, RAND_KEY,
     "X5w9T+50kzxVOnkJKiY/lUk82/bES2kATOt3vBuGED", RS_ERR_SALT_ENCODING, RS_ERR_SALT_LENGTH},
    {"GCM2 salt not base64 nor hex", RS_MODE_AES_128_GCM2, RAND_KEY, "not a salt at all!",
     RS_ERR_SALT_ENCODING},
    {"GCM2 salt hex with a bad digit", RS_MODE_AES_256_GCM2, RAND_KEY,
     "5f9c3d4fee74933c553a79092a263f95493cdbf6c44b69004ceb77bc1b86103g", RS_ERR_SALT_ENCODING,
     RS_ERR_SALT_LENGTH},
    {"GCM2 key missing", RS_MODE_AES_128_GCM2, NULL, SALT32_B64, RS_ERR_KEY_MISSING},
    {"GCM2 key empty", RS_MODE_AES_256_GCM2, "", SALT32_B64, RS_ERR_KEY_MISSING},
    /* GCM */
    {"GCM with a base64 salt", RS_MODE_AES_128_GCM, RAND_KEY, SALT32_B64, RS_ERR_SALT_UNUSED},
    {"GCM with a hex salt", RS_MODE_AES_256_GCM, RAND_KEY, SALT32_HEX, RS_ERR_SALT_UNUSED},
    {"GCM key missing", RS_MODE_AES_128_GCM, NULL, NULL, RS_ERR_KEY_MISSING},
    {"GCM key empty", RS_MODE_AES_256_GCM, "", NULL, RS_ERR_KEY_MISSING},
    /* AEAD, hex */
    {"AEAD key bad hex", RS_MODE_AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e0z", S12_HEX,
     RS_ERR_KEY_ENCODING},
    {"AEAD key odd hex length", RS_MODE_AEAD_AES_128_GCM, K16_HEX "0", S12_HEX, RS_ERR_KEY_ENCODING,
     RS_ERR_KEY_LENGTH},
    {"AEAD 128 key of 15 bytes", RS_MODE_AEAD_AES_128_GCM, "000102030405060708090a0b0c0d0e",
     S12_HEX, RS_ERR_KEY_LENGTH},
    {"AEAD 128 key of 17 bytes", RS_MODE_AEAD_AES_128_GCM, K16_HEX "10", S12_HEX,
     RS_ERR_KEY_LENGTH},
    {"AEAD 128 key of 32 bytes", RS_MODE_AEAD_AES_128_GCM, K32_HEX, S12_HEX, RS_ERR_KEY_LENGTH},
    {"AEAD 256 key of 16 bytes", RS_MODE_AEAD_AES_256_GCM, K16_HEX, S12_HEX, RS_ERR_KEY_LENGTH},
    {"AEAD 256 key of 31 bytes", RS_MODE_AEAD_AES_256_GCM,
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e", S12_HEX, RS_ERR_KEY_LENGTH},
    {"AEAD salt missing", RS_MODE_AEAD_AES_128_GCM, K16_HEX, NULL, RS_ERR_SALT_MISSING},
    {"AEAD salt empty", RS_MODE_AEAD_AES_256_GCM, K32_HEX, "", RS_ERR_SALT_MISSING},
    {"AEAD salt of 11 bytes", RS_MODE_AEAD_AES_128_GCM, K16_HEX, "a0a1a2a3a4a5a6a7a8a9aa",
     RS_ERR_SALT_LENGTH},
    {"AEAD salt of 13 bytes", RS_MODE_AEAD_AES_256_GCM, K32_HEX, S12_HEX "ac", RS_ERR_SALT_LENGTH},
    {"AEAD salt of 32 bytes (a GCM2 salt)", RS_MODE_AEAD_AES_128_GCM, K16_HEX, SALT32_HEX,
     RS_ERR_SALT_LENGTH},
    {"AEAD salt bad hex", RS_MODE_AEAD_AES_128_GCM, K16_HEX, "a0a1a2a3a4a5a6a7a8a9aaxx",
     RS_ERR_SALT_ENCODING},
    {"AEAD key missing", RS_MODE_AEAD_AES_128_GCM, NULL, S12_HEX, RS_ERR_KEY_MISSING},
    {"AEAD key empty", RS_MODE_AEAD_AES_256_GCM, "", S12_HEX, RS_ERR_KEY_MISSING},
    /* AEAD, SDES inline: (key||salt = 28 bytes for 128, 44 for 256) */
    {"inline: 44 bytes for AEAD 128", RS_MODE_AEAD_AES_128_GCM,
     "inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+goaKjpKWmp6ipqqs=", NULL,
     RS_ERR_KEY_LENGTH},
    {"inline: 28 bytes for AEAD 256", RS_MODE_AEAD_AES_256_GCM,
     "inline:AAECAwQFBgcICQoLDA0OD6ChoqOkpaanqKmqqw==", NULL, RS_ERR_KEY_LENGTH},
    {"inline: 27 bytes for AEAD 128", RS_MODE_AEAD_AES_128_GCM,
     "inline:AAECAwQFBgcICQoLDA0OD6ChoqOkpaanqKmq", NULL, RS_ERR_KEY_LENGTH},
    {"inline: 29 bytes for AEAD 128", RS_MODE_AEAD_AES_128_GCM,
     "inline:AAECAwQFBgcICQoLDA0OD6ChoqOkpaanqKmqq6w=", NULL, RS_ERR_KEY_LENGTH},
    {"inline: bad base64", RS_MODE_AEAD_AES_128_GCM,
     "inline:AAECAwQFBgcICQoLDA0OD6Ch*qOkpaanqKmqqw==", NULL, RS_ERR_KEY_ENCODING},
    {"inline: nothing after the prefix", RS_MODE_AEAD_AES_128_GCM, "inline:", NULL,
     RS_ERR_KEY_ENCODING, RS_ERR_KEY_MISSING},
};

static int contains(const char *hay, const char *needle, size_t n)
{
	for (const char *p = hay; *p; p++)
		if (strncmp(p, needle, n) == 0)
			return 1;
	return 0;
}

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void test_input_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		size_t klen = c->key_len ? c->key_len : c->key ? strlen(c->key) : 0;
		struct rs_master_key mk;
		enum rs_status st;
		const char *text;

		memset(&mk, 0xa5, sizeof(mk));
		st = rs_master_key_make(c->mode, c->key, klen, c->salt, &mk);
		if (st != c->status && (c->alt == RS_OK || st != c->alt))
			fail_msg("%s (%s): %s, expected %s%s%s", c->what, rs_mode_name(c->mode),
				 rs_status_name(st), rs_status_name(c->status),
				 c->alt != RS_OK ? " or " : "",
				 c->alt != RS_OK ? rs_status_name(c->alt) : "");
		if (st != c->status)
			print_message("    note: %s gives %s (accepted; %s preferred)\n", c->what,
				      rs_status_name(st), rs_status_name(c->status));
		text = rs_strerror(st);
		assert_non_null(text);
		assert_true(text[0] != '\0');
		assert_string_not_equal(text, "unknown status");
		/* no 8-byte run of the key or salt in the message */
		for (size_t k = 0; c->key && k + 8 <= klen; k++)
			if (contains(text, c->key + k, 8))
				fail_msg("%s: error text shows key bytes: \"%s\"", c->what, text);
		for (size_t k = 0; c->salt && k + 8 <= strlen(c->salt); k++)
			if (contains(text, c->salt + k, 8))
				fail_msg("%s: error text shows salt bytes: \"%s\"", c->what, text);
		if (!all_zero(&mk.key, sizeof(mk.key)) || !all_zero(&mk.salt, sizeof(mk.salt)))
			fail_msg("%s: output not wiped after %s", c->what, rs_status_name(st));
	}
}

/* ---- SDES inline: in and out ---- */

static void test_sdes(void **state)
{
	(void)state;
	for (int m = RS_MODE_AEAD_AES_128_GCM; m <= RS_MODE_AEAD_AES_256_GCM; m++) {
		enum rs_mode mode = (enum rs_mode)m;
		unsigned kl = rs_mode_key_len(mode);

		for (int round = 0; round < 8; round++) {
			uint8_t ks[RS_MAX_KEY_LEN + RS_MASTER_SALT_LEN];
			char khex[2 * RS_MAX_KEY_LEN + 1], shex[2 * RS_MASTER_SALT_LEN + 1];
			char inl[RS_SDES_INLINE_MAX], want[RS_SDES_INLINE_MAX], b64[64];
			struct rs_master_key from_hex, from_inline, exp;
			enum rs_status st;

			assert_int_equal(RAND_bytes(ks, sizeof(ks)), 1);
			tohex(ks, kl, khex);
			tohex(ks + kl, RS_MASTER_SALT_LEN, shex);
			tob64(ks, kl + RS_MASTER_SALT_LEN, b64);
			snprintf(want, sizeof(want), "inline:%s", b64);
			memset(&exp, 0, sizeof(exp));
			memcpy(exp.key, ks, kl);
			memcpy(exp.salt, ks + kl, RS_MASTER_SALT_LEN);
			exp.key_len = (uint8_t)kl;

			st = rs_master_key_make(mode, khex, strlen(khex), shex, &from_hex);
			if (st != RS_OK)
				fail_msg("%s hex key and salt: %s", rs_mode_name(mode),
					 rs_status_name(st));
			assert_master_equal("AEAD from hex", &from_hex, &exp);

			/* accepted as key with a NULL or empty salt, equal to the hex form */
			st = rs_master_key_make(mode, want, strlen(want), round % 2 ? "" : NULL,
						&from_inline);
			if (st != RS_OK)
				fail_msg("%s %s with %s salt: %s", rs_mode_name(mode), want,
					 round % 2 ? "an empty" : "a NULL", rs_status_name(st));
			assert_master_equal("AEAD from inline:", &from_inline, &exp);

			/* and written back the same way */
			memset(inl, 0xa5, sizeof(inl));
			assert_int_equal(rs_master_key_to_sdes(&from_hex, inl, sizeof(inl)), RS_OK);
			assert_string_equal(inl, want);
			assert_int_not_equal(rs_master_key_to_sdes(&from_hex, inl, strlen(want)),
					     RS_OK);
			assert_int_equal(rs_master_key_to_sdes(&from_hex, inl, strlen(want) + 1),
					 RS_OK);
			assert_string_equal(inl, want);
		}
	}
}

/* rtpsealctl derive: a GCM2 channel's master key, handed over as inline:,
 * gives the same master key through the AEAD mode. */
static void test_gcm2_to_sdes(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		enum rs_mode gcm2 = i ? RS_MODE_AES_256_GCM2 : RS_MODE_AES_128_GCM2;
		enum rs_mode aead = i ? RS_MODE_AEAD_AES_256_GCM : RS_MODE_AEAD_AES_128_GCM;
		struct rs_master_key mk, back;
		char inl[RS_SDES_INLINE_MAX];

		assert_int_equal(
		    rs_master_key_make(gcm2, RAND_KEY, strlen(RAND_KEY), SALT32_B64, &mk), RS_OK);
		assert_int_equal(rs_master_key_to_sdes(&mk, inl, sizeof(inl)), RS_OK);
		assert_int_equal(strncmp(inl, "inline:", 7), 0);
		assert_int_equal(rs_master_key_make(aead, inl, strlen(inl), NULL, &back), RS_OK);
		assert_master_equal("GCM2 -> inline: -> AEAD", &back, &mk);
		rs_master_key_wipe(&mk);
		assert_true(all_zero(mk.key, sizeof(mk.key)) && all_zero(mk.salt, sizeof(mk.salt)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc5869),
	    cmocka_unit_test(test_hkdf_limits),
	    cmocka_unit_test(test_mode_names),
	    cmocka_unit_test(test_gcm2_derivation),
	    cmocka_unit_test(test_gcm2_domain_separation),
	    cmocka_unit_test(test_input_errors),
	    cmocka_unit_test(test_sdes),
	    cmocka_unit_test(test_gcm2_to_sdes),
	};

	return cmocka_run_group_tests_name("hkdf and key input", tests, NULL, NULL);
}
