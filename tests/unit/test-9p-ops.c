// SPDX-License-Identifier: GPL-2.0
/*
 * 9P2000.L operations (hw/9p-attr.c, 9p-file.c, 9p-dir.c, 9p-server.c)
 * against a temporary share: what the guest asks, what it is answered,
 * and what the host then holds. Read-only shares refuse each modifying
 * request with EROFS; open-unlink-fstat works; fids are bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "hw/9p-fid.h"
#include "lkvm/util.h"
#include "p9-client.h"
#include "suites.h"

#define RDONLY	0
#define WRONLY	1
#define RDWR	2
#define F1	1
#define F2	2
#define F3	3

/* Rgetattr fields after valid[8] qid[13]. */
struct attr {
	uint8_t qtype;
	uint32_t mode, uid, gid;
	uint64_t nlink, size, mtime;
};

static int getattr(struct p9c *c, uint32_t fid, struct attr *a)
{
	int err = p9c_call(c, P9_TGETATTR, "48", fid, (uint64_t)0x7ff);

	if (err)
		return err;
	ck_assert_uint_eq(p9_get64(&c->r), 0x7ff);
	a->qtype = p9_get8(&c->r);
	p9_get32(&c->r);
	p9_get64(&c->r);
	a->mode = p9_get32(&c->r);
	a->uid = p9_get32(&c->r);
	a->gid = p9_get32(&c->r);
	a->nlink = p9_get64(&c->r);
	p9_get64(&c->r);		/* rdev */
	a->size = p9_get64(&c->r);
	for (int i = 0; i < 4; i++)	/* blksize, blocks, atime */
		p9_get64(&c->r);
	a->mtime = p9_get64(&c->r);
	ck_assert(!c->r.bad);
	return 0;
}

static struct stat host_stat(const struct p9c *c, const char *rel)
{
	struct stat st;

	ck_assert_msg(lstat(p9c_host(c, rel), &st) == 0, "host: no %s", rel);
	return st;
}

static bool host_exists(const struct p9c *c, const char *rel)
{
	struct stat st;

	return lstat(p9c_host(c, rel), &st) == 0;
}

/* Host-side contents of a file below the share. */
static const char *host_text(const struct p9c *c, const char *rel)
{
	static char buf[256];
	int fd = open(p9c_host(c, rel), O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static struct p9c *new_share(unsigned int flags)
{
	struct p9c *c = p9c_new(flags, 0);

	ck_assert_ptr_nonnull(c);
	return c;
}

START_TEST(test_getattr)
{
	struct p9c *c = new_share(0);
	struct attr a;

	ck_assert_int_eq(p9c_put_file(c, "f", "hello"), 0);
	chmod(p9c_host(c, "f"), 0640);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "f"), 0);
	ck_assert_int_eq(getattr(c, F1, &a), 0);
	ck_assert_uint_eq(a.qtype, P9_QTFILE);
	ck_assert_uint_eq(a.mode, S_IFREG | 0640);
	ck_assert_uint_eq(a.uid, getuid());
	ck_assert_uint_eq(a.gid, getgid());
	ck_assert_uint_eq(a.nlink, 1);
	ck_assert_uint_eq(a.size, 5);
	ck_assert_uint_eq(a.mtime, (uint64_t)host_stat(c, "f").st_mtim.tv_sec);
	ck_assert_int_eq(getattr(c, P9C_ROOT, &a), 0);
	ck_assert_uint_eq(a.qtype, P9_QTDIR);
	ck_assert(S_ISDIR(a.mode));
	p9c_free(c);
}
END_TEST

