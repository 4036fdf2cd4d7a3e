// SPDX-License-Identifier: GPL-2.0
/* arm64's own `lkvm run` options, through the core parser. */
#include <check.h>
#include <string.h>

#include "arm-suites.h"
#include "arm.h"
#include "lkvm/run-opts.h"

static struct run_opts o;
static char err[256];

static int parse(const char *a1, const char *a2)
{
	char run[] = "run";
	char *argv[] = { run, (char *)a1, (char *)a2, NULL };

	return run_opts_parse(&o, a2 ? 3 : 2, argv, err, sizeof(err));
}

START_TEST(test_arm_opts)
{
	ck_assert_int_eq(parse("--irqchip=gicv2", NULL), 0);
	ck_assert_int_eq(o.irqchip, ARM_IRQCHIP_GICV2);
	ck_assert_int_eq(parse("--irqchip", "gicv3"), 0);
	ck_assert_int_eq(o.irqchip, ARM_IRQCHIP_GICV3);
	ck_assert_int_eq(parse("--irqchip=gicv3-its", NULL), -1);
	ck_assert_ptr_nonnull(strstr(err, "ITS"));
	ck_assert_int_eq(parse("--irqchip=vgic", NULL), -1);
	ck_assert_int_eq(parse("--pmu", NULL), 0);
	ck_assert(o.pmu);
	ck_assert_int_eq(parse("--ras-serror-esr=0xc11", NULL), 0);
	ck_assert(o.serror_esr_set);
	ck_assert_uint_eq(o.serror_esr, 0xc11);
	ck_assert_int_eq(parse("--ras-serror-esr=0x2000000", NULL), -1);
	ck_assert_int_eq(parse("--ras-arm-notify=sea", NULL), 0);
	ck_assert(o.ras_sea);
	ck_assert_int_eq(parse("--ras-arm-notify=nmi", NULL), -1);
	ck_assert_int_eq(parse("--ras-arm-force", NULL), 0);
	ck_assert(o.ras_force);
	ck_assert_int_eq(parse("--dump-dtb=", NULL), -1);
	ck_assert_int_eq(parse("--dump-dtb", "x.dtb"), 0);
	ck_assert_str_eq(o.dump_dtb, "x.dtb");
}
END_TEST

Suite *arm_opts_suite(void)
{
	Suite *s = suite_create("arm-opts");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, test_arm_opts);
	suite_add_tcase(s, tc);
	return s;
}
