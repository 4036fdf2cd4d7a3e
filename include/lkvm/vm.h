/* SPDX-License-Identifier: GPL-2.0 */
/* A VM and its vCPUs: struct vm, struct vcpu, build, run, stop, pause (vm.c, vcpu.c, vm-state.c). */
#ifndef LKVM_VM_H
#define LKVM_VM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lkvm/devices.h"
#include "lkvm/io-bus.h"
#include "lkvm/mem.h"
#include "lkvm/ras.h"
#include "lkvm/run-opts.h"

#define VCPU_EXIT_REASONS 64
/*
 * The signal that interrupts an lkvm thread's blocking call (KVM_RUN, the
 * early-kill thread's ppoll). Its handler does nothing; it is blocked
 * everywhere except where a thread waits for it.
 */
#define LKVM_SIG_KICK SIGUSR1

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	pid_t tid;
	bool started;
	struct ras_queue ring;		/* this thread's SIGBUS records */
	/* Errors forwarded to this vCPU by other threads (producers: vm->lock). */
	struct ras_queue mailbox;
	struct ras_hold hold;		/* errors waiting for the guest (this thread only) */
	uint64_t exits[VCPU_EXIT_REASONS];	/* by KVM_EXIT_*, this vCPU only */
	struct {			/* `lkvm debug` requests (vcpu-debug.c), under vm->lock */
		unsigned int req;	/* VCPU_REQ_* pending; the asker clears it on timeout */
		char *buf;		/* the asker's reply buffer */
		size_t len;
		int ret;
	} dbg;
	void *arch;
};

struct vm {
	uint64_t t0_ns;		/* lkvm's start; after a guest reset, the rebuild */
	uint64_t startup_ns;	/* t0_ns to vCPU 0's first KVM_RUN (0: not yet) */
	int kvm_fd;
	int vm_fd;
	struct run_opts *opts;
	struct mem_map mem;
	unsigned int page_shift;	/* arch_page_shift(): memory-error granule */
	unsigned int nr_vcpus;
	struct vcpu *vcpus;
	size_t run_size;
	struct io_bus pio;
	struct io_bus mmio;
	struct device *devices;		/* registry, in registration order */
	struct dev_room dev_room;	/* devices.c's allocator */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	int exit_status;
	bool pause_req;
	unsigned int nr_paused;
	int wake_fd;		/* eventfd: wakes the main loop on stop */

	struct ras_state *ras;
	const struct ras_ops *ras_ops;
	void *arch;
};

/* vm.c: build the VM in stages; returns 0, or exit status with message printed. */
int vm_create(struct vm *vm, struct run_opts *o);
int vm_start(struct vm *vm);		/* vCPU threads */
int vm_wait(struct vm *vm);		/* join the vCPU threads; returns status */
void vm_destroy(struct vm *vm);

/* vm-state.c. First caller wins: record status, kick every vCPU, wake the main loop. */
void vm_request_stop(struct vm *vm, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool vm_stopping(struct vm *vm);
/*
 * Pause: -EALREADY if paused already; -ETIMEDOUT when not every vCPU
 * parked within VM_PAUSE_WAIT_S (the pause stays requested).
 */
#define VM_PAUSE_WAIT_S 2
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
bool vm_paused(struct vm *vm);
/*
 * vCPU side of pause: park here while the VM is paused. Returns true when
 * it left for a debug request (vcpu-debug.c) with the VM still paused.
 */
bool vcpu_pause_point(struct vcpu *v);
/*
 * A guest asleep (x86 ACPI S3), on the vCPU's own thread: the VM counts as
 * paused (`lkvm list` says so) until `lkvm resume` (returns 1), the host
 * CLOCK_REALTIME time wake_ns when it is not -1 (returns 0), or a stop
 * (returns -1). One-vCPU VMs only: the other vCPUs are not parked.
 */
int vm_sleep(struct vm *vm, int64_t wake_ns);

/*
 * vm-state.c: get v out of KVM_RUN (or keep it from entering): sets
 * immediate_exit, then sends LKVM_SIG_KICK. A no-op before v's thread started.
 */
void vcpu_kick(struct vcpu *v);
/* vcpu.c: "mmio", "shutdown", ... for a KVM_EXIT_* number ("other" if unknown). */
const char *vcpu_exit_name(uint32_t reason);

/*
 * vcpu-debug.c: `lkvm debug --dump / --nmi`, carried out by the vCPU's own
 * thread (KVM wants vCPU ioctls there; a running vCPU is kicked out of
 * KVM_RUN, a paused one wakes for it). The asker waits up to 2 s, for one
 * vCPU or for all of them together (the answers in bufs[i * n], each
 * vCPU's 0 or -errno in rets[i]; vm->nr_vcpus of each).
 */
#define VCPU_REQ_DUMP	0x1u
#define VCPU_REQ_NMI	0x2u
int vcpu_debug_request(struct vcpu *v, unsigned int req, char *buf, size_t n);
int vcpu_debug_request_all(struct vm *vm, unsigned int req, char *bufs, size_t n, int *rets);
/* vCPU side: carry out pending requests (from the run loop and the pause point). */
void vcpu_debug_serve(struct vcpu *v);
struct strbuf;
/*
 * Linux oops style: the guest bytes around @at, the one at @at in <>, each
 * read through @read (0 or -errno); ends the line. Every arch's dump uses it.
 */
void vcpu_put_code(struct strbuf *o, struct vcpu *v, uint64_t at,
		   int (*read)(struct vcpu *v, uint64_t addr, uint8_t *b));
/* A @read for vcpu_put_code() when @addr is guest physical. */
int vcpu_code_phys(struct vcpu *v, uint64_t addr, uint8_t *b);

/* stats.c: exit statistics of the whole VM, one "key value" line each. */
size_t vm_stats_format(struct vm *vm, char *buf, size_t n);

#endif
