/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From master key to what the data path reads: the RFC 3711 AES-CM PRF makes
 * the SRTP and SRTCP session keys and salts, ipsec-mb precomputes the GCM
 * key schedules and hash-key powers, and the key context holds the result
 * until rs_key_ctx_free() wipes it. All of this runs on the control thread.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "rs_internal.h"
#include "rs_keys.h"
#include "rs_srtp.h"

#define SRTP_KDF_SALT_LEN 14 /* RFC 3711's 112-bit master salt */

enum rs_status rs_srtp_kdf(const struct rs_master_key *mk, enum rs_srtp_label label, uint8_t *out,
			   size_t out_len)
{
	const EVP_CIPHER *cipher;
	uint8_t iv[16] = {0};
	uint8_t zeros[64] = {0};
	int n = 0;
	enum rs_status st = RS_ERR_CRYPTO;

	if (mk->key_len == 16)
		cipher = EVP_aes_128_ctr();
	else if (mk->key_len == 32)
		cipher = EVP_aes_256_ctr();
	else
		return RS_ERR_INVALID_ARG;
	if (out_len > sizeof(zeros))
		return RS_ERR_INVALID_ARG;
	/* x = (label || r) XOR master_salt, with r = 0 (key derivation rate 0)
	 * and the 12-byte salt zero-padded to 14; the label lands in byte 7.
	 * The AES-CM counter block is x * 2^16. */
	memcpy(iv, mk->salt, RS_MASTER_SALT_LEN);
	iv[7] ^= (uint8_t)label;

	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return RS_ERR_NOMEM;
	if (EVP_EncryptInit_ex(ctx, cipher, NULL, mk->key, iv) == 1 &&
	    EVP_EncryptUpdate(ctx, out, &n, zeros, (int)out_len) == 1 && (size_t)n == out_len)
		st = RS_OK;
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(iv, sizeof(iv));
	return st;
}

enum rs_status rs_session_keys_derive(const struct rs_master_key *mk, struct rs_session_keys *out)
{
	enum rs_status st;

	memset(out, 0, sizeof(*out));
	out->key_len = mk->key_len;
	st = rs_srtp_kdf(mk, RS_LABEL_RTP_KEY, out->rtp_key, mk->key_len);
	if (st == RS_OK)
		st = rs_srtp_kdf(mk, RS_LABEL_RTP_SALT, out->rtp_salt, RS_SESSION_SALT_LEN);
	if (st == RS_OK)
		st = rs_srtp_kdf(mk, RS_LABEL_RTCP_KEY, out->rtcp_key, mk->key_len);
	if (st == RS_OK)
		st = rs_srtp_kdf(mk, RS_LABEL_RTCP_SALT, out->rtcp_salt, RS_SESSION_SALT_LEN);
	if (st != RS_OK)
		OPENSSL_cleanse(out, sizeof(*out));
	return st;
}

struct rs_key_ctx *rs_key_ctx_from_session(struct rs_engine *eng, const struct rs_session_keys *sk,
					   unsigned flags, enum rs_status *err)
{
	size_t head = RS_KEY_CTX_HEAD, gkd = RS_KEY_CTX_GCM_KEY, total = RS_KEY_CTX_SIZE;
	struct rs_key_ctx *ctx;

	if (!eng || !sk || (sk->key_len != 16 && sk->key_len != 32)) {
		*err = RS_ERR_INVALID_ARG;
		return NULL;
	}
	ctx = rs_keymem_alloc();
	if (!ctx) {
		*err = RS_ERR_NOMEM;
		return NULL;
	}
	memset(ctx, 0, total);
	ctx->alloc_size = total;
	ctx->rtp_key = (struct gcm_key_data *)((uint8_t *)ctx + head);
	ctx->rtcp_key = (struct gcm_key_data *)((uint8_t *)ctx + head + gkd);
	ctx->key_len = sk->key_len;
	ctx->size = sk->key_len == 16 ? RS_KEY_SIZE_128 : RS_KEY_SIZE_256;
	ctx->rtp_auth_only = (flags & RS_KEY_RTP_AUTH_ONLY) != 0;
	memcpy(ctx->rtp_salt, sk->rtp_salt, RS_SESSION_SALT_LEN);
	memcpy(ctx->rtcp_salt, sk->rtcp_salt, RS_SESSION_SALT_LEN);
	if (ctx->size == RS_KEY_SIZE_128) {
		IMB_AES128_GCM_PRE(eng->mgr, sk->rtp_key, ctx->rtp_key);
		IMB_AES128_GCM_PRE(eng->mgr, sk->rtcp_key, ctx->rtcp_key);
	} else {
		IMB_AES256_GCM_PRE(eng->mgr, sk->rtp_key, ctx->rtp_key);
		IMB_AES256_GCM_PRE(eng->mgr, sk->rtcp_key, ctx->rtcp_key);
	}
	if (imb_get_errno(eng->mgr) != 0) {
		rs_key_ctx_free(ctx);
		*err = RS_ERR_CRYPTO;
		return NULL;
	}
	*err = RS_OK;
	return ctx;
}

struct rs_key_ctx *rs_key_ctx_new(struct rs_engine *eng, const struct rs_master_key *mk,
				  unsigned flags, enum rs_status *err)
{
	struct rs_session_keys sk;
	struct rs_key_ctx *ctx;

	if (!mk) {
		*err = RS_ERR_INVALID_ARG;
		return NULL;
	}
	*err = rs_session_keys_derive(mk, &sk);
	if (*err != RS_OK)
		return NULL;
	ctx = rs_key_ctx_from_session(eng, &sk, flags, err);
	OPENSSL_cleanse(&sk, sizeof(sk));
	return ctx;
}

void rs_key_ctx_free(struct rs_key_ctx *ctx)
{
	if (!ctx)
		return;
	OPENSSL_cleanse(ctx, ctx->alloc_size);
	rs_keymem_free(ctx);
}

void rs_key_ctx_prefetch(const struct rs_key_ctx *ctx, int rtcp, uint32_t len)
{
	/* the keys' address from the layout rs_key_ctx_from_session made, not
	 * from ctx->rtp_key: reading the pointer would wait for the context's
	 * first line, and these prefetches are for contexts not in cache */
	const uint8_t *k = (const uint8_t *)ctx + RS_KEY_CTX_HEAD + (rtcp ? RS_KEY_CTX_GCM_KEY : 0);
	/* expanded keys, then HashKey^1, ^2, ... (16 bytes each, up to ^32 on
	 * the VAES path): one power per block of AAD + payload + length block */
	size_t blocks = (len + 16 + 15) / 16, powers = blocks < 32 ? blocks : 32;
	size_t end = sizeof(((struct gcm_key_data *)0)->expanded_keys) + 16 * powers;

	if (end > sizeof(struct gcm_key_data))
		end = sizeof(struct gcm_key_data);
	for (size_t off = 0; off < end; off += 64)
		__builtin_prefetch(k + off, 0, 2);
}

unsigned rs_key_ctx_key_len(const struct rs_key_ctx *ctx)
{
	return ctx ? ctx->key_len : 0;
}
