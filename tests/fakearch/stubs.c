// SPDX-License-Identifier: GPL-2.0
/* The sketch port's machine: every arch.h hook, refusing to build a VM. */
#include <errno.h>
#include <stdio.h>

#include "lkvm/arch.h"
#include "lkvm/util.h"

unsigned long arch_vm_type(struct vm *vm) { return 0; }
unsigned int arch_page_shift(void) { return 12; }
int arch_mem_layout(uint64_t ram, struct arch_region *r, int max) { return 0; }
int arch_irqchip_init(struct vm *vm)
{
	pr_err("the fake machine cannot run guests");
	return LKVM_EXIT_ERROR;
}
int arch_devices_init(struct vm *vm) { return -ENODEV; }
int arch_load_kernel(struct vm *vm) { return LKVM_EXIT_ERROR; }
int arch_describe(struct vm *vm) { return -ENODEV; }
int arch_vcpu_init(struct vcpu *v) { return -ENODEV; }
enum arch_exit arch_handle_exit(struct vcpu *v) { return ARCH_EXIT_UNHANDLED; }
enum arch_exit arch_vcpu_run_error(struct vcpu *v, int err) { return ARCH_EXIT_UNHANDLED; }
size_t arch_vcpu_dump(struct vcpu *v, char *buf, size_t n) { return 0; }
size_t arch_vcpu_show(struct vcpu *v, char *buf, size_t n) { return 0; }
int arch_vcpu_nmi(struct vcpu *v, char *msg, size_t n) { return -ENOSYS; }
int arch_irq_line(struct vm *vm, unsigned int irq, int level) { return -ENODEV; }
enum arch_irq_trigger arch_irq_trigger(void) { return ARCH_IRQ_EDGE; }
unsigned int arch_irq_gsi(unsigned int irq) { return irq; }
int arch_mmio_alloc(struct vm *vm, uint64_t size, uint64_t *gpa) { return -ENOSPC; }
int arch_irq_alloc(struct vm *vm, unsigned int *irq) { return -ENOSPC; }
void arch_vm_exit(struct vm *vm) { }
const struct ras_ops *arch_ras_ops(void) { return NULL; }
