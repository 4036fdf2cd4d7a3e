// SPDX-License-Identifier: GPL-2.0
/* x86 machine-check register values (docs: ras-reference.md, the QEMU table). */
#include <stdbool.h>
#include <stdint.h>

#include "mce.h"
#include "x86-suites.h"

struct encode_case {
	bool amd, ar;
	uint64_t status, mcg_status;
};

static const struct encode_case encode_cases[] = {
	{ false, true,  0xBD80000000000134ULL, 0x7 },	/* Intel SRAR, data load */
	{ false, false, 0xBD000000000000C0ULL, 0x5 },	/* Intel SRAO, scrub */
	{ true,  true,  0xBC00080000000000ULL, 0x7 },	/* AMD: UC + POISON */
	{ true,  false, 0x9C00180000000000ULL, 0x5 },	/* AMD: DEFERRED + POISON */
};

START_TEST(test_encode_table)
{
	const struct encode_case *c = &encode_cases[_i];
	struct mce_values v;

	mce_encode(c->amd, c->ar, 0x12345678, &v);
	ck_assert_msg(v.status == c->status, "%s %s: status 0x%016llx, want 0x%016llx",
		      c->amd ? "AMD" : "Intel", c->ar ? "AR" : "AO",
		      (unsigned long long)v.status, (unsigned long long)c->status);
	ck_assert_uint_eq(v.mcg_status, c->mcg_status);
	ck_assert_uint_eq(v.addr, 0x12345000);
	ck_assert_uint_eq(v.misc, 0x8c);
}
END_TEST

START_TEST(test_encode_addr)
{
	struct mce_values v;

	mce_encode(false, true, 0x1234000, &v);
	ck_assert_uint_eq(v.addr, 0x1234000);
	mce_encode(true, false, 0x1234fff, &v);
	ck_assert_uint_eq(v.addr, 0x1234000);
	mce_encode(false, false, 0xfff, &v);
	ck_assert_uint_eq(v.addr, 0);
	mce_encode(true, true, 0x123456789abcdefULL, &v);
	ck_assert_uint_eq(v.addr, 0x123456789abc000ULL);
	ck_assert_uint_eq(v.misc, 0x8c);
}
END_TEST

START_TEST(test_encode_bits)
{
	struct mce_values v;

	/* What KVM_X86_SET_MCE needs: VAL, and never OVER or PCC. */
	for (int i = 0; i < 4; i++) {
		mce_encode(i & 1, i & 2, 0x5000, &v);
		ck_assert(v.status & MCI_STATUS_VAL);
		ck_assert(v.status & MCI_STATUS_ADDRV);
		ck_assert(v.status & MCI_STATUS_MISCV);
		ck_assert(!(v.status & MCI_STATUS_OVER));
		ck_assert(!(v.status & MCI_STATUS_PCC));
		ck_assert(v.mcg_status & MCG_STATUS_MCIP);
		ck_assert(v.mcg_status & MCG_STATUS_RIPV);
		ck_assert_int_eq(!!(v.mcg_status & MCG_STATUS_EIPV), !!(i & 2));
	}
}
END_TEST

struct cap_case {
	unsigned int banks;
	uint64_t host, want;
};

static const struct cap_case cap_cases[] = {
	{ 32, 0, 10 },
	{ 32, 0x1000100, 0x100010a },	/* MCG_SER_P | MCG_CTL_P */
	{ 6, 0, 6 },
	{ 6, 0x100, 0x106 },
	{ 10, 0x1000000, 0x100000a },
	{ 11, 0, 10 },
	{ 1, 0, 1 },
	{ 0, 0, 0 },
	/* LMCE_P, TES_P, bank-count bits, ... offered by the host: dropped */
	{ 32, 0x8000000 | 0x800 | 0xff, 10 },
	{ 32, ~0ULL, 0x100010a },
};

START_TEST(test_cap_table)
{
	const struct cap_case *c = &cap_cases[_i];
	uint64_t got = mce_cap(c->banks, c->host);

	ck_assert_msg(got == c->want, "mce_cap(%u, 0x%llx) = 0x%llx, want 0x%llx", c->banks,
		      (unsigned long long)c->host, (unsigned long long)got,
		      (unsigned long long)c->want);
}
END_TEST

