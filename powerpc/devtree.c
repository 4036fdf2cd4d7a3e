// SPDX-License-Identifier: GPL-2.0
/* The pseries device tree, built with libfdt (pure: unit-tested). */
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "devtree.h"
#include "lkvm/dtb.h"
#include "ppc.h"
#include "rtas.h"

#define XICS_PHANDLE	1

/* POWER9 (ISA 3.0) processor features, as QEMU gives a pseries guest. */
static const uint8_t pa_features_300[] = {
	66, 0,
	0xf6, 0x1f, 0xc7, 0xc0, 0x00, 0xf0, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
	0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0xc0, 0x00,
	0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00,
	0x80, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00,
	0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
};

/* Radix page sizes: AP encoding << 29 | page shift (4K, 64K, 2M, 1G). */
static const uint32_t radix_ap[] = { 0x0000000c, 0xa0000010, 0x20000015, 0x4000001e };

static const char hypertas[] = "hcall-term\0hcall-set-mode\0hcall-interrupt";

static int ppc_fdt_cpus(void *fdt, const struct ppc_fdt_desc *d)
{
	char name[32];

	DTB_TRY(fdt_begin_node(fdt, "cpus"));
	DTB_TRY(fdt_property_cell(fdt, "#address-cells", 1));
	DTB_TRY(fdt_property_cell(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < d->nr_cpus; i++) {
		uint32_t gserver[2] = { i, i };

		snprintf(name, sizeof(name), "PowerPC,POWER9@%x", i);
		DTB_TRY(fdt_begin_node(fdt, name));
		DTB_TRY(fdt_property_string(fdt, "device_type", "cpu"));
		DTB_TRY(fdt_property_cell(fdt, "reg", i));
		DTB_TRY(fdt_property_cell(fdt, "cpu-version", d->pvr));
		DTB_TRY(fdt_property_cell(fdt, "clock-frequency", 1000000000));
		DTB_TRY(fdt_property_cell(fdt, "timebase-frequency", d->tb_freq));
		DTB_TRY(fdt_property_cell(fdt, "d-cache-block-size", 128));
		DTB_TRY(fdt_property_cell(fdt, "i-cache-block-size", 128));
		DTB_TRY(fdt_property_cell(fdt, "d-cache-line-size", 128));
		DTB_TRY(fdt_property_cell(fdt, "i-cache-line-size", 128));
		DTB_TRY(fdt_property_cell(fdt, "d-cache-size", 0x8000));
		DTB_TRY(fdt_property_cell(fdt, "i-cache-size", 0x8000));
		DTB_TRY(fdt_property_cell(fdt, "ibm,slb-size", 32));
		DTB_TRY(fdt_property_cell(fdt, "ibm,vmx", 2));
		DTB_TRY(fdt_property_cell(fdt, "ibm,dfp", 1));
		DTB_TRY(fdt_property_cell(fdt, "ibm,ppc-interrupt-server#s", i));
		DTB_TRY(dtb_prop_u32s(fdt, "ibm,ppc-interrupt-gserver#s", gserver, 2));
		DTB_TRY(fdt_property(fdt, "ibm,pa-features", pa_features_300, sizeof(pa_features_300)));
		DTB_TRY(dtb_prop_u32s(fdt, "ibm,processor-radix-AP-encodings", radix_ap, 4));
		DTB_TRY(fdt_property(fdt, "64-bit", NULL, 0));
		DTB_TRY(fdt_property_string(fdt, "status", "okay"));
		DTB_TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int ppc_fdt_rtas(void *fdt, const struct ppc_fdt_desc *d)
{
	DTB_TRY(fdt_begin_node(fdt, "rtas"));
	DTB_TRY(fdt_property_cell(fdt, "linux,rtas-base", (uint32_t)d->rtas_base));
	DTB_TRY(fdt_property_cell(fdt, "linux,rtas-entry", (uint32_t)d->rtas_base));
	DTB_TRY(fdt_property_cell(fdt, "rtas-size", (uint32_t)d->rtas_size));
	DTB_TRY(fdt_property_cell(fdt, "rtas-version", 1));
	DTB_TRY(fdt_property_cell(fdt, "rtas-error-log-max", 2048));
	DTB_TRY(fdt_property(fdt, "ibm,hypertas-functions", hypertas, sizeof(hypertas)));
	/* ibm,os-term returns (the guest's panic goes on to panic=); see kvm.c */
	DTB_TRY(fdt_property(fdt, "ibm,extended-os-term", NULL, 0));
	for (size_t i = 0; i < rtas_nr_services; i++)
		DTB_TRY(fdt_property_cell(fdt, rtas_services[i].name, rtas_services[i].token));
	return fdt_end_node(fdt);
}

static int ppc_fdt_chosen(void *fdt, const struct ppc_fdt_desc *d)
{
	struct dtb_chosen c = {
		.bootargs = d->bootargs, .initrd_start = d->initrd_start,
		.initrd_size = d->initrd_size,	/* stdout-path below, after Linux's old name */
	};
	uint8_t ov5[PPC_OV5_LEN];

	memset(ov5, 0, sizeof(ov5));
	ov5[0] = PPC_OV5_LEN - 1;
	ov5[PPC_OV5_MMU] = PPC_OV5_MMU_RADIX;
	ov5[PPC_OV5_RADIX_GTSE_BYTE] = PPC_OV5_RADIX_GTSE;
	DTB_TRY(dtb_chosen_begin(fdt, &c));
	DTB_TRY(fdt_property_string(fdt, "linux,stdout-path", PPC_FDT_VTY_PATH));
	DTB_TRY(fdt_property_string(fdt, "stdout-path", PPC_FDT_VTY_PATH));
	DTB_TRY(fdt_property(fdt, "ibm,architecture-vec-5", ov5, sizeof(ov5)));
	return fdt_end_node(fdt);
}

static int ppc_fdt_devices(void *fdt, const struct ppc_fdt_desc *d)
{
	uint32_t servers[2] = { 0, d->nr_cpus };

	DTB_TRY(fdt_begin_node(fdt, "vdevice"));
	DTB_TRY(fdt_property_string(fdt, "device_type", "vdevice"));
	DTB_TRY(fdt_property_string(fdt, "compatible", "IBM,vdevice"));
	DTB_TRY(fdt_property_cell(fdt, "#address-cells", 1));
	DTB_TRY(fdt_property_cell(fdt, "#size-cells", 0));
	DTB_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	DTB_TRY(fdt_property_cell(fdt, "#interrupt-cells", 2));
	DTB_TRY(fdt_begin_node(fdt, "vty@30000000"));
	DTB_TRY(fdt_property_string(fdt, "name", "vty"));
	DTB_TRY(fdt_property_string(fdt, "device_type", "serial"));
	DTB_TRY(fdt_property_string(fdt, "compatible", "hvterm1"));
	DTB_TRY(fdt_property_cell(fdt, "reg", PPC_VTY_REG));
	DTB_TRY(fdt_end_node(fdt));
	DTB_TRY(fdt_end_node(fdt));

	DTB_TRY(fdt_begin_node(fdt, "interrupt-controller"));
	DTB_TRY(fdt_property_string(fdt, "device_type", "PowerPC-External-Interrupt-Presentation"));
	DTB_TRY(fdt_property_string(fdt, "compatible", "IBM,ppc-xicp"));
	DTB_TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	DTB_TRY(dtb_prop_u32s(fdt, "ibm,interrupt-server-ranges", servers, 2));
	DTB_TRY(fdt_property_cell(fdt, "#interrupt-cells", 2));
	DTB_TRY(fdt_property_cell(fdt, "linux,phandle", XICS_PHANDLE));
	DTB_TRY(fdt_property_cell(fdt, "phandle", XICS_PHANDLE));
	return fdt_end_node(fdt);
}

/*
 * The virtio-mmio transports, under PPC_FDT_VIRTIO_PATH (see devtree.h):
 * reg in the root's 2+2 cells (empty ranges: the same address space), and
 * the XICS interrupt specifier <source sense>, sense 0: message-like
 * (edge), as QEMU's pseries writes it for its MSIs; level sources say 1.
 * No interrupt-parent of their own (the root's names the XICS): Linux's
 * fw_devlink would make the XICS node a supplier, which never gets a
 * device, and defer the probe for ever ("wait for supplier").
 */
static int ppc_fdt_virtio(void *fdt, const struct ppc_fdt_desc *d)
{
	bool any = false;
	char name[40];

	for_each_device(d->devices, dev) {
		fdt64_t reg[2] = { cpu_to_fdt64(dev->base), cpu_to_fdt64(dev->len) };
		uint32_t irq[2] = { (uint32_t)dev->irq, 0 };

		if (dev->kind != DEV_KIND_VIRTIO_MMIO)
			continue;	/* the vty and XICS are the machine's own nodes */
		if (!any) {
			DTB_TRY(fdt_begin_node(fdt, PPC_FDT_VIRTIO_PATH + 1));
			DTB_TRY(fdt_property_string(fdt, "device_type", PPC_FDT_VIRTIO_TYPE));
			DTB_TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
			DTB_TRY(fdt_property_cell(fdt, "#address-cells", 2));
			DTB_TRY(fdt_property_cell(fdt, "#size-cells", 2));
			DTB_TRY(fdt_property(fdt, "ranges", NULL, 0));
			any = true;
		}
		snprintf(name, sizeof(name), "%s@%llx", dev_kind_node(dev->kind),
			 (unsigned long long)dev->base);
		DTB_TRY(fdt_begin_node(fdt, name));
		DTB_TRY(fdt_property_string(fdt, "compatible", dev_kind_compatible(dev->kind)));
		DTB_TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
		DTB_TRY(dtb_prop_u32s(fdt, "interrupts", irq, 2));
		DTB_TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
		DTB_TRY(fdt_end_node(fdt));
	}
	return any ? fdt_end_node(fdt) : 0;
}

int ppc_fdt_build(const struct ppc_fdt_desc *d, void *buf, size_t size)
{
	void *fdt = buf;

	if (size > (size_t)INT32_MAX)
		size = INT32_MAX;
	DTB_TRY(fdt_create(fdt, (int)size));
	/* RTAS (stub and error log) stays the guest's firmware: reserved. */
	DTB_TRY(fdt_add_reservemap_entry(fdt, d->rtas_base, d->rtas_size));
	DTB_TRY(fdt_finish_reservemap(fdt));
	DTB_TRY(fdt_begin_node(fdt, ""));
	DTB_TRY(fdt_property_string(fdt, "device_type", "chrp"));
	DTB_TRY(fdt_property_string(fdt, "model", "IBM pSeries (emulated by lkvm)"));
	DTB_TRY(fdt_property_string(fdt, "compatible", "qemu,pseries"));
	DTB_TRY(fdt_property_cell(fdt, "#address-cells", 2));
	DTB_TRY(fdt_property_cell(fdt, "#size-cells", 2));
	DTB_TRY(fdt_property_cell(fdt, "interrupt-parent", XICS_PHANDLE));
	DTB_TRY(ppc_fdt_chosen(fdt, d));
	DTB_TRY(dtb_memory(fdt, "memory@0", 0, d->ram_size));
	DTB_TRY(ppc_fdt_cpus(fdt, d));
	DTB_TRY(ppc_fdt_rtas(fdt, d));
	DTB_TRY(ppc_fdt_devices(fdt, d));
	DTB_TRY(ppc_fdt_virtio(fdt, d));
	DTB_TRY(fdt_end_node(fdt));
	DTB_TRY(fdt_finish(fdt));
	return 0;
}