/* A walk that stops part-way answers the qids it got and makes no newfid. */
START_TEST(test_walk_partial)
{
	struct p9c *c = new_share(0);

	ck_assert_int_eq(mkdir(p9c_host(c, "a"), 0755), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "a/missing/x"), -1);
	ck_assert_uint_eq(c->rtype, P9_RWALK);
	ck_assert_uint_eq(c->rlen, P9_HDR + 2 + P9_QID_SIZE);
	ck_assert_uint_eq(c->resp[P9_HDR], 1);	/* one qid: "a" */
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", F1), EBADF);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "missing"), ENOENT);
	/* A clone, and a walk onto the fid itself. */
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, ""), 0);
	ck_assert_int_eq(p9c_walk(c, F1, F1, "a"), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "a"), EBADF);	/* F1 in use */
	p9c_free(c);
}
END_TEST

START_TEST(test_create_write_read)
{
	struct p9c *c = new_share(0);
	char data[8] = "";

	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, ""), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLCREATE, "4s444", F1, "new", RDWR, 0666, getgid()), 0);
	ck_assert_uint_eq(p9_get8(&c->r), P9_QTFILE);
	ck_assert_int_eq(p9c_call(c, P9_TWRITE, "484b", F1, (uint64_t)0, 3u, 3, "abc"), 0);
	ck_assert_uint_eq(p9_get32(&c->r), 3);
	ck_assert_int_eq(p9c_call(c, P9_TWRITE, "484b", F1, (uint64_t)10, 2u, 2, "yz"), 0);
	ck_assert_str_eq(host_text(c, "new"), "abc");
	ck_assert_uint_eq(host_stat(c, "new").st_size, 12);
	/* The guest's mode, not lkvm's umask's. */
	ck_assert_uint_eq(host_stat(c, "new").st_mode & 07777, 0666);
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", F1, (uint64_t)1, 4u), 0);
	ck_assert_uint_eq(p9_get32(&c->r), 4);
	memcpy(data, p9_getbytes(&c->r, 4), 4);
	ck_assert_mem_eq(data, "bc\0\0", 4);
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", F1, (uint64_t)100, 4u), 0);
	ck_assert_uint_eq(p9_get32(&c->r), 0);	/* end of file */
	ck_assert_int_eq(p9c_call(c, P9_TFSYNC, "44", F1, 0u), 0);
	ck_assert_int_eq(p9c_call(c, P9_TFSYNC, "44", F1, 1u), 0);
	ck_assert_int_eq(p9c_call(c, P9_TFSYNC, "44", P9C_ROOT, 0u), EBADF);	/* not open */
	/* Exclusive: an existing name is never opened by Tlcreate. */
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F2, ""), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLCREATE, "4s444", F2, "new", RDWR, 0644, 0), EEXIST);
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", F2, (uint64_t)0, 4u), EBADF);
	ck_assert_uint_eq(c->s.stats.bytes_written, 5);
	ck_assert_uint_eq(c->s.stats.bytes_read, 4);
	p9c_free(c);
}
END_TEST

START_TEST(test_lopen)
{
	struct p9c *c = new_share(0);
	struct attr a;

	ck_assert_int_eq(p9c_put_file(c, "f", "hello"), 0);
	ck_assert_int_eq(p9c_open(c, F1, "f", WRONLY | 01000), 0);	/* O_TRUNC */
	ck_assert_uint_eq(host_stat(c, "f").st_size, 0);
	ck_assert_int_eq(p9c_call(c, P9_TLOPEN, "44", F1, RDONLY), EBADF);	/* open already */
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", F1, (uint64_t)0, 4u), EBADF);	/* write-only */
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F2, ""), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLOPEN, "44", F2, 3u), EINVAL);	/* access mode 3 */
	ck_assert_int_eq(p9c_call(c, P9_TLOPEN, "44", F2, RDONLY | 0200000), 0);	/* a directory */
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", F2, (uint64_t)0, 4u), EISDIR);
	ck_assert_int_eq(getattr(c, F2, &a), 0);
	ck_assert_uint_eq(a.qtype, P9_QTDIR);
	/* A FIFO is not opened (it would block the I/O thread, and the guest opens its own). */
	ck_assert_int_eq(mkfifo(p9c_host(c, "fifo"), 0644), 0);
	ck_assert_int_eq(p9c_open(c, F3, "fifo", RDONLY), EACCES);
	p9c_free(c);
}
END_TEST

