/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_ACPI_H
#define LKVM_ARM_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "arm.h"
#include "lkvm/devices.h"

/*
 * The ACPI tables an arm64 guest boots with under --tables acpi
 * (docs/arm64-acpi.md): RSDP, XSDT, FADT (hardware-reduced, PSCI over HVC),
 * DSDT (the UART as PNP0501, the virtio-mmio transports as LNRO0005), MADT
 * (a GICC per vCPU, the GICD, the GICv3 redistributor range, the ITS), GTDT (the
 * architected timer's PPIs, as the device tree gives them), SPCR (the
 * 16550), PPTT (one package, a leaf per vCPU) and HEST (the GHESv2 error
 * sources of lkvm/ghes.h).
 */
struct arm_acpi_desc {
	unsigned int nr_cpus;
	enum arm_irqchip gic;		/* GICV2 or GICV3 */
	uint64_t gic_dist, gic_redist, gic_redist_size, gic_cpui;
	uint64_t gic_its;		/* GICv3: the ITS (a MADT GIC ITS entry); 0: none */
	bool pmu;
	const struct device *devices;	/* the registry: the DSDT's devices, the SPCR's UART */
	uint64_t ghes_base;		/* guest address of the GHES area (lkvm/ghes.h) */
};

/* The most vCPUs the MADT and PPTT are written for (KVM's arm64 maximum is 512). */
#define ARM_ACPI_MAX_CPUS	512

/*
 * Write the tables into buf (size bytes), which the guest sees at gpa;
 * the RSDP comes first, at gpa. Returns the bytes used, or -1 with buf
 * unusable when they do not fit, nr_cpus is 0 or above the maximum, or
 * the registry has no MMIO UART or a device the DSDT cannot describe.
 */
long arm_acpi_build(const struct arm_acpi_desc *d, uint8_t *buf, uint64_t gpa, size_t size);

#endif
