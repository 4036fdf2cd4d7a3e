// SPDX-License-Identifier: GPL-2.0
/*
 * Memory errors, locate and dispatch, with a fake arch: a ras_ops that
 * records every call. Errors come from SIGBUS records (a vCPU's own, or
 * forwarded), from a vCPU exit (ppc64's KVM_EXIT_NMI / EFAULT path), and
 * from lkvm's guarded guest-memory copy; in guest RAM and in lkvm's own
 * memory; first and repeated; 4 KiB and 64 KiB extents.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lkvm/guard.h"
#include "lkvm/ras-state.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "ras-fixture.h"
#include "suites.h"

#define REGION	(2 * MiB)
#define HIGH	0x100000000ULL	/* the second region's guest address */

static uint8_t *ram;		/* 2 regions: gpa 0 and gpa HIGH, 2 MiB aligned as lkvm maps RAM */
static uint8_t *ram_map;
static struct vm vm;
static struct vcpu vcpus[2];
static struct run_opts opts;
static char log_path[64];

/* The fake arch: what it was asked, what it answers. */
static struct {
	int can_take_calls, inject_calls, vcpu_init_calls;
	enum ras_ready ready;
	int inject_err;
	struct ras_error last;	/* as inject (or can_take) saw it */
	int last_vcpu;
} fake;

static int fake_vcpu_init(struct vcpu *v)
{
	(void)v;
	fake.vcpu_init_calls++;
	return 0;
}

static int fake_ao_target(struct vm *m)
{
	(void)m;
	return 1;
}

static enum ras_ready fake_can_take(struct vcpu *v, const struct ras_error *e, char *why, size_t n)
{
	fake.can_take_calls++;
	fake.last = *e;
	fake.last_vcpu = (int)v->id;
	if (fake.ready == RAS_UNABLE)
		snprintf(why, n, "fake guest cannot take it");
	else if (fake.ready == RAS_BUSY)
		snprintf(why, n, "fake guest busy");
	return fake.ready;
}

static int fake_inject(struct vcpu *v, const struct ras_error *e, char *what, size_t n)
{
	fake.inject_calls++;
	fake.last = *e;
	fake.last_vcpu = (int)v->id;
	snprintf(what, n, "fake delivery to vCPU %u", v->id);
	return fake.inject_err;
}

static const struct ras_ops fake_ops = {
	.name = "fake",
	.vcpu_init = fake_vcpu_init,
	.ao_target = fake_ao_target,
	.guest_can_take = fake_can_take,
	.inject = fake_inject,
};

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.ready = RAS_READY;
	fake.last_vcpu = -1;
	memset(&vm, 0, sizeof(vm));
	memset(vcpus, 0, sizeof(vcpus));
	memset(&opts, 0, sizeof(opts));
	snprintf(opts.name, sizeof(opts.name), "route");
	opts.ras_policy = RAS_POLICY_INJECT;
	ram_map = mmap(NULL, 3 * REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ram_map, MAP_FAILED);
	ram = (uint8_t *)ALIGN_UP((uintptr_t)ram_map, REGION);
	ck_assert_int_eq(mem_map_add(&vm.mem, 0, REGION, ram), 0);
	ck_assert_int_eq(mem_map_add(&vm.mem, HIGH, REGION, ram + REGION), 0);
	ras_fixture_init(&vm, vcpus, &opts, &fake_ops, log_path, sizeof(log_path), "route");
}

static void teardown(void)
{
	close(vm.ras->log_fd);
	unlink(log_path);
	free(vm.ras);
	munmap(ram_map, 3 * REGION);
}

