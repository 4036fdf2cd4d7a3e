/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_RTC_H
#define LKVM_HW_RTC_H

#include <stdint.h>

#include "lkvm/devices.h"

struct vm;

/*
 * MC146818 real-time clock and CMOS RAM: an index and a data register at
 * base on bus (x86: ports 0x70/0x71). Reads the host's UTC clock. Its
 * update-ended, alarm and periodic interrupts raise line irq (x86: ISA
 * IRQ 8) from a thread of its own; DEV_NO_IRQ: none, and no thread.
 */
int rtc_create(struct vm *vm, enum dev_bus bus, uint64_t base, int irq);
/*
 * When the alarm next goes off, in host CLOCK_REALTIME nanoseconds, if the
 * guest enabled its interrupt (register B AIE): what wakes a sleeping
 * guest. -1: no alarm armed (or no RTC).
 */
int64_t rtc_wake_at(void);

#endif
