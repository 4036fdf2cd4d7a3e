/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_H
#define LKVM_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "lkvm/io-bus.h"

/*
 * The device registry, one per VM (vm->devices). Each device registers
 * itself (name, kind, bus, range, interrupt line, handler, optional
 * hooks) while the VM is built; the registry claims the range on the right
 * I/O bus. The core owns the rest of a device's life:
 *
 *   room      device_mmio_alloc() / device_irq_alloc() hand out MMIO and
 *             lines from the window the arch gives (arch_dev_window());
 *   describe  the arch's device tree and x86's DSDT walk the registry
 *             (for_each_device) and write each device from its kind and
 *             resources: nobody keeps a private list;
 *   start     once the VM is built (the irqchip initialised), the "device
 *             interrupts" stage calls every start hook (irqfds);
 *   destroy   vm_destroy() calls every destroy hook, newest first, before
 *             arch_vm_exit().
 *
 * The core never lists devices; the arch and the options decide which exist.
 */
struct vm;

enum dev_bus {
	DEV_BUS_PIO,		/* x86 port I/O (KVM_EXIT_IO) */
	DEV_BUS_MMIO,		/* memory-mapped (KVM_EXIT_MMIO) */
};

/*
 * What a device is, for the machine description: a writer turns each kind
 * into its node (the same for every device of the kind), so a new virtio
 * device is described without touching a writer.
 */
enum dev_kind {
	DEV_KIND_PLATFORM,	/* part of the machine: not described (x86 ports, RTC) */
	DEV_KIND_UART,		/* 16550A: "uart@BASE", compatible "ns16550a" */
	DEV_KIND_VIRTIO_MMIO,	/* "virtio@BASE", "virtio,mmio"; ACPI LNRO0005 */
};

#define DEV_NO_IRQ	(-1)

struct device {
	const char *name;	/* "uart", "virtio-blk0": stat lines and logs */
	enum dev_kind kind;
	enum dev_bus bus;
	uint64_t base, len;
	int irq;		/* guest interrupt line (arch numbering), or DEV_NO_IRQ */
	io_fn io;
	void *opaque;		/* handed to io */
	/* Optional hooks, NULL: nothing to do. d is this struct; d->opaque the device. */
	int (*start)(struct vm *vm, struct device *d);	/* VM built: 0 or exit status */
	void (*destroy)(struct vm *vm, struct device *d);	/* may free d */
	size_t (*stats)(const struct device *d, char *buf, size_t n);	/* `lkvm stat` lines */
	struct device *next;	/* registry order */
};

#define for_each_device(head, d) \
	for (const struct device *d = (head); d; d = d->next)

/* The node name and compatible string of a kind ("virtio", "virtio,mmio"); NULL: none. */
const char *dev_kind_node(enum dev_kind k);
const char *dev_kind_compatible(enum dev_kind k);

/* d must live until its destroy hook (or the VM's end). 0 or -errno (range taken, bus full). */
int device_register(struct vm *vm, struct device *d);
/* Undo device_register(): the range leaves the bus, d the registry. */
void device_unregister(struct vm *vm, struct device *d);
/* How many registered devices are of kind k. */
unsigned int devices_count(struct vm *vm, enum dev_kind k);

/*
 * The allocator. devices_init() takes the arch's window (arch.h) and must
 * run before the first allocation (the "devices" stage does it). MMIO comes
 * in 4 KiB-aligned pieces, lines one at a time, each after
 * arch_irq_claim() agreed. 0, or -ENOSPC when the window is used up,
 * -EINVAL for a size of 0, or the claim's error; nothing is used up then.
 */
#define DEV_MMIO_ALIGN	4096ULL
struct dev_room {		/* what is left of the window (vm->dev_room) */
	uint64_t mmio_next, mmio_left;	/* next free address, bytes from there */
	unsigned int irq_next, irq_left;
};
void devices_init(struct vm *vm);
int device_mmio_alloc(struct vm *vm, uint64_t size, uint64_t *gpa);
int device_irq_alloc(struct vm *vm, unsigned int *irq);

/* Every start hook, in registration order: 0, or the first failure's exit status. */
int devices_start(struct vm *vm);
/* Every destroy hook, newest device first; the registry is empty afterwards. */
void devices_destroy(struct vm *vm);
/* Every stats hook's lines into buf; returns the length. */
size_t devices_stats(struct vm *vm, char *buf, size_t n);
const char *dev_bus_name(enum dev_bus bus);

#endif
