// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI S3 (suspend to RAM) for one-vCPU guests: the guest writes SLP_TYP 1
 * with SLP_EN (its DSDT's \_S3_); lkvm keeps RAM as it is, parks the vCPU
 * until the RTC alarm the guest armed (register B AIE) goes off or the user
 * runs `lkvm resume`, then sets WAK_STS and restarts the vCPU as firmware
 * would: in real mode at the FACS's firmware waking vector (CS = vector >> 4,
 * IP = vector & 0xf). Refused, with the reason, for more vCPUs (their DSDT
 * has no \_S3_) and without a waking vector.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "acpi.h"
#include "hw/rtc.h"
#include "lkvm/util.h"
#include "x86.h"

#define FACS_WAKING_VECTOR	12

static void seg_real(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct kvm_segment){
		.base = (uint64_t)sel << 4, .limit = 0xffff, .selector = sel, .type = type,
		.present = 1, .s = 1,
	};
}

/* Firmware's hand-over at a waking vector: real mode, interrupts off. */
static int x86_wake_at(struct vcpu *v, uint32_t vector)
{
	struct kvm_sregs sr;
	struct kvm_regs r = { .rip = vector & 0xf, .rflags = 0x2 };

	if (ioctl(v->fd, KVM_GET_SREGS, &sr) < 0)
		return -errno;
	seg_real(&sr.cs, (uint16_t)(vector >> 4), 0xb);
	seg_real(&sr.ds, 0, 0x3);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.tr.type = 0xb;			/* busy 32-bit TSS: what KVM wants of TR */
	sr.ldt.type = 0x2;
	sr.gdt = (struct kvm_dtable){ .base = 0, .limit = 0xffff };
	sr.idt = (struct kvm_dtable){ .base = 0, .limit = 0x3ff };
	sr.cr0 = 0x60000010;			/* CD, NW, ET: the reset value */
	sr.cr2 = sr.cr3 = sr.cr4 = 0;
	sr.efer = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &sr) < 0 || ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return -errno;
	return 0;
}

/*
 * KVM finishes an OUT that exited to user space at the next KVM_RUN; run
 * it now, returning at once, so the new registers are not moved past it.
 */
static void x86_finish_pio(struct vcpu *v)
{
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	(void)ioctl(v->fd, KVM_RUN, 0);
	__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
}

void x86_sleep_s3(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint8_t b[4];
	uint32_t vector;
	int64_t wake;
	int woke, err;

	if (vm->nr_vcpus != 1) {
		vm_request_stop(vm, LKVM_EXIT_ERROR,
				"the guest asked for ACPI S3 (suspend to RAM): lkvm suspends one-vCPU guests only (the DSDT of a %u-vCPU guest has no \\_S3_)",
				vm->nr_vcpus);
		return;
	}
	if (mem_read(&vm->mem, ACPI_FACS_ADDR + FACS_WAKING_VECTOR, b, 4, "S3 waking vector")) {
		vm_request_stop(vm, LKVM_EXIT_ERROR, "S3: cannot read the FACS's waking vector");
		return;
	}
	vector = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	if (!vector || vector >= 0x100000) {
		vm_request_stop(vm, LKVM_EXIT_ERROR,
				"the guest asked for ACPI S3 with FACS waking vector 0x%x, which real mode cannot reach; nothing to resume at",
				vector);
		return;
	}
	x86_finish_pio(v);
	wake = rtc_wake_at();
	pr_debug("guest suspended to RAM (ACPI S3); wakes at vector 0x%x on %s", vector,
		 wake < 0 ? "lkvm resume" : "its RTC alarm or lkvm resume");
	woke = vm_sleep(vm, wake);
	if (woke < 0)
		return;
	x86_pm1_wake();
	err = x86_wake_at(v, vector);
	if (err)
		vm_request_stop(vm, LKVM_EXIT_ERROR, "S3: cannot restart vCPU 0 at 0x%x: %s", vector,
				strerror(-err));
	else
		pr_debug("guest woken from S3 by %s", woke ? "lkvm resume" : "its RTC alarm");
}
