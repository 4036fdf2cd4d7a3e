// SPDX-License-Identifier: GPL-2.0
/* Multiboot (v1) loader on synthetic ELF32 and a.out-kludge kernels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "boot.h"
#include "lkvm/util.h"
#include "x86-suites.h"

#include "loader-fixture.h"

#define MB_MAGIC	0x1badb002u
#define MB_BOOT_MAGIC	0x2badb002u
#define MBI_MEM		(1u << 0)
#define MBI_CMDLINE	(1u << 2)
#define MBI_MODS	(1u << 3)
#define MBI_MMAP	(1u << 6)
#define MBI_LOADER	(1u << 9)

#define K_LEN		0x3000	/* every synthetic kernel file */
#define ELF_MB_OFF	0x1000	/* multiboot header in the ELF kernel */
#define AOUT_MB_OFF	0x40	/* multiboot header in the a.out kernel */

static uint8_t kimg[K_LEN];

static void put_mb_header(size_t off, uint32_t flags)
{
	wr32(kimg + off, MB_MAGIC);
	wr32(kimg + off + 4, flags);
	wr32(kimg + off + 8, (uint32_t)-(MB_MAGIC + flags));
}

static void put_ph(int i, uint32_t type, uint32_t off, uint32_t paddr, uint32_t filesz,
		   uint32_t memsz)
{
	uint8_t *ph = kimg + 52 + 32 * i;

	wr32(ph, type);
	wr32(ph + 4, off);
	wr32(ph + 8, paddr + 0xc0000000u);	/* p_vaddr: must be ignored */
	wr32(ph + 12, paddr);
	wr32(ph + 16, filesz);
	wr32(ph + 20, memsz);
	wr32(ph + 24, 7);
	wr32(ph + 28, 0x1000);
}

static void fill_pattern(void)
{
	for (size_t i = 0; i < K_LEN; i++)
		kimg[i] = (uint8_t)(i * 13 + 5 + (i >> 8));
}

/*
 * ELF32 i386 executable:
 *   ph0 PT_LOAD  file [0x1000, 0x2000) -> 0x100000, memsz 0x3000 (bss 8 KiB)
 *   ph1 PT_LOAD  file [0x2000, 0x2800) -> 0x200000
 *   ph2 PT_NOTE  at 0x10 (would be rejected if loaded)
 * entry 0x100010, multiboot header at file offset 0x1000, flags 0x3.
 */
static void elf_build(void)
{
	fill_pattern();
	memset(kimg, 0, 52 + 3 * 32);
	memcpy(kimg, "\177ELF", 4);
	kimg[4] = 1;			/* ELFCLASS32 */
	kimg[5] = 1;			/* little-endian */
	kimg[6] = 1;
	wr16(kimg + 16, 2);		/* ET_EXEC */
	wr16(kimg + 18, 3);		/* EM_386 */
	wr32(kimg + 20, 1);
	wr32(kimg + 24, 0x100010);	/* e_entry */
	wr32(kimg + 28, 52);		/* e_phoff */
	wr16(kimg + 40, 52);
	wr16(kimg + 42, 32);		/* e_phentsize */
	wr16(kimg + 44, 3);		/* e_phnum */
	put_ph(0, 1, 0x1000, 0x100000, 0x1000, 0x3000);
	put_ph(1, 1, 0x2000, 0x200000, 0x800, 0x800);
	put_ph(2, 4, 0x2800, 0x10, 0x10, 0x10);
	put_mb_header(ELF_MB_OFF, 0x3);
}

/*
 * a.out kludge: header at file offset 0x40 describing
 *   header_addr 0x100040, load_addr 0x100000, load_end_addr 0x102000,
 *   bss_end_addr 0x105000, entry_addr 0x100100.
 */
static void aout_build(void)
{
	fill_pattern();
	put_mb_header(AOUT_MB_OFF, 0x10003);
	wr32(kimg + AOUT_MB_OFF + 12, 0x100040);
	wr32(kimg + AOUT_MB_OFF + 16, 0x100000);
	wr32(kimg + AOUT_MB_OFF + 20, 0x102000);
	wr32(kimg + AOUT_MB_OFF + 24, 0x105000);
	wr32(kimg + AOUT_MB_OFF + 28, 0x100100);
}

