// SPDX-License-Identifier: GPL-2.0
/*
 * Intel MultiProcessor Specification 1.4 tables in the BIOS area: without
 * ACPI this is how an OS learns the CPUs (one processor entry per vCPU, APIC
 * id = vCPU index), the I/O APIC of the in-kernel irqchip, and how ISA IRQs
 * reach it: ISA IRQ n is I/O APIC pin n, as KVM's default GSI routing wires
 * them (lkvm sets no routing of its own), the PIT's IRQ 0 included. This
 * matters: Linux skips its timer check as a KVM guest and trusts the table.
 * Local interrupts: ExtINT (the 8259) on LINT0, NMI on LINT1.
 */
#include <string.h>

#include "boot.h"
#include "pc.h"

#define MPC_SPEC		4		/* version 1.4 */
#define MPF_SIZE		16
#define MPC_HDR_SIZE		44
#define MPC_CPU_SIZE		20
#define MPC_ENTRY_SIZE		8
#define MPC_CPU			0
#define MPC_BUS			1
#define MPC_IOAPIC		2
#define MPC_INTSRC		3
#define MPC_LINTSRC		4
#define CPU_ENABLED		0x01
#define CPU_BOOTPROCESSOR	0x02
#define LAPIC_VERSION		0x14		/* integrated xAPIC, as KVM's */
#define IOAPIC_VERSION		0x11		/* 24 pins, as KVM's */
#define MP_INT			0
#define MP_NMI			1
#define MP_EXTINT		3
#define ISA_BUS_ID		0
#define ISA_IRQS		16
#define MP_APIC_ALL		0xff
#define MPTABLE_MAX_CPUS	255		/* 8-bit APIC ids, 0xff is broadcast */

static uint8_t mp_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

static uint8_t *mp_entry(uint8_t *p, uint8_t type, uint8_t a, uint8_t b, uint8_t c,
			 uint8_t d, uint8_t e, uint8_t f, uint8_t g)
{
	p[0] = type;
	p[1] = a;
	p[2] = b;
	p[3] = c;
	p[4] = d;
	p[5] = e;
	p[6] = f;
	p[7] = g;
	return p + MPC_ENTRY_SIZE;
}

int mptable_write(struct mem_map *m, unsigned int nr_cpus, uint32_t cpu_signature,
		  uint32_t cpu_features)
{
	size_t size, table_len;
	uint8_t *base, *mpc, *p;
	uint8_t ioapic_id = (uint8_t)nr_cpus;
	unsigned int i, entries = 0;

	if (nr_cpus == 0 || nr_cpus >= MPTABLE_MAX_CPUS)
		return -1;
	table_len = MPC_HDR_SIZE + (size_t)nr_cpus * MPC_CPU_SIZE +
		    (1 + 1 + (ISA_IRQS - 1) + 2) * MPC_ENTRY_SIZE;
	size = MPF_SIZE + table_len;
	base = mem_gpa_to_hva(m, MPTABLE_ADDR, size);
	if (!base)
		return -1;
	memset(base, 0, size);
	mpc = base + MPF_SIZE;
	p = mpc + MPC_HDR_SIZE;

	for (i = 0; i < nr_cpus; i++, entries++) {
		p[0] = MPC_CPU;
		p[1] = (uint8_t)i;			/* local APIC id */
		p[2] = LAPIC_VERSION;
		p[3] = CPU_ENABLED | (i == 0 ? CPU_BOOTPROCESSOR : 0);
		wr32(p + 4, cpu_signature);
		wr32(p + 8, cpu_features);
		p += MPC_CPU_SIZE;
	}
	p[0] = MPC_BUS;
	p[1] = ISA_BUS_ID;
	memcpy(p + 2, "ISA   ", 6);
	p += MPC_ENTRY_SIZE;
	entries++;

	p[0] = MPC_IOAPIC;
	p[1] = ioapic_id;
	p[2] = IOAPIC_VERSION;
	p[3] = 1;					/* enabled */
	wr32(p + 4, IOAPIC_ADDR);
	p += MPC_ENTRY_SIZE;
	entries++;

	for (i = 0; i < ISA_IRQS; i++) {
		if (i == 2)
			continue;	/* the 8259 cascade */
		/* type, irq type, flags (2 bytes: conforms to bus), bus, irq, apic, pin */
		p = mp_entry(p, MPC_INTSRC, MP_INT, 0, 0, ISA_BUS_ID, (uint8_t)i, ioapic_id,
			     (uint8_t)i);
		entries++;
	}
	p = mp_entry(p, MPC_LINTSRC, MP_EXTINT, 0, 0, ISA_BUS_ID, 0, MP_APIC_ALL, 0);
	p = mp_entry(p, MPC_LINTSRC, MP_NMI, 0, 0, ISA_BUS_ID, 0, MP_APIC_ALL, 1);
	entries += 2;

	/* Configuration table header. */
	memcpy(mpc, "PCMP", 4);
	wr16(mpc + 4, (uint16_t)table_len);
	mpc[6] = MPC_SPEC;
	memcpy(mpc + 8, "LKVM    ", 8);			/* OEM id */
	memcpy(mpc + 16, "LKVM VM     ", 12);		/* product id */
	wr16(mpc + 34, (uint16_t)entries);
	wr32(mpc + 36, LAPIC_ADDR);
	mpc[7] = mp_checksum(mpc, table_len);

	/* Floating pointer structure: 16 bytes, 16-byte aligned, in the scanned area. */
	memcpy(base, "_MP_", 4);
	wr32(base + 4, (uint32_t)(MPTABLE_ADDR + MPF_SIZE));
	base[8] = 1;					/* length in 16-byte units */
	base[9] = MPC_SPEC;
	base[10] = mp_checksum(base, MPF_SIZE);		/* features 0: use the table */
	return (size_t)(p - base) == size ? 0 : -1;
}
