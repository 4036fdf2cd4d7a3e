/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_H
#define LKVM_RAS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lkvm/run-opts.h"

/*
 * Host memory errors in guest RAM. The path, in three steps:
 *
 *  1. record (ras.c): the one SIGBUS handler writes what the kernel said
 *     into the ring of the thread it interrupted and returns. Inside a
 *     guarded access (guard.h) on guest RAM it also ends that access.
 *  2. locate (ras-route.c): host address -> guest physical address, the
 *     extent (from the signal, else the arch's page size), and whether the
 *     page was poisoned before.
 *  3. dispatch (ras-route.c): can the guest take it, what the policy says,
 *     inject through the arch's ras_ops, one event line, stop if needed;
 *     an error the guest cannot take yet waits in the vCPU's hold list
 *     (ras-hold.c: the list and its retry timer).
 *
 * Records are acted on by vCPU threads before their next KVM_RUN (the
 * threads: ras-thread.c): a vCPU handles its own action-required errors;
 * others (action-optional errors from the early-kill thread, hits in
 * guarded accesses on other threads, drills) are forwarded to the vCPU the
 * arch chooses. Errors that a vCPU exit reports instead of a signal enter
 * at step 2 through the one door, ras_vcpu_report(): ppc64's KVM_RUN
 * EFAULT with the page, ppc64's KVM_EXIT_NMI with no address at all
 * (RAS_GPA_UNKNOWN). Every error, whatever its door, ends in one event line
 * and, with --ras-log, one JSON record.
 */
struct vm;
struct vcpu;

enum ras_kind {
	RAS_AR,		/* action required: the data was consumed */
	RAS_AO,		/* action optional: found bad before anyone used it */
};

struct ras_record {
	uint64_t hva;
	uint64_t t_ns;		/* CLOCK_MONOTONIC when the handler ran */
	const char *reader;	/* lkvm code whose guarded access hit it, or NULL */
	/*
	 * ras_generation() when recorded: a record of a VM that --reboot has
	 * since rebuilt (or of no VM) is logged and dropped, never looked up
	 * in the new memory map.
	 */
	uint32_t gen;
	uint8_t kind;		/* enum ras_kind */
	uint8_t lsb;		/* log2 of the poisoned extent (0: not given) */
	uint8_t simulated;	/* sent by lkvm itself (no real poison) */
	/*
	 * A request, not an error yet: the receiving thread sends itself this
	 * SIGBUS. The kernel lets a thread queue a kernel-style siginfo only to
	 * itself, so a simulated error is raised by the thread that takes it.
	 */
	uint8_t raise;
};

#define RAS_QUEUE_SIZE 64	/* power of two */

/*
 * The one queue type of the memory-error path. Lock-free for one producer
 * and one consumer (a thread's signal handler and that thread); with
 * several producers (a vCPU's mailbox, the drill requests) they serialise
 * on a lock of their own. A push to a full queue is counted, never blocks.
 */
struct ras_queue {
	struct ras_record rec[RAS_QUEUE_SIZE];
	volatile unsigned int head;	/* written by the producer */
	volatile unsigned int tail;	/* written by the consumer */
	/*
	 * Pushes a full queue refused, since the consumer last reported them
	 * (it takes the count with an atomic exchange: no wrap, no loss).
	 */
	volatile uint64_t lost;
	volatile sig_atomic_t in_run;	/* vCPU thread inside KVM_RUN */
};

bool ras_queue_push(struct ras_queue *q, const struct ras_record *rec);
bool ras_queue_pop(struct ras_queue *q, struct ras_record *rec);

/* A guest memory error after lookup, as the policy and arch see it. */
/* An error whose guest physical address nobody knows (ppc64 KVM_EXIT_NMI). */
#define RAS_GPA_UNKNOWN		UINT64_MAX

