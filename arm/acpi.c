// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 machine's ACPI tables (acpi.h). What they say matches what the
 * device tree says for the same machine (devtree.c), because Linux takes
 * one or the other and the rest of lkvm (KVM's vGIC, the timer PPIs, the
 * UART) is the same:
 *
 * - FADT 6.0, hardware-reduced (arm64 Linux refuses any other,
 *   acpi_fadt_sanity_check), PSCI compliant over HVC: CPUs come up and the
 *   machine powers off through PSCI, so there is no FACS and no \_S5_.
 * - MADT: GICC per vCPU (UID and MPIDR as KVM sets them, the PMU's PPI
 *   with --pmu), the GICD, and for GICv3 one GICR range covering every
 *   vCPU's redistributor, and the ITS with --irqchip gicv3-its.
 * - GTDT: the four timer PPIs, level, active low and always on, as the
 *   device tree's "arm,armv8-timer" node says.
 * - SPCR: the 16550 at its MMIO base, byte access, 115200 8N1.
 * - PPTT: without it Linux warns that the topology may be inaccurate.
 * - HEST: the GHESv2 sources of ghes.h.
 */
#include <string.h>

#include "acpi.h"
#include "lkvm/ghes.h"
#include "lkvm/acpi-table.h"
#include "lkvm/util.h"

#define NR_XSDT_ENTRIES		6	/* FADT, MADT, GTDT, SPCR, PPTT, HEST */

/* FADT (ACPI 6.0, revision 6) */
#define FADT_SIZE		276
#define FADT_DSDT		40
#define FADT_FLAGS		112
#define FADT_ARM_BOOT_FLAGS	129
#define FADT_MINOR_VERSION	131
#define FADT_X_DSDT		140
#define FADT_HW_REDUCED		(1u << 20)
#define ARM_PSCI_COMPLIANT	(1u << 0)
#define ARM_PSCI_USE_HVC	(1u << 1)

/* MADT (revision 5 goes with FADT 6.0: GICC entries of 80 bytes) */
#define MADT_HDR_SIZE		44
#define MADT_GICC		0x0b
#define MADT_GICC_SIZE		80
#define MADT_GICD		0x0c
#define MADT_GICD_SIZE		24
#define MADT_GICR		0x0e
#define MADT_GICR_SIZE		16
#define MADT_GIC_ITS		0x0f
#define MADT_GIC_ITS_SIZE	20
#define GICC_ENABLED		1

/* GTDT (revision 2), without platform timers */
#define GTDT_SIZE		96
#define GTDT_NO_ADDR		0xffffffffffffffffULL
#define GTDT_ACTIVE_LOW		(1u << 1)
#define GTDT_ALWAYS_ON		(1u << 2)

/* SPCR (revision 2) */
#define SPCR_SIZE		80
#define SPCR_16550		0	/* interface type: full 16550 */
#define SPCR_IRQ_GIC		(1u << 3)
#define SPCR_BAUD_115200	7

/* PPTT (revision 2): processor hierarchy nodes without private resources */
#define PPTT_NODE_SIZE		20
#define PPTT_PHYSICAL_PACKAGE	(1u << 0)
#define PPTT_ID_VALID		(1u << 1)
#define PPTT_LEAF		(1u << 3)
#define PPTT_IDENTICAL		(1u << 4)

#define HEST_HDR_SIZE		40

struct arm_acpi_layout {
	uint64_t rsdp, xsdt, fadt, dsdt, madt, gtdt, spcr, pptt, hest, end;
	uint32_t dsdt_len, madt_len, pptt_len, hest_len;
};

static uint64_t place(uint64_t *next, uint64_t size)
{
	uint64_t at = ALIGN_UP(*next, ACPI_TABLE_ALIGN);

	*next = at + size;
	return at;
}

