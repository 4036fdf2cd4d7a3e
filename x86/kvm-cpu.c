// SPDX-License-Identifier: GPL-2.0
/* x86 vCPUs: CPUID, entry state, the exits only x86 has, register dumps. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "x86.h"

static int x86_set_cpuid(struct vcpu *v)
{
	struct x86_vm *x = x86_vm(v->vm);
	struct kvm_cpuid2 *c = x->cpuid;
	uint32_t i;

	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0x00ffffff) | (v->id << 24);	/* initial APIC id */
			e->ecx |= 1u << 31;				/* hypervisor */
			break;
		case 0xb:
		case 0x1f:
			e->edx = v->id;					/* x2APIC id */
			break;
		case 0x80000007:
			/*
			 * AMD guests recover from uncorrected memory errors only
			 * when the CPU says so (SUCCOR, bit 1; overflow recovery,
			 * bit 0): we deliver recoverable machine checks.
			 */
			if (x->amd && x->mce_banks)
				e->ebx |= 0x3;
			break;
		}
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0) {
		pr_err("vCPU %u: KVM_SET_CPUID2 failed: %s", v->id, strerror(errno));
		return -1;
	}
	return 0;
}

static void x86_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, bool l, bool db)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = db, .s = 1, .l = l, .g = 1,
	};
}

static int x86_set_entry_state(struct vcpu *v)
{
	struct x86_boot *b = &x86_vm(v->vm)->boot;
	struct kvm_sregs s;
	struct kvm_regs r = { 0 };

	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -1;
	if (b->mode == X86_BOOT_LONG64) {
		x86_seg(&s.cs, 0x10, 0xb, true, false);
		x86_seg(&s.ds, 0x18, 0x3, false, true);
		s.cr0 = 0x80000011;		/* PG ET PE */
		s.cr3 = b->cr3;
		s.cr4 = 0x20;			/* PAE */
		s.efer = 0x500;			/* LME LMA */
		s.gdt.base = b->gdt_base;
		s.gdt.limit = b->gdt_limit;
	} else {
		x86_seg(&s.cs, 0x08, 0xb, false, true);
		x86_seg(&s.ds, 0x10, 0x3, false, true);
		s.cr0 = 0x11;			/* ET PE, paging off */
		s.cr4 = 0;
		s.efer = 0;
	}
	s.es = s.fs = s.gs = s.ss = s.ds;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		return -1;
	r.rip = b->rip;
	r.rax = b->rax;
	r.rbx = b->rbx;
	r.rsi = b->rsi;
	r.rflags = 2;
	return ioctl(v->fd, KVM_SET_REGS, &r) < 0 ? -1 : 0;
}

