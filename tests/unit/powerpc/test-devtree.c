// SPDX-License-Identifier: GPL-2.0
/* The pseries device tree, written by lkvm and read back with libfdt. */
#include <check.h>
#include <libfdt.h>
#include <string.h>

#include "devtree.h"
#include "ppc-suites.h"
#include "ppc.h"
#include "rtas.h"

static uint8_t blob[65536];

static const struct ppc_fdt_desc desc = {
	.nr_cpus = 2,
	.ram_size = 256ULL << 20,
	.pvr = 0x004e1200,
	.tb_freq = 512000000,
	.rtas_base = (256ULL << 20) - PPC_RTAS_SIZE,
	.rtas_size = PPC_RTAS_SIZE,
	.bootargs = "console=hvc0 quiet",
	.initrd_start = 0xfb90000, .initrd_size = 0x359600,
};

static uint32_t prop_u32(int node, const char *name, int idx)
{
	int len;
	const fdt32_t *p = fdt_getprop(blob, node, name, &len);

	ck_assert_msg(p != NULL, "no property %s", name);
	ck_assert_int_ge(len, (idx + 1) * 4);
	return fdt32_to_cpu(p[idx]);
}

static uint64_t prop_u64(int node, const char *name, int idx)
{
	int len;
	const fdt64_t *p = fdt_getprop(blob, node, name, &len);

	ck_assert_msg(p != NULL, "no property %s", name);
	ck_assert_int_ge(len, (idx + 1) * 8);
	return fdt64_to_cpu(p[idx]);
}

static int node(const char *path)
{
	int n = fdt_path_offset(blob, path);

	ck_assert_msg(n >= 0, "no node %s", path);
	return n;
}

