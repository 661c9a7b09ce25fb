/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tables for lib/classify.c: the RFC 3551 defaults over all 128 payload
 * types, per-channel overrides, refused arguments and class names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rs_classify.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 3551 section 6: the static assignments, and everything else. */
static const struct {
	unsigned lo, hi;
	enum rs_media_class cls;
} default_ranges[] = {
    {0, 23, RS_CLASS_AUDIO},   /* PCMU .. G729, reserved audio */
    {24, 34, RS_CLASS_VIDEO},  /* CelB, JPEG, nv, H261, MPV, MP2T, H263 */
    {35, 95, RS_CLASS_OTHER},  /* unassigned */
    {96, 127, RS_CLASS_OTHER}, /* dynamic: the channel names them */
};

static void test_defaults(void **state)
{
	struct rs_pt_map map;
	size_t i;
	unsigned pt;

	(void)state;
	memset(&map, 0xee, sizeof(map));
	rs_pt_map_init(&map);
	for (i = 0; i < ARRAY_SIZE(default_ranges); i++) {
		for (pt = default_ranges[i].lo; pt <= default_ranges[i].hi; pt++) {
			if (rs_classify(&map, (uint8_t)pt) != default_ranges[i].cls)
				fail_msg("PT %u: got %s", pt,
					 rs_media_class_name(rs_classify(&map, (uint8_t)pt)));
		}
	}
}

/* The marker bit shares the byte: rs_classify masks it off. */
static void test_marker_bit_ignored(void **state)
{
	struct rs_pt_map map;
	unsigned pt;

	(void)state;
	rs_pt_map_init(&map);
	for (pt = 0; pt < 128; pt++)
		assert_int_equal(rs_classify(&map, (uint8_t)(pt | 0x80)),
				 rs_classify(&map, (uint8_t)pt));
}

struct set_case {
	const char *name;
	unsigned pt;
	int cls;
	enum rs_status want;
};

static const struct set_case set_cases[] = {
    {"dynamic 96 as video", 96, RS_CLASS_VIDEO, RS_OK},
    {"dynamic 111 as audio (Opus)", 111, RS_CLASS_AUDIO, RS_OK},
    {"127 as video", 127, RS_CLASS_VIDEO, RS_OK},
    {"static 0 as other", 0, RS_CLASS_OTHER, RS_OK},
    {"static 26 as audio", 26, RS_CLASS_AUDIO, RS_OK},
    {"128 is not a payload type", 128, RS_CLASS_AUDIO, RS_ERR_INVALID_ARG},
    {"255", 255, RS_CLASS_VIDEO, RS_ERR_INVALID_ARG},
    {"1000", 1000, RS_CLASS_OTHER, RS_ERR_INVALID_ARG},
    {"UINT_MAX", 0xffffffffu, RS_CLASS_OTHER, RS_ERR_INVALID_ARG},
    {"class count", 96, RS_CLASS_COUNT, RS_ERR_INVALID_ARG},
    {"class 7", 96, 7, RS_ERR_INVALID_ARG},
    {"negative class", 96, -1, RS_ERR_INVALID_ARG},
};

/* A refused set leaves the map as it was; an accepted one changes only
 * its own entry. */
static void check_set(const struct set_case *c)
{
	struct rs_pt_map map, before;
	enum rs_status st;

	rs_pt_map_init(&map);
	before = map;
	st = rs_pt_map_set(&map, c->pt, (enum rs_media_class)c->cls);
	if (st != c->want)
		fail_msg("%s: got %s, want %s", c->name, rs_status_name(st),
			 rs_status_name(c->want));
	if (st == RS_OK) {
		if (rs_classify(&map, (uint8_t)c->pt) != (enum rs_media_class)c->cls)
			fail_msg("%s: class not stored", c->name);
		before.cls[c->pt] = (uint8_t)c->cls;
	}
	if (memcmp(&map, &before, sizeof(map)))
		fail_msg("%s: other entries changed", c->name);
}

static void test_set(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(set_cases); i++)
		check_set(&set_cases[i]);
}

static void test_set_null_map(void **state)
{
	(void)state;
	assert_int_equal(rs_pt_map_set(NULL, 96, RS_CLASS_VIDEO), RS_ERR_INVALID_ARG);
}

/* Init after sets restores the defaults. */
static void test_reinit(void **state)
{
	struct rs_pt_map map;

	(void)state;
	rs_pt_map_init(&map);
	assert_int_equal(rs_pt_map_set(&map, 0, RS_CLASS_VIDEO), RS_OK);
	assert_int_equal(rs_pt_map_set(&map, 96, RS_CLASS_AUDIO), RS_OK);
	rs_pt_map_init(&map);
	assert_int_equal(rs_classify(&map, 0), RS_CLASS_AUDIO);
	assert_int_equal(rs_classify(&map, 96), RS_CLASS_OTHER);
}

static const struct {
	int cls;
	const char *name;
} class_names[] = {
    {RS_CLASS_AUDIO, "audio"},	 {RS_CLASS_VIDEO, "video"}, {RS_CLASS_OTHER, "other"},
    {RS_CLASS_COUNT, "unknown"}, {-1, "unknown"},
};

static void test_class_names(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(class_names); i++)
		assert_string_equal(rs_media_class_name((enum rs_media_class)class_names[i].cls),
				    class_names[i].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults), cmocka_unit_test(test_marker_bit_ignored),
	    cmocka_unit_test(test_set),	     cmocka_unit_test(test_set_null_map),
	    cmocka_unit_test(test_reinit),   cmocka_unit_test(test_class_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
