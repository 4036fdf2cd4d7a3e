// SPDX-License-Identifier: GPL-2.0
/* The arm64 device tree, written by lkvm and read back with libfdt. */
#include <check.h>
#include <libfdt.h>
#include <string.h>

#include "arm-suites.h"
#include "devtree.h"

static uint8_t blob[65536];

/* The machine's UART as its registry holds it (arm/kvm.c: arch_devices_init). */
static struct device uart_dev = {
	.name = "uart", .kind = DEV_KIND_UART, .bus = DEV_BUS_MMIO, .base = ARM_UART_BASE,
	.len = 8, .irq = ARM_UART_INTID,
};

static struct arm_fdt_desc desc(enum arm_irqchip gic, unsigned int cpus)
{
	struct arm_fdt_desc d = {
		.nr_cpus = cpus,
		.ram_base = ARM_RAM_BASE, .ram_size = 256ULL << 20,
		.gic = gic,
		.gic_dist = ARM_GIC_DIST_BASE,
		.gic_redist = ARM_GIC_DIST_BASE - cpus * ARM_GIC_REDIST_SIZE,
		.gic_redist_size = cpus * ARM_GIC_REDIST_SIZE,
		.gic_cpui = ARM_GIC_CPUI_BASE,
		.devices = &uart_dev,
		.bootargs = "console=ttyS0 earlycon",
		.initrd_start = 0x8fc00000, .initrd_size = 0x1234,
	};
	return d;
}

static uint64_t prop_u64(int node, const char *name, int idx)
{
	int len;
	const fdt64_t *p = fdt_getprop(blob, node, name, &len);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_ge(len, (idx + 1) * 8);
	return fdt64_to_cpu(p[idx]);
}

static uint32_t prop_u32(int node, const char *name, int idx)
{
	int len;
	const fdt32_t *p = fdt_getprop(blob, node, name, &len);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_ge(len, (idx + 1) * 4);
	return fdt32_to_cpu(p[idx]);
}

