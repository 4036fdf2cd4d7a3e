/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PPC_DEVTREE_H
#define LKVM_PPC_DEVTREE_H

#include <stddef.h>
#include <stdint.h>

#include "lkvm/devices.h"

/* Everything the pseries device tree says, gathered by the machine (kvm.c). */
struct ppc_fdt_desc {
	unsigned int nr_cpus;
	uint64_t ram_size;		/* RAM at 0 */
	uint32_t pvr;
	uint32_t tb_freq;
	uint64_t rtas_base, rtas_size;
	const char *bootargs;		/* NULL: none */
	uint64_t initrd_start, initrd_size;	/* size 0: none */
	/* The registry (vm->devices): its virtio-mmio transports, lines as XICS sources. */
	const struct device *devices;
};

/*
 * Write the tree into buf (size bytes): a radix-only pseries guest without
 * firmware (chrp root, /chosen with ibm,architecture-vec-5 saying radix,
 * /rtas with the stub's address and every service's token, the vty, the
 * XICS presentation controller, the virtio-mmio transports under
 * PPC_FDT_VIRTIO_PATH). Returns 0 or a negative libfdt error.
 */
int ppc_fdt_build(const struct ppc_fdt_desc *d, void *buf, size_t size);

#define PPC_FDT_VTY_PATH	"/vdevice/vty@30000000"
/*
 * The virtio-mmio nodes' parent. pseries Linux makes platform devices from
 * the device tree in one place only: pseries_pmem_init() probes the
 * children of the node whose device_type is "ibm,persistent-memory"
 * (arch/powerpc/platforms/pseries/pmem.c), so that is this node's type;
 * "simple-bus" for kernels that populate those.
 */
#define PPC_FDT_VIRTIO_PATH	"/virtio-mmio"
#define PPC_FDT_VIRTIO_TYPE	"ibm,persistent-memory"
/* ibm,architecture-vec-5: byte 24 MMU (0x40 radix only), byte 26 radix GTSE (0x40) */
#define PPC_OV5_LEN		27
#define PPC_OV5_MMU		24
#define PPC_OV5_MMU_RADIX	0x40
#define PPC_OV5_RADIX_GTSE_BYTE	26
#define PPC_OV5_RADIX_GTSE	0x40

#endif
