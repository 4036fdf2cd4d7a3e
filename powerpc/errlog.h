/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PPC_ERRLOG_H
#define LKVM_PPC_ERRLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The RTAS error log a FWNMI machine-check handler reads (PAPR, Linux's
 * asm/rtas.h and platforms/pseries/ras.c): big-endian, packed.
 *
 *   +0   u64  the guest's r3 before the interrupt
 *   +8   rtas_error_log      (8)  version 6, severity, disposition,
 *                                 extended, initiator, type; ext. length
 *   +16  rtas_ext_event_log_v6 (16) valid/new/big-endian, PowerPC platform
 *                                 event format, company "IBM\0"
 *   +32  machine-check section (40) "MC", length, version, error type,
 *                                 sub-type, effective and logical address
 *
 * Pure code: unit-tested byte for byte.
 */
#define ERRLOG_SIZE		72	/* saved r3 included */
#define ERRLOG_EXT_LENGTH	56	/* v6 header + MC section */

/* rtas_error_log */
#define ERRLOG_VERSION_6	0x06
#define ERRLOG_SEV_NO_ERROR	0
#define ERRLOG_SEV_EVENT	1
#define ERRLOG_SEV_WARNING	2
#define ERRLOG_SEV_ERROR_SYNC	3
#define ERRLOG_SEV_ERROR	4
#define ERRLOG_SEV_FATAL	5
#define ERRLOG_DISP_FULLY_RECOVERED	0
#define ERRLOG_DISP_LIMITED_RECOVERY	1
#define ERRLOG_DISP_NOT_RECOVERED	2
#define ERRLOG_INITIATOR_CPU	1
#define ERRLOG_INITIATOR_MEMORY	4
#define ERRLOG_TYPE_ECC_UNCORR	0x09
/* rtas_ext_event_log_v6 */
#define ERRLOG_V6_B0		(0x80 | 0x04 | 0x02)	/* valid, new log, big-endian */
#define ERRLOG_V6_B2		(0x80 | 0x0e)		/* PowerPC format, platform event */
#define ERRLOG_COMPANY_IBM	0x49424D00U
/* machine-check section */
#define ERRLOG_MC_ID		0x4D43	/* "MC" */
#define ERRLOG_MC_LENGTH	40
#define ERRLOG_MC_VERSION	1
#define ERRLOG_MC_UE		0
#define ERRLOG_MC_SLB		1
#define ERRLOG_MC_ERAT		2
#define ERRLOG_MC_UNKNOWN	3
#define ERRLOG_MC_TLB		4
#define ERRLOG_MC_D_CACHE	5
#define ERRLOG_MC_I_CACHE	7
/* UE sub-types and flags */
#define ERRLOG_UE_INDETERMINATE	0
#define ERRLOG_UE_IFETCH	1
#define ERRLOG_UE_PTW_IFETCH	2
#define ERRLOG_UE_LOAD_STORE	3
#define ERRLOG_UE_PTW_LOAD_STORE 4
#define ERRLOG_UE_EA_PROVIDED	0x40
#define ERRLOG_UE_LA_PROVIDED	0x20

struct errlog_desc {
	uint64_t saved_r3;
	unsigned int severity;		/* ERRLOG_SEV_* */
	unsigned int disposition;	/* ERRLOG_DISP_* */
	unsigned int initiator;		/* ERRLOG_INITIATOR_* */
	unsigned int type;		/* ERRLOG_TYPE_* */
	uint8_t error_type;		/* ERRLOG_MC_* */
	uint8_t sub_type;		/* for UE: ERRLOG_UE_* type (low 3 bits) */
	bool has_ea, has_la;
	uint64_t ea, la;
};

/* Write the 72 bytes at buf (ERRLOG_SIZE). */
void errlog_build(const struct errlog_desc *d, uint8_t *buf);

#endif
