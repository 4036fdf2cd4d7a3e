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
#include "lkvm/seccomp.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static void vcpu_kick_handler(int sig)
{
	(void)sig;	/* only there to interrupt KVM_RUN */
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
	case KVM_EXIT_MMIO:
		vcpu_handle_mmio(v);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_FAIL_ENTRY:
		vm_request_stop(v->vm, LKVM_EXIT_ERROR,
				"vCPU %u: KVM could not enter the guest (reason 0x%llx)", v->id,
				(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR: {
		char regs[160];

		if (!arch_vcpu_dump(v, regs, sizeof(regs)))
			snprintf(regs, sizeof(regs), "registers unavailable");
		vm_request_stop(v->vm, LKVM_EXIT_ERROR,
				"vCPU %u: KVM internal error (suberror %u) at %s: the guest ran something KVM cannot emulate",
				v->id, run->internal.suberror, regs);
		return false;
	}
	default:
		switch (arch_handle_exit(v)) {
		case ARCH_EXIT_CONTINUE:
			return true;
		case ARCH_EXIT_STOP:
			return false;
		case ARCH_EXIT_UNHANDLED:
			break;
		}
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
	int err;

	v->tid = (pid_t)syscall(SYS_gettid);
	snprintf(name, sizeof(name), "vcpu%u", v->id);
	pthread_setname_np(pthread_self(), name);
	err = ras_thread_attach(&v->ring);
	if (err) {
		/* Without its queue every real AR on this vCPU would look like lkvm's own. */
		vm_request_stop(vm, LKVM_EXIT_ERROR, "vCPU %u: cannot set up memory-error handling: %s",
				v->id, strerror(-err));
		return NULL;
	}
	sigemptyset(&set);
	sigaddset(&set, LKVM_SIG_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	sc_enter(SC_VCPU);	/* before the first KVM_RUN */

	for (;;) {
		int r;

		vcpu_debug_serve(v);
		if (vcpu_pause_point(v))
			continue;	/* paused still: serve the debug request */
		if (vm_stopping(vm))
			break;
		if (!ras_vcpu_drain(v))
			continue;	/* an error that must reach the guest first is held */
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
			switch (arch_vcpu_run_error(v, err)) {
			case ARCH_EXIT_CONTINUE:
				continue;
			case ARCH_EXIT_STOP:
				break;
			case ARCH_EXIT_UNHANDLED:
				vm_request_stop(vm, LKVM_EXIT_ERROR, "vCPU %u: KVM_RUN failed: %s",
						v->id, strerror(err));
				break;
			}
			break;
		}
		if (lkvm_debug && v->run->exit_reason != KVM_EXIT_IO &&
		    v->run->exit_reason != KVM_EXIT_MMIO)
			pr_debug("vCPU %u: exit %s", v->id, vcpu_exit_name(v->run->exit_reason));
		if (!vcpu_handle_exit(v))
			break;
	}
	/* Errors still queued or held for this guest: logged as dropped, never lost. */
	ras_vcpu_flush(v);
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
	sigaction(LKVM_SIG_KICK, &sa, NULL);
	/* Only vCPU threads take kicks. */
	sigemptyset(&set);
	sigaddset(&set, LKVM_SIG_KICK);
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
