// SPDX-License-Identifier: GPL-2.0
/*
 * The fid table of a 9P share (9p-fid.h): a fixed pool of max fids, found
 * by number through a chained hash, so a guest's choice of numbers costs
 * it nothing and its count is bounded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/9p-fid.h"

static uint32_t bucket(const struct p9_fids *t, uint32_t id)
{
	return (id * 0x9e3779b1u) & (t->nbuckets - 1);
}

int p9_fids_init(struct p9_fids *t, uint32_t max)
{
	uint32_t nb = 16;

	memset(t, 0, sizeof(*t));
	while (nb < max)
		nb <<= 1;
	t->pool = calloc(max, sizeof(*t->pool));
	t->heads = malloc(nb * sizeof(*t->heads));
	if (!t->pool || !t->heads) {
		p9_fids_destroy(t);
		return -ENOMEM;
	}
	t->nbuckets = nb;
	t->max = max;
	for (uint32_t i = 0; i < nb; i++)
		t->heads[i] = -1;
	for (uint32_t i = 0; i < max; i++) {
		t->pool[i].next = i + 1 < max ? (int32_t)(i + 1) : -1;
		t->pool[i].fd = -1;
	}
	t->free = 0;
	return 0;
}

void p9_fids_destroy(struct p9_fids *t)
{
	if (t->pool)
		p9_fids_clunk_all(t);
	free(t->pool);
	free(t->heads);
	memset(t, 0, sizeof(*t));
}

struct p9_fid *p9_fid_get(struct p9_fids *t, uint32_t id)
{
	for (int32_t i = t->heads[bucket(t, id)]; i >= 0; i = t->pool[i].next)
		if (t->pool[i].id == id)
			return &t->pool[i];
	return NULL;
}

struct p9_fid *p9_fid_new(struct p9_fids *t, uint32_t id, const char *path, uint32_t uid,
			  int *err)
{
	struct p9_fid *f;
	uint32_t b;
	char *copy;

	if (id == P9_NOFID || p9_fid_get(t, id)) {
		*err = -EBADF;
		return NULL;
	}
	if (t->free < 0) {
		*err = -EMFILE;
		return NULL;
	}
	copy = strdup(path);
	if (!copy) {
		*err = -ENOMEM;
		return NULL;
	}
	f = &t->pool[t->free];
	t->free = f->next;
	b = bucket(t, id);
	*f = (struct p9_fid){ .id = id, .next = t->heads[b], .used = true, .path = copy,
			      .fd = -1, .uid = uid };
	t->heads[b] = (int32_t)(f - t->pool);
	t->nr++;
	return f;
}

int p9_fid_set_path(struct p9_fid *f, const char *path)
{
	char *copy = strdup(path);

	if (!copy)
		return -ENOMEM;
	free(f->path);
	f->path = copy;
	return 0;
}

void p9_fid_clunk(struct p9_fids *t, struct p9_fid *f)
{
	int32_t idx = (int32_t)(f - t->pool);
	int32_t *link = &t->heads[bucket(t, f->id)];

	while (*link != idx)
		link = &t->pool[*link].next;
	*link = f->next;
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	*f = (struct p9_fid){ .next = t->free, .fd = -1 };
	t->free = idx;
	t->nr--;
}

void p9_fids_clunk_all(struct p9_fids *t)
{
	for (uint32_t i = 0; i < t->max; i++)
		if (t->pool[i].used)
			p9_fid_clunk(t, &t->pool[i]);
}

void p9_fids_renamed(struct p9_fids *t, const char *from, const char *to)
{
	size_t n = strlen(from), m = strlen(to);

	for (uint32_t i = 0; i < t->max; i++) {
		struct p9_fid *f = &t->pool[i];
		size_t rest;
		char *p;

		if (!f->used || strncmp(f->path, from, n) || (f->path[n] && f->path[n] != '/'))
			continue;
		rest = strlen(f->path + n);
		if (m + rest + 1 > P9_PATH_MAX)
			continue;	/* too deep now: the fid goes stale, as it would after a host rename */
		p = malloc(m + rest + 1);
		if (!p)
			continue;
		memcpy(p, to, m);
		memcpy(p + m, f->path + n, rest + 1);
		free(f->path);
		f->path = p;
	}
}
