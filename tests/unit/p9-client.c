// SPDX-License-Identifier: GPL-2.0
/* The 9P tests' client and temporary share (p9-client.h). */
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p9-client.h"

static void set_header(uint8_t *buf, size_t len, uint8_t type)
{
	buf[0] = (uint8_t)len;
	buf[1] = (uint8_t)(len >> 8);
	buf[2] = (uint8_t)(len >> 16);
	buf[3] = (uint8_t)(len >> 24);
	buf[4] = type;
	buf[5] = 0x34;	/* tag 0x1234 */
	buf[6] = 0x12;
}

static size_t vbuild(uint8_t *buf, size_t cap, uint8_t type, const char *fmt, va_list ap)
{
	struct p9_out o = { .p = buf, .cap = cap, .pos = P9_HDR };

	for (; *fmt; fmt++) {
		switch (*fmt) {
		case '1':
			p9_put8(&o, (uint8_t)va_arg(ap, unsigned int));
			break;
		case '2':
			p9_put16(&o, (uint16_t)va_arg(ap, unsigned int));
			break;
		case '4':
			p9_put32(&o, va_arg(ap, unsigned int));
			break;
		case '8':
			p9_put64(&o, va_arg(ap, uint64_t));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			p9_putstr(&o, s, strlen(s));
			break;
		}
		case 'S': {
			int n = va_arg(ap, int);
			const char *s = va_arg(ap, const char *);

			p9_putstr(&o, s, (size_t)n);
			break;
		}
		case 'b': {
			int n = va_arg(ap, int);
			const void *b = va_arg(ap, const void *);
			uint8_t *p = p9_reserve(&o, (size_t)n);

			if (p)
				memcpy(p, b, (size_t)n);
			break;
		}
		}
	}
	set_header(buf, o.pos, type);
	return o.pos;
}

size_t p9c_build(uint8_t *buf, size_t cap, uint8_t type, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vbuild(buf, cap, type, fmt, ap);
	va_end(ap);
	return n;
}

size_t p9c_raw(struct p9c *c, const void *msg, size_t len)
{
	if (msg != c->req)
		memcpy(c->req, msg, len);
	c->rlen = p9_handle(&c->s, c->req, len, c->resp, c->resp_cap);
	c->rtype = c->rlen >= P9_HDR ? c->resp[4] : 0;
	c->r = (struct p9_in){ .p = c->resp, .len = c->rlen, .pos = P9_HDR };
	return c->rlen;
}

uint32_t p9c_ecode(const struct p9c *c)
{
	if (c->rtype != P9_RLERROR || c->rlen != P9_HDR + 4)
		return 0;
	return (uint32_t)c->resp[7] | (uint32_t)c->resp[8] << 8 | (uint32_t)c->resp[9] << 16 |
	       (uint32_t)c->resp[10] << 24;
}

int p9c_call(struct p9c *c, uint8_t type, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vbuild(c->req, P9C_BUF, type, fmt, ap);
	va_end(ap);
	p9c_raw(c, c->req, n);
	if (c->rtype == P9_RLERROR)
		return (int)p9c_ecode(c);
	return c->rtype == type + 1 ? 0 : -1;
}

int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid, const char *path)
{
	struct p9_out o = { .p = c->req, .cap = P9C_BUF, .pos = P9_HDR };
	const char *p = path;
	uint16_t n = 0, got;

	p9_put32(&o, fid);
	p9_put32(&o, newfid);
	p9_put16(&o, 0);
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		p9_putstr(&o, p, len);
		n++;
		p += len + (e ? 1 : 0);
	}
	c->req[P9_HDR + 8] = (uint8_t)n;
	c->req[P9_HDR + 9] = (uint8_t)(n >> 8);
	set_header(c->req, o.pos, P9_TWALK);
	p9c_raw(c, c->req, o.pos);
	if (c->rtype == P9_RLERROR)
		return (int)p9c_ecode(c);
	if (c->rtype != P9_RWALK)
		return -1;
	got = p9_get16(&c->r);
	return got == n ? 0 : -1;
}

int p9c_walk_steps(struct p9c *c, uint32_t fid, uint32_t newfid, const char *path)
{
	char name[P9_NAME_MAX + 1];
	const char *p = path;
	int err;

	do {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len > P9_NAME_MAX)
			return -1;
		memcpy(name, p, len);
		name[len] = '\0';
		err = p9c_walk(c, fid, newfid, name);
		fid = newfid;
		p += len + (e ? 1 : 0);
		if (!e)
			break;
	} while (!err);
	return err;
}

int p9c_open(struct p9c *c, uint32_t fid, const char *path, uint32_t flags)
{
	int err = p9c_walk(c, P9C_ROOT, fid, path);

	return err ? err : p9c_call(c, P9_TLOPEN, "44", fid, flags);
}

const char *p9c_host(const struct p9c *c, const char *rel)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", c->share, rel);
	return buf;
}

int p9c_put_file(const struct p9c *c, const char *rel, const char *text)
{
	int fd = open(p9c_host(c, rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

struct p9c *p9c_new_bare(unsigned int flags, unsigned int max_fids)
{
	struct p9c *c = calloc(1, sizeof(*c));
	int dfd;

	if (!c)
		return NULL;
	c->req = malloc(P9C_BUF);
	c->resp = malloc(P9C_BUF);
	c->resp_cap = P9C_BUF;
	strcpy(c->tmp, "/tmp/lkvm-9p-XXXXXX");
	if (!c->req || !c->resp || !mkdtemp(c->tmp))
		goto fail;
	snprintf(c->share, sizeof(c->share), "%s/share", c->tmp);
	snprintf(c->outside, sizeof(c->outside), "%s/outside", c->tmp);
	if (mkdir(c->share, 0755) || mkdir(c->outside, 0755))
		goto fail;
	dfd = open(c->outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		goto fail;
	close(dfd);
	{
		char secret[128];
		int fd;

		snprintf(secret, sizeof(secret), "%s/secret", c->outside);
		fd = open(secret, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, "secret\n", 7) != 7)
			goto fail;
		close(fd);
	}
	dfd = open(c->share, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || p9_server_init(&c->s, dfd, flags, max_fids)) {
		if (dfd >= 0)
			close(dfd);
		goto fail;
	}
	close(dfd);
	return c;
fail:
	p9c_free(c);
	return NULL;
}

struct p9c *p9c_new(unsigned int flags, unsigned int max_fids)
{
	struct p9c *c = p9c_new_bare(flags, max_fids);

	if (!c)
		return NULL;
	if (p9c_call(c, P9_TVERSION, "4s", P9C_MSIZE, "9P2000.L") ||
	    p9c_call(c, P9_TATTACH, "44ss4", P9C_ROOT, P9_NOFID, "root", "", 0)) {
		p9c_free(c);
		return NULL;
	}
	return c;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Directories a test left unreadable are opened up first, so nftw can go in. */
static int open_up(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_D || type == FTW_DNR)
		chmod(path, (st->st_mode & 07777) | 0700);
	return 0;
}

void p9c_free(struct p9c *c)
{
	if (!c)
		return;
	if (c->s.fids.pool)
		p9_server_destroy(&c->s);
	if (c->tmp[0] && strcmp(c->tmp, "/tmp/lkvm-9p-XXXXXX")) {
		nftw(c->tmp, open_up, 16, FTW_PHYS);
		nftw(c->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	free(c->req);
	free(c->resp);
	free(c);
}
