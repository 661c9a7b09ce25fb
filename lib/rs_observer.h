/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet observers: rtpseal's "custom encryption" (DESIGN §7), the
 * equivalent of a real-time SDK's registerPacketObserver. A shared object
 * loaded with `rtpseal ... --observer LIB.so` exports
 *
 *     const struct rs_observer *rs_observer_entry(void);
 *
 * returning a table of callbacks. Four burst callbacks, one per direction
 * and media class, see each audio/video RTP packet of the channels the
 * observer is attached to: on the send side before it is sealed, on the
 * receive side after it was opened (or instead of built-in encryption for
 * a channel whose mode is `custom`). A callback may rewrite the packet in
 * place, change its length within `capacity`, or drop it.
 *
 * Several observers run in the order given on the send side and in reverse
 * order on the receive side, so stacked transforms undo each other.
 *
 * Stable ABI: the table starts with abi_version and struct_size; rtpseal
 * refuses a table whose version it does not speak. Callbacks run on worker
 * lcores, concurrently on different workers (a stream always stays on one
 * worker); they must not block.
 */
#ifndef RS_OBSERVER_H
#define RS_OBSERVER_H

#include <stddef.h>
#include <stdint.h>

#define RS_OBSERVER_ABI_VERSION 1
#define RS_OBSERVER_ENTRY	"rs_observer_entry"

enum rs_observer_verdict {
	RS_OBSERVER_KEEP = 0,
	RS_OBSERVER_DROP = 1,
};

/* One packet handed to a callback. */
struct rs_observer_packet {
	uint8_t *buf;	   /* the RTP header; the payload follows it */
	uint32_t len;	   /* bytes of the packet; the callback may change it */
	uint32_t capacity; /* bytes writable at buf: len may grow up to this.
			    * On the send side room for the SRTP tag is already
			    * set aside. A len above capacity drops the packet. */
	uint32_t ssrc;
	uint8_t payload_type; /* 0..127 */
	uint8_t media_class;  /* 0 audio, 1 video (enum rs_media_class) */
	uint8_t verdict;      /* out: RS_OBSERVER_DROP drops the packet */
	uint8_t reserved;
	const char *channel; /* the channel's name */
	uint32_t worker;     /* index of the calling worker (for per-worker state) */
	uint32_t reserved2;
};

/* A burst of n packets of one class and direction. ctx is what init
 * returned. */
typedef void (*rs_observer_burst_fn)(void *ctx, struct rs_observer_packet *pkts, unsigned n);

struct rs_observer {
	uint32_t abi_version; /* RS_OBSERVER_ABI_VERSION */
	uint32_t struct_size; /* sizeof(struct rs_observer) */
	const char *name;     /* short name for logs, stats and telemetry */
	/* Called once at start with the text after ':' in --observer LIB.so:ARGS
	 * (or NULL) and the number of workers. Returns the observer's context,
	 * or NULL with a message in err: rtpseal then refuses to start. */
	void *(*init)(const char *args, unsigned n_workers, char *err, size_t err_size);
	void (*fini)(void *ctx);
	/* Any of the four may be NULL: that class and direction is not observed. */
	rs_observer_burst_fn on_send_audio;
	rs_observer_burst_fn on_send_video;
	rs_observer_burst_fn on_receive_audio;
	rs_observer_burst_fn on_receive_video;
	/* Optional: the observer's own figures as a JSON object text written to
	 * buf (NUL-terminated); shown in --stats-json and telemetry. Called from
	 * the main or telemetry thread, concurrently with the callbacks. */
	int (*stats)(void *ctx, char *buf, size_t size);
};

typedef const struct rs_observer *(*rs_observer_entry_fn)(void);

#endif
