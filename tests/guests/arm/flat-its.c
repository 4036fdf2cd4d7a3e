// SPDX-License-Identifier: GPL-2.0
/*
 * The test guest's "its" mode: one MSI through the GICv3 ITS of
 * --irqchip gicv3-its, the whole round trip a Linux driver makes. It finds
 * the redistributors and the ITS in the device tree, gives vCPU 0's
 * redistributor an LPI configuration and pending table, gives the ITS its
 * device and collection tables and a command queue, then MAPD (device 0, an
 * ITT), MAPC (collection 0 to vCPU 0), MAPTI (event 0 to LPI 8192), INT
 * (the MSI device 0 would write) and SYNC; the LPI must then be pending at
 * the CPU interface and ICC_IAR1_EL1 must hand out INTID 8192.
 * Interrupts stay masked (PSTATE.I): the LPI is taken by acknowledging it.
 * Lines: "its: ..." steps, then "its: LPI 8192 taken ok" or "its: BAD ...".
 */
#include <stdint.h>

#include "flat.h"

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_TYPER_LPIS	(1u << 17)
#define GICR_CTLR	0x0000
#define GICR_TYPER	0x0008
#define GICR_PROPBASER	0x0070
#define GICR_PENDBASER	0x0078
#define GITS_CTLR	0x0000
#define GITS_TYPER	0x0008
#define GITS_CBASER	0x0080
#define GITS_CWRITER	0x0088
#define GITS_CREADR	0x0090
#define GITS_BASER	0x0100
#define BASER_TYPE(v)	((unsigned int)((v) >> 56) & 7)
#define BASER_DEVICE	1
#define BASER_COLL	4
#define VALID		(1ull << 63)

#define LPI		8192
#define LPI_ID_BITS	14		/* INTIDs below 16384: LPIs 8192..16383 */

/* Tables in RAM above the guest's image, each 64 KiB aligned (KVM's ITS page size). */
#define TABLES		0x81000000ull
#define PROP_TABLE	(TABLES + 0x00000)
#define PEND_TABLE	(TABLES + 0x10000)
#define DEV_TABLE	(TABLES + 0x20000)
#define COLL_TABLE	(TABLES + 0x30000)
#define CMD_QUEUE	(TABLES + 0x40000)
#define ITT		(TABLES + 0x50000)

static uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)(uintptr_t)a;
}

static uint64_t rd64(uint64_t a)
{
	return *(volatile uint64_t *)(uintptr_t)a;
}

static void wr32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)a = v;
}

static void wr64(uint64_t a, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)a = v;
}

static int bad(const char *why, uint64_t v)
{
	flat_puts("its: BAD ");
	flat_puts(why);
	flat_puts(" ");
	flat_hex(v);
	flat_puts("\r\n");
	return 1;
}

static unsigned int cmd_slot;

/* One command (4 doublewords) into the queue; CWRITER moves past it. */
static void its_cmd(uint64_t its, uint64_t d0, uint64_t d1, uint64_t d2)
{
	uint64_t at = CMD_QUEUE + 32ull * cmd_slot++;

	wr64(at, d0);
	wr64(at + 8, d1);
	wr64(at + 16, d2);
	wr64(at + 24, 0);
	__asm__ volatile("dsb sy" ::: "memory");
	wr64(its + GITS_CWRITER, 32ull * cmd_slot);
}

static int its_wait(uint64_t its)
{
	for (int i = 0; i < 100000; i++)
		if (rd64(its + GITS_CREADR) == 32ull * cmd_slot)
			return 0;
	return bad("the command queue did not drain: CREADR", rd64(its + GITS_CREADR));
}

