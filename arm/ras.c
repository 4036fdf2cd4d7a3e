// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 memory-error policy: virtual SErrors with a syndrome lkvm chooses
 * (KVM_SET_VCPU_EVENTS, serror_has_esr), or synchronous external aborts.
 *
 * - Not consumed (action-optional, or hit by lkvm's own guarded read):
 *   SError, AET UEO (0x811): a RAS-aware Linux goes on.
 * - Consumed by a vCPU (action-required): SError, AET UER (0xc11): Linux's
 *   controlled stop (panic); with --ras-arm-notify=sea a synchronous
 *   external data abort instead (ext_dabt_pending): Linux kills only the
 *   process that touched the page and runs on. The guest is not told the
 *   page's address (no ACPI/GHES with a device tree), so it would reuse the
 *   page and crash on it: after the abort lkvm gives the guest a fresh,
 *   zeroed page there (MADV_DONTNEED drops the poisoned one; not with
 *   --hugetlbfs). The reader was told its data is gone; anything else that
 *   shared that page (file cache) reads zeros — see docs/ras.md.
 * - --ras-serror-esr=ISS replaces both syndromes.
 * - An ACPI boot (--tables acpi) has GHES error sources (ghes.h):
 *   the guest is told the page's address in a CPER record, then, for a
 *   consumed error, by a synchronous external abort (the SEA source);
 *   an error nothing consumed waits in the polled source's block. The
 *   guest's memory_failure() isolates the page: no SError, no page swap.
 *   A record the guest has not acknowledged yet makes the next one wait.
 * - A guest CPU without the RAS extension (ID_AA64PFR0_EL1.RAS = 0) treats
 *   every SError as fatal: lkvm stops the VM instead (status 4), unless
 *   --ras-arm-force. A second SError while one is pending waits (held).
 * - A host without KVM_CAP_ARM_INJECT_SERROR_ESR: consumed errors become
 *   SErrors without a syndrome (the guest's own stop), unconsumed ones stop
 *   the VM; lkvm says so once at start.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "arm.h"
#include "lkvm/ghes.h"
#include "lkvm/arch.h"
#include "lkvm/ras.h"
#include "lkvm/util.h"
#include "ras-plan.h"
#include "serror.h"

#define ARM_ID_AA64PFR0_EL1	ARM64_SYS_REG(3, 0, 0, 4, 0)
#define PFR0_RAS(v)		(((v) >> 28) & 0xf)

static int arm_ras_vcpu_init(struct vcpu *v)
{
	struct arm_vm *a = arm_vm(v->vm);
	const struct run_opts *o = v->vm->opts;

	if (v->id)
		return 0;
	if (o->arch.ras_sea && !a->has_ext_dabt) {
		pr_err("--ras-arm-notify=sea: this host's KVM cannot inject external aborts (no KVM_CAP_ARM_INJECT_EXT_DABT); use serror");
		return LKVM_EXIT_USAGE;
	}
	if (o->arch.serror_esr_set && !a->has_serror_esr) {
		pr_err("--ras-serror-esr: this host's KVM cannot set an SError syndrome (no KVM_CAP_ARM_INJECT_SERROR_ESR); run without it");
		return LKVM_EXIT_USAGE;
	}
	return 0;
}

/* Said once by the core, when the policy injects. */
static size_t arm_ras_inject_caveat(struct vm *vm, char *buf, size_t n)
{
	int len;

	if (arm_vm(vm)->has_serror_esr)
		return 0;
	len = snprintf(buf, n, "this host cannot give SErrors a syndrome (no KVM_CAP_ARM_INJECT_SERROR_ESR): errors a vCPU consumed become SErrors without one (the guest stops itself)%s, errors nothing consumed stop the VM (status 4)",
		       vm->opts->arch.ras_sea ? " unless sent as external aborts (--ras-arm-notify=sea)" : "");
	return len > 0 ? (size_t)len : 0;
}

/*
 * The source a record of this error would go to (ghes_pick_source), from
 * the guest's read ack registers; -1 when it must wait for an ack.
 */
static int ghes_free_source(struct vm *vm, const struct ras_error *e, int *src)
{
	uint8_t raw[8 * GHES_NR_SOURCES];
	uint64_t ack[GHES_NR_SOURCES];
	int err = mem_read(&vm->mem, arm_vm(vm)->ghes_gpa + GHES_ACK_REG(0), raw, sizeof(raw),
			   "GHES read ack");

	*src = -1;
	if (err)
		return err;
	for (unsigned int i = 0; i < GHES_NR_SOURCES; i++)
		ack[i] = io_data_get(raw + 8 * i, 8);
	*src = ghes_pick_source(ras_error_consumed(e), ack);
	return 0;
}

/* The record into the source's block (ghes_deliver()). */
static int arm_ghes_deliver(struct vm *vm, int src, uint64_t gpa)
{
	uint64_t base = arm_vm(vm)->ghes_gpa;

	return ghes_deliver(&vm->mem, base + GHES_ACK_REG(src), base + GHES_BLOCK(src), gpa);
}

/* The facts arm_ras_plan() decides from: options, capabilities, vCPU state. */
static int arm_ras_facts(struct vcpu *v, const struct ras_error *e, struct arm_ras_facts *f,
			 int *ghes_src, char *why, size_t n)
{
	struct arm_vm *a = arm_vm(v->vm);
	const struct run_opts *o = v->vm->opts;
	struct kvm_vcpu_events ev;
	uint64_t pfr0 = 0;
	struct kvm_one_reg r = { .id = ARM_ID_AA64PFR0_EL1, .addr = (uint64_t)(uintptr_t)&pfr0 };

	*f = (struct arm_ras_facts){
		.consumed = ras_error_consumed(e), .sea = o->arch.ras_sea, .has_esr = a->has_serror_esr,
		.force = o->arch.ras_force, .esr_set = o->arch.serror_esr_set, .esr = o->arch.serror_esr,
	};
	f->has_ext_dabt = a->has_ext_dabt;
	if (a->ghes_gpa && ras_error_has_gpa(e)) {
		f->ghes = true;		/* nothing else matters with GHES */
		if (ghes_free_source(v->vm, e, ghes_src)) {
			snprintf(why, n, "cannot read the GHES read ack registers");
			return -1;
		}
		f->ghes_busy = *ghes_src < 0;
		return 0;
	}
	if (f->sea && f->consumed)
		return 0;	/* nothing else matters for an abort */
	if (ioctl(v->fd, KVM_GET_ONE_REG, &r) < 0) {
		snprintf(why, n, "cannot read vCPU %u's ID_AA64PFR0_EL1: %s", v->id, strerror(errno));
		return -1;
	}
	f->ras_ext = PFR0_RAS(pfr0) != 0;
	memset(&ev, 0, sizeof(ev));
	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) < 0) {
		snprintf(why, n, "cannot read vCPU %u's pending events: %s", v->id, strerror(errno));
		return -1;
	}
	f->serror_pending = ev.exception.serror_pending;
	return 0;
}

