// SPDX-License-Identifier: GPL-2.0
/*
 * The ppc64 pseries machine (ppc.h): RAM at 0, KVM's in-kernel XICS, an
 * ELF vmlinux, RTAS and the device tree at the top of RAM.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devtree.h"
#include "lkvm/arch.h"
#include "lkvm/dtb.h"
#include "lkvm/elf.h"
#include "lkvm/guard.h"
#include "lkvm/mem-load.h"
#include "lkvm/term.h"
#include "lkvm/util.h"
#include "ppc.h"
#include "rtas.h"

#define EM_PPC64	21

/*
 * The RTAS stub, big-endian (Linux enters RTAS with MSR[LE] clear):
 * mr r4,r3; li r3,0; ori r3,r3,H_RTAS; sc 1; blr
 */
static const uint32_t rtas_stub[] = {
	0x7c641b78, 0x3c600000, 0x6063f000, 0x44000022, 0x4e800020,
};

/* arch_vm_type: the default 0 lets KVM pick HV (the only kind Debian builds). */

int arch_mem_layout(uint64_t ram, struct arch_region *r, int max)
{
	if (max < 1 || ram > PPC_MAX_RAM)
		return 0;
	r[0] = (struct arch_region){ 0, ram };
	return 1;
}

static int ppc_define_rtas_tokens(struct vm *vm)
{
	for (size_t i = 0; i < rtas_nr_services; i++) {
		struct kvm_rtas_token_args t;

		if (rtas_services[i].nargs >= 0)
			continue;	/* lkvm's own: H_RTAS exits for it */
		memset(&t, 0, sizeof(t));
		snprintf(t.name, sizeof(t.name), "%s", rtas_services[i].name);
		t.token = rtas_services[i].token;
		if (ioctl(vm->vm_fd, KVM_PPC_RTAS_DEFINE_TOKEN, &t) < 0) {
			pr_err("KVM_PPC_RTAS_DEFINE_TOKEN %s failed: %s", t.name, strerror(errno));
			return LKVM_EXIT_ERROR;
		}
	}
	return 0;
}

int arch_irqchip_init(struct vm *vm)
{
	struct ppc_vm *p = calloc(1, sizeof(*p));
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };

	if (!p)
		return LKVM_EXIT_ERROR;
	vm->arch = p;
	p->xics_fd = -1;
	p->ile = true;
	p->fwnmi.interlock = -1;
	pthread_mutex_init(&p->lock, NULL);
	if (vm->opts->mem_mib * MiB < PPC_MIN_RAM || vm->opts->mem_mib * MiB > PPC_MAX_RAM) {
		pr_err("--mem %llu MiB: lkvm's ppc64 machine needs %llu MiB to %llu GiB",
		       (unsigned long long)vm->opts->mem_mib, PPC_MIN_RAM >> 20, PPC_MAX_RAM >> 30);
		return LKVM_EXIT_USAGE;
	}
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_PAPR) <= 0) {
		pr_err("this host's KVM cannot run pseries guests (no KVM_CAP_PPC_PAPR); load kvm-hv");
		return LKVM_EXIT_ERROR;
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0) {
		pr_err("cannot create KVM's in-kernel XICS: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	p->xics_fd = (int)cd.fd;
	return ppc_define_rtas_tokens(vm);
}

int arch_devices_init(struct vm *vm)
{
	/* The vty takes terminal input unless --console virtio takes it over. */
	ppc_console_init(ppc_vm(vm));
	return 0;
}

int arch_irq_line(struct vm *vm, unsigned int irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = (uint32_t)level };

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0 ? -errno : 0;
}

enum arch_irq_trigger arch_irq_trigger(void)
{
	return ARCH_IRQ_EDGE;
}

unsigned int arch_irq_gsi(unsigned int irq)
{
	return irq;	/* XICS source numbers are GSIs (book3s_xics.c) */
}

void arch_dev_window(struct vm *vm, struct arch_dev_window *w)
{
	(void)vm;
	*w = (struct arch_dev_window){
		.mmio_base = PPC_MMIO_BASE, .mmio_size = PPC_MMIO_SIZE,
		.irq_first = PPC_IRQ_BASE, .nr_irqs = PPC_NR_IRQS,
	};
}

/*
 * Create XICS source irq in KVM's ICS: server 0, priority 0xff (masked
 * until the guest's ibm,set-xive). Message-like, not level-sensitive: a
 * level source still asserted at the guest's EOI is presented again
 * before KVM tells an irqfd resampler, so each interrupt would be followed
 * by a spurious one; virtio-mmio only needs an edge on each InterruptStatus
 * 0 -> non-zero (the driver acknowledges before it reads the used ring).
 */