struct ras_error {
	enum ras_kind kind;
	uint64_t hva;		/* 0 with gpa RAS_GPA_UNKNOWN */
	uint64_t gpa;		/* valid when in_guest; may be RAS_GPA_UNKNOWN */
	uint64_t extent;	/* bytes, 1 << lsb */
	unsigned int lsb;
	bool in_guest;
	bool simulated;
	bool repeat;		/* this page had been poisoned before */
	uint8_t reported;	/* RAS_PAGE_*: what the guest was already told of the page */
	int vcpu;		/* vCPU that consumed it (AR on a vCPU), or -1 */
	const char *reader;	/* lkvm code that hit it in a guarded access */
	const char *source;	/* "sigbus", or the exit that reported it */
	/*
	 * Nothing raises it again (an exit reported it and gave no address to
	 * touch again): the vCPU does not re-enter the guest until it is
	 * delivered, stopped for, or dropped (ras-hold.c).
	 */
	bool once;
	uint64_t detail;	/* the arch's word from the exit (ppc64 NMI: run->flags) */
	uint64_t t_signal_ns;	/* when the error was recorded (CLOCK_MONOTONIC) */
	uint64_t t_action_ns;	/* when lkvm acted (injected, stopped, ...) */
	uint64_t t_pick_ns;	/* when a vCPU thread first took it up (0: not yet) */
	uint64_t held_ns;	/* how long it waited for a busy guest (ras_hold) */
	uint64_t t_ready_ns;	/* the arch said whether the guest can take it */
	uint64_t t_inject_ns;	/* the arch's inject returned (0: not injected) */
};

/*
 * Did a vCPU consume the data? Only then can the guest be told "the code
 * running here read it" (x86 SRAR, arm64 SEA). An AR that lkvm's own
 * guarded access took on guest RAM is told to the guest as action-optional:
 * the page is bad, nothing in the guest consumed it.
 */
static inline bool ras_error_consumed(const struct ras_error *e)
{
	return e->kind == RAS_AR && e->vcpu >= 0;
}

/* Does the error name a page of guest RAM? (Not an NMI without an address.) */
static inline bool ras_error_has_gpa(const struct ras_error *e)
{
	return e->in_guest && e->gpa != RAS_GPA_UNKNOWN;
}

enum ras_action {
	RAS_ACT_INJECT,		/* hand it to the guest */
	RAS_ACT_STOP,		/* stop the VM, status LKVM_EXIT_RAS_STOP */
	RAS_ACT_FATAL,		/* lkvm itself hit: status LKVM_EXIT_RAS_FATAL */
	RAS_ACT_IGNORE,		/* AO outside guest RAM: log and go on */
	RAS_ACT_DROP,		/* the VM is already stopping, or a hold expired: logged only */
	RAS_ACT_HOLD,		/* the guest is busy: held for a retry (no event yet) */
};

enum ras_ready {
	RAS_READY,	/* the guest can take it now */
	RAS_BUSY,	/* still handling the last one: hold it and try again */
	RAS_UNABLE,	/* never in this state (disabled, not set up) */
};

/*
 * Errors a vCPU holds while its guest is busy with the previous one: tried
 * again before every KVM_RUN (a timer kicks the vCPU meanwhile), delivered
 * when the guest can take them, logged as dropped after RAS_HOLD_MAX_NS
 * (an error held `once` stops the VM instead: the guest never learnt of
 * it). Functions: ras-hold.h.
 */
#define RAS_HOLD_MAX		16
#define RAS_HOLD_MAX_NS		(2 * 1000000000ULL)
#define RAS_HOLD_RETRY_NS	(10 * 1000000ULL)
struct ras_hold {
	struct ras_error e[RAS_HOLD_MAX];
	uint64_t since_ns[RAS_HOLD_MAX];
	unsigned int nr;
	uint64_t ar_busy_since_ns;	/* consumed errors re-raised while busy */
	void *timer;			/* timer_t of the retry kick, once created */
	bool timer_ok;
};

