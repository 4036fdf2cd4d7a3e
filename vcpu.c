// SPDX-License-Identifier: GPL-2.0
/* One thread per vCPU: KVM_RUN, exit dispatch, pause and stop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#define SIG_KICK SIGUSR1

static void vcpu_kick_handler(int sig)
{
	(void)sig;	/* only there to interrupt KVM_RUN */
}

void vcpu_kick(struct vcpu *v)
{
	if (!v->started)
		return;
	/* immediate_exit closes the race with a vCPU about to enter KVM_RUN. */
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(v->thread, SIG_KICK);
}

static void vcpu_pause_point(struct vcpu *v)
{
	struct vm *vm = v->vm;

	pthread_mutex_lock(&vm->lock);
	if (vm->pause_req && !vm->stopping) {
		vm->nr_paused++;
		pthread_cond_broadcast(&vm->cond);
		while (vm->pause_req && !vm->stopping)
			pthread_cond_wait(&vm->cond, &vm->lock);
		vm->nr_paused--;
	}
	pthread_mutex_unlock(&vm->lock);
}

const char *vcpu_exit_name(uint32_t r)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "unknown", [KVM_EXIT_EXCEPTION] = "exception",
		[KVM_EXIT_IO] = "io", [KVM_EXIT_HYPERCALL] = "hypercall",
		[KVM_EXIT_DEBUG] = "debug", [KVM_EXIT_HLT] = "hlt",
		[KVM_EXIT_MMIO] = "mmio", [KVM_EXIT_IRQ_WINDOW_OPEN] = "irq-window",
		[KVM_EXIT_SHUTDOWN] = "shutdown", [KVM_EXIT_FAIL_ENTRY] = "fail-entry",
		[KVM_EXIT_INTR] = "intr", [KVM_EXIT_SET_TPR] = "set-tpr",
		[KVM_EXIT_TPR_ACCESS] = "tpr-access", [KVM_EXIT_NMI] = "nmi",
		[KVM_EXIT_INTERNAL_ERROR] = "internal-error",
		[KVM_EXIT_SYSTEM_EVENT] = "system-event",
	};

	if (r < ARRAY_SIZE(names) && names[r])
		return names[r];
	return "other";
}

static void vcpu_handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint64_t off = run->io.data_offset;
	unsigned int size = run->io.size, i;
	bool wr = run->io.direction == KVM_EXIT_IO_OUT;

	/* The kernel fills these, but check before touching our memory. */
	if (size == 0 || size > 8 || off > v->vm->run_size ||
	    (uint64_t)size * run->io.count > v->vm->run_size - off) {
		vm_request_stop(v->vm, LKVM_EXIT_ERROR, "vCPU %u: malformed I/O exit", v->id);
		return;
	}
	for (i = 0; i < run->io.count; i++) {
		uint8_t *data = (uint8_t *)run + off + (uint64_t)i * size;
		bool claimed = io_bus_dispatch(&v->vm->pio, v, run->io.port, data, size, wr);

		if (lkvm_debug)
			pr_debug("vCPU %u: %s port 0x%x size %u value 0x%llx%s", v->id,
				 wr ? "out" : "in", run->io.port, size,
				 (unsigned long long)io_data_get(data, size),
				 claimed ? "" : " (no device)");
	}
}

static void vcpu_handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	unsigned int len = run->mmio.len > 8 ? 8 : run->mmio.len;
	bool claimed = io_bus_dispatch(&v->vm->mmio, v, run->mmio.phys_addr,
				       run->mmio.data, len, run->mmio.is_write);

	if (lkvm_debug)
		pr_debug("vCPU %u: mmio %s 0x%llx len %u value 0x%llx%s", v->id,
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr, len,
			 (unsigned long long)io_data_get(run->mmio.data, len),
			 claimed ? "" : " (no device)");
}

/* Returns false when the vCPU should stop running. */
static bool vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	/* Relaxed: only this thread writes, readers (stats) may see a stale value. */
	if (run->exit_reason < VCPU_EXIT_REASONS)
		__atomic_add_fetch(&v->exits[run->exit_reason], 1, __ATOMIC_RELAXED);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu_handle_io(v);
		return true;
	case KVM_EXIT_MMIO:
		vcpu_handle_mmio(v);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_SHUTDOWN:
		vm_request_stop(v->vm, LKVM_EXIT_SHUTDOWN,
				"vCPU %u: guest triple fault (shutdown); VM ended", v->id);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		vm_request_stop(v->vm, LKVM_EXIT_ERROR,
				"vCPU %u: KVM could not enter the guest (reason 0x%llx)", v->id,
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR: {
		struct kvm_regs r;

		if (ioctl(v->fd, KVM_GET_REGS, &r) < 0)
			r.rip = 0;
		vm_request_stop(v->vm, LKVM_EXIT_ERROR,
				"vCPU %u: KVM internal error (suberror %u) at rip 0x%llx: the guest ran something KVM cannot emulate",
				v->id, run->internal.suberror, (unsigned long long)r.rip);
		return false;
	}
	default:
		if (arch_handle_exit(v) == 0)
			return true;
		vm_request_stop(v->vm, LKVM_EXIT_ERROR, "vCPU %u: unhandled exit %u (%s)",
				v->id, run->exit_reason, vcpu_exit_name(run->exit_reason));
		return false;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	sigset_t set;
	char name[16];

	v->tid = (pid_t)syscall(SYS_gettid);
	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	ras_thread_attach(&v->ring);
	sigemptyset(&set);
	sigaddset(&set, SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	for (;;) {
		int r, err;

		vcpu_pause_point(v);
		if (vm_stopping(vm))
			break;
		ras_vcpu_drain(v);
		if (vm_stopping(vm))
			break;
		if (v->id == 0 && !vm->startup_ns)
			__atomic_store_n(&vm->startup_ns, mono_ns() - vm->t0_ns, __ATOMIC_RELAXED);
		v->ring.in_run = 1;
		r = ioctl(v->fd, KVM_RUN, 0);
		err = errno;
		v->ring.in_run = 0;
		if (r < 0) {
			if (err == EINTR || err == EAGAIN) {
				__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
				continue;
			}
			vm_request_stop(vm, LKVM_EXIT_ERROR, "vCPU %u: KVM_RUN failed: %s",
					v->id, strerror(err));
			break;
		}
		if (lkvm_debug && v->run->exit_reason != KVM_EXIT_IO &&
		    v->run->exit_reason != KVM_EXIT_MMIO)
			pr_debug("vCPU %u: exit %s", v->id, vcpu_exit_name(v->run->exit_reason));
		if (!vcpu_handle_exit(v))
			break;
	}
	/* Let a pause waiting for us finish. */
	pthread_mutex_lock(&vm->lock);
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	ras_thread_detach();
	return NULL;
}

int vm_start(struct vm *vm)
{
	struct sigaction sa;
	sigset_t set, old;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vcpu_kick_handler;
	sigaction(SIG_KICK, &sa, NULL);
	/* Only vCPU threads take kicks. */
	sigemptyset(&set);
	sigaddset(&set, SIG_KICK);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int err = pthread_create(&v->thread, NULL, vcpu_thread, v);

		if (err) {
			vm_request_stop(vm, LKVM_EXIT_ERROR, "cannot start vCPU thread %u: %s",
					i, strerror(err));
			return LKVM_EXIT_ERROR;
		}
		v->started = true;
	}
	/* A stop requested while threads were starting may have missed one. */
	if (vm_stopping(vm))
		for (i = 0; i < vm->nr_vcpus; i++)
			vcpu_kick(&vm->vcpus[i]);
	return 0;
}
