// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueue walker, device side (virtio-queue.h). Guest memory is
 * hostile: every index is bounded by the queue size, every chain by the
 * queue size, every buffer must lie inside one RAM region, and all access
 * goes through the guarded copy, so a poisoned ring page fails a request
 * instead of killing lkvm.
 */
#include <errno.h>
#include <string.h>

#include "hw/virtio-queue.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"

#define DESC_SIZE	16

static const char *const vq_names[VQ_NR_STATUS] = {
	[VQ_OK] = "ok",
	[VQ_EMPTY] = "empty",
	[VQ_BAD_NEXT] = "descriptor's next index beyond the queue",
	[VQ_BAD_LOOP] = "descriptor chain longer than the queue (a loop)",
	[VQ_BAD_ADDR] = "buffer outside guest RAM",
	[VQ_BAD_LEN] = "buffer lengths overflow",
	[VQ_BAD_ORDER] = "device-readable buffer after a writable one",
	[VQ_BAD_INDIRECT] = "indirect descriptor not negotiated, or with NEXT set",
	[VQ_BAD_ITABLE] = "indirect table length zero or not a multiple of 16",
	[VQ_BAD_NESTED] = "indirect descriptor inside an indirect table",
	[VQ_BAD_POISON] = "descriptor on a poisoned page",
	[VQ_BROKEN_IDX] = "avail index moved by more than the queue size",
	[VQ_BROKEN_HEAD] = "avail ring names a descriptor beyond the queue",
	[VQ_BROKEN_RING] = "ring memory unreadable",
};

const char *vq_status_name(enum vq_status s)
{
	return (unsigned int)s < VQ_NR_STATUS ? vq_names[s] : "?";
}

static int rd16(const struct vq *q, uint64_t gpa, uint16_t *v)
{
	uint8_t b[2] = { 0, 0 };
	int err = mem_read(q->mem, gpa, b, 2, q->who);

	*v = (uint16_t)io_data_get(b, 2);
	return err;
}

static int wr16(const struct vq *q, uint64_t gpa, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return mem_write(q->mem, gpa, b, 2, q->who);
}

static bool ring_ok(const struct mem_map *mem, uint64_t gpa, uint64_t len, uint64_t align)
{
	return !(gpa & (align - 1)) && mem_gpa_to_hva(mem, gpa, len);
}

bool vq_setup(struct vq *q, const struct mem_map *mem, const char *who, uint16_t size,
	      uint64_t desc, uint64_t avail, uint64_t used, bool event_idx)
{
	memset(q, 0, sizeof(*q));
	if (!size || size > VQ_MAX_SIZE || (size & (size - 1)))
		return false;
	if (!ring_ok(mem, desc, (uint64_t)DESC_SIZE * size, 16) ||
	    !ring_ok(mem, avail, 6 + 2ULL * size, 2) || !ring_ok(mem, used, 6 + 8ULL * size, 4))
		return false;
	q->mem = mem;
	q->who = who;
	q->size = size;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->event_idx = event_idx;
	return true;
}

static uint64_t avail_event_gpa(const struct vq *q)
{
	return q->used + 4 + 8ULL * q->size;
}

static uint64_t used_event_gpa(const struct vq *q)
{
	return q->avail + 4 + 2ULL * q->size;
}

/* How many entries wait; publishes avail_event so the driver notifies again. */
static enum vq_status vq_pending(struct vq *q, uint16_t *n)
{
	uint16_t idx;