/* The whole event log as one string. */
static const char *log_text(void)
{
	static char buf[16384];
	ssize_t n = pread(vm.ras->log_fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static struct ras_record rec_at(uint8_t *hva, enum ras_kind kind, unsigned int lsb)
{
	return (struct ras_record){ .hva = (uintptr_t)hva, .kind = (uint8_t)kind,
				    .lsb = (uint8_t)lsb, .t_ns = mono_ns() };
}

START_TEST(test_locate_guest_4k_and_repeat)
{
	struct ras_record r = rec_at(ram + REGION + 0x5123, RAS_AR, 12);
	struct ras_error e;

	ck_assert_int_eq(ras_locate(&vm.mem, &vm.ras->poison, 12, &r, &e), 1);
	ck_assert(e.in_guest);
	ck_assert_uint_eq(e.gpa, HIGH + 0x5123);
	ck_assert_uint_eq(e.extent, 4096);
	ck_assert(!e.repeat);
	ck_assert_str_eq(e.source, "sigbus");
	ck_assert_int_eq(e.vcpu, -1);
	ck_assert_uint_eq(ras_poison_bytes(&vm.ras->poison), 4096);
	ck_assert(ras_poison_contains(&vm.ras->poison, HIGH + 0x5000));
	ck_assert(ras_poison_contains(&vm.ras->poison, HIGH + 0x5fff));
	ck_assert(!ras_poison_contains(&vm.ras->poison, HIGH + 0x6000));
	/* Same page again (another address in it): a repeat, nothing new kept. */
	r.hva = (uintptr_t)(ram + REGION + 0x5ff8);
	ck_assert_int_eq(ras_locate(&vm.mem, &vm.ras->poison, 12, &r, &e), 1);
	ck_assert(e.repeat);
	ck_assert_uint_eq(ras_poison_bytes(&vm.ras->poison), 4096);
}
END_TEST

START_TEST(test_locate_64k_extent)
{
	struct ras_record r = rec_at(ram + 0x23456, RAS_AO, 16);
	struct ras_error e;

	vm.ras->poison.page_shift = 16;
	ck_assert_int_eq(ras_locate(&vm.mem, &vm.ras->poison, 16, &r, &e), 1);
	ck_assert_uint_eq(e.gpa, 0x23456);
	ck_assert_uint_eq(e.extent, 65536);
	ck_assert_uint_eq(e.lsb, 16);
	ck_assert(ras_poison_contains(&vm.ras->poison, 0x20000));
	ck_assert(ras_poison_contains(&vm.ras->poison, 0x2ffff));
	ck_assert(!ras_poison_contains(&vm.ras->poison, 0x30000));
	ck_assert(!ras_poison_contains(&vm.ras->poison, 0x1ffff));
	ck_assert_uint_eq(ras_poison_bytes(&vm.ras->poison), 65536);
}
END_TEST

START_TEST(test_locate_no_lsb_uses_page_shift)
{
	struct ras_record r = rec_at(ram + 0x40010, RAS_AR, 0);
	struct ras_error e;

	/* A 64 KiB-page host (ppc64, arm64 64K) whose report has no size. */
	vm.ras->poison.page_shift = 16;
	ck_assert_int_eq(ras_locate(&vm.mem, &vm.ras->poison, 16, &r, &e), 1);
	ck_assert_uint_eq(e.extent, 65536);
	ck_assert(ras_poison_contains(&vm.ras->poison, 0x4ffff));
	/* And on a 4 KiB host: one page. */
	vm.ras->poison.nr = 0;
	vm.ras->poison.page_shift = 12;
	ck_assert_int_eq(ras_locate(&vm.mem, &vm.ras->poison, 12, &r, &e), 1);
	ck_assert_uint_eq(e.extent, 4096);
	ck_assert(!ras_poison_contains(&vm.ras->poison, 0x41000));
}
END_TEST

START_TEST(test_locate_lkvm_memory)
{
	static uint8_t own[8192];
	struct ras_record r = rec_at(own, RAS_AR, 12);
	struct ras_error e;

	ck_assert_int_eq(ras_locate(&vm.mem, &vm.ras->poison, 12, &r, &e), 0);
	ck_assert(!e.in_guest);
	ck_assert_uint_eq(ras_poison_bytes(&vm.ras->poison), 0);
}
END_TEST

START_TEST(test_dispatch_own_ar_injects)
{
	struct ras_record r = rec_at(ram + 0x7000, RAS_AR, 12);

	ras_handle_record(&vcpus[1], &r, true);
	ck_assert_int_eq(fake.can_take_calls, 1);
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_int_eq(fake.last_vcpu, 1);
	ck_assert_int_eq(fake.last.vcpu, 1);	/* consumed on vCPU 1 */
	ck_assert(ras_error_consumed(&fake.last));
	ck_assert_uint_eq(fake.last.gpa, 0x7000);
	ck_assert(!vm.stopping);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"vcpu\":1,\"kind\":\"AR\""));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"gpa\":\"0x7000\""));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"action\":\"injected\""));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"repeat\":false"));
	/* The same page again: injected again (the guest may touch it again), marked repeat. */
	ras_handle_record(&vcpus[1], &r, true);
	ck_assert_int_eq(fake.inject_calls, 2);
	ck_assert(fake.last.repeat);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"repeat\":true"));
	ck_assert_uint_eq(ras_poisoned_count(&vm), 1);
}
END_TEST

