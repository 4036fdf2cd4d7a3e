/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARCH_H
#define LKVM_ARCH_H

#include <stddef.h>
#include <stdint.h>

/*
 * What each architecture directory provides to the core. Exactly one arch is
 * linked in, so these are plain functions: no #ifdef in the core.
 */
struct vm;
struct vcpu;
struct ras_ops;

struct arch_region {
	uint64_t gpa, size;
};

/* Split ram bytes into guest-physical regions; returns how many. */
int arch_mem_layout(uint64_t ram, struct arch_region *r, int max);
/* Interrupt controller, timers, platform devices. */
int arch_vm_init(struct vm *vm);
/*
 * Load the kernel (or the built-in guest). Returns 0, LKVM_EXIT_USAGE for
 * bad input files, LKVM_EXIT_ERROR otherwise; message printed.
 */
int arch_load_kernel(struct vm *vm);
int arch_vcpu_init(struct vcpu *v);
/* Exits the core does not handle; returns 0 to go on running. */
int arch_handle_exit(struct vcpu *v);
/* Guest reset request or a vm_destroy. */
void arch_vm_exit(struct vm *vm);
/* The policy module for memory errors. */
const struct ras_ops *arch_ras_ops(void);
/* Console input byte(s) for the guest's console device. */
void arch_console_input(struct vm *vm, const uint8_t *buf, size_t n);

#endif
