// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's x86-64 page walk (4- or 5-level), read from guest RAM (guarded: a bad
 * entry or a poisoned page ends the walk with a line, never a crash). For
 * post-mortems: after a triple fault KVM on AMD has already reset the vCPU,
 * so lkvm walks the CR3 it saw at the vCPU's previous exit (x86/kvm-cpu.c,
 * LKVM_DEBUG_TRIPLE).
 */
#include <inttypes.h>

#include "lkvm/mem.h"
#include "lkvm/util.h"
#include "x86.h"

#define PTE_P		((uint64_t)1 << 0)
#define PTE_PS		((uint64_t)1 << 7)
#define PTE_ADDR	((uint64_t)0x000ffffffffff000ULL)

uint64_t x86_pt_walk(const struct mem_map *m, uint64_t cr3, bool la57, uint64_t va,
		     struct strbuf *o)
{
	static const char *const name[] = { "PML5E", "PML4E", "PDPTE", "PDE", "PTE" };
	uint64_t table = cr3 & PTE_ADDR, e = 0;
	int level;

	strbuf_printf(o, "  walk 0x%016" PRIx64 " from CR3 0x%" PRIx64 ":", va, cr3);
	/* level: 0 PML5 (5-level paging only), 1 PML4, 2 PDPT, 3 PD, 4 PT */
	for (level = la57 ? 0 : 1; level < 5; level++) {
		unsigned int shift = 48 - 9 * (unsigned int)level;
		uint64_t slot = table + ((va >> shift) & 511) * 8;

		if (mem_read(m, slot, &e, sizeof(e), "page walk")) {
			strbuf_printf(o, " %s at 0x%" PRIx64 " unreadable\n", name[level], slot);
			return X86_PT_NONE;
		}
		strbuf_printf(o, " %s[0x%" PRIx64 "]=0x%" PRIx64, name[level], slot, e);
		if (!(e & PTE_P)) {
			strbuf_printf(o, " not present\n");
			return X86_PT_NONE;
		}
		if ((level == 2 || level == 3) && (e & PTE_PS)) {
			uint64_t mask = ((uint64_t)1 << shift) - 1, pa = ((e & PTE_ADDR) & ~mask) | (va & mask);

			strbuf_printf(o, " -> 0x%" PRIx64 " (%s page)\n", pa, level == 2 ? "1 GiB" : "2 MiB");
			return pa;
		}
		table = e & PTE_ADDR;
	}
	strbuf_printf(o, " -> 0x%" PRIx64 "\n", (e & PTE_ADDR) | (va & 0xfff));
	return (e & PTE_ADDR) | (va & 0xfff);
}
