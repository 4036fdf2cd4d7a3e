// SPDX-License-Identifier: GPL-2.0
/* x86 VM and vCPU set-up: memory layout, irqchip, CPUID, entry state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"
#include "pc.h"
#include "pvh.h"
#include "x86.h"

#define X86_TSS_ADDR		0xfffbd000ULL
#define X86_IDENT_MAP_ADDR	0xfffbc000ULL

int arch_mem_layout(uint64_t ram, struct arch_region *r, int max)
{
	int n = 0;

	if (max < 2)
		return 0;
	r[n++] = (struct arch_region){ 0, MIN(ram, X86_MMIO_HOLE) };
	if (ram > X86_MMIO_HOLE)
		r[n++] = (struct arch_region){ X86_4G, ram - X86_MMIO_HOLE };
	return n;
}

static int x86_get_cpuid(struct vm *vm, struct x86_vm *x)
{
	char vendor[13];
	uint32_t i;

	x->cpuid = calloc(1, sizeof(*x->cpuid) + X86_CPUID_MAX * sizeof(struct kvm_cpuid_entry2));
	if (!x->cpuid)
		return -ENOMEM;
	x->cpuid->nent = X86_CPUID_MAX;
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, x->cpuid) < 0)
		return -errno;
	for (i = 0; i < x->cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &x->cpuid->entries[i];

		if (e->function == 0) {
			memcpy(vendor, &e->ebx, 4);
			memcpy(vendor + 4, &e->edx, 4);
			memcpy(vendor + 8, &e->ecx, 4);
			vendor[12] = '\0';
			x->amd = !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");
		}
	}
	return 0;
}

int arch_vm_init(struct vm *vm)
{
	struct kvm_pit_config pit = { .flags = 0 };
	uint64_t ident = X86_IDENT_MAP_ADDR;
	struct x86_vm *x;
	int err;

	x = calloc(1, sizeof(*x));
	if (!x)
		return LKVM_EXIT_ERROR;
	vm->arch = x;
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, X86_TSS_ADDR) < 0 ||
	    ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) < 0) {
		pr_err("cannot set up x86 VM (TSS/identity map): %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		pr_err("cannot create the in-kernel interrupt controller: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		pr_err("cannot create the in-kernel PIT: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	err = x86_get_cpuid(vm, x);
	if (err) {
		pr_err("cannot read supported CPUID: %s", strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	x->uart = uart_create(vm, 0x3f8, 4);
	if (!x->uart || fw_cfg_create(vm) || x86_platform_ports(vm) || rtc_create(vm)) {
		pr_err("cannot create platform devices");
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

/* CPUID leaf 1 (signature, feature flags) for the MP table's processor entries. */
static void x86_cpu_signature(const struct x86_vm *x, uint32_t *sig, uint32_t *features)
{
	uint32_t i;

	*sig = 0;
	*features = 0;
	for (i = 0; i < x->cpuid->nent; i++) {
		if (x->cpuid->entries[i].function == 1) {
			*sig = x->cpuid->entries[i].eax;
			*features = x->cpuid->entries[i].edx;
		}
	}
}

static int x86_map_file(const char *what, const char *path, const uint8_t **buf, size_t *n)
{
	int err = file_map(path, buf, n);

	if (err) {
		pr_err("cannot read %s '%s': %s", what, path, strerror(-err));
		return LKVM_EXIT_USAGE;
	}
	return 0;
}

struct x86_load {
	struct vm *vm;
	struct x86_files f;
	char err[256];
};

