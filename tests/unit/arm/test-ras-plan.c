// SPDX-License-Identifier: GPL-2.0
/* arm64 memory-error decisions, every combination that matters. */
#include <check.h>
#include <string.h>

#include "arm-suites.h"
#include "ras-plan.h"

static const struct {
	struct arm_ras_facts f;
	enum arm_ras_how how;
	uint32_t iss;
	const char *why;	/* substring of the reason, or NULL */
} cases[] = {
	/* The defaults: AO -> UEO, AR -> UER. */
	{ { .has_esr = true, .ras_ext = true }, ARM_RAS_SERROR_ESR, 0x811, NULL },
	{ { .consumed = true, .has_esr = true, .ras_ext = true }, ARM_RAS_SERROR_ESR, 0xc11, NULL },
	/* --ras-serror-esr replaces both. */
	{ { .has_esr = true, .ras_ext = true, .esr_set = true, .esr = 0x1811 }, ARM_RAS_SERROR_ESR, 0x1811, NULL },
	{ { .consumed = true, .has_esr = true, .ras_ext = true, .esr_set = true, .esr = 0x1811 }, ARM_RAS_SERROR_ESR, 0x1811, NULL },
	/* sea: consumed errors become aborts, whatever else holds; AO stays an SError. */
	{ { .consumed = true, .sea = true }, ARM_RAS_SEA, 0, NULL },
	{ { .consumed = true, .sea = true, .serror_pending = true }, ARM_RAS_SEA, 0, NULL },
	{ { .sea = true, .has_esr = true, .ras_ext = true }, ARM_RAS_SERROR_ESR, 0x811, NULL },
	/* No RAS extension: cannot, unless forced. */
	{ { .has_esr = true }, ARM_RAS_CANNOT, 0, "no RAS extension" },
	{ { .consumed = true, .has_esr = true }, ARM_RAS_CANNOT, 0, "no RAS extension" },
	{ { .consumed = true, .has_esr = true, .force = true }, ARM_RAS_SERROR_ESR, 0xc11, NULL },
	/* A pending SError: wait. */
	{ { .has_esr = true, .ras_ext = true, .serror_pending = true }, ARM_RAS_WAIT, 0, "still pending" },
	/* No syndrome on this host: consumed -> SError without; not consumed -> cannot. */
	{ { .consumed = true, .ras_ext = true }, ARM_RAS_SERROR, 0, NULL },
	{ { .ras_ext = true }, ARM_RAS_CANNOT, 0, "syndrome" },
	{ { .consumed = true, .sea = true, .ras_ext = true }, ARM_RAS_SEA, 0, NULL },
	/*
	 * An ACPI boot with GHES: consumed -> record + abort, not consumed ->
	 * record for the polled source, whatever the SError facts say; an
	 * unacknowledged record makes the next one wait; no abort, no record.
	 */
	{ { .ghes = true, .consumed = true, .has_ext_dabt = true }, ARM_RAS_GHES_SEA, 0, NULL },
	{ { .ghes = true, .consumed = true, .has_ext_dabt = true, .serror_pending = true }, ARM_RAS_GHES_SEA, 0, NULL },
	{ { .ghes = true }, ARM_RAS_GHES_POLL, 0, NULL },
	{ { .ghes = true, .has_esr = true, .ras_ext = true, .serror_pending = true }, ARM_RAS_GHES_POLL, 0, NULL },
	{ { .ghes = true, .ghes_busy = true }, ARM_RAS_WAIT, 0, "acknowledged" },
	{ { .ghes = true, .ghes_busy = true, .consumed = true, .has_ext_dabt = true }, ARM_RAS_WAIT, 0, "acknowledged" },
	{ { .ghes = true, .consumed = true }, ARM_RAS_CANNOT, 0, "EXT_DABT" },
};

START_TEST(test_ras_plan)
{
	char why[256] = "";
	uint32_t iss = 0xdead;
	enum arm_ras_how how = arm_ras_plan(&cases[_i].f, &iss, why, sizeof(why));

	ck_assert_msg(how == cases[_i].how, "case %d: how %d, want %d (%s)", _i, how, cases[_i].how, why);
	ck_assert_msg(iss == cases[_i].iss, "case %d: iss 0x%x, want 0x%x", _i, iss, cases[_i].iss);
	if (cases[_i].why)
		ck_assert_msg(strstr(why, cases[_i].why), "case %d: '%s' lacks '%s'", _i, why, cases[_i].why);
}
END_TEST

Suite *arm_ras_plan_suite(void)
{
	Suite *s = suite_create("arm-ras-plan");
	TCase *tc = tcase_create("plan");

	tcase_add_loop_test(tc, test_ras_plan, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
