// SPDX-License-Identifier: GPL-2.0
/* x86's own `lkvm run` options (--testdev, --ras-amd-ao); another machine's are refused by name. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/arch.h"
#include "lkvm/run-opts.h"
#include "x86-suites.h"

static const struct {
	const char *args[2];
	const char *want;	/* the whole line */
} refused[] = {
	{ { "--irqchip=gicv3" }, "--irqchip is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')" },
	{ { "--irqchip", "gicv2" }, "--irqchip is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')" },
	{ { "--pmu" }, "--pmu is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')" },
	{ { "--pmu=1" }, "--pmu is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')" },
	{ { "--ras-serror-esr", "0x811" }, "--ras-serror-esr is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')" },
	{ { "--ras-arm-notify=sea" }, "--ras-arm-notify is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')" },
	{ { "--ras-arm-force" }, "--ras-arm-force is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')" },
	{ { "--disable-sve" }, "--disable-sve is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')" },
	{ { "--dump-dtb", "x.dtb" }, "--dump-dtb: lkvm for x86 boots its guests without a device tree (see 'lkvm run --help')" },
};

START_TEST(test_x86_refuses_other_arch)
{
	char run[] = "run", a1[32], a2[32];
	char *argv[] = { run, a1, a2, NULL };
	struct run_opts o;
	char err[256];

	snprintf(a1, sizeof(a1), "%s", refused[_i].args[0]);
	snprintf(a2, sizeof(a2), "%s", refused[_i].args[1] ? refused[_i].args[1] : "");
	ck_assert_int_eq(run_opts_parse(&o, refused[_i].args[1] ? 3 : 2, argv, err, sizeof(err)), -1);
	ck_assert_str_eq(err, refused[_i].want);
}
END_TEST

START_TEST(test_x86_help)
{
	char *buf = run_help_text();

	ck_assert_ptr_nonnull(arch_info()->options);
	ck_assert(!arch_info()->device_tree);
	ck_assert_ptr_null(strstr(buf, "--dump-dtb"));
	ck_assert_ptr_nonnull(strstr(buf, "\nx86:\n      --testdev          QEMU's pc-testdev"));
	ck_assert_ptr_nonnull(strstr(buf, "\n      --ras-amd-ao M "));
	free(buf);
}
END_TEST

/* --ras-amd-ao: ghes (the default) or deferred; anything else one line, status 2's parse error. */
START_TEST(test_x86_ras_amd_ao)
{
	char run[] = "run", k[] = "-k", kern[] = "bzImage", a1[48];
	char *argv[] = { run, k, kern, a1, NULL };
	struct run_opts o;
	char err[256];

	ck_assert_int_eq(run_opts_parse(&o, 3, argv, err, sizeof(err)), 0);
	ck_assert(!o.arch.ras_amd_deferred);
	snprintf(a1, sizeof(a1), "--ras-amd-ao=deferred");
	ck_assert_int_eq(run_opts_parse(&o, 4, argv, err, sizeof(err)), 0);
	ck_assert(o.arch.ras_amd_deferred);
	snprintf(a1, sizeof(a1), "--ras-amd-ao=ghes");
	ck_assert_int_eq(run_opts_parse(&o, 4, argv, err, sizeof(err)), 0);
	ck_assert(!o.arch.ras_amd_deferred);
	snprintf(a1, sizeof(a1), "--ras-amd-ao=mce");
	ck_assert_int_eq(run_opts_parse(&o, 4, argv, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid --ras-amd-ao 'mce': use ghes or deferred");
}
END_TEST

/* --testdev: off unless asked (kvm-unit-tests' results must not depend on it). */
START_TEST(test_x86_testdev_opt)
{
	char run[] = "run", a1[] = "--testdev", a2[] = "--testdev=1";
	char *argv[] = { run, a1, NULL };
	struct run_opts o;
	char err[256];

	ck_assert_int_eq(run_opts_parse(&o, 1, argv, err, sizeof(err)), 0);
	ck_assert(!o.arch.testdev);
	ck_assert_int_eq(run_opts_parse(&o, 2, argv, err, sizeof(err)), 0);
	ck_assert(o.arch.testdev);
	argv[1] = a2;
	ck_assert_int_eq(run_opts_parse(&o, 2, argv, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "option '--testdev' takes no value; see 'lkvm run --help'");
}
END_TEST

Suite *x86_opts_suite(void)
{
	Suite *s = suite_create("x86-opts");
	TCase *tc = tcase_create("options");

	tcase_add_loop_test(tc, test_x86_refuses_other_arch, 0,
			    (int)(sizeof(refused) / sizeof(refused[0])));
	tcase_add_test(tc, test_x86_help);
	tcase_add_test(tc, test_x86_ras_amd_ao);
	tcase_add_test(tc, test_x86_testdev_opt);
	suite_add_tcase(s, tc);
	return s;
}
