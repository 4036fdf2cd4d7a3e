/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared fixture of the loader tests: 64 MiB of guest RAM at gpa 0, filled
 * with FILL so tests see what a loader wrote, plus per-test allocations
 * freed even when an assertion fails.
 */
#ifndef LKVM_TEST_LOADER_FIXTURE_H
#define LKVM_TEST_LOADER_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "boot.h"
#include "lkvm/mem.h"
#include "lkvm/util.h"

#define RAM_SIZE	(64 * MiB)
#define FILL		0xaa

extern uint8_t *ram;
extern struct mem_map map;
extern struct x86_boot boot;
extern char err[256];

void ram_setup(void);
void ram_teardown(void);
void *test_alloc(size_t n);

#endif
