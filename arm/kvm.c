// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 machine: RAM at 2 GiB, the vGIC, a 16550 UART at 0x1000000,
 * an Image kernel with initrd, and the device tree that describes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arm.h"
#include "devtree.h"
#include "hw/uart.h"
#include "image.h"
#include "lkvm/arch.h"
#include "lkvm/dtb.h"
#include "lkvm/guard.h"
#include "lkvm/util.h"

/* arch_vm_type: the default 0 is the 40-bit IPA space, and RAM ends below 1 TiB. */

int arch_mem_layout(uint64_t ram, struct arch_region *r, int max)
{
	if (max < 1 || ram > ARM_MAX_RAM)
		return 0;
	r[0] = (struct arch_region){ ARM_RAM_BASE, ram };
	return 1;
}

int arch_irqchip_init(struct vm *vm)
{
	struct arm_vm *a = calloc(1, sizeof(*a));

	if (!a)
		return LKVM_EXIT_ERROR;
	vm->arch = a;
	a->gic_fd = -1;
	a->its_fd = -1;
	if (vm->opts->mem_mib * MiB > ARM_MAX_RAM) {
		pr_err("--mem %llu MiB is more than lkvm's arm64 machine holds (%llu GiB)",
		       (unsigned long long)vm->opts->mem_mib, (unsigned long long)(ARM_MAX_RAM >> 30));
		return LKVM_EXIT_USAGE;
	}
	a->has_serror_esr = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_INJECT_SERROR_ESR) > 0;
	a->has_ext_dabt = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_INJECT_EXT_DABT) > 0;
	return gic_create(vm, vm->opts->arch.irqchip);
}

