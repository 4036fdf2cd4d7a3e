/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_DEVTREE_H
#define LKVM_ARM_DEVTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arm.h"
#include "efi.h"
#include "lkvm/devices.h"

/* Everything the device tree says, gathered by the machine (kvm.c). */
struct arm_fdt_desc {
	unsigned int nr_cpus;
	uint64_t ram_base, ram_size;
	enum arm_irqchip gic;		/* GICV2 or GICV3 */
	uint64_t gic_dist, gic_redist, gic_redist_size, gic_cpui;
	uint64_t gic_its;		/* GICv3: the ITS frames, a child MSI controller; 0: none */
	const char *bootargs;		/* NULL: none */
	uint64_t initrd_start, initrd_size;	/* size 0: none */
	bool pmu;
	/*
	 * The registry (vm->devices): a node for each device of a described
	 * kind, lines as INTIDs (SPIs); the first UART is the stdout-path.
	 */
	const struct device *devices;
	/*
	 * Not NULL: an ACPI boot (--tables acpi). The tree then has
	 * nothing but /chosen, with the command line, the initrd and the
	 * linux,uefi-* properties: with any other node under the root, arm64
	 * Linux keeps to the device tree (acpi_boot_table_init).
	 */
	const struct arm_efi_info *efi;
};

/*
 * Write the tree into buf (size bytes). Returns 0, or a negative libfdt
 * error (-FDT_ERR_NOSPACE when it does not fit).
 */
int arm_fdt_build(const struct arm_fdt_desc *d, void *buf, size_t size);

/* The node of the machine's UART (ARM_UART_BASE), /chosen's stdout-path. */
#define ARM_FDT_UART_PATH	"/uart@1000000"

#endif
