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
 *   disposition, no cause or address): reported through the core's one
 *   door, ras_vcpu_report() with RAS_GPA_UNKNOWN, so the policy, the event
 *   line and the --ras-log record are the core's; the log says error type
 *   unknown.
 * - The interlock: until the guest calls ibm,nmi-interlock, further errors
 *   wait (RAS_BUSY: the core holds them; an NMI, which nothing raises again,
 *   keeps its vCPU out of the guest meanwhile, up to RAS_HOLD_MAX_NS); a
 *   second NMI on the vCPU that holds it stops the VM (status 4).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "fwnmi.h"
#include "lkvm/arch.h"
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
	if (p->fwnmi.interlock == (int)v->id)
		p->fwnmi.interlock = -1;	/* the core's hold sees it at its next retry */
	pthread_mutex_unlock(&p->lock);
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
	if (!ras_error_has_gpa(e) && p->fwnmi.interlock == (int)v->id) {
		/* The NMI's vCPU is the one that would have to release it. */
		snprintf(why, n, "a second machine check on vCPU %u before the guest released the first (ibm,nmi-interlock)",
			 v->id);
		ready = RAS_UNABLE;
	} else {
		ready = fwnmi_ready(&p->fwnmi, v->id, r.msr, ras_error_consumed(e), why, n);
	}
	pthread_mutex_unlock(&p->lock);
	return ready;
}

static int ppc_ras_inject(struct vcpu *v, const struct ras_error *e, char *what, size_t n)
{
	struct fwnmi_error fe;

	if (ras_error_has_gpa(e))
		fwnmi_memory_error(e->gpa, ras_error_consumed(e), &fe);
	else if (fwnmi_nmi_error((uint32_t)e->detail, &fe))	/* KVM_EXIT_NMI: its run->flags */
		return -EINVAL;
	return ppc_mce_deliver(v, &fe, what, n);
}

static const struct ras_ops ppc_ras_ops = {
	.name = "ppc64-fwnmi",
	.guest_can_take = ppc_ras_can_take,
	.inject = ppc_ras_inject,
};

const struct ras_ops *arch_ras_ops(void)
{
	return &ppc_ras_ops;
}

/* What the vCPU does after the core handled an error an exit reported. */
static enum arch_exit ppc_ras_exit(struct vcpu *v, enum ras_action act)
{
	if (act == RAS_ACT_STOP || act == RAS_ACT_FATAL || vm_stopping(v->vm))
		return ARCH_EXIT_STOP;
	return ARCH_EXIT_CONTINUE;	/* a held NMI keeps the vCPU out (ras_vcpu_drain) */
}

enum arch_exit ppc_nmi_exit(struct vcpu *v)
{
	struct fwnmi_error fe;

	if (fwnmi_nmi_error(v->run->flags, &fe)) {
		vm_request_stop(v->vm, LKVM_EXIT_ERROR, "vCPU %u: KVM_EXIT_NMI without a disposition (flags 0x%x)",
				v->id, v->run->flags);
		return ARCH_EXIT_STOP;
	}
	/* A host machine check in guest context: no address, KVM's disposition as detail. */
	return ppc_ras_exit(v, ras_vcpu_report(v, RAS_AR, RAS_GPA_UNKNOWN, "KVM_EXIT_NMI",
					       v->run->flags));
}

/*
 * Which known poisoned page did the EFAULT touch? KVM-HV does not say.
 * fresh: the newest page the guest was told nothing about yet (its
 * early-kill report is being held for this access); else the newest one
 * not yet told as consumed, else the newest of all.
 */
static bool ppc_efault_page(struct vm *vm, bool fresh, uint64_t *gpa)
{
	if (fresh)
		return ras_vm_poison_latest(vm, RAS_PAGE_AO_SENT | RAS_PAGE_AR_SENT, gpa);
	return ras_vm_poison_latest(vm, RAS_PAGE_AR_SENT, gpa) || ras_vm_poison_latest(vm, 0, gpa);
}

/*
 * KVM_RUN failed. On KVM-HV a guest access to a poisoned page does not
 * raise a SIGBUS: KVM_RUN fails with EFAULT. The page is one lkvm knows
 * from the early-kill SIGBUS (ppc_efault_page() picks it). The kernel
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
	uint64_t gpa = 0;

	if (err != EFAULT || !v->vm->ras || v->id >= RUN_MAX_CPUS)
		return ARCH_EXIT_UNHANDLED;
	if (!ppc_efault_page(v->vm, true, &gpa)) {
		uint64_t now = mono_ns();

		if (!p->efault_since[v->id])
			p->efault_since[v->id] = now;
		if (now - p->efault_since[v->id] < PPC_EFAULT_WAIT_NS) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
			return ARCH_EXIT_CONTINUE;	/* its record is handled before the next run */
		}
		/* Nothing new: a page the guest was told about, touched again? */
		p->efault_since[v->id] = 0;
		if (!ppc_efault_page(v->vm, false, &gpa))
			return ARCH_EXIT_UNHANDLED;	/* not a memory error lkvm knows of */
	}
	p->efault_since[v->id] = 0;
	return ppc_ras_exit(v, ras_vcpu_report(v, RAS_AR, gpa, "KVM_RUN EFAULT", 0));
}
