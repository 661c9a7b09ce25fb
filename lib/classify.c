/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stage 3: payload type to media class. The map is a flat 128-byte table so
 * the per-packet lookup (rs_classify, inline in the header) is one load.
 */
#include "rs_classify.h"

enum {
	PT_COUNT = 128,
	/* RFC 3551 section 6: static audio and video assignments. */
	PT_AUDIO_LAST = 23,
	PT_VIDEO_LAST = 34,
};

static enum rs_media_class default_class(unsigned pt)
{
	if (pt <= PT_AUDIO_LAST)
		return RS_CLASS_AUDIO;
	if (pt <= PT_VIDEO_LAST)
		return RS_CLASS_VIDEO;
	return RS_CLASS_OTHER;
}

void rs_pt_map_init(struct rs_pt_map *map)
{
	unsigned pt;

	for (pt = 0; pt < PT_COUNT; pt++)
		map->cls[pt] = (uint8_t)default_class(pt);
}

enum rs_status rs_pt_map_set(struct rs_pt_map *map, unsigned pt, enum rs_media_class cls)
{
	/* The unsigned cast also catches a negative enum value. */
	if (!map || pt >= PT_COUNT || (unsigned)cls >= RS_CLASS_COUNT)
		return RS_ERR_INVALID_ARG;
	map->cls[pt] = (uint8_t)cls;
	return RS_OK;
}

const char *rs_media_class_name(enum rs_media_class cls)
{
	static const char *const names[RS_CLASS_COUNT] = {
	    [RS_CLASS_AUDIO] = "audio",
	    [RS_CLASS_VIDEO] = "video",
	    [RS_CLASS_OTHER] = "other",
	};

	if ((unsigned)cls >= RS_CLASS_COUNT)
		return "unknown";
	return names[cls];
}
