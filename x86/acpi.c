// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal ACPI tables for x86 guests (see acpi.h), written at build time
 * like the MP table. What they say must match the machine KVM and lkvm
 * build, because Linux believes them over anything it could probe:
 *
 * - FADT: the full fixed-hardware form, not hardware-reduced. lkvm has
 *   PM1a event (0x600) and control (0x604) blocks, SMI_CMD is 0 so the
 *   guest finds ACPI always enabled (PM1_CNT reads SCI_EN), the SCI is
 *   ISA IRQ 9, and the reset register is the i8042's 0x64 <- 0xfe. A
 *   hardware-reduced FADT would make Linux drop the PIC and PIT KVM has
 *   and power off through a sleep control register lkvm does not have.
 *   A full FADT needs a FACS (Linux installs its global-lock handler).
 * - DSDT: \_S5_, so that poweroff writes SLP_TYP 5 | SLP_EN; with one vCPU
 *   also \_S3_ (SLP_TYP 1: suspend to RAM, x86/sleep.c), which lkvm does
 *   not offer to SMP guests (it would have to park and restart the APs).
 * - HEST (AMD guests, unless --ras-amd-ao=deferred): one polled GHESv2
 *   source (acpi.h), so that an error nothing consumed reaches an AMD
 *   guest's memory_failure() at once (docs/ras.md section 3).
 * - MADT: a Processor Local APIC per vCPU (APIC id = vCPU index), the
 *   in-kernel I/O APIC (id nr_cpus, as in the MP table) with GSI base 0,
 *   and NMI on LINT1. ISA IRQ n is GSI n (pin n): that is KVM's default
 *   routing, which lkvm keeps, the PIT on IRQ 0 included, so there is no
 *   IRQ0->GSI2 override (firmware for QEMU has one because QEMU routes
 *   GSI 0 to pin 2). The one override keeps the SCI on GSI 9 and makes it
 *   level-triggered, active high: without it Linux would program the
 *   pin active low, while a KVM line is asserted by raising it.
 */
#include <string.h>

#include "acpi.h"
#include "boot.h"
#include "lkvm/acpi-table.h"
#include "lkvm/util.h"
#include "pc.h"

#define HDR_SIZE		ACPI_HDR_SIZE
#define RSDP_SIZE		ACPI_RSDP_SIZE
#define FACS_SIZE		64
#define FACS_ALIGN		64
#define FADT_SIZE		276		/* revision 6 */
#define MADT_HDR_SIZE		44
#define MADT_LAPIC_SIZE		8
#define MADT_IOAPIC_SIZE	12
#define MADT_ISO_SIZE		10
#define MADT_LAPIC_NMI_SIZE	6
#define TABLE_ALIGN		ACPI_TABLE_ALIGN
#define ACPI_MAX_CPUS		255		/* 8-bit APIC ids, 0xff is broadcast */
#define HEST_SIZE		(HDR_SIZE + 4 + HEST_GHES_V2_SIZE)	/* one source */

/* FADT (ACPI 6.0, revision 6) field offsets. */
#define FADT_FACS		36
#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_P_LVL2_LAT		96
#define FADT_P_LVL3_LAT		98
#define FADT_CENTURY		108
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_MINOR_VERSION	131
#define FADT_X_FACS		132
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT_BLK	148
#define FADT_X_PM1A_CNT_BLK	172

/*
 * FADT flags: WBINVD works, C1 (HLT) works, no fixed power or sleep button,
 * no RTC wake status in PM1, the reset register is valid.
 */
#define FADT_F_WBINVD		(1u << 0)
#define FADT_F_PROC_C1		(1u << 2)
#define FADT_F_PWR_BUTTON	(1u << 4)
#define FADT_F_SLP_BUTTON	(1u << 5)
#define FADT_F_FIX_RTC		(1u << 6)
#define FADT_F_RESET_REG_SUP	(1u << 10)
/*
 * IA-PC boot flags: no VGA. The 8042 flag stays clear: ports 0x60/0x64
 * only take the reset command, there is no keyboard behind them, and
 * Linux then leaves them alone instead of probing. The RTC is present.
 */
#define IAPC_VGA_NOT_PRESENT	(1u << 2)
#define C2_NOT_SUPPORTED	101		/* latency > 100 us */
#define C3_NOT_SUPPORTED	1001		/* latency > 1000 us */
#define RTC_CENTURY_INDEX	0x32		/* hw/rtc.c keeps the century there */

