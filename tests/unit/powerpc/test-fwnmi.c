// SPDX-License-Identifier: GPL-2.0
/*
 * FWNMI delivery: readiness, the registers a machine check leaves, and the
 * KVM_EXIT_NMI path with synthesized exits for each disposition (the exit
 * cannot be raised in the nested test bed: KVM gives no machine check there).
 */
#include <check.h>
#include <linux/kvm.h>
#include <string.h>

#include "fwnmi.h"
#include "ppc-suites.h"

#define RTAS	0x0fff0000ULL
#define INTR	(PPC_MSR_SF | PPC_MSR_ME | PPC_MSR_LE)
#define USER_MSR (PPC_MSR_SF | PPC_MSR_PR | PPC_MSR_ME | PPC_MSR_IR | PPC_MSR_DR | PPC_MSR_RI | PPC_MSR_LE)

static struct ppc_fwnmi registered(void)
{
	return (struct ppc_fwnmi){ .sreset_addr = 0x7000, .mce_addr = 0x7400, .interlock = -1 };
}

START_TEST(test_fwnmi_ready)
{
	struct ppc_fwnmi f = registered();
	char why[200];

	ck_assert_int_eq(fwnmi_ready(&f, 0, USER_MSR, true, why, sizeof(why)), RAS_READY);
	ck_assert_int_eq(fwnmi_ready(&f, 0, USER_MSR, false, why, sizeof(why)), RAS_READY);
	/* RI clear: only an unconsumed (asynchronous) error waits. */
	ck_assert_int_eq(fwnmi_ready(&f, 0, USER_MSR & ~PPC_MSR_RI, false, why, sizeof(why)),
			 RAS_BUSY);
	ck_assert_int_eq(fwnmi_ready(&f, 0, USER_MSR & ~PPC_MSR_RI, true, why, sizeof(why)),
			 RAS_READY);
	/* The interlock: everything waits, on every vCPU. */
	f.interlock = 1;
	ck_assert_int_eq(fwnmi_ready(&f, 0, USER_MSR, true, why, sizeof(why)), RAS_BUSY);
	ck_assert_int_eq(fwnmi_ready(&f, 1, USER_MSR, false, why, sizeof(why)), RAS_BUSY);
	ck_assert_ptr_nonnull(strstr(why, "ibm,nmi-interlock"));
	/* No handler: consumed -> 0x200; not consumed -> cannot be told. */
	f = (struct ppc_fwnmi){ .interlock = -1 };
	ck_assert_int_eq(fwnmi_ready(&f, 0, USER_MSR, true, why, sizeof(why)), RAS_READY);
	ck_assert_int_eq(fwnmi_ready(&f, 0, USER_MSR, false, why, sizeof(why)), RAS_UNABLE);
}
END_TEST

START_TEST(test_fwnmi_enter_handler)
{
	struct ppc_fwnmi f = registered();
	struct fwnmi_regs r = { .pc = 0x10001234, .msr = USER_MSR, .srr0 = 1, .srr1 = 2,
				.r3 = 0xabcdef };
	struct fwnmi_error e;
	uint8_t log[ERRLOG_SIZE];

	fwnmi_memory_error(0x5670000, true, &e);
	ck_assert_int_eq(fwnmi_enter(&f, 1, RTAS, INTR, &r, &e, log), FWNMI_HANDLER);
	ck_assert_uint_eq(r.pc, 0x7400);
	ck_assert_uint_eq(r.msr, INTR);
	ck_assert_uint_eq(r.srr0, 0x10001234);
	ck_assert_uint_eq(r.srr1, USER_MSR);
	ck_assert_uint_eq(r.r3, RTAS + 0x30);
	ck_assert_int_eq(f.interlock, 1);
	/* old r3 first, then a not-recovered UE with both addresses */
	ck_assert_uint_eq(log[5], 0xab);
	ck_assert_uint_eq(log[6], 0xcd);
	ck_assert_uint_eq(log[7], 0xef);
	ck_assert_uint_eq(log[9], 0x74);
	ck_assert_uint_eq(log[48], ERRLOG_MC_UE);
	ck_assert_uint_eq(log[49], 0x63);
	ck_assert_uint_eq(log[68], 0x05);
	ck_assert_uint_eq(log[69], 0x67);
	ck_assert_uint_eq(log[56], 0xc0);

	/* Not consumed: fully recovered, warning severity. */
	f = registered();
	fwnmi_memory_error(0x5670000, false, &e);
	fwnmi_enter(&f, 0, RTAS, INTR, &r, &e, log);
	ck_assert_uint_eq(log[9], 0x44);
}
END_TEST

