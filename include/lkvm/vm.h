/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VM_H
#define LKVM_VM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lkvm/io-bus.h"
#include "lkvm/mem.h"
#include "lkvm/ras.h"
#include "lkvm/run-opts.h"

#define VCPU_MAILBOX 64
#define VCPU_EXIT_REASONS 64

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	pid_t tid;
	bool started;
	struct ras_ring ring;		/* this thread's SIGBUS records */
	/* Errors forwarded to this vCPU by other threads (mutex: vm->lock). */
	struct ras_record mailbox[VCPU_MAILBOX];
	unsigned int mb_head, mb_tail;
	uint64_t exits[VCPU_EXIT_REASONS];	/* by KVM_EXIT_*, this vCPU only */
	void *arch;
};

struct vm {
	uint64_t t0_ns;		/* lkvm's start; after a guest reset, the rebuild */
	uint64_t startup_ns;	/* t0_ns to vCPU 0's first KVM_RUN (0: not yet) */
	int kvm_fd;
	int vm_fd;
	struct run_opts *opts;
	struct mem_map mem;
	unsigned int nr_vcpus;
	struct vcpu *vcpus;
	size_t run_size;
	struct io_bus pio;
	struct io_bus mmio;

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

/* Build the VM from options; returns 0, or exit status with message printed. */
int vm_create(struct vm *vm, struct run_opts *o);
int vm_start(struct vm *vm);		/* vCPU threads */
int vm_wait(struct vm *vm);		/* main loop until stop; returns status */
void vm_destroy(struct vm *vm);

/* First caller wins: record status, kick every vCPU, wake the main loop. */
void vm_request_stop(struct vm *vm, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool vm_stopping(struct vm *vm);
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
bool vm_paused(struct vm *vm);

void vcpu_kick(struct vcpu *v);
const char *vcpu_exit_name(uint32_t reason);
/* Exit statistics of the whole VM, one "key value" line each, into buf. */
size_t vm_stats_format(struct vm *vm, char *buf, size_t n);
/* Queue an error for v's thread (not from signal context). */
int vcpu_mailbox_post(struct vcpu *v, const struct ras_record *rec);
bool vcpu_mailbox_take(struct vcpu *v, struct ras_record *rec);

#endif
