// SPDX-License-Identifier: GPL-2.0
/*
 * L2's side of `make bench-io`: a block device with O_DIRECT (no guest
 * page cache): read sequentially in 1 MiB requests, written over the same
 * way (then fdatasync, inside the time), then read in 4 KiB requests at
 * random aligned offsets for a fixed time. Prints one line:
 *   BENCH-IO seq_mbps X write_mbps W rand_iops Y bytes N
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 3.0, t0, t;
	unsigned long long size = 0, done = 0, n = 0, x = 88172645463325252ULL;
	void *buf;
	int fd;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size) || size < (1 << 20) ||
	    posix_memalign(&buf, 4096, 1 << 20)) {
		perror(argv[1]);
		return 1;
	}
	t0 = now();
	for (done = 0; done + (1 << 20) <= size; done += 1 << 20)
		if (pread(fd, buf, 1 << 20, (off_t)done) != 1 << 20) {
			perror("sequential read");
			return 1;
		}
	t = now() - t0;
	printf("BENCH-IO seq_mbps %.1f", done / t / 1e6);
	fflush(stdout);
	for (size_t i = 0; i < 1 << 20; i++)
		((unsigned char *)buf)[i] = (unsigned char)(i * 131 + 7);
	t0 = now();
	for (done = 0; done + (1 << 20) <= size; done += 1 << 20)
		if (pwrite(fd, buf, 1 << 20, (off_t)done) != 1 << 20) {
			perror("sequential write");
			return 1;
		}
	if (fdatasync(fd)) {
		perror("fdatasync");
		return 1;
	}
	t = now() - t0;
	printf(" write_mbps %.1f", done / t / 1e6);
	fflush(stdout);
	t0 = now();
	do {
		for (int i = 0; i < 16; i++, n++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			if (pread(fd, buf, 4096, (off_t)((x % (size / 4096)) * 4096)) != 4096) {
				perror("random read");
				return 1;
			}
		}
		t = now() - t0;
	} while (t < secs);
	printf(" rand_iops %.0f bytes %llu\n", n / t, done);
	return 0;
}
