// SPDX-License-Identifier: GPL-2.0
/* x86_pt_walk(): a guest's 4-level page walk read from guest RAM. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/mem.h"
#include "lkvm/util.h"
#include "x86.h"
#include "x86-suites.h"

#define RAM	(2 * MiB)

static uint8_t *ram;
static struct mem_map m;

static void set(uint64_t table, unsigned int idx, uint64_t e)
{
	memcpy(ram + table + idx * 8, &e, 8);
}

/*
 * CR3 0x1000 -> PML4[0] 0x2000 -> PDPT[0] 0x3000 -> PD[0] 0x4000 (4 KiB
 * table): PT[5] maps 0x9000; PD[1] is a 2 MiB page at 0x400000; PDPT[1] a
 * 1 GiB page at 0x40000000; PDPT[2] points outside RAM; PT[6] not present.
 */
static void setup(void)
{
	ram = calloc(1, RAM);
	ck_assert_ptr_nonnull(ram);
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(mem_map_add(&m, 0, RAM, ram), 0);
	set(0x1000, 0, 0x2000 | 0x3);
	set(0x2000, 0, 0x3000 | 0x3);
	set(0x2000, 1, 0x40000000 | 0x83);
	set(0x2000, 2, 0x80000000 | 0x3);
	set(0x3000, 0, 0x4000 | 0x3);
	set(0x3000, 1, 0x400000 | 0x83);
	set(0x4000, 5, 0x9000 | 0x3);
	set(0x4000, 6, 0xa000);
}

static void teardown(void)
{
	free(ram);
}

static uint64_t walk(uint64_t va, char *buf, size_t n)
{
	struct strbuf o = { .buf = buf, .n = n };

	return x86_pt_walk(&m, 0x1000, false, va, &o);
}

START_TEST(test_walk_4k)
{
	char buf[512];

	ck_assert_uint_eq(walk(0x5123, buf, sizeof(buf)), 0x9123);
	ck_assert_ptr_nonnull(strstr(buf, "PTE[0x4028]=0x9003 -> 0x9123"));
}
END_TEST

START_TEST(test_walk_large)
{
	char buf[512];

	ck_assert_uint_eq(walk(0x201234, buf, sizeof(buf)), 0x401234);
	ck_assert_ptr_nonnull(strstr(buf, "(2 MiB page)"));
	ck_assert_uint_eq(walk(0x40000000 + 0x12345678, buf, sizeof(buf)), 0x52345678);
	ck_assert_ptr_nonnull(strstr(buf, "(1 GiB page)"));
}
END_TEST

START_TEST(test_walk_not_present)
{
	char buf[512];

	ck_assert_uint_eq(walk(0x6000, buf, sizeof(buf)), X86_PT_NONE);
	ck_assert_ptr_nonnull(strstr(buf, "PTE[0x4030]=0xa000 not present"));
	/* PML4[1] is empty: the walk stops at the first level. */
	ck_assert_uint_eq(walk(1ULL << 39, buf, sizeof(buf)), X86_PT_NONE);
	ck_assert_ptr_nonnull(strstr(buf, "PML4E[0x1008]=0x0 not present"));
}
END_TEST

/* 5-level paging: CR3 0x5000 -> PML5[0] 0x1000, then as above. */
START_TEST(test_walk_5level)
{
	char buf[512];
	struct strbuf o = { .buf = buf, .n = sizeof(buf) };

	set(0x5000, 0, 0x1000 | 0x3);
	ck_assert_uint_eq(x86_pt_walk(&m, 0x5000, true, 0x5123, &o), 0x9123);
	ck_assert_ptr_nonnull(strstr(buf, "PML5E[0x5000]=0x1003 PML4E[0x1000]=0x2003"));
}
END_TEST

START_TEST(test_walk_outside_ram)
{
	char buf[512];

	/* PDPT[2] points at 2 GiB, outside the 2 MiB of RAM: unreadable, no crash. */
	ck_assert_uint_eq(walk(2ULL << 30, buf, sizeof(buf)), X86_PT_NONE);
	ck_assert_ptr_nonnull(strstr(buf, "PDE at 0x80000000 unreadable"));
}
END_TEST

Suite *pt_walk_suite(void)
{
	Suite *s = suite_create("x86-pt-walk");
	TCase *tc = tcase_create("walk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_walk_4k);
	tcase_add_test(tc, test_walk_large);
	tcase_add_test(tc, test_walk_not_present);
	tcase_add_test(tc, test_walk_outside_ram);
	tcase_add_test(tc, test_walk_5level);
	suite_add_tcase(s, tc);
	return s;
}