static int mb_load_map(struct mem_map *m, const char *params, const uint8_t *mod,
		       size_t modsz)
{
	struct x86_files f = {
		.kernel = kimg,
		.kernel_size = K_LEN,
		.kernel_name = "kern.elf",
		.initrd = mod,
		.initrd_size = modsz,
		.initrd_name = "initrd.img",
		.params = params,
	};

	memset(err, 0, sizeof(err));
	return multiboot_load(m, &f, &boot, err, sizeof(err));
}

static int mb_load(const char *params, const uint8_t *mod, size_t modsz)
{
	return mb_load_map(&map, params, mod, modsz);
}

#define ck_assert_err_has(sub) \
	ck_assert_msg(strstr(err, (sub)) != NULL, "error '%s' lacks '%s'", err, (sub))

/* Guest RAM was not written: the loader checks everything first. */
#define ck_assert_ram_untouched() do {					\
	ck_assert_uint_eq(ram[0x100000], FILL);				\
	ck_assert_uint_eq(ram[0x102000], FILL);				\
	ck_assert_uint_eq(ram[0x200000], FILL);				\
	ck_assert_uint_eq(ram[0x9000], FILL);				\
	ck_assert_uint_eq(ram[0x1000], FILL);				\
} while (0)

static uint8_t *gp(uint64_t gpa)
{
	ck_assert_uint_lt(gpa, RAM_SIZE);
	return ram + gpa;
}

static void check_all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(p[i] == v, "byte %zu is 0x%02x, want 0x%02x", i, p[i], v);
}

static void check_mmap_64m(const uint8_t *mbi)
{
	static const uint64_t want[3][3] = {
		{ 0, 0xa0000, 1 },
		{ 0xa0000, 0x60000, 2 },
		{ 0x100000, RAM_SIZE - 0x100000, 1 },
	};
	uint32_t addr = rd32(mbi + 48);

	ck_assert_uint_eq(rd32(mbi + 44), 3 * 24);
	for (int i = 0; i < 3; i++) {
		const uint8_t *e = gp(addr + 24 * (uint32_t)i);

		ck_assert_uint_eq(rd32(e), 20);
		ck_assert_uint_eq(rd64(e + 4), want[i][0]);
		ck_assert_uint_eq(rd64(e + 12), want[i][1]);
		ck_assert_uint_eq(rd32(e + 20), want[i][2]);
	}
}

START_TEST(test_probe)
{
	elf_build();
	ck_assert_int_eq(!!multiboot_probe(kimg, K_LEN), 1);
	aout_build();
	ck_assert_int_eq(!!multiboot_probe(kimg, K_LEN), 1);
	ck_assert_int_eq(multiboot_probe(kimg, AOUT_MB_OFF + 11), 0);
	wr32(kimg + AOUT_MB_OFF + 8, rd32(kimg + AOUT_MB_OFF + 8) + 1);
	ck_assert_int_eq(multiboot_probe(kimg, K_LEN), 0);
}
END_TEST

START_TEST(test_elf_segments)
{
	elf_build();
	ck_assert_int_eq(mb_load("console=ttyS0 foo", NULL, 0), 0);
	ck_assert_str_eq(err, "");
	/* ph0: file bytes at p_paddr, then 8 KiB of zeroed bss, then untouched. */
	ck_assert_mem_eq(gp(0x100000), kimg + 0x1000, 0x1000);
	check_all(gp(0x101000), 0x2000, 0);
	ck_assert_uint_eq(*gp(0x103000), FILL);
	ck_assert_uint_eq(*gp(0xfffff), FILL);
	/* ph1 */
	ck_assert_mem_eq(gp(0x200000), kimg + 0x2000, 0x800);
	ck_assert_uint_eq(*gp(0x200800), FILL);
	/* Not at p_vaddr, and the PT_NOTE is not loaded. */
	ck_assert_uint_eq(*gp(0x10), FILL);

	ck_assert_int_eq(boot.mode, X86_BOOT_PROT32);
	ck_assert_uint_eq(boot.rip, 0x100010);
	ck_assert_uint_eq(boot.rax, MB_BOOT_MAGIC);
	ck_assert_str_eq(boot.format, "multiboot");
}
END_TEST

