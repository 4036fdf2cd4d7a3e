/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_UART_H
#define LKVM_HW_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/arch.h"
#include "lkvm/devices.h"

struct vm;

/*
 * A 16550A at base on bus, interrupt line irq (DEV_NO_IRQ: polled only),
 * which the guest's irqchip takes as trig (x86's ISA IRQ 4: edge; arm64's
 * SPI: level). With console set it is the guest console: output to the
 * terminal, and the terminal's input its receive FIFO. The registry owns it
 * from here on: its start hook moves an edge line to an irqfd where KVM
 * has one (a level line would need a resampler thread the UART does not
 * have: it stays on KVM_IRQ_LINE), its destroy hook frees it. 0 or -1.
 */
#define UART_LEN	8
int uart_create(struct vm *vm, enum dev_bus bus, uint64_t base, int irq,
		enum arch_irq_trigger trig, bool console);

#endif
