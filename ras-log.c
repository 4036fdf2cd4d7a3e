// SPDX-License-Identifier: GPL-2.0
/* The --ras-log file (ras-log.h): safe open, whole-line writes, sync, the fatal record. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/ras-log.h"
#include "lkvm/util.h"

/*
 * Every run starts on a line boundary: a file that does not end with '\n'
 * (a record cut short by a crash, or an older lkvm on a full disk) gets one
 * first, so that this run's first record is a line of its own. The partial
 * line is kept, not cut: it may be the only trace of that run's last event,
 * and a reader that skips lines it cannot parse loses nothing else.
 */
static int ras_log_end_line(int fd, off_t size)
{
	char last = '\n';

	if (size > 0 && pread(fd, &last, 1, size - 1) != 1)
		last = '\n';	/* not readable (a write-only file): nothing to check */
	return last == '\n' ? 0 : ras_log_write(fd, "\n", 1);
}

int ras_log_open(const char *path)
{
	/*
	 * O_NONBLOCK: opening a FIFO must not wait for a reader; O_NOFOLLOW: a
	 * planted symbolic link must not send the records (as root) elsewhere.
	 * O_RDWR to read the last byte (ras_log_end_line); a file we may only
	 * write is appended to as it is.
	 */
	const int how = O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	int fd = open(path, O_RDWR | how, 0600);
	struct stat st = { .st_mode = S_IFREG };
	int flags, err;

	if (fd < 0 && errno == EACCES)
		fd = open(path, O_WRONLY | how, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = S_ISREG(st.st_mode) ? errno : EINVAL;
		goto fail;
	}
	/* A regular file: blocking writes, so no record is cut short by EAGAIN. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		err = errno;
		goto fail;
	}
	err = -ras_log_end_line(fd, st.st_size);
	if (err)
		goto fail;
	return fd;
fail:
	close(fd);
	errno = err;
	return -1;
}

const char *ras_log_open_error(const char *path, int err)
{
	struct stat st;

	if (err == ELOOP)
		return "it is a symbolic link; give the file itself";
	/* A FIFO without a reader fails the open itself (ENXIO): look at the name. */
	if ((err == EINVAL || err == ENXIO) && lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		static char why[96];

		snprintf(why, sizeof(why), "not a regular file (a %s); give a regular file",
			 S_ISFIFO(st.st_mode) ? "FIFO" : S_ISSOCK(st.st_mode) ? "socket" : "device");
		return why;
	}
	return strerror(err);
}

/*
 * Async-signal-safe (the SIGBUS handler writes the fatal record). lkvm
 * opened the file O_APPEND and owns it: a record starts at the end, and a
 * short write (a full disk, a file size limit) is cut back to that start,
 * so the file never holds half a record.
 */
int ras_log_write(int fd, const char *buf, size_t len)
{
	off_t start = lseek(fd, 0, SEEK_END);	/* -1 on a pipe: nothing to cut */

	while (len) {
		ssize_t w = write(fd, buf, len);
		int err = w < 0 ? errno : EIO;

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (start >= 0)
				while (ftruncate(fd, start) < 0 && errno == EINTR)
					;
			return -err;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

void ras_log_sync(int fd)
{
	while (fdatasync(fd) < 0 && errno == EINTR)
		;
}

/* Async-signal-safe pieces: append a string, a decimal, a zero-padded decimal. */
static size_t put_s(char *b, size_t o, size_t n, const char *s)
{
	while (*s && o + 1 < n)
		b[o++] = *s++;
	b[o < n ? o : n - 1] = '\0';
	return o;
}

static size_t put_u(char *b, size_t o, size_t n, uint64_t v, int width)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i < (int)sizeof(tmp));
	while (i < width && i < (int)sizeof(tmp))
		tmp[i++] = '0';
	while (i && o + 1 < n)
		b[o++] = tmp[--i];
	b[o < n ? o : n - 1] = '\0';
	return o;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil(int64_t z, int64_t *y, unsigned int *m, unsigned int *d)
{
	int64_t era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static size_t put_time(char *b, size_t o, size_t n)
{
	struct timespec ts;
	unsigned int m, d;
	int64_t y, s;

	clock_gettime(CLOCK_REALTIME, &ts);	/* async-signal-safe */
	s = ts.tv_sec;
	civil(s / 86400, &y, &m, &d);
	s %= 86400;
	o = put_u(b, o, n, (uint64_t)y, 4);
	o = put_s(b, o, n, "-");
	o = put_u(b, o, n, m, 2);
	o = put_s(b, o, n, "-");
	o = put_u(b, o, n, d, 2);
	o = put_s(b, o, n, "T");
	o = put_u(b, o, n, (uint64_t)(s / 3600), 2);
	o = put_s(b, o, n, ":");
	o = put_u(b, o, n, (uint64_t)(s / 60 % 60), 2);
	o = put_s(b, o, n, ":");
	o = put_u(b, o, n, (uint64_t)(s % 60), 2);
	o = put_s(b, o, n, ".");
	o = put_u(b, o, n, (uint64_t)(ts.tv_nsec / 1000000), 3);
	return put_s(b, o, n, "Z");
}

size_t ras_log_fatal_json(char *b, size_t n, const struct ras_fatal_rec *r)
{
	char hex[24], name[80];
	size_t o = 0, k = 0;

	/* VM names are [A-Za-z0-9._-] (run-opts.c); anything else is not copied raw. */
	for (const char *p = r->vm_name ? r->vm_name : ""; *p && k + 1 < sizeof(name); p++)
		name[k++] = (*p >= 0x20 && *p != '"' && *p != '\\') ? *p : '?';
	name[k] = '\0';
	o = put_s(b, o, n, "{\"time\":\"");
	o = put_time(b, o, n);
	o = put_s(b, o, n, "\",\"vm\":\"");
	o = put_s(b, o, n, name);
	o = put_s(b, o, n, "\",\"vcpu\":null,\"kind\":\"AR\",\"hva\":\"");
	sig_fmt_hex(hex, r->hva);
	o = put_s(b, o, n, hex);
	o = put_s(b, o, n, "\",\"gpa\":");
	if (r->in_guest) {
		sig_fmt_hex(hex, r->gpa);
		o = put_s(b, o, n, "\"");
		o = put_s(b, o, n, hex);
		o = put_s(b, o, n, "\"");
	} else {
		o = put_s(b, o, n, "null");
	}
	o = put_s(b, o, n, ",\"extent\":");
	o = put_u(b, o, n, r->extent, 1);
	o = put_s(b, o, n, ",\"action\":\"fatal\",\"reason\":\"");
	o = put_s(b, o, n, r->in_guest ? "lkvm itself read poisoned guest RAM outside a guarded access" :
		  "lkvm itself consumed poisoned memory");
	o = put_s(b, o, n, "\",\"detail\":\"exiting with status 6\",\"simulated\":");
	o = put_s(b, o, n, r->simulated ? "true" : "false");
	o = put_s(b, o, n, ",\"repeat\":false,\"latency_us\":0.0,\"pickup_us\":0.0,\"held_us\":0.0,"
		  "\"check_us\":0.0,\"inject_us\":0.0,\"reader\":null,\"source\":\"sigbus\",\"arch\":\"");
	o = put_s(b, o, n, r->arch ? r->arch : "");
	return put_s(b, o, n, "\"}\n");
}
