// SPDX-License-Identifier: GPL-2.0
/*
 * A firmware-less UEFI hand-over for ACPI boots (efi.h). Linux reads the
 * system table once, early (drivers/firmware/efi/efi-init.c uefi_init):
 * its signature and revision, the vendor string, the configuration tables.
 * Runtime services: the RT properties table says none is supported, so
 * Linux registers no EFI variables, RTC or reset through them.
 */
#include <string.h>

#include "efi.h"
#include "lkvm/acpi-table.h"

#define EFI_SYSTAB_SIGNATURE	0x5453595320494249ULL	/* "IBI SYST" */
#define EFI_REVISION_2_70	((2u << 16) | 70)
#define EFI_SYSTAB_SIZE		120
#define EFI_CONFIG_SIZE		24	/* GUID, table address */
#define EFI_NR_CONFIG		2
#define EFI_DESC_VERSION	1

/* Where each piece sits in the block. */
#define OFF_SYSTAB		0x000
#define OFF_VENDOR		0x080	/* UTF-16 "lkvm" */
#define OFF_CONFIG		0x100
#define OFF_RT_PROP		0x180
#define OFF_MMAP		0x200
#define NR_DESC			3

/* ACPI_20_TABLE_GUID 8868e871-e4f1-11d3-bc22-0080c73c8881 */
static const uint8_t acpi20_guid[16] = {
	0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
	0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81,
};
/* EFI_RT_PROPERTIES_TABLE_GUID eb66918a-7eef-402a-842e-931d21c38ae9 */
static const uint8_t rt_prop_guid[16] = {
	0x8a, 0x91, 0x66, 0xeb, 0xef, 0x7e, 0x2a, 0x40,
	0x84, 0x2e, 0x93, 0x1d, 0x21, 0xc3, 0x8a, 0xe9,
};

static void efi_desc(uint8_t *p, uint32_t type, uint64_t base, uint64_t size)
{
	acpi_put32(p, type);
	acpi_put64(p + 8, base);
	acpi_put64(p + 16, 0);				/* virtual address: none */
	acpi_put64(p + 24, size / EFI_PAGE_SIZE);
	acpi_put64(p + 32, EFI_MEMORY_WB);
}

static int aligned(uint64_t v)
{
	return !(v & (EFI_PAGE_SIZE - 1));
}

int arm_efi_build(const struct arm_efi_desc *d, uint8_t *buf, uint64_t gpa,
		  struct arm_efi_info *out)
{
	uint64_t ram_end = d->ram_base + d->ram_size;
	static const char vendor[] = "lkvm";

	if (!aligned(d->ram_base) || !aligned(d->ram_size) || !aligned(d->tables_base) ||
	    !aligned(d->tables_size) || !aligned(d->ghes_base) || !aligned(d->ghes_size) ||
	    d->tables_base <= d->ram_base || d->tables_size < ARM_EFI_SIZE ||
	    d->tables_base + d->tables_size > d->ghes_base || !d->ghes_size ||
	    d->ghes_base + d->ghes_size > ram_end || d->ghes_base + d->ghes_size < d->ghes_base ||
	    gpa < d->tables_base || gpa + ARM_EFI_SIZE > d->tables_base + d->tables_size)
		return -1;
	memset(buf, 0, ARM_EFI_SIZE);

	acpi_put64(buf + OFF_SYSTAB, EFI_SYSTAB_SIGNATURE);
	acpi_put32(buf + OFF_SYSTAB + 8, EFI_REVISION_2_70);
	acpi_put32(buf + OFF_SYSTAB + 12, EFI_SYSTAB_SIZE);	/* header size */
	acpi_put64(buf + OFF_SYSTAB + 24, gpa + OFF_VENDOR);
	acpi_put64(buf + OFF_SYSTAB + 104, EFI_NR_CONFIG);
	acpi_put64(buf + OFF_SYSTAB + 112, gpa + OFF_CONFIG);
	for (size_t i = 0; i < sizeof(vendor); i++)
		acpi_put16(buf + OFF_VENDOR + 2 * i, (uint16_t)vendor[i]);

	memcpy(buf + OFF_CONFIG, acpi20_guid, 16);
	acpi_put64(buf + OFF_CONFIG + 16, d->rsdp);
	memcpy(buf + OFF_CONFIG + EFI_CONFIG_SIZE, rt_prop_guid, 16);
	acpi_put64(buf + OFF_CONFIG + EFI_CONFIG_SIZE + 16, gpa + OFF_RT_PROP);
	acpi_put16(buf + OFF_RT_PROP, 1);			/* version */
	acpi_put16(buf + OFF_RT_PROP + 2, 8);			/* length */
	acpi_put32(buf + OFF_RT_PROP + 4, 0);			/* no runtime service */

	/* RAM up to the tables (kernel, initrd, device tree: Linux reserves those). */
	efi_desc(buf + OFF_MMAP, EFI_MEM_CONVENTIONAL, d->ram_base, d->tables_base - d->ram_base);
	efi_desc(buf + OFF_MMAP + EFI_DESC_SIZE, EFI_MEM_ACPI_RECLAIM, d->tables_base,
		 d->ghes_base - d->tables_base);
	efi_desc(buf + OFF_MMAP + 2 * EFI_DESC_SIZE, EFI_MEM_ACPI_NVS, d->ghes_base,
		 ram_end - d->ghes_base);

	*out = (struct arm_efi_info){
		.systab = gpa + OFF_SYSTAB, .mmap = gpa + OFF_MMAP,
		.mmap_size = NR_DESC * EFI_DESC_SIZE, .desc_size = EFI_DESC_SIZE,
		.desc_ver = EFI_DESC_VERSION,
	};
	return 0;
}
