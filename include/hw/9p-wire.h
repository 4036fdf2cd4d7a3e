/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_9P_WIRE_H
#define LKVM_HW_9P_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * 9P2000.L on the wire: little-endian integers, strings as a 16-bit length
 * and that many bytes (no NUL), every message size[4] type[1] tag[2] then
 * its fields. The readers never go past the message: a field that would
 * sets `bad` and reads as zero, so a handler parses everything and checks
 * once. The writers never go past the capacity: they set `over`.
 */
enum p9_type {
	P9_TLERROR = 6, P9_RLERROR,
	P9_TSTATFS = 8, P9_RSTATFS,
	P9_TLOPEN = 12, P9_RLOPEN,
	P9_TLCREATE = 14, P9_RLCREATE,
	P9_TSYMLINK = 16, P9_RSYMLINK,
	P9_TMKNOD = 18, P9_RMKNOD,
	P9_TRENAME = 20, P9_RRENAME,
	P9_TREADLINK = 22, P9_RREADLINK,
	P9_TGETATTR = 24, P9_RGETATTR,
	P9_TSETATTR = 26, P9_RSETATTR,
	P9_TXATTRWALK = 30, P9_RXATTRWALK,
	P9_TXATTRCREATE = 32, P9_RXATTRCREATE,
	P9_TREADDIR = 40, P9_RREADDIR,
	P9_TFSYNC = 50, P9_RFSYNC,
	P9_TLOCK = 52, P9_RLOCK,
	P9_TGETLOCK = 54, P9_RGETLOCK,
	P9_TLINK = 70, P9_RLINK,
	P9_TMKDIR = 72, P9_RMKDIR,
	P9_TRENAMEAT = 74, P9_RRENAMEAT,
	P9_TUNLINKAT = 76, P9_RUNLINKAT,
	P9_TVERSION = 100, P9_RVERSION,
	P9_TAUTH = 102, P9_RAUTH,
	P9_TATTACH = 104, P9_RATTACH,
	P9_TFLUSH = 108, P9_RFLUSH,
	P9_TWALK = 110, P9_RWALK,
	P9_TREAD = 116, P9_RREAD,
	P9_TWRITE = 118, P9_RWRITE,
	P9_TCLUNK = 120, P9_RCLUNK,
	P9_TREMOVE = 122, P9_RREMOVE,
};

#define P9_HDR		7		/* size[4] type[1] tag[2] */
#define P9_IOHDR	(P9_HDR + 4)	/* Rread: header and count[4] before the data */
#define P9_NOTAG	0xffff
#define P9_NOFID	0xffffffffu
#define P9_MAXWELEM	16		/* names in one Twalk */
#define P9_QID_SIZE	13
#define P9_NAME_MAX	255		/* a path component (the host's NAME_MAX) */
#define P9_PATH_MAX	4096		/* a path below the share, or a symlink target, with its NUL */

/* qid types */
#define P9_QTDIR	0x80
#define P9_QTSYMLINK	0x02
#define P9_QTFILE	0x00

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};

struct p9_in {
	const uint8_t *p;
	size_t len, pos;
	bool bad;		/* a field ran past the end */
};

struct p9_out {
	uint8_t *p;
	size_t cap, pos;
	bool over;		/* a field did not fit */
};

uint8_t p9_get8(struct p9_in *in);
uint16_t p9_get16(struct p9_in *in);
uint32_t p9_get32(struct p9_in *in);
uint64_t p9_get64(struct p9_in *in);
/* A string's bytes (not NUL-terminated) and length; NULL (len 0) past the end. */
const char *p9_getstr(struct p9_in *in, uint16_t *len);
/*
 * A string into buf as a C string: 0, -EPROTO past the end, -EINVAL with a
 * NUL inside, -ENAMETOOLONG when it needs more than size bytes.
 */
int p9_getcstr(struct p9_in *in, char *buf, size_t size);
/* Raw bytes: a pointer into the message, NULL when fewer than n remain. */
const uint8_t *p9_getbytes(struct p9_in *in, size_t n);

void p9_put8(struct p9_out *out, uint8_t v);
void p9_put16(struct p9_out *out, uint16_t v);
void p9_put32(struct p9_out *out, uint32_t v);
void p9_put64(struct p9_out *out, uint64_t v);
void p9_putstr(struct p9_out *out, const char *s, size_t len);
void p9_putqid(struct p9_out *out, const struct p9_qid *q);
/* n bytes to fill in place (Rread's data); NULL when they do not fit. */
uint8_t *p9_reserve(struct p9_out *out, size_t n);

#endif
