// SPDX-License-Identifier: GPL-2.0
/*
 * The 9P2000.L server of one share (9p.h): session set-up (Tversion,
 * Tattach), the fid verbs (Twalk, Tclunk, Tremove, Tflush) and the
 * dispatch of every request, with the read-only and malformed-message
 * rules applied once, here.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <unistd.h>

#include "hw/9p-ops.h"
#include "lkvm/util.h"

int p9_server_init(struct p9_server *s, int dirfd, unsigned int flags, unsigned int max_fids)
{
	struct stat st;
	int err;

	memset(s, 0, sizeof(*s));
	s->root = -1;
	if (flags & ~(P9_RO | P9_XDEV) || max_fids > P9_FIDS_MAX)
		return -EINVAL;
	s->root = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root < 0)
		return -errno;
	if (fstat(s->root, &st)) {
		err = -errno;
		goto fail;
	}
	err = p9_fids_init(&s->fids, max_fids ? max_fids : P9_FIDS_DEFAULT);
	if (err)
		goto fail;
	s->resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	if (!(flags & P9_XDEV))
		s->resolve |= RESOLVE_NO_XDEV;
	s->ro = flags & P9_RO;
	s->chown_new = geteuid() == 0;
	/* Read by setting it back at once: before the threads that create files start. */
	s->umask = umask(022);
	umask((mode_t)s->umask);
	s->root_dev = (uint64_t)st.st_dev;
	s->root_ino = (uint64_t)st.st_ino;
	return 0;
fail:
	close(s->root);
	s->root = -1;
	return err;
}

void p9_server_destroy(struct p9_server *s)
{
	p9_fids_destroy(&s->fids);
	if (s->root >= 0)
		close(s->root);
	s->root = -1;
}

void p9_server_reset(struct p9_server *s)
{
	p9_fids_clunk_all(&s->fids);
	s->msize = 0;
}

struct p9_fid *p9_fid_arg(struct p9_server *s, struct p9_in *in)
{
	uint32_t id = p9_get32(in);

	return in->bad ? NULL : p9_fid_get(&s->fids, id);
}

int p9_need_open(const struct p9_in *in, const struct p9_fid *f)
{
	if (in->bad)
		return -EPROTO;
	return f && f->fd >= 0 ? 0 : -EBADF;
}

int p9_name_arg(struct p9_in *in, char *name)
{
	int err = p9_getcstr(in, name, P9_NAME_MAX + 1);

	if (err)
		return err;
	return p9_name_ok(name) ? 0 : -EINVAL;
}

void p9_chown_new(const struct p9_server *s, int dirfd, const char *name, uint32_t uid,
		  uint32_t gid)
{
	int flags = AT_SYMLINK_NOFOLLOW | (name[0] ? 0 : AT_EMPTY_PATH);

	/* Best effort, as the file exists now: the guest sees whichever owner it got. */
	if (s->chown_new && fchownat(dirfd, name, uid, gid, flags))
		(void)0;
}

