// SPDX-License-Identifier: GPL-2.0
/* What the help texts say about the x86 machine (arch.h: arch_info). */
#include <stdio.h>

#include "lkvm/arch.h"

static const struct arch_info x86_info = {
	.name = "x86",
	.kernels = "Linux bzImage, ELF vmlinux with a PVH note, or multiboot (v1) ELF",
	.initrd = "initrd (Linux), first module (multiboot)",
	.console = "16550 UART at port 0x3f8, IRQ 4",
	.guest_exit = "port 0xf4",
	.crash = "triple fault",
};

const struct arch_info *arch_info(void)
{
	return &x86_info;
}

static const char *const x86_opt_names[] = {
	[ARCH_OPT_IRQCHIP] = "--irqchip",
	[ARCH_OPT_PMU] = "--pmu",
	[ARCH_OPT_DUMP_DTB] = "--dump-dtb",
	[ARCH_OPT_SERROR_ESR] = "--ras-serror-esr",
	[ARCH_OPT_RAS_NOTIFY] = "--ras-arm-notify",
	[ARCH_OPT_RAS_FORCE] = "--ras-arm-force",
};

/* Every option of this hook is an arm64 one: x86 refuses them, by name. */
int arch_run_opt(struct run_opts *o, enum arch_run_opt opt, const char *arg, char *err,
		 size_t errlen)
{
	(void)o;
	(void)arg;
	snprintf(err, errlen, "%s is an arm64 option; lkvm for x86 has no such setting (see 'lkvm run --help')",
		 (unsigned int)opt < sizeof(x86_opt_names) / sizeof(x86_opt_names[0]) ?
		 x86_opt_names[opt] : "this option");
	return -1;
}

const char *arch_run_usage(void)
{
	return "";
}