START_TEST(test_elf_info)
{
	uint8_t *mbi;

	elf_build();
	ck_assert_int_eq(mb_load("console=ttyS0 foo", NULL, 0), 0);
	ck_assert_uint_ne(boot.rbx, 0);
	ck_assert_uint_lt(boot.rbx, 0xa0000);
	ck_assert_uint_eq(boot.rbx % 4, 0);
	mbi = gp(boot.rbx);
	ck_assert_uint_eq(rd32(mbi), MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER);
	ck_assert_uint_eq(rd32(mbi + 4), 640);
	ck_assert_uint_eq(rd32(mbi + 8), (RAM_SIZE - MiB) / 1024);
	ck_assert_str_eq((char *)gp(rd32(mbi + 16)), "kern.elf console=ttyS0 foo");
	ck_assert_uint_eq(rd32(mbi + 20), 0);	/* mods_count */
	ck_assert_str_eq((char *)gp(rd32(mbi + 64)), "lkvm");
	check_mmap_64m(mbi);
}
END_TEST

START_TEST(test_cmdline_without_params)
{
	elf_build();
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
	ck_assert_str_eq((char *)gp(rd32(gp(boot.rbx) + 16)), "kern.elf");
}
END_TEST

START_TEST(test_module)
{
	size_t msz = 5000;
	uint8_t *mod = test_alloc(msz), *mbi, *ent;

	for (size_t i = 0; i < msz; i++)
		mod[i] = (uint8_t)(i * 3 + 11);
	elf_build();
	ck_assert_int_eq(mb_load("x", mod, msz), 0);
	mbi = gp(boot.rbx);
	ck_assert_uint_eq(rd32(mbi), MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER);
	ck_assert_uint_eq(rd32(mbi + 20), 1);
	ent = gp(rd32(mbi + 24));
	/* First page boundary after the kernel's end (0x200800). */
	ck_assert_uint_eq(rd32(ent), 0x201000);
	ck_assert_uint_eq(rd32(ent + 4), 0x201000 + msz);
	ck_assert_str_eq((char *)gp(rd32(ent + 8)), "initrd.img");
	ck_assert_uint_eq(rd32(ent + 12), 0);
	ck_assert_mem_eq(gp(0x201000), mod, msz);
	ck_assert_uint_eq(*gp(0x201000 + msz), FILL);
	/* The kernel is intact. */
	ck_assert_mem_eq(gp(0x200000), kimg + 0x2000, 0x800);
	ck_assert_str_eq((char *)gp(rd32(mbi + 16)), "kern.elf x");
}
END_TEST

START_TEST(test_module_fills_ram)
{
	size_t msz = RAM_SIZE - 0x201000;
	uint8_t *mod = test_alloc(msz);

	memset(mod, 0x42, msz);
	elf_build();
	ck_assert_int_eq(mb_load(NULL, mod, msz), 0);
	ck_assert_uint_eq(*gp(0x201000), 0x42);
	ck_assert_uint_eq(*gp(RAM_SIZE - 1), 0x42);
}
END_TEST

/* A segment covers 0x9000: the boot information must go elsewhere. */
START_TEST(test_info_avoids_segments)
{
	const uint8_t *mbi;
	uint32_t a[4];

	elf_build();
	put_ph(0, 1, 0x1000, 0x8000, 0x1000, 0x2000);
	put_ph(1, 4, 0x2000, 0x200000, 0x800, 0x800);
	wr32(kimg + 24, 0x8000);
	ck_assert_int_eq(mb_load("p", NULL, 0), 0);
	ck_assert_mem_eq(gp(0x8000), kimg + 0x1000, 0x1000);
	check_all(gp(0x9000), 0x1000, 0);
	ck_assert(boot.rbx + 88 <= 0x8000 || boot.rbx >= 0xa000);
	mbi = gp(boot.rbx);
	a[0] = rd32(mbi + 16);
	a[1] = rd32(mbi + 48);
	a[2] = rd32(mbi + 48) + rd32(mbi + 44);
	a[3] = rd32(mbi + 64);
	for (int i = 0; i < 4; i++)
		ck_assert(a[i] < 0x8000 || a[i] >= 0xa000);
	ck_assert_str_eq((char *)gp(a[0]), "kern.elf p");
	ck_assert_str_eq((char *)gp(a[3]), "lkvm");
	check_mmap_64m(mbi);
}
END_TEST

START_TEST(test_video_flag_allowed)
{
	elf_build();
	put_mb_header(ELF_MB_OFF, 0x7);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
	ck_assert_uint_eq(boot.rip, 0x100010);
}
END_TEST

