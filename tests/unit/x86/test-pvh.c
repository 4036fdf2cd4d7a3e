// SPDX-License-Identifier: GPL-2.0
/* PVH loader on synthetic ELF64 kernels: notes, segments, start_info. */
#include <check.h>
#include <string.h>

#include "loader-fixture.h"
#include "pvh.h"
#include "x86-suites.h"

#define K_LEN		0x3000
#define NOTE_OFF	0x200
#define SEG_OFF		0x1000
#define SEG_PADDR	0x1000000ULL
#define ENTRY		(SEG_PADDR + 0x40)

static uint8_t k[K_LEN];

/* ELF64 with a PT_NOTE (Xen PHYS32_ENTRY, desc of desc_len bytes) and one PT_LOAD. */
static void make_kernel(uint64_t entry, unsigned int desc_len, uint64_t memsz)
{
	uint8_t *ph = k + 64;

	memset(k, 0, sizeof(k));
	memcpy(k, "\177ELF", 4);
	k[4] = 2;
	k[5] = 1;
	k[6] = 1;
	wr16(k + 16, 2);		/* ET_EXEC */
	wr16(k + 18, 62);		/* EM_X86_64 */
	wr64(k + 32, 64);		/* e_phoff */
	wr16(k + 54, 56);		/* e_phentsize */
	wr16(k + 56, 2);		/* e_phnum */
	wr32(ph, 4);			/* PT_NOTE */
	wr64(ph + 8, NOTE_OFF);
	wr64(ph + 32, 12 + 4 + desc_len);
	wr32(ph + 56, 1);		/* PT_LOAD */
	wr64(ph + 56 + 8, SEG_OFF);
	wr64(ph + 56 + 24, SEG_PADDR);
	wr64(ph + 56 + 32, 0x100);
	wr64(ph + 56 + 40, memsz);
	wr32(k + NOTE_OFF, 4);
	wr32(k + NOTE_OFF + 4, desc_len);
	wr32(k + NOTE_OFF + 8, XEN_ELFNOTE_PHYS32_ENTRY);
	memcpy(k + NOTE_OFF + 12, "Xen", 4);
	if (desc_len == 8)
		wr64(k + NOTE_OFF + 16, entry);
	else
		wr32(k + NOTE_OFF + 16, (uint32_t)entry);
	memset(k + SEG_OFF, 0x5a, 0x100);
}

static struct x86_files files(const char *params, const uint8_t *initrd, size_t isize)
{
	struct x86_files f = {
		.kernel = k, .kernel_size = K_LEN, .kernel_name = "vmlinux",
		.params = params, .initrd = initrd, .initrd_size = isize, .initrd_name = "initrd",
	};

	return f;
}

