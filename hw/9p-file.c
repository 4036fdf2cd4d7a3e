// SPDX-License-Identifier: GPL-2.0
/*
 * 9P2000.L open files: Tlopen, Tlcreate, Tread, Twrite, Tfsync, and POSIX
 * locks as open-file-description locks (Tlock, Tgetlock), which other
 * processes on the host, another lkvm among them, see.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/9p-ops.h"
#include "lkvm/util.h"

/* Tlopen/Tlcreate flags: Linux's generic (x86) O_* values, whatever the host's are. */
#define P9_DOTL_ACCMODE		03
#define P9_DOTL_CREATE		0100
#define P9_DOTL_EXCL		0200
#define P9_DOTL_TRUNC		01000
#define P9_DOTL_APPEND		02000
#define P9_DOTL_DSYNC		010000
#define P9_DOTL_DIRECTORY	0200000
#define P9_DOTL_SYNC		04000000

#define P9_LOCK_SUCCESS		0
#define P9_LOCK_BLOCKED		1
#define P9_LOCK_ERROR		2

/*
 * The host's open flags for the guest's: the access mode and what changes
 * the file's behaviour. Never a terminal, never blocking in open (a FIFO
 * cannot stall the I/O thread), never O_DIRECT (the buffers are not aligned).
 * -EINVAL for access mode 3, -EROFS for a write on a read-only share.
 */
static int host_flags(const struct p9_server *s, uint32_t dotl)
{
	static const int acc[] = { O_RDONLY, O_WRONLY, O_RDWR };
	int flags;

	if ((dotl & P9_DOTL_ACCMODE) == 3)
		return -EINVAL;
	flags = acc[dotl & P9_DOTL_ACCMODE] | O_NONBLOCK | O_NOCTTY;
	if (dotl & P9_DOTL_TRUNC)
		flags |= O_TRUNC;
	if (dotl & P9_DOTL_APPEND)
		flags |= O_APPEND;
	if (dotl & P9_DOTL_DSYNC)
		flags |= O_DSYNC;
	if (dotl & P9_DOTL_SYNC)
		flags |= O_SYNC;
	if (dotl & P9_DOTL_DIRECTORY)
		flags |= O_DIRECTORY;
	if (s->ro && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)))
		return -EROFS;
	return flags;
}

/* Only regular files and directories are opened: the guest opens its special files itself. */
static bool openable(mode_t mode)
{
	return S_ISREG(mode) || S_ISDIR(mode);
}

/* Tlopen fid[4] flags[4] */
int p9_lopen(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	int flags = host_flags(s, p9_get32(in)), fd, err;
	struct p9_qid q;
	struct stat st;

	if (in->bad)
		return -EPROTO;
	if (!f || f->fd >= 0 || f->xattr)
		return -EBADF;
	if (flags < 0)
		return flags;
	/* Before opening: a device node is never opened (its open alone can act). */
	err = p9_stat_fid(s, f, &st);
	if (err)
		return err;
	if (!openable(st.st_mode))
		return -EACCES;
	fd = p9_open(s, f->path, flags, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || !openable(st.st_mode)) {
		close(fd);
		return -EACCES;
	}
	f->fd = fd;
	p9_qid_of(s, &st, &q);
	p9_putqid(out, &q);
	p9_put32(out, 0);	/* iounit: msize decides */
	return 0;
}

/* Tlcreate fid[4] name[s] flags[4] mode[4] gid[4]: fid becomes the new file, open. */
int p9_lcreate(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1], path[P9_PATH_MAX];
	int err = p9_name_arg(in, name), flags = host_flags(s, p9_get32(in)), fd;
	uint32_t mode = p9_get32(in), gid = p9_get32(in);
	struct p9_qid q;
	struct stat st;

	if (in->bad)
		return -EPROTO;
	if (err)
		return err;
	if (!f || f->fd >= 0 || f->xattr)
		return -EBADF;
	if (flags < 0)
		return flags;
	err = p9_path_join(path, f->path, name);
	if (err)
		return err;
	/* Always exclusive: an existing file (a FIFO, a device) is never opened this way. */
	fd = p9_open(s, path, (flags & ~O_DIRECTORY) | O_CREAT | O_EXCL, mode & 07777);
	if (fd < 0)
		return fd;
	p9_chown_new(s, fd, "", f->uid, gid);
	err = p9_exact_mode(s, fd, "", mode & 07777);
	if (!err)
		err = fstat(fd, &st) ? -errno : p9_fid_set_path(f, path);
	if (err) {
		close(fd);
		return err;
	}
	f->fd = fd;
	p9_qid_of(s, &st, &q);
	p9_putqid(out, &q);
	p9_put32(out, 0);
	return 0;
}

/*
 * Tread's data: straight into its final place when the transport can
 * (s->direct), the rest (a short placement: end of file, or a guest page
 * the kernel could not write) into resp at data. Bytes read, or -errno.
 */
