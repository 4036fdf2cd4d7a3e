/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_H
#define LKVM_ARM_H

#include <stdbool.h>
#include <stdint.h>

#include "arch-opts.h"
#include "lkvm/vm.h"

/*
 * The arm64 machine, laid out as kvmtool lays it out so that guests and
 * scripts made for kvmtool find things where they expect them:
 *
 *   0x01000000  16550 UART (8 bytes), SPI 0 (INTID 32)
 *   0x01010000  MMIO devices that ask for room (virtio), up to the GIC
 *   below 1 GiB GICv3 redistributors (128 KiB per vCPU) or GICv2 CPU interface,
 *               with --irqchip gicv3-its the ITS's 128 KiB just below them
 *   0x3fff0000  GIC distributor (64 KiB)
 *   0x80000000  RAM: kernel at its text_offset, initrd and device tree at the top
 */
#define ARM_UART_BASE		0x01000000ULL
#define ARM_MMIO_DEV_BASE	0x01010000ULL
#define ARM_AXI_AREA		0x40000000ULL
#define ARM_GIC_DIST_SIZE	0x10000ULL
#define ARM_GIC_DIST_BASE	(ARM_AXI_AREA - ARM_GIC_DIST_SIZE)
#define ARM_GIC_REDIST_SIZE	0x20000ULL	/* per vCPU: RD_base + SGI_base */
#define ARM_GIC_CPUI_SIZE	0x20000ULL	/* GICv2 CPU interface window */
#define ARM_GIC_CPUI_BASE	(ARM_GIC_DIST_BASE - ARM_GIC_CPUI_SIZE)
#define ARM_GIC_ITS_SIZE	0x20000ULL	/* control frame + GITS_TRANSLATER frame */
#define ARM_RAM_BASE		0x80000000ULL
#define ARM_MAX_RAM		(256ULL << 30)

/* Interrupts: SPIs from INTID 32; the GIC gets 128 lines in all. */
#define ARM_SPI_BASE		32
#define ARM_UART_INTID		32
#define ARM_NR_IRQS		128
/* Architected timer PPIs (INTID - 16): secure phys, phys, virt, hyp; PMU. */
#define ARM_TIMER_PPI_SEC	13
#define ARM_TIMER_PPI_PHYS	14
#define ARM_TIMER_PPI_VIRT	11
#define ARM_TIMER_PPI_HYP	10
#define ARM_PMU_PPI		7
#define ARM_PPI_INTID(ppi)	((ppi) + 16)

/* Where the device tree goes: the top 2 MiB of RAM (arm64 booting.rst: <= 2 MiB). */
#define ARM_FDT_MAX_SIZE	0x200000ULL
/*
 * An ACPI boot (--tables acpi) gives the top MiB of those to the
 * firmware tables (EFI hand-over, ACPI tables, then the GHES area at the
 * very top) and keeps the device tree, /chosen alone, below them.
 */
#define ARM_FW_AREA_SIZE	0x100000ULL

struct arm_vm {
	int gic_fd;
	enum arm_irqchip gic;		/* what was created: V2 or V3 */
	uint64_t redist_base;		/* GICv3 */
	int its_fd;			/* --irqchip gicv3-its: the ITS; else -1 */
	uint64_t its_base;		/* its frames; 0 without one */
	uint64_t entry;			/* kernel entry (guest physical) */
	uint64_t fdt_gpa;
	uint64_t initrd_gpa, initrd_size;
	uint64_t kernel_end;		/* first free byte after the kernel image */
	bool has_serror_esr;		/* KVM_CAP_ARM_INJECT_SERROR_ESR */
	bool has_ext_dabt;		/* KVM_CAP_ARM_INJECT_EXT_DABT */
	unsigned int vcpus_ready;	/* vCPUs through KVM_ARM_VCPU_INIT */
	uint64_t ghes_gpa;		/* ACPI boots: the GHES area (ghes.h); 0 otherwise */
	bool features_known;		/* sve and ptrauth decided (vcpu-features.c) */
	bool sve;			/* the vCPUs have SVE */
	bool ptrauth;			/* the vCPUs have pointer authentication */
};

static inline struct arm_vm *arm_vm(struct vm *vm)
{
	return vm->arch;
}

/* KVM's default MPIDR_EL1 for a vCPU id (arch/arm64/kvm/sys_regs.c reset_mpidr). */
static inline uint64_t arm_mpidr(unsigned int id)
{
	return ((uint64_t)(id & 0x0f)) | ((uint64_t)((id >> 4) & 0xff) << 8) |
	       ((uint64_t)((id >> 12) & 0xff) << 16);
}

/* gic.c */
int gic_create(struct vm *vm, enum arm_irqchip want);
int gic_finish(struct vm *vm);		/* after every vCPU's KVM_ARM_VCPU_INIT */
const char *gic_name(enum arm_irqchip g);

/* firmware.c: an ACPI boot's tables, GHES area and device tree (arch_describe) */
int arm_acpi_describe(struct vm *vm);

/* kvm-cpu.c */
int arm_vcpus_finish(struct vm *vm);	/* vGIC init, then PMUs */

/* vcpu-features.c: SVE and pointer authentication when KVM offers them */
struct kvm_vcpu_init;
struct strbuf;
void arm_vcpu_features_add(struct vm *vm, struct kvm_vcpu_init *init);
int arm_vcpu_features_finalize(struct vcpu *v);	/* after KVM_ARM_VCPU_INIT */
void arm_vcpu_features_show(struct vcpu *v, struct strbuf *o);	/* lkvm debug --dump */

/*
 * The largest vector length in KVM_REG_ARM64_SVE_VLS's 512 bits, in
 * quadwords (bit vq - 1 set: vq * 16 bytes offered); 0 for none.
 */
static inline unsigned int arm_sve_max_vq(const uint64_t vls[8])
{
	for (unsigned int vq = 512; vq > 0; vq--)
		if (vls[(vq - 1) / 64] >> ((vq - 1) % 64) & 1)
			return vq;
	return 0;
}

extern const uint8_t lkvm_builtin_guest[], lkvm_builtin_guest_end[];

#endif
