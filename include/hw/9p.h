/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_9P_H
#define LKVM_HW_9P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A 9P2000.L file server for one shared host directory (docs/9p.md): the
 * protocol core of virtio-9p, free of any transport. A request is a byte
 * buffer holding one T-message, the answer one R-message written into a
 * caller's buffer; the device glue gathers the first from the guest's
 * descriptors and scatters the second back (through the guarded copy).
 *
 * What it promises:
 * - every path the guest names is resolved below the share's directory
 *   with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
 *   [| RESOLVE_NO_XDEV]); the server follows no symbolic link itself (the
 *   guest resolves them, as 9P2000.L wants), so neither ".." nor any link,
 *   planted by the guest or the host, reaches outside;
 * - every guest-controlled size, count, string and fid is checked; a bad
 *   message gets Rlerror (EPROTO when it is malformed), never a crash;
 * - with P9_RO every modifying request gets Rlerror EROFS;
 * - errors are Rlerror with the host's Linux errno.
 *
 * One thread serves a share (the device's I/O thread): nothing here locks.
 */

#define P9_MSIZE_MIN	4096		/* smaller offers are refused (Linux asks for >= 4096) */
#define P9_MSIZE_MAX	(1024 * 1024)	/* larger offers are clamped to this */
#define P9_FIDS_DEFAULT	8192		/* fids a share may hold at once */
#define P9_FIDS_MAX	(1u << 20)

/* p9_server_init() flags. */
#define P9_RO		0x1	/* refuse every modifying request with EROFS */
#define P9_XDEV		0x2	/* let walks cross into other mounts below the share */

/* Per share, for `lkvm stat`. */
struct p9_stats {
	uint64_t requests;
	uint64_t errors;	/* answered with Rlerror */
	uint64_t bytes_read;	/* Tread payload sent to the guest */
	uint64_t bytes_written;	/* Twrite payload written to files */
};

struct p9_fid;

/*
 * Optional, set by a transport around p9_handle(): Tread's data read
 * straight into the answer's final place (virtio: the guest's pages, as
 * QEMU does), not into resp and then copied. pread(ctx, fd, at, count, off)
 * reads count bytes of fd at off into bytes [at, at + count) of the answer;
 * it returns the bytes placed (fewer: the server reads the rest into resp
 * as without it), or -errno of a failed read. The server records the bytes
 * placed in at/len: the transport then sends resp without them.
 */
struct p9_direct {
	long (*pread)(void *ctx, int fd, size_t at, size_t count, uint64_t off);
	void *ctx;
	size_t at, len;		/* the last answer's bytes already in place (len 0: none) */
};

/* The fid table: private to hw/9p-fid.c. */
struct p9_fids {
	struct p9_fid *pool;
	int32_t *heads;		/* hash buckets: first pool index, -1 for none */
	uint32_t nbuckets;	/* a power of two */
	uint32_t max, nr;
	int32_t free;		/* first free pool slot, chained by next */
};

/* Fields are private to hw/9p-*.c, but for stats. */
struct p9_server {
	int root;		/* the share's directory (O_PATH) */
	uint64_t resolve;	/* openat2's RESOLVE_* flags */
	bool ro;
	bool chown_new;		/* lkvm runs as root: new files get the guest's uid/gid */
	uint32_t umask;		/* lkvm's, undone on the modes the guest asks for */
	uint32_t msize;		/* negotiated by Tversion; 0 before it */
	uint64_t root_dev;	/* st_dev of the share, for qid paths */
	uint64_t root_ino;	/* its inode: what ".." in the share's listing is */
	struct p9_fids fids;
	struct p9_stats stats;
	struct p9_direct direct;
};

/*
 * Serve the directory dirfd (any open fd of it; the server keeps its own
 * O_PATH descriptor, the caller keeps dirfd). flags: P9_RO, P9_XDEV;
 * max_fids: 0 for P9_FIDS_DEFAULT, at most P9_FIDS_MAX. Returns 0 or
 * -errno (ENOTDIR, EINVAL, ENOMEM).
 */
int p9_server_init(struct p9_server *s, int dirfd, unsigned int flags, unsigned int max_fids);
void p9_server_destroy(struct p9_server *s);

/* A device reset: every fid clunked (open files closed), version renegotiated. */
void p9_server_reset(struct p9_server *s);

/*
 * Answer one request. req/req_len: the T-message as the guest wrote it
 * (req_len may exceed the message's own size field: the rest is ignored).
 * resp/resp_cap: where the R-message goes; the answer never exceeds
 * resp_cap nor the negotiated msize. Returns the answer's length, or 0
 * when resp_cap cannot hold even Rlerror (11 bytes). With s->direct.pread
 * set, s->direct.len bytes of it at s->direct.at may be in place already
 * and not in resp.
 */
size_t p9_handle(struct p9_server *s, const uint8_t *req, size_t req_len, uint8_t *resp,
		 size_t resp_cap);

#endif
