// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory errors: the SIGBUS handler, the early-kill thread, and the
 * routing of each error through the memory map to the policy and the arch.
 *
 * The handler is async-signal-safe: it writes one record into the ring of
 * the thread it interrupted and returns. The one exception is lkvm itself
 * consuming poisoned memory (AR outside KVM_RUN): returning would re-run
 * the faulting load forever, so the handler reports and _exit()s.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/ras-event.h"
#include "lkvm/ras.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

#define RAS_MAX_POISON 1024
#define RAS_ALTSTACK (64 * 1024)

struct ras_poison {
	uint64_t gpa, len;
};

struct ras_state {
	int log_fd;
	pthread_mutex_t lock;		/* poison list and event order */
	struct ras_poison poison[RAS_MAX_POISON];
	unsigned int nr_poison;
	bool poison_overflow;
	pthread_t ao_thread;
	pid_t ao_tid;
	bool ao_started;
	volatile int ao_quit;
	struct ras_ring ao_ring;
	struct ras_record ao_req[16];	/* simulation requests (lock) */
	unsigned int ao_req_head, ao_req_tail;
	unsigned int lost_reported;
};

static __thread struct ras_ring *tls_ring;
static __thread void *tls_altstack;
/* Read by the handler's fatal path only. */
static struct vm *ras_vm;
static volatile int ras_log_fd = -1;
static volatile int ras_wake_fd = -1;	/* wakes the main loop (eventfd) */

/* lkvm consumed poisoned memory itself: report without libc stdio, exit. */
static void ras_fatal_self(const struct ras_record *rec)
{
	char hex[24];
	uint64_t gpa;
	bool guest = ras_vm && mem_hva_to_gpa(&ras_vm->mem, rec->hva, &gpa);

	sig_fmt_hex(hex, rec->hva);
	sig_write_str(2, "lkvm: fatal: lkvm itself read poisoned memory at host address ");
	sig_write_str(2, hex);
	if (guest) {
		char gpa_hex[24];

		sig_fmt_hex(gpa_hex, gpa);
		sig_write_str(2, " (guest RAM at guest physical ");
		sig_write_str(2, gpa_hex);
		sig_write_str(2, ", touched by device emulation)");
	} else {
		sig_write_str(2, " (not guest RAM)");
	}
	sig_write_str(2, "; cannot continue, exiting with status 6\n");
	if (ras_log_fd >= 0) {
		sig_write_str(ras_log_fd, "{\"kind\":\"AR\",\"hva\":\"");
		sig_write_str(ras_log_fd, hex);
		sig_write_str(ras_log_fd, "\",\"action\":\"fatal\",\"reason\":\"lkvm itself consumed poisoned memory\"}\n");
	}
	_exit(LKVM_EXIT_RAS_FATAL);
}

static void ras_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct ras_ring *ring = tls_ring;
	int saved = errno;

	(void)uc;
	if (si->si_code != BUS_MCEERR_AR && si->si_code != BUS_MCEERR_AO) {
		/* A plain bus error in lkvm: die the default way, with a core. */
		signal(sig, SIG_DFL);
		if (si->si_code <= 0)
			raise(sig);
		return;
	}
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* async-signal-safe */
	struct ras_record rec = {
		.hva = (uintptr_t)si->si_addr,
		.t_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec,
		.kind = si->si_code == BUS_MCEERR_AR ? RAS_AR : RAS_AO,
		.lsb = (uint8_t)si->si_addr_lsb,
		.simulated = si->si_errno == RAS_SIM_MAGIC,
	};
	/*
	 * A real AR outside KVM_RUN means lkvm's own load hit the poison. Inside
	 * KVM_RUN, KVM sent it for the guest and KVM_RUN returns EINTR.
	 */
	if (rec.kind == RAS_AR && !rec.simulated && !(ring && ring->in_run))
		ras_fatal_self(&rec);
	if (ring) {
		ras_ring_push(ring, &rec);
		/* The main thread may be about to sleep in poll(): wake it. */
		if (ras_wake_fd >= 0) {
			uint64_t one = 1;

			if (write(ras_wake_fd, &one, sizeof(one)) < 0)
				(void)0;
		}
	}
	errno = saved;
}