START_TEST(test_header_position)
{
	elf_build();
	wr32(kimg + ELF_MB_OFF, 0);
	/* Last position where all 12 bytes are in the first 8 KiB. */
	put_mb_header(0x1ff4, 0x3);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
	ck_assert_uint_eq(boot.rip, 0x100010);
}
END_TEST

START_TEST(test_aout)
{
	aout_build();
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
	ck_assert_str_eq(err, "");
	ck_assert_mem_eq(gp(0x100000), kimg, 0x2000);
	check_all(gp(0x102000), 0x3000, 0);
	ck_assert_uint_eq(*gp(0x105000), FILL);
	ck_assert_int_eq(boot.mode, X86_BOOT_PROT32);
	ck_assert_uint_eq(boot.rip, 0x100100);
	ck_assert_uint_eq(boot.rax, MB_BOOT_MAGIC);
	ck_assert_uint_eq(rd32(gp(boot.rbx)), MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER);
	check_mmap_64m(gp(boot.rbx));
}
END_TEST

START_TEST(test_aout_whole_file)
{
	aout_build();
	wr32(kimg + AOUT_MB_OFF + 20, 0);	/* load_end_addr 0: to end of file */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
	ck_assert_mem_eq(gp(0x100000), kimg, K_LEN);
	check_all(gp(0x100000 + K_LEN), 0x5000 - K_LEN, 0);
	ck_assert_uint_eq(*gp(0x105000), FILL);

	/* No bss either. */
	aout_build();
	wr32(kimg + AOUT_MB_OFF + 20, 0);
	wr32(kimg + AOUT_MB_OFF + 24, 0);
	memset(ram + 0x100000, FILL, 0x10000);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
	ck_assert_mem_eq(gp(0x100000), kimg, K_LEN);
	ck_assert_uint_eq(*gp(0x100000 + K_LEN), FILL);
}
END_TEST

