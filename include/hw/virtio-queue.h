/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VIRTIO_QUEUE_H
#define LKVM_HW_VIRTIO_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/mem.h"

/*
 * The split virtqueue (virtio 1.x, 2.7), device side, with event index.
 * Pure code over the guest memory map: every ring, descriptor, length and
 * index is read from guest memory, through the guarded copy, and checked
 * before use. No indirect descriptors (the feature is not offered).
 *
 * One thread owns a queue (the device's I/O thread): nothing here locks.
 */
#define VQ_MAX_SIZE		256	/* QueueNumMax: every queue we offer */

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT 1

/* What walking the avail ring found. VQ_OK and VQ_EMPTY are not errors. */
enum vq_status {
	VQ_OK = 0,
	VQ_EMPTY,		/* nothing new in the avail ring */
	/* The request is bad: the head is known, complete it as failed. */
	VQ_BAD_NEXT,		/* a next index beyond the table */
	VQ_BAD_LOOP,		/* chain longer than the queue: it loops */
	VQ_BAD_ADDR,		/* buffer outside RAM or straddling a region end */
	VQ_BAD_LEN,		/* buffer lengths overflow 32 bits in total */
	VQ_BAD_ORDER,		/* a device-readable buffer after a writable one */
	VQ_BAD_INDIRECT,	/* indirect descriptor: not negotiated, or with NEXT */
	VQ_BAD_ITABLE,		/* indirect table length 0 or not a multiple of 16 */
	VQ_BAD_NESTED,		/* an indirect descriptor inside an indirect table */
	VQ_BAD_POISON,		/* a descriptor sat on a poisoned page */
	/* The ring itself is broken: the device needs a reset. */
	VQ_BROKEN_IDX,		/* avail idx moved more than the queue size */
	VQ_BROKEN_HEAD,		/* avail ring names a head beyond the table */
	VQ_BROKEN_RING,		/* the ring memory cannot be read or written */
	VQ_NR_STATUS
};

const char *vq_status_name(enum vq_status s);
static inline bool vq_status_broken(enum vq_status s)
{
	return s >= VQ_BROKEN_IDX;
}

struct vq_seg {
	uint64_t gpa;
	uint32_t len;
	bool write;		/* device-writable (the driver's "in" buffer) */
};

struct vq_chain {
	uint16_t head;
	unsigned int nr, nr_out;	/* segments; the first nr_out are readable */
	uint32_t out_len, in_len;	/* bytes readable, bytes writable */
	struct vq_seg seg[VQ_MAX_SIZE];
};

struct vq {
	const struct mem_map *mem;
	const char *who;		/* names the reader in memory-error events */
	uint16_t size;			/* 0: not set up */
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;			/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	uint64_t desc, avail, used;	/* guest physical */
	uint16_t last_avail;		/* next avail entry to take */
	uint16_t used_idx;		/* our used->idx */
	uint16_t signalled;		/* used_idx at the last interrupt */
	bool signalled_valid;
};

/*
 * Check a queue's layout before the device accepts QueueReady: size a power
 * of two, 1..VQ_MAX_SIZE; each ring aligned and wholly inside one RAM region.
 * Returns true when usable. Resets the indexes. Indirect descriptors are
 * refused until the caller sets q->indirect (feature negotiated).
 */
bool vq_setup(struct vq *q, const struct mem_map *mem, const char *who, uint16_t size,
	      uint64_t desc, uint64_t avail, uint64_t used, bool event_idx);
/*
 * Take the next available chain into c. VQ_OK: c holds it (the head is
 * consumed). VQ_BAD_*: c->head is consumed and must be completed (length
 * 0 is fine). VQ_EMPTY or VQ_BROKEN_*: nothing consumed.
 */
enum vq_status vq_pop(struct vq *q, struct vq_chain *c);
/* Put head in the used ring with len bytes written. VQ_OK or VQ_BROKEN_RING. */
enum vq_status vq_push(struct vq *q, uint16_t head, uint32_t len);
/* After pushes: does the driver want an interrupt (event index or flags)? */
bool vq_should_notify(struct vq *q);

/*
 * Copy between a chain's buffers and lkvm: skip bytes of the readable
 * (resp. writable) part first. Returns bytes copied, or -EHWPOISON /
 * -EFAULT when guest memory failed (the copy stops there).
 */
long vq_chain_read(const struct vq *q, const struct vq_chain *c, uint64_t skip, void *dst,
		   size_t len);
long vq_chain_write(const struct vq *q, const struct vq_chain *c, uint64_t skip,
		    const void *src, size_t len);

#endif
