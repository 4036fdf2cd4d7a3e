// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 machine's device tree, written with libfdt's sequential writer:
 * what a Linux or kvm-unit-tests guest needs to find its CPUs (PSCI), RAM,
 * interrupt controller (and its ITS, the MSI controller), timer, console
 * and command line.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "devtree.h"
#include "lkvm/dtb.h"

#define GIC_PHANDLE		1
#define ITS_PHANDLE		2
#define FDT_IRQ_SPI		0
#define FDT_IRQ_PPI		1
#define IRQ_TYPE_LEVEL_HIGH	4
#define IRQ_TYPE_LEVEL_LOW	8

/* GICv2 PPIs name the CPUs they go to; GICv3 ignores the mask. */
static uint32_t ppi_flags(const struct arm_fdt_desc *d)
{
	uint32_t mask = 0;

	if (d->gic == ARM_IRQCHIP_GICV2)
		mask = ((1u << (d->nr_cpus > 8 ? 8 : d->nr_cpus)) - 1) << 8;
	return mask | IRQ_TYPE_LEVEL_LOW;
}

static int fdt_cpus(void *fdt, const struct arm_fdt_desc *d)
{
	char name[32];

	DTB_TRY(fdt_begin_node(fdt, "cpus"));
	DTB_TRY(fdt_property_cell(fdt, "#address-cells", 2));
	DTB_TRY(fdt_property_cell(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < d->nr_cpus; i++) {
		uint64_t mpidr = arm_mpidr(i);

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		DTB_TRY(fdt_begin_node(fdt, name));
		DTB_TRY(fdt_property_string(fdt, "device_type", "cpu"));
		DTB_TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		DTB_TRY(fdt_property_string(fdt, "enable-method", "psci"));
		DTB_TRY(dtb_prop_u64s(fdt, "reg", &mpidr, 1));
		DTB_TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int fdt_gic(void *fdt, const struct arm_fdt_desc *d)
{
	char name[48];
	uint64_t reg[4];

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)d->gic_dist);
	DTB_TRY(fdt_begin_node(fdt, name));
	if (d->gic == ARM_IRQCHIP_GICV3) {
		DTB_TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
		reg[0] = d->gic_dist;
		reg[1] = ARM_GIC_DIST_SIZE;
		reg[2] = d->gic_redist;
		reg[3] = d->gic_redist_size;
	} else {
		DTB_TRY(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
		reg[0] = d->gic_dist;
		reg[1] = 0x1000;
		reg[2] = d->gic_cpui;
		reg[3] = 0x2000;
	}
	DTB_TRY(fdt_property_cell(fdt, "#interrupt-cells", 3));
	DTB_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	DTB_TRY(dtb_prop_u64s(fdt, "reg", reg, 4));
	DTB_TRY(fdt_property_cell(fdt, "phandle", GIC_PHANDLE));
	if (d->gic == ARM_IRQCHIP_GICV3 && d->gic_its) {
		uint64_t its[2] = { d->gic_its, ARM_GIC_ITS_SIZE };

		/* The ITS is the GIC's child: the GIC passes addresses through. */
		DTB_TRY(fdt_property_cell(fdt, "#address-cells", 2));
		DTB_TRY(fdt_property_cell(fdt, "#size-cells", 2));
		DTB_TRY(fdt_property(fdt, "ranges", NULL, 0));
		snprintf(name, sizeof(name), "msi-controller@%llx", (unsigned long long)d->gic_its);
		DTB_TRY(fdt_begin_node(fdt, name));
		DTB_TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
		DTB_TRY(fdt_property(fdt, "msi-controller", NULL, 0));
		DTB_TRY(fdt_property_cell(fdt, "#msi-cells", 1));
		DTB_TRY(dtb_prop_u64s(fdt, "reg", its, 2));
		DTB_TRY(fdt_property_cell(fdt, "phandle", ITS_PHANDLE));
		DTB_TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int fdt_timer_pmu(void *fdt, const struct arm_fdt_desc *d)
{
	uint32_t f = ppi_flags(d);
	uint32_t timer[] = {
		FDT_IRQ_PPI, ARM_TIMER_PPI_SEC, f, FDT_IRQ_PPI, ARM_TIMER_PPI_PHYS, f,
		FDT_IRQ_PPI, ARM_TIMER_PPI_VIRT, f, FDT_IRQ_PPI, ARM_TIMER_PPI_HYP, f,
	};
	uint32_t pmu[] = { FDT_IRQ_PPI, ARM_PMU_PPI, (f & ~0xfu) | IRQ_TYPE_LEVEL_HIGH };

	DTB_TRY(fdt_begin_node(fdt, "timer"));
	DTB_TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	DTB_TRY(dtb_prop_u32s(fdt, "interrupts", timer, 12));
	DTB_TRY(fdt_property(fdt, "always-on", NULL, 0));
	DTB_TRY(fdt_end_node(fdt));
	if (!d->pmu)
		return 0;
	DTB_TRY(fdt_begin_node(fdt, "pmu"));
	DTB_TRY(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	DTB_TRY(dtb_prop_u32s(fdt, "interrupts", pmu, 3));
	return fdt_end_node(fdt);
}

static int fdt_psci(void *fdt)
{
	static const char compat[] = "arm,psci-0.2\0arm,psci";

	DTB_TRY(fdt_begin_node(fdt, "psci"));
	DTB_TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	DTB_TRY(fdt_property_string(fdt, "method", "hvc"));
	/* PSCI 0.1 function ids, for guests that predate 0.2 (as kvmtool gives). */
	DTB_TRY(fdt_property_cell(fdt, "cpu_suspend", 0xc4000001));
	DTB_TRY(fdt_property_cell(fdt, "cpu_off", 0x84000002));
	DTB_TRY(fdt_property_cell(fdt, "cpu_on", 0xc4000003));
	DTB_TRY(fdt_property_cell(fdt, "migrate", 0xc4000005));
	return fdt_end_node(fdt);
}

/*
 * One node per registry device of a described kind, in registration order
 * (the UART, then the virtio-mmio transports, as kvmtool and QEMU's virt
 * write them): NAME@BASE, compatible, reg, a level-high SPI.
 */
static int fdt_devices(void *fdt, const struct arm_fdt_desc *d)
{
	for_each_device(d->devices, dev) {
		const char *node = dev_kind_node(dev->kind);
		uint64_t reg[2] = { dev->base, dev->len };
		char name[48];

		if (!node || dev->bus != DEV_BUS_MMIO)
			continue;
		snprintf(name, sizeof(name), "%s@%llx", node, (unsigned long long)dev->base);
		DTB_TRY(fdt_begin_node(fdt, name));
		DTB_TRY(fdt_property_string(fdt, "compatible", dev_kind_compatible(dev->kind)));
		DTB_TRY(dtb_prop_u64s(fdt, "reg", reg, 2));
		if (dev->irq >= ARM_SPI_BASE) {
			uint32_t irq[] = { FDT_IRQ_SPI, (uint32_t)dev->irq - ARM_SPI_BASE,
					   IRQ_TYPE_LEVEL_HIGH };

			DTB_TRY(dtb_prop_u32s(fdt, "interrupts", irq, 3));
		}
		if (dev->kind == DEV_KIND_UART)
			DTB_TRY(fdt_property_cell(fdt, "clock-frequency", 1843200));
		if (dev->kind == DEV_KIND_VIRTIO_MMIO)
			DTB_TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
		DTB_TRY(fdt_end_node(fdt));
	}
	return 0;
}

static int fdt_chosen(void *fdt, const struct arm_fdt_desc *d)
{
	struct dtb_chosen c = {
		.bootargs = d->bootargs, .initrd_start = d->initrd_start,
		.initrd_size = d->initrd_size,
	};
	char out[48];

	for_each_device(d->devices, dev) {
		if (dev->kind == DEV_KIND_UART) {
			snprintf(out, sizeof(out), "/%s@%llx", dev_kind_node(dev->kind),
				 (unsigned long long)dev->base);
			c.stdout_path = out;
			break;
		}
	}
	DTB_TRY(dtb_chosen_begin(fdt, &c));
	return fdt_end_node(fdt);
}

/* An ACPI boot's /chosen: what the EFI stub would leave there. */
static int fdt_chosen_efi(void *fdt, const struct arm_fdt_desc *d)
{
	struct dtb_chosen c = {
		.bootargs = d->bootargs, .initrd_start = d->initrd_start,
		.initrd_size = d->initrd_size,
	};

	DTB_TRY(dtb_chosen_begin(fdt, &c));
	DTB_TRY(fdt_property_u64(fdt, "linux,uefi-system-table", d->efi->systab));
	DTB_TRY(fdt_property_u64(fdt, "linux,uefi-mmap-start", d->efi->mmap));
	DTB_TRY(fdt_property_u32(fdt, "linux,uefi-mmap-size", d->efi->mmap_size));
	DTB_TRY(fdt_property_u32(fdt, "linux,uefi-mmap-desc-size", d->efi->desc_size));
	DTB_TRY(fdt_property_u32(fdt, "linux,uefi-mmap-desc-ver", d->efi->desc_ver));
	/*
	 * Debian's (and Ubuntu's) kernels read a sixth property with the five
	 * (a distribution patch) and, without it, ignore them all: no EFI, no
	 * memory, "Failed to allocate page table page". 0: not secure boot.
	 */
	DTB_TRY(fdt_property_u32(fdt, "linux,uefi-secure-boot", 0));
	return fdt_end_node(fdt);
}

int arm_fdt_build(const struct arm_fdt_desc *d, void *buf, size_t size)
{
	void *fdt = buf;

	if (size > (size_t)INT32_MAX)
		size = INT32_MAX;
	DTB_TRY(fdt_create(fdt, (int)size));
	DTB_TRY(fdt_finish_reservemap(fdt));
	DTB_TRY(fdt_begin_node(fdt, ""));
	if (d->efi) {
		DTB_TRY(fdt_property_cell(fdt, "#address-cells", 2));
		DTB_TRY(fdt_property_cell(fdt, "#size-cells", 2));
		DTB_TRY(fdt_chosen_efi(fdt, d));
		DTB_TRY(fdt_end_node(fdt));
		DTB_TRY(fdt_finish(fdt));
		return fdt_pack(fdt);
	}
	DTB_TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	DTB_TRY(fdt_property_cell(fdt, "#address-cells", 2));
	DTB_TRY(fdt_property_cell(fdt, "#size-cells", 2));
	DTB_TRY(fdt_property_cell(fdt, "interrupt-parent", GIC_PHANDLE));
	DTB_TRY(fdt_chosen(fdt, d));
	DTB_TRY(dtb_memory(fdt, "memory", d->ram_base, d->ram_size));
	DTB_TRY(fdt_cpus(fdt, d));
	DTB_TRY(fdt_psci(fdt));
	DTB_TRY(fdt_gic(fdt, d));
	DTB_TRY(fdt_timer_pmu(fdt, d));
	DTB_TRY(fdt_devices(fdt, d));
	DTB_TRY(fdt_end_node(fdt));
	DTB_TRY(fdt_finish(fdt));
	return fdt_pack(fdt);
}
