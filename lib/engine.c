/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Crypto engines: one ipsec-mb manager per thread. init_mb_mgr_auto picks
 * the widest code path this CPU has (AVX-512 + VAES here).
 */
#include <stdlib.h>

#include "rs_internal.h"
#include "rs_srtp.h"

struct rs_engine *rs_engine_new(enum rs_status *err)
{
	struct rs_engine *eng = aligned_alloc(64, (sizeof(*eng) + 63) & ~(size_t)63);

	if (!eng) {
		*err = RS_ERR_NOMEM;
		return NULL;
	}
	eng->mgr = alloc_mb_mgr(0);
	if (!eng->mgr) {
		free(eng);
		*err = RS_ERR_NOMEM;
		return NULL;
	}
	init_mb_mgr_auto(eng->mgr, &eng->arch);
	if (eng->arch == IMB_ARCH_NONE || imb_get_errno(eng->mgr) != 0) {
		free_mb_mgr(eng->mgr);
		free(eng);
		*err = RS_ERR_CRYPTO;
		return NULL;
	}
	eng->enc[RS_KEY_SIZE_128] = eng->mgr->gcm128_enc;
	eng->dec[RS_KEY_SIZE_128] = eng->mgr->gcm128_dec;
	eng->enc[RS_KEY_SIZE_256] = eng->mgr->gcm256_enc;
	eng->dec[RS_KEY_SIZE_256] = eng->mgr->gcm256_dec;
	*err = RS_OK;
	return eng;
}

void rs_engine_free(struct rs_engine *eng)
{
	if (!eng)
		return;
	free_mb_mgr(eng->mgr);
	free(eng);
}

const char *rs_engine_ipsec_version(void)
{
	return imb_get_version_str();
}

const char *rs_engine_arch(const struct rs_engine *eng)
{
	switch (eng->arch) {
	case IMB_ARCH_SSE:
		return "SSE";
	case IMB_ARCH_AVX2:
		return "AVX2";
	case IMB_ARCH_AVX512:
		return "AVX512";
	default:
		return "none";
	}
}
