/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_RAS_PLAN_H
#define LKVM_ARM_RAS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What arm64 does with one memory error, decided from facts the module
 * reads from KVM (pure, unit-tested for every combination; arm/ras.c does
 * the ioctls).
 */
struct arm_ras_facts {
	bool consumed;		/* a vCPU's guest code consumed the data (AR) */
	bool sea;		/* --ras-arm-notify=sea */
	bool has_esr;		/* KVM_CAP_ARM_INJECT_SERROR_ESR */
	bool ras_ext;		/* the guest CPU has the RAS extension (ID_AA64PFR0_EL1.RAS) */
	bool force;		/* --ras-arm-force */
	bool serror_pending;	/* an SError the guest has not taken yet */
	bool esr_set;		/* --ras-serror-esr given */
	uint32_t esr;		/* its ISS */
	bool ghes;		/* an ACPI boot: GHES sources, and the error names a guest page */
	bool ghes_busy;		/* the source's last record is not acknowledged yet */
	bool has_ext_dabt;	/* KVM_CAP_ARM_INJECT_EXT_DABT */
};

enum arm_ras_how {
	ARM_RAS_SEA,		/* synchronous external data abort (ext_dabt_pending) */
	ARM_RAS_SERROR_ESR,	/* SError with the syndrome in iss */
	ARM_RAS_SERROR,		/* SError without a syndrome (host cannot set one) */
	ARM_RAS_GHES_SEA,	/* CPER record in the SEA source's block, then the abort */
	ARM_RAS_GHES_POLL,	/* CPER record in the polled source's block */
	ARM_RAS_WAIT,		/* busy: hold it and try again */
	ARM_RAS_CANNOT,		/* the guest cannot take it: why says so */
};

enum arm_ras_how arm_ras_plan(const struct arm_ras_facts *f, uint32_t *iss, char *why, size_t n);

#endif
