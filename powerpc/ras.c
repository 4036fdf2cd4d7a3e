// SPDX-License-Identifier: GPL-2.0
/*
 * ppc64 memory-error policy: PAPR machine checks through the guest's FWNMI
 * handler, with a version-6 RTAS error log that gives the logical (guest
 * physical) address, so a Linux guest offlines the page and kills only the
 * processes that used it (fwnmi.h, errlog.h).
 *
 * - Consumed (a vCPU touched the page; on KVM-HV that is KVM_RUN failing
 *   with EFAULT, mapped to the poisoned page lkvm learnt from the early-kill
 *   SIGBUS): "not recovered", synchronous, to that vCPU. Without a FWNMI
 *   handler: the architected machine check at 0x200.
 * - Not consumed (early-kill SIGBUS, lkvm's own guarded read): "fully
 *   recovered" with the address, to vCPU 0, once it runs with MSR[RI] set;
 *   without a FWNMI handler the guest cannot be told: the policy stops.
 * - KVM_EXIT_NMI (a host machine check in guest context; KVM gives the
 *   disposition, no cause or address): the log says so, error type unknown.
 * - The interlock: until the guest calls ibm,nmi-interlock, further errors
 *   wait (held, or the NMI's vCPU waits up to RAS_HOLD_MAX_NS); a second one
 *   on the vCPU that holds it stops the VM (status 4).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "fwnmi.h"
#include "lkvm/arch.h"
#include "lkvm/ras-state.h"
#include "lkvm/ras.h"
#include "lkvm/util.h"
#include "ppc.h"

int ppc_fwnmi_register(struct vcpu *v, uint64_t sreset, uint64_t mce)
{
	struct ppc_vm *p = ppc_vm(v->vm);
	struct kvm_enable_cap ec;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	if (!p->fwnmi_kvm) {
		/* VM-wide in KVM, though enabled through a vCPU: every vCPU gets it. */
		memset(&ec, 0, sizeof(ec));
		ec.cap = KVM_CAP_PPC_FWNMI;
		if (ioctl(v->fd, KVM_ENABLE_CAP, &ec) < 0) {
			pr_err("vCPU %u: ibm,nmi-register: cannot enable KVM_CAP_PPC_FWNMI: %s; host machine checks go to 0x200",
			       v->id, strerror(errno));
			ret = -1;
		} else {
			p->fwnmi_kvm = true;
		}
	}
	if (!ret) {
		p->fwnmi.sreset_addr = sreset;
		p->fwnmi.mce_addr = mce;
	}
	pthread_mutex_unlock(&p->lock);
	if (!ret)
		pr_info("vCPU %u: the guest registered FWNMI handlers (ibm,nmi-register): system reset 0x%llx, machine check 0x%llx",
			v->id, (unsigned long long)sreset, (unsigned long long)mce);
	return ret;
}

