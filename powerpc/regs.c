// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's registers, for every ppc64 file that reads or writes them (the
 * vCPU set-up in kvm-cpu.c, machine-check delivery in ras.c): here, below
 * both, so neither calls the other for them. The unit tests link their
 * own version (tests/unit/powerpc/fake-regs.c).
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "ppc.h"

int ppc_get_regs(struct vcpu *v, struct kvm_regs *r)
{
	return ioctl(v->fd, KVM_GET_REGS, r) < 0 ? -errno : 0;
}

int ppc_set_regs(struct vcpu *v, const struct kvm_regs *r)
{
	return ioctl(v->fd, KVM_SET_REGS, r) < 0 ? -errno : 0;
}

int ppc_regs_now(struct vcpu *v, struct kvm_regs *r)
{
	int err = ppc_get_regs(v, r);

	if (!err && v->run->exit_reason == KVM_EXIT_PAPR_HCALL) {
		r->gpr[3] = v->run->papr_hcall.ret;
		for (int i = 0; i < 9; i++)
			r->gpr[4 + i] = v->run->papr_hcall.args[i];
	}
	return err;
}

int ppc_regs_set(struct vcpu *v, const struct kvm_regs *r)
{
	if (v->run->exit_reason == KVM_EXIT_PAPR_HCALL) {
		v->run->papr_hcall.ret = r->gpr[3];
		for (int i = 0; i < 9; i++)
			v->run->papr_hcall.args[i] = r->gpr[4 + i];
	}
	return ppc_set_regs(v, r);
}
