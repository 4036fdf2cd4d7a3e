// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 machine: memory layout, in-kernel irqchip and PIT, platform
 * devices, kernel loading, and its description (MP table, ACPI tables).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "acpi.h"
#include "lkvm/acpi-table.h"
#include "hw/rtc.h"
#include "hw/uart.h"
#include "hw/virtio-mmio.h"
#include "lkvm/arch.h"
#include "lkvm/guard.h"
#include "lkvm/util.h"
#include "ghes.h"
#include "pc.h"
#include "pvh.h"
#include "x86.h"

#define X86_TSS_ADDR		0xfffbd000ULL
#define X86_IDENT_MAP_ADDR	0xfffbc000ULL
#define X86_COM1_PORT		0x3f8
#define X86_COM1_IRQ		4
#define X86_RTC_PORT		0x70
#define X86_RTC_IRQ		8
/* MMIO for devices that ask for room: below the I/O APIC, above RAM's 3 GiB. */
#define X86_MMIO_DEV_BASE	0xd0000000ULL
#define X86_MMIO_DEV_END	0xfec00000ULL
/* ISA lines 0-15 have fixed owners; the I/O APIC has 24 pins. */
#define X86_IRQ_FIRST_FREE	16
#define X86_IRQ_END		24

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
	int deadline = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER);
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
		/*
		 * KVM emulates the local APIC's TSC-deadline mode with its
		 * in-kernel irqchip but leaves the CPUID bit to the VMM.
		 * Without it Linux calibrates the APIC timer against the PIT
		 * (~0.2 s of ticks; under nested virtualization the check then
		 * fails and the PIT drives every tick).
		 */
		if (e->function == 1 && deadline > 0)
			e->ecx |= 1u << 24;
	}
	return 0;
}

int arch_irqchip_init(struct vm *vm)
{
	struct kvm_pit_config pit = { .flags = 0 };
	uint64_t ident = X86_IDENT_MAP_ADDR;
	struct x86_vm *x;
	int err;

	x = calloc(1, sizeof(*x));
	if (!x)
		return LKVM_EXIT_ERROR;
	vm->arch = x;
	if (getenv("LKVM_DEBUG_TRIPLE")) {
		x->last_exit = calloc(vm->nr_vcpus, sizeof(*x->last_exit));
		if (!x->last_exit)
			return LKVM_EXIT_ERROR;
	}
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
	return 0;
}