int p9_chmod_in(const struct p9_server *s, int dirfd, const char *name, uint32_t mode)
{
	int fd = p9_open_in(s, dirfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0), err;

	if (fd == -EACCES)	/* write-only to its owner; a directory answers EISDIR */
		fd = p9_open_in(s, dirfd, name, O_WRONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return fd;
	err = fchmod(fd, mode) ? -errno : 0;
	close(fd);
	return err;
}

int p9_exact_mode(const struct p9_server *s, int dirfd, const char *name, uint32_t mode)
{
	if (!(mode & s->umask))
		return 0;
	if (!name[0])
		return fchmod(dirfd, mode) ? -errno : 0;
	return p9_chmod_in(s, dirfd, name, mode);
}

/* Tversion msize[4] version[s]: a new session, every fid forgotten. */
static int p9_version(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	static const char proto[] = "9P2000.L";
	uint32_t msize = p9_get32(in);
	uint16_t n;
	const char *v = p9_getstr(in, &n);

	if (in->bad)
		return -EPROTO;
	if (msize < P9_MSIZE_MIN)
		return -EINVAL;
	p9_fids_clunk_all(&s->fids);	/* its answer fits: rsize */
	s->msize = MIN(msize, (uint32_t)P9_MSIZE_MAX);
	p9_put32(out, s->msize);
	if (n == sizeof(proto) - 1 && !memcmp(v, proto, n)) {
		p9_putstr(out, proto, n);
	} else {
		p9_putstr(out, "unknown", 7);
		s->msize = 0;	/* no session: only Tversion again */
	}
	return 0;
}

/* Tattach fid[4] afid[4] uname[s] aname[s] n_uname[4]: fid names the share. */
static int p9_attach(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t id = p9_get32(in), uid;
	struct p9_fid *f;
	struct p9_qid q;
	struct stat st;
	uint16_t n;
	int err;

	p9_get32(in);		/* afid: no authentication */
	p9_getstr(in, &n);	/* uname, aname: the share is what it is */
	p9_getstr(in, &n);
	uid = p9_get32(in);
	if (in->bad)
		return -EPROTO;
	f = p9_fid_new(&s->fids, id, "", uid, &err);
	if (!f)
		return err;
	err = p9_stat_fid(s, f, &st);
	if (err) {
		p9_fid_clunk(&s->fids, f);
		return err;
	}
	p9_qid_of(s, &st, &q);
	p9_putqid(out, &q);
	return 0;
}

/*
 * Twalk fid[4] newfid[4] nwname[2] nwname*(wname[s]): ".." goes up but
 * never above the share; the walk stops at the first name that does not
 * resolve (Rlerror if it is the first), newfid made only if all do.
 */
static int p9_walk(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	char names[P9_MAXWELEM][P9_NAME_MAX + 1];
	struct p9_fid *f = p9_fid_arg(s, in), *nf;
	uint32_t newid = p9_get32(in);
	uint16_t nw = p9_get16(in), i;
	char path[P9_PATH_MAX];
	size_t at;
	int err = 0;

	if (in->bad)
		return -EPROTO;
	if (nw > P9_MAXWELEM)
		return -EINVAL;
	for (i = 0; i < nw; i++) {
		err = p9_getcstr(in, names[i], sizeof(names[i]));
		if (err)
			return err;
		if (strcmp(names[i], "..") && !p9_name_ok(names[i]))
			return -EINVAL;
	}
	if (!f || f->xattr)
		return -EBADF;
	if (newid != f->id && p9_fid_get(&s->fids, newid))
		return -EBADF;
	if (out->pos + 2 + (size_t)nw * P9_QID_SIZE > out->cap)
		return -EMSGSIZE;	/* before the fid changes or is made */
	strcpy(path, f->path);
	at = out->pos;
	p9_put16(out, 0);
	for (i = 0; i < nw; i++) {
		struct stat st;
		struct p9_qid q;

		if (!strcmp(names[i], ".."))
			p9_path_parent(path, path);
		else
			err = p9_path_join(path, path, names[i]);
		if (!err)
			err = p9_stat_path(s, path, &st);
		if (err)
			break;
		p9_qid_of(s, &st, &q);
		p9_putqid(out, &q);
	}
	if (i == 0 && nw)
		return err;
	out->p[at] = (uint8_t)i;
	out->p[at + 1] = 0;
	if (i < nw)
		return 0;	/* partial: newfid not made */
	if (newid == f->id)
		return p9_fid_set_path(f, path);
	nf = p9_fid_new(&s->fids, newid, path, f->uid, &err);
	return nf ? 0 : err;
}

static int p9_clunk(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);

	if (in->bad)
		return -EPROTO;
	if (!f)
		return -EBADF;
	p9_fid_clunk(&s->fids, f);
	return 0;
}

/* Tremove fid[4]: remove the file and clunk the fid, even when the removal fails. */
static int p9_remove(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	struct p9_fid *f = p9_fid_arg(s, in);
	char name[P9_NAME_MAX + 1];
	struct stat st;
	int pfd, err;

	if (in->bad)
		return -EPROTO;
	if (!f)
		return -EBADF;
	if (s->ro)
		err = -EROFS;
	else if (!f->path[0])
		err = -EBUSY;	/* the share itself */
	else if ((pfd = p9_open_parent(s, f->path, name)) < 0)
		err = pfd;
	else {
		err = fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) ||
		      unlinkat(pfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) ? -errno : 0;
		close(pfd);
	}
	p9_fid_clunk(&s->fids, f);
	return err;
}

/* Tflush oldtag[2]: every request is answered before the next is read: nothing to cancel. */
static int p9_flush(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	p9_get16(in);
	return in->bad ? -EPROTO : 0;
}

static int p9_auth(struct p9_server *s, struct p9_in *in, struct p9_out *out)
{
	return -EOPNOTSUPP;	/* attach needs no authentication */
}