START_TEST(test_pvh_load)
{
	static const uint8_t rd[5000] = { 7, 7, 7 };
	struct x86_files f;
	const uint8_t *si, *seg;

	make_kernel(ENTRY, 8, 0x2000);
	ck_assert(pvh_probe(k, K_LEN));
	f = files("console=ttyS0", rd, sizeof(rd));
	ck_assert_msg(pvh_load(&map, &f, &boot, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(boot.mode, X86_BOOT_PROT32);
	ck_assert_uint_eq(boot.rip, ENTRY);
	ck_assert_uint_eq(boot.rbx, PVH_START_INFO_ADDR);
	seg = ram + SEG_PADDR;
	ck_assert_uint_eq(seg[0], 0x5a);
	ck_assert_uint_eq(seg[0xff], 0x5a);
	ck_assert_uint_eq(seg[0x100], 0);	/* bss zeroed */
	ck_assert_uint_eq(seg[0x1fff], 0);
	ck_assert_uint_eq(seg[0x2000], FILL);	/* nothing past memsz */
	si = ram + PVH_START_INFO_ADDR;
	ck_assert_uint_eq(rd32(si), 0x336ec578);
	ck_assert_uint_eq(rd32(si + 4), 1);
	ck_assert_uint_eq(rd32(si + 12), 1);
	ck_assert_str_eq((const char *)ram + rd64(si + 24), "console=ttyS0");
	ck_assert_uint_eq(rd64(si + 32), 0);
	/* module 0: the initrd, page-aligned at the top of RAM, bytes copied */
	ck_assert_uint_eq(rd64(ram + rd64(si + 16)), ALIGN_DOWN(RAM_SIZE - sizeof(rd), 4096));
	ck_assert_uint_eq(rd64(ram + rd64(si + 16) + 8), sizeof(rd));
	ck_assert_uint_eq(ram[rd64(ram + rd64(si + 16)) + 2], 7);
	/* memory map: RAM, legacy hole, RAM from 1 MiB */
	ck_assert_uint_eq(rd32(si + 48), 3);
	ck_assert_uint_eq(rd64(ram + rd64(si + 40) + 48), 0x100000);
	ck_assert_uint_eq(rd64(ram + rd64(si + 40) + 56), RAM_SIZE - 0x100000);
	ck_assert_uint_eq(rd32(ram + rd64(si + 40) + 64), 1);
}
END_TEST

START_TEST(test_pvh_note_4_bytes)
{
	struct x86_files f;

	make_kernel(ENTRY, 4, 0x1000);
	f = files(NULL, NULL, 0);
	ck_assert_msg(pvh_load(&map, &f, &boot, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(boot.rip, ENTRY);
	ck_assert_str_eq((const char *)ram + 0x20000, "");
}
END_TEST

START_TEST(test_pvh_errors)
{
	struct x86_files f = files(NULL, NULL, 0);

	make_kernel(0, 8, 0x1000);			/* no entry: not PVH */
	ck_assert(!pvh_probe(k, K_LEN));
	ck_assert_int_eq(pvh_load(&map, &f, &boot, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "PVH entry note"));

	make_kernel(SEG_PADDR + 0x5000, 8, 0x1000);	/* entry outside the segment */
	ck_assert_int_eq(pvh_load(&map, &f, &boot, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "is not in a loaded"));

	make_kernel(ENTRY, 8, RAM_SIZE);		/* segment past the end of RAM */
	ck_assert_int_eq(pvh_load(&map, &f, &boot, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "outside guest RAM; raise --mem"));

	make_kernel(ENTRY, 8, 0x1000);			/* segment past the end of file */
	wr64(k + 64 + 56 + 8, K_LEN - 0x10);
	ck_assert_int_eq(pvh_load(&map, &f, &boot, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "outside the file"));

	make_kernel(ENTRY, 8, 0x1000);			/* note size runs off the file */
	wr64(k + 64 + 32, K_LEN);
	ck_assert(!pvh_probe(k, K_LEN));

	make_kernel(ENTRY, 8, 0x1000);			/* program headers past the end */
	wr16(k + 56, 0x7fff);
	ck_assert(!pvh_probe(k, K_LEN));

	make_kernel(ENTRY, 8, 0x1000);			/* 32-bit ELF is not PVH here */
	k[4] = 1;
	ck_assert(!pvh_probe(k, K_LEN));
}
END_TEST

START_TEST(test_pvh_initrd_overlap)
{
	static const uint8_t big[1];
	struct x86_files f = files(NULL, big, RAM_SIZE - SEG_PADDR - 0x800);

	make_kernel(ENTRY, 8, 0x1000);
	ck_assert_int_eq(pvh_load(&map, &f, &boot, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "overlap"));
}
END_TEST

Suite *pvh_suite(void)
{
	Suite *s = suite_create("pvh");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, ram_setup, ram_teardown);
	tcase_add_test(tc, test_pvh_load);
	tcase_add_test(tc, test_pvh_note_4_bytes);
	tcase_add_test(tc, test_pvh_errors);
	tcase_add_test(tc, test_pvh_initrd_overlap);
	suite_add_tcase(s, tc);
	return s;
}
