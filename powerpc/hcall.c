// SPDX-License-Identifier: GPL-2.0
/* Pure parts of the hcalls lkvm implements (hcall.h). */
#include <linux/kvm.h>
#include <string.h>

#include "hcall.h"
#include "ppc.h"
#include "rtas.h"

long hcall_put_term(uint64_t termno, uint64_t len, uint64_t c0, uint64_t c1, uint8_t *out,
		    size_t *n)
{
	*n = 0;
	if (termno != PPC_VTY_REG)
		return H_PARAMETER;
	if (len > 16)
		return H_P2;
	for (unsigned int i = 0; i < 8; i++) {
		out[i] = (uint8_t)(c0 >> (56 - 8 * i));
		out[8 + i] = (uint8_t)(c1 >> (56 - 8 * i));
	}
	*n = (size_t)len;
	return H_SUCCESS;
}

void hcall_pack_term(const uint8_t *buf, size_t n, uint64_t *c0, uint64_t *c1)
{
	uint8_t b[16];

	memset(b, 0, sizeof(b));
	memcpy(b, buf, n > 16 ? 16 : n);
	*c0 = *c1 = 0;
	for (unsigned int i = 0; i < 8; i++) {
		*c0 = (*c0 << 8) | b[i];
		*c1 = (*c1 << 8) | b[8 + i];
	}
}

long hcall_proc_tbl(const struct mem_map *m, uint64_t flags, uint64_t base, uint64_t page_size,
		    uint64_t table_size, uint64_t *cfg_flags, uint64_t *process_table)
{
	if (flags & ~(uint64_t)0x1f)
		return H_PARAMETER;
	if ((flags & PROC_TABLE_OP_MASK) == PROC_TABLE_DEREG) {
		/* A radix guest without a process table cannot run: refuse. */
		return H_PARAMETER;
	}
	if ((flags & PROC_TABLE_OP_MASK) != PROC_TABLE_NEW || !(flags & PROC_TABLE_RADIX))
		return H_PARAMETER;	/* hash guests: this host's KVM has no HPT for L2 */
	if ((base & 0xfff) || (base >> 60))
		return H_P2;
	if (page_size)
		return H_P3;
	if (table_size > 24)
		return H_P4;
	/* The table (2^(12 + size) bytes) must be guest RAM. */
	if (!mem_gpa_to_hva(m, base, 1ULL << (12 + table_size)))
		return H_P2;
	*cfg_flags = KVM_PPC_MMUV3_RADIX | ((flags & PROC_TABLE_GTSE) ? KVM_PPC_MMUV3_GTSE : 0);
	*process_table = PATB_GR | base | table_size;
	return H_SUCCESS;
}
