/* SPDX-License-Identifier: GPL-2.0 */
/* GHESv2 error sources: HEST entries, their registers and blocks, CPER memory-error records. */
#ifndef LKVM_GHES_H
#define LKVM_GHES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mem_map;

/*
 * The GHESv2 error sources lkvm gives ACPI guests and the guest memory
 * behind them: arm64's (docs/arm64-acpi.md) and x86's one polled source
 * for AMD guests (docs/ras.md, section 3). On arm64 the area is
 * GHES_AREA_SIZE bytes of RAM that the EFI memory map marks ACPI NVS (the
 * guest maps it, never allocates it):
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
/*
 * The same with the registers anywhere: the error status address register
 * at status_reg (x86 puts it in MMIO, to see the guest poll), the read ack
 * register at ack_reg; notify is HEST_NOTIFY_*, polled every GHES_POLL_MS.
 */
void ghes_hest_entry_at(uint8_t *p, uint16_t id, uint8_t notify, uint64_t status_reg,
			uint64_t ack_reg);

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
#define GHES_ACK_FREE		1ULL	/* what the read ack register starts as */

/*
 * In guest RAM (m), through the guarded copy: has the guest acknowledged
 * the last record of the source whose read ack register is at ack_gpa?
 * *busy is true while it has not. 0, or the copy's error.
 */
int ghes_source_busy(const struct mem_map *m, uint64_t ack_gpa, bool *busy);
/*
 * Report a memory error at guest physical gpa (its 4 KiB page) in the
 * source's block at block_gpa: the read ack register cleared first (the
 * block is ours until the guest sets it again), the record's body, and
 * its block status last, the word that makes the guest read it.
 */
int ghes_deliver(const struct mem_map *m, uint64_t ack_gpa, uint64_t block_gpa, uint64_t gpa);

/*
 * The source a new record goes to, from every source's read ack register
 * (ack[i], GHES_NR_SOURCES of them): the SEA source for an error a vCPU
 * consumed, else the lowest polled source the guest has acknowledged;
 * -1 while that source (or every polled one) still holds an unread record.
 */
int ghes_pick_source(bool consumed, const uint64_t ack[GHES_NR_SOURCES]);

#endif
