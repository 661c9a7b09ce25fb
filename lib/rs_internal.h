/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Library-internal layouts shared by the key, seal and open stages. Not part
 * of the public API: callers see struct rs_key_ctx and struct rs_engine as
 * opaque.
 */
#ifndef RS_INTERNAL_H
#define RS_INTERNAL_H

#include <stdint.h>

#include <intel-ipsec-mb.h>

#include "rs_keys.h"

/* Direct-API entry point of one key size (ipsec-mb's aes_gcm_enc_dec_t). */
typedef aes_gcm_enc_dec_t rs_gcm_fn;

enum rs_key_size { RS_KEY_SIZE_128 = 0, RS_KEY_SIZE_256, RS_KEY_SIZE_COUNT };

struct rs_engine {
	IMB_MGR *mgr;
	IMB_ARCH arch;
	/* this manager's GCM entry points by key size, looked up once so the
	 * per-packet path indexes a table instead of testing the key length */
	rs_gcm_fn enc[RS_KEY_SIZE_COUNT];
	rs_gcm_fn dec[RS_KEY_SIZE_COUNT];
	/* GCM running state for the direct API; one per engine since an engine
	 * belongs to one thread */
	struct gcm_context_data gcm_ctx;
};

struct rs_key_ctx {
	/* ipsec-mb expanded keys and hash-key powers; 64-byte aligned (the
	 * precompute faults otherwise), sized from the header we build against
	 * since gcm_key_data grew across ipsec-mb versions */
	struct gcm_key_data *rtp_key;
	struct gcm_key_data *rtcp_key;
	enum rs_key_size size;
	uint8_t rtp_salt[RS_SESSION_SALT_LEN];
	uint8_t rtcp_salt[RS_SESSION_SALT_LEN];
	uint8_t key_len;
	uint8_t rtp_auth_only;
	/* bytes of the allocation, for the wipe */
	size_t alloc_size;
};

/* A key context's memory: the struct, then the RTP and the RTCP
 * gcm_key_data, each on its own 64-byte boundary (one slot of keymem.c). */
#define RS_ALIGN64(n)	   (((n) + 63) & ~(size_t)63)
#define RS_KEY_CTX_HEAD	   RS_ALIGN64(sizeof(struct rs_key_ctx))
#define RS_KEY_CTX_GCM_KEY RS_ALIGN64(sizeof(struct gcm_key_data))
#define RS_KEY_CTX_SIZE	   (RS_KEY_CTX_HEAD + 2 * RS_KEY_CTX_GCM_KEY)

/* One key context's slot (RS_KEY_CTX_SIZE bytes, 64-byte aligned, contents
 * undefined) or NULL; rs_keymem_free takes it back, wiped by the caller. */
void *rs_keymem_alloc(void);
void rs_keymem_free(void *slot);

#endif