	if (rd16(q, q->avail + 2, &idx))
		return VQ_BROKEN_RING;
	if (idx == q->last_avail && q->event_idx) {
		/* Ask for a kick at the next entry, then look once more (no lost wake-up). */
		if (wr16(q, avail_event_gpa(q), q->last_avail))
			return VQ_BROKEN_RING;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (rd16(q, q->avail + 2, &idx))
			return VQ_BROKEN_RING;
	}
	*n = (uint16_t)(idx - q->last_avail);
	if (*n > q->size)
		return VQ_BROKEN_IDX;
	/* Entries and descriptors are read only after the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return VQ_OK;
}

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* Descriptor i of the table at gpa (the ring's, or an indirect one). */
static int read_desc(const struct vq *q, uint64_t table, uint32_t i, struct desc *d)
{
	uint8_t b[DESC_SIZE];
	int err = mem_read(q->mem, table + (uint64_t)DESC_SIZE * i, b, sizeof(b), q->who);

	if (err)
		return err;
	d->addr = io_data_get(b, 8);
	d->len = (uint32_t)io_data_get(b + 8, 4);
	d->flags = (uint16_t)io_data_get(b + 12, 2);
	d->next = (uint16_t)io_data_get(b + 14, 2);
	return 0;
}

/* Append d's buffer to the chain: in RAM, readable before writable, totals bounded. */
static enum vq_status add_seg(const struct vq *q, struct vq_chain *c, const struct desc *d,
			      bool *seen_write)
{
	struct vq_seg *s;

	if (c->nr >= VQ_MAX_SIZE)
		return VQ_BAD_LOOP;	/* more segments than any chain may have */
	if (d->len && !mem_gpa_to_hva(q->mem, d->addr, d->len))
		return VQ_BAD_ADDR;
	s = &c->seg[c->nr];
	s->gpa = d->addr;
	s->len = d->len;
	s->write = d->flags & VRING_DESC_F_WRITE;
	if (s->write) {
		*seen_write = true;
		if (c->in_len + d->len < c->in_len)
			return VQ_BAD_LEN;
		c->in_len += d->len;
	} else {
		if (*seen_write)
			return VQ_BAD_ORDER;
		if (c->out_len + d->len < c->out_len)
			return VQ_BAD_LEN;
		c->out_len += d->len;
		c->nr_out++;
	}
	c->nr++;
	return VQ_OK;
}

/*
 * An indirect descriptor (virtio 1.x 2.7.5.3): it ends the chain (no NEXT),
 * its WRITE flag means nothing, and its buffer is a table of len / 16
 * descriptors, wholly in RAM, walked from entry 0. Inside the table: no
 * indirect descriptor, next indexes below the table's size, at most as
 * many steps as entries (a loop), and the whole chain bounded by
 * VQ_MAX_SIZE segments (add_seg).
 */
static enum vq_status walk_indirect(const struct vq *q, struct vq_chain *c,
				    const struct desc *ind, bool *seen_write)
{
	uint32_t n, j = 0;

	if (!q->indirect || (ind->flags & VRING_DESC_F_NEXT))
		return VQ_BAD_INDIRECT;
	if (!ind->len || ind->len % DESC_SIZE)
		return VQ_BAD_ITABLE;
	if (!mem_gpa_to_hva(q->mem, ind->addr, ind->len))
		return VQ_BAD_ADDR;
	n = ind->len / DESC_SIZE;
	for (uint32_t steps = 0;; steps++) {
		struct desc d;
		enum vq_status st;
		int err;

		if (steps >= n)
			return VQ_BAD_LOOP;
		err = read_desc(q, ind->addr, j, &d);
		if (err)
			return err == -EHWPOISON ? VQ_BAD_POISON : VQ_BAD_ADDR;
		if (d.flags & VRING_DESC_F_INDIRECT)
			return VQ_BAD_NESTED;
		st = add_seg(q, c, &d, seen_write);
		if (st != VQ_OK)
			return st;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return VQ_OK;
		if (d.next >= n)
			return VQ_BAD_NEXT;
		j = d.next;
	}
}

static enum vq_status vq_walk(struct vq *q, struct vq_chain *c)
{
	uint16_t i = c->head;
	bool seen_write = false;

