/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM_SERROR_H
#define LKVM_ARM_SERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The syndrome (ISS) of a virtual SError, as KVM_SET_VCPU_EVENTS takes it
 * (serror_esr) and the guest reads it in ESR_EL1 = 0xBE000000 | ISS.
 * Architected encoding when IDS is clear (Arm ARM, "ISS encoding for an
 * SError interrupt"):
 *   [24] IDS  [23:14] RES0  [13] IESB  [12:10] AET  [9] EA  [8:6] RES0  [5:0] DFSC
 */
#define SERROR_ISS_MASK		0x01ffffffu
#define SERROR_IDS		(1u << 24)
#define SERROR_IESB		(1u << 13)
#define SERROR_AET_SHIFT	10
#define SERROR_AET_MASK		(7u << SERROR_AET_SHIFT)
#define SERROR_EA		(1u << 9)
#define SERROR_DFSC_MASK	0x3fu
#define SERROR_RES0		(0x00ffc000u | 0x000001c0u)	/* [23:14], [8:6] */
#define SERROR_DFSC_UNCAT	0x00u	/* uncategorized */
#define SERROR_DFSC_ASYNC	0x11u	/* asynchronous SError interrupt: AET valid */
#define SERROR_ESR_EC		0xbe000000u	/* EC 0x2f, IL: what the guest sees above the ISS */

enum serror_aet {
	SERROR_AET_UC = 0,	/* uncontainable: Linux panics */
	SERROR_AET_UEU = 1,	/* unrecoverable: Linux panics */
	SERROR_AET_UEO = 2,	/* restartable, not yet consumed: Linux goes on */
	SERROR_AET_UER = 3,	/* recoverable, consumed: Linux panics (controlled stop) */
	SERROR_AET_CE = 6,	/* corrected: Linux goes on */
};

static inline uint32_t serror_iss(enum serror_aet aet)
{
	return ((uint32_t)aet << SERROR_AET_SHIFT) | SERROR_DFSC_ASYNC;
}

/*
 * lkvm's choice: data nobody consumed yet (action-optional) -> UEO, the
 * guest goes on; data a vCPU consumed (action-required) -> UER.
 */
uint32_t serror_iss_default(bool consumed);
/* 0, or -1 with the reason in why: not an ISS the architecture defines. */
int serror_iss_check(uint32_t iss, char *why, size_t n);
/* --ras-serror-esr's value: a number (0x.. or decimal) that passes the check. */
int serror_iss_parse(const char *s, uint32_t *iss, char *err, size_t n);
/* "UEO (restartable)" etc., or "implementation defined" when IDS is set. */
const char *serror_iss_severity(uint32_t iss);

#endif