#define GAS_SYSTEM_IO		ACPI_GAS_SYSTEM_IO
#define GAS_ACCESS_BYTE		ACPI_ACCESS_BYTE
#define GAS_ACCESS_WORD		ACPI_ACCESS_WORD

#define MADT_PCAT_COMPAT	(1u << 0)	/* KVM's 8259 pair is there too */
#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_ISO		2
#define MADT_LAPIC_NMI		4
#define MADT_ENABLED		1
#define MPS_ACTIVE_HIGH		0x1		/* MPS INTI flags, polarity bits 0-1 */
#define MPS_LEVEL		(0x3 << 2)	/* trigger bits 2-3 */
#define ALL_PROCESSORS		0xff

/* Where each table goes, in the order they are laid out. */
struct acpi_layout {
	uint64_t rsdp, facs, rsdt, xsdt, fadt, dsdt, madt, hest, end;
	uint32_t madt_len;
	unsigned int nr_tables;		/* in the RSDT and XSDT */
	size_t dsdt_aml;	/* lkvm's own AML: \_S5_, \_S3_ */
};

/*
 * DefinitionBlock body: Name (\_S5_, Package (4) { 5, 5, 0, 0 }).
 * PkgLength (one byte, < 64) counts itself, NumElements and the elements.
 */
static const uint8_t dsdt_aml[] = {
	0x08, '\\', '_', 'S', '5', '_',		/* NameOp, \_S5_ */
	0x12, 0x08, 0x04,			/* PackageOp, PkgLength 8, 4 elements */
	0x0a, ACPI_S5_SLP_TYP,			/* BytePrefix: SLP_TYPa */
	0x0a, ACPI_S5_SLP_TYP,			/* BytePrefix: SLP_TYPb */
	0x00, 0x00,				/* ZeroOp: reserved */
};

/* Name (\_S3_, Package (4) { 1, 1, 0, 0 }): one-vCPU guests only. */
static const uint8_t dsdt_s3_aml[] = {
	0x08, '\\', '_', 'S', '3', '_',
	0x12, 0x08, 0x04,
	0x0a, ACPI_S3_SLP_TYP,
	0x0a, ACPI_S3_SLP_TYP,
	0x00, 0x00,
};

static uint64_t acpi_place(uint64_t *next, uint64_t size, uint64_t align)
{
	uint64_t at = ALIGN_UP(*next, align);

	*next = at + size;
	return at;
}

static void acpi_layout(struct acpi_layout *l, unsigned int nr_cpus, size_t extra, bool hest)
{
	uint64_t next = ACPI_AREA_START;

	l->nr_tables = hest ? 3 : 2;
	l->madt_len = MADT_HDR_SIZE + nr_cpus * MADT_LAPIC_SIZE + MADT_IOAPIC_SIZE +
		      MADT_ISO_SIZE + MADT_LAPIC_NMI_SIZE;
	l->rsdp = acpi_place(&next, RSDP_SIZE, TABLE_ALIGN);
	l->facs = acpi_place(&next, FACS_SIZE, FACS_ALIGN);
	l->rsdt = acpi_place(&next, HDR_SIZE + l->nr_tables * 4, TABLE_ALIGN);
	l->xsdt = acpi_place(&next, HDR_SIZE + l->nr_tables * 8, TABLE_ALIGN);
	l->fadt = acpi_place(&next, FADT_SIZE, TABLE_ALIGN);
	l->dsdt_aml = sizeof(dsdt_aml) + (nr_cpus == 1 ? sizeof(dsdt_s3_aml) : 0);
	l->dsdt = acpi_place(&next, HDR_SIZE + l->dsdt_aml + extra, TABLE_ALIGN);
	l->madt = acpi_place(&next, l->madt_len, TABLE_ALIGN);
	l->hest = hest ? acpi_place(&next, HEST_SIZE, TABLE_ALIGN) : 0;
	l->end = next;
}

/* The common header at its place in the area; sealed once the body is written. */
static uint8_t *acpi_header(uint8_t *area, uint64_t gpa, const char *sig, uint32_t len,
			    uint8_t rev)
{
	uint8_t *t = area + (gpa - ACPI_AREA_START);

	acpi_table_header(t, sig, len, rev);
	return t;
}