/* Per page: what the guest was told decides whether it is told again. */
START_TEST(test_page_state_orders)
{
	struct ras_record ao = rec_at(ram + 0xb000, RAS_AO, 12);
	struct ras_record ar = rec_at(ram + 0xb040, RAS_AR, 12);
	struct ras_record ao2 = rec_at(ram + 0xc000, RAS_AO, 12);
	struct ras_record ar2 = rec_at(ram + 0xc000, RAS_AR, 12);

	/* AO first: injected. A second AO for the page: logged, not injected again. */
	ras_handle_record(&vcpus[0], &ao, false);
	ck_assert_int_eq(fake.inject_calls, 1);
	ras_handle_record(&vcpus[0], &ao, false);
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"action\":\"ignored\",\"reason\":\"the guest was already told this page is bad (AO injected before)\""));
	/* The guest then touches it: the AR is still injected (kills only the reader). */
	ras_handle_record(&vcpus[1], &ar, true);
	ck_assert_int_eq(fake.inject_calls, 2);
	ck_assert(ras_error_consumed(&fake.last));
	ck_assert(fake.last.repeat);
	/* The other order on another page: AR, then the early-kill AO: not injected. */
	ras_handle_record(&vcpus[0], &ar2, true);
	ck_assert_int_eq(fake.inject_calls, 3);
	ras_handle_record(&vcpus[0], &ao2, false);
	ck_assert_int_eq(fake.inject_calls, 3);
	ck_assert_ptr_nonnull(strstr(log_text(), "(AR injected before)"));
	/* A guarded read by lkvm of a page the guest knows about: nothing to tell. */
	ar2.reader = "virtio-test";
	ras_handle_record(&vcpus[0], &ar2, false);
	ck_assert_int_eq(fake.inject_calls, 3);
	/* Nothing stopped the VM. */
	ck_assert(!vm.stopping);
}
END_TEST

START_TEST(test_page_state_not_marked_on_failed_inject)
{
	struct ras_record ao = rec_at(ram + 0xd000, RAS_AO, 12);

	/* Not delivered: the page is not "reported", a later AO is tried again. */
	fake.ready = RAS_UNABLE;
	opts.ras_policy = RAS_POLICY_INJECT;
	ras_handle_record(&vcpus[0], &ao, false);
	ck_assert_int_eq(fake.inject_calls, 0);
	vm.stopping = false;
	fake.ready = RAS_READY;
	ras_handle_record(&vcpus[0], &ao, false);
	ck_assert_int_eq(fake.inject_calls, 1);
}
END_TEST

