// SPDX-License-Identifier: GPL-2.0
/* What the help texts say about the ppc64 machine (arch.h: arch_info). */
#include "lkvm/arch.h"

static const struct arch_info ppc_info = {
	.name = "ppc64",
	.kernels = "little-endian ppc64 Linux ELF vmlinux (pseries, radix MMU)",
	.initrd = "initrd (Linux)",
	.console = "PAPR vty (hvc0: H_PUT_TERM_CHAR/H_GET_TERM_CHAR)",
	.guest_exit = NULL,	/* RTAS power-off is status 0 */
	.crash = "the guest panicked: RTAS ibm,os-term",
	.device_tree = true,
};

const struct arch_info *arch_info(void)
{
	return &ppc_info;
}
