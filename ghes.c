// SPDX-License-Identifier: GPL-2.0
/*
 * GHESv2 error sources for ACPI guests (lkvm/ghes.h): the HEST entries,
 * the registers and blocks behind them, the CPER record of a memory error
 * and its delivery. The layouts are ACPI 6.x 18.3.2.8 (GHESv2) and UEFI 2.x
 * appendix N (CPER); Linux reads them in drivers/acpi/apei/ghes.c.
 */
#include <string.h>

#include "lkvm/acpi-table.h"
#include "lkvm/ghes.h"
#include "lkvm/io-bus.h"
#include "lkvm/mem.h"

#define HEST_TYPE_GHES_V2	10
#define HEST_NOTIFY_SIZE	28
#define READ_ACK_PRESERVE	(~1ULL)		/* the guest keeps every bit but 0 */
#define READ_ACK_WRITE		1ULL		/* and sets bit 0 */

/* Block status: uncorrectable error valid, one error data entry. */
#define BLOCK_UE_VALID		(1u << 0)
#define BLOCK_ENTRY_COUNT(n)	((uint32_t)(n) << 4)
#define CPER_SEV_RECOVERABLE	0
#define GHES_DATA_REV_300	0x300
/* CPER memory error validation bits: physical address, its mask, the error type. */
#define CPER_MEM_VALID_PA	(1ULL << 1)
#define CPER_MEM_VALID_PA_MASK	(1ULL << 2)
#define CPER_MEM_VALID_TYPE	(1ULL << 14)
#define CPER_MEM_MULTI_BIT_ECC	3
#define PAGE_MASK_4K		(~0xfffULL)

/* CPER_SEC_PLATFORM_MEM, a5bc1114-6f64-4ede-b863-3e83ed7c83b1, as EFI lays a GUID out. */
static const uint8_t cper_sec_platform_mem[16] = {
	0x14, 0x11, 0xbc, 0xa5, 0x64, 0x6f, 0xde, 0x4e,
	0xb8, 0x63, 0x3e, 0x83, 0xed, 0x7c, 0x83, 0xb1,
};

void ghes_hest_entry_at(uint8_t *p, uint16_t id, uint8_t notify, uint64_t status_reg,
			uint64_t ack_reg)
{
	uint8_t *n = p + 32;			/* the notification structure */

	memset(p, 0, HEST_GHES_V2_SIZE);
	acpi_put16(p, HEST_TYPE_GHES_V2);
	acpi_put16(p + 2, id);			/* source id */
	acpi_put16(p + 4, 0xffff);		/* related source: none */
	p[7] = 1;				/* enabled */
	acpi_put32(p + 8, 1);			/* records to pre-allocate */
	acpi_put32(p + 12, 1);			/* max sections per record */
	acpi_put32(p + 16, GHES_BLOCK_SIZE);	/* max raw data length */
	acpi_gas(p + 20, ACPI_GAS_MEMORY, 64, ACPI_ACCESS_QWORD, status_reg);
	n[0] = notify;
	n[1] = HEST_NOTIFY_SIZE;
	if (notify == HEST_NOTIFY_POLLED)
		acpi_put32(n + 4, GHES_POLL_MS);
	acpi_put32(p + 60, GHES_BLOCK_SIZE);
	acpi_gas(p + 64, ACPI_GAS_MEMORY, 64, ACPI_ACCESS_QWORD, ack_reg);
	acpi_put64(p + 76, READ_ACK_PRESERVE);
	acpi_put64(p + 84, READ_ACK_WRITE);
}

void ghes_hest_entry(uint8_t *p, unsigned int i, uint64_t base)
{
	ghes_hest_entry_at(p, (uint16_t)i, i == GHES_SRC_SEA ? HEST_NOTIFY_SEA : HEST_NOTIFY_POLLED,
			   base + GHES_ADDR_REG(i), base + GHES_ACK_REG(i));
}

void ghes_area_init(uint8_t *area, uint64_t base)
{
	memset(area, 0, GHES_AREA_SIZE);
	for (unsigned int i = 0; i < GHES_NR_SOURCES; i++) {
		acpi_put64(area + GHES_ADDR_REG(i), base + GHES_BLOCK(i));
		acpi_put64(area + GHES_ACK_REG(i), GHES_ACK_FREE);	/* free for a record */
	}
}

int ghes_pick_source(bool consumed, const uint64_t ack[GHES_NR_SOURCES])
{
	if (consumed)
		return ghes_ack_done(ack[GHES_SRC_SEA]) ? (int)GHES_SRC_SEA : -1;
	for (unsigned int i = GHES_SRC_POLL; i < GHES_SRC_POLL + GHES_NR_POLL; i++)
		if (ghes_ack_done(ack[i]))
			return (int)i;
	return -1;
}

void ghes_record(uint8_t rec[GHES_RECORD_SIZE], uint64_t gpa)
{
	uint8_t *data = rec + GHES_STATUS_SIZE, *mem = data + GHES_DATA_SIZE;

	memset(rec, 0, GHES_RECORD_SIZE);
	acpi_put32(rec, BLOCK_UE_VALID | BLOCK_ENTRY_COUNT(1));
	acpi_put32(rec + 12, GHES_DATA_SIZE + CPER_MEM_SIZE);	/* data length */
	acpi_put32(rec + 16, CPER_SEV_RECOVERABLE);

	memcpy(data, cper_sec_platform_mem, 16);
	acpi_put32(data + 16, CPER_SEV_RECOVERABLE);
	acpi_put16(data + 20, GHES_DATA_REV_300);
	acpi_put32(data + 24, CPER_MEM_SIZE);

	acpi_put64(mem, CPER_MEM_VALID_PA | CPER_MEM_VALID_PA_MASK | CPER_MEM_VALID_TYPE);
	acpi_put64(mem + 16, gpa);
	acpi_put64(mem + 24, PAGE_MASK_4K);
	mem[72] = CPER_MEM_MULTI_BIT_ECC;
}

int ghes_source_busy(const struct mem_map *m, uint64_t ack_gpa, bool *busy)
{
	uint8_t ack[8];
	int err = mem_read(m, ack_gpa, ack, sizeof(ack), "GHES read ack");

	*busy = !err && !ghes_ack_done(io_data_get(ack, 8));
	return err;
}

int ghes_deliver(const struct mem_map *m, uint64_t ack_gpa, uint64_t block_gpa, uint64_t gpa)
{
	uint8_t rec[GHES_RECORD_SIZE], zero[8] = { 0 };
	int err;

	ghes_record(rec, gpa & ~0xfffULL);	/* the guest's 4 KiB page */
	err = mem_write(m, ack_gpa, zero, sizeof(zero), "GHES read ack");
	if (!err)
		err = mem_write(m, block_gpa + 4, rec + 4, sizeof(rec) - 4, "GHES record");
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (!err)
		err = mem_write(m, block_gpa, rec, 4, "GHES record");
	return err;
}
