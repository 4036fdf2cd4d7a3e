// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPUs: KVM_ARM_VCPU_INIT with PSCI 0.2 (secondaries start powered
 * off until the guest's PSCI CPU_ON) and SVE/ptrauth when KVM offers them,
 * vCPU 0's entry registers, and the exits only arm64 has (PSCI system events).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm.h"
#include "lkvm/arch.h"
#include "lkvm/util.h"

#define ARM_CORE_REG(name) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(name))
/* EL1h, D, A, I, F masked: how arm64 Linux wants to be entered. */
#define ARM_PSTATE_ENTRY	0x3c5ULL
#define ARM_PMU_INTID		ARM_PPI_INTID(ARM_PMU_PPI)

static int arm_set_reg(struct vcpu *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(v->fd, KVM_SET_ONE_REG, &r) < 0 ? -errno : 0;
}

static int arm_get_reg(struct vcpu *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(v->fd, KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

static int arm_vcpu_features(struct vcpu *v)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(v->vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0) {
		pr_err("KVM_ARM_PREFERRED_TARGET failed: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (v->id)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (v->vm->opts->arch.pmu) {
		if (ioctl(v->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3) <= 0) {
			pr_err("--pmu: this host's KVM has no PMUv3 for guests; run without --pmu");
			return LKVM_EXIT_USAGE;
		}
		init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
	}
	arm_vcpu_features_add(v->vm, &init);
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0) {
		pr_err("vCPU %u: KVM_ARM_VCPU_INIT failed: %s", v->id, strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	return arm_vcpu_features_finalize(v);
}

static int arm_vcpu_entry(struct vcpu *v)
{
	struct arm_vm *a = arm_vm(v->vm);
	int err;

	err = arm_set_reg(v, ARM_CORE_REG(regs.pstate), ARM_PSTATE_ENTRY);
	if (!err)
		err = arm_set_reg(v, ARM_CORE_REG(regs.regs[0]), a->fdt_gpa);
	for (int i = 1; !err && i < 4; i++)
		err = arm_set_reg(v, ARM_CORE_REG(regs.regs[i]), 0);
	if (!err)
		err = arm_set_reg(v, ARM_CORE_REG(regs.pc), a->entry);
	if (err) {
		pr_err("vCPU 0: cannot set entry registers: %s", strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

/* After the last vCPU's KVM_ARM_VCPU_INIT: the vGIC, then each PMU (needs it). */
int arm_vcpus_finish(struct vm *vm)
{
	int ret = gic_finish(vm);

	for (unsigned int i = 0; !ret && vm->opts->arch.pmu && i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int irq = ARM_PMU_INTID;
		struct kvm_device_attr at = {
			.group = KVM_ARM_VCPU_PMU_V3_CTRL, .attr = KVM_ARM_VCPU_PMU_V3_IRQ,
			.addr = (uint64_t)(uintptr_t)&irq,
		};

		if (ioctl(v->fd, KVM_SET_DEVICE_ATTR, &at) < 0) {
			pr_err("vCPU %u: cannot set the PMU interrupt: %s", i, strerror(errno));
			return LKVM_EXIT_ERROR;
		}
		at.attr = KVM_ARM_VCPU_PMU_V3_INIT;
		at.addr = 0;
		if (ioctl(v->fd, KVM_SET_DEVICE_ATTR, &at) < 0) {
			pr_err("vCPU %u: cannot initialise the PMU: %s", i, strerror(errno));
			return LKVM_EXIT_ERROR;
		}
	}
	return ret;
}

int arch_vcpu_init(struct vcpu *v)
{
	int ret = arm_vcpu_features(v);

	if (!ret && v->id == 0)
		ret = arm_vcpu_entry(v);
	if (!ret)
		ret = ras_vcpu_setup(v);
	if (!ret && v->id == v->vm->nr_vcpus - 1)
		ret = arm_vcpus_finish(v->vm);
	return ret;
}

static enum arch_exit arm_system_event(struct vcpu *v)
{
	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_stop(v->vm, LKVM_EXIT_OK, lkvm_debug ? "guest powered off (PSCI SYSTEM_OFF)" : NULL);
		return ARCH_EXIT_STOP;
	case KVM_SYSTEM_EVENT_RESET:
		vm_request_stop(v->vm, LKVM_RESET, NULL);
		return ARCH_EXIT_STOP;
	case KVM_SYSTEM_EVENT_CRASH:
		vm_request_stop(v->vm, LKVM_EXIT_GUEST_CRASH, "vCPU %u: the guest reported a crash (PSCI)",
				v->id);
		return ARCH_EXIT_STOP;
	default:
		vm_request_stop(v->vm, LKVM_EXIT_ERROR, "vCPU %u: unknown system event %u", v->id,
				v->run->system_event.type);
		return ARCH_EXIT_STOP;
	}
}

enum arch_exit arch_handle_exit(struct vcpu *v)
{
	char regs[160];

	switch (v->run->exit_reason) {
	case KVM_EXIT_SYSTEM_EVENT:
		return arm_system_event(v);
	case KVM_EXIT_ARM_NISV:
		/* An MMIO access KVM cannot decode (no syndrome): nothing to emulate. */
		if (!arch_vcpu_dump(v, regs, sizeof(regs)))
			snprintf(regs, sizeof(regs), "registers unavailable");
		vm_request_stop(v->vm, LKVM_EXIT_GUEST_CRASH,
				"vCPU %u: guest accessed device memory at 0x%llx with an instruction KVM cannot emulate, at %s",
				v->id, (unsigned long long)v->run->arm_nisv.fault_ipa, regs);
		return ARCH_EXIT_STOP;
	default:
		return ARCH_EXIT_UNHANDLED;
	}
}

size_t arch_vcpu_dump(struct vcpu *v, char *buf, size_t n)
{
	uint64_t pc, sp, pstate, lr;
	int len;

	if (arm_get_reg(v, ARM_CORE_REG(regs.pc), &pc) ||
	    arm_get_reg(v, ARM_CORE_REG(sp_el1), &sp) ||
	    arm_get_reg(v, ARM_CORE_REG(regs.pstate), &pstate) ||
	    arm_get_reg(v, ARM_CORE_REG(regs.regs[30]), &lr))
		return 0;
	len = snprintf(buf, n, "pc 0x%llx lr 0x%llx sp_el1 0x%llx pstate 0x%llx",
		       (unsigned long long)pc, (unsigned long long)lr, (unsigned long long)sp,
		       (unsigned long long)pstate);
	return len < 0 ? 0 : MIN((size_t)len, n - 1);
}
