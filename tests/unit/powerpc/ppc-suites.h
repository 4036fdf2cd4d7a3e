/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_PPC_SUITES_H
#define LKVM_TESTS_UNIT_PPC_SUITES_H

#include <check.h>

Suite *ppc_errlog_suite(void);
Suite *ppc_fwnmi_suite(void);
Suite *ppc_rtas_suite(void);
Suite *ppc_devtree_suite(void);
Suite *ppc_hcall_suite(void);
Suite *ppc_nmi_suite(void);

#endif
