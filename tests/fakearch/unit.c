// SPDX-License-Identifier: GPL-2.0
/* The sketch port's unit suite: its option through the core parser. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/run-opts.h"
#include "suites.h"

static struct run_opts o;
static char err[256];

static int parse(const char *a1)
{
	char run[] = "run", arg[64];
	char *argv[] = { run, arg, NULL };

	snprintf(arg, sizeof(arg), "%s", a1);
	return run_opts_parse(&o, 2, argv, err, sizeof(err));
}

START_TEST(test_fake_option)
{
	char *help = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(parse("--fake-widgets=3"), 0);
	ck_assert_uint_eq(o.arch.widgets, 3);
	ck_assert_int_eq(parse("--fake-widgets=9"), -1);
	ck_assert_str_eq(err, "invalid --fake-widgets '9': give 0 to 8");
	ck_assert_int_eq(parse("--irqchip=gicv3"), -1);
	ck_assert_str_eq(err, "--irqchip is an arm64 option; lkvm for fake has no such setting (see 'lkvm run --help')");
	f = open_memstream(&help, &len);
	ck_assert_ptr_nonnull(f);
	run_opts_usage(f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(help, "\nfake:\n      --dump-dtb FILE "));
	ck_assert_ptr_nonnull(strstr(help, "--fake-widgets N"));
	free(help);
}
END_TEST

static Suite *fake_suite(void)
{
	Suite *s = suite_create("fake-arch");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, test_fake_option);
	suite_add_tcase(s, tc);
	return s;
}

void arch_add_suites(SRunner *sr)
{
	srunner_add_suite(sr, fake_suite());
}