/* Probe the kernel's format and load it; runs under file_guard_call(). */
static int x86_load_guarded(void *arg)
{
	struct x86_load *l = arg;
	struct x86_vm *x = x86_vm(l->vm);
	struct x86_files *f = &l->f;
	bool bzimage = bzimage_probe(f->kernel, f->kernel_size);
	char *linux_params;
	int ret;

	if (!bzimage && !pvh_probe(f->kernel, f->kernel_size)) {
		if (multiboot_probe(f->kernel, f->kernel_size))
			return multiboot_load(&l->vm->mem, f, &x->boot, l->err, sizeof(l->err));
		snprintf(l->err, sizeof(l->err), "%s: unknown kernel format; lkvm boots Linux bzImage, ELF vmlinux with a PVH note, and multiboot ELF kernels",
			 f->kernel_name);
		return -1;
	}
	linux_params = x86_linux_params(f->params);
	if (!linux_params) {
		snprintf(l->err, sizeof(l->err), "out of memory for the kernel command line");
		return -1;
	}
	f->params = linux_params;
	/* An uncompressed vmlinux (PVH) skips the decompressor: boots faster. */
	if (bzimage)
		ret = bzimage_load(&l->vm->mem, f, &x->boot, l->err, sizeof(l->err));
	else
		ret = pvh_load(&l->vm->mem, f, &x->boot, l->err, sizeof(l->err));
	free(linux_params);
	if (ret == 0) {
		/* Linux without ACPI finds the vCPUs and the I/O APIC here. */
		uint32_t sig, features;

		x86_cpu_signature(x, &sig, &features);
		if (mptable_write(&l->vm->mem, l->vm->nr_vcpus, sig, features)) {
			snprintf(l->err, sizeof(l->err), "no room for the MP table at 0x%llx; raise --mem",
				 (unsigned long long)MPTABLE_ADDR);
			ret = -1;
		}
	}
	return ret;
}

int arch_load_kernel(struct vm *vm)
{
	struct x86_vm *x = x86_vm(vm);
	struct run_opts *o = vm->opts;
	struct x86_load l = { .vm = vm };
	const uint8_t *kbuf = NULL;	/* mapped here (not the built-in guest) */
	int ret;

	if (o->kernel) {
		ret = x86_map_file("kernel", o->kernel, &kbuf, &l.f.kernel_size);
		if (ret)
			return ret;
		l.f.kernel = kbuf;
		l.f.kernel_name = o->kernel;
	} else {
		l.f.kernel = lkvm_builtin_guest;
		l.f.kernel_size = (uintptr_t)lkvm_builtin_guest_end - (uintptr_t)lkvm_builtin_guest;
		l.f.kernel_name = "lkvm-builtin-guest";
	}
	if (o->initrd) {
		ret = x86_map_file("initrd", o->initrd, &l.f.initrd, &l.f.initrd_size);
		if (ret) {
			file_unmap(kbuf, l.f.kernel_size);
			return ret;
		}
		l.f.initrd_name = o->initrd;
	}
	l.f.params = o->params;
	ret = file_guard_call(x86_load_guarded, &l);
	if (ret == -EIO)
		snprintf(l.err, sizeof(l.err), "the kernel or initrd file shrank or could not be read while lkvm loaded it (SIGBUS); try again with a file nobody is changing");
	else if (ret < 0 && !l.err[0])
		snprintf(l.err, sizeof(l.err), "cannot load the kernel: %s", strerror(-ret));
	file_unmap(kbuf, l.f.kernel_size);
	file_unmap(l.f.initrd, l.f.initrd_size);
	if (ret) {
		pr_err("%s", l.err);
		return LKVM_EXIT_USAGE;
	}
	pr_debug("loaded %s kernel, entry 0x%llx", x->boot.format,
		 (unsigned long long)x->boot.rip);
	return 0;
}

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
	if (x86_set_cpuid(v))
		return LKVM_EXIT_ERROR;
	/* The BSP starts at the kernel entry; APs wait for INIT/SIPI. */
	if (v->id == 0 && x86_set_entry_state(v)) {
		pr_err("vCPU 0: cannot set entry state: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

int arch_handle_exit(struct vcpu *v)
{
	(void)v;
	return -1;
}

void arch_vm_exit(struct vm *vm)
{
	struct x86_vm *x = vm->arch;

	if (!x)
		return;
	free(x->cpuid);
	free(x->uart);
	free(x->fw_cfg);
	free(x);
	vm->arch = NULL;
}

void arch_console_input(struct vm *vm, const uint8_t *buf, size_t n)
{
	uart_input(x86_vm(vm)->uart, buf, n);
}
