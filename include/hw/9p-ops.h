/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_9P_OPS_H
#define LKVM_HW_9P_OPS_H

#include "hw/9p-fid.h"

/*
 * The server's request handlers, private to hw/9p-*.c. Each reads its
 * message's fields from in (after the header) and writes its answer's
 * into out (after the header); it returns 0, or -errno for Rlerror
 * (-EPROTO for a message that ends too soon). p9_handle() has already
 * refused modifying requests on a read-only share, and messages before
 * Tversion.
 */
typedef int p9_op_fn(struct p9_server *s, struct p9_in *in, struct p9_out *out);

/* What a request on an open file checks first: -EPROTO (cut short), -EBADF (not open), or 0. */
int p9_need_open(const struct p9_in *in, const struct p9_fid *f);
/* The fid the next field names, or NULL when none has that number. */
struct p9_fid *p9_fid_arg(struct p9_server *s, struct p9_in *in);
/* A new name for a file: 0, -EPROTO, -EINVAL (empty, ".", "..", '/', NUL), -ENAMETOOLONG. */
int p9_name_arg(struct p9_in *in, char *name);
/*
 * Where root-run lkvm gives a new file the guest's owner (docs/9p.md); a
 * no-op otherwise. name "": dirfd is the file itself.
 */
void p9_chown_new(const struct p9_server *s, int dirfd, const char *name, uint32_t uid,
		  uint32_t gid);

/*
 * The mode the guest asked for a file it just made, despite lkvm's umask
 * (the guest applied its own). name "": dirfd is the file itself. 0 or -errno.
 */
int p9_exact_mode(const struct p9_server *s, int dirfd, const char *name, uint32_t mode);
/*
 * chmod of name in dirfd without following a link: through a descriptor
 * of the file (fchmodat() follows links before Linux 6.6's fchmodat2).
 */
int p9_chmod_in(const struct p9_server *s, int dirfd, const char *name, uint32_t mode);

/* hw/9p-attr.c */
p9_op_fn p9_getattr, p9_setattr, p9_statfs, p9_readlink, p9_xattrwalk, p9_xattrcreate;
/* hw/9p-file.c */
p9_op_fn p9_lopen, p9_lcreate, p9_read, p9_write, p9_fsync, p9_lock, p9_getlock;
/* hw/9p-dir.c */
p9_op_fn p9_readdir, p9_mkdir, p9_symlink, p9_mknod, p9_link, p9_rename, p9_renameat,
	p9_unlinkat;

#endif