int ras_thread_attach(struct ras_ring *ring)
{
	stack_t ss;
	void *p;

	p = mmap(NULL, RAS_ALTSTACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	ss.ss_sp = p;
	ss.ss_size = RAS_ALTSTACK;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) < 0) {
		munmap(p, RAS_ALTSTACK);
		return -errno;
	}
	tls_altstack = p;
	tls_ring = ring;
	return 0;
}

void ras_thread_detach(void)
{
	stack_t ss = { .ss_flags = SS_DISABLE };

	tls_ring = NULL;
	if (tls_altstack) {
		sigaltstack(&ss, NULL);
		munmap(tls_altstack, RAS_ALTSTACK);
		tls_altstack = NULL;
	}
}

static int ras_ao_target(struct vm *vm)
{
	int t = vm->ras_ops && vm->ras_ops->ao_target ? vm->ras_ops->ao_target(vm) : 0;

	return t >= 0 && (unsigned int)t < vm->nr_vcpus ? t : 0;
}

static void ras_report_lost(struct vm *vm, struct ras_ring *ring)
{
	unsigned int lost = __atomic_load_n(&ring->lost, __ATOMIC_RELAXED);

	if (lost != vm->ras->lost_reported) {
		pr_err("%u memory-error signals could not be recorded (ring full)",
		       lost - vm->ras->lost_reported);
		vm->ras->lost_reported = lost;
	}
}

void ras_thread_drain(struct vm *vm)
{
	struct ras_record rec;

	if (!tls_ring || !vm->ras)
		return;
	while (ras_ring_pop(tls_ring, &rec)) {
		struct vcpu *v = &vm->vcpus[ras_ao_target(vm)];

		if (vcpu_mailbox_post(v, &rec))
			pr_err("memory error at host 0x%llx dropped: vCPU %u mailbox full",
			       (unsigned long long)rec.hva, v->id);
	}
}

static void *ras_ao_thread(void *arg)
{
	struct vm *vm = arg;
	sigset_t wait;

	pthread_setname_np(pthread_self(), "lkvm-ras");
	vm->ras->ao_tid = (pid_t)syscall(SYS_gettid);
	/* Early kill: the kernel sends BUS_MCEERR_AO here when it finds poison. */
	if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0) < 0)
		pr_err("cannot ask for early memory-error reports: %s", strerror(errno));
	ras_thread_attach(&vm->ras->ao_ring);
	/* SIGBUS and kicks are blocked here except inside sigsuspend: no lost wake-ups. */
	pthread_sigmask(SIG_SETMASK, NULL, &wait);
	sigdelset(&wait, SIGBUS);
	sigdelset(&wait, SIGUSR1);
	while (!vm->ras->ao_quit) {
		struct ras_record req = { 0 };
		bool have = false;

		ras_thread_drain(vm);
		ras_report_lost(vm, &vm->ras->ao_ring);
		if (vm->ras->ao_quit)
			break;
		pthread_mutex_lock(&vm->ras->lock);
		if (vm->ras->ao_req_tail != vm->ras->ao_req_head) {
			req = vm->ras->ao_req[vm->ras->ao_req_tail++ % ARRAY_SIZE(vm->ras->ao_req)];
			have = true;
		}
		pthread_mutex_unlock(&vm->ras->lock);
		/* One at a time: a second pending SIGBUS would merge with the first. */
		if (have)
			ras_send_sigbus(vm->ras->ao_tid, (enum ras_kind)req.kind, req.hva, req.lsb);
		sigsuspend(&wait);
	}
	ras_thread_detach();
	return NULL;
}

int ras_init(struct vm *vm)
{
	struct sigaction sa;
	sigset_t set, old;
	int err;

	vm->ras = calloc(1, sizeof(*vm->ras));
	if (!vm->ras)
		return LKVM_EXIT_ERROR;
	pthread_mutex_init(&vm->ras->lock, NULL);
	vm->ras->log_fd = -1;
	if (vm->opts->ras_log) {
		vm->ras->log_fd = ras_event_open(vm->opts->ras_log);
		if (vm->ras->log_fd < 0) {
			pr_err("cannot open --ras-log '%s': %s", vm->opts->ras_log, strerror(errno));
			return LKVM_EXIT_USAGE;
		}
		ras_log_fd = vm->ras->log_fd;
	}
	ras_vm = vm;
	ras_wake_fd = vm->wake_fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = ras_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) < 0)
		return LKVM_EXIT_ERROR;

	sigemptyset(&set);
	sigaddset(&set, SIGBUS);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	err = pthread_create(&vm->ras->ao_thread, NULL, ras_ao_thread, vm);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pr_err("cannot start the memory-error thread: %s", strerror(err));
		return LKVM_EXIT_ERROR;
	}
	vm->ras->ao_started = true;
	return 0;
}

