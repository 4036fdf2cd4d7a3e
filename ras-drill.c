// SPDX-License-Identifier: GPL-2.0
/*
 * Memory-error drills (ras-drill.h): `lkvm debug --poison`, `--guest-read`,
 * `--poison-lkvm` and the test-only guest port. Real MADV_HWPOISON where
 * the host allows it, else the SIGBUS the kernel would send, raised by the
 * thread that would have received it. Nothing here is on the error path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/guard.h"
#include "lkvm/ras-drill.h"
#include "lkvm/ras-state.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

/* madvise(MADV_HWPOISON), telling the handler which page this thread poisons. */
static int drill_hwpoison(void *hva, size_t len)
{
	int ret;

	ras_poisoning((uintptr_t)hva, len);
	ret = madvise(hva, len, MADV_HWPOISON) ? -errno : 0;
	ras_poisoning(0, 0);
	return ret;
}

/* Wait (bounded) until the target thread's handler recorded the signal. */
static bool drill_wait_recorded(struct ras_queue *q, unsigned int head0)
{
	struct timespec ts = { 0, 200000 };

	for (int i = 0; i < 5000; i++) {
		if (__atomic_load_n(&q->head, __ATOMIC_ACQUIRE) != head0)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/*
 * Have the right thread raise a simulated SIGBUS: AR on vCPU `vcpu`, AO on
 * the early-kill thread. Returns once its handler recorded it (or -errno).
 */
static int drill_simulate(struct vm *vm, enum ras_kind kind, uint64_t hva, unsigned int lsb,
			  int vcpu)
{
	struct ras_record req = { .hva = hva, .kind = (uint8_t)kind, .lsb = (uint8_t)lsb,
				  .simulated = 1, .raise = 1 };
	struct ras_state *rs = vm->ras;
	struct ras_queue *q;
	unsigned int head0;
	int err = 0;

	if (kind == RAS_AR) {
		q = &vm->vcpus[vcpu].ring;
		head0 = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
		err = ras_mailbox_post(&vm->vcpus[vcpu], &req);
	} else {
		q = &rs->ao_ring;
		head0 = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
		pthread_mutex_lock(&rs->lock);
		if (!ras_queue_push(&rs->ao_req, &req))
			err = -ENOSPC;
		pthread_mutex_unlock(&rs->lock);
		if (!err)
			pthread_kill(rs->ao_thread, LKVM_SIG_KICK);
	}
	if (err)
		return err;
	return drill_wait_recorded(q, head0) ? 0 : -ETIMEDOUT;
}

int ras_drill_poison_gpa(struct vm *vm, uint64_t gpa, enum ras_kind kind, int vcpu,
			 char *msg, size_t n)
{
	uint64_t ps = 1ULL << vm->page_shift;
	uint64_t page = ALIGN_DOWN(gpa, ps);
	uint8_t *hva = mem_gpa_to_hva(&vm->mem, page, ps);
	int err, ret;

	if (!hva) {
		snprintf(msg, n, "0x%llx is not guest RAM", (unsigned long long)gpa);
		return -EINVAL;
	}
	err = -drill_hwpoison(hva, ps);
	if (!err) {
		snprintf(msg, n, "guest page 0x%llx poisoned for real (MADV_HWPOISON); the guest's next access raises the error",
			 (unsigned long long)page);
		return 0;
	}
	/*
	 * A simulated error is raised by the vCPU (or early-kill) thread that
	 * would receive it; a paused vCPU would raise it only on resume, after
	 * this drill had reported failure. Refuse, with nothing left queued.
	 */
	if (vm_paused(vm)) {
		snprintf(msg, n, "VM '%s' is paused and MADV_HWPOISON is unavailable (%s): a simulated error needs the VM running; nothing was injected ('lkvm resume' first)",
			 vm->opts->name, strerror(err));
		return -EAGAIN;
	}
	ret = drill_simulate(vm, kind, (uintptr_t)hva, vm->page_shift, vcpu);
	if (ret) {
		snprintf(msg, n, "cannot simulate the error: %s", strerror(-ret));
		return ret;
	}
	/*
	 * EBUSY: the kernel marked the page poisoned but could not unmap it (a
	 * huge page it could not split): no access will fault, so simulate.
	 */
	snprintf(msg, n, "guest page 0x%llx: simulated %s (MADV_HWPOISON %s: %s)",
		 (unsigned long long)page, ras_kind_name(kind),
		 err == EBUSY || err == EHWPOISON ? "marked the host page but could not isolate it" :
		 "unavailable", strerror(err));
	return 0;
}

struct drill_read {
	uint8_t *hva;
	unsigned int shift;	/* the host page size, as the kernel reports it */
	bool simulate;
};

/* Inside the guard: raise the kernel's AR first when it cannot be real. */
static int drill_read_fn(void *arg)
{
	struct drill_read *r = arg;
	volatile uint8_t sink;

	if (r->simulate) {
		int err = ras_send_sigbus((pid_t)syscall(SYS_gettid), RAS_AR, (uintptr_t)r->hva,
					  r->shift);
		if (err)
			return err;
	}
	sink = *(volatile uint8_t *)r->hva;
	(void)sink;
	return 0;
}

int ras_drill_guest_read(struct vm *vm, uint64_t gpa, char *msg, size_t n)
{
	uint64_t ps = 1ULL << vm->page_shift;
	uint64_t page = ALIGN_DOWN(gpa, ps);
	struct drill_read r = { .hva = mem_gpa_to_hva(&vm->mem, page, ps), .shift = vm->page_shift };
	int ret;

	if (!r.hva) {
		snprintf(msg, n, "0x%llx is not guest RAM", (unsigned long long)gpa);
		return -EINVAL;
	}
	if (drill_hwpoison(r.hva, ps) == 0) {
		uint8_t buf[64];

		/* The read below is the guarded copy every device uses. */
		ret = mem_read(&vm->mem, page, buf, sizeof(buf), "debug --guest-read");
	} else {
		r.simulate = true;
		ret = guard_call("debug --guest-read", drill_read_fn, &r);
	}
	if (ret == -EHWPOISON) {
		snprintf(msg, n, "guest page 0x%llx %s; lkvm's guarded read of it failed with a memory error, as it should; the error is routed by the policy",
			 (unsigned long long)page,
			 r.simulate ? "poisoned (simulated: MADV_HWPOISON unavailable)" :
			 "poisoned for real (MADV_HWPOISON)");
		return 0;
	}
	snprintf(msg, n, "guarded read of poisoned guest page 0x%llx returned %d (%s), expected a memory error",
		 (unsigned long long)page, ret, ret ? strerror(-ret) : "success");
	return ret ? ret : -EIO;
}

int ras_drill_poison_self(struct vm *vm, char *msg, size_t n)
{
	static uint8_t victim[2 * 65536];
	uintptr_t ps = (uintptr_t)1 << vm->page_shift;
	volatile uint8_t *page = (uint8_t *)ALIGN_UP((uintptr_t)victim, ps);

	int err;

	page[0] = 1;	/* make it a real, mapped page */
	/* The kernel's report of the poisoning itself is not the hit: the read is. */
	err = drill_hwpoison((void *)page, (size_t)ps);
	if (!err) {
		/* The read below raises BUS_MCEERR_AR on this thread: fatal path. */
		(void)page[0];
		snprintf(msg, n, "lkvm read its poisoned page and survived: this is a bug");
		return -EFAULT;
	}
	pr_info("MADV_HWPOISON unavailable (%s): simulating lkvm's own memory hit", strerror(-err));
	return ras_send_sigbus((pid_t)syscall(SYS_gettid), RAS_AR, (uintptr_t)page, vm->page_shift);
}

/* On the thread that touches the page: the kernel's AR, simulated. */
static int drill_raise_self(uint64_t hva, unsigned int lsb)
{
	return ras_send_sigbus((pid_t)syscall(SYS_gettid), RAS_AR, hva, lsb);
}

/* Test-only (--ras-test-port): the guest asks for an error at gpa. */
int ras_drill_test_request(struct vcpu *v, uint64_t gpa, enum ras_test_cmd cmd)
{
	static uint8_t lkvm_own_page[65536] __attribute__((aligned(65536)));
	struct vm *vm = v->vm;
	unsigned int shift = vm->page_shift;
	uint64_t ps = 1ULL << shift;
	uint8_t *hva = mem_gpa_to_hva(&vm->mem, ALIGN_DOWN(gpa, ps), ps);

	switch (cmd) {
	case RAS_TEST_AR:
		if (!hva)
			return -EINVAL;
		/* To ourselves: the handler runs before the syscall returns. */
		return ras_send_sigbus(v->tid, RAS_AR, (uintptr_t)hva, shift);
	case RAS_TEST_AO:
		if (!hva)
			return -EINVAL;
		return drill_simulate(vm, RAS_AO, (uintptr_t)hva, shift, 0);
	case RAS_TEST_AR_LKVM:
		return ras_send_sigbus(v->tid, RAS_AR, (uintptr_t)lkvm_own_page, shift);
	case RAS_TEST_AR_LKVM_LOAD: {
		/* No simulation mark, outside KVM_RUN and any guard: exactly what
		 * the kernel sends when lkvm's own unguarded load hits poison. */
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		si.si_signo = SIGBUS;
		si.si_code = BUS_MCEERR_AR;
		si.si_addr = hva ? (void *)hva : (void *)lkvm_own_page;
		si.si_addr_lsb = (short)shift;
		return syscall(SYS_rt_tgsigqueueinfo, getpid(), v->tid, SIGBUS, &si) < 0 ? -errno : 0;
	}
	case RAS_TEST_DEVICE_READ:
		/* A device thread (virtio) will read it next: it must fail that request. */
		if (!hva)
			return -EINVAL;
		mem_drill_arm((uintptr_t)hva, shift, drill_raise_self);
		return 0;
	case RAS_TEST_GUEST_READ: {
		/* A device on this vCPU thread reads a bad guest page. */
		struct drill_read r = { .hva = hva, .shift = shift, .simulate = true };

		if (!hva)
			return -EINVAL;
		return guard_call("ras-test-port device", drill_read_fn, &r);
	}
	}
	return -EINVAL;
}