	for (unsigned int steps = 0;; steps++) {
		struct desc d;
		enum vq_status st;
		int err;

		if (steps >= q->size)
			return VQ_BAD_LOOP;
		err = read_desc(q, q->desc, i, &d);
		if (err)
			return err == -EHWPOISON ? VQ_BAD_POISON : VQ_BROKEN_RING;
		if (d.flags & VRING_DESC_F_INDIRECT)
			return walk_indirect(q, c, &d, &seen_write);
		st = add_seg(q, c, &d, &seen_write);
		if (st != VQ_OK)
			return st;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return VQ_OK;
		if (d.next >= q->size)
			return VQ_BAD_NEXT;
		i = d.next;
	}
}

enum vq_status vq_pop(struct vq *q, struct vq_chain *c)
{
	uint16_t n, head;
	enum vq_status st;

	if (!q->size)
		return VQ_EMPTY;
	st = vq_pending(q, &n);
	if (st != VQ_OK)
		return st;
	if (!n)
		return VQ_EMPTY;
	if (rd16(q, q->avail + 4 + 2ULL * (q->last_avail % q->size), &head))
		return VQ_BROKEN_RING;
	if (head >= q->size)
		return VQ_BROKEN_HEAD;
	q->last_avail++;
	if (q->event_idx && wr16(q, avail_event_gpa(q), q->last_avail))
		return VQ_BROKEN_RING;
	c->head = head;
	c->nr = c->nr_out = 0;
	c->out_len = c->in_len = 0;
	return vq_walk(q, c);
}

enum vq_status vq_push(struct vq *q, uint16_t head, uint32_t len)
{
	uint8_t e[8];
	uint64_t at = q->used + 4 + 8ULL * (q->used_idx % q->size);

	io_data_put(e, 4, head);
	io_data_put(e + 4, 4, len);
	if (mem_write(q->mem, at, e, sizeof(e), q->who))
		return VQ_BROKEN_RING;
	/* The element is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->used_idx++;
	if (wr16(q, q->used + 2, q->used_idx))
		return VQ_BROKEN_RING;
	return VQ_OK;
}

bool vq_should_notify(struct vq *q)
{
	uint16_t v, old = q->signalled, now = q->used_idx;
	bool valid = q->signalled_valid;

	/* Our used->idx store is visible before we read the driver's wish. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->signalled = now;
	q->signalled_valid = true;
	if (!q->event_idx) {
		if (rd16(q, q->avail, &v))
			return true;
		return !(v & VRING_AVAIL_F_NO_INTERRUPT);
	}
	if (rd16(q, used_event_gpa(q), &v) || !valid)
		return true;
	/* vring_need_event(): the driver's event index lies in (old, now]. */
	return (uint16_t)(now - v - 1) < (uint16_t)(now - old);
}

/* The chain's pieces from skip on, len bytes at most, under one guard. */
static long vq_copy(const struct vq *q, const struct vq_chain *c, bool write, uint64_t skip,
		    uint8_t *buf, size_t len)
{
	struct mem_piece p[VQ_MAX_SIZE];
	unsigned int n = 0;
	size_t done = 0;
	int err;

	for (unsigned int i = write ? c->nr_out : 0; i < (write ? c->nr : c->nr_out) && done < len;
	     i++) {
		const struct vq_seg *s = &c->seg[i];
		uint64_t k;

		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		k = MIN((uint64_t)s->len - skip, (uint64_t)(len - done));
		p[n++] = (struct mem_piece){ .gpa = s->gpa + skip, .buf = buf + done, .len = k };
		done += k;
		skip = 0;
	}
	err = mem_copy_many(q->mem, p, n, write, q->who);
	return err ? err : (long)done;
}

long vq_chain_read(const struct vq *q, const struct vq_chain *c, uint64_t skip, void *dst,
		   size_t len)
{
	return vq_copy(q, c, false, skip, dst, len);
}

long vq_chain_write(const struct vq *q, const struct vq_chain *c, uint64_t skip,
		    const void *src, size_t len)
{
	return vq_copy(q, c, true, skip, (uint8_t *)(uintptr_t)src, len);
}
