// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory map. The map never dereferences host addresses, so these
 * tests use made-up host addresses (integers cast to pointers); the copy
 * test (mem_copy_many) alone uses a real buffer as guest RAM.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lkvm/mem.h"
#include "lkvm/util.h"
#include "suites.h"

#define H0	0x7f0000000000ULL	/* host base of the low region */
#define H1	0x7f1000000000ULL	/* host base of the high region (apart) */

static uint8_t *fake(uint64_t a)
{
	return (uint8_t *)(uintptr_t)a;
}

/* Like x86 with 4 GiB of RAM: [0, 3 GiB) and [4 GiB, 5 GiB), hva apart. */
static void x86_map(struct mem_map *m)
{
	memset(m, 0, sizeof(*m));
	ck_assert_int_eq(mem_map_add(m, 0, 3 * GiB, fake(H0)), 0);
	ck_assert_int_eq(mem_map_add(m, 4 * GiB, 1 * GiB, fake(H1)), 0);
}

/*
 * Two regions contiguous in host memory, the boundary not 2 MiB aligned:
 * R0 gpa 0 size 2 MiB - 4 KiB at H0, R1 gpa 4 GiB size 4 MiB right after.
 */
#define B0_SIZE	(2 * MiB - 4 * KiB)
#define B1_SIZE	(4 * MiB)
static void split_map(struct mem_map *m)
{
	memset(m, 0, sizeof(*m));
	ck_assert_int_eq(mem_map_add(m, 0, B0_SIZE, fake(H0)), 0);
	ck_assert_int_eq(mem_map_add(m, 4 * GiB, B1_SIZE, fake(H0 + B0_SIZE)), 0);
}

START_TEST(test_add_records_regions)
{
	struct mem_map m;

	x86_map(&m);
	ck_assert_int_eq(m.nr, 2);
	ck_assert_uint_eq(m.r[0].gpa, 0);
	ck_assert_uint_eq(m.r[0].size, 3 * GiB);
	ck_assert_ptr_eq(m.r[0].hva, fake(H0));
	ck_assert_uint_eq(m.r[1].gpa, 4 * GiB);
	ck_assert_uint_eq(m.r[1].size, 1 * GiB);
	ck_assert_ptr_eq(m.r[1].hva, fake(H1));
	ck_assert_uint_eq(m.ram_size, 4 * GiB);
}
END_TEST

START_TEST(test_add_zero_size)
{
	struct mem_map m = { 0 };

	ck_assert_int_eq(mem_map_add(&m, 0x100000, 0, fake(H0)), -EINVAL);
	ck_assert_int_eq(m.nr, 0);
	ck_assert_uint_eq(m.ram_size, 0);
}
END_TEST

START_TEST(test_add_overlap_gpa)
{
	struct mem_map m = { 0 };

	ck_assert_int_eq(mem_map_add(&m, 1 * MiB, 1 * MiB, fake(H0)), 0);
	/* Last byte of the new region is the first byte of the old one. */
	ck_assert_int_eq(mem_map_add(&m, 0, 1 * MiB + 1, fake(H1)), -EINVAL);
	/* First byte of the new region is the last byte of the old one. */
	ck_assert_int_eq(mem_map_add(&m, 2 * MiB - 1, 4096, fake(H1)), -EINVAL);
	/* Wholly inside, and wholly containing. */
	ck_assert_int_eq(mem_map_add(&m, 1 * MiB + 4096, 4096, fake(H1)), -EINVAL);
	ck_assert_int_eq(mem_map_add(&m, 0, 16 * MiB, fake(H1)), -EINVAL);
	ck_assert_int_eq(m.nr, 1);
	ck_assert_uint_eq(m.ram_size, 1 * MiB);
	/* Adjacent on both sides is fine. */
	ck_assert_int_eq(mem_map_add(&m, 0, 1 * MiB, fake(H1)), 0);
	ck_assert_int_eq(mem_map_add(&m, 2 * MiB, 1 * MiB, fake(H1 + 1 * MiB)), 0);
	ck_assert_int_eq(m.nr, 3);
	ck_assert_uint_eq(m.ram_size, 3 * MiB);
}
END_TEST

START_TEST(test_add_overlap_hva)
{
	struct mem_map m = { 0 };

	ck_assert_int_eq(mem_map_add(&m, 0, 1 * MiB, fake(H0)), 0);
	/* Distinct guest addresses, host ranges share one byte. */
	ck_assert_int_eq(mem_map_add(&m, 4 * GiB, 1 * MiB, fake(H0 + 1 * MiB - 1)), -EINVAL);
	ck_assert_int_eq(mem_map_add(&m, 4 * GiB, 4096, fake(H0 - 4095)), -EINVAL);
	ck_assert_int_eq(mem_map_add(&m, 4 * GiB, 4096, fake(H0 + 8192)), -EINVAL);
	ck_assert_int_eq(m.nr, 1);
	ck_assert_int_eq(mem_map_add(&m, 4 * GiB, 1 * MiB, fake(H0 + 1 * MiB)), 0);
	ck_assert_int_eq(mem_map_add(&m, 8 * GiB, 4096, fake(H0 - 4096)), 0);
	ck_assert_int_eq(m.nr, 3);
}
END_TEST

