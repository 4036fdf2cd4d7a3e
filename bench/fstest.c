// SPDX-License-Identifier: GPL-2.0
/*
 * L2's side of `make bench-9p`: file system operations on a 9p mount,
 * each timed here and printed as one line "BENCH-9P <row> <rate> <unit>":
 *   fstest walk DIR          lstat every entry below DIR (find + stat): files/s
 *   fstest seqw FILE MIB     write MIB MiB in 1 MiB writes, then fsync: MB/s
 *   fstest seqr FILE         read FILE whole in 1 MiB reads: MB/s
 *   fstest small DIR N       N files: create, write 1 KiB, fsync, close: files/s
 * Static, no library beyond libc: L2 is busybox only.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(1 << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long walked;

static int count(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	walked++;
	return 0;
}

static int walk(const char *dir)
{
	double t = now();

	/* nftw lstat()s every entry (FTW_PHYS): find's readdir plus stat's getattr. */
	if (nftw(dir, count, 64, FTW_PHYS)) {
		perror(dir);
		return 1;
	}
	t = now() - t;
	printf("BENCH-9P walk %.0f files/s (%lu in %.2f s)\n", walked / t, walked, t);
	return 0;
}

static int seq(const char *file, long mib)
{
	char *buf = malloc(CHUNK);
	long long done = 0;
	double t = now();
	ssize_t r;
	int fd;

	fd = mib ? open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(file, O_RDONLY);
	if (!buf || fd < 0) {
		perror(file);
		return 1;
	}
	memset(buf, 0x5a, CHUNK);
	if (mib) {
		for (long i = 0; i < mib; i++, done += CHUNK)
			if (write(fd, buf, CHUNK) != CHUNK) {
				perror("write");
				return 1;
			}
		if (fsync(fd)) {
			perror("fsync");
			return 1;
		}
	} else {
		while ((r = read(fd, buf, CHUNK)) > 0)
			done += r;
		if (r < 0) {
			perror("read");
			return 1;
		}
	}
	close(fd);
	t = now() - t;
	printf("BENCH-9P %s %.1f MB/s (%lld bytes in %.2f s)\n", mib ? "seqw" : "seqr",
	       done / t / 1e6, done, t);
	return 0;
}

static int small(const char *dir, long n)
{
	char path[4096], data[1024];
	double t = now();

	memset(data, 'a', sizeof(data));
	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/s%ld", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data) || fsync(fd) || close(fd)) {
			perror(path);
			return 1;
		}
	}
	t = now() - t;
	printf("BENCH-9P small %.0f files/s (%ld in %.2f s)\n", n / t, n, t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "walk"))
		return walk(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "seqw"))
		return seq(argv[2], atol(argv[3]) > 0 ? atol(argv[3]) : 1);
	if (argc == 3 && !strcmp(argv[1], "seqr"))
		return seq(argv[2], 0);
	if (argc == 4 && !strcmp(argv[1], "small"))
		return small(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: fstest walk DIR | seqw FILE MIB | seqr FILE | small DIR N\n");
	return 2;
}
