/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_H
#define LKVM_DEVICES_H

#include <stdint.h>

#include "lkvm/io-bus.h"

/*
 * The device registry. Each device registers itself (name, bus, range,
 * interrupt line, handler) while the VM is built; the registry claims the
 * range on the right I/O bus and later lets every device describe itself
 * in the arch's machine description (a device-tree node, an ACPI entry).
 * The core never lists devices; the arch and options decide which exist.
 */
struct vm;

enum dev_bus {
	DEV_BUS_PIO,		/* x86 port I/O (KVM_EXIT_IO) */
	DEV_BUS_MMIO,		/* memory-mapped (KVM_EXIT_MMIO) */
};

#define DEV_NO_IRQ	(-1)

struct device {
	const char *name;
	enum dev_bus bus;
	uint64_t base, len;
	int irq;		/* guest interrupt line, or DEV_NO_IRQ */
	io_fn io;
	void *opaque;		/* handed to io and describe */
	/* Optional: add this device to the arch's description (ctx: the arch's). */
	int (*describe)(const struct device *d, void *ctx);
	struct device *next;	/* registry order */
};

/* d must live as long as the VM. Returns 0 or -errno (range taken, bus full). */
int device_register(struct vm *vm, struct device *d);
/* Call every registered device's describe hook, in registration order. */
int devices_describe(struct vm *vm, void *ctx);
/* Level-triggered interrupt of a device (no-op without a line). */
int device_irq_set(struct vm *vm, const struct device *d, int level);
const char *dev_bus_name(enum dev_bus bus);

#endif
