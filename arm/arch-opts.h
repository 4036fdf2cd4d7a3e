/* SPDX-License-Identifier: GPL-2.0 */
/* arm64's own `lkvm run` options: their values (run_opts.arch) and their table. */
#ifndef LKVM_ARM_ARCH_OPTS_H
#define LKVM_ARM_ARCH_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/arch.h"

enum arm_irqchip {
	ARM_IRQCHIP_AUTO,	/* GICv3, else GICv2 */
	ARM_IRQCHIP_GICV2,
	ARM_IRQCHIP_GICV3,
	ARM_IRQCHIP_GICV3_ITS,	/* GICv3 with an ITS: MSIs as LPIs */
};

enum arm_fw_tables {
	ARM_FW_DT,		/* a device tree describes the machine */
	ARM_FW_ACPI,		/* ACPI tables behind a minimal UEFI hand-over (acpi.h) */
};

/* What the user asked for; zero is the default of each (memset by the parser). */
struct arch_opts {
	enum arm_irqchip irqchip;	/* --irqchip (AUTO: the best the host has) */
	bool pmu;			/* --pmu: a PMUv3 for the guest */
	bool serror_esr_set;		/* --ras-serror-esr given */
	uint32_t serror_esr;		/* its ISS */
	bool ras_sea;			/* --ras-arm-notify=sea */
	bool ras_force;			/* --ras-arm-force: SErrors even without the RAS extension */
	enum arm_fw_tables fw_tables;	/* --tables */
	bool disable_sve;		/* --disable-sve: no SVE even when KVM offers it */
	bool disable_ptrauth;		/* --disable-ptrauth: no pointer authentication */
};

/* The table arch_info()->options points to. */
extern const struct arch_option arm_options[];

#endif