/* Readdir in small pieces, each from the last offset: every name exactly once. */
START_TEST(test_readdir_offsets)
{
	struct p9c *c = new_share(0);
	int seen[40] = { 0 }, dots = 0, rounds = 0;
	uint64_t off = 0;
	char name[32];

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "file-%02d", i);
		ck_assert_int_eq(p9c_put_file(c, name, ""), 0);
	}
	ck_assert_int_eq(mkdir(p9c_host(c, "sub"), 0755), 0);
	ck_assert_int_eq(p9c_open(c, F1, "", RDONLY), 0);
	for (;;) {
		uint32_t n;
		size_t end;

		ck_assert_int_eq(p9c_call(c, P9_TREADDIR, "484", F1, off, 100u), 0);
		n = p9_get32(&c->r);
		ck_assert_uint_le(n, 100);
		if (!n)
			break;
		end = c->r.pos + n;
		while (c->r.pos < end) {
			uint8_t qtype = p9_get8(&c->r), type;
			char nm[64];

			p9_get32(&c->r);
			p9_get64(&c->r);
			off = p9_get64(&c->r);
			type = p9_get8(&c->r);
			ck_assert_int_eq(p9_getcstr(&c->r, nm, sizeof(nm)), 0);
			if (!strcmp(nm, ".") || !strcmp(nm, "..")) {
				dots++;
				ck_assert_uint_eq(qtype, P9_QTDIR);
			} else if (!strcmp(nm, "sub")) {
				ck_assert_uint_eq(type, DT_DIR);
				ck_assert_uint_eq(qtype, P9_QTDIR);
				seen[0] += 100;
			} else {
				ck_assert_uint_eq(type, DT_REG);
				seen[atoi(nm + 5)]++;
			}
		}
		ck_assert(!c->r.bad);
		ck_assert_int_lt(++rounds, 100);
	}
	ck_assert_int_gt(rounds, 5);	/* it took several answers */
	ck_assert_int_eq(dots, 2);
	ck_assert_int_eq(seen[0], 101);
	for (int i = 1; i < 40; i++)
		ck_assert_msg(seen[i] == 1, "file-%02d seen %d times", i, seen[i]);
	/* Offset 0 again starts over. */
	ck_assert_int_eq(p9c_call(c, P9_TREADDIR, "484", F1, (uint64_t)0, 8192u), 0);
	ck_assert_uint_gt(p9_get32(&c->r), 40 * 24);
	ck_assert_int_eq(p9c_call(c, P9_TREADDIR, "484", P9C_ROOT, (uint64_t)0, 100u), EBADF);
	/* The guest's count is bounded by msize, not taken as a size to allocate (fuzz-9p's find). */
	ck_assert_int_eq(p9c_call(c, P9_TREADDIR, "484", F1, (uint64_t)0, 0xffffffffu), 0);
	ck_assert_uint_le(c->rlen, P9C_MSIZE);
	ck_assert_uint_gt(p9_get32(&c->r), 40 * 24);
	p9c_free(c);
}
END_TEST

START_TEST(test_mkdir_unlinkat)
{
	struct p9c *c = new_share(0);

	ck_assert_int_eq(p9c_call(c, P9_TMKDIR, "4s44", P9C_ROOT, "d", 0770, 0), 0);
	ck_assert_uint_eq(p9_get8(&c->r), P9_QTDIR);
	ck_assert(S_ISDIR(host_stat(c, "d").st_mode));
	ck_assert_uint_eq(host_stat(c, "d").st_mode & 07777, 0770);
	ck_assert_int_eq(p9c_call(c, P9_TMKDIR, "4s44", P9C_ROOT, "d", 0755, 0), EEXIST);
	ck_assert_int_eq(p9c_call(c, P9_TUNLINKAT, "4s4", P9C_ROOT, "d", 0u), EISDIR);
	ck_assert_int_eq(p9c_call(c, P9_TUNLINKAT, "4s4", P9C_ROOT, "d", 0x1u), EINVAL);
	ck_assert_int_eq(p9c_call(c, P9_TUNLINKAT, "4s4", P9C_ROOT, "d", 0x200u), 0);
	ck_assert(!host_exists(c, "d"));
	ck_assert_int_eq(p9c_put_file(c, "f", ""), 0);
	ck_assert_int_eq(p9c_call(c, P9_TUNLINKAT, "4s4", P9C_ROOT, "f", 0u), 0);
	ck_assert(!host_exists(c, "f"));
	ck_assert_int_eq(p9c_call(c, P9_TUNLINKAT, "4s4", P9C_ROOT, "f", 0u), ENOENT);
	p9c_free(c);
}
END_TEST

