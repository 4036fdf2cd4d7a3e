// SPDX-License-Identifier: GPL-2.0
/* powerpc/regs.c for the unit tests: registers in memory (fake-regs.h). */
#include <errno.h>

#include "fake-regs.h"
#include "ppc.h"

struct kvm_regs ppc_fake_regs[PPC_FAKE_VCPUS];

int ppc_get_regs(struct vcpu *v, struct kvm_regs *r)
{
	if (v->id >= PPC_FAKE_VCPUS)
		return -EINVAL;
	*r = ppc_fake_regs[v->id];
	return 0;
}

int ppc_set_regs(struct vcpu *v, const struct kvm_regs *r)
{
	if (v->id >= PPC_FAKE_VCPUS)
		return -EINVAL;
	ppc_fake_regs[v->id] = *r;
	return 0;
}

/* The suites' exits are never hcalls: as the registers are. */
int ppc_regs_now(struct vcpu *v, struct kvm_regs *r)
{
	return ppc_get_regs(v, r);
}

int ppc_regs_set(struct vcpu *v, const struct kvm_regs *r)
{
	return ppc_set_regs(v, r);
}
