// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel vGIC: GICv3 (distributor + one redistributor per vCPU) or
 * GICv2 (distributor + CPU interface), created before the vCPUs, finished
 * (line count, KVM_DEV_ARM_VGIC_CTRL_INIT) after every vCPU is initialised;
 * with --irqchip gicv3-its a GICv3 ITS beside it, which KVM emulates whole
 * (its registers, command queue, translation tables in guest RAM, LPIs).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arm.h"
#include "lkvm/util.h"

const char *gic_name(enum arm_irqchip g)
{
	return g == ARM_IRQCHIP_GICV2 ? "GICv2" : "GICv3";
}

static int gic_set_attr(int fd, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)val,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

static int gic_try(struct vm *vm, enum arm_irqchip g)
{
	struct arm_vm *a = arm_vm(vm);
	struct kvm_create_device cd = {
		.type = g == ARM_IRQCHIP_GICV3 ? KVM_DEV_TYPE_ARM_VGIC_V3 : KVM_DEV_TYPE_ARM_VGIC_V2,
	};
	uint64_t dist = ARM_GIC_DIST_BASE, other;
	int err;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0)
		return -errno;
	a->gic_fd = (int)cd.fd;
	if (g == ARM_IRQCHIP_GICV3) {
		a->redist_base = ARM_GIC_DIST_BASE - vm->nr_vcpus * ARM_GIC_REDIST_SIZE;
		other = a->redist_base;
		err = gic_set_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
				   &dist);
		if (!err)
			err = gic_set_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
					   KVM_VGIC_V3_ADDR_TYPE_REDIST, &other);
	} else {
		other = ARM_GIC_CPUI_BASE;
		err = gic_set_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST,
				   &dist);
		if (!err)
			err = gic_set_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
					   KVM_VGIC_V2_ADDR_TYPE_CPU, &other);
	}
	if (err) {
		close(a->gic_fd);
		a->gic_fd = -1;
		return err;
	}
	a->gic = g;
	return 0;
}

/* The ITS frames just below the redistributors; the GICD_TYPER then says LPIs. */
static int gic_its_create(struct vm *vm)
{
	struct arm_vm *a = arm_vm(vm);
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	uint64_t base = a->redist_base - ARM_GIC_ITS_SIZE;
	int err;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0) {
		err = errno;
		pr_err("cannot create a GICv3 ITS for the guest: %s; use --irqchip gicv3",
		       err == ENODEV ? "this host's KVM has none" : strerror(err));
		return LKVM_EXIT_ERROR;
	}
	a->its_fd = (int)cd.fd;
	err = gic_set_attr(a->its_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &base);
	if (!err)
		err = gic_set_attr(a->its_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT,
				   NULL);
	if (err) {
		pr_err("cannot set up the GICv3 ITS at 0x%llx: %s", (unsigned long long)base,
		       strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	a->its_base = base;
	return 0;
}

int gic_create(struct vm *vm, enum arm_irqchip want)
{
	int err;

	if (want == ARM_IRQCHIP_GICV3_ITS) {
		err = gic_try(vm, ARM_IRQCHIP_GICV3);
		if (err) {
			pr_err("cannot create a GICv3 for the guest (the ITS needs one): %s",
			       strerror(-err));
			return LKVM_EXIT_ERROR;
		}
		return gic_its_create(vm);
	}

	if (want == ARM_IRQCHIP_GICV2 && vm->nr_vcpus > 8) {
		pr_err("--irqchip gicv2 takes at most 8 vCPUs; use gicv3 or fewer --cpus");
		return LKVM_EXIT_USAGE;
	}
	if (want != ARM_IRQCHIP_GICV2) {
		err = gic_try(vm, ARM_IRQCHIP_GICV3);
		if (!err || want == ARM_IRQCHIP_GICV3) {
			if (err)
				pr_err("cannot create a GICv3 for the guest: %s; try --irqchip gicv2",
				       strerror(-err));
			return err ? LKVM_EXIT_ERROR : 0;
		}
		if (vm->nr_vcpus > 8) {
			pr_err("this host has no GICv3 for guests, and GICv2 takes at most 8 vCPUs; use fewer --cpus");
			return LKVM_EXIT_ERROR;
		}
	}
	err = gic_try(vm, ARM_IRQCHIP_GICV2);
	if (err) {
		pr_err("cannot create a %s for the guest: %s%s", gic_name(ARM_IRQCHIP_GICV2),
		       strerror(-err), want == ARM_IRQCHIP_GICV2 ? "; try --irqchip gicv3" : "");
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

int gic_finish(struct vm *vm)
{
	struct arm_vm *a = arm_vm(vm);
	uint32_t nr = ARM_NR_IRQS;
	int err;

	err = gic_set_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr);
	if (!err)
		err = gic_set_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT,
				   NULL);
	if (err) {
		pr_err("cannot initialise the %s: %s", gic_name(a->gic), strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	return 0;
}
