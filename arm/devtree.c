// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 machine's device tree, written with libfdt's sequential writer:
 * what a Linux or kvm-unit-tests guest needs to find its CPUs (PSCI), RAM,
 * interrupt controller, timer, console and command line.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "devtree.h"

#define GIC_PHANDLE		1
#define FDT_IRQ_SPI		0
#define FDT_IRQ_PPI		1
#define IRQ_TYPE_LEVEL_HIGH	4
#define IRQ_TYPE_LEVEL_LOW	8

/* Stop at the first libfdt error: every helper below returns it. */
#define T(x) do { int _e = (x); if (_e) return _e; } while (0)

static int fdt_prop_u64s(void *fdt, const char *name, const uint64_t *v, int n)
{
	fdt64_t be[4];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt64(v[i]);
	return fdt_property(fdt, name, be, (int)(n * sizeof(be[0])));
}

static int fdt_prop_irq(void *fdt, const char *name, const uint32_t *cells, int n)
{
	fdt32_t be[12];

	for (int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, be, (int)(n * sizeof(be[0])));
}

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

	T(fdt_begin_node(fdt, "cpus"));
	T(fdt_property_cell(fdt, "#address-cells", 2));
	T(fdt_property_cell(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < d->nr_cpus; i++) {
		uint64_t mpidr = arm_mpidr(i);

		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)mpidr);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "device_type", "cpu"));
		T(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		T(fdt_property_string(fdt, "enable-method", "psci"));
		T(fdt_prop_u64s(fdt, "reg", &mpidr, 1));
		T(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int fdt_gic(void *fdt, const struct arm_fdt_desc *d)
{
	char name[48];
	uint64_t reg[4];

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)d->gic_dist);
	T(fdt_begin_node(fdt, name));
	if (d->gic == ARM_IRQCHIP_GICV3) {
		T(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
		reg[0] = d->gic_dist;
		reg[1] = ARM_GIC_DIST_SIZE;
		reg[2] = d->gic_redist;
		reg[3] = d->gic_redist_size;
	} else {
		T(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
		reg[0] = d->gic_dist;
		reg[1] = 0x1000;
		reg[2] = d->gic_cpui;
		reg[3] = 0x2000;
	}
	T(fdt_property_cell(fdt, "#interrupt-cells", 3));
	T(fdt_property(fdt, "interrupt-controller", NULL, 0));
	T(fdt_prop_u64s(fdt, "reg", reg, 4));
	T(fdt_property_cell(fdt, "phandle", GIC_PHANDLE));
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

	T(fdt_begin_node(fdt, "timer"));
	T(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	T(fdt_prop_irq(fdt, "interrupts", timer, 12));
	T(fdt_property(fdt, "always-on", NULL, 0));
	T(fdt_end_node(fdt));
	if (!d->pmu)
		return 0;
	T(fdt_begin_node(fdt, "pmu"));
	T(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	T(fdt_prop_irq(fdt, "interrupts", pmu, 3));
	return fdt_end_node(fdt);
}

static int fdt_psci(void *fdt)
{
	static const char compat[] = "arm,psci-0.2\0arm,psci";

	T(fdt_begin_node(fdt, "psci"));
	T(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	T(fdt_property_string(fdt, "method", "hvc"));
	/* PSCI 0.1 function ids, for guests that predate 0.2 (as kvmtool gives). */
	T(fdt_property_cell(fdt, "cpu_suspend", 0xc4000001));
	T(fdt_property_cell(fdt, "cpu_off", 0x84000002));
	T(fdt_property_cell(fdt, "cpu_on", 0xc4000003));
	T(fdt_property_cell(fdt, "migrate", 0xc4000005));
	return fdt_end_node(fdt);
}

static int fdt_uart(void *fdt, const struct arm_fdt_desc *d)
{
	uint64_t reg[2] = { d->uart_base, ARM_UART_LEN };
	uint32_t irq[] = { FDT_IRQ_SPI, d->uart_intid - ARM_SPI_BASE, IRQ_TYPE_LEVEL_HIGH };

	T(fdt_begin_node(fdt, ARM_FDT_UART_PATH + 1));
	T(fdt_property_string(fdt, "compatible", "ns16550a"));
	T(fdt_prop_u64s(fdt, "reg", reg, 2));
	T(fdt_prop_irq(fdt, "interrupts", irq, 3));
	T(fdt_property_cell(fdt, "clock-frequency", 1843200));
	return fdt_end_node(fdt);
}

static int fdt_chosen(void *fdt, const struct arm_fdt_desc *d)
{
	T(fdt_begin_node(fdt, "chosen"));
	if (d->bootargs)
		T(fdt_property_string(fdt, "bootargs", d->bootargs));
	T(fdt_property_string(fdt, "stdout-path", ARM_FDT_UART_PATH));
	if (d->initrd_size) {
		uint64_t s = d->initrd_start, e = d->initrd_start + d->initrd_size;

		T(fdt_prop_u64s(fdt, "linux,initrd-start", &s, 1));
		T(fdt_prop_u64s(fdt, "linux,initrd-end", &e, 1));
	}
	return fdt_end_node(fdt);
}

int arm_fdt_build(const struct arm_fdt_desc *d, void *buf, size_t size)
{
	uint64_t mem[2] = { d->ram_base, d->ram_size };
	void *fdt = buf;

	if (size > (size_t)INT32_MAX)
		size = INT32_MAX;
	T(fdt_create(fdt, (int)size));
	T(fdt_finish_reservemap(fdt));
	T(fdt_begin_node(fdt, ""));
	T(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	T(fdt_property_cell(fdt, "#address-cells", 2));
	T(fdt_property_cell(fdt, "#size-cells", 2));
	T(fdt_property_cell(fdt, "interrupt-parent", GIC_PHANDLE));
	T(fdt_chosen(fdt, d));
	T(fdt_begin_node(fdt, "memory"));
	T(fdt_property_string(fdt, "device_type", "memory"));
	T(fdt_prop_u64s(fdt, "reg", mem, 2));
	T(fdt_end_node(fdt));
	T(fdt_cpus(fdt, d));
	T(fdt_psci(fdt));
	T(fdt_gic(fdt, d));
	T(fdt_timer_pmu(fdt, d));
	T(fdt_uart(fdt, d));
	T(fdt_end_node(fdt));
	T(fdt_finish(fdt));
	return fdt_pack(fdt);
}
