// SPDX-License-Identifier: GPL-2.0
/* hcall argument handling: the vty's packed characters, the process table, options. */
#include <check.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcall.h"
#include "lkvm/arch.h"
#include "lkvm/mem.h"
#include "lkvm/run-opts.h"
#include "ppc-suites.h"
#include "ppc.h"
#include "rtas.h"
#include "suites.h"

START_TEST(test_hcall_put_term)
{
	uint8_t out[16];
	size_t n = 99;

	/* "hello from L2!\r\n" as Linux packs it: big-endian in two registers */
	ck_assert_int_eq(hcall_put_term(PPC_VTY_REG, 16, 0x68656c6c6f206672ULL,
					0x6f6d204c32210d0aULL, out, &n), H_SUCCESS);
	ck_assert_uint_eq(n, 16);
	ck_assert_int_eq(memcmp(out, "hello from L2!\r\n", 16), 0);
	ck_assert_int_eq(hcall_put_term(PPC_VTY_REG, 3, 0x6f6b0a0000000000ULL, 0, out, &n), H_SUCCESS);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(memcmp(out, "ok\n", 3), 0);
	ck_assert_int_eq(hcall_put_term(0, 1, 0, 0, out, &n), H_PARAMETER);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(hcall_put_term(PPC_VTY_REG, 17, 0, 0, out, &n), H_P2);
	ck_assert_int_eq(hcall_put_term(PPC_VTY_REG, UINT64_MAX, 0, 0, out, &n), H_P2);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_hcall_pack_term)
{
	uint64_t c0, c1;

	hcall_pack_term((const uint8_t *)"ls\n", 3, &c0, &c1);
	ck_assert_uint_eq(c0, 0x6c730a0000000000ULL);
	ck_assert_uint_eq(c1, 0);
	hcall_pack_term((const uint8_t *)"0123456789abcdefXX", 18, &c0, &c1);	/* at most 16 */
	ck_assert_uint_eq(c0, 0x3031323334353637ULL);
	ck_assert_uint_eq(c1, 0x3839616263646566ULL);
}
END_TEST

START_TEST(test_hcall_proc_tbl)
{
	uint8_t *ram = calloc(1, 1 << 20);
	struct mem_map m;
	uint64_t f = 0, t = 0;
	const uint64_t radix = PROC_TABLE_NEW | PROC_TABLE_RADIX;

	ck_assert_ptr_nonnull(ram);
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(mem_map_add(&m, 0, 1 << 20, ram), 0);
	/* Linux: NEW | RADIX | GTSE, a 64 KiB table (size field 4) at 0x10000 */
	ck_assert_int_eq(hcall_proc_tbl(&m, radix | PROC_TABLE_GTSE, 0x10000, 0, 4, &f, &t),
			 H_SUCCESS);
	ck_assert_uint_eq(f, KVM_PPC_MMUV3_RADIX | KVM_PPC_MMUV3_GTSE);
	ck_assert_uint_eq(t, 0x8000000000010004ULL);
	ck_assert_int_eq(hcall_proc_tbl(&m, radix, 0x10000, 0, 4, &f, &t), H_SUCCESS);
	ck_assert_uint_eq(f, KVM_PPC_MMUV3_RADIX);
	/* refused */
	ck_assert_int_eq(hcall_proc_tbl(&m, PROC_TABLE_NEW | PROC_TABLE_HPT_PT, 0x10000, 0, 4, &f, &t),
			 H_PARAMETER);	/* hash */
	ck_assert_int_eq(hcall_proc_tbl(&m, PROC_TABLE_DEREG, 0, 0, 0, &f, &t), H_PARAMETER);
	ck_assert_int_eq(hcall_proc_tbl(&m, radix | 0x20, 0x10000, 0, 4, &f, &t), H_PARAMETER);
	ck_assert_int_eq(hcall_proc_tbl(&m, radix, 0x10800, 0, 4, &f, &t), H_P2);	/* unaligned */
	ck_assert_int_eq(hcall_proc_tbl(&m, radix, 1ULL << 60, 0, 4, &f, &t), H_P2);
	ck_assert_int_eq(hcall_proc_tbl(&m, radix, 0x10000, 12, 4, &f, &t), H_P3);
	ck_assert_int_eq(hcall_proc_tbl(&m, radix, 0x10000, 0, 25, &f, &t), H_P4);
	/* a table that does not fit in RAM */
	ck_assert_int_eq(hcall_proc_tbl(&m, radix, 0xf8000, 0, 4, &f, &t), H_P2);
	ck_assert_int_eq(hcall_proc_tbl(&m, radix, 0, 0, 24, &f, &t), H_P2);
	free(ram);
}
END_TEST

/* ppc64 has no options of its own: --dump-dtb (core), arm64's refused by name. */
START_TEST(test_ppc_opts)
{
	char run[] = "run", a1[32], a2[32];
	char *argv[] = { run, a1, a2, NULL };
	struct run_opts o;
	char err[256];
	char *help;

	snprintf(a1, sizeof(a1), "--dump-dtb");
	snprintf(a2, sizeof(a2), "x.dtb");
	ck_assert_int_eq(run_opts_parse(&o, 3, argv, err, sizeof(err)), 0);
	ck_assert_str_eq(o.dump_dtb, "x.dtb");
	snprintf(a1, sizeof(a1), "--dump-dtb=");
	ck_assert_int_eq(run_opts_parse(&o, 2, argv, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid --dump-dtb '': give a file name");
	snprintf(a1, sizeof(a1), "--irqchip=gicv3");
	ck_assert_int_eq(run_opts_parse(&o, 2, argv, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--irqchip is an arm64 option; lkvm for ppc64 has no such setting (see 'lkvm run --help')");
	snprintf(a1, sizeof(a1), "--ras-serror-esr");
	snprintf(a2, sizeof(a2), "0x811");
	ck_assert_int_eq(run_opts_parse(&o, 3, argv, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "--ras-serror-esr is an arm64 option"));
	ck_assert_str_eq(arch_info()->name, "ppc64");
	ck_assert(arch_info()->device_tree);
	help = run_help_text();
	ck_assert_ptr_nonnull(strstr(help, "\nppc64:\n      --dump-dtb FILE "));
	free(help);
}
END_TEST

Suite *ppc_hcall_suite(void)
{
	Suite *s = suite_create("ppc-hcall");
	TCase *tc = tcase_create("hcall");

	tcase_add_test(tc, test_hcall_put_term);
	tcase_add_test(tc, test_hcall_pack_term);
	tcase_add_test(tc, test_hcall_proc_tbl);
	tcase_add_test(tc, test_ppc_opts);
	suite_add_tcase(s, tc);
	return s;
}