/* Renames across directories; fids at and below the old name follow it. */
START_TEST(test_rename)
{
	struct p9c *c = new_share(0);
	struct attr a;

	ck_assert_int_eq(mkdir(p9c_host(c, "a"), 0755), 0);
	ck_assert_int_eq(mkdir(p9c_host(c, "a/in"), 0755), 0);
	ck_assert_int_eq(mkdir(p9c_host(c, "b"), 0755), 0);
	ck_assert_int_eq(p9c_put_file(c, "a/in/f", "one"), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "a"), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F2, "b"), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F3, "a/in/f"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TRENAMEAT, "4s4s", F1, "in", F2, "moved"), 0);
	ck_assert(!host_exists(c, "a/in"));
	ck_assert_str_eq(host_text(c, "b/moved/f"), "one");
	ck_assert_int_eq(getattr(c, F3, &a), 0);	/* followed to b/moved/f */
	ck_assert_uint_eq(a.size, 3);
	/* Trename: the fid's file to a name in dfid. */
	ck_assert_int_eq(p9c_call(c, P9_TRENAME, "44s", F3, F1, "back"), 0);
	ck_assert_str_eq(host_text(c, "a/back"), "one");
	ck_assert_int_eq(getattr(c, F3, &a), 0);
	ck_assert_int_eq(p9c_call(c, P9_TRENAME, "44s", P9C_ROOT, F1, "x"), EBUSY);
	ck_assert_int_eq(p9c_call(c, P9_TRENAMEAT, "4s4s", F1, "nope", F2, "y"), ENOENT);
	p9c_free(c);
}
END_TEST

START_TEST(test_symlink_readlink_link)
{
	struct p9c *c = new_share(0);
	char target[64], buf[64];
	ssize_t n;

	ck_assert_int_eq(p9c_call(c, P9_TSYMLINK, "4ss4", P9C_ROOT, "l", "../some/where", 0), 0);
	ck_assert_uint_eq(p9_get8(&c->r), P9_QTSYMLINK);
	n = readlink(p9c_host(c, "l"), buf, sizeof(buf) - 1);
	ck_assert_int_eq(n, 13);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "../some/where");
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "l"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TREADLINK, "4", F1), 0);
	ck_assert_int_eq(p9_getcstr(&c->r, target, sizeof(target)), 0);
	ck_assert_str_eq(target, "../some/where");
	ck_assert_int_eq(p9c_call(c, P9_TREADLINK, "4", P9C_ROOT), EINVAL);	/* not a link */
	ck_assert_int_eq(p9c_call(c, P9_TSYMLINK, "4ss4", P9C_ROOT, "e", "", 0), ENOENT);
	/* A hard link to a file. */
	ck_assert_int_eq(p9c_put_file(c, "f", "x"), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F2, "f"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLINK, "44s", P9C_ROOT, F2, "f2"), 0);
	ck_assert_uint_eq(host_stat(c, "f").st_nlink, 2);
	ck_assert_uint_eq(host_stat(c, "f2").st_ino, host_stat(c, "f").st_ino);
	ck_assert_int_eq(p9c_call(c, P9_TLINK, "44s", P9C_ROOT, P9C_ROOT, "r"), EPERM);
	p9c_free(c);
}
END_TEST