/* 4 GiB of guest RAM, x86 layout, backed by lazily allocated mappings. */
START_TEST(test_ram_above_4g)
{
	const uint64_t lo = 3 * GiB, hi = 1 * GiB;
	struct mem_map m = { 0 };
	uint8_t *l, *h, *mbi;
	uint32_t mm;

	l = mmap(NULL, lo, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	h = mmap(NULL, hi, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	ck_assert_ptr_ne(l, MAP_FAILED);
	ck_assert_ptr_ne(h, MAP_FAILED);
	ck_assert_int_eq(mem_map_add(&m, 0, lo, l), 0);
	ck_assert_int_eq(mem_map_add(&m, 4 * GiB, hi, h), 0);
	elf_build();
	ck_assert_int_eq(mb_load_map(&m, NULL, NULL, 0), 0);
	ck_assert_mem_eq(l + 0x100000, kimg + 0x1000, 0x1000);
	mbi = l + boot.rbx;
	ck_assert_uint_eq(rd32(mbi + 4), 640);
	/* Upper memory stops at the hole below 4 GiB. */
	ck_assert_uint_eq(rd32(mbi + 8), (3 * GiB - MiB) / 1024);
	ck_assert_uint_eq(rd32(mbi + 44), 4 * 24);
	mm = rd32(mbi + 48);
	ck_assert_uint_eq(rd64(l + mm + 2 * 24 + 4), 0x100000);
	ck_assert_uint_eq(rd64(l + mm + 2 * 24 + 12), 3 * GiB - MiB);
	ck_assert_uint_eq(rd32(l + mm + 3 * 24), 20);
	ck_assert_uint_eq(rd64(l + mm + 3 * 24 + 4), 4 * GiB);
	ck_assert_uint_eq(rd64(l + mm + 3 * 24 + 12), 1 * GiB);
	ck_assert_uint_eq(rd32(l + mm + 3 * 24 + 20), 1);
	munmap(l, lo);
	munmap(h, hi);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_err_no_header)
{
	memset(kimg, 0x90, K_LEN);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("kern.elf: no multiboot header in the first 8 KiB");

	/* Past the first 8 KiB, or not 4-byte aligned: not found. */
	elf_build();
	wr32(kimg + ELF_MB_OFF, 0);
	put_mb_header(0x2000, 0x3);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("no multiboot header");
	wr32(kimg + 0x2000, 0);
	put_mb_header(0x1ff8, 0x3);	/* last 4 bytes past 8 KiB */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("no multiboot header");
	wr32(kimg + 0x1ff8, 0);
	put_mb_header(0x1002, 0x3);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("no multiboot header");
	ck_assert_ram_untouched();
}
END_TEST

START_TEST(test_err_bad_checksum)
{
	elf_build();
	wr32(kimg + ELF_MB_OFF + 8, rd32(kimg + ELF_MB_OFF + 8) ^ 0x100);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("no multiboot header");
	ck_assert_ram_untouched();
}
END_TEST

START_TEST(test_err_elf64)
{
	elf_build();
	kimg[4] = 2;
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("must be 32-bit little-endian (ELFCLASS32)");
	elf_build();
	kimg[5] = 2;	/* big-endian */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("ELFCLASS32");
	ck_assert_ram_untouched();
}
END_TEST

START_TEST(test_err_machine)
{
	elf_build();
	wr16(kimg + 18, 62);	/* EM_X86_64 */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("must be an i386 executable");
	elf_build();
	wr16(kimg + 16, 3);	/* ET_DYN */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("must be an i386 executable");
	ck_assert_ram_untouched();
}
END_TEST

START_TEST(test_err_not_elf)
{
	elf_build();
	kimg[0] = 0;
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("not ELF and has no a.out address fields");
}
END_TEST

START_TEST(test_err_phdrs)
{
	elf_build();
	wr32(kimg + 28, K_LEN - 32);	/* 3 headers, room for 1 */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("truncated or malformed ELF program headers");
	wr32(kimg + 28, 0x10000);	/* past the end */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("truncated or malformed ELF program headers");
	elf_build();
	wr16(kimg + 44, 0);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("truncated or malformed ELF program headers");
	elf_build();
	wr16(kimg + 42, 16);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("truncated or malformed ELF program headers");
	ck_assert_ram_untouched();
}
END_TEST

START_TEST(test_err_segment_truncated)
{
	elf_build();
	put_ph(0, 1, 0x1000, 0x100000, 0x2001, 0x3000);	/* ends 1 byte past EOF */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("ELF segment 0 lies outside the file");
	elf_build();
	put_ph(1, 1, 0x4000, 0x200000, 0x800, 0x800);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("ELF segment 1 lies outside the file");
	ck_assert_ram_untouched();
	/* Ending exactly at EOF is fine. */
	elf_build();
	put_ph(1, 1, 0x2000, 0x200000, 0x1000, 0x1000);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
	ck_assert_mem_eq(gp(0x200000), kimg + 0x2000, 0x1000);
}
END_TEST

START_TEST(test_err_no_load_segments)
{
	elf_build();
	put_ph(0, 4, 0x1000, 0x100000, 0x1000, 0x3000);
	put_ph(1, 6, 0x2000, 0x200000, 0x800, 0x800);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("ELF has no loadable segments");
}
END_TEST

START_TEST(test_err_segment_outside_ram)
{
	elf_build();
	put_ph(1, 1, 0x2000, 0x8000000, 0x800, 0x800);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("segment at 0x8000000-0x8000800 is outside guest RAM; raise --mem");
	/* Straddling the end of RAM. */
	put_ph(1, 1, 0x2000, RAM_SIZE - 0x400, 0x800, 0x800);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("is outside guest RAM");
	/* Over the real-mode IVT / BIOS data: below 0x500. */
	put_ph(1, 1, 0x2000, 0x100, 0x800, 0x800);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("segment at 0x100-0x900 is outside guest RAM");
	ck_assert_ptr_null(strstr(err, "raise --mem"));
	ck_assert_ram_untouched();
	ck_assert_uint_eq(ram[0x100], FILL);
}
END_TEST

START_TEST(test_err_overlap)
{
	elf_build();
	put_ph(1, 1, 0x2000, 0x102000, 0x800, 0x800);	/* in ph0's bss */
	wr32(kimg + 24, 0x100010);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("loadable segments overlap");
	ck_assert_ram_untouched();
	/* Adjacent is fine. */
	put_ph(1, 1, 0x2000, 0x103000, 0x800, 0x800);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
}
END_TEST

START_TEST(test_err_entry)
{
	elf_build();
	wr32(kimg + 24, 0x300000);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("entry point 0x300000 is not in a loaded segment");
	wr32(kimg + 24, 0x103000);	/* one past ph0's memsz */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("entry point 0x103000");
	ck_assert_ram_untouched();
	wr32(kimg + 24, 0x102fff);	/* last byte of ph0's bss */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), 0);
	ck_assert_uint_eq(boot.rip, 0x102fff);
}
END_TEST

