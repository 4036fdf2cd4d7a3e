// SPDX-License-Identifier: GPL-2.0
/*
 * x86 memory-error policy: machine checks through KVM_X86_SET_MCE.
 *
 * Set-up: every vCPU gets MCG_CAP (up to 10 banks, MCG_CTL_P and MCG_SER_P
 * when the host offers them) before it first runs. Delivery: action-required
 * errors go to the vCPU that consumed the data; action-optional errors, and
 * errors lkvm's own guarded accesses hit in guest RAM (no guest code consumed
 * those), go to vCPU 0, as action-optional. That is all on an AMD guest (AMD
 * machines do not broadcast); on an Intel guest every other vCPU also gets
 * the broadcast companion (mce_plan), delivered on its own thread
 * (vcpu_pending), since Linux's Intel handler waits for every CPU
 * (docs/ras.md).
 *
 * An AMD guest finds an action-optional machine check (a deferred error)
 * only at its bank poll, minutes later, and Linux's #MC handler leaves a
 * deferred error for that poll: such an error goes instead, when the guest
 * polls lkvm's GHES source (ghes.h), as a CPER record there, which Linux
 * hands to memory_failure() within GHES_POLL_MS (x86_ras_plan()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lkvm/arch.h"
#include "lkvm/ras.h"
#include "lkvm/util.h"
#include "acpi.h"
#include "ghes.h"
#include "mce.h"
#include "x86.h"

static int x86_ras_vcpu_init(struct vcpu *v)
{
	struct x86_vm *x = x86_vm(v->vm);
	uint64_t sup = 0, cap;
	int banks;

	if (v->id == 0 && !x->bcast) {
		x->bcast = calloc(v->vm->nr_vcpus, sizeof(*x->bcast));
		if (!x->bcast)
			return LKVM_EXIT_ERROR;
		pthread_mutex_init(&x->bcast_lock, NULL);
	}

	banks = ioctl(v->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MCE);
	if (banks <= 0) {
		x->mce_error = -EOPNOTSUPP;
		return 0;	/* runs without; inject then reports why it cannot */
	}
	if (ioctl(v->vm->kvm_fd, KVM_X86_GET_MCE_CAP_SUPPORTED, &sup) < 0)
		sup = 0;
	cap = mce_cap((unsigned int)banks, sup);
	if (ioctl(v->fd, KVM_X86_SETUP_MCE, &cap) < 0) {
		x->mce_error = -errno;
		pr_err("vCPU %u: KVM_X86_SETUP_MCE failed: %s; memory errors cannot be injected",
		       v->id, strerror(errno));
		return 0;
	}
	x->mcg_cap = cap;
	x->mce_banks = (unsigned int)(cap & 0xff);
	if (v->id == 0)
		pr_debug("machine checks: MCG_CAP 0x%llx (%u banks%s%s), %s encoding",
			 (unsigned long long)cap, x->mce_banks,
			 cap & MCG_SER_P ? ", SER_P" : "", cap & MCG_CTL_P ? ", CTL_P" : "",
			 x->amd ? "AMD" : "Intel");
	return 0;
}

static int x86_read_msrs(struct vcpu *v, const uint32_t *idx, uint64_t *val, unsigned int n)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[4];
	} m;
	unsigned int i;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = n;
	for (i = 0; i < n; i++)
		m.e[i].index = idx[i];
	if (ioctl(v->fd, KVM_GET_MSRS, &m) != (int)n)
		return -1;
	for (i = 0; i < n; i++)
		val[i] = m.e[i].data;
	return 0;
}

/*
 * KVM would drop an uncorrected error the guest disabled, and turn one it
 * cannot take (CR4.MCE clear, MCIP set) into a triple fault: check first.
 */