START_TEST(test_add_wrap)
{
	struct mem_map m = { 0 };

	ck_assert_int_eq(mem_map_add(&m, UINT64_MAX - 0xfff, 0x2000, fake(H0)), -EINVAL);
	ck_assert_int_eq(mem_map_add(&m, 0, 0x2000, fake(UINTPTR_MAX - 0xfff)), -EINVAL);
	ck_assert_int_eq(m.nr, 0);
}
END_TEST

START_TEST(test_add_full)
{
	struct mem_map m = { 0 };
	int i;

	for (i = 0; i < MEM_MAX_REGIONS; i++)
		ck_assert_int_eq(mem_map_add(&m, (uint64_t)i * GiB, 1 * MiB,
					     fake(H0 + (uint64_t)i * GiB)), 0);
	ck_assert_int_eq(mem_map_add(&m, 100 * GiB, 1 * MiB, fake(H1)), -ENOSPC);
	ck_assert_int_eq(m.nr, MEM_MAX_REGIONS);
	ck_assert_uint_eq(m.ram_size, MEM_MAX_REGIONS * MiB);
}
END_TEST

START_TEST(test_hva_to_gpa_edges)
{
	struct mem_map m;
	uint64_t gpa = 0x1234;

	x86_map(&m);
	ck_assert(mem_hva_to_gpa(&m, H0, &gpa));
	ck_assert_uint_eq(gpa, 0);
	ck_assert(mem_hva_to_gpa(&m, H0 + 0x123456, &gpa));
	ck_assert_uint_eq(gpa, 0x123456);
	ck_assert(mem_hva_to_gpa(&m, H0 + 3 * GiB - 1, &gpa));
	ck_assert_uint_eq(gpa, 3 * GiB - 1);
	ck_assert(mem_hva_to_gpa(&m, H1, &gpa));
	ck_assert_uint_eq(gpa, 4 * GiB);
	ck_assert(mem_hva_to_gpa(&m, H1 + 1 * GiB - 1, &gpa));
	ck_assert_uint_eq(gpa, 5 * GiB - 1);

	/* Outside: gpa is left alone. */
	gpa = 0xdead;
	ck_assert(!mem_hva_to_gpa(&m, H0 + 3 * GiB, &gpa));
	ck_assert(!mem_hva_to_gpa(&m, H0 - 1, &gpa));
	ck_assert(!mem_hva_to_gpa(&m, H1 - 1, &gpa));
	ck_assert(!mem_hva_to_gpa(&m, H1 + 1 * GiB, &gpa));
	ck_assert(!mem_hva_to_gpa(&m, 0, &gpa));
	ck_assert(!mem_hva_to_gpa(&m, UINT64_MAX, &gpa));
	ck_assert_uint_eq(gpa, 0xdead);
}
END_TEST

START_TEST(test_gpa_to_hva_edges)
{
	struct mem_map m;

	x86_map(&m);
	ck_assert_ptr_eq(mem_gpa_to_hva(&m, 0, 1), fake(H0));
	ck_assert_ptr_eq(mem_gpa_to_hva(&m, 0, 3 * GiB), fake(H0));
	ck_assert_ptr_eq(mem_gpa_to_hva(&m, 3 * GiB - 1, 1), fake(H0 + 3 * GiB - 1));
	ck_assert_ptr_eq(mem_gpa_to_hva(&m, 3 * GiB - 4096, 4096), fake(H0 + 3 * GiB - 4096));
	ck_assert_ptr_eq(mem_gpa_to_hva(&m, 4 * GiB, 1), fake(H1));
	ck_assert_ptr_eq(mem_gpa_to_hva(&m, 5 * GiB - 1, 1), fake(H1 + 1 * GiB - 1));

	/* One past the end, crossing the end, in the hole, past RAM. */
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 3 * GiB, 1));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 3 * GiB - 1, 2));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 0, 3 * GiB + 1));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 0xfee00000, 4));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 4 * GiB - 1, 2));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 5 * GiB, 1));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 5 * GiB - 1, 2));
	/* Lengths that would wrap around. */
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 4096, UINT64_MAX));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, UINT64_MAX, 2));
}
END_TEST

