// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory errors, step 1: the one SIGBUS handler and the per-thread
 * queues it records into (the threads that drain them: ras-thread.c).
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
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/guard.h"
#include "lkvm/arch.h"
#include "lkvm/ras-log.h"
#include "lkvm/ras-state.h"
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

struct ras_queue *ras_thread_queue(void)
{
	return tls_queue;
}

const char *ras_thread_name(void)
{
	return tls_name ? tls_name : "main thread";
}

void ras_thread_set_wake(const char *name, int wake_fd)
{
	tls_name = name;
	tls_wake_fd = wake_fd;
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
	/*
	 * SA_NODEFER: see tls_in_handler. With it and an empty sa_mask the
	 * handler leaves the mask as it found it, which guard_call() relies on
	 * (it does not save the mask: a system call per guarded access).
	 */
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

void ras_signal_log(int fd)
{
	ras_log_fd = fd;
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
