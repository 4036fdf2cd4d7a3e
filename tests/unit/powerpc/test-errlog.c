// SPDX-License-Identifier: GPL-2.0
/*
 * The RTAS error log, byte for byte. The expected bytes are written out
 * from the PAPR layout (Linux asm/rtas.h, platforms/pseries/ras.c), field
 * by field, not computed by the code under test.
 */
#include <check.h>
#include <string.h>

#include "errlog.h"
#include "ppc-suites.h"

/* An error a vCPU consumed: UE load/store at guest physical 0x12340000. */
static const uint8_t want_ar[ERRLOG_SIZE] = {
	/* +0 saved r3 */
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	/* +8 rtas_error_log: version 6; severity ERROR_SYNC (3<<5) | disposition
	 * NOT_RECOVERED (2<<3) | extended (0x04); initiator CPU (1<<4); type
	 * ECC_UNCORR (0x09); extended length 56 */
	0x06, 0x74, 0x10, 0x09, 0x00, 0x00, 0x00, 0x38,
	/* +16 v6 header: valid|new|big-endian, 0, PowerPC|platform event, 0,
	 * 8 reserved, company "IBM\0" */
	0x86, 0x00, 0x8e, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x49, 0x42, 0x4d, 0x00,
	/* +32 MC section: "MC", length 40, version 1, subtype 0, creator 0 */
	0x4d, 0x43, 0x00, 0x28, 0x01, 0x00, 0x00, 0x00,
	/* fru_id, proc_id */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* error type UE (0); sub-type EA|LA provided (0x40|0x20) | load/store (3); 6 reserved */
	0x00, 0x63, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* effective address (the linear map's) */
	0xc0, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00,
	/* logical address */
	0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00,
};

START_TEST(test_errlog_ar)
{
	struct errlog_desc d = {
		.saved_r3 = 0x1122334455667788ULL,
		.severity = ERRLOG_SEV_ERROR_SYNC,
		.disposition = ERRLOG_DISP_NOT_RECOVERED,
		.initiator = ERRLOG_INITIATOR_CPU,
		.type = ERRLOG_TYPE_ECC_UNCORR,
		.error_type = ERRLOG_MC_UE,
		.sub_type = ERRLOG_UE_LOAD_STORE,
		.has_ea = true, .ea = 0xc000000012340000ULL,
		.has_la = true, .la = 0x12340000ULL,
	};
	uint8_t buf[ERRLOG_SIZE + 8];

	memset(buf, 0xee, sizeof(buf));
	errlog_build(&d, buf);
	for (int i = 0; i < ERRLOG_SIZE; i++)
		ck_assert_msg(buf[i] == want_ar[i], "byte %d: 0x%02x, want 0x%02x", i, buf[i],
			      want_ar[i]);
	/* Nothing past the 72 bytes. */
	for (size_t i = ERRLOG_SIZE; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0xee);
}
END_TEST

START_TEST(test_errlog_summary_words)
{
	/* The same fields as QEMU's u32 summary constants. */
	struct errlog_desc d = {
		.severity = ERRLOG_SEV_WARNING,
		.disposition = ERRLOG_DISP_FULLY_RECOVERED,
		.initiator = ERRLOG_INITIATOR_CPU,
		.type = ERRLOG_TYPE_ECC_UNCORR,
		.error_type = ERRLOG_MC_UE,
		.sub_type = ERRLOG_UE_LOAD_STORE,
	};
	uint8_t b[ERRLOG_SIZE];
	uint32_t w;

	errlog_build(&d, b);
	w = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
	/* VERSION_6 | SEVERITY_WARNING (0x00400000) | EXTENDED | INITIATOR_CPU | ECC_UNCORR */
	ck_assert_uint_eq(w, 0x06000000U | 0x00400000U | 0x00040000U | 0x1000U | 0x09U);
	/* Without addresses: no flags, zero addresses. */
	ck_assert_uint_eq(b[49], 0x03);
	for (int i = 56; i < 72; i++)
		ck_assert_uint_eq(b[i], 0);

	d.disposition = ERRLOG_DISP_NOT_RECOVERED;
	d.severity = ERRLOG_SEV_ERROR_SYNC;
	errlog_build(&d, b);
	w = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
	ck_assert_uint_eq(w, 0x06000000U | 0x00600000U | 0x00100000U | 0x00040000U | 0x1000U | 0x09U);
}
END_TEST

START_TEST(test_errlog_non_ue_ea_flag)
{
	struct errlog_desc d = {
		.error_type = ERRLOG_MC_SLB, .sub_type = 1, .has_ea = true, .ea = 0x1000,
		.has_la = true, .la = 0x2000,	/* SLB errors have no logical-address flag */
	};
	uint8_t b[ERRLOG_SIZE];

	errlog_build(&d, b);
	ck_assert_uint_eq(b[48], ERRLOG_MC_SLB);
	ck_assert_uint_eq(b[49], 0x81);
}
END_TEST

Suite *ppc_errlog_suite(void)
{
	Suite *s = suite_create("ppc-errlog");
	TCase *tc = tcase_create("errlog");

	tcase_add_test(tc, test_errlog_ar);
	tcase_add_test(tc, test_errlog_summary_words);
	tcase_add_test(tc, test_errlog_non_ue_ea_flag);
	suite_add_tcase(s, tc);
	return s;
}
