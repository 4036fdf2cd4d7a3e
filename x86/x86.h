/* SPDX-License-Identifier: GPL-2.0 */
/* The x86 machine's state (struct x86_vm) and what its files share: CPUID, MCE, boot. */
#ifndef LKVM_X86_H
#define LKVM_X86_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "boot.h"
#include "lkvm/vm.h"
#include "mce.h"

struct vm;

#define X86_CPUID_MAX 128

struct x86_vm {
	struct x86_boot boot;
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID, patched per vCPU */
	bool amd;			/* guest CPU vendor AuthenticAMD/HygonGenuine */
	void *fw_cfg;
	/* machine-check set-up, filled by x86/ras.c */
	uint64_t mcg_cap;
	unsigned int mce_banks;
	int mce_error;			/* why set-up failed, as -errno; 0 ok */
	/*
	 * The GHES source of AMD guests (acpi.h, ghes.h): in the tables, and
	 * when the guest last read its error status address register
	 * (mono_ns(); 0 never), written by the vCPU thread of that MMIO exit.
	 */
	bool ghes;
	uint64_t ghes_polled_ns;
	/*
	 * Broadcast companions waiting for their vCPU (Intel guests, see
	 * mce_plan()): one slot per vCPU, filled by the vCPU that injected the
	 * error, delivered by the slot's own vCPU thread before its next
	 * KVM_RUN (vCPU ioctls belong to that thread).
	 */
	pthread_mutex_t bcast_lock;
	struct x86_bcast {
		bool pending;
		struct mce_delivery d;
	} *bcast;
	/*
	 * LKVM_DEBUG_TRIPLE=1: each vCPU's RIP, CR3 and IDT at its last exit,
	 * for the page walk printed after a triple fault (x86/pt-walk.c).
	 */
	struct x86_last_exit {
		bool valid;
		uint64_t rip, cr0, cr3, cr4, idt_base;
	} *last_exit;
};

static inline struct x86_vm *x86_vm(struct vm *vm)
{
	return vm->arch;
}

struct mem_map;
struct strbuf;
/*
 * pt-walk.c: one line, each level's entry of @va's walk from @cr3 (5 levels
 * with @la57); returns
 * the guest physical address, or X86_PT_NONE.
 */
#define X86_PT_NONE	(~0ULL)
uint64_t x86_pt_walk(const struct mem_map *m, uint64_t cr3, bool la57, uint64_t va,
		     struct strbuf *o);

/* Platform devices, each registering itself (devices.h). */
int fw_cfg_create(struct vm *vm);
int x86_platform_ports(struct vm *vm);
/* testdev.c: --testdev's ports and MMIO window (nothing without the option). */
#define TESTDEV_MEM_BASE	0xff000000ULL
#define TESTDEV_MEM_LEN		0x10000ULL
int x86_testdev_create(struct vm *vm);
/* sleep.c: the guest wrote SLP_TYP 1 | SLP_EN (ACPI S3); on v's thread, in the PIO exit. */
void x86_sleep_s3(struct vcpu *v);
/* platform.c: set PM1 status WAK_STS (the guest woke from S3). */
void x86_pm1_wake(void);
/* The built-in guest image, linked into lkvm. */
extern const uint8_t lkvm_builtin_guest[];
extern const uint8_t lkvm_builtin_guest_end[];

#endif
