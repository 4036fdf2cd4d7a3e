// SPDX-License-Identifier: GPL-2.0
/* The arm64 suites, added to the core runner. */
#include "arm-suites.h"
#include "suites.h"

void arch_add_suites(SRunner *sr)
{
	srunner_add_suite(sr, arm_image_suite());
	srunner_add_suite(sr, arm_serror_suite());
	srunner_add_suite(sr, arm_devtree_suite());
	srunner_add_suite(sr, arm_opts_suite());
	srunner_add_suite(sr, arm_ras_plan_suite());
	srunner_add_suite(sr, arm_acpi_suite());
	srunner_add_suite(sr, arm_efi_suite());
}
