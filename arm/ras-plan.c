// SPDX-License-Identifier: GPL-2.0
/* arm64: which exception, with which syndrome, or why not (see arm/ras.c). */
#include <stdio.h>

#include "ras-plan.h"
#include "serror.h"

enum arm_ras_how arm_ras_plan(const struct arm_ras_facts *f, uint32_t *iss, char *why, size_t n)
{
	*iss = 0;
	if (f->ghes) {
		/* The guest learns the address: no SError, no page swap. */
		if (f->consumed && !f->has_ext_dabt) {
			snprintf(why, n, "this host's KVM cannot inject external aborts (no KVM_CAP_ARM_INJECT_EXT_DABT): the GHES record of a consumed error would never be read");
			return ARM_RAS_CANNOT;
		}
		if (f->ghes_busy) {
			snprintf(why, n, "the guest has not acknowledged the last GHES record of that source");
			return ARM_RAS_WAIT;
		}
		return f->consumed ? ARM_RAS_GHES_SEA : ARM_RAS_GHES_POLL;
	}
	if (f->sea && f->consumed)
		return ARM_RAS_SEA;	/* KVM takes it at the faulting access */
	if (!f->has_esr && !f->consumed) {
		snprintf(why, n, "this host cannot give an SError a syndrome, and one without would make the guest stop for an error nothing consumed");
		return ARM_RAS_CANNOT;
	}
	if (!f->ras_ext && !f->force) {
		snprintf(why, n, "the guest CPU has no RAS extension (ID_AA64PFR0_EL1.RAS 0): it would take any SError as fatal (--ras-arm-force sends it anyway)");
		return ARM_RAS_CANNOT;
	}
	if (f->serror_pending) {
		/* One pending SError at a time: a second would replace its syndrome. */
		snprintf(why, n, "an SError is still pending (the guest has not taken it)");
		return ARM_RAS_WAIT;
	}
	if (!f->has_esr)
		return ARM_RAS_SERROR;
	*iss = f->esr_set ? f->esr : serror_iss_default(f->consumed);
	return ARM_RAS_SERROR_ESR;
}
