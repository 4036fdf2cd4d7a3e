/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PPC_FWNMI_H
#define LKVM_PPC_FWNMI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errlog.h"
#include "lkvm/ras.h"
#include "ppc.h"

/*
 * Machine checks for the guest, PAPR style (pure code, unit-tested):
 *
 * - The guest registered FWNMI (ibm,nmi-register): lkvm writes its old r3
 *   and the error log at rtas + 0x30, sets SRR0/SRR1 to where it was,
 *   r3 to the log, and enters the handler with MSR = SF|ME (|LE when its
 *   interrupts are little-endian). The vCPU then holds the interlock until
 *   it calls ibm,nmi-interlock: the log is never overwritten while read.
 * - It did not: the architected machine-check interrupt at 0x200 (no log).
 */
struct fwnmi_regs {
	uint64_t pc, msr, srr0, srr1, r3;
};

/* What went wrong, as the log will say. */
struct fwnmi_error {
	bool consumed;		/* a vCPU read the data (synchronous) */
	unsigned int disposition;	/* ERRLOG_DISP_* */
	uint8_t mc_type;	/* ERRLOG_MC_* */
	uint8_t ue_sub;		/* ERRLOG_UE_* for UE */
	bool has_ea, has_la;
	uint64_t ea, la;
};

enum fwnmi_way {
	FWNMI_HANDLER,		/* the guest's registered handler, with the log */
	FWNMI_VECTOR_0x200,	/* the architected machine check */
};

/* Linux maps RAM at this effective address (radix and hash, 64-bit). */
#define PPC_LINEAR_MAP		0xc000000000000000ULL

/*
 * Can the guest on vCPU id take a machine check now? RAS_BUSY while any
 * vCPU holds the interlock or, for an error nothing consumed, while the
 * vCPU runs with MSR[RI] clear (SRR0/SRR1 in use: an interrupt now would
 * lose them). RAS_UNABLE for an unconsumed error without a handler (0x200
 * carries no address: the guest could only take it as fatal).
 */
enum ras_ready fwnmi_ready(const struct ppc_fwnmi *f, unsigned int id, uint64_t msr,
			   bool consumed, char *why, size_t n);

/* The log of a memory error at guest physical gpa (UE load/store, LA and EA given). */
void fwnmi_memory_error(uint64_t gpa, bool consumed, struct fwnmi_error *e);

/* The log of a KVM_EXIT_NMI with run->flags disposition (KVM gives no cause). */
int fwnmi_nmi_error(uint32_t run_flags, struct fwnmi_error *e);

/*
 * Enter the machine check: update r, take the interlock for vCPU id, and
 * with a handler fill log (ERRLOG_SIZE bytes, to be written at
 * rtas_gpa + PPC_RTAS_LOG_OFFSET).
 */
enum fwnmi_way fwnmi_enter(struct ppc_fwnmi *f, unsigned int id, uint64_t rtas_gpa,
			   uint64_t intr_msr, struct fwnmi_regs *r, const struct fwnmi_error *e,
			   uint8_t *log);

#endif
