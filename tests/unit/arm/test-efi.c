// SPDX-License-Identifier: GPL-2.0
/*
 * An ACPI boot's hand-over: the EFI system table, configuration tables and
 * memory map (arm/efi.c) as Linux's efi_init() reads them, the /chosen-only
 * device tree that points to them (arm/devtree.c), and the GHES area and
 * CPER memory-error record (ghes.c) as ghes.c reads them.
 */
#include <check.h>
#include <libfdt.h>
#include <string.h>

#include "arm-suites.h"
#include "devtree.h"
#include "efi.h"
#include "lkvm/ghes.h"
#include "lkvm/io-bus.h"

#define RAM		ARM_RAM_BASE
#define RAM_SIZE	(256ULL << 20)
#define FW		(RAM + RAM_SIZE - ARM_FW_AREA_SIZE)
#define GHES		(RAM + RAM_SIZE - GHES_AREA_SIZE)

static uint8_t buf[GHES_AREA_SIZE];

static uint64_t get(const uint8_t *p, unsigned int n)
{
	return io_data_get(p, n);
}

static struct arm_efi_desc efi_desc(void)
{
	return (struct arm_efi_desc){
		.ram_base = RAM, .ram_size = RAM_SIZE, .tables_base = FW,
		.tables_size = GHES - FW, .ghes_base = GHES, .ghes_size = GHES_AREA_SIZE,
		.rsdp = FW + ARM_EFI_SIZE,
	};
}

START_TEST(test_efi_systab_and_map)
{
	struct arm_efi_desc d = efi_desc();
	struct arm_efi_info o;
	const uint8_t *st, *cfg, *md;
	static const uint32_t type[] = { 7, 9, 10 };
	const uint64_t base[] = { RAM, FW, GHES }, end[] = { FW, GHES, RAM + RAM_SIZE };

	ck_assert_int_eq(arm_efi_build(&d, buf, FW, &o), 0);
	ck_assert_uint_eq(o.systab, FW);
	st = buf + (o.systab - FW);
	ck_assert_mem_eq(st, "IBI SYST", 8);
	ck_assert_uint_eq(get(st + 8, 4) >> 16, 2);		/* efi_systab_check_header: >= 2 */
	ck_assert_uint_eq(get(st + 104, 8), 2);			/* two configuration tables */
	cfg = buf + (get(st + 112, 8) - FW);
	ck_assert_mem_eq(cfg, "\x71\xe8\x68\x88\xf1\xe4\xd3\x11", 8);	/* ACPI 2.0 */
	ck_assert_uint_eq(get(cfg + 16, 8), d.rsdp);
	ck_assert_mem_eq(cfg + 24, "\x8a\x91\x66\xeb", 4);	/* RT properties */
	ck_assert_uint_eq(get(buf + (get(cfg + 40, 8) - FW) + 4, 4), 0);	/* no service */
	ck_assert_mem_eq(buf + (get(st + 24, 8) - FW), "l\0k\0v\0m\0\0", 10);
	ck_assert_uint_eq(o.desc_ver, 1);
	ck_assert_uint_eq(o.desc_size, EFI_DESC_SIZE);
	ck_assert_uint_eq(o.mmap_size, 3 * EFI_DESC_SIZE);
	ck_assert_uint_ge(o.mmap, FW);
	ck_assert_uint_le(o.mmap + o.mmap_size, FW + ARM_EFI_SIZE);
	for (int i = 0; i < 3; i++) {
		md = buf + (o.mmap - FW) + EFI_DESC_SIZE * i;
		ck_assert_uint_eq(get(md, 4), type[i]);
		ck_assert_uint_eq(get(md + 8, 8), base[i]);
		ck_assert_uint_eq(get(md + 24, 8) * 4096, end[i] - base[i]);
		ck_assert_uint_eq(get(md + 32, 8), EFI_MEMORY_WB);	/* not runtime */
	}
}
END_TEST

