/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_EFI_H
#define LKVM_ARM_EFI_H

#include <stddef.h>
#include <stdint.h>

/*
 * The least of UEFI an arm64 Linux needs to boot with ACPI and no
 * firmware (docs/arm64-acpi.md): a system table whose configuration
 * tables give the RSDP (ACPI 2.0 GUID) and say that no runtime service
 * exists (EFI_RT_PROPERTIES_TABLE, mask 0), and a memory map (version 1)
 * in which RAM is conventional memory, the firmware tables ACPI reclaim
 * memory and the GHES area ACPI NVS, all write-back. The kernel finds both
 * through /chosen's linux,uefi-* properties, as the EFI stub hands them.
 */
struct arm_efi_desc {
	uint64_t ram_base, ram_size;
	uint64_t tables_base, tables_size;	/* ACPI reclaim: this block, the ACPI tables */
	uint64_t ghes_base, ghes_size;		/* ACPI NVS */
	uint64_t rsdp;
};

/* What /chosen says (its linux,uefi-* properties). */
struct arm_efi_info {
	uint64_t systab, mmap;
	uint32_t mmap_size, desc_size, desc_ver;
};

#define ARM_EFI_SIZE		0x1000	/* bytes arm_efi_build() writes */
#define EFI_DESC_SIZE		48	/* as firmware gives it (the struct is 40) */
#define EFI_MEM_CONVENTIONAL	7
#define EFI_MEM_ACPI_RECLAIM	9
#define EFI_MEM_ACPI_NVS	10
#define EFI_MEMORY_WB		0x8ULL
#define EFI_PAGE_SIZE		4096ULL

/*
 * Write the system table, its configuration tables and the memory map
 * into buf (ARM_EFI_SIZE bytes), which the guest sees at gpa (inside the
 * tables range). Returns 0 and fills *out, or -1 when the ranges are not
 * page-aligned, do not lie in RAM in the order RAM, tables, GHES area, or
 * overlap.
 */
int arm_efi_build(const struct arm_efi_desc *d, uint8_t *buf, uint64_t gpa,
		  struct arm_efi_info *out);

#endif
