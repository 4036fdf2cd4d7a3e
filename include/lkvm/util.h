/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_UTIL_H
#define LKVM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Exit statuses are part of lkvm's interface: scripts read them. Guest
 * debug-exit codes use the odd numbers ((code << 1) | 1), so lkvm's own
 * statuses are even, apart from 1 (runtime error), shared with the
 * debug-exit convention as in QEMU's isa-debug-exit.
 */
enum lkvm_status {
	LKVM_EXIT_OK		= 0,	/* guest powered off / reset, or `lkvm stop` */
	LKVM_EXIT_ERROR		= 1,	/* runtime error: KVM failure, guest crash */
	LKVM_EXIT_USAGE		= 2,	/* bad command line or input files */
	LKVM_EXIT_RAS_STOP	= 4,	/* guest memory error, VM stopped by policy */
	LKVM_EXIT_RAS_FATAL	= 6,	/* lkvm's own memory hit by an uncorrected error */
	LKVM_EXIT_GUEST_CRASH	= 8,	/* the guest crashed beyond recovery (arch_info()->crash) */
	LKVM_EXIT_SECCOMP	= 10,	/* a thread made a system call its seccomp filter forbids */
	/* Not an exit status: the guest asked for a reset (builtin-run.c decides). */
	LKVM_RESET		= 256,
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define KiB		1024ULL
#define MiB		(1024ULL * KiB)
#define GiB		(1024ULL * MiB)

/*
 * How much lkvm says on stderr (kvmtool's --loglevel): errors always;
 * warnings (memory errors, clamped values) from LKVM_LOG_WARNING; the VM's
 * life (stop, reset) from LKVM_LOG_INFO, the default; debug with --debug.
 */
enum lkvm_loglevel {
	LKVM_LOG_ERROR,
	LKVM_LOG_WARNING,
	LKVM_LOG_INFO,
	LKVM_LOG_DEBUG,
};
extern enum lkvm_loglevel lkvm_loglevel;

/* One line on stderr, prefixed with "lkvm: ". */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print one line and exit with status. */
void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
extern bool lkvm_debug;
/* CLOCK_MONOTONIC in ns; lkvm_start_ns is when main() began. */
uint64_t mono_ns(void);
struct timespec;
/* CLOCK_REALTIME ms from now: a deadline for pthread_cond_timedwait and the like. */
void realtime_after_ms(struct timespec *ts, unsigned int ms);
extern uint64_t lkvm_start_ns;

/* Strict number parsing: whole string, no sign, no overflow. */
int parse_u64(const char *s, uint64_t *out);
/*
 * A size as kvmtool's -m takes it: a number (decimal, or 0x hex) with an
 * optional suffix B, K, M, G, T, P (powers of 1024, either case); no suffix
 * means MiB. Returns 0, -EINVAL or -ERANGE.
 */
int parse_size(const char *s, uint64_t *bytes);

/*
 * Map a whole regular file read-only; returns 0 or -errno. An empty file
 * gives size 0. Release with file_unmap(). Touch the bytes only inside
 * guard_call() (guard.h): if the file shrinks meanwhile, access raises SIGBUS.
 */
int file_map(const char *path, const uint8_t **buf, size_t *size);
void file_unmap(const uint8_t *buf, size_t size);
/*
 * Does [p, p + len) lie in a file_map() mapping? Its file's descriptor
 * (open until file_unmap()) and *off, p's offset in the file; else -1.
 */
int file_map_fd(const void *p, size_t len, uint64_t *off);
/*
 * file_map() for a loader: what ("kernel", "initrd") and path name it in
 * the one line printed when it fails. 0, or LKVM_EXIT_USAGE.
 */
int file_map_input(const char *what, const char *path, const uint8_t **buf, size_t *size);

/* Async-signal-safe helpers: format into a caller buffer, write(2). */
size_t sig_fmt_hex(char *buf, uint64_t v);	/* "0x1f" */
size_t sig_fmt_dec(char *buf, uint64_t v);	/* "31" */
/* Append s to the line in buf (pos used, n its size); returns the new length. */
size_t sig_append(char *buf, size_t pos, size_t n, const char *s);
void sig_write_str(int fd, const char *s);

/* Does [a, a+alen) lie inside [b, b+blen)?  Overflow-safe. */
static inline bool range_within(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	if (alen > blen || a < b)
		return false;
	return a - b <= blen - alen;
}

/* The value of one hex digit (either case), or -1. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	if (!alen || !blen)
		return false;
	return a < b + blen && b < a + alen;
}

/* Text appended into a fixed buffer, cut (never overrun) when it is full. */
struct strbuf {
	char *buf;
	size_t n, len;
};
void strbuf_printf(struct strbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
