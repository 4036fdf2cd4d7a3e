// SPDX-License-Identifier: GPL-2.0
/* SError syndromes: lkvm's defaults and the --ras-serror-esr checks. */
#include <check.h>
#include <string.h>

#include "arm-suites.h"
#include "serror.h"

static char why[200];

START_TEST(test_serror_defaults)
{
	ck_assert_uint_eq(serror_iss_default(false), 0x811);	/* UEO */
	ck_assert_uint_eq(serror_iss_default(true), 0xc11);	/* UER */
	ck_assert_int_eq(serror_iss_check(0x811, why, sizeof(why)), 0);
	ck_assert_int_eq(serror_iss_check(0xc11, why, sizeof(why)), 0);
	ck_assert_str_eq(serror_iss_severity(0x811), "UEO (restartable)");
	ck_assert_str_eq(serror_iss_severity(0xc11), "UER (recoverable)");
	ck_assert_str_eq(serror_iss_severity(0x1000000), "implementation defined");
	ck_assert_str_eq(serror_iss_severity(0), "uncategorized");
}
END_TEST

/* Every AET with DFSC 0x11: UC UEU UEO UER CE valid, 4 5 7 reserved. */
START_TEST(test_serror_aet)
{
	static const int ok[8] = { 1, 1, 1, 1, 0, 0, 1, 0 };

	for (uint32_t aet = 0; aet < 8; aet++) {
		uint32_t iss = (aet << 10) | 0x11;

		ck_assert_int_eq(serror_iss_check(iss, why, sizeof(why)) == 0, ok[aet]);
		ck_assert_int_eq(serror_iss_check(iss | (1u << 9) | (1u << 13), why, sizeof(why)) == 0,
				 ok[aet]);
	}
}
END_TEST

START_TEST(test_serror_res0_and_range)
{
	/* Each RES0 bit alone, IDS clear: refused; with IDS set: the implementation's. */
	for (int b = 0; b < 32; b++) {
		uint32_t iss = 0x811 | (1u << b);
		bool res0 = (b >= 14 && b <= 23) || (b >= 6 && b <= 8);

		if (b > 24) {
			ck_assert_int_eq(serror_iss_check(iss, why, sizeof(why)), -1);
			ck_assert_ptr_nonnull(strstr(why, "above 24"));
		} else if (res0) {
			ck_assert_int_eq(serror_iss_check(iss, why, sizeof(why)), -1);
			ck_assert_ptr_nonnull(strstr(why, "RES0"));
			ck_assert_int_eq(serror_iss_check(iss | (1u << 24), why, sizeof(why)), 0);
		}
	}
	ck_assert_int_eq(serror_iss_check(0x1ffffff, why, sizeof(why)), 0);	/* IDS: anything */
}
END_TEST

START_TEST(test_serror_dfsc)
{
	ck_assert_int_eq(serror_iss_check(0, why, sizeof(why)), 0);	/* uncategorized */
	ck_assert_int_eq(serror_iss_check(0x200, why, sizeof(why)), 0);	/* EA with it */
	ck_assert_int_eq(serror_iss_check(0x10, why, sizeof(why)), -1);	/* a sync abort's DFSC */
	ck_assert_ptr_nonnull(strstr(why, "DFSC 0x10"));
	ck_assert_int_eq(serror_iss_check(0x800, why, sizeof(why)), -1);	/* AET without 0x11 */
	ck_assert_ptr_nonnull(strstr(why, "DFSC 0x11"));
	ck_assert_int_eq(serror_iss_check(0x2000, why, sizeof(why)), -1);	/* IESB without 0x11 */
}
END_TEST

START_TEST(test_serror_parse)
{
	char err[256];
	uint32_t iss = 0;

	ck_assert_int_eq(serror_iss_parse("0xc11", &iss, err, sizeof(err)), 0);
	ck_assert_uint_eq(iss, 0xc11);
	ck_assert_int_eq(serror_iss_parse("2065", &iss, err, sizeof(err)), 0);	/* 0x811 */
	ck_assert_uint_eq(iss, 0x811);
	ck_assert_int_eq(serror_iss_parse("", &iss, err, sizeof(err)), -1);
	ck_assert_int_eq(serror_iss_parse("0x", &iss, err, sizeof(err)), -1);
	ck_assert_int_eq(serror_iss_parse("-1", &iss, err, sizeof(err)), -1);
	ck_assert_int_eq(serror_iss_parse("0x811zz", &iss, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "--ras-serror-esr '0x811zz'"));
	ck_assert_int_eq(serror_iss_parse("0x100000811", &iss, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "above 24"));
	ck_assert_int_eq(serror_iss_parse("0x2000811", &iss, err, sizeof(err)), -1);
	ck_assert_int_eq(serror_iss_parse("0x4811", &iss, err, sizeof(err)), -1);	/* bit 14 */
	ck_assert_ptr_nonnull(strstr(err, "RES0"));
	ck_assert_uint_eq(iss, 0x811);	/* untouched by the failures */
}
END_TEST

Suite *arm_serror_suite(void)
{
	Suite *s = suite_create("arm-serror");
	TCase *tc = tcase_create("iss");

	tcase_add_test(tc, test_serror_defaults);
	tcase_add_test(tc, test_serror_aet);
	tcase_add_test(tc, test_serror_res0_and_range);
	tcase_add_test(tc, test_serror_dfsc);
	tcase_add_test(tc, test_serror_parse);
	suite_add_tcase(s, tc);
	return s;
}
