/* SPDX-License-Identifier: GPL-2.0 */
/* The x86 GHES source of AMD guests: its poll register and the choice of path for an error. */
#ifndef LKVM_X86_GHES_H
#define LKVM_X86_GHES_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct x86_vm;

/*
 * A guest polls the source every GHES_POLL_MS; one that read its error
 * status address register (MMIO, acpi.h) within X86_GHES_FRESH_MS is
 * taken to be polling it.
 */
#define X86_GHES_FRESH_MS	1000u

/* Claim the error status address register (X86_GHES_STATUS_REG) on the VM's MMIO bus. */
int x86_ghes_init(struct vm *vm);
/* Did the guest read that register within X86_GHES_FRESH_MS of now_ns (mono_ns())? */
bool x86_ghes_polled(const struct x86_vm *x, uint64_t now_ns);

/*
 * How a memory error reaches an x86 guest (docs/ras.md, section 3):
 * - an error a vCPU consumed, any Intel guest, an error with no guest
 *   address, a VM without the GHES source (--ras-amd-ao=deferred, or not
 *   AMD), or an AMD guest that does not poll it: a machine check
 *   (mce_plan(); on AMD the error nothing consumed is a deferred error);
 * - otherwise (AMD, nothing consumed it, the guest polls the source): a
 *   CPER record in the source's block, once the guest has acknowledged
 *   the last one (GHESv2 read ack; until then: wait).
 */
enum x86_ras_how {
	X86_RAS_MCE,
	X86_RAS_GHES,
	X86_RAS_GHES_WAIT,
};

struct x86_ras_facts {
	bool amd;		/* the guest's CPU vendor */
	bool consumed;		/* a vCPU consumed the data (action required) */
	bool has_gpa;		/* the error names a guest page */
	bool ghes;		/* the VM has the GHES source (HEST written) */
	bool polled;		/* x86_ghes_polled() */
	bool busy;		/* the source's last record not acknowledged */
};

enum x86_ras_how x86_ras_plan(const struct x86_ras_facts *f);

#endif