static void layout(struct arm_acpi_layout *l, const struct arm_acpi_desc *d, size_t aml_len)
{
	uint64_t next = 0;

	l->dsdt_len = (uint32_t)(ACPI_HDR_SIZE + aml_len);
	l->madt_len = MADT_HDR_SIZE + d->nr_cpus * MADT_GICC_SIZE + MADT_GICD_SIZE +
		      (d->gic == ARM_IRQCHIP_GICV3 ? MADT_GICR_SIZE : 0) +
		      (d->gic == ARM_IRQCHIP_GICV3 && d->gic_its ? MADT_GIC_ITS_SIZE : 0);
	l->pptt_len = ACPI_HDR_SIZE + PPTT_NODE_SIZE * (1 + d->nr_cpus);
	l->hest_len = HEST_HDR_SIZE + GHES_NR_SOURCES * HEST_GHES_V2_SIZE;
	l->rsdp = place(&next, ACPI_RSDP_SIZE);
	l->xsdt = place(&next, ACPI_HDR_SIZE + 8 * NR_XSDT_ENTRIES);
	l->fadt = place(&next, FADT_SIZE);
	l->dsdt = place(&next, l->dsdt_len);
	l->madt = place(&next, l->madt_len);
	l->gtdt = place(&next, GTDT_SIZE);
	l->spcr = place(&next, SPCR_SIZE);
	l->pptt = place(&next, l->pptt_len);
	l->hest = place(&next, l->hest_len);
	l->end = next;
}

static void write_fadt(uint8_t *t, uint64_t dsdt)
{
	acpi_table_header(t, "FACP", FADT_SIZE, 6);
	acpi_put32(t + FADT_FLAGS, FADT_HW_REDUCED);
	acpi_put16(t + FADT_ARM_BOOT_FLAGS, ARM_PSCI_COMPLIANT | ARM_PSCI_USE_HVC);
	t[FADT_MINOR_VERSION] = 0;			/* ACPI 6.0 */
	/* The 32-bit DSDT field stays 0: one pointer, no "32/64X" mismatch. */
	acpi_put64(t + FADT_X_DSDT, dsdt);
	acpi_table_seal(t);
}

static void write_madt(uint8_t *t, const struct arm_acpi_desc *d, uint32_t len)
{
	uint8_t *p = t + MADT_HDR_SIZE;

	acpi_table_header(t, "APIC", len, 5);
	for (unsigned int i = 0; i < d->nr_cpus; i++, p += MADT_GICC_SIZE) {
		p[0] = MADT_GICC;
		p[1] = MADT_GICC_SIZE;
		acpi_put32(p + 4, i);			/* CPU interface number */
		acpi_put32(p + 8, i);			/* ACPI processor UID */
		acpi_put32(p + 12, GICC_ENABLED);
		if (d->pmu)				/* level-triggered PPI */
			acpi_put32(p + 20, ARM_PPI_INTID(ARM_PMU_PPI));
		if (d->gic == ARM_IRQCHIP_GICV2)
			acpi_put64(p + 32, d->gic_cpui);
		acpi_put64(p + 68, arm_mpidr(i));
	}
	p[0] = MADT_GICD;
	p[1] = MADT_GICD_SIZE;
	acpi_put64(p + 8, d->gic_dist);
	p[20] = d->gic == ARM_IRQCHIP_GICV3 ? 3 : 2;	/* GIC version */
	p += MADT_GICD_SIZE;
	if (d->gic == ARM_IRQCHIP_GICV3) {
		p[0] = MADT_GICR;
		p[1] = MADT_GICR_SIZE;
		acpi_put64(p + 4, d->gic_redist);
		acpi_put32(p + 12, (uint32_t)d->gic_redist_size);
		p += MADT_GICR_SIZE;
	}
	if (d->gic == ARM_IRQCHIP_GICV3 && d->gic_its) {
		p[0] = MADT_GIC_ITS;
		p[1] = MADT_GIC_ITS_SIZE;
		acpi_put32(p + 4, 0);			/* GIC ITS ID */
		acpi_put64(p + 8, d->gic_its);
	}
	acpi_table_seal(t);
}

static void write_gtdt(uint8_t *t)
{
	static const uint32_t ppi[] = {	/* secure EL1, non-secure EL1, virtual, EL2 */
		ARM_TIMER_PPI_SEC, ARM_TIMER_PPI_PHYS, ARM_TIMER_PPI_VIRT, ARM_TIMER_PPI_HYP,
	};

	acpi_table_header(t, "GTDT", GTDT_SIZE, 2);
	acpi_put64(t + 36, GTDT_NO_ADDR);		/* CntControlBase: none */
	for (unsigned int i = 0; i < 4; i++) {
		acpi_put32(t + 48 + 8 * i, ARM_PPI_INTID(ppi[i]));
		acpi_put32(t + 52 + 8 * i, GTDT_ACTIVE_LOW | GTDT_ALWAYS_ON);
	}
	acpi_put64(t + 80, GTDT_NO_ADDR);		/* CntReadBase: none */
	acpi_put32(t + 92, GTDT_SIZE);			/* platform timers: none, offset past the end */
	acpi_table_seal(t);
}