static enum ras_ready x86_mce_can_take(struct vcpu *v, const struct ras_error *e, char *why,
				       size_t n)
{
	struct x86_vm *x = x86_vm(v->vm);
	unsigned int bank = mce_bank(x->mcg_cap, ras_error_consumed(e));
	uint32_t idx[3] = { MSR_MCG_STATUS, MSR_MC0_CTL + 4 * bank, MSR_MCG_CTL };
	uint64_t val[3];
	struct kvm_sregs s;

	if (x->mce_error) {
		snprintf(why, n, "machine checks are not available on this host (%s)",
			 strerror(-x->mce_error));
		return RAS_UNABLE;
	}
	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(why, n, "cannot read vCPU %u state: %s", v->id, strerror(errno));
		return RAS_UNABLE;
	}
	if (!(s.cr4 & (1u << 6))) {
		snprintf(why, n, "guest on vCPU %u has not enabled machine checks (CR4.MCE clear): KVM would reset it",
			 v->id);
		return RAS_UNABLE;
	}
	if (x86_read_msrs(v, idx, val, (x->mcg_cap & MCG_CTL_P) ? 3 : 2)) {
		snprintf(why, n, "cannot read vCPU %u machine-check registers", v->id);
		return RAS_UNABLE;
	}
	if (val[0] & MCG_STATUS_MCIP) {
		/* A second #MC now would shut it down; in a moment it can take it. */
		snprintf(why, n, "guest on vCPU %u is still handling a machine check (MCG_STATUS.MCIP set)",
			 v->id);
		return RAS_BUSY;
	}
	if (val[1] != ~0ULL) {
		snprintf(why, n, "guest disabled machine-check bank %u (MC%u_CTL 0x%llx): KVM would drop the error",
			 bank, bank, (unsigned long long)val[1]);
		return RAS_UNABLE;
	}
	if ((x->mcg_cap & MCG_CTL_P) && val[2] != ~0ULL) {
		snprintf(why, n, "guest disabled machine checks (MCG_CTL 0x%llx): KVM would drop the error",
			 (unsigned long long)val[2]);
		return RAS_UNABLE;
	}
	return RAS_READY;
}

/* The facts x86_ras_plan() decides from; the read ack only when it matters. */
static int x86_ras_facts(struct vcpu *v, const struct ras_error *e, struct x86_ras_facts *f)
{
	struct x86_vm *x = x86_vm(v->vm);

	*f = (struct x86_ras_facts){
		.amd = x->amd, .consumed = ras_error_consumed(e), .has_gpa = ras_error_has_gpa(e),
		.ghes = x->ghes, .polled = x86_ghes_polled(x, mono_ns()),
	};
	if (x86_ras_plan(f) == X86_RAS_MCE)
		return 0;
	return ghes_source_busy(&v->vm->mem, X86_GHES_ACK, &f->busy);
}

static enum ras_ready x86_ras_can_take(struct vcpu *v, const struct ras_error *e, char *why,
				       size_t n)
{
	struct x86_ras_facts f;

	if (x86_ras_facts(v, e, &f)) {
		snprintf(why, n, "cannot read the GHES read ack register");
		return RAS_UNABLE;
	}
	switch (x86_ras_plan(&f)) {
	case X86_RAS_GHES_WAIT:
		snprintf(why, n, "the guest has not acknowledged the last GHES record yet");
		return RAS_BUSY;
	case X86_RAS_GHES:
		return RAS_READY;
	default:
		return x86_mce_can_take(v, e, why, n);
	}
}

static int x86_set_mce(struct vcpu *v, const struct mce_delivery *d)
{
	struct kvm_x86_mce m;

	memset(&m, 0, sizeof(m));
	m.status = d->v.status;
	m.addr = d->v.addr;
	m.misc = d->v.misc;
	m.mcg_status = d->v.mcg_status;
	m.bank = (uint8_t)d->bank;
	return ioctl(v->fd, KVM_X86_SET_MCE, &m) < 0 ? -errno : 0;
}