START_TEST(test_fwnmi_enter_0x200)
{
	struct ppc_fwnmi f = { .interlock = -1 };
	struct fwnmi_regs r = { .pc = 0x4000, .msr = USER_MSR, .r3 = 7 };
	struct fwnmi_error e;
	uint8_t log[ERRLOG_SIZE];

	memset(log, 0xee, sizeof(log));
	fwnmi_memory_error(0x10000, true, &e);
	ck_assert_int_eq(fwnmi_enter(&f, 0, RTAS, INTR, &r, &e, log), FWNMI_VECTOR_0x200);
	ck_assert_uint_eq(r.pc, 0x200);
	ck_assert_uint_eq(r.srr0, 0x4000);
	ck_assert_uint_eq(r.srr1, USER_MSR);
	ck_assert_uint_eq(r.msr, INTR);
	ck_assert_uint_eq(r.r3, 7);		/* no log, r3 untouched */
	ck_assert_int_eq(f.interlock, -1);	/* nothing to release */
	ck_assert_uint_eq(log[0], 0xee);
}
END_TEST

/* A synthesized KVM_EXIT_NMI through the exit's decoding and delivery. */
static void nmi_exit(uint32_t flags, unsigned int disp, uint8_t byte1)
{
	struct kvm_run run;
	struct ppc_fwnmi f = registered();
	struct fwnmi_regs r = { .pc = 0x8000, .msr = USER_MSR };
	struct fwnmi_error e;
	uint8_t log[ERRLOG_SIZE];
	char why[200];

	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_NMI;
	run.flags = flags;
	ck_assert_int_eq(fwnmi_nmi_error(run.flags, &e), 0);
	ck_assert_uint_eq(e.disposition, disp);
	ck_assert(e.consumed);
	ck_assert_int_eq(fwnmi_ready(&f, 0, r.msr, e.consumed, why, sizeof(why)), RAS_READY);
	ck_assert_int_eq(fwnmi_enter(&f, 0, RTAS, INTR, &r, &e, log), FWNMI_HANDLER);
	ck_assert_uint_eq(r.pc, 0x7400);
	ck_assert_uint_eq(log[9], byte1);
	ck_assert_uint_eq(log[48], ERRLOG_MC_UNKNOWN);	/* KVM gives no cause */
	ck_assert_uint_eq(log[49], 0);			/* nor any address */
	/* A second one before the interlock waits. */
	ck_assert_int_eq(fwnmi_ready(&f, 0, r.msr, true, why, sizeof(why)), RAS_BUSY);
}

START_TEST(test_nmi_dispositions)
{
	/* KVM_RUN_PPC_NMI_DISP_*: severity:3 disposition:2 extended:1 in byte 1 */
	nmi_exit(KVM_RUN_PPC_NMI_DISP_FULLY_RECOV, ERRLOG_DISP_FULLY_RECOVERED, 0x44);
	nmi_exit(KVM_RUN_PPC_NMI_DISP_LIMITED_RECOV, ERRLOG_DISP_LIMITED_RECOVERY, 0x6c);
	nmi_exit(KVM_RUN_PPC_NMI_DISP_NOT_RECOV, ERRLOG_DISP_NOT_RECOVERED, 0x74);
	/* Other run->flags bits do not matter. */
	nmi_exit(0x100 | KVM_RUN_PPC_NMI_DISP_NOT_RECOV, ERRLOG_DISP_NOT_RECOVERED, 0x74);
}
END_TEST

START_TEST(test_nmi_no_disposition)
{
	struct fwnmi_error e;

	ck_assert_int_eq(fwnmi_nmi_error(0, &e), -1);
	ck_assert_int_eq(fwnmi_nmi_error(0x100, &e), -1);
}
END_TEST

Suite *ppc_fwnmi_suite(void)
{
	Suite *s = suite_create("ppc-fwnmi");
	TCase *tc = tcase_create("fwnmi");

	tcase_add_test(tc, test_fwnmi_ready);
	tcase_add_test(tc, test_fwnmi_enter_handler);
	tcase_add_test(tc, test_fwnmi_enter_0x200);
	tcase_add_test(tc, test_nmi_dispositions);
	tcase_add_test(tc, test_nmi_no_disposition);
	suite_add_tcase(s, tc);
	return s;
}
