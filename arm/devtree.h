/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_DEVTREE_H
#define LKVM_ARM_DEVTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arm.h"

/* Everything the device tree says, gathered by the machine (kvm.c). */
struct arm_fdt_desc {
	unsigned int nr_cpus;
	uint64_t ram_base, ram_size;
	enum arm_irqchip gic;		/* GICV2 or GICV3 */
	uint64_t gic_dist, gic_redist, gic_redist_size, gic_cpui;
	uint64_t uart_base;
	unsigned int uart_intid;
	const char *bootargs;		/* NULL: none */
	uint64_t initrd_start, initrd_size;	/* size 0: none */
	bool pmu;
};

/*
 * Write the tree into buf (size bytes). Returns 0, or a negative libfdt
 * error (-FDT_ERR_NOSPACE when it does not fit).
 */
int arm_fdt_build(const struct arm_fdt_desc *d, void *buf, size_t size);

/* Node names the tree uses (tests and stdout-path). */
#define ARM_FDT_UART_PATH	"/uart@1000000"

#endif
