// SPDX-License-Identifier: GPL-2.0
/*
 * Host memory errors: the threads around the handler (ras.c). Per VM the
 * early-kill thread (the kernel's action-optional reports, drill requests),
 * the drains that hand each record to locate and dispatch (ras-route.c) on
 * a vCPU thread, the mailboxes that forward records there, and the flushes
 * that log what is left when a vCPU or the VM ends.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lkvm/ras-event.h"
#include "lkvm/ras-hold.h"
#include "lkvm/ras-log.h"
#include "lkvm/ras-state.h"
#include "lkvm/seccomp.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

/* "vCPU 3", "vCPU 3 mailbox": which queue lost records. */
static void ras_report_vcpu_lost(struct vcpu *v)
{
	char whose[40];

	snprintf(whose, sizeof(whose), "vCPU %u", v->id);
	ras_report_lost(&v->ring, whose);
	snprintf(whose, sizeof(whose), "vCPU %u mailbox", v->id);
	ras_report_lost(&v->mailbox, whose);
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

	struct ras_queue *q = ras_thread_queue();

	if (!q || !vm->ras || !vm->nr_vcpus)
		return;
	while (ras_queue_pop(q, &rec)) {
		struct vcpu *v = &vm->vcpus[ras_ao_target(vm)];

		if (ras_drop_stale(vm, &rec))
			continue;

		if (ras_mailbox_post(v, &rec))
			pr_err("memory error at host 0x%llx dropped: vCPU %u mailbox full",
			       (unsigned long long)rec.hva, v->id);
	}
	ras_report_lost(q, ras_thread_name());
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
	ras_error_from_record(&e, rec, vm->page_shift);
	snprintf(why, sizeof(why), "recorded for a previous build of the VM (generation %u, now %u): not looked up in this one's memory",
		 rec->gen, now);
	ras_emit(vm, &e, RAS_ACT_DROP, why, "");
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
	ras_hold_retry(v);	/* stopping: each is logged as dropped */
	ras_hold_free(v);
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
	if (ras_thread_queue()) {
		ras_flush_queue(v, ras_thread_queue(), false);
		ras_report_lost(ras_thread_queue(), ras_thread_name());
	}
	ras_report_unqueued();
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].vm)
			ras_vcpu_flush(&vm->vcpus[i]);
}

bool ras_vcpu_drain(struct vcpu *v)
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
	if (!ras_hold_blocks_run(&v->hold))
		return true;
	/* An error nothing raises again waits for the guest: not into KVM_RUN before. */
	ras_hold_wait(v);
	return false;
}

/*
 * The early-kill thread (lkvm-ras): the kernel sends it BUS_MCEERR_AO for
 * poison it finds before anyone consumed it; it forwards its records to a
 * vCPU (ras_thread_drain) and raises the simulated AOs drills ask for.
 */
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
	ras_thread_set_wake("memory-error thread", rs->ao_wake_fd);
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
	 * SIGBUS is never blocked (see ras.c's tls_in_handler): a record the
	 * handler makes between the drain and ppoll() wakes ppoll() through
	 * the thread's wake fd. Kicks are blocked except inside ppoll().
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
	ras_thread_set_wake("memory-error thread", -1);
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
		ras_signal_log(rs->log_fd);
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
	ras_signal_log(-1);
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
	int err = ops && ops->vcpu_init ? ops->vcpu_init(v) : 0;
	char caveat[400];

	/* Once, what this host cannot deliver: only worth saying when lkvm will inject. */
	if (!err && !v->id && ops && ops->inject_caveat &&
	    v->vm->opts->ras_policy == RAS_POLICY_INJECT &&
	    ops->inject_caveat(v->vm, caveat, sizeof(caveat)))
		pr_info("memory errors: %s", caveat);
	return err;
}