START_TEST(test_bank)
{
	ck_assert_uint_eq(mce_bank(10, true), 9);
	ck_assert_uint_eq(mce_bank(6, true), 5);
	ck_assert_uint_eq(mce_bank(1, true), 0);
	ck_assert_uint_eq(mce_bank(0, true), 0);
	ck_assert_uint_eq(mce_bank(32, true), MCE_BANK_DEFAULT);
	/* Only the bank count (bits 7:0) matters. */
	ck_assert_uint_eq(mce_bank(0x100010a, true), 9);
	ck_assert_uint_eq(mce_bank(0x1000106, true), 5);
	/* AO goes one bank below AR, so the two never share a bank. */
	ck_assert_uint_eq(mce_bank(10, false), 8);
	ck_assert_uint_eq(mce_bank(32, false), 8);
	ck_assert_uint_eq(mce_bank(6, false), 4);
	ck_assert_uint_eq(mce_bank(2, false), 0);
	ck_assert_uint_eq(mce_bank(1, false), 0);
	ck_assert_uint_eq(mce_bank(0, false), 0);
	ck_assert_uint_eq(mce_bank(0x100, true), 0);
	ck_assert_uint_eq(mce_bank(mce_cap(32, 0x1000100), true), 9);
	ck_assert_uint_eq(mce_bank(mce_cap(2, 0x1000100), true), 1);
}
END_TEST

/* Who gets what: AMD never broadcasts; Intel with N vCPUs gives N-1 companions. */
START_TEST(test_plan)
{
	struct mce_delivery d[4];
	unsigned int n;

	/* AMD, 4 vCPUs, AR on vCPU 2: only vCPU 2, the encoded values in bank 9. */
	n = mce_plan(true, true, 0x1234567, 0x100010a, 4, 2, d);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(d[0].vcpu, 2);
	ck_assert_uint_eq(d[0].bank, 9);
	ck_assert_uint_eq(d[0].v.status, 0xbc00080000000000ULL);
	ck_assert_uint_eq(d[0].v.addr, 0x1234000);

	/* Intel, 1 vCPU: nothing to broadcast to. */
	ck_assert_uint_eq(mce_plan(false, true, 0x1000, 0x100010a, 1, 0, d), 1);

	/* Intel, 3 vCPUs, AR on vCPU 1: vCPU 1 gets SRAR in bank 9, 0 and 2 the companion. */
	n = mce_plan(false, true, 0x5000, 0x100010a, 3, 1, d);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(d[0].vcpu, 1);
	ck_assert_uint_eq(d[0].bank, 9);
	ck_assert_uint_eq(d[0].v.status, 0xbd80000000000134ULL);
	ck_assert_uint_eq(d[0].v.mcg_status, 0x7);
	ck_assert_uint_eq(d[1].vcpu, 0);
	ck_assert_uint_eq(d[2].vcpu, 2);
	for (unsigned int i = 1; i < 3; i++) {
		ck_assert_uint_eq(d[i].bank, MCE_BROADCAST_BANK);
		ck_assert_uint_eq(d[i].v.status, 0xa000000000000000ULL);	/* VAL|UC */
		ck_assert_uint_eq(d[i].v.mcg_status, 0x5);		/* MCIP|RIPV */
		ck_assert_uint_eq(d[i].v.addr, 0);
		ck_assert_uint_eq(d[i].v.misc, 0);
	}

	/* Intel AO (SRAO) on vCPU 0 of 2: broadcast too, as Intel machines do. */
	n = mce_plan(false, false, 0x9000, 0x100010a, 2, 0, d);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(d[0].bank, 8);
	ck_assert_uint_eq(d[0].v.status, 0xbd000000000000c0ULL);
	ck_assert_uint_eq(d[1].vcpu, 1);
	ck_assert_uint_eq(d[1].v.mcg_status, 0x5);
}
END_TEST

Suite *mce_suite(void)
{
	Suite *s = suite_create("mce");
	TCase *tc;

	tc = tcase_create("encode");
	tcase_add_loop_test(tc, test_encode_table, 0,
			    (int)(sizeof(encode_cases) / sizeof(encode_cases[0])));
	tcase_add_test(tc, test_encode_addr);
	tcase_add_test(tc, test_encode_bits);
	suite_add_tcase(s, tc);

	tc = tcase_create("cap");
	tcase_add_loop_test(tc, test_cap_table, 0, (int)(sizeof(cap_cases) / sizeof(cap_cases[0])));
	tcase_add_test(tc, test_bank);
	tcase_add_test(tc, test_plan);
	suite_add_tcase(s, tc);
	return s;
}
