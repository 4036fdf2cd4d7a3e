/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_SUITES_H
#define LKVM_TESTS_UNIT_SUITES_H

#include <check.h>

/* One suite per file in tests/unit/, all run by main.c. */
Suite *mem_suite(void);
Suite *run_opts_suite(void);
Suite *bzimage_suite(void);
Suite *multiboot_suite(void);
Suite *mce_suite(void);
Suite *ras_policy_suite(void);
Suite *ras_event_suite(void);
Suite *io_bus_suite(void);
Suite *pvh_suite(void);
Suite *cmdline_suite(void);
Suite *file_suite(void);

#endif
