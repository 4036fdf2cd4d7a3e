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

enum arch_exit arch_handle_exit(struct vcpu *v)
{
	switch (v->run->exit_reason) {
	case KVM_EXIT_IO:
		x86_handle_io(v);
		return ARCH_EXIT_CONTINUE;
	case KVM_EXIT_SHUTDOWN:
		/* A triple fault: the CPU would reset; the guest is beyond help. */
		vm_request_stop(v->vm, LKVM_EXIT_GUEST_CRASH,
				"vCPU %u: guest triple fault (shutdown); VM ended", v->id);
		return ARCH_EXIT_STOP;
	default:
		return ARCH_EXIT_UNHANDLED;
	}
}

enum arch_exit arch_vcpu_run_error(struct vcpu *v, int err)
{
	(void)v;
	(void)err;
	return ARCH_EXIT_UNHANDLED;	/* memory errors arrive as SIGBUS here */
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
