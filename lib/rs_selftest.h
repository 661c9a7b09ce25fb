/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start-up self-test: known answers for the AES-GCM code path ipsec-mb
 * selected on this CPU (RFC 7714 vectors, both key sizes, seal and open),
 * the RFC 3711 SRTP KDF chain (master key -> session keys -> SRTP, expected
 * bytes made by libsrtp2) and HKDF (RFC 5869 case 1, and the GCM2 mode).
 * rtpseal refuses to start if any fails.
 */
#ifndef RS_SELFTEST_H
#define RS_SELFTEST_H

#include <stddef.h>

#include "rs_srtp.h"

/* RS_OK when every check passed; otherwise the first failure is named in
 * what (a static string). */
enum rs_status rs_selftest(struct rs_engine *eng, const char **what) RS_WARN_UNUSED;

#endif