START_TEST(test_gpa_to_hva_spanning_regions)
{
	struct mem_map m = { 0 };

	/* Contiguous in both spaces, but two regions: no single pointer. */
	ck_assert_int_eq(mem_map_add(&m, 0, 1 * MiB, fake(H0)), 0);
	ck_assert_int_eq(mem_map_add(&m, 1 * MiB, 1 * MiB, fake(H0 + 1 * MiB)), 0);
	ck_assert_ptr_eq(mem_gpa_to_hva(&m, 1 * MiB - 16, 16), fake(H0 + 1 * MiB - 16));
	ck_assert_ptr_eq(mem_gpa_to_hva(&m, 1 * MiB, 16), fake(H0 + 1 * MiB));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 1 * MiB - 16, 32));
	ck_assert_ptr_null(mem_gpa_to_hva(&m, 0, 2 * MiB));
}
END_TEST

START_TEST(test_extent_4k_inside)
{
	struct mem_map m;
	struct mem_hit h[4];

	memset(h, 0x5a, sizeof(h));
	x86_map(&m);
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + 0x123456, 12, h, 4), 1);
	ck_assert_int_eq(h[0].region, 0);
	ck_assert_uint_eq(h[0].gpa, 0x123000);
	ck_assert_uint_eq(h[0].hva, H0 + 0x123000);
	ck_assert_uint_eq(h[0].len, 4096);

	ck_assert_int_eq(mem_extent_lookup(&m, H1 + 1 * GiB - 1, 12, h, 4), 1);
	ck_assert_int_eq(h[0].region, 1);
	ck_assert_uint_eq(h[0].gpa, 5 * GiB - 4096);
	ck_assert_uint_eq(h[0].hva, H1 + 1 * GiB - 4096);
	ck_assert_uint_eq(h[0].len, 4096);
}
END_TEST

START_TEST(test_extent_2m_straddles_end)
{
	struct mem_map m = { 0 };
	struct mem_hit h[4];

	/* One region [H0 + 1 MiB, H0 + 3.5 MiB), gpa 1 MiB. */
	ck_assert_int_eq(mem_map_add(&m, 1 * MiB, 5 * MiB / 2, fake(H0 + 1 * MiB)), 0);

	/* Extent [H0 + 2 MiB, H0 + 4 MiB): only its first 1.5 MiB is RAM. */
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + 3 * MiB + 0x1234, 21, h, 4), 1);
	ck_assert_int_eq(h[0].region, 0);
	ck_assert_uint_eq(h[0].hva, H0 + 2 * MiB);
	ck_assert_uint_eq(h[0].gpa, 2 * MiB);
	ck_assert_uint_eq(h[0].len, 3 * MiB / 2);

	/* Extent [H0, H0 + 2 MiB): the region starts in the middle. */
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + 1 * MiB + 5, 21, h, 4), 1);
	ck_assert_uint_eq(h[0].hva, H0 + 1 * MiB);
	ck_assert_uint_eq(h[0].gpa, 1 * MiB);
	ck_assert_uint_eq(h[0].len, 1 * MiB);
}
END_TEST

START_TEST(test_extent_two_regions)
{
	struct mem_map m;
	struct mem_hit h[4];

	split_map(&m);
	/* Extent [H0, H0 + 2 MiB): all of R0, the first 4 KiB of R1. */
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + 0x1000, 21, h, 4), 2);
	ck_assert_int_eq(h[0].region, 0);
	ck_assert_uint_eq(h[0].hva, H0);
	ck_assert_uint_eq(h[0].gpa, 0);
	ck_assert_uint_eq(h[0].len, B0_SIZE);
	ck_assert_int_eq(h[1].region, 1);
	ck_assert_uint_eq(h[1].hva, H0 + B0_SIZE);
	ck_assert_uint_eq(h[1].gpa, 4 * GiB);
	ck_assert_uint_eq(h[1].len, 4 * KiB);

	/* Fault in R1 (the second table entry): R1's piece comes first. */
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + B0_SIZE + 0x800, 21, h, 4), 2);
	ck_assert_int_eq(h[0].region, 1);
	ck_assert_uint_eq(h[0].hva, H0 + B0_SIZE);
	ck_assert_uint_eq(h[0].gpa, 4 * GiB);
	ck_assert_uint_eq(h[0].len, 4 * KiB);
	ck_assert_int_eq(h[1].region, 0);
	ck_assert_uint_eq(h[1].hva, H0);
	ck_assert_uint_eq(h[1].gpa, 0);
	ck_assert_uint_eq(h[1].len, B0_SIZE);

	/* Room for one hit only: the faulting region's. */
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + B0_SIZE + 0x800, 21, h, 1), 1);
	ck_assert_int_eq(h[0].region, 1);
}
END_TEST