static enum ras_ready arm_ras_can_take(struct vcpu *v, const struct ras_error *e, char *why,
				       size_t n)
{
	struct arm_ras_facts f;
	uint32_t iss;
	int src;

	if (arm_ras_facts(v, e, &f, &src, why, n))
		return RAS_UNABLE;
	switch (arm_ras_plan(&f, &iss, why, n)) {
	case ARM_RAS_WAIT:
		return RAS_BUSY;
	case ARM_RAS_CANNOT:
		return RAS_UNABLE;
	default:
		return RAS_READY;
	}
}

/* After an abort: a fresh page where the poisoned one was (see the top). */
static const char *arm_ras_replace_page(struct vm *vm, const struct ras_error *e)
{
	uintptr_t page = (uintptr_t)(e->hva & ~(e->extent - 1));

	if (vm->opts->hugetlbfs)
		return "page kept (hugetlbfs RAM cannot be replaced)";
	if (e->simulated)
		return "page kept (simulated error: nothing to replace)";
	if (madvise((void *)page, e->extent, MADV_DONTNEED) < 0)
		return "page kept (the host refused to drop it)";
	return "guest page replaced with a zeroed one";
}

/*
 * Picking a free GHES source and writing its record is one step: two vCPU
 * threads dispatching at once must not pick the same block.
 */
