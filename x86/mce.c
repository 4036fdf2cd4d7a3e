// SPDX-License-Identifier: GPL-2.0
/* x86 machine-check values for guest memory errors (see mce.h). */
#include "mce.h"

#define MCI_MISC_PHYS_LSB12	((2ULL << 6) | 12)

void mce_encode(bool amd, bool ar, uint64_t gpa, struct mce_values *out)
{
	uint64_t st = MCI_STATUS_VAL | MCI_STATUS_EN | MCI_STATUS_MISCV | MCI_STATUS_ADDRV;

	if (amd) {
		/* Uncorrected with poison (AR) or a deferred error (AO). */
		st |= MCI_STATUS_POISON | (ar ? MCI_STATUS_UC : MCI_STATUS_DEFERRED);
	} else {
		/* Software-recoverable: S set, PCC clear; SRAR adds AR. */
		st |= MCI_STATUS_UC | MCI_STATUS_S;
		st |= ar ? MCI_STATUS_AR | MCE_MCACOD_DATA_LOAD : MCE_MCACOD_SCRUB;
	}
	out->status = st;
	out->addr = gpa & ~0xfffULL;
	out->misc = MCI_MISC_PHYS_LSB12;
	/* AR: the interrupted instruction caused it (EIPV); both may restart (RIPV). */
	out->mcg_status = MCG_STATUS_MCIP | MCG_STATUS_RIPV | (ar ? MCG_STATUS_EIPV : 0);
}

uint64_t mce_cap(unsigned int host_banks, uint64_t host_supported)
{
	unsigned int banks = host_banks > 10 ? 10 : host_banks;

	return banks | (host_supported & (MCG_CTL_P | MCG_SER_P));
}

unsigned int mce_bank(uint64_t mcg_cap, bool action_required)
{
	unsigned int banks = (unsigned int)(mcg_cap & 0xff);
	unsigned int ar = banks > MCE_BANK_DEFAULT ? MCE_BANK_DEFAULT : (banks ? banks - 1 : 0);

	return (action_required || ar == 0) ? ar : ar - 1;
}

unsigned int mce_plan(bool amd, bool ar, uint64_t gpa, uint64_t mcg_cap, unsigned int nr_vcpus,
		      unsigned int target, struct mce_delivery *out)
{
	unsigned int n = 1;

	out[0].vcpu = target;
	out[0].bank = mce_bank(mcg_cap, ar);
	mce_encode(amd, ar, gpa, &out[0].v);
	if (amd)
		return n;
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		if (i == target)
			continue;
		out[n].vcpu = i;
		out[n].bank = MCE_BROADCAST_BANK;
		out[n].v = (struct mce_values){
			.status = MCI_STATUS_VAL | MCI_STATUS_UC,
			.mcg_status = MCG_STATUS_MCIP | MCG_STATUS_RIPV,
		};
		n++;
	}
	return n;
}
