/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_IO_BUS_H
#define LKVM_IO_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/*
 * An address space where devices claim ranges: x86 port I/O, and MMIO.
 * Registration happens while the VM is built; dispatch only reads.
 * A handler gets the offset into its range; data is little-endian bytes.
 */
typedef void (*io_fn)(struct vcpu *v, uint64_t off, uint8_t *data,
		      unsigned int len, bool is_write, void *opaque);

#define IO_BUS_MAX 32

struct io_range {
	uint64_t base, len;
	io_fn fn;
	void *opaque;
	const char *name;
	uint64_t hits;		/* accesses, for exit statistics */
};

struct io_bus {
	struct io_range r[IO_BUS_MAX];
	int nr;
	const char *name;	/* "pio" or "mmio", for traces */
	uint64_t unclaimed;	/* accesses nothing claimed */
	uint64_t last_unclaimed;
};

int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len, io_fn fn,
		    void *opaque, const char *name);
/*
 * Take back the range that starts at base (a failed device creation, the
 * VM's end). 0, or -ENOENT when no range starts there. Build/teardown only.
 */
int io_bus_unregister(struct io_bus *bus, uint64_t base);
/* Returns false when nothing claims the address (reads then see all-ones). */
bool io_bus_dispatch(struct io_bus *bus, struct vcpu *v, uint64_t addr,
		     uint8_t *data, unsigned int len, bool is_write);

static inline uint64_t io_data_get(const uint8_t *d, unsigned int len)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < len && i < 8; i++)
		v |= (uint64_t)d[i] << (8 * i);
	return v;
}

static inline void io_data_put(uint8_t *d, unsigned int len, uint64_t v)
{
	for (unsigned int i = 0; i < len && i < 8; i++)
		d[i] = (uint8_t)(v >> (8 * i));
}

#endif
