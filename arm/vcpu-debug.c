// SPDX-License-Identifier: GPL-2.0
/* arm64 vCPUs for `lkvm debug`: the full register dump and the code at PC; no NMI. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "arm.h"

#define CORE_REG(name) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(name))
#define SCTLR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define SCTLR_M		0x1ull
static int get_reg(struct vcpu *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(v->fd, KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

/*
 * The bytes around PC, the one at PC in <>. With the guest's MMU off an
 * address is physical; with it on lkvm would have to walk the guest's
 * page tables (KVM_TRANSLATE is x86 only), so it says so instead.
 */
static void put_code(struct strbuf *o, struct vcpu *v, uint64_t pc)
{
	uint64_t sctlr;

	if (get_reg(v, SCTLR_EL1, &sctlr)) {
		strbuf_printf(o, "  code: SCTLR_EL1 unavailable\n");
		return;
	}
	if (sctlr & SCTLR_M) {
		strbuf_printf(o, "  code: the guest's MMU is on (SCTLR_EL1 0x%llx); lkvm does not walk its page tables\n",
		    (unsigned long long)sctlr);
		return;
	}
	strbuf_printf(o, "  code at 0x%llx (MMU off: guest physical):", (unsigned long long)pc);
	vcpu_put_code(o, v, pc, vcpu_code_phys);
}

size_t arch_vcpu_show(struct vcpu *v, char *buf, size_t n)
{
	struct strbuf o = { .buf = buf, .n = n };
	uint64_t x[31] = { 0 }, pc = 0, sp = 0, sp_el1 = 0, pstate = 0, elr = 0, spsr = 0;
	const struct {
		uint64_t id;
		uint64_t *val;
	} regs[] = {
		{ CORE_REG(regs.pc), &pc }, { CORE_REG(regs.sp), &sp },
		{ CORE_REG(sp_el1), &sp_el1 }, { CORE_REG(regs.pstate), &pstate },
		{ CORE_REG(elr_el1), &elr }, { CORE_REG(spsr[0]), &spsr },
	};
	struct kvm_mp_state mp = { 0 };
	int err = 0;

	if (!n)
		return 0;
	buf[0] = '\0';
	for (unsigned int i = 0; i < 31 && !err; i++)
		err = get_reg(v, CORE_REG(regs.regs[i]), &x[i]);
	for (size_t i = 0; i < ARRAY_SIZE(regs) && !err; i++)
		err = get_reg(v, regs[i].id, regs[i].val);
	if (err) {
		strbuf_printf(&o, "vCPU %u: registers unavailable: %s\n", v->id, strerror(-err));
		return o.len;
	}
	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0)
		mp.mp_state = ~0u;
	strbuf_printf(&o, "vCPU %u (%s):\n", v->id,
	    mp.mp_state == KVM_MP_STATE_STOPPED ? "stopped (PSCI CPU_OFF or not yet on)" :
	    mp.mp_state == KVM_MP_STATE_RUNNABLE ? "runnable" : "other");
	strbuf_printf(&o, "  pc 0x%016llx pstate 0x%08llx sp_el0 0x%016llx sp_el1 0x%016llx\n",
	    (unsigned long long)pc, (unsigned long long)pstate, (unsigned long long)sp,
	    (unsigned long long)sp_el1);
	strbuf_printf(&o, "  elr_el1 0x%016llx spsr_el1 0x%08llx\n", (unsigned long long)elr,
	    (unsigned long long)spsr);
	for (unsigned int i = 0; i < 31; i++)
		strbuf_printf(&o, "%sx%-2u 0x%016llx%s", i % 4 ? " " : "  ", i, (unsigned long long)x[i],
		    i % 4 == 3 || i == 30 ? "\n" : "");
	arm_vcpu_features_show(v, &o);
	put_code(&o, v, pc);
	return o.len;
}

/*
 * arm64 has no NMI a VMM can raise: Linux's pseudo-NMIs are ordinary GIC
 * interrupts at a priority the guest chose. Said, not pretended.
 */
int arch_vcpu_nmi(struct vcpu *v, char *msg, size_t n)
{
	snprintf(msg, n, "arm64 has no NMI to send to vCPU %u (pseudo-NMIs are GIC interrupts the guest configures); try --sysrq or --dump",
		 v->id);
	return -EOPNOTSUPP;
}
