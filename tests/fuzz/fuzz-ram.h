/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the virtio device fuzz targets share: the "write guest RAM" step,
 * which lets the input lay out rings, descriptors and buffers. Header-only:
 * each target is one file.
 */
#ifndef LKVM_FUZZ_RAM_H
#define LKVM_FUZZ_RAM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * data[*o..]: off(2, little-endian, taken modulo ram_size) len(1) bytes(len);
 * copies what the input and the RAM both hold, advances *o past it.
 * Returns -1 when fewer than the 3 header bytes are left.
 */
static inline int fuzz_ram_write(uint8_t *ram, size_t ram_size, const uint8_t *data, size_t n,
				 size_t *o)
{
	size_t off, len;

	if (n - *o < 3)
		return -1;
	off = (size_t)(data[*o] | data[*o + 1] << 8) % ram_size;
	len = data[*o + 2];
	*o += 3;
	len = len < n - *o ? len : n - *o;
	len = len < ram_size - off ? len : ram_size - off;
	memcpy(ram + off, data + *o, len);
	*o += len;
	return 0;
}

#endif
