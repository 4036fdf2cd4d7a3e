// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory errors, step 1: the one SIGBUS handler, the per-thread
 * queues it records into, the early-kill thread, and the drains that hand
 * each record to locate and dispatch (ras-route.c) on a vCPU thread.
 *
 * The handler is async-signal-safe: it writes one record into the queue of
 * the thread it interrupted and returns. Two cases leave it otherwise:
 *  - inside a guarded access (guard.h) an error on guest RAM, or a bus
 *    error on a mapped file, ends that access (guard_escape): the error is
 *    recorded first, naming the guarded code, so it is routed like any other;
 *  - lkvm itself consuming poisoned memory that is not guest RAM (AR outside
 *    KVM_RUN and outside a guard): returning would re-run the faulting load
 *    forever, so the handler reports and _exit()s with status 6.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/guard.h"
#include "lkvm/arch.h"
#include "lkvm/ras-event.h"
#include "lkvm/ras-log.h"
#include "lkvm/ras-state.h"
#include "lkvm/seccomp.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#define RAS_ALTSTACK (64 * 1024)

static __thread struct ras_queue *tls_queue;
static __thread void *tls_altstack;
static __thread const char *tls_name;	/* whose queue, for reports */
static __thread int tls_wake_fd = -1;	/* this thread sleeps on it: the handler writes it */
/* The guest page this thread is poisoning now (ras_poisoning), for the handler. */
static __thread volatile uintptr_t tls_poison_lo, tls_poison_hi;
/*
 * The handler runs with SIGBUS unblocked (SA_NODEFER): a forced SIGBUS
 * (lkvm's own load hitting poison) finding it blocked would make the
 * kernel reset it to SIG_DFL and dump core instead of exiting 6. So it can
 * interrupt itself: tls_in_handler says so, and what arrives meanwhile
 * waits in tls_nested until the outer call pushes it.
 */
#define RAS_NESTED_MAX 4
static __thread volatile sig_atomic_t tls_in_handler;
static __thread struct ras_record tls_nested[RAS_NESTED_MAX];
static __thread unsigned int tls_nested_nr;

static const char *rs_thread_name(void)
{
	return tls_name ? tls_name : "main thread";
}
/* Read by the handler: the VM whose RAM is guest RAM, its log, its wake fd. */
static struct vm *volatile ras_vm;
static volatile int ras_log_fd = -1;
static volatile int ras_wake_fd = -1;
/* Bumped when a VM's RAM becomes guest RAM and when it stops being it. */
static volatile uint32_t ras_gen = 1;
static const char *ras_arch_name;	/* arch_info()->name, read once outside the handler */

/*
 * lkvm consumed poisoned memory itself: report without libc stdio, exit.
 * One write, so another thread's report cannot land inside the line.
 */
static void ras_fatal_self(const struct ras_record *rec)
{
	struct vm *vm = ras_vm;
	char hex[24], line[320];
	size_t pos = 0;
	struct ras_fatal_rec fr = {
		.hva = rec->hva,
		.extent = 1ULL << (rec->lsb ? rec->lsb : (vm ? vm->page_shift : 12)),
		.simulated = rec->simulated,
		.arch = ras_arch_name,
		.vm_name = vm && vm->opts ? vm->opts->name : NULL,
	};

	sig_fmt_hex(hex, rec->hva);
	pos = sig_append(line, pos, sizeof(line), "lkvm: fatal: lkvm itself read poisoned memory at host address ");
	pos = sig_append(line, pos, sizeof(line), hex);
	if (vm && mem_hva_to_gpa(&vm->mem, rec->hva, &fr.gpa)) {
		char gpa_hex[24];

		/* Guest RAM, but outside any guarded access: an lkvm bug. */
		fr.in_guest = true;
		sig_fmt_hex(gpa_hex, fr.gpa);
		pos = sig_append(line, pos, sizeof(line), " (guest RAM at guest physical ");
		pos = sig_append(line, pos, sizeof(line), gpa_hex);
		pos = sig_append(line, pos, sizeof(line), ", touched outside a guarded access)");
	} else {
		pos = sig_append(line, pos, sizeof(line), " (not guest RAM)");
	}
	sig_append(line, pos, sizeof(line), "; cannot continue, exiting with status 6\n");
	sig_write_str(2, line);
	if (ras_log_fd >= 0) {
		/* One complete line, the fields of every other record, on disk. */
		char rec_line[1024];
		size_t len = ras_log_fatal_json(rec_line, sizeof(rec_line), &fr);

		ras_log_write(ras_log_fd, rec_line, len);
		ras_log_sync(ras_log_fd);
	}
	_exit(LKVM_EXIT_RAS_FATAL);
}