START_TEST(test_mknod)
{
	struct p9c *c = new_share(0);

	ck_assert_int_eq(p9c_call(c, P9_TMKNOD, "4s4444", P9C_ROOT, "p", S_IFIFO | 0600, 0, 0, 0), 0);
	ck_assert(S_ISFIFO(host_stat(c, "p").st_mode));
	ck_assert_int_eq(p9c_call(c, P9_TMKNOD, "4s4444", P9C_ROOT, "c", S_IFCHR | 0600, 1, 3, 0),
			 EPERM);
	ck_assert_int_eq(p9c_call(c, P9_TMKNOD, "4s4444", P9C_ROOT, "b", S_IFBLK | 0600, 8, 0, 0),
			 EPERM);
	ck_assert_int_eq(p9c_call(c, P9_TMKNOD, "4s4444", P9C_ROOT, "d", S_IFDIR | 0700, 0, 0, 0),
			 EINVAL);
	ck_assert(!host_exists(c, "c") && !host_exists(c, "b") && !host_exists(c, "d"));
	p9c_free(c);
}
END_TEST

START_TEST(test_setattr)
{
	struct p9c *c = new_share(0);
	uint64_t z = 0;
	struct stat st;

	ck_assert_int_eq(p9c_put_file(c, "f", "hello"), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "f"), 0);
	/* mode, size, and both times set to given values */
	ck_assert_int_eq(p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x1 | 0x8 | 0x10 | 0x20 | 0x80 | 0x100,
				  0600, 0, 0, (uint64_t)2, (uint64_t)1000000, (uint64_t)5,
				  (uint64_t)2000000, (uint64_t)7), 0);
	st = host_stat(c, "f");
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(st.st_size, 2);
	ck_assert_int_eq(st.st_atim.tv_sec, 1000000);
	ck_assert_int_eq(st.st_mtim.tv_sec, 2000000);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 7);
	/* Owner: to lkvm's own is allowed; another one, as the host says. */
	ck_assert_int_eq(p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x2 | 0x4, 0, getuid(), getgid(),
				  z, z, z, z, z), 0);
	if (geteuid() != 0)
		ck_assert_int_eq(p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x2, 0, 0, 0, z, z, z, z,
					  z), EPERM);
	/* Bad nanoseconds, and CTIME alone (a no-op). */
	ck_assert_int_eq(p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x20 | 0x100, 0, 0, 0, z, z, z, z,
				  (uint64_t)1000000000), EINVAL);
	ck_assert_int_eq(p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x40, 0, 0, 0, z, z, z, z, z), 0);
	/* The share itself, and an open fid. */
	ck_assert_int_eq(p9c_call(c, P9_TSETATTR, "4444488888", P9C_ROOT, 0x1, 0750, 0, 0, z, z, z, z,
				  z), 0);
	ck_assert_int_eq(stat(c->share, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	ck_assert_int_eq(p9c_open(c, F2, "f", RDWR), 0);
	ck_assert_int_eq(p9c_call(c, P9_TSETATTR, "4444488888", F2, 0x1 | 0x8, 0604, 0, 0, (uint64_t)9,
				  z, z, z, z), 0);
	ck_assert_uint_eq(host_stat(c, "f").st_mode & 07777, 0604);
	ck_assert_uint_eq(host_stat(c, "f").st_size, 9);
	p9c_free(c);
}
END_TEST

START_TEST(test_statfs)
{
	struct p9c *c = new_share(0);
	struct statvfs sv;
	uint64_t blocks;

	ck_assert_int_eq(statvfs(c->share, &sv), 0);
	ck_assert_int_eq(p9c_call(c, P9_TSTATFS, "4", P9C_ROOT), 0);
	p9_get32(&c->r);
	ck_assert_uint_eq(p9_get32(&c->r), sv.f_bsize);
	blocks = p9_get64(&c->r);
	ck_assert_uint_eq(blocks, sv.f_blocks);
	for (int i = 0; i < 5; i++)
		p9_get64(&c->r);
	ck_assert_uint_eq(p9_get32(&c->r), sv.f_namemax);
	ck_assert(!c->r.bad && c->r.pos == c->rlen);
	p9c_free(c);
}
END_TEST

/* Locks are the host's: a second open file sees the first's. */
START_TEST(test_lock)
{
	struct p9c *c = new_share(0);
	uint64_t z = 0, all = 0;

	ck_assert_int_eq(p9c_put_file(c, "f", "data"), 0);
	ck_assert_int_eq(p9c_open(c, F1, "f", RDWR), 0);
	ck_assert_int_eq(p9c_open(c, F2, "f", RDWR), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLOCK, "414884s", F1, 1, 0, z, all, 7, "guest"), 0);
	ck_assert_uint_eq(p9_get8(&c->r), 0);	/* SUCCESS */
	ck_assert_int_eq(p9c_call(c, P9_TLOCK, "414884s", F2, 1, 1, z, all, 8, "guest"), 0);
	ck_assert_uint_eq(p9_get8(&c->r), 1);	/* BLOCKED: the guest asks again */
	ck_assert_int_eq(p9c_call(c, P9_TGETLOCK, "41884s", F2, 0, z, all, 8, "guest"), 0);
	ck_assert_uint_eq(p9_get8(&c->r), 1);	/* a write lock is in the way */
	ck_assert_int_eq(p9c_call(c, P9_TLOCK, "414884s", F1, 2, 0, z, all, 7, "guest"), 0);
	ck_assert_uint_eq(p9_get8(&c->r), 0);	/* unlocked */
	ck_assert_int_eq(p9c_call(c, P9_TGETLOCK, "41884s", F2, 1, z, all, 8, "guest"), 0);
	ck_assert_uint_eq(p9_get8(&c->r), 2);	/* UNLCK: free */
	ck_assert_int_eq(p9c_call(c, P9_TLOCK, "414884s", F2, 1, 0, z, all, 8, "guest"), 0);
	ck_assert_uint_eq(p9_get8(&c->r), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLOCK, "414884s", F2, 5, 0, z, all, 8, "guest"), EINVAL);
	ck_assert_int_eq(p9c_call(c, P9_TLOCK, "414884s", P9C_ROOT, 1, 0, z, all, 8, "g"), EBADF);
	p9c_free(c);
}
END_TEST