/* The guest is busy with the last error (x86: MCIP): hold, do not stop. */
START_TEST(test_hold_ao_until_ready)
{
	struct ras_record ao = rec_at(ram + 0xe000, RAS_AO, 12);

	fake.ready = RAS_BUSY;
	ras_handle_record(&vcpus[0], &ao, false);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert_uint_eq(vcpus[0].hold.nr, 1);
	ck_assert_str_eq(log_text(), "");	/* no event yet */
	ck_assert(!vm.stopping);
	/* Still busy: still held. */
	ras_hold_retry(&vcpus[0]);
	ck_assert_uint_eq(vcpus[0].hold.nr, 1);
	ck_assert_int_eq(fake.inject_calls, 0);
	/* Ready: delivered, one event, saying how long it waited. */
	usleep(20000);
	fake.ready = RAS_READY;
	ras_hold_retry(&vcpus[0]);
	ck_assert_uint_eq(vcpus[0].hold.nr, 0);
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_uint_eq(fake.last.gpa, 0xe000);
	ck_assert_uint_ge(fake.last.held_ns, 20000000);
	ck_assert_uint_lt(fake.last.held_ns, 2000000000);
	ck_assert_uint_ne(fake.last.t_pick_ns, 0);
	ck_assert_ptr_null(strstr(log_text(), "\"held_us\":0.0,"));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"kind\":\"AO\",\"hva\""));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"action\":\"injected\""));
	ck_assert(!vm.stopping);
}
END_TEST

START_TEST(test_hold_expires_as_dropped)
{
	struct ras_record ao = rec_at(ram + 0xe000, RAS_AO, 12);

	fake.ready = RAS_BUSY;
	ras_handle_record(&vcpus[0], &ao, false);
	ck_assert_uint_eq(vcpus[0].hold.nr, 1);
	vcpus[0].hold.since_ns[0] -= RAS_HOLD_MAX_NS + 1;
	ras_hold_retry(&vcpus[0]);
	ck_assert_uint_eq(vcpus[0].hold.nr, 0);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert(!vm.stopping);	/* logged, not a stop */
	ck_assert_ptr_nonnull(strstr(log_text(), "\"action\":\"dropped\",\"reason\":\"held 2 s, the guest never became ready: fake guest busy\""));
}
END_TEST

START_TEST(test_hold_real_ar_reexecutes_then_stops)
{
	struct ras_record ar = rec_at(ram + 0xf000, RAS_AR, 12);

	fake.ready = RAS_BUSY;
	/* A real AR on a busy vCPU: not held (re-execution raises it again), no stop. */
	ras_handle_record(&vcpus[1], &ar, true);
	ck_assert_uint_eq(vcpus[1].hold.nr, 0);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert(!vm.stopping);
	ck_assert_str_eq(log_text(), "");
	ras_handle_record(&vcpus[1], &ar, true);
	ck_assert(!vm.stopping);
	/* Still busy after the bound: stop with 4 and the reason. */
	vcpus[1].hold.ar_busy_since_ns -= RAS_HOLD_MAX_NS + 1;
	ras_handle_record(&vcpus[1], &ar, true);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ck_assert_ptr_nonnull(strstr(log_text(), "kept touching a poisoned page for 2 s while busy with the last error: fake guest busy"));
}
END_TEST

START_TEST(test_hold_simulated_ar_and_stop_drop)
{
	struct ras_record ar = rec_at(ram + 0xf000, RAS_AR, 12);
	struct ras_record ao = rec_at(ram + 0x10000, RAS_AO, 12);

	/* Simulated: nothing would raise it again, so it is held, still consumed. */
	ar.simulated = 1;
	fake.ready = RAS_BUSY;
	ras_handle_record(&vcpus[1], &ar, true);
	ras_handle_record(&vcpus[1], &ao, false);
	ck_assert_uint_eq(vcpus[1].hold.nr, 2);
	fake.ready = RAS_READY;
	ras_hold_retry(&vcpus[1]);
	ck_assert_int_eq(fake.inject_calls, 2);
	ck_assert_uint_eq(vcpus[1].hold.nr, 0);
	/* Held when the VM stops: logged as dropped, never lost. */
	fake.ready = RAS_BUSY;
	ao.hva += 0x1000;
	ras_handle_record(&vcpus[1], &ao, false);
	ck_assert_uint_eq(vcpus[1].hold.nr, 1);
	vm_request_stop(&vm, LKVM_EXIT_OK, NULL);
	ras_hold_retry(&vcpus[1]);
	ck_assert_uint_eq(vcpus[1].hold.nr, 0);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"gpa\":\"0x11000\",\"extent\":4096,\"action\":\"dropped\",\"reason\":\"VM stopping\""));
}
END_TEST