void ras_exit(struct vm *vm)
{
	if (!vm->ras)
		return;
	if (vm->ras->ao_started) {
		vm->ras->ao_quit = 1;
		pthread_kill(vm->ras->ao_thread, SIGUSR1);
		pthread_join(vm->ras->ao_thread, NULL);
	}
	ras_vm = NULL;
	ras_log_fd = -1;
	ras_wake_fd = -1;
	if (vm->ras->log_fd >= 0)
		close(vm->ras->log_fd);
	free(vm->ras);
	vm->ras = NULL;
}

static bool ras_poison_lookup(struct ras_state *rs, uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < rs->nr_poison; i++)
		if (gpa >= rs->poison[i].gpa && gpa - rs->poison[i].gpa < rs->poison[i].len)
			return true;
	return false;
}

static void ras_poison_add(struct ras_state *rs, uint64_t gpa, uint64_t len)
{
	uint64_t start = ALIGN_DOWN(gpa, 4096), end = ALIGN_UP(gpa + len, 4096);

	if (ras_poison_lookup(rs, start) && ras_poison_lookup(rs, end - 1))
		return;
	if (rs->nr_poison >= RAS_MAX_POISON) {
		if (!rs->poison_overflow)
			pr_err("more than %d poisoned ranges: later ones are not remembered",
			       RAS_MAX_POISON);
		rs->poison_overflow = true;
		return;
	}
	rs->poison[rs->nr_poison].gpa = start;
	rs->poison[rs->nr_poison].len = end - start;
	rs->nr_poison++;
}

unsigned int ras_poisoned_count(struct vm *vm)
{
	uint64_t bytes = 0;
	unsigned int i;

	if (!vm->ras)
		return 0;
	pthread_mutex_lock(&vm->ras->lock);
	for (i = 0; i < vm->ras->nr_poison; i++)
		bytes += vm->ras->poison[i].len;
	pthread_mutex_unlock(&vm->ras->lock);
	return (unsigned int)(bytes / 4096);
}

static void ras_handle(struct vcpu *v, const struct ras_record *rec, bool own)
{
	struct vm *vm = v->vm;
	const struct ras_ops *ops = vm->ras_ops;
	struct mem_hit hits[MEM_MAX_REGIONS];
	struct ras_error e = {
		.kind = rec->kind,
		.hva = rec->hva,
		.lsb = rec->lsb ? rec->lsb : 12,
		.simulated = rec->simulated,
		.vcpu = (own && rec->kind == RAS_AR) ? (int)v->id : -1,
		.t_signal_ns = rec->t_ns,
	};
	struct timespec now;
	char why[256] = "", what[256] = "";
	enum ras_action act;
	bool can_take = true;
	int n;

	e.extent = e.lsb < 64 ? 1ULL << e.lsb : 0;
	n = mem_extent_lookup(&vm->mem, e.hva, e.lsb, hits, MEM_MAX_REGIONS);
	e.in_guest = n > 0;
	if (e.in_guest && !mem_hva_to_gpa(&vm->mem, e.hva, &e.gpa))
		e.gpa = hits[0].gpa;

	pthread_mutex_lock(&vm->ras->lock);
	if (e.in_guest) {
		e.repeat = ras_poison_lookup(vm->ras, e.gpa);
		for (int i = 0; i < n; i++)
			ras_poison_add(vm->ras, hits[i].gpa, hits[i].len);
	}
	pthread_mutex_unlock(&vm->ras->lock);

	if (vm_stopping(vm))
		return;
	if (e.in_guest && vm->opts->ras_policy == RAS_POLICY_INJECT) {
		if (!ops || !ops->inject) {
			can_take = false;
			snprintf(why, sizeof(why), "this architecture cannot inject memory errors");
		} else if (ops->guest_can_take) {
			can_take = ops->guest_can_take(v, &e, why, sizeof(why));
		}
	}
	act = ras_decide(vm->opts->ras_policy, e.kind, e.in_guest, can_take);
	if (act == RAS_ACT_INJECT) {
		int err = ops->inject(v, &e, what, sizeof(what));

		if (err) {
			act = RAS_ACT_STOP;
			snprintf(why, sizeof(why), "injection failed: %s", strerror(-err));
		}
	} else if (act == RAS_ACT_STOP && !*why) {
		snprintf(why, sizeof(why), "--ras-policy=stop");
	} else if (act == RAS_ACT_FATAL) {
		snprintf(why, sizeof(why), "lkvm itself was hit");
	} else if (act == RAS_ACT_IGNORE) {
		snprintf(why, sizeof(why), "not guest memory; nothing consumed it");
	}

	clock_gettime(CLOCK_MONOTONIC, &now);
	e.t_action_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	pthread_mutex_lock(&vm->ras->lock);
	ras_event_emit(vm->ras->log_fd, vm->opts->name, &e, act, why, what);
	pthread_mutex_unlock(&vm->ras->lock);

	if (act == RAS_ACT_STOP)
		vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
				"VM '%s' stopped after a memory error at guest physical 0x%llx (exit status %d)",
				vm->opts->name, (unsigned long long)e.gpa, LKVM_EXIT_RAS_STOP);
	else if (act == RAS_ACT_FATAL)
		vm_request_stop(vm, LKVM_EXIT_RAS_FATAL,
				"fatal: lkvm's own memory at host 0x%llx was hit by an uncorrected error (exit status %d)",
				(unsigned long long)e.hva, LKVM_EXIT_RAS_FATAL);
}

