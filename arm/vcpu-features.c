// SPDX-License-Identifier: GPL-2.0
/*
 * The optional arm64 vCPU features lkvm turns on when KVM offers them, as
 * kvmtool does: SVE (KVM_ARM_VCPU_SVE, then KVM_ARM_VCPU_FINALIZE at KVM's
 * default, i.e. largest, vector length) and pointer authentication (both
 * the address and the generic keys, or neither: KVM refuses one alone).
 * A guest that is not given them sees ID registers without them, so its
 * FP/SIMD and PAC code paths differ from those on the same host under
 * kvmtool or QEMU.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm.h"
#include "lkvm/util.h"

static bool kvm_has(struct vm *vm, long cap)
{
	return ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, cap) > 0;
}

void arm_vcpu_features_add(struct vm *vm, struct kvm_vcpu_init *init)
{
	struct arm_vm *a = arm_vm(vm);
	const struct arch_opts *o = &vm->opts->arch;

	/* The same answer for every vCPU: decided once, with vCPU 0. */
	if (!a->features_known) {
		a->sve = !o->disable_sve && kvm_has(vm, KVM_CAP_ARM_SVE);
		a->ptrauth = !o->disable_ptrauth && kvm_has(vm, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
			     kvm_has(vm, KVM_CAP_ARM_PTRAUTH_GENERIC);
		a->features_known = true;
	}
	if (a->sve)
		init->features[0] |= 1u << KVM_ARM_VCPU_SVE;
	if (a->ptrauth)
		init->features[0] |= 1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
				     1u << KVM_ARM_VCPU_PTRAUTH_GENERIC;
}

int arm_vcpu_features_finalize(struct vcpu *v)
{
	int feature = KVM_ARM_VCPU_SVE;

	if (!arm_vm(v->vm)->sve)
		return 0;
	/* Until finalized KVM_RUN fails (EPERM); KVM's default set of lengths stays. */
	if (ioctl(v->fd, KVM_ARM_VCPU_FINALIZE, &feature) < 0) {
		pr_err("vCPU %u: cannot finalize SVE: %s; try --disable-sve", v->id,
		       strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

void arm_vcpu_features_show(struct vcpu *v, struct strbuf *o)
{
	struct arm_vm *a = arm_vm(v->vm);
	uint64_t vls[8] = { 0 };
	struct kvm_one_reg r = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (uintptr_t)vls };
	unsigned int vq;

	if (!a->sve) {
		strbuf_printf(o, "  sve: off%s", v->vm->opts->arch.disable_sve ?
			      " (--disable-sve)" : " (KVM offers none)");
	} else if (ioctl(v->fd, KVM_GET_ONE_REG, &r) < 0) {
		strbuf_printf(o, "  sve: on, vector lengths unavailable: %s", strerror(errno));
	} else {
		vq = arm_sve_max_vq(vls);
		strbuf_printf(o, "  sve: on, vector length %u bytes (%u bits)", vq * 16, vq * 128);
	}
	strbuf_printf(o, "; ptrauth: %s\n", a->ptrauth ? "on (address + generic)" :
		      v->vm->opts->arch.disable_ptrauth ? "off (--disable-ptrauth)" :
		      "off (KVM offers none)");
}