/* The arch's memory-error policy module. */
struct ras_ops {
	const char *name;
	/* Before the vCPU first runs (e.g. x86 KVM_X86_SETUP_MCE). */
	int (*vcpu_init)(struct vcpu *v);
	/* vCPU that should receive an error not tied to one (AO); NULL: vCPU 0. */
	int (*ao_target)(struct vm *vm);
	/*
	 * Optional, asked once at start when the policy is inject: what this
	 * host cannot deliver (0: nothing to say), printed as one info line.
	 */
	size_t (*inject_caveat)(struct vm *vm, char *buf, size_t n);
	/*
	 * Can the guest take it now? RAS_READY, or RAS_BUSY (not now, maybe in
	 * a moment: x86 MCG_STATUS.MCIP) or RAS_UNABLE, saying why. On the
	 * vCPU's thread.
	 */
	enum ras_ready (*guest_can_take)(struct vcpu *v, const struct ras_error *e, char *why,
					 size_t n);
	/* Deliver it. On the vCPU's thread. Returns 0 or -errno. */
	int (*inject)(struct vcpu *v, const struct ras_error *e, char *what, size_t n);
	/*
	 * Optional: arch work another vCPU left for this one (x86: the
	 * companion of a broadcast machine check). On the vCPU's thread,
	 * before every KVM_RUN.
	 */
	void (*vcpu_pending)(struct vcpu *v);
};

/* Pure decision, unit-tested for every combination. */
enum ras_action ras_decide(enum ras_policy policy, enum ras_kind kind, bool in_guest,
			   bool guest_can_take);
const char *ras_action_name(enum ras_action a);
const char *ras_kind_name(enum ras_kind k);

/* si_errno value marking a SIGBUS lkvm sent itself (simulated error). */
#define RAS_SIM_MAGIC 0x4c4b564d

/* ---- record (ras.c: the handler; ras-thread.c: the threads and drains) ---- */
/* Once per process, before anything can fault: the SIGBUS handler. */
int ras_signals_init(void);
/* Per VM: poison bookkeeping, the log, the early-kill thread. */
int ras_init(struct vm *vm);
void ras_exit(struct vm *vm);
/* The VM whose RAM the handler checks (NULL while none is built); a new generation. */
void ras_set_vm(struct vm *vm);
uint32_t ras_generation(void);
/* Every thread that may take a SIGBUS: alt stack + its queue. */
int ras_thread_attach(struct ras_queue *q);
void ras_thread_detach(void);
/* Arch's per-vCPU step (called from arch_vcpu_init where the arch needs it). */
int ras_vcpu_setup(struct vcpu *v);
/*
 * A vCPU thread leaving: its records, mailbox and held errors handled now
 * (logged as dropped if stopping); its retry timer released.
 */
void ras_vcpu_flush(struct vcpu *v);
/*
 * Before every KVM_RUN: act on this vCPU's held errors, records and
 * mailbox. Returns false while an error held `once` must reach the guest
 * before it runs again: the caller goes round its loop (stop, pause and
 * debug requests are served meanwhile) instead of entering KVM_RUN; the
 * drain has then waited up to RAS_HOLD_RETRY_NS.
 */
bool ras_vcpu_drain(struct vcpu *v);
/* Non-vCPU threads: forward this thread's records to a vCPU. */
void ras_thread_drain(struct vm *vm);
/* Queue a record for v's thread (not from signal context); kicks v. */
int ras_mailbox_post(struct vcpu *v, const struct ras_record *rec);
/*
 * This thread is about to poison [hva, hva + len) with MADV_HWPOISON (len
 * 0: it is done). Linux >= 6.11 sends the calling thread BUS_MCEERR_AR for
 * that page before madvise() returns; the handler then records it as the
 * page's action-optional report (older kernels send that AO to the
 * early-kill thread), not as lkvm consuming poisoned memory.
 */
void ras_poisoning(uint64_t hva, uint64_t len);
/* Send thread tid of this process a SIGBUS as the kernel would (simulated). */
int ras_send_sigbus(pid_t tid, enum ras_kind kind, uint64_t hva, unsigned int lsb);

