// SPDX-License-Identifier: GPL-2.0
/* Messages, strict number parsing, mapped input files. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/util.h"

bool lkvm_debug;
enum lkvm_loglevel lkvm_loglevel = LKVM_LOG_INFO;
uint64_t lkvm_start_ns;

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void realtime_after_ms(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void vmsg(const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	n = snprintf(line, sizeof(line), "lkvm: ");
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	strcat(line, "\n");
	/* One write so lines from several threads do not interleave. */
	if (write(STDERR_FILENO, line, strlen(line)) < 0)
		return;
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	if (lkvm_loglevel < LKVM_LOG_WARNING)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (lkvm_loglevel < LKVM_LOG_INFO)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!lkvm_debug)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	/* Decimal, or hex with 0x: a leading zero does not mean octal. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -EINVAL;
		v = strtoull(s + 2, &end, 16);
	} else {
		if (!isdigit((unsigned char)s[0]))
			return -EINVAL;
		v = strtoull(s, &end, 10);
	}
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* kvmtool's -m: B, K, M, G, T or P (either case), MiB without a suffix. */
int parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "bkmgtp";
	char num[32];
	const char *u;
	size_t len = s ? strlen(s) : 0;
	unsigned int shift = 20;
	uint64_t v;
	int err;

	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	u = strchr(units, tolower((unsigned char)num[len - 1]));
	/* A trailing hex digit (b) of a 0x number is a digit, not "bytes". */
	if (u && *u && !(len > 2 && num[0] == '0' && (num[1] == 'x' || num[1] == 'X') &&
			 isxdigit((unsigned char)num[len - 1]))) {
		shift = 10 * (unsigned int)(u - units);
		num[--len] = '\0';
	}
	err = parse_u64(num, &v);
	if (err)
		return err;
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

/*
 * The files file_map() has mapped keep their descriptors here until
 * file_unmap(), for file_map_fd() (zero-copy loading, mem-load.c). The
 * loaders run on one thread at start-up: no lock. A file beyond FILE_MAPS
 * is mapped all the same, and copied when loaded.
 */
#define FILE_MAPS	4
static struct {
	const uint8_t *buf;
	size_t size;
	int fd;
} file_maps[FILE_MAPS];

static void file_keep(const uint8_t *buf, size_t size, int fd)
{
	for (unsigned int i = 0; i < FILE_MAPS; i++)
		if (!file_maps[i].buf) {
			file_maps[i].buf = buf;
			file_maps[i].size = size;
			file_maps[i].fd = fd;
			return;
		}
	close(fd);
}

int file_map(const char *path, const uint8_t **buf, size_t *size)
{
	struct stat st;
	void *p;
	int fd, err;

	/* O_NONBLOCK: a FIFO put in place after the start-up check must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		close(fd);
		return err;
	}
	if (st.st_size == 0) {
		close(fd);
		*buf = (const uint8_t *)"";
		*size = 0;
		return 0;
	}
	/*
	 * Mapped, not read: a 60 MiB vmlinux costs no copy and no anonymous
	 * page faults (a read(2) into a fresh buffer took 67 ms of lkvm's 71 ms
	 * start-up on this host, far more in an emulated L1). Not populated:
	 * the format probe reads a few headers, and a huge file that is no
	 * kernel must be refused without being read whole; the loader's copy
	 * faults in what it uses (file pages, mapped around each fault).
	 */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	err = p == MAP_FAILED ? -errno : 0;
	if (err) {
		close(fd);
		return err;
	}
	file_keep(p, (size_t)st.st_size, fd);
	*buf = p;
	*size = (size_t)st.st_size;
	return 0;
}

void file_unmap(const uint8_t *buf, size_t size)
{
	if (!buf || !size)
		return;
	for (unsigned int i = 0; i < FILE_MAPS; i++)
		if (file_maps[i].buf == buf) {
			close(file_maps[i].fd);
			file_maps[i].buf = NULL;
		}
	munmap((void *)buf, size);
}

int file_map_fd(const void *p, size_t len, uint64_t *off)
{
	uintptr_t a = (uintptr_t)p;

	for (unsigned int i = 0; i < FILE_MAPS; i++) {
		uintptr_t b = (uintptr_t)file_maps[i].buf;

		if (b && a >= b && a - b <= file_maps[i].size && len <= file_maps[i].size - (a - b)) {
			*off = a - b;
			return file_maps[i].fd;
		}
	}
	return -1;
}

int file_map_input(const char *what, const char *path, const uint8_t **buf, size_t *size)
{
	int err = file_map(path, buf, size);

	if (err) {
		pr_err("cannot read %s '%s': %s", what, path, strerror(-err));
		return LKVM_EXIT_USAGE;
	}
	return 0;
}

size_t sig_fmt_hex(char *buf, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0, i;

	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < n; i++)
		buf[2 + i] = tmp[n - 1 - i];
	buf[2 + n] = '\0';
	return 2 + n;
}

size_t sig_fmt_dec(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

size_t sig_append(char *buf, size_t pos, size_t n, const char *s)
{
	while (*s && pos + 1 < n)
		buf[pos++] = *s++;
	buf[pos] = '\0';
	return pos;
}

void sig_write_str(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

void strbuf_printf(struct strbuf *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (s->len + 1 >= s->n)
		return;
	va_start(ap, fmt);
	r = vsnprintf(s->buf + s->len, s->n - s->len, fmt, ap);
	va_end(ap);
	if (r > 0)
		s->len = MIN(s->len + (size_t)r, s->n - 1);
}
