/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_X86_MCE_H
#define LKVM_X86_MCE_H

#include <stdbool.h>
#include <stdint.h>

/* Machine-check register values for a memory error: pure, unit-tested. */
#define MCI_STATUS_VAL		(1ULL << 63)
#define MCI_STATUS_OVER		(1ULL << 62)
#define MCI_STATUS_UC		(1ULL << 61)
#define MCI_STATUS_EN		(1ULL << 60)
#define MCI_STATUS_MISCV	(1ULL << 59)
#define MCI_STATUS_ADDRV	(1ULL << 58)
#define MCI_STATUS_PCC		(1ULL << 57)
#define MCI_STATUS_S		(1ULL << 56)
#define MCI_STATUS_AR		(1ULL << 55)
#define MCI_STATUS_DEFERRED	(1ULL << 44)
#define MCI_STATUS_POISON	(1ULL << 43)
#define MCG_STATUS_RIPV		(1ULL << 0)
#define MCG_STATUS_EIPV		(1ULL << 1)
#define MCG_STATUS_MCIP		(1ULL << 2)
#define MCG_CTL_P		(1ULL << 8)
#define MCG_SER_P		(1ULL << 24)
#define MCG_LMCE_P		(1ULL << 27)

#define MSR_MCG_STATUS		0x17a
#define MSR_MCG_CTL		0x17b
#define MSR_MC0_CTL		0x400

#define MCE_BANK_DEFAULT	9	/* the bank QEMU uses; needs 10 banks */
#define MCE_MCACOD_DATA_LOAD	0x134	/* Intel: memory read error (SRAR) */
#define MCE_MCACOD_SCRUB	0x0c0	/* Intel: memory scrubbing error (SRAO) */

struct mce_values {
	uint64_t status, addr, misc, mcg_status;
};

/*
 * Encode a memory error at guest physical address gpa for an Intel- or
 * AMD-style guest: action required (the vCPU consumed it) or optional.
 * MCi_MISC says "physical address, least significant valid bit 12".
 */
void mce_encode(bool amd, bool action_required, uint64_t gpa, struct mce_values *out);
/* MCG_CAP lkvm asks for: up to 10 banks, plus what the host offers of
 * MCG_CTL_P and MCG_SER_P. */
uint64_t mce_cap(unsigned int host_banks, uint64_t host_supported);
/*
 * Bank for an error: action required in bank 9 (or the last bank), action
 * optional in the bank below it, so an AO that the guest logged but kept
 * (AMD deferred) does not make the later AR on the same page an overflow.
 */
unsigned int mce_bank(uint64_t mcg_cap, bool action_required);

/*
 * Who gets what for one memory error. The vCPU with the error (target)
 * gets mce_encode()'s values in mce_bank()'s bank. On an Intel-vendor guest
 * with several vCPUs every other vCPU gets the broadcast companion, as real
 * Intel machines signal every CPU and Linux's Intel handler waits for all
 * of them in its rendezvous (QEMU: MCE_INJECT_BROADCAST): bank 1, MCi_STATUS
 * VAL|UC, MCG_STATUS MCIP|RIPV, no address. AMD machines do not broadcast.
 * Fills out[0..nr_vcpus) with out[0] the target; returns how many.
 */
#define MCE_BROADCAST_BANK	1
struct mce_delivery {
	unsigned int vcpu, bank;
	struct mce_values v;
};
unsigned int mce_plan(bool amd, bool action_required, uint64_t gpa, uint64_t mcg_cap,
		      unsigned int nr_vcpus, unsigned int target, struct mce_delivery *out);

#endif
