/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_X86_SUITES_H
#define LKVM_TESTS_UNIT_X86_SUITES_H

#include "../suites.h"

/* x86 suites: one per file in tests/unit/x86/. */
Suite *bzimage_suite(void);
Suite *multiboot_suite(void);
Suite *mce_suite(void);
Suite *pvh_suite(void);
Suite *cmdline_suite(void);
Suite *acpi_suite(void);
Suite *pt_walk_suite(void);
Suite *x86_opts_suite(void);
Suite *x86_ghes_suite(void);
Suite *rtc_suite(void);
Suite *kernel_unpack_suite(void);

#endif
