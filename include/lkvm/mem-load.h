/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MEM_LOAD_H
#define LKVM_MEM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "lkvm/mem.h"

/*
 * Zero-copy loading of the kernel and initrd: put len bytes from src at
 * guest physical gpa ([gpa, gpa + len) in one region, else -EFAULT). When
 * src lies in a file_map() mapping (util.h) and its file offset shares
 * gpa's offset within a host page, the whole pages in between are mapped
 * privately from the file over guest RAM (MAP_FIXED | MAP_PRIVATE: the
 * host's page cache until the guest writes a page, which then gets its
 * own copy); the partial pages at either end, and anything else, are
 * copied (the guarded copy, naming who). The host addresses stay those of
 * guest RAM, so the memory-error path's lookups (mem.c) are unchanged.
 * Not on a map marked no_remap (hugetlbfs RAM). Load-time only: one
 * thread, before the vCPUs run. 0, -EFAULT or -EHWPOISON; *mapped (may be
 * NULL) gets the bytes mapped rather than copied.
 */
int mem_load(const struct mem_map *m, uint64_t gpa, const void *src, size_t len,
	     const char *who, size_t *mapped);
/* Bytes mem_load() has mapped so far, every VM of this process (`lkvm stat`: load_mapped_bytes). */
uint64_t mem_load_mapped(void);

#endif
