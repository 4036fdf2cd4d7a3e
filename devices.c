// SPDX-License-Identifier: GPL-2.0
/* The device registry (devices.h): ranges, room, and each device's start and end. */
#include <errno.h>
#include <stddef.h>

#include "lkvm/arch.h"
#include "lkvm/devices.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static const struct {
	const char *node, *compatible;
} dev_kinds[] = {
	[DEV_KIND_PLATFORM] = { NULL, NULL },
	[DEV_KIND_UART] = { "uart", "ns16550a" },
	[DEV_KIND_VIRTIO_MMIO] = { "virtio", "virtio,mmio" },
};

const char *dev_kind_node(enum dev_kind k)
{
	return (size_t)k < ARRAY_SIZE(dev_kinds) ? dev_kinds[k].node : NULL;
}

const char *dev_kind_compatible(enum dev_kind k)
{
	return (size_t)k < ARRAY_SIZE(dev_kinds) ? dev_kinds[k].compatible : NULL;
}

const char *dev_bus_name(enum dev_bus bus)
{
	return bus == DEV_BUS_PIO ? "pio" : "mmio";
}

static struct io_bus *dev_bus(struct vm *vm, const struct device *d)
{
	return d->bus == DEV_BUS_PIO ? &vm->pio : &vm->mmio;
}

int device_register(struct vm *vm, struct device *d)
{
	struct device **tail = &vm->devices;
	int err;

	err = io_bus_register(dev_bus(vm, d), d->base, d->len, d->io, d->opaque, d->name);
	if (err)
		return err;
	while (*tail)
		tail = &(*tail)->next;
	d->next = NULL;
	*tail = d;
	return 0;
}

void device_unregister(struct vm *vm, struct device *d)
{
	for (struct device **p = &vm->devices; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			d->next = NULL;
			io_bus_unregister(dev_bus(vm, d), d->base);
			return;
		}
	}
}

unsigned int devices_count(struct vm *vm, enum dev_kind k)
{
	unsigned int n = 0;

	for_each_device(vm->devices, d)
		n += d->kind == k;
	return n;
}

void devices_init(struct vm *vm)
{
	struct arch_dev_window w = { 0 };

	arch_dev_window(vm, &w);
	/* A window past the end of the address space (or of the lines) ends there. */
	vm->dev_room = (struct dev_room){
		.mmio_next = w.mmio_base,
		.mmio_left = w.mmio_base && w.mmio_size > 0 - w.mmio_base ? 0 - w.mmio_base :
			     w.mmio_size,
		.irq_next = w.irq_first,
		.irq_left = MIN(w.nr_irqs, UINT32_MAX - w.irq_first),
	};
}

int device_mmio_alloc(struct vm *vm, uint64_t size, uint64_t *gpa)
{
	struct dev_room *r = &vm->dev_room;
	uint64_t pad = (DEV_MMIO_ALIGN - (r->mmio_next & (DEV_MMIO_ALIGN - 1))) & (DEV_MMIO_ALIGN - 1);
	uint64_t len;

	if (!size)
		return -EINVAL;
	/* Counted in bytes left, not an end address: the window may end at 2^64. */
	if (size > UINT64_MAX - (DEV_MMIO_ALIGN - 1))
		return -ENOSPC;
	len = ALIGN_UP(size, DEV_MMIO_ALIGN);
	if (pad > r->mmio_left || len > r->mmio_left - pad)
		return -ENOSPC;
	*gpa = r->mmio_next + pad;
	r->mmio_next = *gpa + len;
	r->mmio_left -= pad + len;
	return 0;
}

int device_irq_alloc(struct vm *vm, unsigned int *irq)
{
	struct dev_room *r = &vm->dev_room;
	int err;

	if (!r->irq_left)
		return -ENOSPC;
	err = arch_irq_claim(vm, r->irq_next);
	if (err)
		return err;
	*irq = r->irq_next++;
	r->irq_left--;
	return 0;
}

int devices_start(struct vm *vm)
{
	for (struct device *d = vm->devices; d; d = d->next) {
		int ret = d->start ? d->start(vm, d) : 0;

		if (ret)
			return ret;
	}
	return 0;
}

void devices_destroy(struct vm *vm)
{
	/* Newest first: a device may lean on one registered before it. */
	while (vm->devices) {
		struct device *d = vm->devices, *prev = NULL;

		while (d->next) {
			prev = d;
			d = d->next;
		}
		if (prev)
			prev->next = NULL;
		else
			vm->devices = NULL;
		io_bus_unregister(dev_bus(vm, d), d->base);
		if (d->destroy)
			d->destroy(vm, d);	/* may free d */
	}
}

size_t devices_stats(struct vm *vm, char *buf, size_t n)
{
	size_t o = 0;

	for_each_device(vm->devices, d)
		if (d->stats && o < n)
			o += d->stats(d, buf + o, n - o);
	return MIN(o, n);
}
