// SPDX-License-Identifier: GPL-2.0
/* arm64's own `lkvm run` options, through the core parser into run_opts.arch. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arm-suites.h"
#include "arm.h"
#include "lkvm/run-opts.h"
#include "suites.h"

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
	ck_assert_int_eq(o.arch.irqchip, ARM_IRQCHIP_GICV2);
	ck_assert_int_eq(parse("--irqchip", "gicv3"), 0);
	ck_assert_int_eq(o.arch.irqchip, ARM_IRQCHIP_GICV3);
	ck_assert_int_eq(parse("--irqchip=gicv3-its", NULL), 0);
	ck_assert_int_eq(o.arch.irqchip, ARM_IRQCHIP_GICV3_ITS);
	ck_assert_int_eq(parse("--irqchip=vgic", NULL), -1);
	ck_assert_str_eq(err, "invalid --irqchip 'vgic': use gicv3, gicv3-its or gicv2");
	ck_assert_int_eq(parse("--pmu", NULL), 0);
	ck_assert(o.arch.pmu);
	ck_assert_int_eq(parse("--pmu=1", NULL), -1);
	ck_assert_str_eq(err, "option '--pmu' takes no value; see 'lkvm run --help'");
	ck_assert_int_eq(parse("--ras-serror-esr=0xc11", NULL), 0);
	ck_assert(o.arch.serror_esr_set);
	ck_assert_uint_eq(o.arch.serror_esr, 0xc11);
	ck_assert_int_eq(parse("--ras-serror-esr=0x2000000", NULL), -1);
	ck_assert_int_eq(parse("--ras-arm-notify=sea", NULL), 0);
	ck_assert(o.arch.ras_sea);
	ck_assert_int_eq(parse("--ras-arm-notify=nmi", NULL), -1);
	ck_assert_int_eq(parse("--ras-arm-force", NULL), 0);
	ck_assert(o.arch.ras_force);
	ck_assert_int_eq(parse("--tables", "acpi"), 0);
	ck_assert_int_eq(o.arch.fw_tables, ARM_FW_ACPI);
	ck_assert_int_eq(parse("--tables=dt", NULL), 0);
	ck_assert_int_eq(o.arch.fw_tables, ARM_FW_DT);
	ck_assert_int_eq(parse("--tables=uefi", NULL), -1);
	ck_assert_str_eq(err, "invalid --tables 'uefi': use dt or acpi");
	/* kvmtool's --firmware stays refused as such (no prefix of an arm64 option). */
	ck_assert_int_eq(parse("--firmware", "fw.bin"), -1);
	ck_assert_ptr_nonnull(strstr(err, "without firmware"));
	ck_assert_int_eq(parse("--dump-dtb=", NULL), -1);
	ck_assert_int_eq(parse("--dump-dtb", "x.dtb"), 0);
	ck_assert_str_eq(o.dump_dtb, "x.dtb");
	ck_assert_int_eq(parse("--disable-sve", NULL), 0);
	ck_assert(o.arch.disable_sve && !o.arch.disable_ptrauth);
	ck_assert_int_eq(parse("--disable-ptrauth", NULL), 0);
	ck_assert(o.arch.disable_ptrauth && !o.arch.disable_sve);
	ck_assert_int_eq(parse("--disable-sve=no", NULL), -1);
	ck_assert_str_eq(err, "option '--disable-sve' takes no value; see 'lkvm run --help'");
	/* Each parse starts from the defaults, the arch's struct too. */
	ck_assert_int_eq(parse("--pmu", NULL), 0);
	ck_assert(!o.arch.disable_sve && !o.arch.disable_ptrauth);
	ck_assert_int_eq(o.arch.irqchip, ARM_IRQCHIP_AUTO);
	ck_assert(!o.arch.ras_force && !o.arch.serror_esr_set && !o.arch.ras_sea);
	ck_assert_int_eq(o.arch.fw_tables, ARM_FW_DT);
	ck_assert_ptr_null(o.dump_dtb);
}
END_TEST

/* `lkvm run --help` has an arm64 section: --dump-dtb and each option's lines. */
START_TEST(test_arm_help)
{
	char *buf = run_help_text();

	ck_assert_ptr_nonnull(strstr(buf, "\narm64:\n      --dump-dtb FILE "));
	ck_assert_ptr_nonnull(strstr(buf, "      --irqchip GIC      gicv3, gicv3-its"));
	ck_assert_ptr_nonnull(strstr(buf, "      --ras-arm-force    SErrors even to a guest CPU"));
	ck_assert_ptr_nonnull(strstr(buf, "      --tables T         how the machine is described"));
	ck_assert_ptr_nonnull(strstr(buf, "      --disable-sve      no SVE for the vCPUs"));
	ck_assert_ptr_nonnull(strstr(buf, "      --disable-ptrauth  no pointer authentication"));
	free(buf);
}
END_TEST

/* KVM_REG_ARM64_SVE_VLS: bit vq - 1 for each length; lkvm debug names the largest. */
START_TEST(test_arm_sve_max_vq)
{
	uint64_t vls[8] = { 0 };

	ck_assert_uint_eq(arm_sve_max_vq(vls), 0);
	vls[0] = 0x1;				/* 128 bits only */
	ck_assert_uint_eq(arm_sve_max_vq(vls), 1);
	vls[0] = 0x800b;			/* 128, 256, 512, 2048 bits */
	ck_assert_uint_eq(arm_sve_max_vq(vls), 16);
	vls[0] = ~0ull;
	vls[7] = 1ull << 63;			/* vq 512: the register's last bit */
	ck_assert_uint_eq(arm_sve_max_vq(vls), 512);
	vls[7] = 0;
	vls[1] = 1;				/* vq 65 */
	ck_assert_uint_eq(arm_sve_max_vq(vls), 65);
}
END_TEST

Suite *arm_opts_suite(void)
{
	Suite *s = suite_create("arm-opts");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, test_arm_opts);
	tcase_add_test(tc, test_arm_help);
	tcase_add_test(tc, test_arm_sve_max_vq);
	suite_add_tcase(s, tc);
	return s;
}
