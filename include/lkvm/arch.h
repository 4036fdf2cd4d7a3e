/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARCH_H
#define LKVM_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The contract between the core and an architecture directory (x86/, arm/,
 * powerpc/). Exactly one arch is linked in, so these are plain functions
 * and the core has no #ifdef. vm_create() calls them in this order (see
 * vm.c's stage table):
 *
 *   arch_vm_type      KVM_CREATE_VM's type (ppc64 HV, arm64 IPA size)
 *   arch_mem_layout   guest-physical regions of RAM
 *   arch_irqchip_init interrupt controller and timers, before any vCPU
 *   (vCPUs created)
 *   arch_dev_window   where devices that ask for room go (devices.c allocates)
 *   arch_devices_init platform devices (devices.h registry); then the core
 *                     creates the virtio devices the options ask for
 *   arch_load_kernel  kernel, initrd, boot parameters
 *   arch_describe     machine description once devices and kernel exist:
 *                     MP table and ACPI on x86, a device tree elsewhere,
 *                     each written from the registry (for_each_device)
 *   (ras_init)
 *   arch_vcpu_init    per vCPU; the arch calls ras_vcpu_setup() where its
 *                     own steps allow (x86: before CPUID, which advertises
 *                     what it set up; arm64: after KVM_ARM_VCPU_INIT)
 *   (device start hooks: irqfds)
 *
 * Hooks marked "(default)" have a weak definition in arch-default.c that
 * fits every arch so far; an arch defines its own only to differ (ppc64's
 * arch_vcpu_run_error and arch_irq_claim do). Every other hook has no
 * default: a new arch that forgets one fails to link.
 */
struct vm;
struct vcpu;
struct ras_ops;

struct arch_region {
	uint64_t gpa, size;
};

/* What the commands' help and the README say about this machine. */
struct arch_info {
	const char *name;		/* "x86" */
	const char *kernels;		/* formats -k takes, one phrase */
	const char *initrd;		/* what -i is for these kernels */
	const char *console;		/* --console serial: which device, where */
	const char *guest_exit;		/* how a guest reports an exit code (NULL: it cannot) */
	const char *crash;		/* what status 8 means here */
	const struct arch_option *options;	/* its own `lkvm run` options (NULL: none) */
	bool device_tree;		/* boots with a device tree: --dump-dtb FILE */
};

const struct arch_info *arch_info(void);

/*
 * A `lkvm run` option only this machine has, as data. The arch keeps the
 * values in its own struct arch_opts (ARCH/arch-opts.h, which
 * include/lkvm/run-opts.h embeds as run_opts.arch) and lists its options in
 * a table ended by a row with a NULL name (arch_info()->options). The core
 * splices the table into its getopt_long table and its --help; the names
 * of every arch's options are in one core table (run-opts-arch.c) that refuses
 * another machine's option with a reason. Adding an option edits only the
 * arch's files and that table.
 */
struct arch_opts;
struct arch_option {
	const char *name;	/* the long name, without "--": "irqchip" */
	int has_arg;		/* getopt.h: no_argument or required_argument */
	const char *help;	/* its lines in `lkvm run --help`, each ending in "\n" */
	/*
	 * Store arg (NULL for a no_argument option) in a and return 0, or
	 * return -1 with one line for the user in err.
	 */
	int (*parse)(struct arch_opts *a, const char *arg, char *err, size_t errlen);
};
/* (default) 0: the host's default machine. */
unsigned long arch_vm_type(struct vm *vm);
/* Split ram bytes into guest-physical regions; returns how many. */
int arch_mem_layout(uint64_t ram, struct arch_region *r, int max);
int arch_irqchip_init(struct vm *vm);
int arch_devices_init(struct vm *vm);
/*
 * Load the kernel (or the built-in guest). Returns 0, or an exit status
 * (LKVM_EXIT_USAGE for bad input files) with the message printed.
 */
int arch_load_kernel(struct vm *vm);
int arch_describe(struct vm *vm);
int arch_vcpu_init(struct vcpu *v);

