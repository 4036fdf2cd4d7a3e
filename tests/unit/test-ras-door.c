// SPDX-License-Identifier: GPL-2.0
/*
 * The one door for errors a vCPU exit reports (ras_vcpu_report), with a
 * fake arch: an error with no address (ppc64's KVM_EXIT_NMI) takes the
 * path of every other error - policy, can-take, inject, one event line and
 * one --ras-log record with "gpa": null - and while the guest is busy it
 * is held in the vCPU's hold list, keeping the vCPU out of the guest
 * (ras_vcpu_drain returns false) until delivered, or stopped for. Also the
 * poison set's newest-page query the arch asks instead of walking the set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/ras-hold.h"
#include "lkvm/ras-state.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "ras-fixture.h"
#include "suites.h"

#define RAM_SIZE	(2 * MiB)

static uint8_t *ram;
static struct vm vm;
static struct vcpu vcpus[RAS_FIXTURE_VCPUS];
static struct run_opts opts;
static char log_path[64];

static struct {
	int can_take_calls, inject_calls;
	enum ras_ready ready;
	struct ras_error last;
} fake;

static enum ras_ready fake_can_take(struct vcpu *v, const struct ras_error *e, char *why, size_t n)
{
	(void)v;
	fake.can_take_calls++;
	fake.last = *e;
	if (fake.ready != RAS_READY)
		snprintf(why, n, "fake interlock held");
	return fake.ready;
}

static int fake_inject(struct vcpu *v, const struct ras_error *e, char *what, size_t n)
{
	fake.inject_calls++;
	fake.last = *e;
	snprintf(what, n, "fake delivery to vCPU %u, detail 0x%llx", v->id,
		 (unsigned long long)e->detail);
	return 0;
}

static const struct ras_ops fake_ops = {
	.name = "fake",
	.guest_can_take = fake_can_take,
	.inject = fake_inject,
};

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.ready = RAS_READY;
	memset(&vm, 0, sizeof(vm));
	memset(vcpus, 0, sizeof(vcpus));
	memset(&opts, 0, sizeof(opts));
	snprintf(opts.name, sizeof(opts.name), "door");
	opts.ras_policy = RAS_POLICY_INJECT;
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ram, MAP_FAILED);
	ck_assert_int_eq(mem_map_add(&vm.mem, 0, RAM_SIZE, ram), 0);
	ras_fixture_init(&vm, vcpus, &opts, &fake_ops, log_path, sizeof(log_path), "door");
}

static void teardown(void)
{
	ras_fixture_exit(&vm, log_path);
	munmap(ram, RAM_SIZE);
}

START_TEST(test_no_address_injected_with_record)
{
	ck_assert_int_eq(ras_vcpu_report(&vcpus[1], RAS_AR, RAS_GPA_UNKNOWN, "KVM_EXIT_NMI", 3),
			 RAS_ACT_INJECT);
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_uint_eq(fake.last.gpa, RAS_GPA_UNKNOWN);
	ck_assert(fake.last.in_guest);
	ck_assert(fake.last.once);
	ck_assert(ras_error_consumed(&fake.last));	/* taken by vCPU 1's guest code */
	ck_assert_int_eq(fake.last.vcpu, 1);
	ck_assert_uint_eq(fake.last.detail, 3);
	ck_assert_uint_eq(ras_fixture_log_lines(&vm), 1);
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"vcpu\":1,\"kind\":\"AR\",\"hva\":null,\"gpa\":null,\"extent\":0,\"action\":\"injected\""));
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"source\":\"KVM_EXIT_NMI\""));
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "fake delivery to vCPU 1, detail 0x3"));
	/* Nothing was added to the poison set: there is no page to remember. */
	ck_assert_uint_eq(vm.ras->poison.nr, 0);
	ck_assert(!vm.stopping);
}
END_TEST

START_TEST(test_no_address_policy_stop)
{
	opts.ras_policy = RAS_POLICY_STOP;
	ck_assert_int_eq(ras_vcpu_report(&vcpus[0], RAS_AR, RAS_GPA_UNKNOWN, "KVM_EXIT_NMI", 1),
			 RAS_ACT_STOP);
	ck_assert_int_eq(fake.can_take_calls, 0);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert(vm.stopping);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"gpa\":null,\"extent\":0,\"action\":\"stopped\",\"reason\":\"--ras-policy=stop\""));
}
END_TEST

START_TEST(test_no_address_held_blocks_run_then_delivered)
{
	fake.ready = RAS_BUSY;
	ck_assert_int_eq(ras_vcpu_report(&vcpus[0], RAS_AR, RAS_GPA_UNKNOWN, "KVM_EXIT_NMI", 2),
			 RAS_ACT_HOLD);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert_uint_eq(vcpus[0].hold.nr, 1);	/* held, not left to be raised again */
	ck_assert(ras_hold_blocks_run(&vcpus[0].hold));
	ck_assert_uint_eq(ras_fixture_log_lines(&vm), 0);		/* no event until it is decided */
	/* Still busy: the vCPU must not re-enter the guest. */
	ck_assert(!ras_vcpu_drain(&vcpus[0]));
	ck_assert(!ras_vcpu_drain(&vcpus[0]));
	ck_assert_int_eq(fake.inject_calls, 0);
	/* The other vCPU is not held back. */
	ck_assert(ras_vcpu_drain(&vcpus[1]));
	/* Released: delivered at the next drain, and the vCPU may run. */
	fake.ready = RAS_READY;
	ck_assert(ras_vcpu_drain(&vcpus[0]));
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_uint_eq(fake.last.detail, 2);
	ck_assert_uint_eq(vcpus[0].hold.nr, 0);
	ck_assert_uint_eq(ras_fixture_log_lines(&vm), 1);
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"gpa\":null,\"extent\":0,\"action\":\"injected\""));
	ck_assert(!vm.stopping);
}
END_TEST