START_TEST(test_efi_refused)
{
	struct arm_efi_desc d = efi_desc();
	struct arm_efi_info o;

	d.ghes_base += 1;					/* not page-aligned */
	ck_assert_int_eq(arm_efi_build(&d, buf, FW, &o), -1);
	d = efi_desc();
	d.tables_size += 4096;					/* runs into the GHES area */
	ck_assert_int_eq(arm_efi_build(&d, buf, FW, &o), -1);
	d = efi_desc();
	d.ram_size -= 4096;					/* GHES area past RAM's end */
	ck_assert_int_eq(arm_efi_build(&d, buf, FW, &o), -1);
	d = efi_desc();
	ck_assert_int_eq(arm_efi_build(&d, buf, GHES - 2048, &o), -1);	/* block outside */
}
END_TEST

/* Only /chosen, so that Linux prefers ACPI; the uefi properties in it. */
START_TEST(test_devtree_acpi_boot)
{
	static uint8_t blob[8192];
	struct arm_efi_info efi = { 0x8ff00000, 0x8ff00200, 144, 48, 1 };
	struct arm_fdt_desc d = {
		.nr_cpus = 2, .ram_base = RAM, .ram_size = RAM_SIZE, .gic = ARM_IRQCHIP_GICV3,
		.bootargs = "console=ttyS0", .initrd_start = 0x8fc00000, .initrd_size = 0x1000,
		.efi = &efi,
	};
	int node, len;
	const fdt32_t *p32;
	const fdt64_t *p64;

	ck_assert_int_eq(arm_fdt_build(&d, blob, sizeof(blob)), 0);
	node = fdt_first_subnode(blob, 0);
	ck_assert_str_eq(fdt_get_name(blob, node, NULL), "chosen");
	ck_assert_int_lt(fdt_next_subnode(blob, node), 0);
	p64 = fdt_getprop(blob, node, "linux,uefi-system-table", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt64_to_cpu(*p64), 0x8ff00000);
	p64 = fdt_getprop(blob, node, "linux,uefi-mmap-start", &len);
	ck_assert_uint_eq(fdt64_to_cpu(*p64), 0x8ff00200);
	p32 = fdt_getprop(blob, node, "linux,uefi-mmap-size", &len);
	ck_assert_uint_eq(fdt32_to_cpu(*p32), 144);
	p32 = fdt_getprop(blob, node, "linux,uefi-mmap-desc-size", &len);
	ck_assert_uint_eq(fdt32_to_cpu(*p32), 48);
	p32 = fdt_getprop(blob, node, "linux,uefi-mmap-desc-ver", &len);
	ck_assert_uint_eq(fdt32_to_cpu(*p32), 1);
	/* Debian's kernels want it too (their own patch), or ignore all five. */
	p32 = fdt_getprop(blob, node, "linux,uefi-secure-boot", &len);
	ck_assert_ptr_nonnull(p32);
	ck_assert_int_eq(len, 4);
	ck_assert_uint_eq(fdt32_to_cpu(*p32), 0);
	ck_assert_str_eq(fdt_getprop(blob, node, "bootargs", NULL), "console=ttyS0");
	ck_assert_ptr_nonnull(fdt_getprop(blob, node, "linux,initrd-start", NULL));
}
END_TEST

START_TEST(test_ghes_area)
{
	ghes_area_init(buf, GHES);
	for (unsigned int i = 0; i < GHES_NR_SOURCES; i++) {
		ck_assert_uint_eq(get(buf + GHES_ADDR_REG(i), 8), GHES + GHES_BLOCK(i));
		ck_assert(ghes_ack_done(get(buf + GHES_ACK_REG(i), 8)));	/* free */
		ck_assert_uint_eq(get(buf + GHES_BLOCK(i), 4), 0);	/* no record */
		ck_assert_uint_le(GHES_BLOCK(i) + GHES_BLOCK_SIZE, GHES_AREA_SIZE);
		ck_assert_uint_ge(GHES_BLOCK(i), 0x1000);	/* past the registers */
		if (i)
			ck_assert_uint_ge(GHES_BLOCK(i), GHES_BLOCK(i - 1) + GHES_BLOCK_SIZE);
	}
	ck_assert_uint_ge(GHES_BLOCK_SIZE, GHES_RECORD_SIZE);
	ck_assert_uint_le(GHES_ACK_REG(GHES_NR_SOURCES), 0x1000);
}
END_TEST