START_TEST(test_devtree_gicv3)
{
	struct arm_fdt_desc d = desc(ARM_IRQCHIP_GICV3, 2);
	int node, len;
	const char *s;

	uart_dev.next = NULL;
	ck_assert_int_eq(arm_fdt_build(&d, blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_check_header(blob), 0);
	ck_assert_uint_le(fdt_totalsize(blob), sizeof(blob));

	node = fdt_path_offset(blob, "/chosen");
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(fdt_getprop(blob, node, "bootargs", NULL), "console=ttyS0 earlycon");
	ck_assert_str_eq(fdt_getprop(blob, node, "stdout-path", NULL), "/uart@1000000");
	ck_assert_uint_eq(prop_u64(node, "linux,initrd-start", 0), 0x8fc00000);
	ck_assert_uint_eq(prop_u64(node, "linux,initrd-end", 0), 0x8fc01234);

	node = fdt_path_offset(blob, "/memory");
	ck_assert_uint_eq(prop_u64(node, "reg", 0), 0x80000000);
	ck_assert_uint_eq(prop_u64(node, "reg", 1), 256ULL << 20);

	/* Two CPUs, PSCI, their MPIDRs. */
	node = fdt_path_offset(blob, "/cpus/cpu@1");
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(fdt_getprop(blob, node, "enable-method", NULL), "psci");
	ck_assert_uint_eq(prop_u64(node, "reg", 0), 1);
	ck_assert_int_lt(fdt_path_offset(blob, "/cpus/cpu@2"), 0);
	node = fdt_path_offset(blob, "/psci");
	s = fdt_getprop(blob, node, "compatible", &len);
	ck_assert_str_eq(s, "arm,psci-0.2");
	ck_assert_str_eq(fdt_getprop(blob, node, "method", NULL), "hvc");

	node = fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3");
	ck_assert_int_ge(node, 0);
	ck_assert_uint_eq(prop_u64(node, "reg", 0), 0x3fff0000);
	ck_assert_uint_eq(prop_u64(node, "reg", 2), 0x3fff0000 - 2 * 0x20000);
	ck_assert_uint_eq(prop_u64(node, "reg", 3), 2 * 0x20000);
	ck_assert_uint_eq(prop_u32(node, "#interrupt-cells", 0), 3);
	ck_assert_uint_eq(fdt_get_phandle(blob, node), prop_u32(0, "interrupt-parent", 0));

	/* Timer PPIs 13 14 11 10, level-low, no CPU mask on GICv3. */
	node = fdt_node_offset_by_compatible(blob, -1, "arm,armv8-timer");
	ck_assert_uint_eq(prop_u32(node, "interrupts", 1), 13);
	ck_assert_uint_eq(prop_u32(node, "interrupts", 2), 8);
	ck_assert_uint_eq(prop_u32(node, "interrupts", 7), 11);

	node = fdt_path_offset(blob, "/uart@1000000");
	ck_assert_str_eq(fdt_getprop(blob, node, "compatible", NULL), "ns16550a");
	ck_assert_uint_eq(prop_u64(node, "reg", 0), 0x1000000);
	ck_assert_uint_eq(prop_u32(node, "interrupts", 0), 0);	/* SPI */
	ck_assert_uint_eq(prop_u32(node, "interrupts", 1), 0);	/* INTID 32 */
	ck_assert_uint_eq(prop_u32(node, "clock-frequency", 0), 1843200);
	ck_assert_int_lt(fdt_node_offset_by_compatible(blob, -1, "arm,armv8-pmuv3"), 0);
	ck_assert_int_lt(fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3-its"), 0);
}
END_TEST

/* --irqchip gicv3-its: the ITS as the GIC's child, an MSI controller (kvmtool's shape). */
START_TEST(test_devtree_its)
{
	struct arm_fdt_desc d = desc(ARM_IRQCHIP_GICV3, 4);
	uint64_t its = ARM_GIC_DIST_BASE - 4 * ARM_GIC_REDIST_SIZE - ARM_GIC_ITS_SIZE;
	int gic, node;

	d.gic_its = its;
	uart_dev.next = NULL;
	ck_assert_int_eq(arm_fdt_build(&d, blob, sizeof(blob)), 0);
	gic = fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3");
	ck_assert_int_ge(gic, 0);
	ck_assert_uint_eq(prop_u32(gic, "#address-cells", 0), 2);
	ck_assert_uint_eq(prop_u32(gic, "#size-cells", 0), 2);
	ck_assert_ptr_nonnull(fdt_getprop(blob, gic, "ranges", NULL));
	node = fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3-its");
	ck_assert_int_ge(node, 0);
	ck_assert_int_eq(fdt_parent_offset(blob, node), gic);
	ck_assert_str_eq(fdt_get_name(blob, node, NULL), "msi-controller@3ff50000");
	ck_assert_ptr_nonnull(fdt_getprop(blob, node, "msi-controller", NULL));
	ck_assert_uint_eq(prop_u32(node, "#msi-cells", 0), 1);
	ck_assert_uint_eq(prop_u64(node, "reg", 0), its);
	ck_assert_uint_eq(prop_u64(node, "reg", 1), 0x20000);
	ck_assert_uint_ne(fdt_get_phandle(blob, node), 0);
	ck_assert_uint_ne(fdt_get_phandle(blob, node), fdt_get_phandle(blob, gic));
	/* The redistributors keep their place above it. */
	ck_assert_uint_eq(prop_u64(gic, "reg", 2), its + ARM_GIC_ITS_SIZE);
}
END_TEST

START_TEST(test_devtree_gicv2_pmu_no_initrd)
{
	struct arm_fdt_desc d = desc(ARM_IRQCHIP_GICV2, 4);
	int node;

	d.pmu = true;
	d.initrd_size = 0;
	d.bootargs = NULL;
	ck_assert_int_eq(arm_fdt_build(&d, blob, sizeof(blob)), 0);
	node = fdt_path_offset(blob, "/chosen");
	ck_assert_ptr_null(fdt_getprop(blob, node, "bootargs", NULL));
	ck_assert_ptr_null(fdt_getprop(blob, node, "linux,initrd-start", NULL));
	node = fdt_node_offset_by_compatible(blob, -1, "arm,cortex-a15-gic");
	ck_assert_int_ge(node, 0);
	ck_assert_uint_eq(prop_u64(node, "reg", 2), ARM_GIC_CPUI_BASE);
	/* GICv2 PPIs carry the CPU mask: 4 CPUs -> 0xf << 8. */
	node = fdt_node_offset_by_compatible(blob, -1, "arm,armv8-timer");
	ck_assert_uint_eq(prop_u32(node, "interrupts", 2), 0xf08);
	node = fdt_node_offset_by_compatible(blob, -1, "arm,armv8-pmuv3");
	ck_assert_uint_eq(prop_u32(node, "interrupts", 1), 7);	/* PPI 7 = INTID 23 */
	ck_assert_uint_eq(prop_u32(node, "interrupts", 2), 0xf04);
	ck_assert_int_ge(fdt_path_offset(blob, "/cpus/cpu@3"), 0);
}
END_TEST

/* 17 vCPUs: the 17th has Aff1 = 1 (KVM's MPIDR for vCPU 16 is 0x100). */
START_TEST(test_devtree_mpidr_and_nospace)
{
	struct arm_fdt_desc d = desc(ARM_IRQCHIP_GICV3, 17);

	ck_assert_uint_eq(arm_mpidr(16), 0x100);
	ck_assert_uint_eq(arm_mpidr(15), 0xf);
	ck_assert_int_eq(arm_fdt_build(&d, blob, sizeof(blob)), 0);
	ck_assert_int_ge(fdt_path_offset(blob, "/cpus/cpu@100"), 0);
	ck_assert_int_eq(arm_fdt_build(&d, blob, 512), -FDT_ERR_NOSPACE);
}
END_TEST

/*
 * The registry, walked: one "virtio,mmio" node per transport (reg, a
 * level-high SPI), none for a platform device, none for a transport that
 * is not registered; a tree without a UART has no stdout-path.
 */
START_TEST(test_devtree_virtio)
{
	struct arm_fdt_desc d = desc(ARM_IRQCHIP_GICV3, 1);
	struct device v[2] = {
		{ .name = "virtio-blk0", .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO,
		  .base = 0x1010000, .len = 0x200, .irq = 33 },
		{ .name = "virtio-rng", .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO,
		  .base = 0x1011000, .len = 0x200, .irq = 34 },
	};
	struct device plat = { .name = "plat", .kind = DEV_KIND_PLATFORM, .bus = DEV_BUS_MMIO,
			       .base = 0x1020000, .len = 0x10, .irq = 35 };
	int node, prev;

	uart_dev.next = &v[0];
	v[0].next = &plat;
	plat.next = &v[1];
	v[1].next = NULL;
	ck_assert_int_eq(arm_fdt_build(&d, blob, sizeof(blob)), 0);
	node = fdt_path_offset(blob, "/virtio@1011000");
	ck_assert_int_ge(node, 0);
	ck_assert_str_eq(fdt_getprop(blob, node, "compatible", NULL), "virtio,mmio");
	ck_assert_uint_eq(prop_u64(node, "reg", 0), 0x1011000);
	ck_assert_uint_eq(prop_u64(node, "reg", 1), 0x200);
	ck_assert_uint_eq(prop_u32(node, "interrupts", 0), 0);	/* SPI */
	ck_assert_uint_eq(prop_u32(node, "interrupts", 1), 2);	/* INTID 34 */
	ck_assert_uint_eq(prop_u32(node, "interrupts", 2), 4);	/* level, active high */
	ck_assert_ptr_nonnull(fdt_getprop(blob, node, "dma-coherent", NULL));
	/* Registry order: the UART, then the transports in the order they came. */
	prev = fdt_path_offset(blob, "/virtio@1010000");
	ck_assert_int_ge(prev, 0);
	ck_assert_int_lt(prev, node);
	ck_assert_int_lt(fdt_path_offset(blob, ARM_FDT_UART_PATH), prev);
	ck_assert_int_lt(fdt_path_offset(blob, "/plat@1020000"), 0);
	ck_assert_str_eq(fdt_getprop(blob, fdt_path_offset(blob, "/chosen"), "stdout-path", NULL),
			 ARM_FDT_UART_PATH);

	/* Only what is registered: no transports, no nodes; no UART, no stdout-path. */
	uart_dev.next = NULL;
	ck_assert_int_eq(arm_fdt_build(&d, blob, sizeof(blob)), 0);
	ck_assert_int_lt(fdt_node_offset_by_compatible(blob, -1, "virtio,mmio"), 0);
	d.devices = &v[1];
	ck_assert_int_eq(arm_fdt_build(&d, blob, sizeof(blob)), 0);
	ck_assert_int_lt(fdt_node_offset_by_compatible(blob, -1, "ns16550a"), 0);
	ck_assert_ptr_null(fdt_getprop(blob, fdt_path_offset(blob, "/chosen"), "stdout-path", NULL));
	ck_assert_int_ge(fdt_path_offset(blob, "/virtio@1011000"), 0);
}
END_TEST

Suite *arm_devtree_suite(void)
{
	Suite *s = suite_create("arm-devtree");
	TCase *tc = tcase_create("readback");

	tcase_add_test(tc, test_devtree_gicv3);
	tcase_add_test(tc, test_devtree_gicv2_pmu_no_initrd);
	tcase_add_test(tc, test_devtree_its);
	tcase_add_test(tc, test_devtree_mpidr_and_nospace);
	tcase_add_test(tc, test_devtree_virtio);
	suite_add_tcase(s, tc);
	return s;
}
