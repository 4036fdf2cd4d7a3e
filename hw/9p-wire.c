// SPDX-License-Identifier: GPL-2.0
/* 9P message fields: bounds-checked little-endian readers and writers (9p-wire.h). */
#include <errno.h>
#include <string.h>

#include "hw/9p-wire.h"

/* n bytes at the read position, or NULL (and bad) when the message is shorter. */
static const uint8_t *take(struct p9_in *in, size_t n)
{
	const uint8_t *p;

	if (in->bad || n > in->len - in->pos) {
		in->bad = true;
		return NULL;
	}
	p = in->p + in->pos;
	in->pos += n;
	return p;
}

static uint64_t get_le(struct p9_in *in, size_t n)
{
	const uint8_t *p = take(in, n);
	uint64_t v = 0;

	for (size_t i = 0; p && i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint8_t p9_get8(struct p9_in *in)
{
	return (uint8_t)get_le(in, 1);
}

uint16_t p9_get16(struct p9_in *in)
{
	return (uint16_t)get_le(in, 2);
}

uint32_t p9_get32(struct p9_in *in)
{
	return (uint32_t)get_le(in, 4);
}

uint64_t p9_get64(struct p9_in *in)
{
	return get_le(in, 8);
}

const uint8_t *p9_getbytes(struct p9_in *in, size_t n)
{
	return take(in, n);
}

const char *p9_getstr(struct p9_in *in, uint16_t *len)
{
	uint16_t n = p9_get16(in);
	const char *s = (const char *)take(in, n);

	*len = s ? n : 0;
	return s;
}

int p9_getcstr(struct p9_in *in, char *buf, size_t size)
{
	uint16_t n;
	const char *s = p9_getstr(in, &n);

	if (!s)
		return -EPROTO;
	if (memchr(s, '\0', n))
		return -EINVAL;
	if ((size_t)n + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

static uint8_t *room(struct p9_out *out, size_t n)
{
	uint8_t *p;

	if (out->over || n > out->cap - out->pos) {
		out->over = true;
		return NULL;
	}
	p = out->p + out->pos;
	out->pos += n;
	return p;
}

static void put_le(struct p9_out *out, uint64_t v, size_t n)
{
	uint8_t *p = room(out, n);

	for (size_t i = 0; p && i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void p9_put8(struct p9_out *out, uint8_t v)
{
	put_le(out, v, 1);
}

void p9_put16(struct p9_out *out, uint16_t v)
{
	put_le(out, v, 2);
}

void p9_put32(struct p9_out *out, uint32_t v)
{
	put_le(out, v, 4);
}

void p9_put64(struct p9_out *out, uint64_t v)
{
	put_le(out, v, 8);
}

void p9_putstr(struct p9_out *out, const char *s, size_t len)
{
	uint8_t *p;

	if (len > UINT16_MAX) {
		out->over = true;
		return;
	}
	p9_put16(out, (uint16_t)len);
	p = room(out, len);
	if (p && len)
		memcpy(p, s, len);
}

void p9_putqid(struct p9_out *out, const struct p9_qid *q)
{
	p9_put8(out, q->type);
	p9_put32(out, q->version);
	p9_put64(out, q->path);
}

uint8_t *p9_reserve(struct p9_out *out, size_t n)
{
	return room(out, n);
}