START_TEST(test_err_required_flags)
{
	elf_build();
	put_mb_header(ELF_MB_OFF, 0x3 | (1u << 3));
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("requires multiboot features lkvm lacks (flags 0x8)");
	put_mb_header(ELF_MB_OFF, 0xffff);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("(flags 0xfff8)");
	ck_assert_ram_untouched();
}
END_TEST

START_TEST(test_err_module_too_large)
{
	size_t msz = 63 * MiB;
	uint8_t *mod = test_alloc(msz);

	elf_build();
	ck_assert_int_eq(mb_load(NULL, mod, msz), -1);
	ck_assert_err_has("module initrd.img (64512 KiB) does not fit after the kernel; "
			  "raise --mem");
	ck_assert_ram_untouched();
	/* One byte more than fits. */
	ck_assert_int_eq(mb_load(NULL, mod, RAM_SIZE - 0x201000 + 1), -1);
	ck_assert_err_has("does not fit after the kernel");
}
END_TEST

START_TEST(test_err_aout)
{
	aout_build();
	wr32(kimg + AOUT_MB_OFF + 16, 0x100080);	/* load_addr > header_addr */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("load_addr 0x100080 is after header_addr 0x100040");
	aout_build();
	wr32(kimg + AOUT_MB_OFF + 20, 0x104000);	/* 16 KiB from a 12 KiB file */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("load range lies outside the file");
	aout_build();
	wr32(kimg + AOUT_MB_OFF + 20, 0xfffff);	/* load_end_addr < load_addr */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("load_end_addr is below load_addr");
	aout_build();
	wr32(kimg + AOUT_MB_OFF + 28, 0x105000);	/* entry at bss end */
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("entry point 0x105000 is not in a loaded segment");
	ck_assert_ram_untouched();
}
END_TEST

/*
 * load_addr 0xff000 would put the start of the image 0x1040 bytes before
 * the multiboot header, which sits at file offset 0x40: the file does not
 * hold that data. It must be rejected, and the message must not claim that
 * load_addr lies after header_addr (0xff000 < 0x100040).
 */
START_TEST(test_err_aout_load_addr_before_file)
{
	aout_build();
	wr32(kimg + AOUT_MB_OFF + 16, 0xff000);
	ck_assert_int_eq(mb_load(NULL, NULL, 0), -1);
	ck_assert_err_has("0xff000");
	ck_assert_msg(strstr(err, "is after header_addr") == NULL,
		      "misleading message: '%s'", err);
}
END_TEST

Suite *multiboot_suite(void)
{
	Suite *s = suite_create("multiboot");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, ram_setup, ram_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_probe);
	tcase_add_test(tc, test_elf_segments);
	tcase_add_test(tc, test_elf_info);
	tcase_add_test(tc, test_cmdline_without_params);
	tcase_add_test(tc, test_module);
	tcase_add_test(tc, test_module_fills_ram);
	tcase_add_test(tc, test_info_avoids_segments);
	tcase_add_test(tc, test_video_flag_allowed);
	tcase_add_test(tc, test_header_position);
	tcase_add_test(tc, test_aout);
	tcase_add_test(tc, test_aout_whole_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("big-ram");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ram_above_4g);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, ram_setup, ram_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_err_no_header);
	tcase_add_test(tc, test_err_bad_checksum);
	tcase_add_test(tc, test_err_elf64);
	tcase_add_test(tc, test_err_machine);
	tcase_add_test(tc, test_err_not_elf);
	tcase_add_test(tc, test_err_phdrs);
	tcase_add_test(tc, test_err_segment_truncated);
	tcase_add_test(tc, test_err_no_load_segments);
	tcase_add_test(tc, test_err_segment_outside_ram);
	tcase_add_test(tc, test_err_overlap);
	tcase_add_test(tc, test_err_entry);
	tcase_add_test(tc, test_err_required_flags);
	tcase_add_test(tc, test_err_module_too_large);
	tcase_add_test(tc, test_err_aout);
	tcase_add_test(tc, test_err_aout_load_addr_before_file);
	suite_add_tcase(s, tc);
	return s;
}