static int its_tables(uint64_t its)
{
	int found = 0;

	for (int i = 0; i < 8; i++) {
		uint64_t reg = its + GITS_BASER + 8 * i, v = rd64(reg);

		/* Keep type, entry size, page size (64 KiB); one page, valid. */
		if (BASER_TYPE(v) == BASER_DEVICE) {
			wr64(reg, (v & ~0xffull & ~(0xfffffffffull << 12)) | DEV_TABLE | VALID);
			found |= 1;
		} else if (BASER_TYPE(v) == BASER_COLL) {
			wr64(reg, (v & ~0xffull & ~(0xfffffffffull << 12)) | COLL_TABLE | VALID);
			found |= 2;
		}
	}
	return found == 3 ? 0 : bad("GITS_BASER lacks a device or collection table:", found);
}

int flat_its(uint64_t gicd, uint64_t gicr, uint64_t its)
{
	uint64_t rdbase, iar = 1023;

	if (!its)
		return bad("no arm,gic-v3-its node in the device tree", 0);
	flat_puts("its: GITS at ");
	flat_hex(its);
	flat_puts(", GICR at ");
	flat_hex(gicr);
	flat_puts("\r\n");
	if (!(rd32(gicd + GICD_TYPER) & GICD_TYPER_LPIS))
		return bad("GICD_TYPER has no LPIs:", rd32(gicd + GICD_TYPER));
	if (!(rd64(its + GITS_TYPER) & 1))
		return bad("GITS_TYPER has no physical LPIs:", rd64(its + GITS_TYPER));
	wr32(gicd + GICD_CTLR, 0x12);			/* ARE, Group 1 enabled */
	/* LPI 8192: priority 0xa0, enabled; then the redistributor's tables. */
	*(volatile uint8_t *)(uintptr_t)PROP_TABLE = 0xa0 | 1;
	wr64(gicr + GICR_PROPBASER, PROP_TABLE | (LPI_ID_BITS - 1));
	wr64(gicr + GICR_PENDBASER, PEND_TABLE | 1ull << 62);	/* PTZ: it is zero */
	wr32(gicr + GICR_CTLR, 1);			/* EnableLPIs */
	/* The CPU interface: every priority, Group 1 on. */
	__asm__ volatile("msr S3_0_C4_C6_0, %0\n"		/* ICC_PMR_EL1 */
			 "msr S3_0_C12_C12_7, %1\nisb"		/* ICC_IGRPEN1_EL1 */
			 : : "r"(0xffull), "r"(1ull));
	if (its_tables(its))
		return 1;
	wr64(its + GITS_CBASER, CMD_QUEUE | 15 | VALID);	/* 16 pages of 4 KiB */
	wr64(its + GITS_CWRITER, 0);
	wr32(its + GITS_CTLR, 1);			/* Enabled */
	/* GITS_TYPER.PTA 0: a collection targets a processor number (GICR_TYPER[23:8]). */
	rdbase = (rd64(gicr + GICR_TYPER) >> 8) & 0xffff;
	its_cmd(its, 0x08, 4, ITT | VALID);		/* MAPD dev 0, 5 event bits */
	its_cmd(its, 0x09, 0, rdbase << 16 | 0 | VALID);	/* MAPC coll 0 */
	its_cmd(its, 0x0a, (uint64_t)LPI << 32 | 0, 0);	/* MAPTI dev 0 ev 0 -> LPI, coll 0 */
	its_cmd(its, 0x05, 0, rdbase << 16);		/* SYNC */
	if (its_wait(its))
		return 1;
	flat_puts("its: mapped device 0 event 0 to LPI 8192\r\n");
	its_cmd(its, 0x03, 0, 0);			/* INT dev 0 ev 0: the MSI */
	its_cmd(its, 0x05, 0, rdbase << 16);
	if (its_wait(its))
		return 1;
	for (int i = 0; i < 100000 && iar == 1023; i++)
		__asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar));	/* ICC_IAR1_EL1 */
	if ((iar & 0xffffff) != LPI)
		return bad("ICC_IAR1_EL1 gave INTID", iar);
	__asm__ volatile("msr S3_0_C12_C12_1, %0\nisb" : : "r"(iar));	/* ICC_EOIR1_EL1 */
	flat_puts("its: LPI 8192 taken ok\r\n");
	return 0;
}
