// SPDX-License-Identifier: GPL-2.0
/* x86 vCPUs for `lkvm debug`: the full register dump, the code at RIP, NMIs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "x86.h"

static void put_seg(struct strbuf *o, const char *name, const struct kvm_segment *s)
{
	strbuf_printf(o, "  %-3s sel 0x%04x base 0x%016llx limit 0x%08x type 0x%x p %u dpl %u db %u s %u l %u g %u\n",
	    name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->present, s->dpl,
	    s->db, s->s, s->l, s->g);
}

static const char *mp_state_name(uint32_t st)
{
	switch (st) {
	case KVM_MP_STATE_RUNNABLE:
		return "runnable";
	case KVM_MP_STATE_UNINITIALIZED:
		return "waiting for INIT/SIPI";
	case KVM_MP_STATE_INIT_RECEIVED:
		return "INIT received";
	case KVM_MP_STATE_HALTED:
		return "halted";
	case KVM_MP_STATE_SIPI_RECEIVED:
		return "SIPI received";
	default:
		return "other";
	}
}

/* One guest byte at a linear address: KVM walks the guest's page tables. */
static int code_byte(struct vcpu *v, uint64_t la, uint8_t *b)
{
	struct kvm_translation t = { .linear_address = la };

	if (ioctl(v->fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
		return -EFAULT;
	return mem_read(&v->vm->mem, t.physical_address, b, 1, "debug dump");
}

/* Linux oops style: the bytes around RIP, the one at RIP in <>. */
static void put_code(struct strbuf *o, struct vcpu *v, const struct kvm_sregs *s, uint64_t rip)
{
	uint64_t la = s->cs.base + rip;
	struct kvm_translation t = { .linear_address = la };

	if (ioctl(v->fd, KVM_TRANSLATE, &t) < 0 || !t.valid) {
		strbuf_printf(o, "  code: linear 0x%llx is not mapped\n", (unsigned long long)la);
		return;
	}
	strbuf_printf(o, "  code at 0x%llx (guest physical 0x%llx):", (unsigned long long)la,
	    (unsigned long long)t.physical_address);
	vcpu_put_code(o, v, la, code_byte);
}

size_t arch_vcpu_show(struct vcpu *v, char *buf, size_t n)
{
	struct strbuf o = { .buf = buf, .n = n };
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_mp_state mp = { 0 };

	if (!n)
		return 0;
	buf[0] = '\0';
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		strbuf_printf(&o, "vCPU %u: registers unavailable: %s\n", v->id, strerror(errno));
		return o.len;
	}
	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0)
		mp.mp_state = ~0u;
	strbuf_printf(&o, "vCPU %u (%s):\n", v->id, mp_state_name(mp.mp_state));
	strbuf_printf(&o, "  rip 0x%016llx rflags 0x%08llx\n", (unsigned long long)r.rip,
	    (unsigned long long)r.rflags);
	strbuf_printf(&o, "  rax 0x%016llx rbx 0x%016llx rcx 0x%016llx rdx 0x%016llx\n",
	    (unsigned long long)r.rax, (unsigned long long)r.rbx, (unsigned long long)r.rcx,
	    (unsigned long long)r.rdx);
	strbuf_printf(&o, "  rsi 0x%016llx rdi 0x%016llx rbp 0x%016llx rsp 0x%016llx\n",
	    (unsigned long long)r.rsi, (unsigned long long)r.rdi, (unsigned long long)r.rbp,
	    (unsigned long long)r.rsp);
	strbuf_printf(&o, "  r8  0x%016llx r9  0x%016llx r10 0x%016llx r11 0x%016llx\n",
	    (unsigned long long)r.r8, (unsigned long long)r.r9, (unsigned long long)r.r10,
	    (unsigned long long)r.r11);
	strbuf_printf(&o, "  r12 0x%016llx r13 0x%016llx r14 0x%016llx r15 0x%016llx\n",
	    (unsigned long long)r.r12, (unsigned long long)r.r13, (unsigned long long)r.r14,
	    (unsigned long long)r.r15);
	put_seg(&o, "cs", &s.cs);
	put_seg(&o, "ds", &s.ds);
	put_seg(&o, "es", &s.es);
	put_seg(&o, "fs", &s.fs);
	put_seg(&o, "gs", &s.gs);
	put_seg(&o, "ss", &s.ss);
	put_seg(&o, "tr", &s.tr);
	put_seg(&o, "ldt", &s.ldt);
	strbuf_printf(&o, "  gdt 0x%016llx/0x%04x idt 0x%016llx/0x%04x\n", (unsigned long long)s.gdt.base,
	    s.gdt.limit, (unsigned long long)s.idt.base, s.idt.limit);
	strbuf_printf(&o, "  cr0 0x%llx cr2 0x%llx cr3 0x%llx cr4 0x%llx cr8 0x%llx efer 0x%llx apic_base 0x%llx\n",
	    (unsigned long long)s.cr0, (unsigned long long)s.cr2, (unsigned long long)s.cr3,
	    (unsigned long long)s.cr4, (unsigned long long)s.cr8, (unsigned long long)s.efer,
	    (unsigned long long)s.apic_base);
	if (mp.mp_state == KVM_MP_STATE_UNINITIALIZED)
		strbuf_printf(&o, "  code: none yet (the vCPU has not been started)\n");
	else
		put_code(&o, v, &s, r.rip);
	return o.len;
}

/*
 * KVM_NMI queues the NMI on the vCPU itself. A real NMI line reaches a CPU
 * through its local APIC's LINT1, which Linux leaves masked on all but the
 * boot CPU; the user asked for this vCPU, so it gets the NMI either way.
 */
int arch_vcpu_nmi(struct vcpu *v, char *msg, size_t n)
{
	if (ioctl(v->fd, KVM_NMI) < 0) {
		int err = errno;

		snprintf(msg, n, "KVM_NMI on vCPU %u failed: %s", v->id, strerror(err));
		return -err;
	}
	snprintf(msg, n, "NMI sent to vCPU %u", v->id);
	return 0;
}