int arch_irq_claim(struct vm *vm, unsigned int irq)
{
	uint64_t state = 0xffULL << KVM_XICS_PRIORITY_SHIFT;
	struct kvm_device_attr a = {
		.group = KVM_DEV_XICS_GRP_SOURCES, .attr = irq, .addr = (uint64_t)(uintptr_t)&state,
	};

	if (ioctl(ppc_vm(vm)->xics_fd, KVM_SET_DEVICE_ATTR, &a) < 0) {
		int err = -errno;

		pr_err("cannot create XICS source %u: %s", irq, strerror(-err));
		return err;
	}
	return 0;
}

struct ppc_load {
	struct vm *vm;
	struct elf elf;
	const uint8_t *initrd;
	size_t initrd_size;
};

/* The segments and the initrd into guest RAM (mapped where they can be: mem-load.h); under guard_call(). */
static int ppc_load_guarded(void *arg)
{
	static const uint8_t zero[65536];
	struct ppc_load *l = arg;
	struct ppc_vm *p = ppc_vm(l->vm);
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg s;
	int r, err = 0;

	while (!err && (r = elf_next_load(&l->elf, &it, &s)) > 0) {
		uint64_t pa = s.paddr & ~0xc000000000000000ULL;

		err = mem_load(&l->vm->mem, pa, l->elf.buf + s.offset, s.filesz, "kernel loader",
			       NULL);
		for (uint64_t o = s.filesz; !err && o < s.memsz; o += sizeof(zero))
			err = mem_write(&l->vm->mem, pa + o, zero, MIN(sizeof(zero), s.memsz - o),
					"kernel loader");
	}
	if (!err && l->initrd_size)
		err = mem_load(&l->vm->mem, p->initrd_gpa, l->initrd, l->initrd_size,
			       "kernel loader", NULL);
	return err;
}

/* Check the image and find where it ends: 0, or a message in err. */
static int ppc_elf_check(struct ppc_load *l, char *err, size_t n)
{
	struct ppc_vm *p = ppc_vm(l->vm);
	struct elf_iter it = ELF_ITER_INIT;
	struct elf_seg s;
	uint64_t lowest = UINT64_MAX;
	int r;

	if (l->elf.class != ELF_CLASS64 || l->elf.machine != EM_PPC64) {
		snprintf(err, n, "not a 64-bit PowerPC ELF (machine %u)", l->elf.machine);
		return -1;
	}
	if (l->elf.data != ELF_DATA_LE) {
		snprintf(err, n, "a big-endian kernel: lkvm's ppc64 machine runs little-endian (ppc64el) kernels");
		return -1;
	}
	p->kernel_end = 0;
	while ((r = elf_next_load(&l->elf, &it, &s)) > 0) {
		uint64_t pa = s.paddr & ~0xc000000000000000ULL;

		if (pa > UINT64_MAX - s.memsz) {
			snprintf(err, n, "segment %u wraps around", s.index);
			return -1;
		}
		lowest = MIN(lowest, pa);
		p->kernel_end = MAX(p->kernel_end, pa + s.memsz);
	}
	if (r < 0) {
		snprintf(err, n, "%s", l->elf.err);
		return -1;
	}
	if (lowest != 0) {
		snprintf(err, n, "the kernel loads at physical 0x%llx; lkvm boots kernels linked to run at 0 (vmlinux)",
			 (unsigned long long)(lowest == UINT64_MAX ? 0 : lowest));
		return -1;
	}
	p->entry = l->elf.entry & ~0xc000000000000000ULL;
	if (p->entry >= p->kernel_end) {
		snprintf(err, n, "entry point 0x%llx is outside the kernel", (unsigned long long)l->elf.entry);
		return -1;
	}
	return 0;
}