START_TEST(test_xattr)
{
	struct p9c *c = new_share(0);

	ck_assert_int_eq(p9c_call(c, P9_TXATTRWALK, "44s", P9C_ROOT, F1, ""), 0);
	ck_assert_uint_eq(p9_get64(&c->r), 0);
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", F1, (uint64_t)0, 100u), 0);
	ck_assert_uint_eq(p9_get32(&c->r), 0);
	ck_assert_int_eq(p9c_walk(c, F1, F2, ""), EBADF);	/* not a file's fid */
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", F1), 0);
	ck_assert_int_eq(p9c_call(c, P9_TXATTRWALK, "44s", P9C_ROOT, F1, "user.x"), ENODATA);
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", F1), EBADF);	/* not made */
	ck_assert_int_eq(p9c_call(c, P9_TXATTRCREATE, "4s84", P9C_ROOT, "user.x", (uint64_t)1, 0),
			 EOPNOTSUPP);
	p9c_free(c);
}
END_TEST

/* The idiom 9p servers break: open, unlink, then fstat/read/write through the open file. */
START_TEST(test_open_unlink_fstat)
{
	struct p9c *c = new_share(0);
	struct attr a;

	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, ""), 0);
	ck_assert_int_eq(p9c_call(c, P9_TLCREATE, "4s444", F1, "tmp", RDWR, 0600, 0), 0);
	ck_assert_int_eq(p9c_call(c, P9_TWRITE, "484b", F1, (uint64_t)0, 5u, 5, "12345"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TUNLINKAT, "4s4", P9C_ROOT, "tmp", 0u), 0);
	ck_assert(!host_exists(c, "tmp"));
	ck_assert_int_eq(getattr(c, F1, &a), 0);
	ck_assert_uint_eq(a.size, 5);
	ck_assert_uint_eq(a.nlink, 0);
	ck_assert_int_eq(p9c_call(c, P9_TWRITE, "484b", F1, (uint64_t)5, 1u, 1, "6"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", F1, (uint64_t)0, 10u), 0);
	ck_assert_uint_eq(p9_get32(&c->r), 6);
	ck_assert_int_eq(p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x8, 0, 0, 0, (uint64_t)2,
				  (uint64_t)0, (uint64_t)0, (uint64_t)0, (uint64_t)0), 0);
	ck_assert_int_eq(getattr(c, F1, &a), 0);
	ck_assert_uint_eq(a.size, 2);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F2, "tmp"), ENOENT);
	p9c_free(c);
}
END_TEST