START_TEST(test_dispatch_forwarded_ar_is_not_consumed)
{
	struct ras_record r = rec_at(ram + 0x7000, RAS_AR, 12);

	/* Forwarded from another thread: no guest code on vCPU 0 consumed it. */
	ras_handle_record(&vcpus[0], &r, false);
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_int_eq(fake.last.vcpu, -1);
	ck_assert(!ras_error_consumed(&fake.last));
}
END_TEST

START_TEST(test_dispatch_policy_stop)
{
	struct ras_record r = rec_at(ram + 0x9000, RAS_AO, 12);

	opts.ras_policy = RAS_POLICY_STOP;
	ras_handle_record(&vcpus[0], &r, false);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert_int_eq(fake.can_take_calls, 0);
	ck_assert(vm.stopping);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"action\":\"stopped\""));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"reason\":\"--ras-policy=stop\""));
}
END_TEST

START_TEST(test_dispatch_guest_cannot_take)
{
	struct ras_record r = rec_at(ram + 0x9000, RAS_AR, 12);

	fake.ready = RAS_UNABLE;
	ras_handle_record(&vcpus[0], &r, true);
	ck_assert_int_eq(fake.can_take_calls, 1);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"reason\":\"fake guest cannot take it\""));
}
END_TEST

START_TEST(test_dispatch_inject_fails)
{
	struct ras_record r = rec_at(ram + 0x9000, RAS_AR, 12);

	fake.inject_err = -EINVAL;
	ras_handle_record(&vcpus[0], &r, true);
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ck_assert_ptr_nonnull(strstr(log_text(), "injection failed: Invalid argument"));
}
END_TEST

START_TEST(test_dispatch_lkvm_memory)
{
	static uint8_t own[8192];
	struct ras_record ao = rec_at(own, RAS_AO, 12);
	struct ras_record ar = rec_at(own, RAS_AR, 12);

	/* AO in lkvm's memory: nothing consumed it, logged and ignored. */
	ras_handle_record(&vcpus[0], &ao, false);
	ck_assert(!vm.stopping);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"gpa\":null"));
	ck_assert_ptr_nonnull(strstr(log_text(), "\"action\":\"ignored\""));
	/* AR there: fatal, whatever the policy. */
	ras_handle_record(&vcpus[0], &ar, true);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_FATAL);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"action\":\"fatal\""));
}
END_TEST

START_TEST(test_dispatch_while_stopping_is_logged)
{
	struct ras_record r = rec_at(ram + 0xa000, RAS_AR, 12);

	vm_request_stop(&vm, LKVM_EXIT_OK, NULL);
	ras_handle_record(&vcpus[0], &r, true);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_OK);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"action\":\"dropped\",\"reason\":\"VM stopping\""));
}
END_TEST

