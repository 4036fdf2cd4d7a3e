// SPDX-License-Identifier: GPL-2.0
/* newc cpio archives in memory: the sandbox's initramfs, as the kernel unpacks it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lkvm/sandbox.h"
#include "lkvm/util.h"

#define CPIO_HDR	110	/* "070701" and 13 fields of 8 hex digits */

static bool cpio_reserve(struct cpio *c, size_t more)
{
	size_t cap = c->cap ? c->cap : 64 * KiB;
	uint8_t *nb;

	if (c->failed || more > SIZE_MAX / 2 - c->len)
		return false;
	if (c->len + more <= c->cap)
		return true;
	while (cap < c->len + more)
		cap *= 2;
	nb = realloc(c->buf, cap);
	if (!nb)
		return false;
	c->buf = nb;
	c->cap = cap;
	return true;
}

static void cpio_put(struct cpio *c, const void *p, size_t n)
{
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

static void cpio_pad4(struct cpio *c)
{
	while (c->len & 3)
		c->buf[c->len++] = 0;
}

void cpio_add(struct cpio *c, const char *name, mode_t mode, const void *data, size_t size,
	      unsigned int rdev_major, unsigned int rdev_minor)
{
	char hdr[CPIO_HDR + 1];
	size_t namesz = strlen(name) + 1;

	if (!data)
		size = 0;
	if (size > 0xffffffffU || namesz > 4096 || !cpio_reserve(c, CPIO_HDR + namesz + size + 8)) {
		c->failed = true;
		return;
	}
	/* ino, mode, uid, gid, nlink, mtime, filesize, dev maj/min, rdev maj/min, namesize, check */
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++c->ino, (unsigned int)mode, 0U, 0U, S_ISDIR(mode) ? 2U : 1U, 0U,
		 (unsigned int)size, 0U, 0U, rdev_major, rdev_minor, (unsigned int)namesz, 0U);
	cpio_put(c, hdr, CPIO_HDR);
	cpio_put(c, name, namesz);
	cpio_pad4(c);
	if (size)
		cpio_put(c, data, size);
	cpio_pad4(c);
}

int cpio_finish(struct cpio *c)
{
	cpio_add(c, "TRAILER!!!", 0, NULL, 0, 0, 0);
	return c->failed ? -1 : 0;
}

void cpio_free(struct cpio *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}
