// SPDX-License-Identifier: GPL-2.0
/* The VM's run state: stop (first caller wins), pause and resume, kicks, sleep (S3). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/util.h"
#include "lkvm/vm.h"

void vcpu_kick(struct vcpu *v)
{
	if (!v->started)
		return;
	/* immediate_exit closes the race with a vCPU about to enter KVM_RUN. */
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(v->thread, LKVM_SIG_KICK);
}

void vm_request_stop(struct vm *vm, int status, const char *fmt, ...)
{
	uint64_t one = 1;
	unsigned int i;
	bool first;

	pthread_mutex_lock(&vm->lock);
	first = !vm->stopping;
	if (first) {
		vm->stopping = true;
		vm->exit_status = status;
	}
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	if (!first)
		return;
	if (fmt) {
		char line[512];
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		/* Why the VM ended: an error unless it ended well (--loglevel). */
		if (status == LKVM_EXIT_OK)
			pr_info("%s", line);
		else
			pr_err("%s", line);
	}
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	if (write(vm->wake_fd, &one, sizeof(one)) < 0)
		return;
}

bool vm_stopping(struct vm *vm)
{
	bool s;

	pthread_mutex_lock(&vm->lock);
	s = vm->stopping;
	pthread_mutex_unlock(&vm->lock);
	return s;
}

int vm_pause(struct vm *vm)
{
	struct timespec until;
	bool timed_out = false;
	unsigned int i;
	int err;

	pthread_mutex_lock(&vm->lock);
	if (vm->pause_req) {
		pthread_mutex_unlock(&vm->lock);
		return -EALREADY;
	}
	vm->pause_req = true;
	pthread_mutex_unlock(&vm->lock);
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	/*
	 * Bounded: the control loop must not wait for ever on a vCPU that
	 * cannot reach its pause point. The pause stays requested; the vCPU
	 * parks when it gets there.
	 */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += VM_PAUSE_WAIT_S;
	pthread_mutex_lock(&vm->lock);
	while (vm->nr_paused < vm->nr_vcpus && !vm->stopping && !timed_out)
		timed_out = pthread_cond_timedwait(&vm->cond, &vm->lock, &until) == ETIMEDOUT;
	err = vm->nr_paused < vm->nr_vcpus && !vm->stopping ? -ETIMEDOUT : 0;
	pthread_mutex_unlock(&vm->lock);
	return err;
}

int vm_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->pause_req) {
		pthread_mutex_unlock(&vm->lock);
		return -EALREADY;
	}
	vm->pause_req = false;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	return 0;
}

bool vm_paused(struct vm *vm)
{
	bool p;

	pthread_mutex_lock(&vm->lock);
	p = vm->pause_req;
	pthread_mutex_unlock(&vm->lock);
	return p;
}

bool vcpu_pause_point(struct vcpu *v)
{
	struct vm *vm = v->vm;
	bool asked = false;

	pthread_mutex_lock(&vm->lock);
	if (vm->pause_req && !vm->stopping) {
		vm->nr_paused++;
		pthread_cond_broadcast(&vm->cond);
		/* `lkvm debug` reaches paused vCPUs too: they leave to serve it. */
		while (vm->pause_req && !vm->stopping) {
			asked = v->dbg.req != 0;
			if (asked)
				break;
			pthread_cond_wait(&vm->cond, &vm->lock);
		}
		vm->nr_paused--;
	}
	pthread_mutex_unlock(&vm->lock);
	return asked;
}

int vm_sleep(struct vm *vm, int64_t wake_ns)
{
	struct timespec until = {
		.tv_sec = (time_t)(wake_ns / 1000000000), .tv_nsec = (long)(wake_ns % 1000000000),
	};
	int ret = -1;

	pthread_mutex_lock(&vm->lock);
	vm->pause_req = true;
	vm->nr_paused++;
	pthread_cond_broadcast(&vm->cond);
	while (!vm->stopping) {
		if (!vm->pause_req) {
			ret = 1;		/* lkvm resume */
			break;
		}
		if (wake_ns < 0) {
			pthread_cond_wait(&vm->cond, &vm->lock);
		} else if (pthread_cond_timedwait(&vm->cond, &vm->lock, &until) == ETIMEDOUT) {
			vm->pause_req = false;
			ret = 0;
			break;
		}
	}
	vm->nr_paused--;
	pthread_mutex_unlock(&vm->lock);
	return ret;
}