START_TEST(test_extent_outside_ram)
{
	struct mem_map m;
	struct mem_hit h[4];

	x86_map(&m);
	ck_assert_int_eq(mem_extent_lookup(&m, 0x5555000, 12, h, 4), 0);
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + 3 * GiB, 12, h, 4), 0);
	ck_assert_int_eq(mem_extent_lookup(&m, H0 - 1, 12, h, 4), 0);
	ck_assert_int_eq(mem_extent_lookup(&m, H1 + 1 * GiB + 0x1000, 21, h, 4), 0);
}
END_TEST

START_TEST(test_extent_1g)
{
	struct mem_map m;
	struct mem_hit h[4];

	/* Extent [H0, H0 + 1 GiB) holds both small regions whole. */
	split_map(&m);
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + B0_SIZE + 3 * MiB, 30, h, 4), 2);
	ck_assert_int_eq(h[0].region, 1);
	ck_assert_uint_eq(h[0].hva, H0 + B0_SIZE);
	ck_assert_uint_eq(h[0].gpa, 4 * GiB);
	ck_assert_uint_eq(h[0].len, B1_SIZE);
	ck_assert_int_eq(h[1].region, 0);
	ck_assert_uint_eq(h[1].hva, H0);
	ck_assert_uint_eq(h[1].gpa, 0);
	ck_assert_uint_eq(h[1].len, B0_SIZE);

	/* A 1 GiB page inside the 3 GiB region. */
	x86_map(&m);
	ck_assert_int_eq(mem_extent_lookup(&m, H0 + 2 * GiB + 0x1234567, 30, h, 4), 1);
	ck_assert_int_eq(h[0].region, 0);
	ck_assert_uint_eq(h[0].hva, H0 + 2 * GiB);
	ck_assert_uint_eq(h[0].gpa, 2 * GiB);
	ck_assert_uint_eq(h[0].len, 1 * GiB);
}
END_TEST

/* Several pieces under one guard: in order, both ways; one outside RAM: nothing copied. */
START_TEST(test_copy_many)
{
	static uint8_t ram[8192];
	uint8_t a[4] = { 'a', 'b', 'c', 'd' }, b[4] = { 'w', 'x', 'y', 'z' }, back[8] = { 0 };
	struct mem_map m = { 0 };
	struct mem_piece p[2] = {
		{ .gpa = 0x10000 + 100, .buf = a, .len = 4 },
		{ .gpa = 0x10000 + 4096, .buf = b, .len = 4 },
	};

	ck_assert_int_eq(mem_map_add(&m, 0x10000, sizeof(ram), ram), 0);
	ck_assert_int_eq(mem_copy_many(&m, p, 2, true, "test"), 0);
	ck_assert_mem_eq(ram + 100, "abcd", 4);
	ck_assert_mem_eq(ram + 4096, "wxyz", 4);
	p[0] = (struct mem_piece){ .gpa = 0x10000 + 4096, .buf = back, .len = 4 };
	p[1] = (struct mem_piece){ .gpa = 0x10000 + 100, .buf = back + 4, .len = 4 };
	ck_assert_int_eq(mem_copy_many(&m, p, 2, false, "test"), 0);
	ck_assert_mem_eq(back, "wxyzabcd", 8);
	/* The second piece runs past RAM's end: -EFAULT before the first is copied. */
	p[0] = (struct mem_piece){ .gpa = 0x10000 + 200, .buf = a, .len = 4 };
	p[1] = (struct mem_piece){ .gpa = 0x10000 + sizeof(ram) - 2, .buf = b, .len = 4 };
	ck_assert_int_eq(mem_copy_many(&m, p, 2, true, "test"), -EFAULT);
	ck_assert_mem_eq(ram + 200, "\0\0\0\0", 4);
	ck_assert_int_eq(mem_copy_many(&m, p, 0, true, "test"), 0);
}
END_TEST

Suite *mem_suite(void)
{
	Suite *s = suite_create("mem");
	TCase *tc;

	tc = tcase_create("map_add");
	tcase_add_test(tc, test_add_records_regions);
	tcase_add_test(tc, test_add_zero_size);
	tcase_add_test(tc, test_add_overlap_gpa);
	tcase_add_test(tc, test_add_overlap_hva);
	tcase_add_test(tc, test_add_wrap);
	tcase_add_test(tc, test_add_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookup");
	tcase_add_test(tc, test_hva_to_gpa_edges);
	tcase_add_test(tc, test_gpa_to_hva_edges);
	tcase_add_test(tc, test_gpa_to_hva_spanning_regions);
	tcase_add_test(tc, test_copy_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("extent");
	tcase_add_test(tc, test_extent_4k_inside);
	tcase_add_test(tc, test_extent_2m_straddles_end);
	tcase_add_test(tc, test_extent_two_regions);
	tcase_add_test(tc, test_extent_outside_ram);
	tcase_add_test(tc, test_extent_1g);
	suite_add_tcase(s, tc);
	return s;
}