static int x86_ras_inject(struct vcpu *v, const struct ras_error *e, char *what, size_t n)
{
	struct x86_vm *x = x86_vm(v->vm);
	struct mce_delivery *plan;
	struct x86_ras_facts f;
	unsigned int nr;
	int err, len;

	if (x86_ras_facts(v, e, &f))
		return -EIO;
	if (x86_ras_plan(&f) == X86_RAS_GHES) {
		if (ghes_deliver(&v->vm->mem, X86_GHES_ACK, X86_GHES_BLOCK, e->gpa))
			return -EIO;
		snprintf(what, n, "AMD GHES record (CPER memory error at 0x%llx) in the polled source %u: the guest reads it within %u ms",
			 (unsigned long long)(e->gpa & ~0xfffULL), X86_GHES_SRC, GHES_POLL_MS);
		return 0;
	}
	plan = calloc(v->vm->nr_vcpus, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	/* Only a vCPU that consumed the data gets SRAR; the rest is SRAO. */
	nr = mce_plan(x->amd, ras_error_consumed(e), e->gpa, x->mcg_cap, v->vm->nr_vcpus, v->id,
		      plan);
	err = x86_set_mce(v, &plan[0]);
	if (err) {
		free(plan);
		return err;
	}
	len = snprintf(what, n, "%s machine check to vCPU %u, bank %u, MCi_STATUS 0x%llx, MCi_ADDR 0x%llx, MCG_STATUS 0x%llx%s",
		       x->amd ? "AMD" : "Intel", v->id, plan[0].bank,
		       (unsigned long long)plan[0].v.status, (unsigned long long)plan[0].v.addr,
		       (unsigned long long)plan[0].v.mcg_status,
		       f.ghes && !f.consumed && !f.polled ?
		       " (deferred error: the guest does not poll lkvm's GHES source)" : "");
	if (nr > 1 && len > 0 && (size_t)len < n)
		snprintf(what + len, n - (size_t)len, "; broadcast to %u other vCPU%s (bank %u, MCi_STATUS 0x%llx)",
			 nr - 1, nr > 2 ? "s" : "", plan[1].bank,
			 (unsigned long long)plan[1].v.status);
	/* The others take theirs on their own threads, before their next KVM_RUN. */
	for (unsigned int i = 1; i < nr; i++) {
		pthread_mutex_lock(&x->bcast_lock);
		x->bcast[plan[i].vcpu].d = plan[i];
		x->bcast[plan[i].vcpu].pending = true;
		pthread_mutex_unlock(&x->bcast_lock);
		vcpu_kick(&v->vm->vcpus[plan[i].vcpu]);
	}
	free(plan);
	return 0;
}

/*
 * A broadcast companion for this vCPU: delivered unless it is inside a
 * machine-check handler already (MCIP: a second #MC would shut it down; it
 * is in the rendezvous of the earlier one, which is what the companion asks).
 */
static void x86_ras_vcpu_pending(struct vcpu *v)
{
	struct x86_vm *x = x86_vm(v->vm);
	uint32_t idx = MSR_MCG_STATUS;
	struct mce_delivery d;
	uint64_t mcg = 0;
	bool pending;
	int err;

	if (!x->bcast)
		return;
	pthread_mutex_lock(&x->bcast_lock);
	pending = x->bcast[v->id].pending;
	d = x->bcast[v->id].d;
	x->bcast[v->id].pending = false;
	pthread_mutex_unlock(&x->bcast_lock);
	if (!pending)
		return;
	if (!x86_read_msrs(v, &idx, &mcg, 1) && (mcg & MCG_STATUS_MCIP)) {
		pr_debug("vCPU %u: broadcast machine check not delivered: already in its handler (MCIP)",
			 v->id);
		return;
	}
	err = x86_set_mce(v, &d);
	if (err)
		pr_err("vCPU %u: cannot deliver the broadcast machine check: %s", v->id, strerror(-err));
}

static const struct ras_ops x86_ras_ops = {
	.name = "x86-mce",
	.vcpu_init = x86_ras_vcpu_init,
	.guest_can_take = x86_ras_can_take,
	.inject = x86_ras_inject,
	.vcpu_pending = x86_ras_vcpu_pending,
};

const struct ras_ops *arch_ras_ops(void)
{
	return &x86_ras_ops;
}
