// SPDX-License-Identifier: GPL-2.0
/*
 * x86's GHES source (x86/ghes.c): which path an error takes
 * (x86_ras_plan(), every combination), the MMIO error status address
 * register a polling guest reads, and how long such a read counts as
 * "the guest polls" (X86_GHES_FRESH_MS).
 */
#include <check.h>
#include <string.h>

#include "acpi.h"
#include "ghes.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "x86-suites.h"
#include "x86.h"

/* Bits of the table index: one fact each. */
#define F_AMD		(1u << 0)
#define F_CONSUMED	(1u << 1)
#define F_GPA		(1u << 2)
#define F_GHES		(1u << 3)
#define F_POLLED	(1u << 4)
#define F_BUSY		(1u << 5)
#define F_ALL		(1u << 6)

/*
 * Only an AMD guest's error that nothing consumed, with an address, in a
 * VM with the source that the guest polls, goes through GHES (waiting
 * while the last record is unacknowledged); everything else is a machine
 * check, as before.
 */
START_TEST(test_x86_ras_plan)
{
	unsigned int i = (unsigned int)_i;
	struct x86_ras_facts f = {
		.amd = i & F_AMD, .consumed = i & F_CONSUMED, .has_gpa = i & F_GPA,
		.ghes = i & F_GHES, .polled = i & F_POLLED, .busy = i & F_BUSY,
	};
	enum x86_ras_how want = X86_RAS_MCE;

	if ((i & (F_AMD | F_GPA | F_GHES | F_POLLED)) == (F_AMD | F_GPA | F_GHES | F_POLLED) &&
	    !(i & F_CONSUMED))
		want = i & F_BUSY ? X86_RAS_GHES_WAIT : X86_RAS_GHES;
	ck_assert_int_eq(x86_ras_plan(&f), want);
}
END_TEST

/* The exact rows the task is about, spelled out. */
START_TEST(test_x86_ras_plan_rows)
{
	struct x86_ras_facts ao = { .amd = true, .has_gpa = true, .ghes = true, .polled = true };
	struct x86_ras_facts f;

	ck_assert_int_eq(x86_ras_plan(&ao), X86_RAS_GHES);		/* AMD AO: GHES */
	f = ao;
	f.consumed = true;
	ck_assert_int_eq(x86_ras_plan(&f), X86_RAS_MCE);		/* AMD AR: #MC */
	f = ao;
	f.amd = false;
	ck_assert_int_eq(x86_ras_plan(&f), X86_RAS_MCE);		/* Intel AO: SRAO */
	f = ao;
	f.polled = false;
	ck_assert_int_eq(x86_ras_plan(&f), X86_RAS_MCE);		/* not polling: deferred */
	f = ao;
	f.ghes = false;
	ck_assert_int_eq(x86_ras_plan(&f), X86_RAS_MCE);		/* --ras-amd-ao=deferred */
	f = ao;
	f.busy = true;
	ck_assert_int_eq(x86_ras_plan(&f), X86_RAS_GHES_WAIT);	/* record not acked */
}
END_TEST

START_TEST(test_x86_ghes_register)
{
	static struct vm vm;
	static struct x86_vm x;
	uint8_t d[8];
	uint64_t t;

	memset(&vm, 0, sizeof(vm));
	memset(&x, 0, sizeof(x));
	vm.arch = &x;
	ck_assert(!x86_ghes_polled(&x, mono_ns()));		/* never read */
	ck_assert_int_eq(x86_ghes_init(&vm), 0);

	memset(d, 0xff, sizeof(d));
	t = mono_ns();
	ck_assert(io_bus_dispatch(&vm.mmio, NULL, X86_GHES_STATUS_REG, d, 8, false));
	ck_assert_uint_eq(io_data_get(d, 8), X86_GHES_BLOCK);	/* 0xed800 */
	ck_assert_uint_eq(X86_GHES_BLOCK, 0xed800);
	ck_assert(x86_ghes_polled(&x, mono_ns()));
	ck_assert(x86_ghes_polled(&x, t + X86_GHES_FRESH_MS * 1000000ULL - 1));
	ck_assert(!x86_ghes_polled(&x, mono_ns() + X86_GHES_FRESH_MS * 1000000ULL + 1));

	/* two 32-bit halves read the same address; a write changes nothing */
	ck_assert(io_bus_dispatch(&vm.mmio, NULL, X86_GHES_STATUS_REG, d, 4, false));
	ck_assert_uint_eq(io_data_get(d, 4), (uint32_t)X86_GHES_BLOCK);
	ck_assert(io_bus_dispatch(&vm.mmio, NULL, X86_GHES_STATUS_REG + 4, d, 4, false));
	ck_assert_uint_eq(io_data_get(d, 4), (uint32_t)(X86_GHES_BLOCK >> 32));
	io_data_put(d, 8, 0x1234);
	ck_assert(io_bus_dispatch(&vm.mmio, NULL, X86_GHES_STATUS_REG, d, 8, true));
	ck_assert(io_bus_dispatch(&vm.mmio, NULL, X86_GHES_STATUS_REG, d, 8, false));
	ck_assert_uint_eq(io_data_get(d, 8), X86_GHES_BLOCK);
	/* the rest of its page reads 0 */
	ck_assert(io_bus_dispatch(&vm.mmio, NULL, X86_GHES_STATUS_REG + 8, d, 8, false));
	ck_assert_uint_eq(io_data_get(d, 8), 0);
}
END_TEST

Suite *x86_ghes_suite(void)
{
	Suite *s = suite_create("x86-ghes");
	TCase *tc = tcase_create("ghes");

	tcase_add_loop_test(tc, test_x86_ras_plan, 0, (int)F_ALL);
	tcase_add_test(tc, test_x86_ras_plan_rows);
	tcase_add_test(tc, test_x86_ghes_register);
	suite_add_tcase(s, tc);
	return s;
}
