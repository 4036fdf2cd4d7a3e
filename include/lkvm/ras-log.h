/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_LOG_H
#define LKVM_RAS_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The --ras-log file: opened so that no path can hang or redirect lkvm (a
 * FIFO, a device, a symbolic link are refused), mode 0600 (it holds host
 * addresses), appended to in whole lines, synced after the records that
 * end a VM. The fatal record written from the SIGBUS handler has the same
 * fields as every other record (ras_event_json), built without libc stdio.
 */

/*
 * Returns the fd, or -1 with errno (ELOOP: a symbolic link; EINVAL or, for a
 * FIFO without a reader, ENXIO: not a regular file). A file that does not
 * end with a newline gets one first: every run starts on a line boundary.
 */
int ras_log_open(const char *path);
/* Why ras_log_open(path) failed with err, for "cannot open --ras-log": static text. */
const char *ras_log_open_error(const char *path, int err);
/*
 * One whole line: short writes and EINTR are retried; when the write fails
 * part-way (a full disk) the file is cut back to where the record began.
 * 0, or -errno. Async-signal-safe.
 */
int ras_log_write(int fd, const char *buf, size_t len);
/* After a stop or fatal record: on disk before lkvm exits. */
void ras_log_sync(int fd);

/* The fatal record's fields (async-signal-safe formatting). */
struct ras_fatal_rec {
	const char *vm_name;	/* may be NULL */
	uint64_t hva;
	uint64_t gpa;
	bool in_guest;
	uint64_t extent;
	bool simulated;
	const char *arch;
};

/*
 * Format the fatal record as ras_event_json does (same keys, same order),
 * with a trailing newline; async-signal-safe. Returns the length.
 */
size_t ras_log_fatal_json(char *buf, size_t n, const struct ras_fatal_rec *r);

#endif
