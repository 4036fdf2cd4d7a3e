/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_X86_PC_H
#define LKVM_X86_PC_H

#include <stdint.h>

#include "lkvm/mem.h"

struct vm;

/*
 * Intel MultiProcessor Specification 1.4 tables, so that an OS without ACPI
 * finds every vCPU, the I/O APIC and the ISA interrupt routing.
 */
#define MPTABLE_ADDR		0xf0000ULL	/* in the BIOS area Linux scans */
#define IOAPIC_ADDR		0xfec00000U
#define LAPIC_ADDR		0xfee00000U

/* Writes the floating pointer and the table; returns 0 or -1 (no room). */
int mptable_write(struct mem_map *m, unsigned int nr_cpus, uint32_t cpu_signature,
		  uint32_t cpu_features);

#endif
