// SPDX-License-Identifier: GPL-2.0
/* ppc64 vCPUs for `lkvm debug`: the register dump and the code at PC; no NMI yet. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "ppc.h"

/* The bytes around PC; with instruction relocation on lkvm would have to walk the radix tree. */
static void put_code(struct strbuf *o, struct vcpu *v, uint64_t pc, uint64_t msr)
{

	if (msr & PPC_MSR_IR) {
		strbuf_printf(o, "  code: instruction relocation is on (MSR[IR]); lkvm does not walk the guest's page tables\n");
		return;
	}
	strbuf_printf(o, "  code at 0x%llx (real mode: guest physical):", (unsigned long long)pc);
	vcpu_put_code(o, v, pc, vcpu_code_phys);
}

size_t arch_vcpu_show(struct vcpu *v, char *buf, size_t n)
{
	struct strbuf o = { .buf = buf, .n = n };
	struct kvm_regs r;
	int err;

	if (!n)
		return 0;
	buf[0] = '\0';
	err = ppc_get_regs(v, &r);
	if (err) {
		strbuf_printf(&o, "vCPU %u: registers unavailable: %s\n", v->id, strerror(-err));
		return o.len;
	}
	strbuf_printf(&o, "vCPU %u:\n", v->id);
	strbuf_printf(&o, "  pc %016llx msr %016llx lr %016llx ctr %016llx\n",
		      (unsigned long long)r.pc, (unsigned long long)r.msr,
		      (unsigned long long)r.lr, (unsigned long long)r.ctr);
	strbuf_printf(&o, "  cr %08llx xer %016llx srr0 %016llx srr1 %016llx\n",
		      (unsigned long long)r.cr, (unsigned long long)r.xer,
		      (unsigned long long)r.srr0, (unsigned long long)r.srr1);
	for (unsigned int i = 0; i < 32; i += 4)
		strbuf_printf(&o, "  r%-2u %016llx %016llx %016llx %016llx\n", i,
			      (unsigned long long)r.gpr[i], (unsigned long long)r.gpr[i + 1],
			      (unsigned long long)r.gpr[i + 2], (unsigned long long)r.gpr[i + 3]);
	put_code(&o, v, r.pc, r.msr);
	return o.len;
}

int arch_vcpu_nmi(struct vcpu *v, char *msg, size_t n)
{
	(void)v;
	snprintf(msg, n, "ppc64: lkvm does not deliver a system reset (the FWNMI sreset handler) yet");
	return -ENOSYS;
}
