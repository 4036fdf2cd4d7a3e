// SPDX-License-Identifier: GPL-2.0
/*
 * ppc64 KVM_EXIT_NMI through the core's one door, with powerpc/ras.c as
 * lkvm runs it (registers in memory: fake-regs.c): a synthesized exit
 * gives the --ras-log record and the event line every error gives,
 * honours --ras-policy=stop (status 4, nothing delivered), is held while
 * another vCPU has the FWNMI interlock (the vCPU stays out of the guest)
 * and delivered when it is released, and a second one on the vCPU that
 * holds it stops the VM.
 */
#include <check.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake-regs.h"
#include "fwnmi.h"
#include "lkvm/ras-state.h"
#include "lkvm/util.h"
#include "ppc-suites.h"
#include "ras-fixture.h"

#define RAM_SIZE	(2 * MiB)
#define RTAS		(1 * MiB)
#define HANDLER		0x7400
#define GUEST_PC	0x10001234ULL
#define USER_MSR	(PPC_MSR_SF | PPC_MSR_PR | PPC_MSR_ME | PPC_MSR_IR | PPC_MSR_DR | \
			 PPC_MSR_RI | PPC_MSR_LE)

static uint8_t *ram;
static struct vm vm;
static struct vcpu vcpus[RAS_FIXTURE_VCPUS];
static struct kvm_run runs[RAS_FIXTURE_VCPUS];
static struct run_opts opts;
static struct ppc_vm ppc;
static char log_path[64];

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	memset(vcpus, 0, sizeof(vcpus));
	memset(runs, 0, sizeof(runs));
	memset(&opts, 0, sizeof(opts));
	memset(&ppc, 0, sizeof(ppc));
	memset(ppc_fake_regs, 0, sizeof(ppc_fake_regs));
	snprintf(opts.name, sizeof(opts.name), "nmi");
	opts.ras_policy = RAS_POLICY_INJECT;
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ram, MAP_FAILED);
	ck_assert_int_eq(mem_map_add(&vm.mem, 0, RAM_SIZE, ram), 0);
	ras_fixture_init(&vm, vcpus, &opts, arch_ras_ops(), log_path, sizeof(log_path), "nmi");
	pthread_mutex_init(&ppc.lock, NULL);
	ppc.rtas_gpa = RTAS;
	ppc.ile = true;
	ppc.fwnmi = (struct ppc_fwnmi){ .sreset_addr = 0x7000, .mce_addr = HANDLER,
					.interlock = -1 };
	vm.arch = &ppc;
	for (int i = 0; i < RAS_FIXTURE_VCPUS; i++) {
		vcpus[i].run = &runs[i];
		runs[i].exit_reason = KVM_EXIT_NMI;
		runs[i].flags = KVM_RUN_PPC_NMI_DISP_NOT_RECOV;
		ppc_fake_regs[i].pc = GUEST_PC;
		ppc_fake_regs[i].msr = USER_MSR;
		ppc_fake_regs[i].gpr[3] = 0xabcdef;
	}
}

static void teardown(void)
{
	ras_fixture_exit(&vm, log_path);
	munmap(ram, RAM_SIZE);
}

/* vCPU id entered the FWNMI handler with a "not recovered", error-type-unknown log. */
static void assert_delivered(unsigned int id)
{
	const uint8_t *log = ram + RTAS + PPC_RTAS_LOG_OFFSET;
	const struct kvm_regs *r = &ppc_fake_regs[id];

	ck_assert_uint_eq(r->pc, HANDLER);
	ck_assert_uint_eq(r->srr0, GUEST_PC);
	ck_assert_uint_eq(r->srr1, USER_MSR);
	ck_assert_uint_eq(r->gpr[3], RTAS + PPC_RTAS_LOG_OFFSET);
	ck_assert_int_eq(ppc.fwnmi.interlock, (int)id);
	ck_assert_uint_eq(log[7], 0xef);	/* the saved r3, big-endian */
	ck_assert_uint_eq(log[9], 0x74);	/* severity error-sync, not recovered, extended */
	ck_assert_uint_eq(log[48], ERRLOG_MC_UNKNOWN);	/* KVM gives no cause */
}

static void assert_not_delivered(unsigned int id)
{
	ck_assert_uint_eq(ppc_fake_regs[id].pc, GUEST_PC);
	ck_assert_uint_eq(ppc_fake_regs[id].gpr[3], 0xabcdef);
}