static pthread_mutex_t ghes_lock = PTHREAD_MUTEX_INITIALIZER;

static int arm_ras_deliver(struct vcpu *v, const struct ras_error *e, enum arm_ras_how *how,
			   uint32_t *iss, int *src)
{
	struct arm_ras_facts f;
	char why[256];
	int err = 0;

	pthread_mutex_lock(&ghes_lock);
	if (arm_ras_facts(v, e, &f, src, why, sizeof(why))) {
		err = -EIO;
		goto out;
	}
	f.serror_pending = false;	/* checked by can_take; replaced only by our own */
	*how = arm_ras_plan(&f, iss, why, sizeof(why));
	if (*how == ARM_RAS_GHES_POLL || *how == ARM_RAS_GHES_SEA)
		err = arm_ghes_deliver(v->vm, *src, e->gpa) ? -EIO : 0;
	else if (*how == ARM_RAS_WAIT)
		err = -EAGAIN;	/* another vCPU took the last free source meanwhile */
out:
	pthread_mutex_unlock(&ghes_lock);
	return err;
}

static int arm_ras_inject(struct vcpu *v, const struct ras_error *e, char *what, size_t n)
{
	struct kvm_vcpu_events ev;
	uint32_t iss = 0;
	enum arm_ras_how how = ARM_RAS_CANNOT;
	int src = -1, err;

	err = arm_ras_deliver(v, e, &how, &iss, &src);
	if (err)
		return err;
	memset(&ev, 0, sizeof(ev));
	switch (how) {
	case ARM_RAS_GHES_POLL:
		snprintf(what, n, "arm64 GHES record (CPER memory error at 0x%llx) in the polled source %d: the guest reads it within %u ms",
			 (unsigned long long)(e->gpa & ~0xfffULL), src, GHES_POLL_MS);
		return 0;
	case ARM_RAS_GHES_SEA:
	case ARM_RAS_SEA:
		ev.exception.ext_dabt_pending = 1;
		break;
	case ARM_RAS_SERROR_ESR:
		ev.exception.serror_has_esr = 1;
		ev.exception.serror_esr = iss;
		/* fall through */
	case ARM_RAS_SERROR:
		ev.exception.serror_pending = 1;
		break;
	default:
		return -EINVAL;
	}
	if (ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	if (how == ARM_RAS_GHES_SEA)
		snprintf(what, n, "arm64 GHES record (CPER memory error at 0x%llx) in the SEA source %d, then a synchronous external data abort to vCPU %u at its faulting access",
			 (unsigned long long)(e->gpa & ~0xfffULL), src, v->id);
	else if (how == ARM_RAS_SEA)
		snprintf(what, n, "arm64 synchronous external data abort to vCPU %u at its faulting access; %s",
			 v->id, arm_ras_replace_page(v->vm, e));
	else if (how == ARM_RAS_SERROR_ESR)
		snprintf(what, n, "arm64 SError to vCPU %u, ESR_EL1 0x%08x (ISS 0x%x, AET %s)", v->id,
			 SERROR_ESR_EC | iss, iss, serror_iss_severity(iss));
	else
		snprintf(what, n, "arm64 SError to vCPU %u without syndrome (host cannot set one)",
			 v->id);
	return 0;
}

static const struct ras_ops arm_ras_ops = {
	.name = "arm64-serror",
	.vcpu_init = arm_ras_vcpu_init,
	.inject_caveat = arm_ras_inject_caveat,
	.guest_can_take = arm_ras_can_take,
	.inject = arm_ras_inject,
};

const struct ras_ops *arch_ras_ops(void)
{
	return &arm_ras_ops;
}