START_TEST(test_remove)
{
	struct p9c *c = new_share(0);

	ck_assert_int_eq(p9c_put_file(c, "f", ""), 0);
	ck_assert_int_eq(mkdir(p9c_host(c, "d"), 0755), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "f"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TREMOVE, "4", F1), 0);
	ck_assert(!host_exists(c, "f"));
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", F1), EBADF);	/* clunked */
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "d"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TREMOVE, "4", F1), 0);
	ck_assert(!host_exists(c, "d"));
	p9c_free(c);
}
END_TEST

/* At most max fids; a reset clunks them all (and closes their files). */
START_TEST(test_fid_limit)
{
	struct p9c *c = p9c_new(0, 8);
	int fd;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(p9c_put_file(c, "f", ""), 0);
	for (uint32_t i = 1; i < 8; i++)
		ck_assert_int_eq(p9c_walk(c, P9C_ROOT, 1000 + i * 7919, ""), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, 5, ""), EMFILE);
	ck_assert_int_eq(p9c_call(c, P9_TXATTRWALK, "44s", P9C_ROOT, 5, ""), EMFILE);
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", 1000 + 3 * 7919), 0);
	ck_assert_int_eq(p9c_open(c, 5, "f", RDONLY), 0);
	fd = p9_fid_get(&c->s.fids, 5)->fd;
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(c->s.fids.nr, 8);
	p9_server_reset(&c->s);
	ck_assert_uint_eq(c->s.fids.nr, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);	/* closed */
	ck_assert_int_eq(p9c_call(c, P9_TCLUNK, "4", P9C_ROOT), EPROTO);	/* no session */
	ck_assert_int_eq(p9c_call(c, P9_TVERSION, "4s", 8192, "9P2000.L"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TATTACH, "44ss4", 0, P9_NOFID, "", "", 0), 0);
	{
		struct p9_server other;

		ck_assert_int_eq(p9_server_init(&other, c->s.root, 0, P9_FIDS_MAX + 1), -EINVAL);
		ck_assert_int_eq(p9_server_init(&other, c->s.root, 0x4, 0), -EINVAL);
		ck_assert_int_eq(p9_server_init(&other, -1, 0, 0), -EBADF);
	}
	p9c_free(c);
}
END_TEST