START_TEST(test_exit_sourced_error)
{
	/* ppc64: KVM_EXIT_NMI or KVM_RUN EFAULT name a guest address, no signal. */
	ck_assert_int_eq(ras_vcpu_error(&vcpus[1], HIGH + 0x3008, RAS_AR, "KVM_EXIT_NMI"),
			 RAS_ACT_INJECT);
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_uint_eq(fake.last.gpa, HIGH + 0x3008);
	ck_assert_uint_eq(fake.last.hva, (uintptr_t)(ram + REGION + 0x3008));
	ck_assert_int_eq(fake.last.vcpu, 1);
	ck_assert_str_eq(fake.last.source, "KVM_EXIT_NMI");
	ck_assert_uint_eq(fake.last.extent, 4096);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"source\":\"KVM_EXIT_NMI\""));
	/* Again: a repeat. */
	ck_assert_int_eq(ras_vcpu_error(&vcpus[1], HIGH + 0x3000, RAS_AR, "KVM_EXIT_NMI"),
			 RAS_ACT_INJECT);
	ck_assert(fake.last.repeat);
	/* An address outside guest RAM: stop, nothing delivered. */
	ck_assert_int_eq(ras_vcpu_error(&vcpus[0], 0x80000000ULL, RAS_AR, "EFAULT"),
			 RAS_ACT_STOP);
	ck_assert_int_eq(fake.inject_calls, 2);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
}
END_TEST

START_TEST(test_exit_sourced_64k)
{
	vm.page_shift = 16;
	vm.ras->poison.page_shift = 16;
	ck_assert_int_eq(ras_vcpu_error(&vcpus[0], 0x12345, RAS_AO, "KVM_EXIT_NMI"),
			 RAS_ACT_INJECT);
	ck_assert_uint_eq(fake.last.extent, 65536);
	ck_assert_int_eq(fake.last.vcpu, -1);
	ck_assert(ras_poison_contains(&vm.ras->poison, 0x1ffff));
	ck_assert_uint_eq(ras_poisoned_count(&vm), 1);
}
END_TEST

/* A device reading guest RAM: the kernel's AR arrives inside the copy. */
struct hit {
	uint8_t *hva;
};

static int device_read(void *arg)
{
	struct hit *h = arg;
	volatile uint8_t b;

	ck_assert_int_eq(ras_send_sigbus((pid_t)syscall(SYS_gettid), RAS_AR, (uintptr_t)h->hva, 12),
			 0);
	b = *h->hva;	/* not reached: the handler left the guard */
	(void)b;
	return 1;
}

/*
 * qemu-user (the cross-built unit tests) aborts when a thread's queued
 * SIGBUS is left through siglongjmp; the native runs (plain and ASan) cover
 * these tests (skip_emulated(): SKIP with the reason).
 */
#define EMULATED_WHY "qemu-user cannot leave a queued SIGBUS through siglongjmp (run natively)"

START_TEST(test_guarded_copy_hit)
{
	static struct ras_queue q;
	struct hit h = { .hva = ram + REGION + 0x8000 };
	struct ras_record r;
	uint8_t buf[16];

	if (skip_emulated("test_guarded_copy_hit", EMULATED_WHY))
		return;

	memset(&q, 0, sizeof(q));
	ck_assert_int_eq(ras_signals_init(), 0);
	ck_assert_int_eq(ras_thread_attach(&q), 0);
	ras_set_vm(&vm);
	/* Out of range copies are refused before touching anything. */
	ck_assert_int_eq(mem_read(&vm.mem, REGION - 8, buf, 16, "dev"), -EFAULT);
	ck_assert_int_eq(mem_read(&vm.mem, HIGH + 16, buf, 16, "dev"), 0);
	/* The hit: this copy fails, the process lives, the record names the reader. */
	ck_assert_int_eq(guard_call("virtio-test", device_read, &h), -EHWPOISON);
	ck_assert_ptr_null(guard_active());
	ck_assert(ras_queue_pop(&q, &r));
	ck_assert_uint_eq(r.kind, RAS_AR);
	ck_assert_uint_eq(r.hva, (uintptr_t)h.hva);
	ck_assert_str_eq(r.reader, "virtio-test");
	ck_assert(r.simulated);
	/* Routed like any other: the guest is told, as action-optional. */
	ras_handle_record(&vcpus[0], &r, true);
	ck_assert_int_eq(fake.inject_calls, 1);
	ck_assert_int_eq(fake.last.vcpu, -1);
	ck_assert(!ras_error_consumed(&fake.last));
	ck_assert_uint_eq(fake.last.gpa, HIGH + 0x8000);
	ck_assert_ptr_nonnull(strstr(log_text(), "\"reader\":\"virtio-test\""));
	ck_assert_int_ne(vm.exit_status, LKVM_EXIT_RAS_FATAL);
	ras_set_vm(NULL);
	ras_thread_detach();
}
END_TEST

