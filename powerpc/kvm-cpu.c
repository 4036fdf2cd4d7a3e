// SPDX-License-Identifier: GPL-2.0
/*
 * ppc64 vCPUs: PAPR mode, the in-kernel XICS presenter, little-endian
 * interrupts (LPCR[ILE]), entry state (vCPU 0 at the kernel's entry with
 * r3 = the device tree; the others in __secondary_hold at 0x60 with r3 =
 * their id, as kexec leaves them), and the exits only ppc64 has.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "ppc.h"

static int ppc_enable_cap(struct vcpu *v, uint32_t cap, uint64_t a0, uint64_t a1)
{
	struct kvm_enable_cap ec;

	memset(&ec, 0, sizeof(ec));
	ec.cap = cap;
	ec.args[0] = a0;
	ec.args[1] = a1;
	return ioctl(v->fd, KVM_ENABLE_CAP, &ec) < 0 ? -errno : 0;
}

static int ppc_set_ile(struct vcpu *v)
{
	uint64_t lpcr = 0;
	struct kvm_one_reg r = { .id = KVM_REG_PPC_LPCR_64, .addr = (uint64_t)(uintptr_t)&lpcr };

	if (ioctl(v->fd, KVM_GET_ONE_REG, &r) < 0)
		return -errno;
	lpcr |= PPC_LPCR_ILE;
	return ioctl(v->fd, KVM_SET_ONE_REG, &r) < 0 ? -errno : 0;
}

int arch_vcpu_init(struct vcpu *v)
{
	struct ppc_vm *p = ppc_vm(v->vm);
	struct kvm_regs r;
	int err;

	err = ppc_enable_cap(v, KVM_CAP_PPC_PAPR, 0, 0);
	if (err) {
		pr_err("vCPU %u: cannot enable PAPR mode: %s", v->id, strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	err = ppc_enable_cap(v, KVM_CAP_IRQ_XICS, (uint64_t)p->xics_fd, v->id);
	if (err) {
		pr_err("vCPU %u: cannot connect to the in-kernel XICS: %s", v->id, strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	err = ppc_set_ile(v);
	if (err) {
		pr_err("vCPU %u: cannot set LPCR[ILE]: %s", v->id, strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	err = ppc_get_regs(v, &r);
	if (!err) {
		r.msr = PPC_MSR_SF | PPC_MSR_ME | PPC_MSR_LE;
		if (v->id == 0) {
			r.pc = p->entry;
			r.gpr[3] = p->fdt_gpa;
			r.gpr[4] = 0;	/* the kernel's physical base */
			r.gpr[5] = 0;	/* no Open Firmware: a flattened tree in r3 */
		} else {
			r.pc = PPC_SECONDARY_ENTRY;
			r.gpr[3] = v->id;
		}
		err = ppc_set_regs(v, &r);
	}
	if (err) {
		pr_err("vCPU %u: cannot set entry registers: %s", v->id, strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	return ras_vcpu_setup(v);
}

enum arch_exit arch_handle_exit(struct vcpu *v)
{
	switch (v->run->exit_reason) {
	case KVM_EXIT_PAPR_HCALL:
		return ppc_hcall_exit(v);
	case KVM_EXIT_NMI:
		return ppc_nmi_exit(v);
	default:
		return ARCH_EXIT_UNHANDLED;
	}
}

size_t arch_vcpu_dump(struct vcpu *v, char *buf, size_t n)
{
	struct kvm_regs r;
	int len;

	if (ppc_get_regs(v, &r))
		return 0;
	len = snprintf(buf, n, "pc 0x%llx msr 0x%llx lr 0x%llx r1 0x%llx",
		       (unsigned long long)r.pc, (unsigned long long)r.msr,
		       (unsigned long long)r.lr, (unsigned long long)r.gpr[1]);
	return len < 0 ? 0 : MIN((size_t)len, n - 1);
}