int arch_devices_init(struct vm *vm)
{
	if (vm->opts->arch.testdev && vm->opts->ras_test_port) {
		pr_err("--testdev and --ras-test-port both want port 0xe0; give one of them");
		return LKVM_EXIT_USAGE;
	}
	/* COM1's ISA IRQ 4 is edge-triggered (MP table, MADT: conforms to the bus). */
	if (uart_create(vm, DEV_BUS_PIO, X86_COM1_PORT, X86_COM1_IRQ, ARCH_IRQ_EDGE,
			!vm->opts->virtio_console) ||
	    fw_cfg_create(vm) || x86_platform_ports(vm) ||
	    rtc_create(vm, DEV_BUS_PIO, X86_RTC_PORT, X86_RTC_IRQ) || x86_testdev_create(vm)) {
		pr_err("cannot create platform devices");
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

int arch_irq_line(struct vm *vm, unsigned int irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = (uint32_t)level };

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0 ? -errno : 0;
}

enum arch_irq_trigger arch_irq_trigger(void)
{
	return ARCH_IRQ_LEVEL;
}

unsigned int arch_irq_gsi(unsigned int irq)
{
	return irq;	/* IOAPIC pins are GSIs */
}

void arch_dev_window(struct vm *vm, struct arch_dev_window *w)
{
	(void)vm;
	*w = (struct arch_dev_window){
		.mmio_base = X86_MMIO_DEV_BASE, .mmio_size = X86_MMIO_DEV_END - X86_MMIO_DEV_BASE,
		.irq_first = X86_IRQ_FIRST_FREE, .nr_irqs = X86_IRQ_END - X86_IRQ_FIRST_FREE,
	};
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

/*
 * The vCPUs, the I/O APIC and how to power off, twice: in the ACPI tables,
 * and in the MP table for guests without ACPI (Linux with acpi=off).
 */
int arch_describe(struct vm *vm)
{
	struct x86_vm *x = x86_vm(vm);
	uint8_t aml[2048];
	uint32_t sig, features;
	long aml_len;

	x86_cpu_signature(x, &sig, &features);
	if (mptable_write(&vm->mem, vm->nr_vcpus, sig, features)) {
		pr_err("no room for the MP table at 0x%llx; raise --mem",
		       (unsigned long long)MPTABLE_ADDR);
		return LKVM_EXIT_USAGE;
	}
	/* The registry's virtio-mmio transports: LNRO0005 devices in the DSDT. */
	aml_len = acpi_devices_aml(vm->devices, aml, sizeof(aml));
	/* AMD guests get the GHES source for errors nothing consumed (docs/ras.md). */
	x->ghes = x->amd && !vm->opts->arch.ras_amd_deferred;
	if (aml_len < 0 ||
	    acpi_write_tables(&vm->mem, vm->nr_vcpus, x->boot.rsdp_slot, aml, (size_t)aml_len,
			      x->ghes)) {
		pr_err("no room for the ACPI tables at 0x%llx; raise --mem",
		       (unsigned long long)ACPI_AREA_START);
		return LKVM_EXIT_USAGE;
	}
	if (x->ghes && x86_ghes_init(vm)) {
		pr_err("cannot claim the GHES register at 0x%llx",
		       (unsigned long long)X86_GHES_STATUS_REG);
		return LKVM_EXIT_ERROR;
	}
	return 0;
}

struct x86_load {
	struct vm *vm;
	struct x86_files f;
	char err[256];
};

/*
 * The Linux command line: virtio_mmio.device= for each transport first (for
 * kernels built with CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES), then the user's.
 */
static char *x86_linux_params_virtio(struct vm *vm, const char *user)
{
	const char *v = virtio_mmio_cmdline(vm);
	char *both = NULL, *p;

	if (!*v)
		return x86_linux_params(user);
	if (asprintf(&both, "%s%s%s", v, user && *user ? " " : "", user ? user : "") < 0)
		return NULL;
	p = x86_linux_params(both);
	free(both);
	return p;
}

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
	/* --nodefaults: the user's command line exactly, as in kvmtool. */
	if (l->vm->opts->nodefaults)
		linux_params = strdup(f->params ? f->params : "");
	else
		linux_params = x86_linux_params_virtio(l->vm, f->params);
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
		ret = file_map_input("kernel", o->kernel, &kbuf, &l.f.kernel_size);
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
		ret = file_map_input("initrd", o->initrd, &l.f.initrd, &l.f.initrd_size);
		if (ret) {
			file_unmap(kbuf, l.f.kernel_size);
			return ret;
		}
		l.f.initrd_name = o->initrd;
	}
	l.f.params = o->params;
	ret = guard_call("kernel loader", x86_load_guarded, &l);
	if (ret == -EIO)
		snprintf(l.err, sizeof(l.err), "the kernel or initrd file shrank or could not be read while lkvm loaded it (SIGBUS); try again with a file nobody is changing");
	else if (ret == -EHWPOISON)
		snprintf(l.err, sizeof(l.err), "guest RAM was hit by a host memory error while lkvm loaded the kernel; try again");
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

void arch_vm_exit(struct vm *vm)
{
	struct x86_vm *x = vm->arch;

	if (!x)
		return;
	free(x->cpuid);
	free(x->fw_cfg);
	if (x->bcast)
		pthread_mutex_destroy(&x->bcast_lock);
	free(x->bcast);
	free(x->last_exit);
	free(x);
	vm->arch = NULL;
}
