/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_X86_ACPI_H
#define LKVM_X86_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/ghes.h"
#include "lkvm/mem.h"

/*
 * ACPI tables for x86 guests: RSDP, RSDT and XSDT, a full (not
 * hardware-reduced) FADT with its FACS (the S3 waking vector), a DSDT
 * holding \_S5_ and, for one vCPU, \_S3_ (x86/sleep.c), the MADT, and for
 * AMD guests a HEST. They live in the BIOS area that Linux scans for the
 * RSDP and that every memory map lkvm hands out (e820, PVH, multiboot)
 * marks reserved, below the MP table at 0xf0000, which stays for guests
 * without ACPI.
 */
#define ACPI_AREA_START		0xe0000ULL	/* the RSDP is first, 16-byte aligned */
#define ACPI_AREA_END		0xf0000ULL	/* MPTABLE_ADDR */
#define ACPI_RSDP_ADDR		ACPI_AREA_START
#define ACPI_FACS_ADDR		0xe0040ULL	/* right after the RSDP, 64-byte aligned */

/*
 * The GHES source of AMD guests (lkvm/ghes.h, docs/ras.md section 3): one
 * GHESv2 source, id GHES_SRC_POLL, polled every GHES_POLL_MS. Its read ack
 * register and error status block are RAM at the top of the same area
 * (GHES_ACK_REG/GHES_BLOCK from X86_GHES_BASE; the tables end below it);
 * its error status address register is an MMIO register lkvm answers
 * (x86/ghes.c), so lkvm sees the guest poll.
 */
#define X86_GHES_BASE		0xec000ULL
#define X86_GHES_SRC		GHES_SRC_POLL
#define X86_GHES_ACK		(X86_GHES_BASE + GHES_ACK_REG(X86_GHES_SRC))
#define X86_GHES_BLOCK		(X86_GHES_BASE + GHES_BLOCK(X86_GHES_SRC))
#define X86_GHES_STATUS_REG	0xcffff000ULL	/* in the hole below the device MMIO */
#define ACPI_TABLES_END		X86_GHES_BASE

/* The fixed hardware the FADT describes (x86/platform.c emulates it). */
#define ACPI_PM1A_EVT_PORT	0x600		/* PM1 status (2 bytes), enable (2 bytes) */
#define ACPI_PM1A_EVT_LEN	4
#define ACPI_PM1A_CNT_PORT	0x604
#define ACPI_PM1A_CNT_LEN	2
#define ACPI_PM1_SCI_EN		(1u << 0)	/* PM1_CNT: reads 1, always in ACPI mode */
#define ACPI_PM1_SLP_TYP_SHIFT	10		/* PM1_CNT bits 10-12 */
#define ACPI_PM1_SLP_EN		(1u << 13)
#define ACPI_S5_SLP_TYP		5		/* \_S5_'s value: SLP_TYP for soft-off */
#define ACPI_S3_SLP_TYP		1		/* \_S3_'s (one-vCPU guests): suspend to RAM */
#define ACPI_PM1_WAK_STS	(1u << 15)	/* PM1 status: woken from a sleep state */
#define ACPI_SCI_IRQ		9
#define ACPI_RESET_PORT		0x64		/* the i8042's command port */
#define ACPI_RESET_VALUE	0xfe

/*
 * Write the tables for nr_cpus vCPUs (APIC ids 0..nr_cpus-1) into guest RAM
 * through the memory map. When rsdp_slot is not 0 it is the guest address
 * of the 64-bit field where the kernel's boot protocol looks for the RSDP
 * (hvm_start_info.rsdp_paddr, boot_params.acpi_rsdp_addr); the RSDP's
 * address is stored there. Returns 0, or -1 with nothing written when RAM
 * does not hold the tables or the slot.
 */
int acpi_write(struct mem_map *m, unsigned int nr_cpus, uint64_t rsdp_slot);
/* The same, with aml_len bytes of AML appended to the DSDT's body. */
int acpi_write_dsdt(struct mem_map *m, unsigned int nr_cpus, uint64_t rsdp_slot,
		    const uint8_t *aml, size_t aml_len);
/*
 * The same, and with hest a HEST with the GHES source above (in the RSDT
 * and XSDT after the FADT and MADT), its read ack register set (free) and
 * its block cleared.
 */
int acpi_write_tables(struct mem_map *m, unsigned int nr_cpus, uint64_t rsdp_slot,
		      const uint8_t *aml, size_t aml_len, bool hest);
#endif
