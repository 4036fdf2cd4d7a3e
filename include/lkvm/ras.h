/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_H
#define LKVM_RAS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/run-opts.h"

/*
 * Host memory errors (SIGBUS BUS_MCEERR_AR/AO) in guest RAM.
 *
 * The SIGBUS handler only records what the kernel said into a ring owned by
 * the thread it interrupted. Records are acted on by vCPU threads, before
 * their next KVM_RUN: a vCPU thread handles its own action-required errors;
 * action-optional errors (caught by the early-kill thread) and requests from
 * `lkvm debug --poison` are forwarded to the vCPU the arch chooses.
 */
struct vm;
struct vcpu;

enum ras_kind {
	RAS_AR,		/* action required: the guest consumed the data */
	RAS_AO,		/* action optional: found bad before anyone used it */
};

struct ras_record {
	uint64_t hva;
	uint64_t t_ns;		/* CLOCK_MONOTONIC when the handler ran */
	uint8_t kind;		/* enum ras_kind */
	uint8_t lsb;		/* log2 of the poisoned extent */
	uint8_t simulated;	/* sent by lkvm itself (no real poison) */
	/*
	 * A request, not an error yet: the receiving thread sends itself this
	 * SIGBUS. The kernel lets a thread queue a kernel-style siginfo only to
	 * itself, so a simulated error is raised by the thread that takes it.
	 */
	uint8_t raise;
};

#define RAS_RING_SIZE 64	/* power of two */

/* Single producer (the signal handler) and consumer on one thread. */
struct ras_ring {
	struct ras_record rec[RAS_RING_SIZE];
	volatile unsigned int head;	/* written by the handler */
	volatile unsigned int tail;	/* written by the consumer */
	volatile unsigned int lost;	/* ring full: counted, reported */
	volatile sig_atomic_t in_run;	/* inside KVM_RUN (vCPU threads) */
};

/* A guest memory error after lookup, as the policy and arch see it. */
struct ras_error {
	enum ras_kind kind;
	uint64_t hva;
	uint64_t gpa;		/* valid when in_guest */
	uint64_t extent;	/* bytes, 1 << lsb */
	unsigned int lsb;
	bool in_guest;
	bool simulated;
	bool repeat;		/* this page had been poisoned before */
	int vcpu;		/* vCPU that hit it (AR), or -1 */
	uint64_t t_signal_ns;	/* when the SIGBUS handler ran (CLOCK_MONOTONIC) */
	uint64_t t_action_ns;	/* when lkvm acted (injected, stopped, ...) */
};

enum ras_action {
	RAS_ACT_INJECT,		/* hand it to the guest */
	RAS_ACT_STOP,		/* stop the VM, status LKVM_EXIT_RAS_STOP */
	RAS_ACT_FATAL,		/* lkvm itself hit: status LKVM_EXIT_RAS_FATAL */
	RAS_ACT_IGNORE,		/* AO outside guest RAM: log and go on */
};

/* The arch's memory-error policy module. */
struct ras_ops {
	const char *name;
	/* Before the vCPU first runs (e.g. x86 KVM_X86_SETUP_MCE). */
	int (*vcpu_init)(struct vcpu *v);
	/* vCPU that should receive an error not tied to one (AO). */
	int (*ao_target)(struct vm *vm);
	/* Can the guest take it now? If not, say why. On the vCPU's thread. */
	bool (*guest_can_take)(struct vcpu *v, const struct ras_error *e, char *why, size_t n);
	/* Deliver it. On the vCPU's thread. Returns 0 or -errno. */
	int (*inject)(struct vcpu *v, const struct ras_error *e, char *what, size_t n);
};

/* Pure decision, unit-tested for every combination. */
enum ras_action ras_decide(enum ras_policy policy, enum ras_kind kind, bool in_guest,
			   bool guest_can_take);
const char *ras_action_name(enum ras_action a);
const char *ras_kind_name(enum ras_kind k);

/* Ring operations (the push side is async-signal-safe). */
bool ras_ring_push(struct ras_ring *r, const struct ras_record *rec);
bool ras_ring_pop(struct ras_ring *r, struct ras_record *rec);

/* si_errno value marking a SIGBUS lkvm sent itself (simulated error). */
#define RAS_SIM_MAGIC 0x4c4b564d

/* Core entry points. */
int ras_init(struct vm *vm);			/* handler, early-kill thread, log */
void ras_exit(struct vm *vm);
int ras_thread_attach(struct ras_ring *ring);	/* alt stack + TLS ring */
void ras_thread_detach(void);
void ras_vcpu_drain(struct vcpu *v);		/* before every KVM_RUN */
/* Non-vCPU threads: forward this thread's records to vCPUs. */
void ras_thread_drain(struct vm *vm);
unsigned int ras_poisoned_count(struct vm *vm);
/* Poison a guest page: really (MADV_HWPOISON) when allowed, else simulated. */
int ras_poison_gpa(struct vm *vm, uint64_t gpa, enum ras_kind kind, int vcpu,
		   char *msg, size_t n);
/* Test-only guest requests (--ras-test-port). */
enum ras_test_cmd {
	RAS_TEST_AR = 1,	/* AR at a guest page, on the requesting vCPU */
	RAS_TEST_AO = 2,	/* AO at a guest page, via the early-kill thread */
	RAS_TEST_AR_LKVM = 3,	/* AR at lkvm's own (non-guest) memory */
	RAS_TEST_AR_LKVM_LOAD = 4,	/* as if lkvm's own load consumed poison */
};
int ras_test_request(struct vcpu *v, uint64_t gpa, enum ras_test_cmd cmd);
/*
 * Drill: poison a page of lkvm's own memory and read it, as if lkvm's own
 * code hit a bad page (real with MADV_HWPOISON, else simulated). Ends lkvm
 * with LKVM_EXIT_RAS_FATAL; returns only on failure to arrange it.
 */
int ras_poison_self(struct vm *vm, char *msg, size_t n);
/* Send this process a SIGBUS as the kernel would (rt_tgsigqueueinfo). */
int ras_send_sigbus(pid_t tid, enum ras_kind kind, uint64_t hva, unsigned int lsb);

#endif
