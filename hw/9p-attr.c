// SPDX-License-Identifier: GPL-2.0
/*
 * 9P2000.L attributes: Tgetattr, Tsetattr, Tstatfs, Treadlink, and extended
 * attributes, of which a share has none (docs/9p.md). An open fid is
 * served through its descriptor, so a file unlinked while open still
 * answers; any other by its path, with calls that never follow a link.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hw/9p-ops.h"

#define P9_GETATTR_BASIC	0x7ffull	/* mode .. blocks, atime, mtime, ctime */

#define P9_SETATTR_MODE		0x001
#define P9_SETATTR_UID		0x002
#define P9_SETATTR_GID		0x004
#define P9_SETATTR_SIZE		0x008
#define P9_SETATTR_ATIME	0x010
#define P9_SETATTR_MTIME	0x020
#define P9_SETATTR_CTIME	0x040
#define P9_SETATTR_ATIME_SET	0x080
#define P9_SETATTR_MTIME_SET	0x100

/* Tgetattr fid[4] request_mask[8] */
int p9_getattr(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	struct p9_qid q;
	struct stat st;
	int err;

	p9_get64(in);	/* the basic set is all the host gives cheaply */
	if (in->bad)
		return -EPROTO;
	if (!f)
		return -EBADF;
	err = p9_stat_fid(s, f, &st);
	if (err)
		return err;
	p9_qid_of(s, &st, &q);
	p9_put64(out, P9_GETATTR_BASIC);
	p9_putqid(out, &q);
	p9_put32(out, st.st_mode);
	p9_put32(out, st.st_uid);
	p9_put32(out, st.st_gid);
	p9_put64(out, st.st_nlink);
	/* The guest decodes rdev as Linux's new_encode_dev() format. */
	p9_put64(out, (minor(st.st_rdev) & 0xff) | (uint64_t)major(st.st_rdev) << 8 |
			      (uint64_t)(minor(st.st_rdev) & ~0xffu) << 12);
	p9_put64(out, (uint64_t)st.st_size);
	p9_put64(out, (uint64_t)st.st_blksize);
	p9_put64(out, (uint64_t)st.st_blocks);
	p9_put64(out, (uint64_t)st.st_atim.tv_sec);
	p9_put64(out, (uint64_t)st.st_atim.tv_nsec);
	p9_put64(out, (uint64_t)st.st_mtim.tv_sec);
	p9_put64(out, (uint64_t)st.st_mtim.tv_nsec);
	p9_put64(out, (uint64_t)st.st_ctim.tv_sec);
	p9_put64(out, (uint64_t)st.st_ctim.tv_nsec);
	for (int i = 0; i < 4; i++)	/* btime, gen, data_version: not given */
		p9_put64(out, 0);
	return 0;
}

/* Links have no mode; devices and sockets are not opened to change theirs. */
static int set_mode(const struct p9_server *s, const struct p9_fid *f, mode_t mode)
{
	char name[P9_NAME_MAX + 1];
	struct stat st;
	int pfd, err;

	if (f->fd >= 0)
		return fchmod(f->fd, mode) ? -errno : 0;
	err = p9_stat_fid(s, f, &st);
	if (err)
		return err;
	if (S_ISLNK(st.st_mode))
		return -EOPNOTSUPP;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISFIFO(st.st_mode))
		return -EPERM;
	pfd = p9_open_parent(s, f->path, name);
	if (pfd < 0)
		return pfd;
	err = p9_chmod_in(s, pfd, name, mode);
	close(pfd);
	return err;
}

static int set_size(const struct p9_server *s, const struct p9_fid *f, uint64_t size)
{
	struct stat st;
	int fd, err;

	if (size > INT64_MAX)
		return -EFBIG;
	if (f->fd >= 0 && !ftruncate(f->fd, (off_t)size))
		return 0;
	fd = p9_open(s, f->path, O_WRONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return fd;
	err = fstat(fd, &st) ? -errno : !S_ISREG(st.st_mode) ? -EINVAL :
	      ftruncate(fd, (off_t)size) ? -errno : 0;
	close(fd);
	return err;
}

/* Owner and times: by descriptor when open, else by name in the parent, never following a link. */
static int set_owner_times(const struct p9_server *s, const struct p9_fid *f, uint32_t valid,
			   uid_t uid, gid_t gid, const struct timespec ts[2])
{
	bool owner = valid & (P9_SETATTR_UID | P9_SETATTR_GID);
	bool times = valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME);
	char name[P9_NAME_MAX + 1];
	int pfd, err = 0;

	if (!owner && !times)
		return 0;
	if (f->fd >= 0) {
		if (owner && fchown(f->fd, uid, gid))
			return -errno;
		return times && futimens(f->fd, ts) ? -errno : 0;
	}
	pfd = p9_open_parent(s, f->path, name);
	if (pfd < 0)
		return pfd;
	if (owner && fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW))
		err = -errno;
	if (!err && times && utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW))
		err = -errno;
	close(pfd);
	return err;
}

