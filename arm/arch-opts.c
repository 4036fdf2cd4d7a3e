// SPDX-License-Identifier: GPL-2.0
/* arm64's own `lkvm run` options: names, help lines, parsers (arch.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "arch-opts.h"
#include "lkvm/arch.h"
#include "serror.h"

static int arm_opt_irqchip(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	if (!strcmp(arg, "gicv3")) {
		a->irqchip = ARM_IRQCHIP_GICV3;
	} else if (!strcmp(arg, "gicv2")) {
		a->irqchip = ARM_IRQCHIP_GICV2;
	} else if (!strcmp(arg, "gicv3-its")) {
		a->irqchip = ARM_IRQCHIP_GICV3_ITS;
	} else {
		snprintf(err, errlen, "invalid --irqchip '%s': use gicv3, gicv3-its or gicv2", arg);
		return -1;
	}
	return 0;
}

static int arm_opt_pmu(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	a->pmu = true;
	return 0;
}

static int arm_opt_serror_esr(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	if (serror_iss_parse(arg, &a->serror_esr, err, errlen))
		return -1;
	a->serror_esr_set = true;
	return 0;
}

static int arm_opt_ras_notify(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	if (!strcmp(arg, "sea")) {
		a->ras_sea = true;
	} else if (!strcmp(arg, "serror")) {
		a->ras_sea = false;
	} else {
		snprintf(err, errlen, "invalid --ras-arm-notify '%s': use serror or sea", arg);
		return -1;
	}
	return 0;
}

static int arm_opt_ras_force(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	a->ras_force = true;
	return 0;
}

static int arm_opt_fw_tables(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	if (!strcmp(arg, "acpi")) {
		a->fw_tables = ARM_FW_ACPI;
	} else if (!strcmp(arg, "dt")) {
		a->fw_tables = ARM_FW_DT;
	} else {
		snprintf(err, errlen, "invalid --tables '%s': use dt or acpi", arg);
		return -1;
	}
	return 0;
}

static int arm_opt_disable_sve(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	a->disable_sve = true;
	return 0;
}

static int arm_opt_disable_ptrauth(struct arch_opts *a, const char *arg, char *err,
				   size_t errlen)
{
	a->disable_ptrauth = true;
	return 0;
}

const struct arch_option arm_options[] = {
	{ "irqchip", required_argument,
"      --irqchip GIC      gicv3, gicv3-its (GICv3 with an ITS: MSIs) or gicv2\n"
"                         (default: gicv3 when the host has it, else gicv2)\n",
	  arm_opt_irqchip },
	{ "pmu", no_argument,
"      --pmu              give the guest a PMUv3 (PPI 23)\n",
	  arm_opt_pmu },
	{ "ras-serror-esr", required_argument,
"      --ras-serror-esr ISS  the syndrome of every SError lkvm injects (ISS\n"
"                         bits [24:0]); default: AET UEO (0x811) for errors\n"
"                         not yet consumed, AET UER (0xc11) for consumed ones\n",
	  arm_opt_serror_esr },
	{ "ras-arm-notify", required_argument,
"      --ras-arm-notify M serror (default): every error is an SError;\n"
"                         sea: an error a vCPU consumed is a synchronous\n"
"                         external abort (Linux kills only the process)\n",
	  arm_opt_ras_notify },
	{ "ras-arm-force", no_argument,
"      --ras-arm-force    SErrors even to a guest CPU without the RAS\n"
"                         extension (it cannot tell them apart: fatal)\n",
	  arm_opt_ras_force },
	{ "tables", required_argument,
"      --tables T         how the machine is described to the guest: dt\n"
"                         (default), a device tree; acpi: ACPI tables (with\n"
"                         GHES error sources that give the guest the address\n"
"                         of a bad page) behind a minimal UEFI hand-over;\n"
"                         Linux Image kernels only\n",
	  arm_opt_fw_tables },
	{ "disable-sve", no_argument,
"      --disable-sve      no SVE for the vCPUs (default: SVE at KVM's\n"
"                         largest vector length when KVM offers it)\n",
	  arm_opt_disable_sve },
	{ "disable-ptrauth", no_argument,
"      --disable-ptrauth  no pointer authentication for the vCPUs (default:\n"
"                         address and generic keys when KVM offers both)\n",
	  arm_opt_disable_ptrauth },
	{ NULL, 0, NULL, NULL }
};