int arch_vcpu_init(struct vcpu *v)
{
	/* Machine checks first: CPUID then advertises what was set up (SUCCOR). */
	if (ras_vcpu_setup(v))
		return LKVM_EXIT_ERROR;
	if (x86_set_cpuid(v))
		return LKVM_EXIT_ERROR;
	/* The BSP starts at the kernel entry; APs wait for INIT/SIPI. */
	if (v->id == 0 && x86_set_entry_state(v)) {
		pr_err("vCPU 0: cannot set entry state: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

/* Port I/O: the string forms (rep ins/outs) come as count items. */
static void x86_handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint64_t off = run->io.data_offset;
	unsigned int size = run->io.size, i;
	bool wr = run->io.direction == KVM_EXIT_IO_OUT;

	/* The kernel fills these, but check before touching our memory. */
	if (size == 0 || size > 8 || off > v->vm->run_size ||
	    (uint64_t)size * run->io.count > v->vm->run_size - off) {
		vm_request_stop(v->vm, LKVM_EXIT_ERROR, "vCPU %u: malformed I/O exit", v->id);
		return;
	}
	for (i = 0; i < run->io.count; i++) {
		uint8_t *data = (uint8_t *)run + off + (uint64_t)i * size;
		bool claimed = io_bus_dispatch(&v->vm->pio, v, run->io.port, data, size, wr);

		if (lkvm_debug)
			pr_debug("vCPU %u: %s port 0x%x size %u value 0x%llx%s", v->id,
				 wr ? "out" : "in", run->io.port, size,
				 (unsigned long long)io_data_get(data, size),
				 claimed ? "" : " (no device)");
	}
}

/* LKVM_DEBUG_TRIPLE: where the vCPU was at this exit (see x86_vm.last_exit). */
static void x86_note_exit(struct vcpu *v)
{
	struct x86_last_exit *l = &x86_vm(v->vm)->last_exit[v->id];
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return;
	l->rip = r.rip;
	l->cr0 = s.cr0;
	l->cr3 = s.cr3;
	l->cr4 = s.cr4;
	l->idt_base = s.idt.base;
	l->valid = true;
}

/*
 * After a triple fault the vCPU's registers are gone (KVM on AMD resets it):
 * walk the guest's page tables, as they are in RAM now, for the RIP, the
 * IDT and the page-fault handler seen at the vCPU's previous exit.
 */
static void x86_triple_postmortem(struct vcpu *v)
{
	const struct x86_last_exit *l = &x86_vm(v->vm)->last_exit[v->id];
	const struct mem_map *m = &v->vm->mem;
	char buf[2048];
	struct strbuf o = { .buf = buf, .n = sizeof(buf) };
	bool la57 = l->cr4 & (1u << 12);
	uint8_t g[16];
	uint64_t pa;

	if (!l->valid)
		return;
	strbuf_printf(&o, "vCPU %u at its previous exit: RIP 0x%llx CR3 0x%llx CR4 0x%llx IDT 0x%llx\n",
		      v->id, (unsigned long long)l->rip, (unsigned long long)l->cr3,
		      (unsigned long long)l->cr4, (unsigned long long)l->idt_base);
	if (!(l->cr0 & (1u << 31)) || !(l->cr4 & (1u << 5))) {
		strbuf_printf(&o, "  not long-mode paging (CR0 0x%llx): no walk\n",
			      (unsigned long long)l->cr0);
		fputs(buf, stderr);
		return;
	}
	x86_pt_walk(m, l->cr3, la57, l->rip, &o);
	pa = x86_pt_walk(m, l->cr3, la57, l->idt_base + 14 * 16, &o);
	/* The page-fault gate (vector 14) and its handler. */
	if (pa != X86_PT_NONE && !mem_read(m, pa, g, sizeof(g), "page walk")) {
		uint64_t h = (uint64_t)g[0] | (uint64_t)g[1] << 8 | (uint64_t)g[6] << 16 |
			     (uint64_t)g[7] << 24 | (uint64_t)g[8] << 32 | (uint64_t)g[9] << 40 |
			     (uint64_t)g[10] << 48 | (uint64_t)g[11] << 56;

		strbuf_printf(&o, "  #PF gate: handler 0x%llx, IST %u, type/attr 0x%02x\n",
			      (unsigned long long)h, g[4] & 7, g[5]);
		x86_pt_walk(m, l->cr3, la57, h, &o);
	}
	fputs(buf, stderr);
}

enum arch_exit arch_handle_exit(struct vcpu *v)
{
	if (x86_vm(v->vm)->last_exit && v->run->exit_reason != KVM_EXIT_SHUTDOWN)
		x86_note_exit(v);
	switch (v->run->exit_reason) {
	case KVM_EXIT_IO:
		x86_handle_io(v);
		return ARCH_EXIT_CONTINUE;
	case KVM_EXIT_SHUTDOWN:
		/* A triple fault: the CPU would reset; the guest is beyond help. */
		if (x86_vm(v->vm)->last_exit)
			x86_triple_postmortem(v);
		vm_request_stop(v->vm, LKVM_EXIT_GUEST_CRASH,
				"vCPU %u: guest triple fault (shutdown); VM ended", v->id);
		return ARCH_EXIT_STOP;
	default:
		return ARCH_EXIT_UNHANDLED;
	}
}

size_t arch_vcpu_dump(struct vcpu *v, char *buf, size_t n)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	int len;

	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return 0;
	len = snprintf(buf, n, "rip 0x%llx rsp 0x%llx cs 0x%x cr0 0x%llx cr4 0x%llx efer 0x%llx",
		       (unsigned long long)r.rip, (unsigned long long)r.rsp, s.cs.selector,
		       (unsigned long long)s.cr0, (unsigned long long)s.cr4,
		       (unsigned long long)s.efer);
	return len < 0 ? 0 : MIN((size_t)len, n - 1);
}