START_TEST(test_nmi_record_and_delivery)
{
	ck_assert_int_eq(ppc_nmi_exit(&vcpus[0]), ARCH_EXIT_CONTINUE);
	assert_delivered(0);
	ck_assert(!vm.stopping);
	ck_assert_uint_eq(ras_fixture_log_lines(&vm), 1);
	ck_assert_msg(strstr(ras_fixture_log(&vm), "\"vm\":\"nmi\",\"vcpu\":0,\"kind\":\"AR\",\"hva\":null,\"gpa\":null,\"extent\":0,\"action\":\"injected\",\"reason\":\"\",\"detail\":\"FWNMI machine check to vCPU 0: handler 0x7400") != NULL,
		      "%s", ras_fixture_log(&vm));
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "error type unknown, not recovered"));
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"simulated\":false,\"repeat\":false"));
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"reader\":null,\"source\":\"KVM_EXIT_NMI\",\"arch\":\"ppc64\"}\n"));
}
END_TEST

START_TEST(test_nmi_policy_stop)
{
	opts.ras_policy = RAS_POLICY_STOP;
	ck_assert_int_eq(ppc_nmi_exit(&vcpus[0]), ARCH_EXIT_STOP);
	ck_assert(vm.stopping);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	assert_not_delivered(0);
	ck_assert_int_eq(ppc.fwnmi.interlock, -1);
	ck_assert_uint_eq(ras_fixture_log_lines(&vm), 1);
	ck_assert_msg(strstr(ras_fixture_log(&vm), "\"vcpu\":0,\"kind\":\"AR\",\"hva\":null,\"gpa\":null,\"extent\":0,\"action\":\"stopped\",\"reason\":\"--ras-policy=stop\"") != NULL,
		      "%s", ras_fixture_log(&vm));
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"source\":\"KVM_EXIT_NMI\""));
}
END_TEST

START_TEST(test_nmi_held_through_interlock)
{
	/* vCPU 1 reads the last error log: vCPU 0's NMI waits, and so does vCPU 0. */
	ppc.fwnmi.interlock = 1;
	ck_assert_int_eq(ppc_nmi_exit(&vcpus[0]), ARCH_EXIT_CONTINUE);
	assert_not_delivered(0);
	ck_assert_uint_eq(vcpus[0].hold.nr, 1);
	ck_assert_uint_eq(ras_fixture_log_lines(&vm), 0);
	ck_assert(!ras_vcpu_drain(&vcpus[0]));	/* not into KVM_RUN */
	ck_assert(!ras_vcpu_drain(&vcpus[0]));
	assert_not_delivered(0);
	ck_assert(ras_vcpu_drain(&vcpus[1]));	/* vCPU 1 runs: it must release it */
	/* The guest calls ibm,nmi-interlock on vCPU 1. */
	ppc_fwnmi_interlock(&vcpus[1]);
	ck_assert(ras_vcpu_drain(&vcpus[0]));
	assert_delivered(0);
	ck_assert_uint_eq(vcpus[0].hold.nr, 0);
	ck_assert_uint_eq(ras_fixture_log_lines(&vm), 1);
	ck_assert_msg(strstr(ras_fixture_log(&vm), "\"gpa\":null,\"extent\":0,\"action\":\"injected\"") != NULL,
		      "%s", ras_fixture_log(&vm));
	ck_assert(strstr(ras_fixture_log(&vm), "\"held_us\":0.0,") == NULL);	/* it did wait */
	ck_assert(!vm.stopping);
}
END_TEST

START_TEST(test_nmi_second_on_interlock_holder_stops)
{
	ck_assert_int_eq(ppc_nmi_exit(&vcpus[0]), ARCH_EXIT_CONTINUE);
	assert_delivered(0);
	/* Another before vCPU 0's handler released the log: PAPR's checkstop. */
	ppc_fake_regs[0].pc = GUEST_PC;
	ck_assert_int_eq(ppc_nmi_exit(&vcpus[0]), ARCH_EXIT_STOP);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ck_assert_uint_eq(ras_fixture_log_lines(&vm), 2);
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"action\":\"stopped\",\"reason\":\"a second machine check on vCPU 0 before the guest released the first (ibm,nmi-interlock)\""));
}
END_TEST

START_TEST(test_nmi_without_disposition)
{
	runs[0].flags = 0;
	ck_assert_int_eq(ppc_nmi_exit(&vcpus[0]), ARCH_EXIT_STOP);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_ERROR);
	assert_not_delivered(0);
}
END_TEST

Suite *ppc_nmi_suite(void)
{
	Suite *s = suite_create("ppc-nmi");
	TCase *tc = tcase_create("nmi");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_nmi_record_and_delivery);
	tcase_add_test(tc, test_nmi_policy_stop);
	tcase_add_test(tc, test_nmi_held_through_interlock);
	tcase_add_test(tc, test_nmi_second_on_interlock_holder_stops);
	tcase_add_test(tc, test_nmi_without_disposition);
	suite_add_tcase(s, tc);
	return s;
}
