// SPDX-License-Identifier: GPL-2.0
/*
 * The rate limit on lines a guest causes (guest-log.c), on a clock the
 * test moves: a burst of GUEST_LOG_BURST, then one a second, the rest
 * counted; the count is what the summary reports, then starts again.
 */
#include <unistd.h>

#include "lkvm/guest-log.h"
#include "suites.h"

static uint64_t fake_ns;

static uint64_t fake_clock(void)
{
	return fake_ns;
}

START_TEST(test_guest_log_burst_then_one_a_second)
{
	unsigned int shown = 0;

	guest_log_set_clock(fake_clock);
	guest_log_summary();	/* from zero */
	fake_ns = 5000000000ULL;
	for (int i = 0; i < 1000; i++)
		shown += pr_guest("test line %d", i);
	ck_assert_uint_eq(shown, GUEST_LOG_BURST);
	ck_assert_uint_eq(guest_log_suppressed(), 1000 - GUEST_LOG_BURST);
	fake_ns += 999999999ULL;
	ck_assert(!pr_guest("still within the second"));
	fake_ns += 1;
	ck_assert(pr_guest("one a second"));
	ck_assert(!pr_guest("and no more"));
	fake_ns += 3000000000ULL;	/* three seconds: three lines, not a new burst */
	shown = 0;
	for (int i = 0; i < 10; i++)
		shown += pr_guest("after a pause %d", i);
	ck_assert_uint_eq(shown, 3);
	ck_assert_uint_eq(guest_log_suppressed(), 1000 - GUEST_LOG_BURST + 2 + 7);
	guest_log_summary();
	ck_assert_uint_eq(guest_log_suppressed(), 0);
	guest_log_set_clock(NULL);
}
END_TEST

Suite *guest_log_suite(void)
{
	Suite *s = suite_create("guest-log");
	TCase *tc = tcase_create("limit");

	tcase_add_test(tc, test_guest_log_burst_then_one_a_second);
	suite_add_tcase(s, tc);
	return s;
}