void ppc_fwnmi_interlock(struct vcpu *v)
{
	struct ppc_vm *p = ppc_vm(v->vm);

	pthread_mutex_lock(&p->lock);
	if (p->fwnmi.interlock == (int)v->id) {
		p->fwnmi.interlock = -1;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
}

/*
 * Registers as the next KVM_RUN will see them: after an hcall exit KVM
 * writes r3-r12 from run->papr_hcall, so read them from there and write
 * them back there.
 */
static int ppc_regs_now(struct vcpu *v, struct kvm_regs *r)
{
	int err = ppc_get_regs(v, r);

	if (!err && v->run->exit_reason == KVM_EXIT_PAPR_HCALL) {
		r->gpr[3] = v->run->papr_hcall.ret;
		for (int i = 0; i < 9; i++)
			r->gpr[4 + i] = v->run->papr_hcall.args[i];
	}
	return err;
}

static int ppc_regs_set(struct vcpu *v, const struct kvm_regs *r)
{
	if (v->run->exit_reason == KVM_EXIT_PAPR_HCALL) {
		v->run->papr_hcall.ret = r->gpr[3];
		for (int i = 0; i < 9; i++)
			v->run->papr_hcall.args[i] = r->gpr[4 + i];
	}
	return ppc_set_regs(v, r);
}

/* Enter the guest's machine check on v (its thread). 0 or -errno. */
static int ppc_mce_deliver(struct vcpu *v, const struct fwnmi_error *e, char *what, size_t n)
{
	struct ppc_vm *p = ppc_vm(v->vm);
	uint8_t log[ERRLOG_SIZE];
	struct kvm_regs kr;
	struct fwnmi_regs r;
	enum fwnmi_way way;
	int err = ppc_regs_now(v, &kr);

	if (err)
		return err;
	r = (struct fwnmi_regs){ kr.pc, kr.msr, kr.srr0, kr.srr1, kr.gpr[3] };
	pthread_mutex_lock(&p->lock);
	way = fwnmi_enter(&p->fwnmi, v->id, p->rtas_gpa, ppc_intr_msr(p), &r, e, log);
	pthread_mutex_unlock(&p->lock);
	if (way == FWNMI_HANDLER) {
		err = mem_write(&v->vm->mem, p->rtas_gpa + PPC_RTAS_LOG_OFFSET, log, sizeof(log),
				"FWNMI error log");
		if (err) {
			ppc_fwnmi_interlock(v);
			return err;
		}
	}
	kr.pc = r.pc;
	kr.msr = r.msr;
	kr.srr0 = r.srr0;
	kr.srr1 = r.srr1;
	kr.gpr[3] = r.r3;
	err = ppc_regs_set(v, &kr);
	if (err) {
		if (way == FWNMI_HANDLER)
			ppc_fwnmi_interlock(v);
		return err;
	}
	if (way == FWNMI_HANDLER)
		snprintf(what, n, "FWNMI machine check to vCPU %u: handler 0x%llx, RTAS error log at 0x%llx (%s, %s%s)",
			 v->id, (unsigned long long)r.pc, (unsigned long long)r.r3,
			 e->mc_type == ERRLOG_MC_UE ? "UE load/store" : "error type unknown",
			 e->disposition == ERRLOG_DISP_FULLY_RECOVERED ? "fully recovered" :
			 e->disposition == ERRLOG_DISP_LIMITED_RECOVERY ? "limited recovery" : "not recovered",
			 e->has_la ? ", logical address given" : "");
	else
		snprintf(what, n, "machine check at 0x200 to vCPU %u (no FWNMI handler registered, no error log)",
			 v->id);
	return 0;
}

static enum ras_ready ppc_ras_can_take(struct vcpu *v, const struct ras_error *e, char *why,
				       size_t n)
{
	struct ppc_vm *p = ppc_vm(v->vm);
	struct kvm_regs r;
	enum ras_ready ready;

	if (ppc_regs_now(v, &r)) {
		snprintf(why, n, "cannot read vCPU %u's registers: %s", v->id, strerror(errno));
		return RAS_UNABLE;
	}
	if (!ras_error_consumed(e) && p->efault_since[v->id]) {
		/* The access that faulted on it is waiting: it is told as consumed. */
		snprintf(why, n, "vCPU %u is stopped at an access that faulted on a poisoned page (EFAULT)",
			 v->id);
		return RAS_BUSY;
	}
	pthread_mutex_lock(&p->lock);
	ready = fwnmi_ready(&p->fwnmi, v->id, r.msr, ras_error_consumed(e), why, n);
	pthread_mutex_unlock(&p->lock);
	return ready;
}

static int ppc_ras_inject(struct vcpu *v, const struct ras_error *e, char *what, size_t n)
{
	struct fwnmi_error fe;

	fwnmi_memory_error(e->gpa, ras_error_consumed(e), &fe);
	return ppc_mce_deliver(v, &fe, what, n);
}

static int ppc_ras_ao_target(struct vm *vm)
{
	(void)vm;
	return 0;
}

static const struct ras_ops ppc_ras_ops = {
	.name = "ppc64-fwnmi",
	.ao_target = ppc_ras_ao_target,
	.guest_can_take = ppc_ras_can_take,
	.inject = ppc_ras_inject,
};

const struct ras_ops *arch_ras_ops(void)
{
	return &ppc_ras_ops;
}

/* Wait (on v's thread) for another vCPU to release the interlock. */
static bool ppc_wait_interlock(struct vcpu *v, char *why, size_t n)
{
	struct ppc_vm *p = ppc_vm(v->vm);
	struct timespec until;
	bool ok = true;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(RAS_HOLD_MAX_NS / 1000000000ULL);
	pthread_mutex_lock(&p->lock);
	while (p->fwnmi.interlock >= 0 && ok) {
		if (p->fwnmi.interlock == (int)v->id) {
			snprintf(why, n, "a second machine check on vCPU %u before the guest released the first (ibm,nmi-interlock)",
				 v->id);
			ok = false;
		} else if (pthread_cond_timedwait(&p->cond, &p->lock, &until) == ETIMEDOUT &&
			   p->fwnmi.interlock >= 0) {
			snprintf(why, n, "vCPU %d kept the error log for %llu s (no ibm,nmi-interlock)",
				 p->fwnmi.interlock, (unsigned long long)(RAS_HOLD_MAX_NS / 1000000000ULL));
			ok = false;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}

enum arch_exit ppc_nmi_exit(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct fwnmi_error fe;
	char why[200] = "", what[256] = "";
	int err;

	if (fwnmi_nmi_error(v->run->flags, &fe)) {
		vm_request_stop(vm, LKVM_EXIT_ERROR, "vCPU %u: KVM_EXIT_NMI without a disposition (flags 0x%x)",
				v->id, v->run->flags);
		return ARCH_EXIT_STOP;
	}
	if (vm->opts->ras_policy == RAS_POLICY_STOP) {
		vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
				"VM '%s' stopped after a host machine check on vCPU %u (KVM_EXIT_NMI, disposition %u) (exit status %d)",
				vm->opts->name, v->id, fe.disposition, LKVM_EXIT_RAS_STOP);
		return ARCH_EXIT_STOP;
	}
	if (!ppc_wait_interlock(v, why, sizeof(why))) {
		vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
				"VM '%s' stopped after a host machine check (KVM_EXIT_NMI): %s (exit status %d)",
				vm->opts->name, why, LKVM_EXIT_RAS_STOP);
		return ARCH_EXIT_STOP;
	}
	err = ppc_mce_deliver(v, &fe, what, sizeof(what));
	if (err) {
		vm_request_stop(vm, LKVM_EXIT_RAS_STOP,
				"VM '%s' stopped: cannot deliver a host machine check (KVM_EXIT_NMI) to vCPU %u: %s (exit status %d)",
				vm->opts->name, v->id, strerror(-err), LKVM_EXIT_RAS_STOP);
		return ARCH_EXIT_STOP;
	}
	pr_info("memory error: host machine check in guest context (KVM_EXIT_NMI): %s", what);
	return ARCH_EXIT_CONTINUE;
}

/*
 * KVM_RUN failed. On KVM-HV a guest access to a poisoned page does not
 * raise a SIGBUS: KVM_RUN fails with EFAULT. The page is one lkvm knows
 * from the early-kill SIGBUS (fwnmi_efault_page() picks it). The kernel
 * unmaps the page before it sends that SIGBUS, so the EFAULT can come
 * first: then the vCPU runs again (each run faults at once) while the
 * record is handled - an AO for this vCPU is held meanwhile, so the page
 * is told as consumed - for up to PPC_EFAULT_WAIT_NS; an EFAULT no
 * memory error explains stops the VM as before.
 */
#define PPC_EFAULT_WAIT_NS	(1000000000ULL)

enum arch_exit arch_vcpu_run_error(struct vcpu *v, int err)
{
	struct ppc_vm *p = ppc_vm(v->vm);
	struct ras_state *rs = v->vm->ras;
	uint64_t gpa = 0;
	bool found;

	if (err != EFAULT || !rs || v->id >= RUN_MAX_CPUS)
		return ARCH_EXIT_UNHANDLED;
	pthread_mutex_lock(&rs->lock);
	found = fwnmi_efault_page(&rs->poison, true, &gpa);
	pthread_mutex_unlock(&rs->lock);
	if (!found) {
		uint64_t now = mono_ns();
		if (!p->efault_since[v->id])
			p->efault_since[v->id] = now;
		if (now - p->efault_since[v->id] < PPC_EFAULT_WAIT_NS) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
			return ARCH_EXIT_CONTINUE;	/* its record is handled before the next run */
		}
		/* Nothing new: a page the guest was told about, touched again? */
		pthread_mutex_lock(&rs->lock);
		found = fwnmi_efault_page(&rs->poison, false, &gpa);
		pthread_mutex_unlock(&rs->lock);
		p->efault_since[v->id] = 0;
		if (!found)
			return ARCH_EXIT_UNHANDLED;	/* not a memory error lkvm knows of */
	}
	p->efault_since[v->id] = 0;
	switch (ras_vcpu_error(v, gpa, RAS_AR, "KVM_RUN EFAULT")) {
	case RAS_ACT_STOP:
	case RAS_ACT_FATAL:
		return ARCH_EXIT_STOP;
	default:
		return vm_stopping(v->vm) ? ARCH_EXIT_STOP : ARCH_EXIT_CONTINUE;
	}
}