static void set_time(struct timespec *ts, uint32_t valid, uint32_t is, uint32_t set,
		     uint64_t sec, uint64_t nsec)
{
	if (!(valid & is))
		ts->tv_nsec = UTIME_OMIT;
	else if (!(valid & set))
		ts->tv_nsec = UTIME_NOW;
	else
		*ts = (struct timespec){ .tv_sec = (time_t)sec, .tv_nsec = (long)nsec };
}

/*
 * Tsetattr fid[4] valid[4] mode[4] uid[4] gid[4] size[8] atime_sec[8]
 * atime_nsec[8] mtime_sec[8] mtime_nsec[8]. Ownership goes to the host as
 * asked: the host's rules decide (EPERM unless lkvm may).
 */
int p9_setattr(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	uint32_t valid = p9_get32(in), mode = p9_get32(in), uid = p9_get32(in), gid = p9_get32(in);
	uint64_t size = p9_get64(in), as = p9_get64(in), an = p9_get64(in);
	uint64_t ms = p9_get64(in), mn = p9_get64(in);
	struct timespec ts[2];
	int err = 0;

	if (in->bad)
		return -EPROTO;
	if (!f || f->xattr)
		return -EBADF;
	if (((valid & P9_SETATTR_ATIME_SET) && an >= 1000000000) ||
	    ((valid & P9_SETATTR_MTIME_SET) && mn >= 1000000000) || as > INT64_MAX || ms > INT64_MAX)
		return -EINVAL;
	set_time(&ts[0], valid, P9_SETATTR_ATIME, P9_SETATTR_ATIME_SET, as, an);
	set_time(&ts[1], valid, P9_SETATTR_MTIME, P9_SETATTR_MTIME_SET, ms, mn);
	if (valid & P9_SETATTR_MODE)
		err = set_mode(s, f, mode & 07777);
	if (!err)
		err = set_owner_times(s, f, valid & (P9_SETATTR_UID | P9_SETATTR_GID),
				      valid & P9_SETATTR_UID ? uid : (uid_t)-1,
				      valid & P9_SETATTR_GID ? gid : (gid_t)-1, ts);
	if (!err && (valid & P9_SETATTR_SIZE))
		err = set_size(s, f, size);
	/* Times last: a truncation would move mtime after the guest set it. */
	if (!err)
		err = set_owner_times(s, f, valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME),
				      (uid_t)-1, (gid_t)-1, ts);
	return err;	/* CTIME alone: the host moves ctime with any change */
}

/* Tstatfs fid[4] */
int p9_statfs(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	struct statfs sf;
	int fd, err;

	if (in->bad)
		return -EPROTO;
	if (!f)
		return -EBADF;
	fd = f->fd >= 0 ? f->fd : p9_open(s, f->path, O_PATH, 0);
	if (fd < 0)
		return fd;
	err = fstatfs(fd, &sf) ? -errno : 0;
	if (fd != f->fd)
		close(fd);
	if (err)
		return err;
	p9_put32(out, (uint32_t)sf.f_type);
	p9_put32(out, (uint32_t)sf.f_bsize);
	p9_put64(out, sf.f_blocks);
	p9_put64(out, sf.f_bfree);
	p9_put64(out, sf.f_bavail);
	p9_put64(out, sf.f_files);
	p9_put64(out, sf.f_ffree);
	p9_put64(out, (uint64_t)(uint32_t)sf.f_fsid.__val[0] |
			      (uint64_t)(uint32_t)sf.f_fsid.__val[1] << 32);
	p9_put32(out, (uint32_t)sf.f_namelen);
	return 0;
}

/* Treadlink fid[4]: the link's text, whatever it says (the guest resolves it). */
int p9_readlink(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1], buf[P9_PATH_MAX];
	ssize_t n;
	int pfd;

	if (in->bad)
		return -EPROTO;
	if (!f)
		return -EBADF;
	pfd = p9_open_parent(s, f->path, name);
	if (pfd < 0)
		return pfd;
	n = readlinkat(pfd, name, buf, sizeof(buf));
	close(pfd);
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	p9_putstr(out, buf, (size_t)n);
	return 0;
}

/*
 * Txattrwalk fid[4] newfid[4] name[s]: no extended attributes. The list
 * (empty name) is empty, a newfid reading nothing; a named one ENODATA.
 */
int p9_xattrwalk(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in), *nf;
	uint32_t newid = p9_get32(in);
	char name[P9_NAME_MAX + 1];
	int err = p9_getcstr(in, name, sizeof(name));

	if (in->bad)
		return -EPROTO;
	if (!f)
		return -EBADF;
	if (err)
		return err == -ENAMETOOLONG ? -ERANGE : err;
	if (name[0])
		return -ENODATA;
	nf = p9_fid_new(&s->fids, newid, f->path, f->uid, &err);
	if (!nf)
		return err;
	nf->xattr = true;
	p9_put64(out, 0);
	return 0;
}

/* Txattrcreate fid[4] name[s] attr_size[8] flags[4]: none can be set. */
int p9_xattrcreate(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	return -EOPNOTSUPP;
}
