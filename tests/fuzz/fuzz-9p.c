// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the 9P2000.L server (hw/9p-*.c) on a real temporary
 * share, answering a sequence of guest messages. Input: [0] bit 0 a
 * read-only share, bit 1 mounts may be crossed; [1] the msize offered
 * (4096 << (b & 7)); then messages, each taking as many bytes as its size
 * field says (at least 4, at most what is left), so sizes can lie. The
 * session starts negotiated, fid 0 attached. Each input starts from the
 * same share: d/, d/f, big, and symlinks abs -> /etc and rel -> ../outside;
 * TMP/outside/secret sits beside it. A finding: a crash, a sanitizer
 * report, an answer bigger than allowed or not an R-message, more fids
 * than the bound, or anything changed outside the share.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/9p.h"
#include "hw/9p-wire.h"

#define MAX_FIDS	64
#define RESP_CAP	(P9_MSIZE_MAX + 64)

static char tmp[64] = "/tmp/lkvm-fuzz-9p-XXXXXX", share[96], outside[96], secret[128];
static struct stat base_st, outside_st, secret_st;
static uint8_t *resp;

/* Everything below dirfd, gone; directories the input locked are opened up first. */
static void wipe(int dirfd)
{
	DIR *d;
	struct dirent *e;
	int fd = dup(dirfd);

	if (fd < 0)
		abort();
	d = fdopendir(fd);
	if (!d)
		abort();
	while ((e = readdir(d))) {
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!unlinkat(dirfd, e->d_name, 0))
			continue;
		fchmodat(dirfd, e->d_name, 0700, 0);
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0) {
			wipe(sub);
			close(sub);
		}
		unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

static void cleanup(void)
{
	int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		wipe(fd);
		close(fd);
		rmdir(tmp);
	}
}

static int put(int dirfd, const char *name, size_t size)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)size) || pwrite(fd, "9p-fuzz", 7, 0) != 7)
		abort();
	return close(fd);
}

static void setup_once(void)
{
	int fd;

	if (!mkdtemp(tmp))
		abort();
	snprintf(share, sizeof(share), "%s/share", tmp);
	snprintf(outside, sizeof(outside), "%s/outside", tmp);
	snprintf(secret, sizeof(secret), "%s/secret", outside);
	if (mkdir(share, 0755) || mkdir(outside, 0755))
		abort();
	fd = open(outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	put(fd, "secret", 7);
	close(fd);
	if (stat(tmp, &base_st) || stat(outside, &outside_st) || stat(secret, &secret_st))
		abort();
	resp = malloc(RESP_CAP);
	atexit(cleanup);
}

/* The same share for every input. */
static int fresh_share(void)
{
	int fd;

	chmod(share, 0755);
	fd = open(share, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		abort();
	wipe(fd);
	if (mkdirat(fd, "d", 0755) || symlinkat("/etc", fd, "abs") ||
	    symlinkat("../outside", fd, "rel"))
		abort();
	put(fd, "d/f", 7);
	put(fd, "big", 70000);
	return fd;
}

static bool same(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_mode == b->st_mode && a->st_size == b->st_size &&
	       a->st_nlink == b->st_nlink && a->st_uid == b->st_uid &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Nothing beside the share changed: not its parent, not outside/, not the secret. */
static void check_outside(void)
{
	struct stat b, o, s;

	if (stat(tmp, &b) || stat(outside, &o) || lstat(secret, &s) || !same(&b, &base_st) ||
	    !same(&o, &outside_st) || !same(&s, &secret_st)) {
		fprintf(stderr, "fuzz-9p: something outside the share changed\n");
		abort();
	}
}

static size_t message(struct p9_server *s, const uint8_t *msg, size_t len)
{
	size_t n = p9_handle(s, msg, len, resp, RESP_CAP);
	uint32_t size;

	if (!n)
		abort();	/* RESP_CAP always holds an answer */
	size = (uint32_t)resp[0] | (uint32_t)resp[1] << 8 | (uint32_t)resp[2] << 16 |
	       (uint32_t)resp[3] << 24;
	if (size != n || n > (s->msize ? s->msize : P9_MSIZE_MIN) || !(resp[4] & 1) ||
	    s->fids.nr > MAX_FIDS)
		abort();
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const uint8_t attach[] = { 23, 0, 0, 0, P9_TATTACH, 1, 0, 0, 0, 0, 0,
					  0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t version[] = { 21, 0, 0, 0, P9_TVERSION, 0xff, 0xff, 0, 0, 0, 0,
			      8, 0, '9', 'P', '2', '0', '0', '0', '.', 'L' };
	struct p9_server s;
	uint32_t msize;
	size_t pos = 2;
	int fd;

	if (n < 2)
		return 0;
	if (!resp)
		setup_once();
	fd = fresh_share();
	if (p9_server_init(&s, fd, data[0] & (P9_RO | P9_XDEV), MAX_FIDS))
		abort();
	close(fd);
	msize = 4096u << (data[1] & 7);
	for (int i = 0; i < 4; i++)
		version[7 + i] = (uint8_t)(msize >> (8 * i));
	message(&s, version, sizeof(version));
	message(&s, attach, sizeof(attach));
	while (n - pos >= 4) {
		uint32_t size = (uint32_t)data[pos] | (uint32_t)data[pos + 1] << 8 |
				(uint32_t)data[pos + 2] << 16 | (uint32_t)data[pos + 3] << 24;
		size_t len = size < 4 ? 4 : size > n - pos ? n - pos : size;

		message(&s, data + pos, len);
		pos += len;
	}
	p9_server_reset(&s);
	p9_server_destroy(&s);
	check_outside();
	return 0;
}
