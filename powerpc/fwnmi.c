// SPDX-License-Identifier: GPL-2.0
/* Machine checks for the guest: FWNMI handler or 0x200 (fwnmi.h). */
#include <stdio.h>
#include <string.h>

#include "fwnmi.h"
#include "lkvm/util.h"

enum ras_ready fwnmi_ready(const struct ppc_fwnmi *f, unsigned int id, uint64_t msr,
			   bool consumed, char *why, size_t n)
{
	if (f->interlock >= 0) {
		snprintf(why, n, "vCPU %d has not released the last error log (ibm,nmi-interlock)",
			 f->interlock);
		return RAS_BUSY;
	}
	if (!consumed && !f->mce_addr) {
		snprintf(why, n, "the guest registered no FWNMI handler (ibm,nmi-register): a machine check at 0x200 carries no address");
		return RAS_UNABLE;
	}
	if (!consumed && !(msr & PPC_MSR_RI)) {
		snprintf(why, n, "vCPU %u runs with MSR[RI] clear (an interrupt now would lose SRR0/SRR1)",
			 id);
		return RAS_BUSY;
	}
	return RAS_READY;
}

void fwnmi_memory_error(uint64_t gpa, bool consumed, struct fwnmi_error *e)
{
	memset(e, 0, sizeof(*e));
	e->consumed = consumed;
	e->disposition = consumed ? ERRLOG_DISP_NOT_RECOVERED : ERRLOG_DISP_FULLY_RECOVERED;
	e->mc_type = ERRLOG_MC_UE;
	e->ue_sub = ERRLOG_UE_LOAD_STORE;
	e->has_la = true;
	e->la = gpa;
	/*
	 * Linux acts on the logical address only when an effective address
	 * is given too (save_mce_event: no address, no memory_failure). The
	 * faulting access's own address is not known here: give the one the
	 * guest kernel's linear map has for the same bytes.
	 */
	e->has_ea = true;
	e->ea = PPC_LINEAR_MAP | gpa;
}

int fwnmi_nmi_error(uint32_t run_flags, struct fwnmi_error *e)
{
	memset(e, 0, sizeof(*e));
	e->mc_type = ERRLOG_MC_UNKNOWN;
	e->consumed = true;	/* taken by the code running on that vCPU */
	switch (run_flags & 3) {	/* KVM_RUN_PPC_NMI_DISP_MASK */
	case 1:		/* KVM_RUN_PPC_NMI_DISP_FULLY_RECOV */
		e->disposition = ERRLOG_DISP_FULLY_RECOVERED;
		return 0;
	case 2:		/* KVM_RUN_PPC_NMI_DISP_LIMITED_RECOV */
		e->disposition = ERRLOG_DISP_LIMITED_RECOVERY;
		return 0;
	case 3:		/* KVM_RUN_PPC_NMI_DISP_NOT_RECOV */
		e->disposition = ERRLOG_DISP_NOT_RECOVERED;
		return 0;
	default:
		return -1;	/* KVM always sets one */
	}
}

enum fwnmi_way fwnmi_enter(struct ppc_fwnmi *f, unsigned int id, uint64_t rtas_gpa,
			   uint64_t intr_msr, struct fwnmi_regs *r, const struct fwnmi_error *e,
			   uint8_t *log)
{
	r->srr0 = r->pc;
	r->srr1 = r->msr;
	r->msr = intr_msr;
	if (!f->mce_addr) {
		r->pc = 0x200;
		return FWNMI_VECTOR_0x200;
	}
	struct errlog_desc d = {
		.saved_r3 = r->r3,
		.severity = e->disposition == ERRLOG_DISP_FULLY_RECOVERED ? ERRLOG_SEV_WARNING :
			    ERRLOG_SEV_ERROR_SYNC,
		.disposition = e->disposition,
		.initiator = ERRLOG_INITIATOR_CPU,
		.type = ERRLOG_TYPE_ECC_UNCORR,
		.error_type = e->mc_type,
		.sub_type = e->ue_sub,
		.has_ea = e->has_ea, .has_la = e->has_la,
		.ea = e->ea, .la = e->la,
	};

	errlog_build(&d, log);
	r->r3 = rtas_gpa + PPC_RTAS_LOG_OFFSET;
	r->pc = f->mce_addr;
	f->interlock = (int)id;
	return FWNMI_HANDLER;
}