/*
 * rsize: the answer's fixed size after the header, for the requests that
 * change something (a fid, an open file, the session, the share) before
 * they answer. It is checked before the handler runs, so a request whose
 * answer could not be sent (EMSGSIZE) changes nothing. Answers of at most
 * 4 bytes always fit (room for an Rlerror is the least p9_handle() takes);
 * Twalk's size depends on its names and is checked by p9_walk().
 */
static const struct {
	p9_op_fn *fn;
	bool modifies;		/* refused with EROFS on a read-only share */
	uint8_t rsize;
} p9_ops[256] = {
	[P9_TVERSION] = { p9_version, false, 4 + 2 + 8 }, [P9_TAUTH] = { p9_auth },
	[P9_TATTACH] = { p9_attach, false, P9_QID_SIZE }, [P9_TWALK] = { p9_walk },
	[P9_TCLUNK] = { p9_clunk }, [P9_TREMOVE] = { p9_remove },
	[P9_TFLUSH] = { p9_flush }, [P9_TGETATTR] = { p9_getattr },
	[P9_TSETATTR] = { p9_setattr, true }, [P9_TSTATFS] = { p9_statfs },
	[P9_TREADLINK] = { p9_readlink }, [P9_TXATTRWALK] = { p9_xattrwalk, false, 8 },
	[P9_TXATTRCREATE] = { p9_xattrcreate, true }, [P9_TLOPEN] = { p9_lopen, false, P9_QID_SIZE + 4 },
	[P9_TLCREATE] = { p9_lcreate, true, P9_QID_SIZE + 4 }, [P9_TREAD] = { p9_read },
	[P9_TWRITE] = { p9_write, true }, [P9_TFSYNC] = { p9_fsync },
	[P9_TLOCK] = { p9_lock }, [P9_TGETLOCK] = { p9_getlock },
	[P9_TREADDIR] = { p9_readdir }, [P9_TMKDIR] = { p9_mkdir, true, P9_QID_SIZE },
	[P9_TSYMLINK] = { p9_symlink, true, P9_QID_SIZE },
	[P9_TMKNOD] = { p9_mknod, true, P9_QID_SIZE },
	[P9_TLINK] = { p9_link, true }, [P9_TRENAME] = { p9_rename, true },
	[P9_TRENAMEAT] = { p9_renameat, true }, [P9_TUNLINKAT] = { p9_unlinkat, true },
};

size_t p9_handle(struct p9_server *s, const uint8_t *req, size_t req_len, uint8_t *resp,
		 size_t resp_cap)
{
	struct p9_in in = { .p = req, .len = req_len };
	struct p9_out out = { .p = resp, .pos = P9_HDR };
	uint32_t size = p9_get32(&in);
	uint8_t type = p9_get8(&in);
	uint16_t tag = p9_get16(&in);
	int err;

	s->direct.len = 0;
	out.cap = MIN(resp_cap, (size_t)(s->msize ? s->msize : P9_MSIZE_MIN));
	if (out.cap < P9_HDR + 4)
		return 0;
	s->stats.requests++;
	if (in.bad) {
		tag = P9_NOTAG;
		err = -EPROTO;
	} else if (size < P9_HDR || size > req_len || (s->msize && size > s->msize)) {
		err = -EPROTO;
	} else if (!p9_ops[type].fn) {
		err = -EOPNOTSUPP;
	} else if (!s->msize && type != P9_TVERSION) {
		err = -EPROTO;	/* no session yet */
	} else if (s->ro && p9_ops[type].modifies) {
		err = -EROFS;
	} else if ((size_t)P9_HDR + p9_ops[type].rsize > out.cap) {
		err = -EMSGSIZE;
	} else {
		in.len = size;
		err = p9_ops[type].fn(s, &in, &out);
		if (!err && out.over)
			err = -EMSGSIZE;
	}
	if (err) {
		s->direct.len = 0;	/* data placed for nothing: the guest reads an Rlerror */
		out = (struct p9_out){ .p = resp, .cap = out.cap, .pos = P9_HDR };
		p9_put32(&out, (uint32_t)-err);
		type = P9_TLERROR;
		s->stats.errors++;
	}
	resp[0] = (uint8_t)out.pos;
	resp[1] = (uint8_t)(out.pos >> 8);
	resp[2] = (uint8_t)(out.pos >> 16);
	resp[3] = (uint8_t)(out.pos >> 24);
	resp[4] = (uint8_t)(type + 1);
	resp[5] = (uint8_t)tag;
	resp[6] = (uint8_t)(tag >> 8);
	return out.pos;
}
