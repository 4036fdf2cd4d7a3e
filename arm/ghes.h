/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_GHES_H
#define LKVM_ARM_GHES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The GHESv2 error sources of an ACPI-booted arm64 guest and the guest
 * memory behind them (docs/arm64-acpi.md). The area is GHES_AREA_SIZE
 * bytes of RAM that the EFI memory map marks ACPI NVS (the guest maps it,
 * never allocates it):
 *
 *   +0x000 + 8 * i   error status address register of source i: the
 *                    guest address of its error status block (fixed)
 *   +0x100 + 8 * i   read ack register of source i: bit 0 is 1 when the
 *                    guest has acknowledged the last record (GHESv2)
 *   +0x1000 + GHES_BLOCK_SIZE * i
 *                    error status block of source i, GHES_BLOCK_SIZE bytes
 *
 * Source GHES_SRC_SEA is notified by a synchronous external abort (errors
 * a vCPU consumed). Sources GHES_SRC_POLL .. GHES_SRC_POLL + GHES_NR_POLL - 1
 * are polled by the guest every GHES_POLL_MS (errors nothing consumed
 * yet): each holds one record until the guest acknowledges it, so several
 * sources let a burst (16 guest pages of one 64 KiB host page) reach the
 * guest in one poll instead of one record per poll. Linux starts their
 * timers one after the other at probe and re-arms each for the same
 * interval, so they expire in the same tick: one wake-up per period.
 */
#define GHES_AREA_SIZE		0x10000ULL
#define GHES_NR_POLL		16u
#define GHES_NR_SOURCES		(1 + GHES_NR_POLL)
#define GHES_SRC_SEA		0u
#define GHES_SRC_POLL		1u
#define GHES_ADDR_REG(i)	(0x000ULL + 8 * (i))
#define GHES_ACK_REG(i)		(0x100ULL + 8 * (i))
#define GHES_BLOCK_SIZE		0x800U
#define GHES_BLOCK(i)		(0x1000ULL + (uint64_t)GHES_BLOCK_SIZE * (i))
#define GHES_POLL_MS		100u

/* HEST notification types (ACPI 6.x table 18.14). */
#define HEST_NOTIFY_POLLED	0
#define HEST_NOTIFY_SEA		8

/* The entry of HEST source i (GHESv2, 92 bytes) at p, for an area at base. */
#define HEST_GHES_V2_SIZE	92
void ghes_hest_entry(uint8_t *p, unsigned int i, uint64_t base);

/* Fill a fresh area (GHES_AREA_SIZE bytes at area, guest address base). */
void ghes_area_init(uint8_t *area, uint64_t base);

/*
 * One error status block reporting an uncorrected, recoverable memory
 * error at guest physical address gpa: the block header (status: one
 * uncorrectable entry), a generic error data entry (revision 3.0) and a
 * CPER platform memory error section with the physical address (and its
 * page mask) valid, which Linux's GHES driver hands to memory_failure().
 * The block's first 4 bytes (block status) are what makes it visible to
 * the guest: write them last.
 */
#define GHES_STATUS_SIZE	20
#define GHES_DATA_SIZE		72
#define CPER_MEM_SIZE		80
#define GHES_RECORD_SIZE	(GHES_STATUS_SIZE + GHES_DATA_SIZE + CPER_MEM_SIZE)
void ghes_record(uint8_t rec[GHES_RECORD_SIZE], uint64_t gpa);

/* The read ack register's value once the guest acknowledged (bit 0 set). */
static inline bool ghes_ack_done(uint64_t ack)
{
	return ack & 1;
}

/*
 * The source a new record goes to, from every source's read ack register
 * (ack[i], GHES_NR_SOURCES of them): the SEA source for an error a vCPU
 * consumed, else the lowest polled source the guest has acknowledged;
 * -1 while that source (or every polled one) still holds an unread record.
 */
int ghes_pick_source(bool consumed, const uint64_t ack[GHES_NR_SOURCES]);

#endif
