// SPDX-License-Identifier: GPL-2.0
/* Guest RAM fixture shared by the bzImage and multiboot loader tests. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "loader-fixture.h"

#define MAX_ALLOCS	8

uint8_t *ram;
struct mem_map map;
struct x86_boot boot;
char err[256];
static void *allocs[MAX_ALLOCS];
static int nr_allocs;

void ram_setup(void)
{
	ram = malloc(RAM_SIZE);
	ck_assert_ptr_nonnull(ram);
	memset(ram, FILL, RAM_SIZE);
	memset(&map, 0, sizeof(map));
	ck_assert_int_eq(mem_map_add(&map, 0, RAM_SIZE, ram), 0);
	memset(&boot, 0, sizeof(boot));
	memset(err, 0, sizeof(err));
}

void *test_alloc(size_t n)
{
	void *p;

	ck_assert_int_lt(nr_allocs, MAX_ALLOCS);
	p = malloc(n);
	ck_assert_ptr_nonnull(p);
	allocs[nr_allocs++] = p;
	return p;
}

void ram_teardown(void)
{
	while (nr_allocs)
		free(allocs[--nr_allocs]);
	free(ram);
	ram = NULL;
}