START_TEST(test_devtree_root_chosen_memory)
{
	uint64_t addr, size;
	const uint8_t *ov5;
	int len, n;

	ck_assert_int_eq(ppc_fdt_build(&desc, blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_check_header(blob), 0);
	ck_assert_str_eq(fdt_getprop(blob, 0, "device_type", NULL), "chrp");
	ck_assert_uint_eq(prop_u32(0, "#address-cells", 0), 2);
	/* RTAS is reserved from the guest's allocator */
	ck_assert_int_eq(fdt_num_mem_rsv(blob), 1);
	ck_assert_int_eq(fdt_get_mem_rsv(blob, 0, &addr, &size), 0);
	ck_assert_uint_eq(addr, desc.rtas_base);
	ck_assert_uint_eq(size, PPC_RTAS_SIZE);

	n = node("/chosen");
	ck_assert_str_eq(fdt_getprop(blob, n, "bootargs", NULL), "console=hvc0 quiet");
	ck_assert_uint_eq(prop_u64(n, "linux,initrd-start", 0), 0xfb90000);
	ck_assert_uint_eq(prop_u64(n, "linux,initrd-end", 0), 0xfb90000 + 0x359600);
	ck_assert_str_eq(fdt_getprop(blob, n, "linux,stdout-path", NULL), PPC_FDT_VTY_PATH);
	ov5 = fdt_getprop(blob, n, "ibm,architecture-vec-5", &len);
	ck_assert_ptr_nonnull(ov5);
	ck_assert_int_eq(len, PPC_OV5_LEN);
	/* Linux: OV5_MMU_SUPPORT 0x18C0 = byte 24 mask 0xc0; radix only = 0x40; GTSE 0x1A40 */
	ck_assert_uint_eq(ov5[24] & 0xc0, 0x40);
	ck_assert_uint_eq(ov5[26] & 0x40, 0x40);
	ck_assert_uint_eq(ov5[0x17] & 0xc0, 0);	/* XIVE: legacy (XICS) only */

	n = node("/memory@0");
	ck_assert_uint_eq(prop_u64(n, "reg", 0), 0);
	ck_assert_uint_eq(prop_u64(n, "reg", 1), 256ULL << 20);
}
END_TEST

START_TEST(test_devtree_cpus)
{
	int n, cpu, count = 0, len;
	const uint8_t *pa;

	ck_assert_int_eq(ppc_fdt_build(&desc, blob, sizeof(blob)), 0);
	n = node("/cpus");
	fdt_for_each_subnode(cpu, blob, n) {
		ck_assert_str_eq(fdt_getprop(blob, cpu, "device_type", NULL), "cpu");
		ck_assert_uint_eq(prop_u32(cpu, "reg", 0), (uint32_t)count);
		ck_assert_uint_eq(prop_u32(cpu, "ibm,ppc-interrupt-server#s", 0), (uint32_t)count);
		ck_assert_uint_eq(prop_u32(cpu, "cpu-version", 0), 0x004e1200);
		ck_assert_uint_eq(prop_u32(cpu, "timebase-frequency", 0), 512000000);
		pa = fdt_getprop(blob, cpu, "ibm,pa-features", &len);
		ck_assert_ptr_nonnull(pa);
		/* header: 66 bytes; byte 40 (after the 2-byte header) bit 0x80: radix */
		ck_assert_int_eq(len, 68);
		ck_assert_uint_eq(pa[0], 66);
		ck_assert_uint_eq(pa[2 + 40] & 0x80, 0x80);
		ck_assert_uint_eq(prop_u32(cpu, "ibm,processor-radix-AP-encodings", 1), 0xa0000010);
		count++;
	}
	ck_assert_int_eq(count, 2);
}
END_TEST

START_TEST(test_devtree_rtas_vty_xics)
{
	const char *s;
	int n, len;

	ck_assert_int_eq(ppc_fdt_build(&desc, blob, sizeof(blob)), 0);
	n = node("/rtas");
	ck_assert_uint_eq(prop_u32(n, "linux,rtas-base", 0), (uint32_t)desc.rtas_base);
	ck_assert_uint_eq(prop_u32(n, "linux,rtas-entry", 0), (uint32_t)desc.rtas_base);
	/* Room for the error log at +0x30 (Linux: r3 < base + size - 16) */
	ck_assert_uint_ge(prop_u32(n, "rtas-size", 0), PPC_RTAS_LOG_OFFSET + 72 + 16);
	for (size_t i = 0; i < rtas_nr_services; i++)
		ck_assert_uint_eq(prop_u32(n, rtas_services[i].name, 0), rtas_services[i].token);
	ck_assert_uint_eq(prop_u32(n, "ibm,nmi-register", 0), 0x2005);
	ck_assert_uint_eq(prop_u32(n, "ibm,nmi-interlock", 0), 0x2006);
	s = fdt_getprop(blob, n, "ibm,hypertas-functions", &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "hcall-term");
	ck_assert_str_eq(s + strlen(s) + 1, "hcall-set-mode");

	n = node(PPC_FDT_VTY_PATH);
	ck_assert_str_eq(fdt_getprop(blob, n, "compatible", NULL), "hvterm1");
	ck_assert_str_eq(fdt_getprop(blob, n, "device_type", NULL), "serial");
	ck_assert_uint_eq(prop_u32(n, "reg", 0), PPC_VTY_REG);

	n = node("/interrupt-controller");
	ck_assert_str_eq(fdt_getprop(blob, n, "compatible", NULL), "IBM,ppc-xicp");
	ck_assert_uint_eq(prop_u32(n, "ibm,interrupt-server-ranges", 0), 0);
	ck_assert_uint_eq(prop_u32(n, "ibm,interrupt-server-ranges", 1), 2);
	ck_assert_ptr_nonnull(fdt_getprop(blob, n, "interrupt-controller", NULL));
}
END_TEST

START_TEST(test_devtree_no_initrd_no_args)
{
	struct ppc_fdt_desc d = desc;
	int n;

	d.bootargs = NULL;
	d.initrd_size = 0;
	ck_assert_int_eq(ppc_fdt_build(&d, blob, sizeof(blob)), 0);
	n = node("/chosen");
	ck_assert_ptr_null(fdt_getprop(blob, n, "bootargs", NULL));
	ck_assert_ptr_null(fdt_getprop(blob, n, "linux,initrd-start", NULL));
}
END_TEST

START_TEST(test_devtree_too_small)
{
	ck_assert_int_eq(ppc_fdt_build(&desc, blob, 512), -FDT_ERR_NOSPACE);
}
END_TEST

/*
 * virtio-mmio transports: under the node pseries Linux probes for platform
 * devices (device_type ibm,persistent-memory, empty ranges), one
 * "virtio,mmio" node each with 64-bit reg and a XICS <source 0> (edge).
 */
START_TEST(test_devtree_virtio)
{
	struct ppc_fdt_desc d = desc;
	struct device v[2] = {
		{ .name = "virtio-blk0", .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO,
		  .base = PPC_MMIO_BASE, .len = 0x200, .irq = PPC_IRQ_BASE },
		{ .name = "virtio-rng", .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO,
		  .base = PPC_MMIO_BASE + 0x1000, .len = 0x200, .irq = PPC_IRQ_BASE + 1 },
	};
	struct device plat = { .name = "plat", .kind = DEV_KIND_PLATFORM, .bus = DEV_BUS_MMIO,
			       .base = PPC_MMIO_BASE + 0x2000, .len = 0x10, .irq = DEV_NO_IRQ };
	int bus, n, len;

	v[0].next = &v[1];
	v[1].next = &plat;
	d.devices = &v[0];
	ck_assert_int_eq(ppc_fdt_build(&d, blob, sizeof(blob)), 0);
	bus = node(PPC_FDT_VIRTIO_PATH);
	ck_assert_str_eq(fdt_getprop(blob, bus, "device_type", NULL), "ibm,persistent-memory");
	ck_assert_ptr_nonnull(fdt_getprop(blob, bus, "ranges", &len));
	ck_assert_int_eq(len, 0);
	ck_assert_uint_eq(prop_u32(bus, "#address-cells", 0), 2);
	ck_assert_uint_eq(prop_u32(bus, "#size-cells", 0), 2);
	n = node(PPC_FDT_VIRTIO_PATH "/virtio@10000001000");
	ck_assert_str_eq(fdt_getprop(blob, n, "compatible", NULL), "virtio,mmio");
	ck_assert_uint_eq(prop_u64(n, "reg", 0), PPC_MMIO_BASE + 0x1000);
	ck_assert_uint_eq(prop_u64(n, "reg", 1), 0x200);
	ck_assert_uint_eq(prop_u32(n, "interrupts", 0), PPC_IRQ_BASE + 1);
	ck_assert_uint_eq(prop_u32(n, "interrupts", 1), 0);	/* edge (message) */
	/* Inherited from the root: an own one makes fw_devlink wait for the XICS. */
	ck_assert_ptr_null(fdt_getprop(blob, n, "interrupt-parent", NULL));
	ck_assert_uint_eq(prop_u32(0, "interrupt-parent", 0),
			  prop_u32(node("/interrupt-controller"), "phandle", 0));
	node(PPC_FDT_VIRTIO_PATH "/virtio@10000000000");
	/* A platform device is the machine's own: no node. */
	ck_assert_int_lt(fdt_path_offset(blob, PPC_FDT_VIRTIO_PATH "/plat@10000002000"), 0);
	/* Without transports, no bus node either (a platform device alone makes none). */
	d.devices = &plat;
	ck_assert_int_eq(ppc_fdt_build(&d, blob, sizeof(blob)), 0);
	ck_assert_int_lt(fdt_path_offset(blob, PPC_FDT_VIRTIO_PATH), 0);
	ck_assert_int_lt(fdt_node_offset_by_compatible(blob, -1, "virtio,mmio"), 0);
}
END_TEST

Suite *ppc_devtree_suite(void)
{
	Suite *s = suite_create("ppc-devtree");
	TCase *tc = tcase_create("devtree");

	tcase_add_test(tc, test_devtree_root_chosen_memory);
	tcase_add_test(tc, test_devtree_cpus);
	tcase_add_test(tc, test_devtree_rtas_vty_xics);
	tcase_add_test(tc, test_devtree_no_initrd_no_args);
	tcase_add_test(tc, test_devtree_too_small);
	tcase_add_test(tc, test_devtree_virtio);
	suite_add_tcase(s, tc);
	return s;
}