enum arch_exit {
	ARCH_EXIT_CONTINUE,	/* handled: run the vCPU again */
	ARCH_EXIT_STOP,		/* handled: the VM is stopping (status set) */
	ARCH_EXIT_UNHANDLED,	/* not an exit this arch knows */
};
/* Exits the core does not handle (the core does I/O, MMIO, signals). */
enum arch_exit arch_handle_exit(struct vcpu *v);
/*
 * KVM_RUN failed with err (not EINTR/EAGAIN): ARCH_EXIT_UNHANDLED lets the
 * core stop the VM with the error. (default) ARCH_EXIT_UNHANDLED: memory
 * errors arrive as SIGBUS. (ppc64 KVM-HV: EFAULT is a guest access to a
 * poisoned page.)
 */
enum arch_exit arch_vcpu_run_error(struct vcpu *v, int err);
/* A short register summary for error messages, e.g. "pc 0x1234 sp 0x...". */
size_t arch_vcpu_dump(struct vcpu *v, char *buf, size_t n);
/*
 * `lkvm debug --dump`: every register worth reading and the instruction
 * bytes around the PC (read with mem_read), several lines, into buf. Called
 * on v's own thread, outside KVM_RUN. Returns the length written.
 */
size_t arch_vcpu_show(struct vcpu *v, char *buf, size_t n);
/*
 * `lkvm debug --nmi`: a non-maskable interrupt to v, on v's own thread.
 * Returns 0, or -errno with the reason in msg (no NMI on this arch).
 */
int arch_vcpu_nmi(struct vcpu *v, char *msg, size_t n);

/* Raise or lower a guest interrupt line of the in-kernel irqchip. */
int arch_irq_line(struct vm *vm, unsigned int irq, int level);
/*
 * How the lines device_irq_alloc() gives are triggered. ARCH_IRQ_LEVEL (x86
 * IOAPIC pins, arm64 SPIs): the line stays up until lowered; an irqfd for
 * it needs a resampler. ARCH_IRQ_EDGE (ppc64 XICS message sources): each
 * raise is one interrupt, lowering does nothing; an irqfd is a plain one.
 */
enum arch_irq_trigger { ARCH_IRQ_LEVEL, ARCH_IRQ_EDGE };
enum arch_irq_trigger arch_irq_trigger(void);
/* KVM's GSI (KVM_IRQFD) for a guest interrupt line. */
unsigned int arch_irq_gsi(unsigned int irq);
/*
 * Room for devices that ask for it (device_mmio_alloc/device_irq_alloc):
 * MMIO [mmio_base, mmio_base + mmio_size), lines [irq_first, irq_first +
 * nr_irqs), clear of RAM, the irqchip and the fixed platform devices.
 * Asked once per build, after arch_irqchip_init (arm64's window ends where
 * its GIC begins).
 */
struct arch_dev_window {
	uint64_t mmio_base, mmio_size;
	unsigned int irq_first, nr_irqs;
};
void arch_dev_window(struct vm *vm, struct arch_dev_window *w);
/*
 * (default) 0. Make line irq usable before a device gets it (ppc64: create
 * the XICS source in KVM). 0, or -errno with the message printed.
 */
int arch_irq_claim(struct vm *vm, unsigned int irq);

/*
 * Guest reset request or vm_destroy(), after every device's destroy hook
 * (devices_destroy): free what the arch allocated.
 */
void arch_vm_exit(struct vm *vm);
/* The policy module for memory errors (NULL: none; errors then stop). */
const struct ras_ops *arch_ras_ops(void);
/*
 * log2 of the smallest memory-error extent on this host: used when the
 * kernel does not say (si_addr_lsb 0) and for errors that come from a vCPU
 * exit instead of a signal. (default) The host's page size (4 KiB on x86,
 * 4/16/64 KiB on arm64, 64 KiB on ppc64).
 */
unsigned int arch_page_shift(void);
/*
 * (default) 1. The kernel image k as a file this arch boots without the
 * guest decompressing it (x86: a bzImage's xz-packed vmlinux, which has a
 * PVH entry): 0 with *out (malloc'ed) and *outlen; 1 when k is not such an
 * image; -1 when it looks like one but does not unpack. Nothing printed.
 */
int arch_kernel_unpack(const uint8_t *k, size_t n, uint8_t **out, size_t *outlen);

#endif
