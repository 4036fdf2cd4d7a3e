/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fuzz-arm64 and fuzz-ppc64 share: little-endian fields taken off the
 * input, the virtio transports and command line drawn from it, and the
 * read-back of a tree a writer says it wrote (libfdt's full check, then
 * /chosen bootargs exactly as given). Header-only: each target is one file.
 */
#ifndef LKVM_FUZZ_FDT_H
#define LKVM_FUZZ_FDT_H

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio-mmio.h"

static inline uint64_t take(const uint8_t **p, size_t *n, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

/* Up to VIRTIO_MMIO_MAX transports into vio; returns how many. */
static inline int take_virtio(const uint8_t **p, size_t *n, struct virtio_mmio_info *vio)
{
	int nr = (int)(take(p, n, 1) % (VIRTIO_MMIO_MAX + 1));

	for (int i = 0; i < nr; i++)
		vio[i] = (struct virtio_mmio_info){ take(p, n, 8), take(p, n, 4),
						    (unsigned int)take(p, n, 2), (uint32_t)take(p, n, 1) };
	return nr;
}

/* The rest of the input as the command line (NULL when empty). */
static inline const char *take_args(const uint8_t *p, size_t n, char *args, size_t size)
{
	size_t alen = n < size - 1 ? n : size - 1;

	memcpy(args, p, alen);
	args[alen] = '\0';
	return alen ? args : NULL;
}

static inline void fdt_read_back(const void *fdt, size_t size, const char *bootargs)
{
	const char *got;
	int len;

	if (fdt_check_full(fdt, size))
		abort();
	if (!bootargs)
		return;
	got = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", &len);
	if (!got || (size_t)len != strlen(bootargs) + 1 || strcmp(got, bootargs))
		abort();
}

#endif
