/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_UART_H
#define LKVM_HW_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/devices.h"

struct vm;
struct uart;

/*
 * A 16550A at base on bus, interrupt line irq (DEV_NO_IRQ: polled only).
 * With console set it is the guest console: output to the terminal, and
 * the terminal's input its receive FIFO.
 */
struct uart *uart_create(struct vm *vm, enum dev_bus bus, uint64_t base, int irq, bool console);
void uart_destroy(struct uart *u);

#endif
