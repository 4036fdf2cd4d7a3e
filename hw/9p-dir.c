// SPDX-License-Identifier: GPL-2.0
/*
 * 9P2000.L directories: Treaddir with the host's own offsets (stable as
 * the host file system keeps them), and the verbs that add, remove and
 * move names. Each works on one name in a directory resolved below the
 * share, so none can follow a link or leave it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/9p-ops.h"
#include "lkvm/util.h"

#define P9_AT_REMOVEDIR	0x200

/* The directory a fid names, as an O_PATH descriptor; -errno. */
static int dir_of(const struct p9_server *s, const struct p9_fid *f)
{
	if (!f || f->xattr)
		return -EBADF;
	return p9_open(s, f->path, O_PATH | O_DIRECTORY, 0);
}

/* name was just made in dirfd: give it its owner (root-run lkvm) and answer its qid. */
static int created(const struct p9_server *s, int dirfd, const char *name, uint32_t uid,
		   uint32_t gid, uint32_t mode, struct p9_out *out)
{
	struct p9_qid q;
	struct stat st;

	p9_chown_new(s, dirfd, name, uid, gid);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISLNK(st.st_mode) && !S_ISSOCK(st.st_mode)) {
		int err = p9_exact_mode(s, dirfd, name, mode);

		if (err)
			return err;
	}
	p9_qid_of(s, &st, &q);
	p9_putqid(out, &q);
	return 0;
}

/* One entry: qid[13] offset[8] type[1] name[s]; false when it does not fit. */
static bool put_dirent(const struct p9_server *s, const struct p9_fid *f,
		       const struct dirent64 *d, struct p9_out *out)
{
	size_t len = strlen(d->d_name);
	struct p9_qid q = {
		.type = d->d_type == DT_DIR ? P9_QTDIR : d->d_type == DT_LNK ? P9_QTSYMLINK : P9_QTFILE,
		.path = (uint64_t)d->d_ino,
	};

	if (P9_QID_SIZE + 8 + 1 + 2 + len > out->cap - out->pos)
		return false;
	/* The share's parent is not the guest's to see. */
	if (!f->path[0] && !strcmp(d->d_name, ".."))
		q.path = s->root_ino;
	p9_putqid(out, &q);
	p9_put64(out, (uint64_t)d->d_off);
	p9_put8(out, d->d_type);
	p9_putstr(out, d->d_name, len);
	return true;
}

/*
 * Treaddir fid[4] offset[8] count[4]: entries from offset (0, or an
 * entry's offset from an earlier answer) in at most count bytes.
 */
int p9_readdir(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in);
	size_t at = out->pos;
	bool full = false;
	/* The host's entries, a few dozen at a time, whatever count the guest asks. */
	char buf[8192] __attribute__((aligned(8)));
	int err = p9_need_open(in, f);

	if (err)
		return err;
	if (off > INT64_MAX)
		return -EINVAL;
	p9_put32(out, 0);
	out->cap = MIN(out->cap, out->pos + count);
	if (lseek(f->fd, (off_t)off, SEEK_SET) < 0)
		err = -errno;
	while (!err && !full) {
		ssize_t n = getdents64(f->fd, buf, sizeof(buf));

		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		for (ssize_t pos = 0; pos < n && !full;) {
			const struct dirent64 *d = (const struct dirent64 *)(buf + pos);

			full = !put_dirent(s, f, d, out);
			pos += d->d_reclen;
		}
	}
	if (err)
		return err;
	out->p[at] = (uint8_t)(out->pos - at - 4);
	out->p[at + 1] = (uint8_t)((out->pos - at - 4) >> 8);
	out->p[at + 2] = (uint8_t)((out->pos - at - 4) >> 16);
	out->p[at + 3] = (uint8_t)((out->pos - at - 4) >> 24);
	return 0;
}

/* Tmkdir dfid[4] name[s] mode[4] gid[4] */
int p9_mkdir(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1];
	int err = p9_name_arg(in, name), dfd;
	uint32_t mode = p9_get32(in), gid = p9_get32(in);

	if (in->bad)
		return -EPROTO;
	if (err)
		return err;
	dfd = dir_of(s, f);
	if (dfd < 0)
		return dfd;
	err = mkdirat(dfd, name, mode & 07777) ? -errno :
	      created(s, dfd, name, f->uid, gid, mode & 07777, out);
	close(dfd);
	return err;
}

/* Tsymlink fid[4] name[s] symtgt[s] gid[4]: the target is text, never resolved here. */
int p9_symlink(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1], target[P9_PATH_MAX];
	int err = p9_name_arg(in, name), terr = p9_getcstr(in, target, sizeof(target)), dfd;
	uint32_t gid = p9_get32(in);

	if (in->bad)
		return -EPROTO;
	if (err || terr)
		return err ? err : terr;
	dfd = dir_of(s, f);
	if (dfd < 0)
		return dfd;
	err = symlinkat(target, dfd, name) ? -errno : created(s, dfd, name, f->uid, gid, 0, out);
	close(dfd);
	return err;
}

