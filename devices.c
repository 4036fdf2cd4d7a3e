// SPDX-License-Identifier: GPL-2.0
/* The device registry: devices claim bus ranges and describe themselves. */
#include <errno.h>
#include <stddef.h>

#include "lkvm/arch.h"
#include "lkvm/devices.h"
#include "lkvm/vm.h"

const char *dev_bus_name(enum dev_bus bus)
{
	return bus == DEV_BUS_PIO ? "pio" : "mmio";
}

int device_register(struct vm *vm, struct device *d)
{
	struct io_bus *bus = d->bus == DEV_BUS_PIO ? &vm->pio : &vm->mmio;
	struct device **tail = &vm->devices;
	int err;

	err = io_bus_register(bus, d->base, d->len, d->io, d->opaque, d->name);
	if (err)
		return err;
	while (*tail)
		tail = &(*tail)->next;
	d->next = NULL;
	*tail = d;
	return 0;
}

int devices_describe(struct vm *vm, void *ctx)
{
	for (const struct device *d = vm->devices; d; d = d->next) {
		int err = d->describe ? d->describe(d, ctx) : 0;

		if (err)
			return err;
	}
	return 0;
}

int device_irq_set(struct vm *vm, const struct device *d, int level)
{
	if (d->irq < 0)
		return 0;
	return arch_irq_line(vm, (unsigned int)d->irq, level);
}
