// SPDX-License-Identifier: GPL-2.0
/* The ppc64 suites, added to the core runner. */
#include "ppc-suites.h"
#include "suites.h"

void arch_add_suites(SRunner *sr)
{
	srunner_add_suite(sr, ppc_errlog_suite());
	srunner_add_suite(sr, ppc_fwnmi_suite());
	srunner_add_suite(sr, ppc_rtas_suite());
	srunner_add_suite(sr, ppc_devtree_suite());
	srunner_add_suite(sr, ppc_hcall_suite());
	srunner_add_suite(sr, ppc_nmi_suite());
}
