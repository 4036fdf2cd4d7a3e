// SPDX-License-Identifier: GPL-2.0
/*
 * Zero-copy loading (mem-load.c): whole pages of a file_map()ped file are
 * mapped privately over guest RAM when offset and address share page
 * alignment, the ends and everything else copied; the guest's writes stay
 * private; the memory map's lookups still find every page.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/mem-load.h"
#include "lkvm/util.h"
#include "suites.h"

#define NPG	8		/* the file: 8 pages and a bit */

static size_t pg;
static uint8_t *ram;
static size_t ram_len;
static struct mem_map map;
static char path[64];
static const uint8_t *file;
static size_t file_len;

static void load_setup(void)
{
	uint8_t *b;
	FILE *f;
	int fd;

	pg = (size_t)getpagesize();
	ram_len = 16 * pg;
	ram = mmap(NULL, ram_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ram, MAP_FAILED);
	memset(&map, 0, sizeof(map));
	ck_assert_int_eq(mem_map_add(&map, 0x100000, ram_len, ram), 0);
	snprintf(path, sizeof(path), "/tmp/lkvm-mload-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	b = malloc(NPG * pg + 100);
	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; i < NPG * pg + 100; i++)
		b[i] = (uint8_t)(i * 13 + i / 4096);
	ck_assert_uint_eq(fwrite(b, 1, NPG * pg + 100, f), NPG * pg + 100);
	fclose(f);
	free(b);
	ck_assert_int_eq(file_map(path, &file, &file_len), 0);
}

static void load_teardown(void)
{
	file_unmap(file, file_len);
	unlink(path);
	munmap(ram, ram_len);
}

/* Is the host page at p mapped from the test's file (/proc/self/maps)? */
static bool from_file(const void *p)
{
	char line[512];
	bool hit = false;
	FILE *f = fopen("/proc/self/maps", "r");

	ck_assert_ptr_nonnull(f);
	while (!hit && fgets(line, sizeof(line), f)) {
		unsigned long a, b;

		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && (uintptr_t)p >= a && (uintptr_t)p < b)
			hit = strstr(line, path) != NULL;
	}
	fclose(f);
	return hit;
}

/*
 * Offset and address share alignment (both 0x100 into a page): the five
 * whole pages between are the file's, the partial ends copied; the
 * guest's write stays in guest RAM; lookups find the GPA of a mapped page.
 */
START_TEST(test_load_mapped)
{
	uint64_t gpa = 0x100000 + pg + 0x100, got;
	size_t len = 6 * pg, mapped;
	uint8_t *hva = ram + pg + 0x100;

	ck_assert_int_eq(mem_load(&map, gpa, file + 0x100, len, "test", &mapped), 0);
	ck_assert_uint_eq(mapped, 5 * pg);
	ck_assert_mem_eq(hva, file + 0x100, len);
	ck_assert(!from_file(ram + pg));		/* the head page: copied */
	ck_assert(from_file(ram + 2 * pg));
	ck_assert(from_file(ram + 6 * pg));
	ck_assert(!from_file(ram + 7 * pg));		/* the tail page: copied */
	ck_assert_uint_eq(ram[7 * pg + 0x100], 0);	/* past the end: untouched */
	ck_assert(mem_hva_to_gpa(&map, (uintptr_t)(ram + 3 * pg + 5), &got));
	ck_assert_uint_eq(got, 0x100000 + 3 * pg + 5);
	ram[3 * pg] ^= 0xff;				/* private: the file keeps its byte */
	ck_assert_uint_eq(file[2 * pg], (uint8_t)(ram[3 * pg] ^ 0xff));
	ck_assert_uint_ge(mem_load_mapped(), 5 * pg);
	file_unmap(file, file_len);			/* the mapping keeps the file */
	file = NULL;
	ck_assert_uint_eq(hva[2 * pg], (uint8_t)((0x100 + 2 * pg) * 13 + (0x100 + 2 * pg) / 4096));
}
END_TEST

/*
 * Copied instead: the offsets differ within a page; a source that is no
 * file_map() mapping; a map marked no_remap (hugetlbfs). Outside RAM: -EFAULT.
 */
START_TEST(test_load_copied)
{
	static uint8_t plain[3 * 4096];
	size_t mapped = 1;

	ck_assert_int_eq(mem_load(&map, 0x100000 + 0x200, file + 0x100, 4 * pg, "test", &mapped), 0);
	ck_assert_uint_eq(mapped, 0);
	ck_assert_mem_eq(ram + 0x200, file + 0x100, 4 * pg);
	ck_assert(!from_file(ram + pg));
	memset(plain, 7, sizeof(plain));
	ck_assert_int_eq(mem_load(&map, 0x100000 + 8 * pg, plain, sizeof(plain), "test", &mapped), 0);
	ck_assert_uint_eq(mapped, 0);
	ck_assert_mem_eq(ram + 8 * pg, plain, sizeof(plain));
	map.no_remap = true;
	ck_assert_int_eq(mem_load(&map, 0x100000 + 12 * pg, file, 3 * pg, "test", &mapped), 0);
	ck_assert_uint_eq(mapped, 0);
	ck_assert_mem_eq(ram + 12 * pg, file, 3 * pg);
	ck_assert(!from_file(ram + 13 * pg));
	ck_assert_int_eq(mem_load(&map, 0x100000 + 15 * pg, file, 2 * pg, "test", &mapped), -EFAULT);
}
END_TEST

Suite *mem_load_suite(void)
{
	Suite *s = suite_create("mem-load");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, load_setup, load_teardown);
	tcase_add_test(tc, test_load_mapped);
	tcase_add_test(tc, test_load_copied);
	suite_add_tcase(s, tc);
	return s;
}