void ras_vcpu_drain(struct vcpu *v)
{
	struct ras_record rec;

	for (;;) {
		while (ras_ring_pop(&v->ring, &rec))
			ras_handle(v, &rec, true);
		if (!vcpu_mailbox_take(v, &rec))
			break;
		if (rec.raise)	/* the handler records it in our ring, now */
			ras_send_sigbus(v->tid, (enum ras_kind)rec.kind, rec.hva, rec.lsb);
		else
			ras_handle(v, &rec, false);
	}
	if (__atomic_load_n(&v->ring.lost, __ATOMIC_RELAXED))
		ras_report_lost(v->vm, &v->ring);
}

int ras_send_sigbus(pid_t tid, enum ras_kind kind, uint64_t hva, unsigned int lsb)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGBUS;
	si.si_code = kind == RAS_AR ? BUS_MCEERR_AR : BUS_MCEERR_AO;
	si.si_errno = RAS_SIM_MAGIC;
	si.si_addr = (void *)(uintptr_t)hva;
	si.si_addr_lsb = (short)lsb;
	if (syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, SIGBUS, &si) < 0)
		return -errno;
	return 0;
}

/* Wait (bounded) until the target thread's handler recorded the signal. */
static bool ras_wait_recorded(struct ras_ring *ring, unsigned int head0)
{
	struct timespec ts = { 0, 200000 };
	int i;

	for (i = 0; i < 5000; i++) {
		if (__atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) != head0)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/*
 * Have the right thread raise a simulated SIGBUS: AR on vCPU `vcpu`, AO on
 * the early-kill thread. Returns once its handler recorded it (or -errno).
 */
static int ras_simulate(struct vm *vm, enum ras_kind kind, uint64_t hva, unsigned int lsb,
			int vcpu)
{
	struct ras_record req = { .hva = hva, .kind = (uint8_t)kind, .lsb = (uint8_t)lsb,
				  .simulated = 1, .raise = 1 };
	struct ras_ring *ring;
	unsigned int head0;
	int err = 0;

	if (kind == RAS_AR) {
		ring = &vm->vcpus[vcpu].ring;
		head0 = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
		err = vcpu_mailbox_post(&vm->vcpus[vcpu], &req);
	} else {
		ring = &vm->ras->ao_ring;
		head0 = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
		pthread_mutex_lock(&vm->ras->lock);
		if (vm->ras->ao_req_head - vm->ras->ao_req_tail >= ARRAY_SIZE(vm->ras->ao_req))
			err = -ENOSPC;
		else
			vm->ras->ao_req[vm->ras->ao_req_head++ % ARRAY_SIZE(vm->ras->ao_req)] = req;
		pthread_mutex_unlock(&vm->ras->lock);
		if (!err)
			pthread_kill(vm->ras->ao_thread, SIGUSR1);
	}
	if (err)
		return err;
	return ras_wait_recorded(ring, head0) ? 0 : -ETIMEDOUT;
}

int ras_poison_gpa(struct vm *vm, uint64_t gpa, enum ras_kind kind, int vcpu,
		   char *msg, size_t n)
{
	long ps = sysconf(_SC_PAGESIZE);
	uint64_t page = ALIGN_DOWN(gpa, (uint64_t)ps);
	uint8_t *hva = mem_gpa_to_hva(&vm->mem, page, (uint64_t)ps);
	int err, ret;

	if (!hva) {
		snprintf(msg, n, "0x%llx is not guest RAM", (unsigned long long)gpa);
		return -EINVAL;
	}
	if (madvise(hva, (size_t)ps, MADV_HWPOISON) == 0) {
		snprintf(msg, n, "guest page 0x%llx poisoned for real (MADV_HWPOISON); the guest's next access raises the error",
			 (unsigned long long)page);
		return 0;
	}
	err = errno;
	ret = ras_simulate(vm, kind, (uintptr_t)hva, (unsigned int)__builtin_ctzl((unsigned long)ps),
			   vcpu);
	if (ret) {
		snprintf(msg, n, "cannot simulate the error: %s", strerror(-ret));
		return ret;
	}
	snprintf(msg, n, "guest page 0x%llx: simulated %s (MADV_HWPOISON unavailable: %s)",
		 (unsigned long long)page, ras_kind_name(kind), strerror(err));
	return 0;
}

int ras_poison_self(struct vm *vm, char *msg, size_t n)
{
	static uint8_t victim[2 * 65536];
	long ps = sysconf(_SC_PAGESIZE);
	volatile uint8_t *page = (uint8_t *)ALIGN_UP((uintptr_t)victim, (uintptr_t)ps);

	page[0] = 1;	/* make it a real, mapped page */
	if (madvise((void *)page, (size_t)ps, MADV_HWPOISON) == 0) {
		/* The read below raises BUS_MCEERR_AR on this thread: fatal path. */
		(void)page[0];
		snprintf(msg, n, "lkvm read its poisoned page and survived: this is a bug");
		return -EFAULT;
	}
	pr_info("MADV_HWPOISON unavailable (%s): simulating lkvm's own memory hit", strerror(errno));
	return ras_send_sigbus((pid_t)syscall(SYS_gettid), RAS_AR, (uintptr_t)page,
			       (unsigned int)__builtin_ctzl((unsigned long)ps));
}

/* Test-only (--ras-test-port): the guest asks for an error at gpa. */
int ras_test_request(struct vcpu *v, uint64_t gpa, enum ras_test_cmd cmd)
{
	static uint8_t lkvm_own_page[4096] __attribute__((aligned(4096)));
	struct vm *vm = v->vm;
	uint8_t *hva = mem_gpa_to_hva(&vm->mem, ALIGN_DOWN(gpa, 4096), 4096);

	switch (cmd) {
	case RAS_TEST_AR:
		if (!hva)
			return -EINVAL;
		/* To ourselves: the handler runs before the syscall returns. */
		return ras_send_sigbus(v->tid, RAS_AR, (uintptr_t)hva, 12);
	case RAS_TEST_AO:
		if (!hva)
			return -EINVAL;
		return ras_simulate(vm, RAS_AO, (uintptr_t)hva, 12, 0);
	case RAS_TEST_AR_LKVM:
		return ras_send_sigbus(v->tid, RAS_AR, (uintptr_t)lkvm_own_page, 12);
	case RAS_TEST_AR_LKVM_LOAD: {
		/* No simulation mark, outside KVM_RUN: exactly what the kernel
		 * sends when lkvm's own load hits poison. */
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		si.si_signo = SIGBUS;
		si.si_code = BUS_MCEERR_AR;
		si.si_addr = hva ? (void *)hva : (void *)lkvm_own_page;
		si.si_addr_lsb = 12;
		return syscall(SYS_rt_tgsigqueueinfo, getpid(), v->tid, SIGBUS, &si) < 0 ? -errno : 0;
	}
	}
	return -EINVAL;
}
