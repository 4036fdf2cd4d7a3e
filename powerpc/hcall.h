/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PPC_HCALL_H
#define LKVM_PPC_HCALL_H

#include <stddef.h>
#include <stdint.h>

#include "lkvm/mem.h"

/* The hcalls KVM leaves to user space that lkvm implements (PAPR numbers). */
#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_SET_MODE		0x31C
#define H_REGISTER_PROC_TBL	0x37C
#define H_RTAS			0xF000
/*
 * lkvm's own, test-only (--ras-test-port; else H_FUNCTION): r4 = a guest
 * physical address, r5 = enum ras_test_cmd (ras-drill.h). ppc64's
 * counterpart of x86's ports 0xe0-0xe8: a payload guest asks for a memory
 * error and checks what its FWNMI handler is given.
 */
#define H_LKVM_RAS_TEST		0xF0F0

#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE	3
#define H_SET_MODE_RESOURCE_LE			4
#define H_SET_MODE_ENDIAN_BIG			0
#define H_SET_MODE_ENDIAN_LITTLE		1

/* H_REGISTER_PROC_TBL flags (Linux asm/hvcall.h) */
#define PROC_TABLE_OP_MASK	0x18
#define PROC_TABLE_DEREG	0x10
#define PROC_TABLE_NEW		0x18
#define PROC_TABLE_RADIX	0x04
#define PROC_TABLE_HPT_PT	0x02
#define PROC_TABLE_GTSE		0x01
#define PATB_GR			(1ULL << 63)

/*
 * H_PUT_TERM_CHAR: up to 16 bytes packed big-endian in two registers.
 * Returns the hcall status; the bytes go to out (16 bytes), their count to *n.
 */
long hcall_put_term(uint64_t termno, uint64_t len, uint64_t c0, uint64_t c1, uint8_t *out,
		    size_t *n);
/* H_GET_TERM_CHAR's two registers from n (<= 16) bytes. */
void hcall_pack_term(const uint8_t *buf, size_t n, uint64_t *c0, uint64_t *c1);

/*
 * H_REGISTER_PROC_TBL: check the guest's arguments (radix only, table in
 * RAM) and give KVM_PPC_CONFIGURE_V3_MMU's flags and process_table.
 * Returns H_SUCCESS or the hcall error.
 */
long hcall_proc_tbl(const struct mem_map *m, uint64_t flags, uint64_t base, uint64_t page_size,
		    uint64_t table_size, uint64_t *cfg_flags, uint64_t *process_table);

#endif
