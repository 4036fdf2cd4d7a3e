/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VIRTIO_9P_H
#define LKVM_HW_VIRTIO_9P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/9p.h"
#include "hw/virtio-queue.h"

/*
 * virtio-9p (virtio 1.x 5.3 "9P Transport"), the parts free of threads and
 * KVM (hw/virtio-9p-req.c, unit-tested); the device: hw/virtio-9p.c.
 */
#define VIRTIO_9P_MOUNT_TAG	0	/* feature bit: the config space holds a tag */
#define VIRTIO_9P_TAG_MAX	255
#define VIRTIO_9P_CONFIG_MAX	(2 + VIRTIO_9P_TAG_MAX)

/* The config space, le16 tag_len then the tag (no NUL) into cfg: its length. */
size_t virtio_9p_config(uint8_t cfg[VIRTIO_9P_CONFIG_MAX], const char *tag);

/*
 * One request chain: its readable part (at most cap bytes, and at most the
 * negotiated msize) gathered into req through the guarded copy, answered by
 * the server into resp (at most cap, msize and the chain's writable length),
 * scattered back. A guest page that cannot be read (poisoned) fails the
 * request with Rlerror EIO under the request's tag (NOTAG when the header
 * itself is unreadable), counted in s->stats. *fault: a guarded copy failed
 * (its memory-error record waits on the thread's queue). Returns the bytes
 * written to the chain: 0 when not even an Rlerror could be.
 */
uint32_t virtio_9p_serve(struct p9_server *s, const struct vq *q, const struct vq_chain *c,
			 uint8_t *req, uint8_t *resp, size_t cap, bool *fault);

#endif