/* Read-only: each modifying request EROFS, the share unchanged; reading still works. */
START_TEST(test_ro_refused)
{
	struct p9c *c = new_share(P9_RO);
	uint64_t z = 0;
	static const char *const names[] = {
		"Tlcreate", "Tmkdir", "Tsymlink", "Tmknod", "Tlink", "Trename", "Trenameat",
		"Tunlinkat", "Tremove", "Tsetattr", "Txattrcreate", "Tlopen WRONLY", "Tlopen RDWR",
		"Tlopen TRUNC", "Twrite",
	};
	int got[ARRAY_SIZE(names)];
	struct stat before, after;
	int i = 0;

	ck_assert_int_eq(p9c_put_file(c, "f", "keep"), 0);
	ck_assert_int_eq(mkdir(p9c_host(c, "d"), 0755), 0);
	ck_assert_int_eq(stat(c->share, &before), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "f"), 0);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F2, "d"), 0);
	got[i++] = p9c_call(c, P9_TLCREATE, "4s444", F2, "n", RDWR, 0644, 0);
	got[i++] = p9c_call(c, P9_TMKDIR, "4s44", P9C_ROOT, "n", 0755, 0);
	got[i++] = p9c_call(c, P9_TSYMLINK, "4ss4", P9C_ROOT, "n", "f", 0);
	got[i++] = p9c_call(c, P9_TMKNOD, "4s4444", P9C_ROOT, "n", S_IFIFO | 0600, 0, 0, 0);
	got[i++] = p9c_call(c, P9_TLINK, "44s", P9C_ROOT, F1, "n");
	got[i++] = p9c_call(c, P9_TRENAME, "44s", F1, P9C_ROOT, "n");
	got[i++] = p9c_call(c, P9_TRENAMEAT, "4s4s", P9C_ROOT, "f", P9C_ROOT, "n");
	got[i++] = p9c_call(c, P9_TUNLINKAT, "4s4", P9C_ROOT, "f", 0u);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F3, "f"), 0);
	got[i++] = p9c_call(c, P9_TREMOVE, "4", F3);
	got[i++] = p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x1 | 0x8, 0777, 0, 0, z, z, z, z, z);
	got[i++] = p9c_call(c, P9_TXATTRCREATE, "4s84", F1, "user.x", (uint64_t)1, 0);
	got[i++] = p9c_call(c, P9_TLOPEN, "44", F1, WRONLY);
	got[i++] = p9c_call(c, P9_TLOPEN, "44", F1, RDWR);
	got[i++] = p9c_call(c, P9_TLOPEN, "44", F1, RDONLY | 01000);
	ck_assert_int_eq(p9c_call(c, P9_TLOPEN, "44", F1, RDONLY), 0);
	got[i++] = p9c_call(c, P9_TWRITE, "484b", F1, z, 1u, 1, "x");
	for (i = 0; i < (int)ARRAY_SIZE(names); i++)
		ck_assert_msg(got[i] == EROFS, "%s on a read-only share: errno %d, expected EROFS",
			      names[i], got[i]);
	ck_assert_str_eq(host_text(c, "f"), "keep");
	ck_assert_uint_eq(host_stat(c, "f").st_mode & 07777, 0644);
	ck_assert_int_eq(stat(c->share, &after), 0);
	ck_assert_int_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	ck_assert_int_eq(after.st_nlink, before.st_nlink);
	ck_assert(!host_exists(c, "n") && !host_exists(c, "d/n"));
	/* Reading is not modifying. */
	ck_assert_int_eq(p9c_call(c, P9_TREAD, "484", F1, z, 10u), 0);
	ck_assert_uint_eq(p9_get32(&c->r), 4);
	ck_assert_int_eq(p9c_call(c, P9_TLOCK, "414884s", F1, 0, 0, z, z, 1, "g"), 0);
	ck_assert_int_eq(p9c_call(c, P9_TFSYNC, "44", F1, 0u), 0);
	p9c_free(c);
}
END_TEST

Suite *p9_ops_suite(void)
{
	Suite *s = suite_create("9p-ops");
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, test_getattr);
	tcase_add_test(tc, test_walk_partial);
	tcase_add_test(tc, test_create_write_read);
	tcase_add_test(tc, test_lopen);
	tcase_add_test(tc, test_setattr);
	tcase_add_test(tc, test_statfs);
	tcase_add_test(tc, test_lock);
	tcase_add_test(tc, test_xattr);
	tcase_add_test(tc, test_open_unlink_fstat);
	suite_add_tcase(s, tc);
	tc = tcase_create("directories");
	tcase_add_test(tc, test_readdir_offsets);
	tcase_add_test(tc, test_mkdir_unlinkat);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_symlink_readlink_link);
	tcase_add_test(tc, test_mknod);
	tcase_add_test(tc, test_remove);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_fid_limit);
	tcase_add_test(tc, test_ro_refused);
	suite_add_tcase(s, tc);
	return s;
}
