// SPDX-License-Identifier: GPL-2.0
/* Address-range dispatch shared by port I/O and MMIO. */
#include <errno.h>
#include <string.h>

#include "lkvm/io-bus.h"
#include "lkvm/util.h"

int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len, io_fn fn,
		    void *opaque, const char *name)
{
	int i;

	if (!len || base + len < base)
		return -EINVAL;
	if (bus->nr >= IO_BUS_MAX)
		return -ENOSPC;
	for (i = 0; i < bus->nr; i++)
		if (ranges_overlap(base, len, bus->r[i].base, bus->r[i].len))
			return -EBUSY;
	bus->r[bus->nr] = (struct io_range){ base, len, fn, opaque, name };
	bus->nr++;
	return 0;
}

int io_bus_unregister(struct io_bus *bus, uint64_t base)
{
	for (int i = 0; i < bus->nr; i++) {
		if (bus->r[i].base != base)
			continue;
		/* Keep the others in registration order (stat lines, first match). */
		memmove(&bus->r[i], &bus->r[i + 1], (size_t)(bus->nr - i - 1) * sizeof(bus->r[0]));
		bus->nr--;
		memset(&bus->r[bus->nr], 0, sizeof(bus->r[0]));
		return 0;
	}
	return -ENOENT;
}

bool io_bus_dispatch(struct io_bus *bus, struct vcpu *v, uint64_t addr,
		     uint8_t *data, unsigned int len, bool is_write)
{
	int i;

	for (i = 0; i < bus->nr; i++) {
		struct io_range *r = &bus->r[i];

		if (addr >= r->base && addr - r->base < r->len) {
			__atomic_add_fetch(&r->hits, 1, __ATOMIC_RELAXED);
			r->fn(v, addr - r->base, data, len, is_write, r->opaque);
			return true;
		}
	}
	__atomic_add_fetch(&bus->unclaimed, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&bus->last_unclaimed, addr, __ATOMIC_RELAXED);
	if (!is_write)
		memset(data, 0xff, len);
	return false;
}
