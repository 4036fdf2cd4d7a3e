// SPDX-License-Identifier: GPL-2.0
/* Default Linux command line: pci=off first, unless the user set pci=. */
#include <check.h>
#include <stdlib.h>

#include "boot.h"
#include "x86-suites.h"

static void expect(const char *user, const char *want)
{
	char *got = x86_linux_params(user);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_linux_params)
{
	expect(NULL, "pci=off");
	expect("", "pci=off");
	expect("console=ttyS0 quiet", "pci=off console=ttyS0 quiet");
	expect("pci=nommconf console=ttyS0", "pci=nommconf console=ttyS0");
	expect("console=ttyS0 pci=conf1", "console=ttyS0 pci=conf1");
	expect("nopci=1", "pci=off nopci=1");
}
END_TEST

Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("linux");

	tcase_add_test(tc, test_linux_params);
	suite_add_tcase(s, tc);
	return s;
}
