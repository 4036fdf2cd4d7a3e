// SPDX-License-Identifier: GPL-2.0
/*
 * Paths below a 9P share (9p-fid.h): names checked, joined and resolved
 * with openat2() from the share's directory, never above it and never
 * through a symbolic link.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hw/9p-fid.h"

bool p9_name_ok(const char *name)
{
	return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

int p9_path_join(char *buf, const char *parent, const char *name)
{
	size_t a = strlen(parent), b = strlen(name);

	if (!a) {
		if (b + 1 > P9_PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(buf, name, b + 1);
		return 0;
	}
	if (a + 1 + b + 1 > P9_PATH_MAX)
		return -ENAMETOOLONG;
	memmove(buf, parent, a);
	buf[a] = '/';
	memcpy(buf + a + 1, name, b + 1);
	return 0;
}

void p9_path_parent(char *buf, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	memmove(buf, path, n);
	buf[n] = '\0';
}

int p9_open_in(const struct p9_server *s, int dirfd, const char *name, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = s->resolve,
	};
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

int p9_open(const struct p9_server *s, const char *path, int flags, mode_t mode)
{
	return p9_open_in(s, s->root, path[0] ? path : ".", flags, mode);
}

int p9_open_parent(const struct p9_server *s, const char *path, char *name)
{
	char parent[P9_PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *last = slash ? slash + 1 : path;

	if (!path[0])
		last = ".";
	if (strlen(last) > P9_NAME_MAX)
		return -ENAMETOOLONG;
	strcpy(name, last);
	p9_path_parent(parent, path);
	return p9_open(s, parent, O_PATH | O_DIRECTORY, 0);
}

void p9_qid_of(const struct p9_server *s, const struct stat *st, struct p9_qid *q)
{
	q->type = S_ISDIR(st->st_mode) ? P9_QTDIR : S_ISLNK(st->st_mode) ? P9_QTSYMLINK : P9_QTFILE;
	q->version = 0;
	q->path = (uint64_t)st->st_ino;
	/* Another mount below the share (P9_XDEV): its inode numbers could repeat ours. */
	if ((uint64_t)st->st_dev != s->root_dev)
		q->path ^= (uint64_t)st->st_dev * 0x9e3779b97f4a7c15ull & 0xffff000000000000ull;
}

int p9_stat_path(const struct p9_server *s, const char *path, struct stat *st)
{
	int fd = p9_open(s, path, O_PATH, 0), err;

	if (fd < 0)
		return fd;
	err = fstat(fd, st) ? -errno : 0;
	close(fd);
	return err;
}

int p9_stat_fid(const struct p9_server *s, const struct p9_fid *f, struct stat *st)
{
	if (f->fd >= 0)
		return fstat(f->fd, st) ? -errno : 0;
	return p9_stat_path(s, f->path, st);
}
