// SPDX-License-Identifier: GPL-2.0
/* What the help texts say about the arm64 machine, and its own options. */
#include <stdio.h>
#include <string.h>

#include "arm.h"
#include "lkvm/arch.h"
#include "lkvm/run-opts.h"
#include "serror.h"

static const struct arch_info arm_info = {
	.name = "arm64",
	.kernels = "arm64 Linux Image (uncompressed), or a raw binary (kvm-unit-tests .flat)",
	.initrd = "initrd (Linux), environment (kvm-unit-tests)",
	.console = "16550 UART at MMIO 0x1000000, SPI 0",
	.guest_exit = NULL,	/* no exit-code device: PSCI SYSTEM_OFF is status 0 */
	.crash = "PSCI crash event, or an MMIO access KVM cannot emulate",
};

const struct arch_info *arch_info(void)
{
	return &arm_info;
}

const char *arch_run_usage(void)
{
	return
"\n"
"arm64:\n"
"      --irqchip GIC      gicv3 or gicv2 (default: gicv3 when the host has it,\n"
"                         else gicv2); gicv3-its is refused (no ITS)\n"
"      --pmu              give the guest a PMUv3 (PPI 23)\n"
"      --dump-dtb FILE    also write the generated device tree to FILE\n"
"      --ras-serror-esr ISS  the syndrome of every SError lkvm injects (ISS\n"
"                         bits [24:0]); default: AET UEO (0x811) for errors\n"
"                         not yet consumed, AET UER (0xc11) for consumed ones\n"
"      --ras-arm-notify M serror (default): every error is an SError;\n"
"                         sea: an error a vCPU consumed is a synchronous\n"
"                         external abort (Linux kills only the process)\n"
"      --ras-arm-force    SErrors even to a guest CPU without the RAS\n"
"                         extension (it cannot tell them apart: fatal)\n";
}

int arch_run_opt(struct run_opts *o, enum arch_run_opt opt, const char *arg, char *err,
		 size_t errlen)
{
	switch (opt) {
	case ARCH_OPT_IRQCHIP:
		if (!strcmp(arg, "gicv3")) {
			o->irqchip = ARM_IRQCHIP_GICV3;
		} else if (!strcmp(arg, "gicv2")) {
			o->irqchip = ARM_IRQCHIP_GICV2;
		} else if (!strcmp(arg, "gicv3-its")) {
			snprintf(err, errlen, "--irqchip gicv3-its: lkvm has no ITS (no MSIs); use gicv3");
			return -1;
		} else {
			snprintf(err, errlen, "invalid --irqchip '%s': use gicv3 or gicv2", arg);
			return -1;
		}
		return 0;
	case ARCH_OPT_PMU:
		o->pmu = true;
		return 0;
	case ARCH_OPT_DUMP_DTB:
		if (!*arg) {
			snprintf(err, errlen, "invalid --dump-dtb '': give a file name");
			return -1;
		}
		o->dump_dtb = arg;
		return 0;
	case ARCH_OPT_SERROR_ESR:
		if (serror_iss_parse(arg, &o->serror_esr, err, errlen))
			return -1;
		o->serror_esr_set = true;
		return 0;
	case ARCH_OPT_RAS_NOTIFY:
		if (!strcmp(arg, "sea")) {
			o->ras_sea = true;
		} else if (!strcmp(arg, "serror")) {
			o->ras_sea = false;
		} else {
			snprintf(err, errlen, "invalid --ras-arm-notify '%s': use serror or sea", arg);
			return -1;
		}
		return 0;
	case ARCH_OPT_RAS_FORCE:
		o->ras_force = true;
		return 0;
	}
	snprintf(err, errlen, "unknown arm64 option");
	return -1;
}
