/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in traffic source of DESIGN §5 ([generator]): the lib traffic
 * model writes frames straight into mbufs, which are transmitted on the
 * generator port's TX queues. On a loopback in-memory port (net_ring) they
 * come back as that port's RX, queue for queue, so each worker receives its
 * share; a stream always uses one queue, as RSS would keep it.
 */
#ifndef RS_APP_GENERATOR_H
#define RS_APP_GENERATOR_H

#include <stdint.h>

#include "app.h"

struct rs_app_gen;

struct rs_app_gen *rs_app_gen_new(const struct rs_app *app, char *err, size_t err_size);
void rs_app_gen_free(struct rs_app_gen *g);

/* Generate and send up to one burst per queue (paced when rate_pps is
 * set). Frames a full ring refuses are kept and retried, never lost.
 * Returns the number sent. */
unsigned rs_app_gen_step(struct rs_app_gen *g);

uint64_t rs_app_gen_sent(const struct rs_app_gen *g);

/* Make no new frames; rs_app_gen_step then only sends what is held. */
void rs_app_gen_stop(struct rs_app_gen *g);

unsigned rs_app_gen_port(const struct rs_app_gen *g);

/* What the generator has sent, by class (counted when a frame leaves on
 * TX, so frames still held are not in it). rs_app_gen_free prints it as
 * one line, "rtpseal: generator sent N frames, B bytes: audio N x P B,
 * video ..., rtcp ..., other ...; ring full on R of T TX bursts", P the
 * mean payload of the class. R > 0: the pipeline was behind at times (a
 * backlog on the port, full RX bursts), not the generator. */
enum rs_app_gen_class {
	RS_APP_GEN_AUDIO, /* RTP of audio streams; payload after header + extension */
	RS_APP_GEN_VIDEO, /* RTP of video streams; same */
	RS_APP_GEN_RTCP,  /* SR + SDES; payload = the compound RTCP packet */
	RS_APP_GEN_OTHER, /* noise (STUN, DTLS, ARP): UDP payload */
	RS_APP_GEN_CLASSES,
};

struct rs_app_gen_totals {
	uint64_t packets[RS_APP_GEN_CLASSES];
	uint64_t payload_bytes[RS_APP_GEN_CLASSES];
	uint64_t frame_bytes; /* whole Ethernet frames, all classes */
	uint64_t tx_bursts;   /* rte_eth_tx_burst calls with frames to send */
	uint64_t tx_refused;  /* ... that the port did not take whole (ring full) */
};

void rs_app_gen_get_totals(const struct rs_app_gen *g, struct rs_app_gen_totals *t);

/*
 * Fault injection ([generator] faults, fault_channel, fault_port; the
 * soak). Two more traffic models run the fault channel's streams (the main
 * model leaves that channel out, so every packet of it is the generator's
 * doing), 4 streams each, RTP only: one for the generator port, one for the
 * fault port, so no frame is drawn and dropped and a stream's sequence
 * numbers move by a few between the packets the pipeline sees. Per 1000
 * frames of the main model, `faults` bad packets, the kinds in turn:
 *   MALFORMED  on the generator port, a frame of its model broken in
 *              one of five ways (IP length, UDP length, RTP shorter than its
 *              header, RTP extension length, RTP padding count 0): the
 *              pipeline drops it as malformed;
 *   RESENT     on the generator port, a frame of its model sent twice
 *              back to back: the first is sealed (a good packet), the copy
 *              is refused (stale_seq, the sealing side's replay);
 * and with a fault port (a cipher port only the generator feeds, so no
 * second producer on a worker's ring):
 *   REPLAY     a frame of the fault port's model sealed here with the channel's key,
 *              sent twice: the first opens, the copy is a replay;
 *   WRONG_KEY  a frame of that model sealed under a key derived from the
 *              channel's with every byte changed: auth_fail.
 * The fault channel must not be rekeyed or removed while this runs, or the
 * counts stop being exact. Counted when the port takes the frame.
 */
enum rs_app_gen_fault {
	RS_APP_GEN_FAULT_MALFORMED,
	RS_APP_GEN_FAULT_RESENT,
	RS_APP_GEN_FAULT_REPLAY,
	RS_APP_GEN_FAULT_WRONG_KEY,
	RS_APP_GEN_FAULTS,
};

struct rs_app_gen_fault_totals {
	uint64_t injected[RS_APP_GEN_FAULTS];
	uint64_t good;		  /* good packets of the fault streams (first copies) */
	uint64_t fault_port_sent; /* frames sent on the fault port, good or not */
	uint64_t malformed_by[5]; /* MALFORMED by way (the order above) */
};

/* Zeros when faults are off. */
void rs_app_gen_get_faults(const struct rs_app_gen *g, struct rs_app_gen_fault_totals *t);

/* The fault port, or -1 when there is none. */
int rs_app_gen_fault_port(const struct rs_app_gen *g);

/* The drop reason each kind is expected under ("malformed", "stale_seq",
 * "replay", "auth_fail"). */
const char *rs_app_gen_fault_reason(enum rs_app_gen_fault kind);

#endif