/* ---- the poison set (ras-poison.c) ---- */
/* Pages known to be poisoned, by guest physical address, and what the guest was told. */
#define RAS_MAX_POISON 1024
#define RAS_PAGE_AO_SENT	0x1	/* an action-optional report was injected */
#define RAS_PAGE_AR_SENT	0x2	/* a consumed (action-required) error was injected */
struct ras_poison_set {
	struct {
		uint64_t gpa, len;
		uint8_t reported;	/* RAS_PAGE_* */
	} r[RAS_MAX_POISON];
	unsigned int nr;
	bool overflow;
	unsigned int page_shift;	/* bookkeeping granule */
};

bool ras_poison_contains(const struct ras_poison_set *ps, uint64_t gpa);
/* Record that the guest was told about the page of gpa (RAS_PAGE_*). */
void ras_poison_mark(struct ras_poison_set *ps, uint64_t gpa, uint8_t reported);
/* What the guest was told of the page of gpa (RAS_PAGE_*; 0: nothing, or not known). */
uint8_t ras_poison_reported(const struct ras_poison_set *ps, uint64_t gpa);
/* Add the pages of [gpa, gpa + len) (whole pages of ps->page_shift). */
void ras_poison_add(struct ras_poison_set *ps, uint64_t gpa, uint64_t len);
uint64_t ras_poison_bytes(const struct ras_poison_set *ps);
/*
 * The newest known poisoned page whose RAS_PAGE_* bits have none of
 * `without` set (without 0: the newest of all). Pure; false when none.
 */
bool ras_poison_latest(const struct ras_poison_set *ps, uint8_t without, uint64_t *gpa);
/*
 * The same question about a VM's set, for the arch (ppc64: which page did
 * the EFAULT touch?): the core's lock is taken here, never by the arch.
 */
bool ras_vm_poison_latest(struct vm *vm, uint8_t without, uint64_t *gpa);
unsigned int ras_poisoned_count(struct vm *vm);

/* ---- locate and dispatch (ras-route.c) ---- */
struct mem_map;
/*
 * The one constructor: e from rec as recorded, before any lookup (extent:
 * rec->lsb, else page_shift; no vCPU; source "sigbus").
 */
void ras_error_from_record(struct ras_error *e, const struct ras_record *rec,
			   unsigned int page_shift);
/*
 * Locate: fill e from rec (ras_error_from_record), find it in guest RAM,
 * mark the guest pages of the extent poisoned in ps, set e->repeat.
 * Returns the number of guest-RAM pieces of the extent (0: not guest RAM).
 */
int ras_locate(const struct mem_map *m, struct ras_poison_set *ps, unsigned int page_shift,
	       const struct ras_record *rec, struct ras_error *e);
/*
 * Dispatch a located error on v's thread: policy, can the guest take it,
 * inject, event, stop. Returns what was done.
 */
enum ras_action ras_dispatch(struct vcpu *v, struct ras_error *e);
/* A record taken by v's thread (own: v's own signal, else forwarded). */
void ras_handle_record(struct vcpu *v, const struct ras_record *rec, bool own);
/* Held errors of v: try them again now (ras-route.c). */
void ras_hold_retry(struct vcpu *v);
/*
 * The one door for an error a vCPU exit reported (no signal), on v's
 * thread: locate (gpa in guest RAM, or RAS_GPA_UNKNOWN when the exit gives
 * none) -> decide -> can the guest take it -> inject -> event, the path a
 * signalled error takes. source names the exit for the event
 * ("KVM_EXIT_NMI", "KVM_RUN EFAULT"); detail is the arch's own word,
 * kept with the error for its inject (ppc64 NMI: KVM's disposition flags).
 * An error without an address is taken as consumed by v and `once`: if the
 * guest cannot take it yet it is held and v does not run until then.
 * A gpa outside guest RAM stops the VM (status 4).
 */
enum ras_action ras_vcpu_report(struct vcpu *v, enum ras_kind kind, uint64_t gpa,
				const char *source, uint64_t detail);
/* ras_vcpu_report() with no arch detail. */
static inline enum ras_action ras_vcpu_error(struct vcpu *v, uint64_t gpa, enum ras_kind kind,
					     const char *source)
{
	return ras_vcpu_report(v, kind, gpa, source, 0);
}

#endif
