// SPDX-License-Identifier: GPL-2.0
/* Guest memory map: lock-free hva <-> gpa lookups over a fixed region table. */
#include <errno.h>
#include <string.h>

#include "lkvm/guard.h"
#include "lkvm/mem.h"
#include "lkvm/util.h"

int mem_map_add(struct mem_map *m, uint64_t gpa, uint64_t size, uint8_t *hva)
{
	int i;

	if (!size || gpa + size < gpa || (uint64_t)(uintptr_t)hva + size < (uint64_t)(uintptr_t)hva)
		return -EINVAL;
	if (m->nr >= MEM_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < m->nr; i++) {
		if (ranges_overlap(gpa, size, m->r[i].gpa, m->r[i].size) ||
		    ranges_overlap((uintptr_t)hva, size, (uintptr_t)m->r[i].hva, m->r[i].size))
			return -EINVAL;
	}
	m->r[m->nr].gpa = gpa;
	m->r[m->nr].size = size;
	m->r[m->nr].hva = hva;
	m->nr++;
	m->ram_size += size;
	return 0;
}

bool mem_hva_to_gpa(const struct mem_map *m, uint64_t hva, uint64_t *gpa)
{
	int i;

	for (i = 0; i < m->nr; i++) {
		uint64_t start = (uintptr_t)m->r[i].hva;

		if (hva >= start && hva - start < m->r[i].size) {
			*gpa = m->r[i].gpa + (hva - start);
			return true;
		}
	}
	return false;
}

void *mem_gpa_to_hva(const struct mem_map *m, uint64_t gpa, uint64_t len)
{
	int i;

	for (i = 0; i < m->nr; i++) {
		if (range_within(gpa, len, m->r[i].gpa, m->r[i].size))
			return m->r[i].hva + (gpa - m->r[i].gpa);
	}
	return NULL;
}

int mem_extent_lookup(const struct mem_map *m, uint64_t hva, unsigned int lsb,
		      struct mem_hit *hits, int max_hits)
{
	uint64_t len, start;
	int i, n = 0, first = -1;

	if (lsb > 63)
		lsb = 63;
	len = 1ULL << lsb;
	start = hva & ~(len - 1);

	/* The region holding the faulting address goes first. */
	for (i = 0; i < m->nr; i++) {
		uint64_t rs = (uintptr_t)m->r[i].hva;

		if (hva >= rs && hva - rs < m->r[i].size)
			first = i;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < m->nr && n < max_hits; i++) {
			uint64_t rs = (uintptr_t)m->r[i].hva, re = rs + m->r[i].size;
			uint64_t lo, hi;

			if ((pass == 0) != (i == first))
				continue;
			if (!ranges_overlap(start, len, rs, m->r[i].size))
				continue;
			lo = MAX(start, rs);
			/* start + len may wrap to 0 for lsb 63 extents near the top. */
			hi = (start + len < start || start + len > re) ? re : start + len;
			hits[n].region = i;
			hits[n].hva = lo;
			hits[n].gpa = m->r[i].gpa + (lo - rs);
			hits[n].len = hi - lo;
			n++;
		}
	}
	return n;
}

struct mem_copy {
	void *dst;
	const void *src;
	size_t len;
	uint64_t guest;		/* host address of the guest side */
};

static uint64_t drill_hva;
static unsigned int drill_lsb;
static mem_drill_fn drill_raise;

void mem_drill_arm(uint64_t hva, unsigned int lsb, mem_drill_fn raise)
{
	drill_lsb = lsb;
	drill_raise = raise;
	__atomic_store_n(&drill_hva, hva & ~((1ULL << lsb) - 1), __ATOMIC_RELEASE);
}

bool mem_drill_armed(void)
{
	return __atomic_load_n(&drill_hva, __ATOMIC_ACQUIRE) != 0;
}

/* Inside the guard: a drill armed on this page fires (once) before the copy. */
static void mem_drill_check(const struct mem_copy *c)
{
	uint64_t page = __atomic_load_n(&drill_hva, __ATOMIC_ACQUIRE);

	if (!page || !ranges_overlap(c->guest, c->len, page, 1ULL << drill_lsb))
		return;
	if (__atomic_compare_exchange_n(&drill_hva, &page, 0, false, __ATOMIC_ACQ_REL,
					__ATOMIC_RELAXED))
		drill_raise(MAX(page, c->guest), drill_lsb);
}

static int mem_copy_fn(void *arg)
{
	struct mem_copy *c = arg;

	mem_drill_check(c);
	memcpy(c->dst, c->src, c->len);
	return 0;
}

/* Bounds first: [gpa, gpa+len) in one region, or -EFAULT before any access. */
static int mem_copy(const struct mem_map *m, uint64_t gpa, struct mem_copy *c, bool to_guest,
		    const char *who)
{
	void *hva;

	if (!c->len)
		return 0;
	hva = mem_gpa_to_hva(m, gpa, c->len);
	if (!hva)
		return -EFAULT;
	if (to_guest)
		c->dst = hva;
	else
		c->src = hva;
	c->guest = (uintptr_t)hva;
	return guard_call(who, mem_copy_fn, c);
}

/*
 * Every copy between lkvm and guest RAM outside KVM_RUN: bounds-checked
 * against one region, and guarded, so a poisoned guest page costs this one
 * access (-EHWPOISON, and an event naming who) instead of lkvm.
 */
int mem_read(const struct mem_map *m, uint64_t gpa, void *dst, size_t len, const char *who)
{
	struct mem_copy c = { .dst = dst, .len = len };

	return mem_copy(m, gpa, &c, false, who);
}

int mem_write(const struct mem_map *m, uint64_t gpa, const void *src, size_t len, const char *who)
{
	struct mem_copy c = { .src = src, .len = len };

	return mem_copy(m, gpa, &c, true, who);
}

struct mem_many {
	struct mem_piece *p;
	unsigned int n;
	bool to_guest;
};

static int mem_many_fn(void *arg)
{
	const struct mem_many *mm = arg;

	for (unsigned int i = 0; i < mm->n; i++) {
		const struct mem_piece *p = &mm->p[i];
		struct mem_copy c = {
			.dst = mm->to_guest ? p->hva : p->buf,
			.src = mm->to_guest ? (const void *)p->buf : p->hva,
			.len = p->len, .guest = (uintptr_t)p->hva,
		};

		mem_copy_fn(&c);
	}
	return 0;
}

int mem_copy_many(const struct mem_map *m, struct mem_piece *p, unsigned int n, bool to_guest,
		  const char *who)
{
	struct mem_many mm = { .p = p, .n = n, .to_guest = to_guest };

	for (unsigned int i = 0; i < n; i++) {
		p[i].hva = p[i].len ? mem_gpa_to_hva(m, p[i].gpa, p[i].len) : NULL;
		if (p[i].len && !p[i].hva)
			return -EFAULT;
	}
	return guard_call(who, mem_many_fn, &mm);
}