START_TEST(test_guarded_copy_stop_policy)
{
	static struct ras_queue q;
	struct hit h = { .hva = ram + 0x8000 };
	struct ras_record r;

	if (skip_emulated("test_guarded_copy_stop_policy", EMULATED_WHY))
		return;

	opts.ras_policy = RAS_POLICY_STOP;
	memset(&q, 0, sizeof(q));
	ck_assert_int_eq(ras_signals_init(), 0);
	ck_assert_int_eq(ras_thread_attach(&q), 0);
	ras_set_vm(&vm);
	ck_assert_int_eq(guard_call("virtio-test", device_read, &h), -EHWPOISON);
	ck_assert(ras_queue_pop(&q, &r));
	ras_handle_record(&vcpus[0], &r, false);
	ck_assert_int_eq(fake.inject_calls, 0);
	ck_assert_int_eq(vm.exit_status, LKVM_EXIT_RAS_STOP);
	ras_set_vm(NULL);
	ras_thread_detach();
}
END_TEST

START_TEST(test_vcpu_setup_calls_arch)
{
	ck_assert_int_eq(ras_vcpu_setup(&vcpus[0]), 0);
	ck_assert_int_eq(fake.vcpu_init_calls, 1);
	vm.ras_ops = NULL;
	ck_assert_int_eq(ras_vcpu_setup(&vcpus[0]), 0);
	ck_assert_int_eq(fake.vcpu_init_calls, 1);
}
END_TEST

Suite *ras_route_suite(void)
{
	Suite *s = suite_create("ras-route");
	TCase *loc = tcase_create("locate");
	TCase *dis = tcase_create("dispatch");
	TCase *grd = tcase_create("guarded-copy");

	tcase_add_checked_fixture(loc, setup, teardown);
	tcase_add_checked_fixture(dis, setup, teardown);
	tcase_add_checked_fixture(grd, setup, teardown);
	tcase_add_test(loc, test_locate_guest_4k_and_repeat);
	tcase_add_test(loc, test_locate_64k_extent);
	tcase_add_test(loc, test_locate_no_lsb_uses_page_shift);
	tcase_add_test(loc, test_locate_lkvm_memory);
	tcase_add_test(dis, test_dispatch_own_ar_injects);
	tcase_add_test(dis, test_dispatch_forwarded_ar_is_not_consumed);
	tcase_add_test(dis, test_page_state_orders);
	tcase_add_test(dis, test_hold_ao_until_ready);
	tcase_add_test(dis, test_hold_expires_as_dropped);
	tcase_add_test(dis, test_hold_real_ar_reexecutes_then_stops);
	tcase_add_test(dis, test_hold_simulated_ar_and_stop_drop);
	tcase_add_test(dis, test_page_state_not_marked_on_failed_inject);
	tcase_add_test(dis, test_dispatch_policy_stop);
	tcase_add_test(dis, test_dispatch_guest_cannot_take);
	tcase_add_test(dis, test_dispatch_inject_fails);
	tcase_add_test(dis, test_dispatch_lkvm_memory);
	tcase_add_test(dis, test_dispatch_while_stopping_is_logged);
	tcase_add_test(dis, test_exit_sourced_error);
	tcase_add_test(dis, test_exit_sourced_64k);
	tcase_add_test(dis, test_vcpu_setup_calls_arch);
	tcase_add_test(grd, test_guarded_copy_hit);
	tcase_add_test(grd, test_guarded_copy_stop_policy);
	suite_add_tcase(s, loc);
	suite_add_tcase(s, dis);
	suite_add_tcase(s, grd);
	return s;
}