static void acpi_write_fadt(uint8_t *area, const struct acpi_layout *l)
{
	uint8_t *t = acpi_header(area, l->fadt, "FACP", FADT_SIZE, 6);

	wr32(t + FADT_FACS, (uint32_t)l->facs);
	wr32(t + FADT_DSDT, (uint32_t)l->dsdt);
	wr16(t + FADT_SCI_INT, ACPI_SCI_IRQ);
	wr32(t + FADT_SMI_CMD, 0);		/* no SMI: ACPI mode from the start */
	wr32(t + FADT_PM1A_EVT_BLK, ACPI_PM1A_EVT_PORT);
	wr32(t + FADT_PM1A_CNT_BLK, ACPI_PM1A_CNT_PORT);
	t[FADT_PM1_EVT_LEN] = ACPI_PM1A_EVT_LEN;
	t[FADT_PM1_CNT_LEN] = ACPI_PM1A_CNT_LEN;
	wr16(t + FADT_P_LVL2_LAT, C2_NOT_SUPPORTED);
	wr16(t + FADT_P_LVL3_LAT, C3_NOT_SUPPORTED);
	t[FADT_CENTURY] = RTC_CENTURY_INDEX;
	wr16(t + FADT_IAPC_BOOT_ARCH, IAPC_VGA_NOT_PRESENT);
	wr32(t + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
			     FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_RESET_REG_SUP);
	acpi_gas(t + FADT_RESET_REG, GAS_SYSTEM_IO, 8, GAS_ACCESS_BYTE, ACPI_RESET_PORT);
	t[FADT_RESET_VALUE] = ACPI_RESET_VALUE;
	t[FADT_MINOR_VERSION] = 0;		/* ACPI 6.0 */
	/*
	 * 64-bit fields equal to the 32-bit ones: no "32/64X mismatch" warnings.
	 * Except X_FIRMWARE_CTRL: the spec wants one of the two FACS pointers
	 * zero (Linux otherwise installs and lists the FACS twice).
	 */
	wr64(t + FADT_X_DSDT, l->dsdt);
	acpi_gas(t + FADT_X_PM1A_EVT_BLK, GAS_SYSTEM_IO, 8 * ACPI_PM1A_EVT_LEN, GAS_ACCESS_WORD,
		 ACPI_PM1A_EVT_PORT);
	acpi_gas(t + FADT_X_PM1A_CNT_BLK, GAS_SYSTEM_IO, 8 * ACPI_PM1A_CNT_LEN, GAS_ACCESS_WORD,
		 ACPI_PM1A_CNT_PORT);
	acpi_table_seal(t);
}

static void acpi_write_madt(uint8_t *area, const struct acpi_layout *l, unsigned int nr_cpus)
{
	uint8_t *t = acpi_header(area, l->madt, "APIC", l->madt_len, 3);
	uint8_t *p = t + MADT_HDR_SIZE;
	unsigned int i;

	wr32(t + 36, LAPIC_ADDR);
	wr32(t + 40, MADT_PCAT_COMPAT);
	for (i = 0; i < nr_cpus; i++, p += MADT_LAPIC_SIZE) {
		p[0] = MADT_LAPIC;
		p[1] = MADT_LAPIC_SIZE;
		p[2] = (uint8_t)i;			/* ACPI processor UID */
		p[3] = (uint8_t)i;			/* APIC id */
		wr32(p + 4, MADT_ENABLED);
	}
	p[0] = MADT_IOAPIC;
	p[1] = MADT_IOAPIC_SIZE;
	p[2] = (uint8_t)nr_cpus;			/* I/O APIC id, as in the MP table */
	wr32(p + 4, IOAPIC_ADDR);
	wr32(p + 8, 0);					/* GSI base */
	p += MADT_IOAPIC_SIZE;

	p[0] = MADT_ISO;
	p[1] = MADT_ISO_SIZE;
	p[2] = 0;					/* ISA */
	p[3] = ACPI_SCI_IRQ;
	wr32(p + 4, ACPI_SCI_IRQ);			/* same GSI: only the flags change */
	wr16(p + 8, MPS_ACTIVE_HIGH | MPS_LEVEL);
	p += MADT_ISO_SIZE;

	p[0] = MADT_LAPIC_NMI;
	p[1] = MADT_LAPIC_NMI_SIZE;
	p[2] = ALL_PROCESSORS;
	wr16(p + 3, 0);					/* conforms: edge, active high */
	p[5] = 1;					/* LINT1 */
	acpi_table_seal(t);
}

