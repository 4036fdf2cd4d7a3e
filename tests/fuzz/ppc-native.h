/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For fuzz-ppc64 built natively (x86): the two ppc64 KVM constants
 * powerpc/hcall.c takes from the ppc64 <asm/kvm.h> (values as there).
 */
#ifndef KVM_PPC_MMUV3_RADIX
#define KVM_PPC_MMUV3_RADIX	1
#define KVM_PPC_MMUV3_GTSE	2
#endif