int arch_devices_init(struct vm *vm)
{
	if (uart_create(vm, DEV_BUS_MMIO, ARM_UART_BASE, ARM_UART_INTID, ARCH_IRQ_LEVEL,
			!vm->opts->virtio_console)) {
		pr_err("cannot create platform devices");
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

int arch_irq_line(struct vm *vm, unsigned int irq, int level)
{
	/* KVM_IRQ_LINE on arm64: type in bits 24-27, SPIs by INTID. */
	struct kvm_irq_level l = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (irq & KVM_ARM_IRQ_NUM_MASK),
		.level = (uint32_t)level,
	};

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0 ? -errno : 0;
}

enum arch_irq_trigger arch_irq_trigger(void)
{
	return ARCH_IRQ_LEVEL;
}

unsigned int arch_irq_gsi(unsigned int irq)
{
	return irq - ARM_SPI_BASE;	/* the vGIC routes GSI n to SPI n (INTID 32 + n) */
}

/* From above the UART to the GIC (its redistributors or CPU interface), SPIs after the UART's. */
void arch_dev_window(struct vm *vm, struct arch_dev_window *w)
{
	struct arm_vm *a = arm_vm(vm);
	uint64_t end = a->its_base ? a->its_base :
		       a->gic == ARM_IRQCHIP_GICV3 ? a->redist_base : ARM_GIC_CPUI_BASE;

	*w = (struct arch_dev_window){
		.mmio_base = ARM_MMIO_DEV_BASE,
		.mmio_size = end > ARM_MMIO_DEV_BASE ? end - ARM_MMIO_DEV_BASE : 0,
		.irq_first = ARM_UART_INTID + 1, .nr_irqs = ARM_NR_IRQS - (ARM_UART_INTID + 1),
	};
}

struct arm_load {
	struct vm *vm;
	const uint8_t *kernel, *initrd;
	size_t kernel_size, initrd_size;
	struct arm_image img;
};

/* Copy kernel and initrd into guest RAM; runs under guard_call(). */
static int arm_load_guarded(void *arg)
{
	struct arm_load *l = arg;
	struct arm_vm *a = arm_vm(l->vm);
	int err;

	err = mem_write(&l->vm->mem, a->entry, l->kernel, l->kernel_size, "kernel loader");
	if (!err && l->initrd_size)
		err = mem_write(&l->vm->mem, a->initrd_gpa, l->initrd, l->initrd_size,
				"kernel loader");
	return err;
}

int arch_load_kernel(struct vm *vm)
{
	struct arm_vm *a = arm_vm(vm);
	struct run_opts *o = vm->opts;
	uint64_t ram_end = ARM_RAM_BASE + o->mem_mib * MiB;
	struct arm_load l = { .vm = vm };
	const uint8_t *kbuf = NULL;
	char err[256];
	int ret;

	if (o->kernel) {
		ret = file_map_input("kernel", o->kernel, &kbuf, &l.kernel_size);
		if (ret)
			return ret;
		l.kernel = kbuf;
	} else {
		l.kernel = lkvm_builtin_guest;
		l.kernel_size = (uintptr_t)lkvm_builtin_guest_end - (uintptr_t)lkvm_builtin_guest;
	}
	if (arm_image_parse(l.kernel, l.kernel_size, &l.img, err, sizeof(err))) {
		pr_err("%s: %s", o->kernel, err);
		file_unmap(kbuf, l.kernel_size);
		return LKVM_EXIT_USAGE;
	}
	if (o->arch.fw_tables == ARM_FW_ACPI && !l.img.has_header) {
		pr_err("--tables acpi boots Linux Image kernels only; %s has no Image header",
		       o->kernel ? o->kernel : "the built-in guest");
		file_unmap(kbuf, l.kernel_size);
		return LKVM_EXIT_USAGE;
	}
	if (o->initrd) {
		ret = file_map_input("initrd", o->initrd, &l.initrd, &l.initrd_size);
		if (ret) {
			file_unmap(kbuf, l.kernel_size);
			return ret;
		}
	}
	/* Kernel at the bottom, device tree in the top 2 MiB, initrd just below it. */
	a->entry = ARM_RAM_BASE + l.img.text_offset;
	a->kernel_end = a->entry + l.img.image_size;
	a->fdt_gpa = ram_end - ARM_FDT_MAX_SIZE;
	a->initrd_size = l.initrd_size;
	a->initrd_gpa = ALIGN_DOWN(a->fdt_gpa - l.initrd_size, 4096);
	if (ram_end < ARM_RAM_BASE + 2 * ARM_FDT_MAX_SIZE || a->fdt_gpa < a->kernel_end ||
	    a->fdt_gpa - a->kernel_end < l.initrd_size || a->initrd_gpa < a->kernel_end) {
		pr_err("the kernel (%llu KiB in memory)%s do not fit in --mem %llu MiB with the device tree; raise --mem",
		       (unsigned long long)(l.img.image_size >> 10),
		       l.initrd_size ? " and initrd" : "", (unsigned long long)o->mem_mib);
		ret = LKVM_EXIT_USAGE;
		goto out;
	}
	ret = guard_load_status(guard_call("kernel loader", arm_load_guarded, &l));
	if (!ret)
		pr_debug("loaded %s at 0x%llx (%s), initrd %llu bytes at 0x%llx",
			 o->kernel ? o->kernel : "the built-in guest", (unsigned long long)a->entry,
			 l.img.has_header ? "Image" : "raw binary",
			 (unsigned long long)l.initrd_size, (unsigned long long)a->initrd_gpa);
out:
	file_unmap(kbuf, l.kernel_size);
	file_unmap(l.initrd, l.initrd_size);
	return ret;
}

static int arm_fdt_build_cb(const void *d, void *buf, size_t size)
{
	return arm_fdt_build(d, buf, size);
}

int arch_describe(struct vm *vm)
{
	struct arm_vm *a = arm_vm(vm);
	struct arm_fdt_desc d = {
		.nr_cpus = vm->nr_vcpus,
		.ram_base = ARM_RAM_BASE,
		.ram_size = vm->opts->mem_mib * MiB,
		.gic = a->gic,
		.gic_dist = ARM_GIC_DIST_BASE,
		.gic_redist = a->redist_base,
		.gic_its = a->its_base,
		.gic_redist_size = vm->nr_vcpus * ARM_GIC_REDIST_SIZE,
		.gic_cpui = ARM_GIC_CPUI_BASE,
		.bootargs = vm->opts->params,
		.initrd_start = a->initrd_gpa,
		.initrd_size = a->initrd_size,
		.pmu = vm->opts->arch.pmu,
		.devices = vm->devices,
	};

	if (vm->opts->arch.fw_tables == ARM_FW_ACPI)
		return arm_acpi_describe(vm);
	return dtb_build_publish(vm, a->fdt_gpa, ARM_FDT_MAX_SIZE, arm_fdt_build_cb, &d);
}

void arch_vm_exit(struct vm *vm)
{
	struct arm_vm *a = vm->arch;

	if (!a)
		return;
	if (a->its_fd >= 0)
		close(a->its_fd);
	if (a->gic_fd >= 0)
		close(a->gic_fd);
	free(a);
	vm->arch = NULL;
}