/*
 * Which source a record goes to: a consumed error only to the SEA source;
 * others to the lowest acknowledged polled source, so 16 records (a 64 KiB
 * host page's guest pages) are out at once; none while all are unread.
 */
START_TEST(test_ghes_pick_source)
{
	uint64_t ack[GHES_NR_SOURCES];

	for (unsigned int i = 0; i < GHES_NR_SOURCES; i++)
		ack[i] = 1;
	ck_assert_int_eq(ghes_pick_source(true, ack), GHES_SRC_SEA);
	ck_assert_int_eq(ghes_pick_source(false, ack), GHES_SRC_POLL);
	for (unsigned int k = 0; k < 16; k++) {
		int src = ghes_pick_source(false, ack);

		ck_assert_int_eq(src, (int)(GHES_SRC_POLL + k));	/* one record each */
		ack[src] = 0;					/* ghes_deliver clears it */
	}
	ck_assert_int_eq(ghes_pick_source(false, ack), -1);	/* the 17th waits */
	ck_assert_int_eq(ghes_pick_source(true, ack), GHES_SRC_SEA);	/* not the SEA's */
	ack[GHES_SRC_POLL + 5] = ~0ULL;				/* the guest read one */
	ck_assert_int_eq(ghes_pick_source(false, ack), GHES_SRC_POLL + 5);
	ack[GHES_SRC_SEA] = 0x2;				/* bit 0 clear: unread */
	ck_assert_int_eq(ghes_pick_source(true, ack), -1);
}
END_TEST

/* The fields ghes_handle_memory_failure() decides from. */
START_TEST(test_ghes_record)
{
	uint8_t rec[GHES_RECORD_SIZE];
	const uint8_t *data = rec + 20, *mem = rec + 92;

	ghes_record(rec, 0x81234000ULL);
	ck_assert_uint_eq(get(rec, 4), 0x11);			/* UE valid, one entry */
	ck_assert_uint_eq(get(rec + 12, 4), 72 + 80);		/* data length */
	ck_assert_uint_eq(get(rec + 16, 4), 0);			/* recoverable */
	ck_assert_mem_eq(data, "\x14\x11\xbc\xa5\x64\x6f\xde\x4e\xb8\x63\x3e\x83\xed\x7c\x83\xb1",
			 16);
	ck_assert_uint_eq(get(data + 16, 4), 0);		/* section: recoverable */
	ck_assert_uint_eq(get(data + 20, 2), 0x300);		/* 72-byte entry */
	ck_assert_uint_eq(get(data + 24, 4), 80);
	ck_assert_uint_eq(get(mem, 8) & 0x2, 0x2);		/* PA valid */
	ck_assert_uint_eq(get(mem + 16, 8), 0x81234000ULL);
	ck_assert_uint_eq(get(mem + 24, 8), ~0xfffULL);
	ck_assert_uint_eq(sizeof(rec), 172);
}
END_TEST

Suite *arm_efi_suite(void)
{
	Suite *s = suite_create("arm-efi");
	TCase *tc = tcase_create("hand-over");

	tcase_add_test(tc, test_efi_systab_and_map);
	tcase_add_test(tc, test_efi_refused);
	tcase_add_test(tc, test_devtree_acpi_boot);
	tcase_add_test(tc, test_ghes_area);
	tcase_add_test(tc, test_ghes_record);
	tcase_add_test(tc, test_ghes_pick_source);
	suite_add_tcase(s, tc);
	return s;
}
