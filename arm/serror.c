// SPDX-License-Identifier: GPL-2.0
/* SError syndromes: lkvm's defaults, and strict checking of a chosen one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "serror.h"

uint32_t serror_iss_default(bool consumed)
{
	return serror_iss(consumed ? SERROR_AET_UER : SERROR_AET_UEO);
}

int serror_iss_check(uint32_t iss, char *why, size_t n)
{
	uint32_t dfsc = iss & SERROR_DFSC_MASK, aet = (iss & SERROR_AET_MASK) >> SERROR_AET_SHIFT;

	if (iss & ~SERROR_ISS_MASK) {
		snprintf(why, n, "bits above 24 are not part of the ISS (KVM rejects them)");
		return -1;
	}
	if (iss & SERROR_IDS)
		return 0;	/* bits [23:0] are the implementation's own */
	if (iss & SERROR_RES0) {
		snprintf(why, n, "bits 0x%x are RES0 in an architected SError syndrome (IDS clear)",
			 iss & SERROR_RES0);
		return -1;
	}
	if (dfsc != SERROR_DFSC_ASYNC && dfsc != SERROR_DFSC_UNCAT) {
		snprintf(why, n, "DFSC 0x%02x is not an SError status (0x11 asynchronous SError, 0x00 uncategorized)",
			 dfsc);
		return -1;
	}
	if (dfsc == SERROR_DFSC_UNCAT && (iss & (SERROR_AET_MASK | SERROR_IESB))) {
		snprintf(why, n, "AET and IESB are defined only with DFSC 0x11 (asynchronous SError)");
		return -1;
	}
	if (dfsc == SERROR_DFSC_ASYNC && (aet == 4 || aet == 5 || aet == 7)) {
		snprintf(why, n, "AET %u is reserved (valid: 0 UC, 1 UEU, 2 UEO, 3 UER, 6 CE)", aet);
		return -1;
	}
	return 0;
}

int serror_iss_parse(const char *s, uint32_t *iss, char *err, size_t n)
{
	char why[160];
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || s[0] == '-') {
		snprintf(err, n, "invalid --ras-serror-esr '%s': give the SError syndrome (ISS) as a number, e.g. 0x811 (UEO) or 0xc11 (UER)",
			 s);
		return -1;
	}
	if (v > 0xffffffffULL || serror_iss_check((uint32_t)v, why, sizeof(why))) {
		snprintf(err, n, "invalid --ras-serror-esr '%s': %s",
			 s, v > 0xffffffffULL ? "bits above 24 are not part of the ISS (KVM rejects them)" : why);
		return -1;
	}
	*iss = (uint32_t)v;
	return 0;
}

const char *serror_iss_severity(uint32_t iss)
{
	static const char *const aet[8] = {
		"UC (uncontainable)", "UEU (unrecoverable)", "UEO (restartable)",
		"UER (recoverable)", "reserved", "reserved", "CE (corrected)", "reserved",
	};

	if (iss & SERROR_IDS)
		return "implementation defined";
	if ((iss & SERROR_DFSC_MASK) != SERROR_DFSC_ASYNC)
		return "uncategorized";
	return aet[(iss & SERROR_AET_MASK) >> SERROR_AET_SHIFT];
}
