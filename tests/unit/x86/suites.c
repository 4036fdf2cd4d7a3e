// SPDX-License-Identifier: GPL-2.0
/* The x86 suites, added to the core runner. */
#include "x86-suites.h"

void arch_add_suites(SRunner *sr)
{
	srunner_add_suite(sr, bzimage_suite());
	srunner_add_suite(sr, multiboot_suite());
	srunner_add_suite(sr, mce_suite());
	srunner_add_suite(sr, pvh_suite());
	srunner_add_suite(sr, cmdline_suite());
	srunner_add_suite(sr, acpi_suite());
	srunner_add_suite(sr, pt_walk_suite());
	srunner_add_suite(sr, x86_opts_suite());
	srunner_add_suite(sr, x86_ghes_suite());
	srunner_add_suite(sr, rtc_suite());
	srunner_add_suite(sr, kernel_unpack_suite());
}
