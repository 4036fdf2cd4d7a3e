/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_ARM_SUITES_H
#define LKVM_TESTS_UNIT_ARM_SUITES_H

#include <check.h>

Suite *arm_image_suite(void);
Suite *arm_serror_suite(void);
Suite *arm_devtree_suite(void);
Suite *arm_opts_suite(void);
Suite *arm_ras_plan_suite(void);
Suite *arm_acpi_suite(void);
Suite *arm_efi_suite(void);

#endif
