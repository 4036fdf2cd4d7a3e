/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_9P_FID_H
#define LKVM_HW_9P_FID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "hw/9p.h"
#include "hw/9p-wire.h"

/*
 * Fids (hw/9p-fid.c) and paths below the share (hw/9p-path.c), private to
 * the server. A fid names a file by its path below the share: "" for the
 * share itself, else names joined by '/', none empty, ".", ".." or holding
 * a NUL, at most P9_PATH_MAX bytes with the NUL. Walked fids hold no
 * descriptor (a guest may keep thousands); an opened one (Tlopen,
 * Tlcreate) holds its file's, so a file unlinked while open still answers
 * Tgetattr, Tread and Twrite through it.
 */
struct p9_fid {
	uint32_t id;
	int32_t next;		/* the next fid in its bucket, or the next free slot */
	bool used;
	bool xattr;		/* made by Txattrwalk: reads give nothing */
	char *path;
	int fd;			/* -1, or the open file */
	uint32_t uid;		/* n_uname of the Tattach it descends from */
};

/* A table of at most max fids; 0 or -ENOMEM. */
int p9_fids_init(struct p9_fids *t, uint32_t max);
void p9_fids_destroy(struct p9_fids *t);
/* The fid with this number, or NULL. */
struct p9_fid *p9_fid_get(struct p9_fids *t, uint32_t id);
/*
 * A new fid with path (copied) and uid: NULL with *err -EBADF when id is in
 * use or is NOFID, -EMFILE when the table is full, -ENOMEM.
 */
struct p9_fid *p9_fid_new(struct p9_fids *t, uint32_t id, const char *path, uint32_t uid,
			  int *err);
/* A new path for f (copied): 0 or -ENOMEM (f unchanged). */
int p9_fid_set_path(struct p9_fid *f, const char *path);
/* Forget f, closing its file. */
void p9_fid_clunk(struct p9_fids *t, struct p9_fid *f);
void p9_fids_clunk_all(struct p9_fids *t);
/* After a rename of from to to: every fid at or below from follows it. */
void p9_fids_renamed(struct p9_fids *t, const char *from, const char *to);

/* A path component the guest may create or walk to: not empty, ".", "..", no '/'. */
bool p9_name_ok(const char *name);
/* parent/name into buf (P9_PATH_MAX): 0, or -ENAMETOOLONG. */
int p9_path_join(char *buf, const char *parent, const char *name);
/* path's parent into buf ("" for a top-level name or the share itself). */
void p9_path_parent(char *buf, const char *path);
/*
 * Open path below the share with openat2 under the server's confinement,
 * never following a symbolic link (O_NOFOLLOW is added, and O_CLOEXEC);
 * mode only with O_CREAT. The fd, or -errno as openat2 gives it (EXDEV for
 * a way out, ELOOP for a link on the way, ENOENT, ...).
 */
int p9_open(const struct p9_server *s, const char *path, int flags, mode_t mode);
/* Open name (one component) in dirfd, a directory below the share, as p9_open() does. */
int p9_open_in(const struct p9_server *s, int dirfd, const char *name, int flags, mode_t mode);
/*
 * The directory holding path (O_PATH) and path's last name in name
 * (P9_NAME_MAX + 1 bytes; "." for the share itself). The fd or -errno.
 */
int p9_open_parent(const struct p9_server *s, const char *path, char *name);
/* The qid of a file the server stat'ed. */
void p9_qid_of(const struct p9_server *s, const struct stat *st, struct p9_qid *q);
/* stat of the file at path, without following a link: 0 or -errno. */
int p9_stat_path(const struct p9_server *s, const char *path, struct stat *st);
/* stat of f's file (through its open file when it has one): 0 or -errno. */
int p9_stat_fid(const struct p9_server *s, const struct p9_fid *f, struct stat *st);

#endif
