// SPDX-License-Identifier: GPL-2.0
/* The RTC's update cycle, alarm and periodic flags against a clock the test sets (hw/rtc-clock.c). */
#include <check.h>

#include "hw/rtc-clock.h"
#include "x86-suites.h"

#define S	RTC_NS
#define MS	1000000LL
/* 2026-12-07 22:10:05 UTC */
#define T0	(1796681405LL)

/* UIP: the last 2.228 ms before each second, nowhere else. */
START_TEST(test_rtc_uip)
{
	ck_assert(!rtc_uip(T0 * S));
	ck_assert(!rtc_uip(T0 * S + 500 * MS));
	ck_assert(!rtc_uip(T0 * S + S - RTC_UIP_NS - 1));
	ck_assert(rtc_uip(T0 * S + S - RTC_UIP_NS));
	ck_assert(rtc_uip(T0 * S + S - 1));
	ck_assert(!rtc_uip((T0 + 1) * S));
}
END_TEST

START_TEST(test_rtc_alarm_decode)
{
	struct rtc_alarm a;

	a = rtc_alarm_decode(0x59, 0x30, 0x23, 0x02);		/* BCD, 24-hour */
	ck_assert_int_eq(a.sec, 59);
	ck_assert_int_eq(a.min, 30);
	ck_assert_int_eq(a.hour, 23);
	a = rtc_alarm_decode(59, 30, 23, 0x06);			/* binary, 24-hour */
	ck_assert_int_eq(a.sec, 59);
	ck_assert_int_eq(a.hour, 23);
	a = rtc_alarm_decode(0xc0, 0xff, 0x92, 0x00);		/* BCD, 12-hour: 12 PM */
	ck_assert_int_eq(a.sec, -1);
	ck_assert_int_eq(a.min, -1);
	ck_assert_int_eq(a.hour, 12);
	a = rtc_alarm_decode(0, 0, 0x12, 0x00);			/* 12 AM is hour 0 */
	ck_assert_int_eq(a.hour, 0);
	a = rtc_alarm_decode(0, 0, 0x81, 0x00);			/* 1 PM */
	ck_assert_int_eq(a.hour, 13);
}
END_TEST

START_TEST(test_rtc_alarm_next)
{
	struct rtc_alarm any = { -1, -1, -1 }, at = { 7, 10, 22 }, sec0 = { 0, -1, -1 };

	ck_assert_int_eq(rtc_alarm_next(&any, T0 + 1, T0 + 1), T0 + 1);
	ck_assert_int_eq(rtc_alarm_next(&at, T0, T0 + 1), -1);		/* 22:10:05..06 */
	ck_assert_int_eq(rtc_alarm_next(&at, T0, T0 + 2), T0 + 2);	/* 22:10:07 */
	ck_assert_int_eq(rtc_alarm_next(&at, T0 + 3, T0 + 10 * 86400), T0 + 2 + 86400);
	ck_assert_int_eq(rtc_alarm_next(&sec0, T0, T0 + 3600), T0 + 55);
}
END_TEST

START_TEST(test_rtc_periodic)
{
	ck_assert_int_eq(rtc_period_ns(0x20), 0);
	ck_assert_int_eq(rtc_period_ns(0x26), 976562);		/* 1024 Hz */
	ck_assert_int_eq(rtc_period_ns(0x2f), 500 * MS);	/* 2 Hz */
	ck_assert_int_eq(rtc_period_ns(0x21), rtc_period_ns(0x28));	/* 256 Hz */
	ck_assert_int_eq(rtc_period_ns(0x23), 122070);		/* 8192 Hz */
}
END_TEST

/* Register C: what happened in (from, to]. */
START_TEST(test_rtc_flags)
{
	struct rtc_alarm any = { -1, -1, -1 }, later = { 30, -1, -1 };

	ck_assert_uint_eq(rtc_flags_between(T0 * S, T0 * S + 100 * MS, &any, 0x20), 0);
	ck_assert_uint_eq(rtc_flags_between(T0 * S + 900 * MS, (T0 + 1) * S, &any, 0x20),
			  RTC_UF | RTC_AF);
	ck_assert_uint_eq(rtc_flags_between(T0 * S + 900 * MS, (T0 + 1) * S, &later, 0x20), RTC_UF);
	/* :30 begins at T0 + 25 s */
	ck_assert_uint_eq(rtc_flags_between(T0 * S, (T0 + 25) * S - 1, &later, 0x20), RTC_UF);
	ck_assert_uint_eq(rtc_flags_between(T0 * S, (T0 + 25) * S, &later, 0x20), RTC_UF | RTC_AF);
	ck_assert_uint_eq(rtc_flags_between((T0 + 25) * S, (T0 + 26) * S, &later, 0x20), RTC_UF);
	ck_assert_uint_eq(rtc_flags_between(T0 * S + 1 * MS, T0 * S + 2 * MS, &any, 0x26), RTC_PF);
	ck_assert_uint_eq(rtc_flags_between(T0 * S + 1 * MS, T0 * S + 1 * MS + 10, &any, 0x26), 0);
	ck_assert_uint_eq(rtc_flags_between(T0 * S, T0 * S, &any, 0x26), 0);
}
END_TEST

Suite *rtc_suite(void)
{
	Suite *s = suite_create("rtc-clock");
	TCase *tc = tcase_create("clock");

	tcase_add_test(tc, test_rtc_uip);
	tcase_add_test(tc, test_rtc_alarm_decode);
	tcase_add_test(tc, test_rtc_alarm_next);
	tcase_add_test(tc, test_rtc_periodic);
	tcase_add_test(tc, test_rtc_flags);
	suite_add_tcase(s, tc);
	return s;
}