/* The HEST and, behind it, the GHES source's RAM: ack free, block empty. */
static void acpi_write_hest(uint8_t *area, const struct acpi_layout *l, uint8_t *ack,
			    uint8_t *block)
{
	uint8_t *t = acpi_header(area, l->hest, "HEST", HEST_SIZE, 1);

	wr32(t + HDR_SIZE, 1);				/* error source count */
	ghes_hest_entry_at(t + HDR_SIZE + 4, X86_GHES_SRC, HEST_NOTIFY_POLLED,
			   X86_GHES_STATUS_REG, X86_GHES_ACK);
	acpi_table_seal(t);
	wr64(ack, GHES_ACK_FREE);
	memset(block, 0, GHES_BLOCK_SIZE);
}

int acpi_write(struct mem_map *m, unsigned int nr_cpus, uint64_t rsdp_slot)
{
	return acpi_write_tables(m, nr_cpus, rsdp_slot, NULL, 0, false);
}

int acpi_write_dsdt(struct mem_map *m, unsigned int nr_cpus, uint64_t rsdp_slot,
		    const uint8_t *aml, size_t aml_len)
{
	return acpi_write_tables(m, nr_cpus, rsdp_slot, aml, aml_len, false);
}

int acpi_write_tables(struct mem_map *m, unsigned int nr_cpus, uint64_t rsdp_slot,
		      const uint8_t *aml, size_t aml_len, bool hest)
{
	struct acpi_layout l;
	uint8_t *area, *slot = NULL, *t, *ack = NULL, *block = NULL;

	if (hest) {
		ack = mem_gpa_to_hva(m, X86_GHES_ACK, 8);
		block = mem_gpa_to_hva(m, X86_GHES_BLOCK, GHES_BLOCK_SIZE);
		if (!ack || !block)
			return -1;
	}
	if (nr_cpus == 0 || nr_cpus >= ACPI_MAX_CPUS || aml_len > ACPI_TABLES_END - ACPI_AREA_START)
		return -1;
	acpi_layout(&l, nr_cpus, aml_len, hest);
	if (l.end > ACPI_TABLES_END || l.facs != ACPI_FACS_ADDR)
		return -1;
	area = mem_gpa_to_hva(m, ACPI_AREA_START, l.end - ACPI_AREA_START);
	if (!area)
		return -1;
	if (rsdp_slot) {
		slot = mem_gpa_to_hva(m, rsdp_slot, 8);
		if (!slot || ranges_overlap(rsdp_slot, 8, ACPI_AREA_START, l.end - ACPI_AREA_START))
			return -1;
	}
	memset(area, 0, l.end - ACPI_AREA_START);

	t = area + (l.facs - ACPI_AREA_START);		/* no checksum, no common header */
	memcpy(t, "FACS", 4);
	wr32(t + 4, FACS_SIZE);
	t[32] = 2;					/* version */

	t = acpi_header(area, l.dsdt, "DSDT", (uint32_t)(HDR_SIZE + l.dsdt_aml + aml_len), 2);
	memcpy(t + HDR_SIZE, dsdt_aml, sizeof(dsdt_aml));
	if (l.dsdt_aml > sizeof(dsdt_aml))
		memcpy(t + HDR_SIZE + sizeof(dsdt_aml), dsdt_s3_aml, sizeof(dsdt_s3_aml));
	if (aml_len)
		memcpy(t + HDR_SIZE + l.dsdt_aml, aml, aml_len);
	acpi_table_seal(t);

	acpi_write_fadt(area, &l);
	acpi_write_madt(area, &l, nr_cpus);
	if (hest)
		acpi_write_hest(area, &l, ack, block);

	t = acpi_header(area, l.rsdt, "RSDT", HDR_SIZE + l.nr_tables * 4, 1);
	wr32(t + HDR_SIZE, (uint32_t)l.fadt);
	wr32(t + HDR_SIZE + 4, (uint32_t)l.madt);
	if (hest)
		wr32(t + HDR_SIZE + 8, (uint32_t)l.hest);
	acpi_table_seal(t);

	t = acpi_header(area, l.xsdt, "XSDT", HDR_SIZE + l.nr_tables * 8, 1);
	wr64(t + HDR_SIZE, l.fadt);
	wr64(t + HDR_SIZE + 8, l.madt);
	if (hest)
		wr64(t + HDR_SIZE + 16, l.hest);
	acpi_table_seal(t);

	acpi_rsdp(area + (l.rsdp - ACPI_AREA_START), (uint32_t)l.rsdt, l.xsdt);

	if (slot)
		wr64(slot, l.rsdp);
	return 0;
}