START_TEST(test_no_address_held_too_long_stops)
{
	fake.ready = RAS_BUSY;
	ck_assert_int_eq(ras_vcpu_report(&vcpus[0], RAS_AR, RAS_GPA_UNKNOWN, "KVM_EXIT_NMI", 2),
			 RAS_ACT_HOLD);
	vcpus[0].hold.since_ns[0] -= RAS_HOLD_MAX_NS;	/* as if it had waited 2 s */
	ras_vcpu_drain(&vcpus[0]);
	ck_assert_uint_eq(vcpus[0].hold.nr, 0);
	ck_assert_int_eq(fake.inject_calls, 0);
	/* Never told, nothing raises it again: stopped, not dropped. */
	ck_assert(vm.stopping);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"action\":\"stopped\",\"reason\":\"held 2 s, the guest never became ready: fake interlock held\""));
}
END_TEST

START_TEST(test_no_address_guest_unable_stops)
{
	fake.ready = RAS_UNABLE;
	ck_assert_int_eq(ras_vcpu_report(&vcpus[0], RAS_AR, RAS_GPA_UNKNOWN, "KVM_EXIT_NMI", 2),
			 RAS_ACT_STOP);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ck_assert_uint_eq(vcpus[0].hold.nr, 0);
}
END_TEST

START_TEST(test_with_address_same_door)
{
	/* ppc64's KVM_RUN EFAULT: a page, so the set remembers it and what was told. */
	ck_assert_int_eq(ras_vcpu_report(&vcpus[0], RAS_AR, 0x5008, "KVM_RUN EFAULT", 0),
			 RAS_ACT_INJECT);
	ck_assert_uint_eq(fake.last.gpa, 0x5008);
	ck_assert(!fake.last.once);
	ck_assert_uint_eq(ras_poison_reported(&vm.ras->poison, 0x5000), RAS_PAGE_AR_SENT);
	ck_assert_ptr_nonnull(strstr(ras_fixture_log(&vm), "\"gpa\":\"0x5008\""));
}
END_TEST

START_TEST(test_poison_latest)
{
	static struct ras_poison_set ps;
	uint64_t gpa = 0;
	const uint8_t told = RAS_PAGE_AO_SENT | RAS_PAGE_AR_SENT;

	memset(&ps, 0, sizeof(ps));
	ck_assert(!ras_poison_latest(&ps, 0, &gpa));
	ps.r[0].gpa = 0x100000;
	ps.r[1].gpa = 0x200000;
	ps.r[2].gpa = 0x300000;
	ps.nr = 3;
	ck_assert(ras_poison_latest(&ps, told, &gpa));
	ck_assert_uint_eq(gpa, 0x300000);		/* the newest */
	ps.r[2].reported = RAS_PAGE_AR_SENT;
	ps.r[1].reported = RAS_PAGE_AO_SENT;
	ck_assert(ras_poison_latest(&ps, told, &gpa));
	ck_assert_uint_eq(gpa, 0x100000);		/* the newest told nothing */
	ck_assert(ras_poison_latest(&ps, RAS_PAGE_AR_SENT, &gpa));
	ck_assert_uint_eq(gpa, 0x200000);		/* the newest not told as consumed */
	ps.r[0].reported = RAS_PAGE_AR_SENT;
	ps.r[1].reported = RAS_PAGE_AR_SENT;
	ck_assert(!ras_poison_latest(&ps, RAS_PAGE_AR_SENT, &gpa));
	ck_assert(ras_poison_latest(&ps, 0, &gpa));
	ck_assert_uint_eq(gpa, 0x300000);		/* without: 0 is the newest of all */
	/* Through the VM, under the core's lock. */
	ck_assert(!ras_vm_poison_latest(&vm, 0, &gpa));
	vm.ras->poison.r[0].gpa = 0x7000;
	vm.ras->poison.r[0].len = 0x1000;
	vm.ras->poison.nr = 1;
	ck_assert(ras_vm_poison_latest(&vm, told, &gpa));
	ck_assert_uint_eq(gpa, 0x7000);
}
END_TEST

Suite *ras_door_suite(void)
{
	Suite *s = suite_create("ras-door");
	TCase *tc = tcase_create("door");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_no_address_injected_with_record);
	tcase_add_test(tc, test_no_address_policy_stop);
	tcase_add_test(tc, test_no_address_held_blocks_run_then_delivered);
	tcase_add_test(tc, test_no_address_held_too_long_stops);
	tcase_add_test(tc, test_no_address_guest_unable_stops);
	tcase_add_test(tc, test_with_address_same_door);
	tcase_add_test(tc, test_poison_latest);
	suite_add_tcase(s, tc);
	return s;
}
