/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_PPC_FAKE_REGS_H
#define LKVM_TESTS_UNIT_PPC_FAKE_REGS_H

#include <linux/kvm.h>

/*
 * The unit tests' powerpc/regs.c: each vCPU's registers live here instead
 * of in KVM (indexed by vCPU id), so powerpc/ras.c runs unchanged.
 */
#define PPC_FAKE_VCPUS 2
extern struct kvm_regs ppc_fake_regs[PPC_FAKE_VCPUS];

#endif
