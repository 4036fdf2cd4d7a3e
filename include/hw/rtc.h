/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_RTC_H
#define LKVM_HW_RTC_H

#include <stdint.h>

#include "lkvm/devices.h"

struct vm;

/*
 * MC146818 real-time clock and CMOS RAM: an index and a data register at
 * base on bus (x86: ports 0x70/0x71). Reads the host's UTC clock.
 */
int rtc_create(struct vm *vm, enum dev_bus bus, uint64_t base);

#endif