static ssize_t p9_read_data(struct p9_server *s, int fd, uint8_t *data, size_t at, size_t count,
			    uint64_t off)
{
	long placed = 0;
	ssize_t n;

	if (s->direct.pread && count) {
		placed = s->direct.pread(s->direct.ctx, fd, at, count, off);
		if (placed < 0)
			return placed;
		placed = MIN(placed, (long)count);
		s->direct.at = at;
		s->direct.len = (size_t)placed;
		if ((size_t)placed == count)
			return placed;
	}
	n = pread(fd, data + placed, count - (size_t)placed, (off_t)(off + (uint64_t)placed));
	if (n < 0)
		return placed ? placed : -errno;
	return placed + n;
}

/* Tread fid[4] offset[8] count[4]: count clamped to what msize leaves. */
int p9_read(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in);
	size_t at = out->pos;
	uint8_t *data;
	ssize_t n = 0;

	if (in->bad)
		return -EPROTO;
	if (!f || (f->fd < 0 && !f->xattr))
		return -EBADF;
	if (off > INT64_MAX)
		return -EINVAL;
	count = (uint32_t)MIN((size_t)count, out->cap - out->pos - 4);
	p9_put32(out, 0);
	data = p9_reserve(out, count);
	if (!data)
		return -EMSGSIZE;
	if (!f->xattr)
		n = p9_read_data(s, f->fd, data, at + 4, count, off);
	if (n < 0)
		return (int)n;
	out->pos = at;
	p9_put32(out, (uint32_t)n);
	out->pos += (size_t)n;
	s->stats.bytes_read += (uint64_t)n;
	return 0;
}

/* Twrite fid[4] offset[8] count[4] data[count]: all of it in the message. */
int p9_write(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	uint64_t off = p9_get64(in);
	uint32_t count = p9_get32(in);
	const uint8_t *data = p9_getbytes(in, count);
	int err = p9_need_open(in, f);
	ssize_t n;

	if (err)
		return err;
	if (off > INT64_MAX)
		return -EINVAL;
	n = pwrite(f->fd, data, count, (off_t)off);
	if (n < 0)
		return -errno;
	p9_put32(out, (uint32_t)n);
	s->stats.bytes_written += (uint64_t)n;
	return 0;
}

/* Tfsync fid[4] datasync[4] */
int p9_fsync(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	uint32_t datasync = p9_get32(in);
	int err = p9_need_open(in, f);

	if (err)
		return err;
	return (datasync ? fdatasync(f->fd) : fsync(f->fd)) ? -errno : 0;
}

/*
 * A lock request on an open file, its 9P range as a struct flock: -EPROTO,
 * -EBADF, or -EINVAL for a type or range the host cannot take.
 */
static int lock_prepare(const struct p9_in *in, const struct p9_fid *f, uint8_t type,
			uint64_t start, uint64_t len, struct flock *fl)
{
	static const short types[] = { F_RDLCK, F_WRLCK, F_UNLCK };
	int err = p9_need_open(in, f);

	if (err)
		return err;
	if (type >= ARRAY_SIZE(types) || start > INT64_MAX || len > INT64_MAX)
		return -EINVAL;
	*fl = (struct flock){ .l_type = types[type], .l_whence = SEEK_SET,
			      .l_start = (off_t)start, .l_len = (off_t)len };
	return 0;
}

/*
 * Tlock fid[4] type[1] flags[4] start[8] length[8] proc_id[4] client_id[s].
 * Never waits: a conflict answers BLOCKED and the guest asks again.
 */
int p9_lock(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	uint8_t type = p9_get8(in);
	uint64_t start, len;
	struct flock fl;
	uint16_t n;
	int err;

	p9_get32(in);	/* flags: blocking or not, the answer is the same */
	start = p9_get64(in);
	len = p9_get64(in);
	p9_get32(in);
	p9_getstr(in, &n);
	err = lock_prepare(in, f, type, start, len, &fl);
	if (err)
		return err;
	if (!fcntl(f->fd, F_OFD_SETLK, &fl))
		p9_put8(out, P9_LOCK_SUCCESS);
	else
		p9_put8(out, errno == EAGAIN || errno == EACCES ? P9_LOCK_BLOCKED : P9_LOCK_ERROR);
	return 0;
}

/* Tgetlock fid[4] type[1] start[8] length[8] proc_id[4] client_id[s]: the first conflict, or UNLCK. */
int p9_getlock(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	uint8_t type = p9_get8(in);
	uint64_t start = p9_get64(in), len = p9_get64(in);
	uint32_t proc = p9_get32(in);
	struct flock fl;
	uint16_t n;
	const char *client = p9_getstr(in, &n);
	int err = lock_prepare(in, f, type, start, len, &fl);

	if (err)
		return err;
	if (fcntl(f->fd, F_OFD_GETLK, &fl))
		return -errno;
	p9_put8(out, fl.l_type == F_RDLCK ? 0 : fl.l_type == F_WRLCK ? 1 : 2);
	p9_put64(out, (uint64_t)fl.l_start);
	p9_put64(out, (uint64_t)fl.l_len);
	/* The holder is another open file, maybe another process's: named as the asker. */
	p9_put32(out, proc);
	p9_putstr(out, client, n);
	return 0;
}
