/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * librtpseal: the DPDK-free core of rtpseal. Parse and demux frames,
 * classify RTP, derive keys, seal and open SRTP/SRTCP with AES-GCM (RFC
 * 7714) on plain buffers. Links ipsec-mb and OpenSSL only.
 */
#ifndef RTPSEAL_H
#define RTPSEAL_H

#include "rs_classify.h"
#include "rs_keys.h"
#include "rs_parse.h"
#include "rs_selftest.h"
#include "rs_srtp.h"
#include "rs_status.h"
#include "rs_stream.h"

#endif
