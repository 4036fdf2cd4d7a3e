// SPDX-License-Identifier: GPL-2.0
/* The version-6 RTAS error log of a FWNMI machine check (errlog.h). */
#include <string.h>

#include "errlog.h"

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

void errlog_build(const struct errlog_desc *d, uint8_t *buf)
{
	uint8_t *log = buf + 8, *v6 = buf + 16, *mc = buf + 32;
	uint8_t sub = d->sub_type & 0x07;

	memset(buf, 0, ERRLOG_SIZE);
	put_be64(buf, d->saved_r3);

	/* rtas_error_log: byte 1 = severity:3 disposition:2 extended:1 reserved:2 */
	log[0] = ERRLOG_VERSION_6;
	log[1] = (uint8_t)(((d->severity & 7) << 5) | ((d->disposition & 3) << 3) | 0x04);
	log[2] = (uint8_t)((d->initiator & 0xf) << 4);
	log[3] = (uint8_t)d->type;
	put_be32(log + 4, ERRLOG_EXT_LENGTH);

	v6[0] = ERRLOG_V6_B0;
	v6[2] = ERRLOG_V6_B2;
	put_be32(v6 + 12, ERRLOG_COMPANY_IBM);

	put_be16(mc, ERRLOG_MC_ID);
	put_be16(mc + 2, ERRLOG_MC_LENGTH);
	mc[4] = ERRLOG_MC_VERSION;
	/* mc[5] subtype, mc[6..7] creator, fru_id, proc_id: 0 */
	mc[16] = d->error_type;
	if (d->error_type == ERRLOG_MC_UE) {
		if (d->has_ea)
			sub |= ERRLOG_UE_EA_PROVIDED;
		if (d->has_la)
			sub |= ERRLOG_UE_LA_PROVIDED;
	} else if (d->has_ea) {
		sub |= 0x80;	/* SLB/ERAT/TLB: effective address provided */
	}
	mc[17] = sub;
	if (d->has_ea)
		put_be64(mc + 24, d->ea);
	if (d->has_la)
		put_be64(mc + 32, d->la);
}
