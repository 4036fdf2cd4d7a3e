// SPDX-License-Identifier: GPL-2.0
/*
 * x86 memory-error policy: machine checks through KVM_X86_SET_MCE.
 *
 * Set-up: every vCPU gets MCG_CAP (up to 10 banks, MCG_CTL_P and MCG_SER_P
 * when the host offers them) before it first runs. Delivery: action-required
 * errors go to the vCPU that consumed the data; action-optional errors, and
 * errors lkvm's own guarded accesses hit in guest RAM (no guest code consumed
 * those), go to vCPU 0 only, as action-optional. That is how AMD machines report them (no broadcast) and what
 * an AMD guest expects; Intel machines broadcast, which lkvm does not do yet
 * (see docs/ras.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lkvm/arch.h"
#include "lkvm/ras.h"
#include "lkvm/util.h"
#include "mce.h"
#include "x86.h"

static int x86_ras_vcpu_init(struct vcpu *v)
{
	struct x86_vm *x = x86_vm(v->vm);
	uint64_t sup = 0, cap;
	int banks;

	banks = ioctl(v->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MCE);
	if (banks <= 0) {
		x->mce_error = -EOPNOTSUPP;
		return 0;	/* runs without; inject then reports why it cannot */
	}
	if (ioctl(v->vm->kvm_fd, KVM_X86_GET_MCE_CAP_SUPPORTED, &sup) < 0)
		sup = 0;
	cap = mce_cap((unsigned int)banks, sup);
	if (ioctl(v->fd, KVM_X86_SETUP_MCE, &cap) < 0) {
		x->mce_error = -errno;
		pr_err("vCPU %u: KVM_X86_SETUP_MCE failed: %s; memory errors cannot be injected",
		       v->id, strerror(errno));
		return 0;
	}
	x->mcg_cap = cap;
	x->mce_banks = (unsigned int)(cap & 0xff);
	if (v->id == 0)
		pr_debug("machine checks: MCG_CAP 0x%llx (%u banks%s%s), %s encoding",
			 (unsigned long long)cap, x->mce_banks,
			 cap & MCG_SER_P ? ", SER_P" : "", cap & MCG_CTL_P ? ", CTL_P" : "",
			 x->amd ? "AMD" : "Intel");
	return 0;
}

static int x86_read_msrs(struct vcpu *v, const uint32_t *idx, uint64_t *val, unsigned int n)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[4];
	} m;
	unsigned int i;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = n;
	for (i = 0; i < n; i++)
		m.e[i].index = idx[i];
	if (ioctl(v->fd, KVM_GET_MSRS, &m) != (int)n)
		return -1;
	for (i = 0; i < n; i++)
		val[i] = m.e[i].data;
	return 0;
}

/*
 * KVM would drop an uncorrected error the guest disabled, and turn one it
 * cannot take (CR4.MCE clear, MCIP set) into a triple fault: check first.
 */
static enum ras_ready x86_ras_can_take(struct vcpu *v, const struct ras_error *e, char *why,
				       size_t n)
{
	struct x86_vm *x = x86_vm(v->vm);
	unsigned int bank = mce_bank(x->mcg_cap, ras_error_consumed(e));
	uint32_t idx[3] = { MSR_MCG_STATUS, MSR_MC0_CTL + 4 * bank, MSR_MCG_CTL };
	uint64_t val[3];
	struct kvm_sregs s;

	if (x->mce_error) {
		snprintf(why, n, "machine checks are not available on this host (%s)",
			 strerror(-x->mce_error));
		return RAS_UNABLE;
	}
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(why, n, "cannot read vCPU %u state: %s", v->id, strerror(errno));
		return RAS_UNABLE;
	}
	if (!(s.cr4 & (1u << 6))) {
		snprintf(why, n, "guest on vCPU %u has not enabled machine checks (CR4.MCE clear): KVM would reset it",
			 v->id);
		return RAS_UNABLE;
	}
	if (x86_read_msrs(v, idx, val, (x->mcg_cap & MCG_CTL_P) ? 3 : 2)) {
		snprintf(why, n, "cannot read vCPU %u machine-check registers", v->id);
		return RAS_UNABLE;
	}
	if (val[0] & MCG_STATUS_MCIP) {
		/* A second #MC now would shut it down; in a moment it can take it. */
		snprintf(why, n, "guest on vCPU %u is still handling a machine check (MCG_STATUS.MCIP set)",
			 v->id);
		return RAS_BUSY;
	}
	if (val[1] != ~0ULL) {
		snprintf(why, n, "guest disabled machine-check bank %u (MC%u_CTL 0x%llx): KVM would drop the error",
			 bank, bank, (unsigned long long)val[1]);
		return RAS_UNABLE;
	}
	if ((x->mcg_cap & MCG_CTL_P) && val[2] != ~0ULL) {
		snprintf(why, n, "guest disabled machine checks (MCG_CTL 0x%llx): KVM would drop the error",
			 (unsigned long long)val[2]);
		return RAS_UNABLE;
	}
	return RAS_READY;
}

static int x86_ras_inject(struct vcpu *v, const struct ras_error *e, char *what, size_t n)
{
	struct x86_vm *x = x86_vm(v->vm);
	struct kvm_x86_mce m;
	struct mce_values mv;

	/* Only a vCPU that consumed the data gets SRAR; the rest is SRAO. */
	mce_encode(x->amd, ras_error_consumed(e), e->gpa, &mv);
	memset(&m, 0, sizeof(m));
	m.status = mv.status;
	m.addr = mv.addr;
	m.misc = mv.misc;
	m.mcg_status = mv.mcg_status;
	m.bank = (uint8_t)mce_bank(x->mcg_cap, ras_error_consumed(e));
	if (ioctl(v->fd, KVM_X86_SET_MCE, &m) < 0)
		return -errno;
	snprintf(what, n, "%s machine check to vCPU %u, bank %u, MCi_STATUS 0x%llx, MCi_ADDR 0x%llx, MCG_STATUS 0x%llx",
		 x->amd ? "AMD" : "Intel", v->id, m.bank, (unsigned long long)m.status,
		 (unsigned long long)m.addr, (unsigned long long)m.mcg_status);
	return 0;
}

static int x86_ras_ao_target(struct vm *vm)
{
	(void)vm;
	return 0;
}

static const struct ras_ops x86_ras_ops = {
	.name = "x86-mce",
	.vcpu_init = x86_ras_vcpu_init,
	.ao_target = x86_ras_ao_target,
	.guest_can_take = x86_ras_can_take,
	.inject = x86_ras_inject,
};

const struct ras_ops *arch_ras_ops(void)
{
	return &x86_ras_ops;
}
