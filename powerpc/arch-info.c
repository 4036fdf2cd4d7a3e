// SPDX-License-Identifier: GPL-2.0
/* What the help texts say about the ppc64 machine, and its own options. */
#include <stdio.h>
#include <string.h>

#include "lkvm/arch.h"
#include "lkvm/run-opts.h"

static const struct arch_info ppc_info = {
	.name = "ppc64",
	.kernels = "little-endian ppc64 Linux ELF vmlinux (pseries, radix MMU)",
	.initrd = "initrd (Linux)",
	.console = "PAPR vty (hvc0: H_PUT_TERM_CHAR/H_GET_TERM_CHAR)",
	.guest_exit = NULL,	/* RTAS power-off is status 0 */
	.crash = "the guest panicked: RTAS ibm,os-term",
};

const struct arch_info *arch_info(void)
{
	return &ppc_info;
}

const char *arch_run_usage(void)
{
	return
"\n"
"ppc64:\n"
"      --dump-dtb FILE    also write the generated device tree to FILE\n";
}

int arch_run_opt(struct run_opts *o, enum arch_run_opt opt, const char *arg, char *err,
		 size_t errlen)
{
	switch (opt) {
	case ARCH_OPT_DUMP_DTB:
		if (!*arg) {
			snprintf(err, errlen, "invalid --dump-dtb '': give a file name");
			return -1;
		}
		o->dump_dtb = arg;
		return 0;
	case ARCH_OPT_IRQCHIP:
		snprintf(err, errlen, "--irqchip: the ppc64 machine has only KVM's in-kernel XICS");
		return -1;
	case ARCH_OPT_PMU:
		snprintf(err, errlen, "--pmu: not on ppc64 (an arm64 option)");
		return -1;
	case ARCH_OPT_SERROR_ESR:
	case ARCH_OPT_RAS_NOTIFY:
	case ARCH_OPT_RAS_FORCE:
		snprintf(err, errlen, "this option is arm64's: ppc64 reports memory errors as FWNMI machine checks");
		return -1;
	}
	snprintf(err, errlen, "unknown ppc64 option");
	return -1;
}