int arch_load_kernel(struct vm *vm)
{
	struct ppc_vm *p = ppc_vm(vm);
	struct run_opts *o = vm->opts;
	uint64_t ram = o->mem_mib * MiB;
	struct ppc_load l = { .vm = vm };
	const uint8_t *kbuf = NULL;
	size_t ksize = 0;
	char err[256];
	int ret;

	if (!o->kernel) {
		pr_err("lkvm's ppc64 machine has no built-in guest: give a kernel with -k vmlinux");
		return LKVM_EXIT_USAGE;
	}
	ret = file_map_input("kernel", o->kernel, &kbuf, &ksize);
	if (ret)
		return ret;
	ret = elf_open(&l.elf, kbuf, ksize);
	if (ret) {
		pr_err("%s: %s", o->kernel, ret == -ENOEXEC ? "not an ELF file: lkvm's ppc64 machine boots an ELF vmlinux" : l.elf.err);
		ret = LKVM_EXIT_USAGE;
		goto out;
	}
	if (ppc_elf_check(&l, err, sizeof(err))) {
		pr_err("%s: %s", o->kernel, err);
		ret = LKVM_EXIT_USAGE;
		goto out;
	}
	if (o->initrd) {
		ret = file_map_input("initrd", o->initrd, &l.initrd, &l.initrd_size);
		if (ret)
			goto out;
	}
	p->rtas_gpa = ram - PPC_RTAS_SIZE;
	p->fdt_gpa = p->rtas_gpa - PPC_FDT_MAX_SIZE;
	p->initrd_size = l.initrd_size;
	p->initrd_gpa = ALIGN_DOWN(p->fdt_gpa - MIN((uint64_t)l.initrd_size, p->fdt_gpa), 0x10000ULL);
	if (p->kernel_end > p->initrd_gpa || p->fdt_gpa - p->kernel_end < l.initrd_size) {
		pr_err("the kernel (%llu MiB in memory)%s does not fit in --mem %llu MiB with RTAS and the device tree; raise --mem",
		       (unsigned long long)(p->kernel_end >> 20), l.initrd_size ? " with its initrd" : "",
		       (unsigned long long)o->mem_mib);
		ret = LKVM_EXIT_USAGE;
		goto out;
	}
	ret = guard_load_status(guard_call("kernel loader", ppc_load_guarded, &l));
	if (!ret)
		pr_debug("loaded %s (entry 0x%llx, end 0x%llx), initrd %llu bytes at 0x%llx",
			 o->kernel, (unsigned long long)p->entry, (unsigned long long)p->kernel_end,
			 (unsigned long long)l.initrd_size, (unsigned long long)p->initrd_gpa);
out:
	file_unmap(kbuf, ksize);
	file_unmap(l.initrd, l.initrd_size);
	return ret;
}

/* The host's timebase frequency (the guest's is the same). */
static uint32_t ppc_tb_freq(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	unsigned long v = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "timebase : %lu", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v && v <= UINT32_MAX ? (uint32_t)v : 512000000U;
}

static int ppc_fdt_build_cb(const void *d, void *buf, size_t size)
{
	return ppc_fdt_build(d, buf, size);
}

int arch_describe(struct vm *vm)
{
	struct ppc_vm *p = ppc_vm(vm);
	struct kvm_sregs sregs;
	uint32_t stub[ARRAY_SIZE(rtas_stub)];
	struct ppc_fdt_desc d = {
		.nr_cpus = vm->nr_vcpus,
		.ram_size = vm->opts->mem_mib * MiB,
		.rtas_base = p->rtas_gpa,
		.rtas_size = PPC_RTAS_SIZE,
		.bootargs = vm->opts->params,
		.initrd_start = p->initrd_gpa,
		.initrd_size = p->initrd_size,
		.devices = vm->devices,
	};
	int err;

	memset(&sregs, 0, sizeof(sregs));
	if (ioctl(vm->vcpus[0].fd, KVM_GET_SREGS, &sregs) < 0) {
		pr_err("cannot read the vCPU's PVR: %s", strerror(errno));
		return LKVM_EXIT_ERROR;
	}
	p->pvr = (uint32_t)sregs.pvr;
	p->tb_freq = ppc_tb_freq();
	d.pvr = p->pvr;
	d.tb_freq = p->tb_freq;
	for (size_t i = 0; i < ARRAY_SIZE(rtas_stub); i++)
		stub[i] = htobe32(rtas_stub[i]);
	err = mem_write(&vm->mem, p->rtas_gpa, stub, sizeof(stub), "RTAS");
	if (err) {
		pr_err("cannot copy RTAS into guest RAM: %s", strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	return dtb_build_publish(vm, p->fdt_gpa, PPC_FDT_MAX_SIZE, ppc_fdt_build_cb, &d);
}

void arch_vm_exit(struct vm *vm)
{
	struct ppc_vm *p = vm->arch;

	if (!p)
		return;
	term_set_input(NULL, NULL);
	if (p->xics_fd >= 0)
		close(p->xics_fd);
	pthread_mutex_destroy(&p->lock);
	free(p);
	vm->arch = NULL;
}
