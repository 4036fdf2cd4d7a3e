// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox's unpacked kernels: a compressed kernel (an x86 bzImage)
 * decompressed once by lkvm and kept in the invoking user's cache, so that
 * later runs boot it directly and the guest skips its own decompressor,
 * the largest single cost of a nested or emulated boot (docs/sandbox.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/sandbox.h"
#include "lkvm/util.h"

#define KCACHE_KERNEL_MAX	(256 * MiB)

/* $XDG_CACHE_HOME/lkvm, else $HOME/.cache/lkvm; absolute paths only. */
static int kcache_dir(char *out, size_t n)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	int len;

	if (x && x[0] == '/')
		len = snprintf(out, n, "%s/lkvm", x);
	else if (h && h[0] == '/')
		len = snprintf(out, n, "%s/.cache/lkvm", strcmp(h, "/") ? h : "");
	else
		return -1;
	return len > 0 && (size_t)len < n ? 0 : -1;
}

/* mkdir -p for the last two components (…/.cache/lkvm), private to the user. */
static int kcache_mkdir(char *dir)
{
	char *slash = strrchr(dir, '/');

	if (!mkdir(dir, 0700) || errno == EEXIST)
		return 0;
	if (errno != ENOENT || !slash || slash == dir)
		return -1;
	*slash = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST) {
		*slash = '/';
		return -1;
	}
	*slash = '/';
	return mkdir(dir, 0700) && errno != EEXIST ? -1 : 0;
}

/* Entries of an older build of this release: one kept per release. */
static void kcache_prune(const char *dir, const char *prefix, const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)) && strcmp(e->d_name, keep))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
}

static int kcache_write(const char *path, const uint8_t *buf, size_t len)
{
	char tmp[PATH_MAX + 300];
	size_t off = 0;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (close(fd) || off != len || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int sandbox_kernel_unpacked(const char *kernel, const char *release, char *out, size_t outlen)
{
	char dir[PATH_MAX], prefix[128], name[256], path[PATH_MAX + 256];
	uint8_t *img, *vmlinux;
	size_t size, vlen;
	struct stat st, cs;
	int ret;

	for (const char *c = release; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-", *c))
			return 1;	/* not a file name: no cache */
	if (stat(kernel, &st) || !S_ISREG(st.st_mode) || kcache_dir(dir, sizeof(dir)))
		return 1;
	/* The entry's name says which file it came from: a new build of the release misses. */
	snprintf(prefix, sizeof(prefix), "vmlinux-%.64s-", release);
	snprintf(name, sizeof(name), "%s%llx-%llx-%llx-%llx.%09ld", prefix,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 (unsigned long long)st.st_size, (unsigned long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= outlen)
		return 1;
	if (!stat(path, &cs) && S_ISREG(cs.st_mode) && cs.st_size > 0) {
		snprintf(out, outlen, "%s", path);
		return 0;
	}
	img = sandbox_file_read(kernel, KCACHE_KERNEL_MAX, &size);
	if (!img)
		return 1;
	ret = arch_kernel_unpack(img, size, &vmlinux, &vlen);
	free(img);
	if (ret)
		return 1;	/* not packed the way lkvm unpacks: the guest does it */
	ret = kcache_mkdir(dir) || kcache_write(path, vmlinux, vlen);
	free(vmlinux);
	if (ret)
		return 1;
	kcache_prune(dir, prefix, name);
	snprintf(out, outlen, "%s", path);
	return 0;
}
