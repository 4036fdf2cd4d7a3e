/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_X86_PVH_H
#define LKVM_X86_PVH_H

#include <stddef.h>
#include <stdint.h>

#include "boot.h"

/*
 * Uncompressed ELF kernels (Linux's vmlinux) through the PVH start protocol:
 * PT_LOAD segments at their physical addresses, entry at the address in the
 * Xen ELF note PHYS32_ENTRY, in flat 32-bit protected mode with paging off
 * and EBX = the hvm_start_info structure (command line, memory map, initrd
 * as module 0). No decompressor runs: that is where the boot time goes.
 */
#define PVH_START_INFO_ADDR	0x6000ULL	/* start_info, modlist, memory map */
#define PVH_START_MAGIC		0x336ec578u
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Is this an ELF64 x86-64 image with a PHYS32_ENTRY note? */
int pvh_probe(const uint8_t *k, size_t n);
int pvh_load(struct mem_map *m, const struct x86_files *f, struct x86_boot *b,
	     char *err, size_t errlen);

#endif
