/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PPC_H
#define LKVM_PPC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lkvm/arch.h"
#include "lkvm/vm.h"

/*
 * The ppc64 pseries machine: no firmware. RAM starts at 0 and the kernel
 * (an ELF vmlinux) is loaded at its physical addresses, which start at 0:
 * secondary vCPUs start in the kernel's __secondary_hold loop at 0x60, as
 * kexec leaves them. At the top of RAM, from high to low:
 *
 *   top - 64 KiB   RTAS: a 20-byte stub that makes the H_RTAS hcall, then
 *                  at +0x30 the FWNMI error-log buffer (saved r3 + 72 bytes)
 *   below it       the device tree (at most 1 MiB)
 *   below it       the initrd
 *
 * The console is the PAPR vty (H_PUT_TERM_CHAR/H_GET_TERM_CHAR), the
 * interrupt controller KVM's in-kernel XICS.
 *
 * virtio-mmio transports sit above the largest RAM lkvm gives (1 TiB), 4 KiB
 * apart from PPC_MMIO_BASE, each with its own XICS source from PPC_IRQ_BASE
 * (the numbers QEMU's pseries gives its devices). The sources are
 * message-like (edge): see arch_irq_claim() in kvm.c.
 */
#define PPC_RTAS_SIZE		0x10000ULL	/* one 64 KiB page */
#define PPC_RTAS_LOG_OFFSET	0x30		/* saved r3, then the error log */
#define PPC_FDT_MAX_SIZE	0x100000ULL
#define PPC_MIN_RAM		(64ULL << 20)
#define PPC_MAX_RAM		(1ULL << 40)
#define PPC_VTY_REG		0x30000000U	/* the vty's unit address = its termno */
#define PPC_MMIO_BASE		(1ULL << 40)
#define PPC_MMIO_SIZE		0x100000ULL	/* 256 transports, 4 KiB apart */
#define PPC_IRQ_BASE		0x1000U
#define PPC_NR_IRQS		64U
#define PPC_SECONDARY_ENTRY	0x60		/* __secondary_hold in head_64.S */
/* FWNMI handlers must be real-mode addresses below 32 MiB (PAPR, QEMU). */
#define PPC_FWNMI_LIMIT		(32ULL << 20)

/* MSR bits (Power ISA). */
#define PPC_MSR_SF		(1ULL << 63)
#define PPC_MSR_PR		(1ULL << 14)
#define PPC_MSR_ME		(1ULL << 12)
#define PPC_MSR_IR		(1ULL << 5)
#define PPC_MSR_DR		(1ULL << 4)
#define PPC_MSR_RI		(1ULL << 1)
#define PPC_MSR_LE		(1ULL << 0)
#define PPC_LPCR_ILE		0x2000000ULL

struct ppc_fwnmi {
	uint64_t sreset_addr;		/* 0: not registered */
	uint64_t mce_addr;
	int interlock;			/* vCPU reading the error log, or -1 */
};

struct ppc_vm {
	int xics_fd;
	uint64_t entry;			/* kernel entry (guest physical) */
	uint64_t kernel_end;
	uint64_t rtas_gpa, fdt_gpa;
	uint64_t initrd_gpa, initrd_size;
	uint32_t pvr;
	uint32_t tb_freq;
	bool ile;			/* interrupts little-endian (LPCR_ILE) */
	int64_t tod_offset;		/* set-time-of-day minus host time, s */
	pthread_mutex_t lock;		/* fwnmi, console input */
	struct ppc_fwnmi fwnmi;
	bool fwnmi_kvm;			/* KVM_CAP_PPC_FWNMI enabled (VM-wide) */
	/*
	 * Per vCPU: since when KVM_RUN has failed with EFAULT on a page lkvm
	 * does not know yet (its early-kill SIGBUS not handled yet), 0: not.
	 * Only that vCPU's thread writes it.
	 */
	uint64_t efault_since[RUN_MAX_CPUS];
	/* vty input from the terminal, taken by H_GET_TERM_CHAR */
	uint8_t in[4096];
	unsigned int in_head, in_tail;
};

static inline struct ppc_vm *ppc_vm(struct vm *vm)
{
	return vm->arch;
}

/* Guest interrupt endianness as an MSR bit. */
static inline uint64_t ppc_intr_msr(const struct ppc_vm *p)
{
	return PPC_MSR_SF | PPC_MSR_ME | (p->ile ? PPC_MSR_LE : 0);
}

/* console.c: the vty's input side */
void ppc_console_init(struct ppc_vm *p);
size_t ppc_console_take(struct ppc_vm *p, uint8_t *buf, size_t n);

/* regs.c: a vCPU's registers (0 or -errno) */
int ppc_get_regs(struct vcpu *v, struct kvm_regs *r);
int ppc_set_regs(struct vcpu *v, const struct kvm_regs *r);
/*
 * As the next KVM_RUN will see them: after an hcall exit KVM writes r3-r12
 * from run->papr_hcall, so these read them from there and write them back
 * there.
 */
int ppc_regs_now(struct vcpu *v, struct kvm_regs *r);
int ppc_regs_set(struct vcpu *v, const struct kvm_regs *r);
/* hcall-exit.c: KVM_EXIT_PAPR_HCALL */
enum arch_exit ppc_hcall_exit(struct vcpu *v);
/* ras.c: machine checks (KVM_EXIT_NMI, memory errors), FWNMI registration */
enum arch_exit ppc_nmi_exit(struct vcpu *v);
int ppc_fwnmi_register(struct vcpu *v, uint64_t sreset, uint64_t mce);
void ppc_fwnmi_interlock(struct vcpu *v);

#endif