/* A memory error while this thread's handler ran: no lookups, no log, just the line. */
static void ras_fatal_nested(const struct ras_record *rec)
{
	char hex[24], line[256];
	size_t pos = 0;

	sig_fmt_hex(hex, rec->hva);
	pos = sig_append(line, pos, sizeof(line), "lkvm: fatal: memory error at host address ");
	pos = sig_append(line, pos, sizeof(line), hex);
	sig_append(line, pos, sizeof(line),
		   " while lkvm handled another one; cannot continue, exiting with status 6\n");
	sig_write_str(2, line);
	_exit(LKVM_EXIT_RAS_FATAL);
}

static bool ras_hva_is_guest(uint64_t hva)
{
	struct vm *vm = ras_vm;
	uint64_t gpa;

	return vm && mem_hva_to_gpa(&vm->mem, hva, &gpa);
}

/* Signals that hit a thread with no queue: counted, reported by a drain. */
static volatile uint64_t ras_lost_unqueued;

static void ras_record_push(struct ras_queue *q, const struct ras_record *rec)
{
	if (q)
		ras_queue_push(q, rec);
	else
		__atomic_add_fetch(&ras_lost_unqueued, 1, __ATOMIC_RELAXED);
	/* The main thread may be about to sleep in poll(), this one in ppoll(): wake them. */
	if (ras_wake_fd >= 0) {
		uint64_t one = 1;

		if (write(ras_wake_fd, &one, sizeof(one)) < 0)
			(void)0;
	}
	if (tls_wake_fd >= 0) {
		uint64_t one = 1;

		if (write(tls_wake_fd, &one, sizeof(one)) < 0)
			(void)0;
	}
}

/* A signal that interrupted this thread's handler: kept for the outer call. */
static void ras_nested(const struct ras_record *rec)
{
	unsigned int n = __atomic_load_n(&tls_nested_nr, __ATOMIC_RELAXED);

	if (rec->kind == RAS_AR && !rec->simulated)
		ras_fatal_nested(rec);	/* lkvm's own load, inside the handler */
	if (n >= RAS_NESTED_MAX) {
		__atomic_add_fetch(&ras_lost_unqueued, 1, __ATOMIC_RELAXED);
		return;
	}
	tls_nested[n] = *rec;
	__atomic_store_n(&tls_nested_nr, n + 1, __ATOMIC_RELAXED);
}

