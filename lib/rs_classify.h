/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 3: RTP payload type to media class, through a per-channel map.
 * Defaults follow RFC 3551's static assignments: 0..23 audio, 24..34 video;
 * dynamic types (96..127) are "other" until a channel names them.
 */
#ifndef RS_CLASSIFY_H
#define RS_CLASSIFY_H

#include <stdint.h>

#include "rs_status.h"

enum rs_media_class { RS_CLASS_AUDIO = 0, RS_CLASS_VIDEO, RS_CLASS_OTHER, RS_CLASS_COUNT };

struct rs_pt_map {
	uint8_t cls[128]; /* enum rs_media_class per payload type */
};

/* Fill with the RFC 3551 defaults. */
void rs_pt_map_init(struct rs_pt_map *map);

/* Assign one payload type (0..127) to a class. */
enum rs_status rs_pt_map_set(struct rs_pt_map *map, unsigned pt,
			     enum rs_media_class cls) RS_WARN_UNUSED;

static inline enum rs_media_class rs_classify(const struct rs_pt_map *map, uint8_t pt)
{
	return (enum rs_media_class)map->cls[pt & 0x7f];
}

const char *rs_media_class_name(enum rs_media_class cls);

#endif
