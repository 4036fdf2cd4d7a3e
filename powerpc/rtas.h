/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PPC_RTAS_H
#define LKVM_PPC_RTAS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lkvm/mem.h"

/*
 * RTAS: the guest calls the stub at linux,rtas-entry with r3 = the guest
 * physical address of its argument block; the stub makes the H_RTAS hcall.
 * The block (big-endian u32s) is token, nargs, nret, args[nargs],
 * rets[nret]; every field is the guest's and checked: a block outside RAM
 * or with more than 16 words gets H_PARAMETER and nothing is written; an
 * unknown token or the wrong number of arguments gets status -3.
 */
#define RTAS_TOKEN_BASE		0x2000
#define RTAS_MAX_WORDS		16
#define RTAS_OUT_SUCCESS	0
#define RTAS_OUT_HW_ERROR	(-1)
#define RTAS_OUT_PARAM_ERROR	(-3)
#define RTAS_CPU_STOPPED	0
#define RTAS_CPU_RUNNING	2

/* hcall status codes (PAPR) */
#define H_SUCCESS		0
#define H_HARDWARE		(-1)
#define H_FUNCTION		(-2)
#define H_PARAMETER		(-4)
#define H_P2			(-55)
#define H_P3			(-56)
#define H_P4			(-57)
#define H_UNSUPPORTED_FLAG	(-256)

/* What RTAS calls do to the machine; kvm.c wires them, the tests record. */
struct rtas_env {
	const struct mem_map *mem;
	unsigned int nr_cpus;
	void *opaque;
	void (*display)(void *o, uint8_t c);
	void (*power_off)(void *o);
	void (*reboot)(void *o);
	void (*os_term)(void *o, const char *msg);
	/* Record the handlers (already checked) and enable FWNMI in KVM: 0 or -1. */
	int (*nmi_register)(void *o, uint64_t sreset, uint64_t mce);
	void (*nmi_interlock)(void *o);
	time_t (*now)(void *o);
	int64_t *tod_offset;
};

/* Services lkvm handles, and those KVM's in-kernel XICS handles. */
struct rtas_service {
	const char *name;
	uint32_t token;
	int nargs, nret;	/* -1: handled by KVM */
};
extern const struct rtas_service rtas_services[];
extern const size_t rtas_nr_services;

/* H_RTAS: returns the hcall status (H_SUCCESS once a status was written). */
long rtas_call(const struct rtas_env *env, uint64_t args_gpa);

#endif