static void write_spcr(uint8_t *t, const struct device *uart)
{
	acpi_table_header(t, "SPCR", SPCR_SIZE, 2);
	t[36] = SPCR_16550;
	acpi_gas(t + 40, ACPI_GAS_MEMORY, 8, ACPI_ACCESS_BYTE, uart->base);
	t[52] = SPCR_IRQ_GIC;
	acpi_put32(t + 54, (uint32_t)uart->irq);
	t[58] = SPCR_BAUD_115200;
	t[60] = 1;					/* one stop bit */
	acpi_put16(t + 64, 0xffff);			/* not a PCI device */
	acpi_put16(t + 66, 0xffff);
	acpi_table_seal(t);
}

static void pptt_node(uint8_t *p, uint32_t flags, uint32_t parent, uint32_t id)
{
	p[0] = 0;					/* processor hierarchy node */
	p[1] = PPTT_NODE_SIZE;
	acpi_put32(p + 4, flags);
	acpi_put32(p + 8, parent);
	acpi_put32(p + 12, id);
}

static void write_pptt(uint8_t *t, unsigned int nr_cpus, uint32_t len)
{
	acpi_table_header(t, "PPTT", len, 2);
	pptt_node(t + ACPI_HDR_SIZE, PPTT_PHYSICAL_PACKAGE | PPTT_IDENTICAL, 0, 0);
	for (unsigned int i = 0; i < nr_cpus; i++)
		pptt_node(t + ACPI_HDR_SIZE + PPTT_NODE_SIZE * (1 + i),
			  PPTT_ID_VALID | PPTT_LEAF | PPTT_IDENTICAL, ACPI_HDR_SIZE, i);
	acpi_table_seal(t);
}

static void write_hest(uint8_t *t, uint32_t len, uint64_t ghes_base)
{
	acpi_table_header(t, "HEST", len, 1);
	acpi_put32(t + 36, GHES_NR_SOURCES);
	for (unsigned int i = 0; i < GHES_NR_SOURCES; i++)
		ghes_hest_entry(t + HEST_HDR_SIZE + HEST_GHES_V2_SIZE * i, i, ghes_base);
	acpi_table_seal(t);
}

static const struct device *mmio_uart(const struct device *devices)
{
	for_each_device(devices, dev)
		if (dev->kind == DEV_KIND_UART && dev->bus == DEV_BUS_MMIO && dev->irq >= 0)
			return dev;
	return NULL;
}

long arm_acpi_build(const struct arm_acpi_desc *d, uint8_t *buf, uint64_t gpa, size_t size)
{
	const struct device *uart = mmio_uart(d->devices);
	struct arm_acpi_layout l;
	uint64_t at[NR_XSDT_ENTRIES];
	uint8_t aml[4096];
	long aml_len;
	uint8_t *t;

	if (!d->nr_cpus || d->nr_cpus > ARM_ACPI_MAX_CPUS || !uart)
		return -1;
	aml_len = acpi_devices_aml(d->devices, aml, sizeof(aml));
	if (aml_len < 0)
		return -1;
	layout(&l, d, (size_t)aml_len);
	if (l.end > size)
		return -1;
	memset(buf, 0, l.end);

	t = buf + l.dsdt;
	acpi_table_header(t, "DSDT", l.dsdt_len, 2);
	memcpy(t + ACPI_HDR_SIZE, aml, (size_t)aml_len);
	acpi_table_seal(t);
	write_fadt(buf + l.fadt, gpa + l.dsdt);
	write_madt(buf + l.madt, d, l.madt_len);
	write_gtdt(buf + l.gtdt);
	write_spcr(buf + l.spcr, uart);
	write_pptt(buf + l.pptt, d->nr_cpus, l.pptt_len);
	write_hest(buf + l.hest, l.hest_len, d->ghes_base);

	at[0] = l.fadt;
	at[1] = l.madt;
	at[2] = l.gtdt;
	at[3] = l.spcr;
	at[4] = l.pptt;
	at[5] = l.hest;
	t = buf + l.xsdt;
	acpi_table_header(t, "XSDT", ACPI_HDR_SIZE + 8 * NR_XSDT_ENTRIES, 1);
	for (unsigned int i = 0; i < NR_XSDT_ENTRIES; i++)
		acpi_put64(t + ACPI_HDR_SIZE + 8 * i, gpa + at[i]);
	acpi_table_seal(t);
	acpi_rsdp(buf + l.rsdp, 0, gpa + l.xsdt);
	return (long)l.end;
}