/* The outer call: push what interrupted it, then leave the handler. */
static void ras_handler_leave(struct ras_queue *q)
{
	for (;;) {
		unsigned int n = __atomic_load_n(&tls_nested_nr, __ATOMIC_RELAXED);
		struct ras_record rec;

		if (!n)
			break;
		rec = tls_nested[n - 1];
		if (__atomic_compare_exchange_n(&tls_nested_nr, &n, n - 1, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			ras_record_push(q, &rec);
	}
	tls_in_handler = 0;
}

/* Is hva in the page this thread is poisoning right now? */
static bool ras_poisoning_now(uint64_t hva)
{
	uintptr_t lo = tls_poison_lo, hi = tls_poison_hi;

	return lo < hi && hva >= lo && hva < hi;
}

void ras_poisoning(uint64_t hva, uint64_t len)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (len) {
		tls_poison_lo = (uintptr_t)hva;
		tls_poison_hi = (uintptr_t)(hva + len);
	} else {
		tls_poison_hi = 0;
		tls_poison_lo = 0;
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static void ras_sigbus(int sig, siginfo_t *si, void *uc)
{
	struct ras_queue *q = tls_queue;
	const char *guarded = guard_active();
	int saved = errno;
	struct timespec ts;

	(void)uc;
	if (si->si_code != BUS_MCEERR_AR && si->si_code != BUS_MCEERR_AO) {
		/* A mapped input file shrank under a guarded access: it fails. */
		if (guarded && !tls_in_handler)
			guard_escape(EIO);
		/* A plain bus error in lkvm: die the default way, with a core. */
		signal(sig, SIG_DFL);
		if (si->si_code <= 0)
			raise(sig);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);	/* async-signal-safe */
	struct ras_record rec = {
		.hva = (uintptr_t)si->si_addr,
		.t_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec,
		.kind = si->si_code == BUS_MCEERR_AR ? RAS_AR : RAS_AO,
		.lsb = (uint8_t)si->si_addr_lsb,
		.simulated = si->si_errno == RAS_SIM_MAGIC,
		.gen = __atomic_load_n(&ras_gen, __ATOMIC_ACQUIRE),
	};
	if (rec.kind == RAS_AR && ras_poisoning_now(rec.hva)) {
		/*
		 * Linux >= 6.11 reports MADV_HWPOISON to the thread that called
		 * it, as an AR for the page, before madvise() returns; older ones
		 * send an AO to the early-kill thread. Nothing consumed the page
		 * either way: it is the page's report, as the AO would be.
		 */
		rec.kind = RAS_AO;
	}
	if (tls_in_handler) {
		ras_nested(&rec);
		errno = saved;
		return;
	}
	tls_in_handler = 1;
	/*
	 * An AR outside KVM_RUN: lkvm's own load hit the poison. Inside
	 * KVM_RUN, KVM sent it for the guest and KVM_RUN returns EINTR.
	 */
	if (rec.kind == RAS_AR && !(q && q->in_run)) {
		if (guarded && ras_hva_is_guest(rec.hva)) {
			rec.reader = guarded;
			ras_record_push(q, &rec);
			ras_handler_leave(q);
			errno = saved;
			guard_escape(EHWPOISON);
		}
		if (!rec.simulated)
			ras_fatal_self(&rec);
	}
	ras_record_push(q, &rec);
	ras_handler_leave(q);
	errno = saved;
}

int ras_signals_init(void)
{
	static bool done;
	struct sigaction sa;

	if (done)
		return 0;
	ras_arch_name = arch_info()->name;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = ras_sigbus;
	/* SA_NODEFER: see tls_in_handler. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) < 0)
		return -errno;
	done = true;
	return 0;
}

uint32_t ras_generation(void)
{
	return __atomic_load_n(&ras_gen, __ATOMIC_ACQUIRE);
}

void ras_set_vm(struct vm *vm)
{
	__atomic_add_fetch(&ras_gen, 1, __ATOMIC_RELEASE);
	ras_vm = vm;
	ras_wake_fd = vm ? vm->wake_fd : -1;
}

int ras_thread_attach(struct ras_queue *q)
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
		int err = -errno;

		munmap(p, RAS_ALTSTACK);
		return err;
	}
	tls_altstack = p;
	tls_queue = q;
	return 0;
}

void ras_thread_detach(void)
{
	stack_t ss = { .ss_flags = SS_DISABLE };

	tls_queue = NULL;
	if (tls_altstack) {
		sigaltstack(&ss, NULL);
		munmap(tls_altstack, RAS_ALTSTACK);
		tls_altstack = NULL;
	}
}

uint64_t ras_report_lost(struct ras_queue *q, const char *whose)
{
	uint64_t n = __atomic_exchange_n(&q->lost, 0, __ATOMIC_RELAXED);

	if (n)
		pr_err("%llu memory-error record%s lost: the %s queue was full (%u entries)",
		       (unsigned long long)n, n == 1 ? " was" : "s were", whose, RAS_QUEUE_SIZE);
	return n;
}

uint64_t ras_report_unqueued(void)
{
	uint64_t n = __atomic_exchange_n(&ras_lost_unqueued, 0, __ATOMIC_RELAXED);

	if (n)
		pr_err("%llu memory-error signal%s arrived on a thread with no memory-error queue and could not be recorded",
		       (unsigned long long)n, n == 1 ? "" : "s");
	return n;
}

/* "vCPU 3", "vCPU 3 mailbox": which queue lost records. */
static void ras_report_vcpu_lost(struct vcpu *v)
{
	char whose[40];

	snprintf(whose, sizeof(whose), "vCPU %u", v->id);
	ras_report_lost(&v->ring, whose);
	snprintf(whose, sizeof(whose), "vCPU %u mailbox", v->id);
	ras_report_lost(&v->mailbox, whose);
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

static bool ras_drop_stale(struct vm *vm, const struct ras_record *rec);

static int ras_ao_target(struct vm *vm)
{
	int t = vm->ras_ops && vm->ras_ops->ao_target ? vm->ras_ops->ao_target(vm) : 0;

	return t >= 0 && (unsigned int)t < vm->nr_vcpus ? t : 0;
}

int ras_mailbox_post(struct vcpu *v, const struct ras_record *rec)
{
	bool ok;

	pthread_mutex_lock(&v->vm->lock);
	ok = ras_queue_push(&v->mailbox, rec);
	pthread_mutex_unlock(&v->vm->lock);
	if (!ok)
		return -ENOSPC;
	vcpu_kick(v);
	return 0;
}

void ras_thread_drain(struct vm *vm)
{
	struct ras_record rec;

	if (!tls_queue || !vm->ras || !vm->nr_vcpus)
		return;
	while (ras_queue_pop(tls_queue, &rec)) {
		struct vcpu *v = &vm->vcpus[ras_ao_target(vm)];

		if (ras_drop_stale(vm, &rec))
			continue;

		if (ras_mailbox_post(v, &rec))
			pr_err("memory error at host 0x%llx dropped: vCPU %u mailbox full",
			       (unsigned long long)rec.hva, v->id);
	}
	ras_report_lost(tls_queue, rs_thread_name());
	ras_report_unqueued();
}

/*
 * A record of an earlier generation (the VM was rebuilt by --reboot since,
 * or none was built): its host address means nothing in this memory map.
 * Logged and dropped. Returns true if rec was stale.
 */
static bool ras_drop_stale(struct vm *vm, const struct ras_record *rec)
{
	uint32_t now = ras_generation();
	struct ras_error e;
	char why[160];

	if (rec->raise || rec->gen == now)
		return false;
	memset(&e, 0, sizeof(e));
	e.kind = (enum ras_kind)rec->kind;
	e.hva = rec->hva;
	e.lsb = rec->lsb ? rec->lsb : vm->page_shift;
	e.extent = 1ULL << e.lsb;
	e.simulated = rec->simulated;
	e.reader = rec->reader;
	e.vcpu = -1;
	e.source = "sigbus";
	e.t_signal_ns = rec->t_ns;
	e.t_action_ns = mono_ns();
	snprintf(why, sizeof(why), "recorded for a previous build of the VM (generation %u, now %u): not looked up in this one's memory",
		 rec->gen, now);
	pthread_mutex_lock(&vm->ras->lock);
	ras_event_emit(vm->ras->log_fd, vm->opts->name, &e, RAS_ACT_DROP, why, "");
	pthread_mutex_unlock(&vm->ras->lock);
	return true;
}

/*
 * Every record still in q, handled now on v's behalf: the kernel delivered
 * each, so each gets its event (while the VM stops: "dropped", "VM
 * stopping"). Drill requests (raise) were never errors: nothing to log.
 */
static void ras_flush_queue(struct vcpu *v, struct ras_queue *q, bool own)
{
	struct ras_record rec;

	while (ras_queue_pop(q, &rec))
		if (!rec.raise && !ras_drop_stale(v->vm, &rec))
			ras_handle_record(v, &rec, own);
}

void ras_vcpu_flush(struct vcpu *v)
{
	ras_flush_queue(v, &v->ring, true);
	ras_flush_queue(v, &v->mailbox, false);
	ras_report_vcpu_lost(v);
}

/*
 * The VM is gone (every vCPU joined, the early-kill thread too): what is
 * left in any queue is logged now, on the caller's thread, as dropped.
 */
static void ras_flush_all(struct vm *vm)
{
	struct ras_state *rs = vm->ras;
	struct vcpu *v;

	if (!vm->vcpus || !vm->nr_vcpus || !vm->vcpus[0].vm)
		return;
	/* Dispatch must only log from here on, never inject. */
	vm_request_stop(vm, LKVM_EXIT_OK, NULL);
	v = &vm->vcpus[ras_ao_target(vm)];
	if (!v->vm)
		v = &vm->vcpus[0];
	ras_flush_queue(v, &rs->ao_ring, false);
	ras_report_lost(&rs->ao_ring, "memory-error thread");
	if (tls_queue) {
		ras_flush_queue(v, tls_queue, false);
		ras_report_lost(tls_queue, rs_thread_name());
	}
	ras_report_unqueued();
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].vm)
			ras_vcpu_flush(&vm->vcpus[i]);
}

void ras_vcpu_drain(struct vcpu *v)
{
	const struct ras_ops *ops = v->vm->ras_ops;
	struct ras_record rec;

	if (ops && ops->vcpu_pending)
		ops->vcpu_pending(v);

	if (v->hold.nr)
		ras_hold_retry(v);
	for (;;) {
		while (ras_queue_pop(&v->ring, &rec))
			if (!ras_drop_stale(v->vm, &rec))
				ras_handle_record(v, &rec, true);
		if (!ras_queue_pop(&v->mailbox, &rec))
			break;
		if (rec.raise)	/* the handler records it in our queue, now */
			ras_send_sigbus(v->tid, (enum ras_kind)rec.kind, rec.hva, rec.lsb);
		else if (!ras_drop_stale(v->vm, &rec))
			ras_handle_record(v, &rec, false);
	}
	ras_report_vcpu_lost(v);
}

/* Kick v's own thread in RAS_HOLD_RETRY_NS: KVM_RUN returns, held errors are tried. */
void ras_hold_arm(struct vcpu *v)
{
	struct ras_hold *h = &v->hold;
	struct itimerspec its = { .it_value.tv_nsec = (long)RAS_HOLD_RETRY_NS };

	if (!v->tid)
		return;		/* not a running vCPU thread (unit tests) */
	if (!h->timer_ok) {
		struct sigevent sev;
		timer_t t;

		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = LKVM_SIG_KICK;
		sev._sigev_un._tid = v->tid;
		if (timer_create(CLOCK_MONOTONIC, &sev, &t) < 0) {
			pr_err("vCPU %u: no retry timer for held memory errors: %s; they wait for the next exit",
			       v->id, strerror(errno));
			return;
		}
		h->timer = (void *)t;
		h->timer_ok = true;
	}
	timer_settime((timer_t)h->timer, 0, &its, NULL);
}

void ras_hold_free(struct vcpu *v)
{
	if (v->hold.timer_ok)
		timer_delete((timer_t)v->hold.timer);
	v->hold.timer_ok = false;
}

static void *ras_ao_thread(void *arg)
{
	struct vm *vm = arg;
	struct ras_state *rs = vm->ras;
	struct pollfd pfd = { .fd = rs->ao_wake_fd, .events = POLLIN };
	sigset_t wait;
	int err;

	pthread_setname_np(pthread_self(), "lkvm-ras");
	rs->ao_tid = (pid_t)syscall(SYS_gettid);
	err = ras_thread_attach(&rs->ao_ring);
	tls_name = "memory-error thread";
	tls_wake_fd = rs->ao_wake_fd;
	/* Early kill: the kernel sends BUS_MCEERR_AO here when it finds poison. */
	if (!err && prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0) < 0)
		pr_err("cannot ask for early memory-error reports: %s", strerror(errno));
	if (!err)
		sc_enter(SC_RAS);	/* before ras_init() returns: before the guest runs */
	/* Without its queue every early-kill report would be lost: ras_init fails. */
	pthread_mutex_lock(&rs->lock);
	rs->ao_setup = err ? err : 1;
	pthread_cond_broadcast(&rs->ao_cond);
	pthread_mutex_unlock(&rs->lock);
	if (err)
		return NULL;
	/*
	 * SIGBUS is never blocked (see tls_in_handler): a record the handler
	 * makes between the drain and ppoll() wakes ppoll() through
	 * tls_wake_fd. Kicks are blocked except inside ppoll().
	 */
	pthread_sigmask(SIG_SETMASK, NULL, &wait);
	sigdelset(&wait, LKVM_SIG_KICK);
	while (!rs->ao_quit) {
		struct ras_record req;
		uint64_t cnt;

		if (read(rs->ao_wake_fd, &cnt, sizeof(cnt)) < 0)
			cnt = 0;	/* before the drain: a record after it sets it again */
		ras_thread_drain(vm);
		if (rs->ao_quit)
			break;
		/* One at a time: a second pending SIGBUS would merge with the first. */
		if (ras_queue_pop(&rs->ao_req, &req))
			ras_send_sigbus(rs->ao_tid, (enum ras_kind)req.kind, req.hva, req.lsb);
		ppoll(&pfd, 1, NULL, &wait);
	}
	tls_wake_fd = -1;
	ras_thread_detach();
	return NULL;
}

int ras_init(struct vm *vm)
{
	struct ras_state *rs;
	sigset_t set, old;
	int err;

	err = ras_signals_init();
	if (err) {
		pr_err("cannot install the memory-error handler: %s", strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return LKVM_EXIT_ERROR;
	vm->ras = rs;
	pthread_mutex_init(&rs->lock, NULL);
	pthread_cond_init(&rs->ao_cond, NULL);
	rs->poison.page_shift = vm->page_shift;
	rs->log_fd = -1;
	rs->ao_wake_fd = -1;
	if (vm->opts->ras_log) {
		rs->log_fd = ras_event_open(vm->opts->ras_log);
		if (rs->log_fd < 0) {
			pr_err("cannot open --ras-log '%s': %s", vm->opts->ras_log,
			       ras_log_open_error(vm->opts->ras_log, errno));
			return LKVM_EXIT_USAGE;
		}
		ras_log_fd = rs->log_fd;
	}

	rs->ao_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rs->ao_wake_fd < 0) {
		pr_err("cannot start the memory-error thread: eventfd: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	/* Kicks only inside its ppoll(); SIGBUS never blocked, not even at its start. */
	sigemptyset(&set);
	sigaddset(&set, LKVM_SIG_KICK);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	err = pthread_create(&rs->ao_thread, NULL, ras_ao_thread, vm);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		close(rs->ao_wake_fd);
		pr_err("cannot start the memory-error thread: %s", strerror(err));
		return LKVM_EXIT_ERROR;
	}
	rs->ao_started = true;
	pthread_mutex_lock(&rs->lock);
	while (!rs->ao_setup)
		pthread_cond_wait(&rs->ao_cond, &rs->lock);
	err = rs->ao_setup < 0 ? -rs->ao_setup : 0;
	pthread_mutex_unlock(&rs->lock);
	if (err) {
		pr_err("memory-error thread: cannot set up its signal stack and queue: %s", strerror(err));
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

void ras_exit(struct vm *vm)
{
	struct ras_state *rs = vm->ras;

	if (!rs)
		return;
	if (rs->ao_started) {
		rs->ao_quit = 1;
		pthread_kill(rs->ao_thread, LKVM_SIG_KICK);
		pthread_join(rs->ao_thread, NULL);
	}
	ras_flush_all(vm);
	if (rs->ao_started)
		close(rs->ao_wake_fd);
	ras_log_fd = -1;
	if (rs->log_fd >= 0) {
		ras_log_sync(rs->log_fd);
		close(rs->log_fd);
	}
	free(rs);
	vm->ras = NULL;
}

int ras_vcpu_setup(struct vcpu *v)
{
	const struct ras_ops *ops = v->vm->ras_ops;

	return ops && ops->vcpu_init ? ops->vcpu_init(v) : 0;
}
