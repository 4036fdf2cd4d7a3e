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
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

/* The entry for kernel: <cache dir>/vmlinux-<release>-<key>; 0, or -1 when there is none. */
static int kcache_entry(const char *kernel, const char *release, char *dir, size_t dn,
			char *prefix, size_t pn, char *name, size_t nn)
{
	struct stat st;

	for (const char *c = release; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-", *c))
			return -1;	/* not a file name: no cache */
	if (!*release || stat(kernel, &st) || !S_ISREG(st.st_mode) || kcache_dir(dir, dn))
		return -1;
	/* The entry's name says which file it came from: a new build of the release misses. */
	snprintf(prefix, pn, "vmlinux-%.64s-", release);
	snprintf(name, nn, "%s%llx-%llx-%llx-%llx.%09ld", prefix, (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	return 0;
}

int sandbox_kernel_unpacked(const char *kernel, const char *release, char *out, size_t outlen)
{
	char dir[PATH_MAX], prefix[128], name[256];
	struct stat st;

	if (kcache_entry(kernel, release, dir, sizeof(dir), prefix, sizeof(prefix), name,
			 sizeof(name)) ||
	    (size_t)snprintf(out, outlen, "%s/%s", dir, name) >= outlen)
		return 1;
	/* Only an entry of the user's own that nobody else may have changed is booted. */
	return !stat(out, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	       st.st_uid == geteuid() && !(st.st_mode & 022) ? 0 : 2;
}

int sandbox_kernel_unpack(const char *kernel, const char *release)
{
	char dir[PATH_MAX], prefix[128], name[256], path[PATH_MAX + 256];
	uint8_t *img, *vmlinux;
	size_t size, vlen;
	int ret;

	if (kcache_entry(kernel, release, dir, sizeof(dir), prefix, sizeof(prefix), name,
			 sizeof(name)))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	img = sandbox_file_read(kernel, KCACHE_KERNEL_MAX, &size);
	if (!img)
		return -1;
	ret = arch_kernel_unpack(img, size, &vmlinux, &vlen);
	free(img);
	if (ret)
		return -1;	/* not packed the way lkvm unpacks: the guest does it */
	ret = kcache_mkdir(dir) || kcache_write(path, vmlinux, vlen);
	free(vmlinux);
	if (ret)
		return -1;
	kcache_prune(dir, prefix, name);
	return 0;
}

int sandbox_kernel_unpack_start(const char *kernel, const char *release)
{
	int p[2], null;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid) {
		close(p[1]);
		return p[0];
	}
	/* The child: quiet, behind the guest for the CPU, gone if lkvm is. */
	close(p[0]);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (setpriority(PRIO_PROCESS, 0, 10))
		(void)0;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd < 3 && null >= 0; fd++)
		dup2(null, fd);
	_exit(sandbox_kernel_unpack(kernel, release) ? 1 : 0);
}

void sandbox_kernel_unpack_wait(int fd)
{
	char c;

	if (fd < 0)
		return;
	while (read(fd, &c, 1) > 0 || errno == EINTR)
		;
	close(fd);
}
