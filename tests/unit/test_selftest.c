/* SPDX-License-Identifier: BSD-3-Clause */
/* The start-up self-test passes on this CPU's ipsec-mb code path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rtpseal.h"

static void test_selftest_passes(void **state)
{
	enum rs_status st;
	struct rs_engine *eng = rs_engine_new(&st);
	const char *what = NULL;

	(void)state;
	assert_non_null(eng);
	st = rs_selftest(eng, &what);
	if (st != RS_OK)
		fail_msg("self-test failed at: %s", what);
	assert_string_equal(what, "all");
	rs_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_selftest_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
