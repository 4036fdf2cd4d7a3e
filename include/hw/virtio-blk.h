/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VIRTIO_BLK_H
#define LKVM_HW_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/virtio-queue.h"

/*
 * virtio-blk's request path (virtio 1.x, 5.2), without the transport: one
 * chain served against a disk image. Reads and writes move data straight
 * between the image and the guest's pages (preadv/pwritev over the chain's
 * buffers); where the kernel cannot touch a guest page (a poisoned one:
 * EFAULT or a short count, never a SIGBUS) the rest of the request goes
 * through the guarded copy and a bounce buffer, which meets the poison,
 * fails that one request with VIRTIO_BLK_S_IOERR and emits the memory-error
 * event naming the device (q->who). While a drill is armed every byte takes
 * the guarded copy (drills fire only there). A write failed part-way may
 * have written the sectors before the bad page: the guest sees the request
 * fail, as with a disk that failed mid-write.
 */
#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_FLUSH	9
#define VIRTIO_BLK_F_DISCARD	13

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_T_DISCARD	11

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define BLK_SECTOR		512
#define BLK_HDR_LEN		16
#define BLK_MAX_REQ		(32u << 20)	/* bytes of data in one request */
#define BLK_CHUNK		(1u << 20)	/* moved per system call, stop flag between */
#define BLK_SIZE_MAX		BLK_CHUNK	/* size_max: bytes in one segment */
#define BLK_CONFIG_LEN		0x3c		/* struct virtio_blk_config up to write_zeroes */

struct blk_disk {
	int fd;			/* the image */
	int dfd;		/* the same image opened O_DIRECT (,direct), or -1 */
	bool ro;
	uint64_t sectors;
	const char *id;		/* VIRTIO_BLK_T_GET_ID: up to 20 bytes of it */
	/* The VM is going away: give up between chunks (NULL: never). */
	bool (*stopping)(void *ctx);
	void *ctx;
	uint8_t *bounce;	/* the guarded path's buffer, grown on demand */
	size_t bounce_len;
	uint64_t direct_bytes;	/* data moved straight to or from the guest's pages */
	uint64_t guarded_bytes;	/* data moved through the bounce buffer */
};

/* The config space for d (capacity, size_max, seg_max, discard limits). */
void blk_config(const struct blk_disk *d, uint8_t cfg[BLK_CONFIG_LEN]);
/* The features d offers (VIRTIO_BLK_F_*). */
uint64_t blk_features(const struct blk_disk *d);
/*
 * Serve chain c of q: the status byte to write at its end, *written the
 * data bytes put in the guest's buffers.
 */
uint8_t blk_serve(struct blk_disk *d, const struct vq *q, const struct vq_chain *c,
		  uint32_t *written);

#endif