/*
 * Tmknod dfid[4] name[s] mode[4] major[4] minor[4] gid[4]: FIFOs, sockets
 * and regular files; never a device node (EPERM, even for root-run lkvm).
 */
int p9_mknod(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1];
	int err = p9_name_arg(in, name), dfd;
	uint32_t mode = p9_get32(in), gid;

	p9_get32(in);	/* major, minor: no devices */
	p9_get32(in);
	gid = p9_get32(in);
	if (in->bad)
		return -EPROTO;
	if (err)
		return err;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return -EPERM;
	if (!S_ISFIFO(mode) && !S_ISSOCK(mode) && !S_ISREG(mode))
		return -EINVAL;
	dfd = dir_of(s, f);
	if (dfd < 0)
		return dfd;
	err = mknodat(dfd, name, (mode & S_IFMT) | (mode & 07777), 0) ? -errno :
	      created(s, dfd, name, f->uid, gid, mode & 07777, out);
	close(dfd);
	return err;
}

/* Tlink dfid[4] fid[4] name[s]: a new name for fid's file (a link itself, if it is one). */
int p9_link(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *df = p9_fid_arg(s, in), *f = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1], oname[P9_NAME_MAX + 1];
	int err = p9_name_arg(in, name), dfd, ofd;

	if (in->bad)
		return -EPROTO;
	if (err)
		return err;
	if (!f || f->xattr)
		return -EBADF;
	if (!f->path[0])
		return -EPERM;	/* the share is a directory */
	dfd = dir_of(s, df);
	if (dfd < 0)
		return dfd;
	ofd = p9_open_parent(s, f->path, oname);
	err = ofd < 0 ? ofd : linkat(ofd, oname, dfd, name, 0) ? -errno : 0;
	if (ofd >= 0)
		close(ofd);
	close(dfd);
	return err;
}

/* Rename opath to the name nname in directory ndir: fids below opath follow. */
static int move(struct p9_server *s, const char *opath, const struct p9_fid *ndir,
		const char *nname)
{
	char oname[P9_NAME_MAX + 1], npath[P9_PATH_MAX];
	int ofd, nfd, err;

	if (!opath[0])
		return -EBUSY;	/* the share itself */
	err = p9_path_join(npath, ndir->path, nname);
	if (err)
		return err;
	nfd = dir_of(s, ndir);
	if (nfd < 0)
		return nfd;
	ofd = p9_open_parent(s, opath, oname);
	err = ofd < 0 ? ofd : renameat(ofd, oname, nfd, nname) ? -errno : 0;
	if (ofd >= 0)
		close(ofd);
	close(nfd);
	if (!err)
		p9_fids_renamed(&s->fids, opath, npath);
	return err;
}

/* Trename fid[4] dfid[4] name[s] */
int p9_rename(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in), *df = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1], opath[P9_PATH_MAX];
	int err = p9_name_arg(in, name);

	if (in->bad)
		return -EPROTO;
	if (err)
		return err;
	if (!f || !df || f->xattr || df->xattr)
		return -EBADF;
	strcpy(opath, f->path);	/* f's own path changes under move() */
	return move(s, opath, df, name);
}

/* Trenameat olddirfid[4] oldname[s] newdirfid[4] newname[s] */
int p9_renameat(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *od = p9_fid_arg(s, in), *nd;
	char oname[P9_NAME_MAX + 1], nname[P9_NAME_MAX + 1], opath[P9_PATH_MAX];
	int err = p9_name_arg(in, oname), nerr;

	nd = p9_fid_arg(s, in);
	nerr = p9_name_arg(in, nname);
	if (in->bad)
		return -EPROTO;
	if (err || nerr)
		return err ? err : nerr;
	if (!od || !nd || od->xattr || nd->xattr)
		return -EBADF;
	err = p9_path_join(opath, od->path, oname);
	return err ? err : move(s, opath, nd, nname);
}

/* Tunlinkat dirfid[4] name[s] flags[4] */
int p9_unlinkat(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1];
	int err = p9_name_arg(in, name), dfd;
	uint32_t flags = p9_get32(in);

	if (in->bad)
		return -EPROTO;
	if (err)
		return err;
	if (flags & ~P9_AT_REMOVEDIR)
		return -EINVAL;
	dfd = dir_of(s, f);
	if (dfd < 0)
		return dfd;
	err = unlinkat(dfd, name, flags & P9_AT_REMOVEDIR ? AT_REMOVEDIR : 0) ? -errno : 0;
	close(dfd);
	return err;
}
