// SPDX-License-Identifier: GPL-2.0
/* The x86 guest memory map reported to kernels (e820 / multiboot mmap). */
#include "boot.h"
#include "lkvm/util.h"

int x86_e820_build(const struct mem_map *m, struct e820_entry *e, int max)
{
	int i, n = 0;

	for (i = 0; i < m->nr && n + 3 <= max; i++) {
		uint64_t start = m->r[i].gpa, end = start + m->r[i].size;

		if (start < X86_LOWMEM_END) {
			/* Conventional memory, the legacy VGA/BIOS hole, then the rest. */
			e[n++] = (struct e820_entry){ start, MIN(end, X86_LOWMEM_END) - start, E820_RAM };
			if (end > X86_LOWMEM_END)
				e[n++] = (struct e820_entry){ X86_LOWMEM_END,
					MIN(end, X86_HIGHMEM_START) - X86_LOWMEM_END, E820_RESERVED };
			if (end > X86_HIGHMEM_START)
				e[n++] = (struct e820_entry){ X86_HIGHMEM_START,
					end - X86_HIGHMEM_START, E820_RAM };
		} else {
			e[n++] = (struct e820_entry){ start, end - start, E820_RAM };
		}
	}
	return n;
}
