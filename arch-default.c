// SPDX-License-Identifier: GPL-2.0
/*
 * The arch hooks with a default (arch.h, "(default)"): weak definitions
 * that an arch overrides by defining the hook itself. Kept here, not
 * copied into each arch, so that what differs between arches is only what
 * an arch file says.
 */
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/vm.h"

__attribute__((weak)) unsigned long arch_vm_type(struct vm *vm)
{
	(void)vm;
	return 0;	/* x86's only machine; arm64's 40-bit IPA space; ppc64: KVM picks HV */
}

__attribute__((weak)) unsigned int arch_page_shift(void)
{
	return (unsigned int)__builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
}

__attribute__((weak)) enum arch_exit arch_vcpu_run_error(struct vcpu *v, int err)
{
	(void)v;
	(void)err;
	return ARCH_EXIT_UNHANDLED;	/* memory errors arrive as SIGBUS */
}

__attribute__((weak)) int arch_irq_claim(struct vm *vm, unsigned int irq)
{
	(void)vm;
	(void)irq;
	return 0;	/* lines exist as soon as the irqchip does */
}

__attribute__((weak)) int arch_kernel_unpack(const uint8_t *k, size_t n, uint8_t **out,
					     size_t *outlen)
{
	(void)k;
	(void)n;
	(void)out;
	(void)outlen;
	return 1;	/* arm64's Image and ppc64's vmlinux are not compressed */
}
