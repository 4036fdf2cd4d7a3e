// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.x, 5.2) over a disk image file. Requests run on the
 * device's I/O thread. A request completes or fails whole as far as lkvm
 * is concerned: a write is first copied out of guest memory entirely (a
 * poisoned page fails it before the image is touched), then written; a
 * read goes to the guest only once the image read succeeded. Flush is
 * fdatasync, discard a hole punched into the image (fallocate PUNCH_HOLE |
 * KEEP_SIZE). Read-only disks advertise VIRTIO_BLK_F_RO and fail writes.
 * The image is locked (flock: shared for ro, exclusive for rw), so a
 * second VM cannot open it read-write while another uses it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/virtio-devs.h"
#include "hw/virtio-mmio.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

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

#define SECTOR			512
#define HDR_LEN			16
#define ID_LEN			20
#define MAX_REQ			(32u << 20)	/* Linux sends at most a few MiB */
#define CONFIG_LEN		0x3c		/* struct virtio_blk_config up to write_zeroes */
#define DISCARD_SEGS		32		/* max_discard_seg: ranges per request */
#define DISCARD_MAX		(1u << 22)	/* max_discard_sectors: 2 GiB per range */
#define DISCARD_ALIGN		8		/* discard_sector_alignment: 4 KiB */

struct blk {
	struct virtio_dev dev;
	char name[16];
	char path[256];
	int fd;
	bool ro;
	uint64_t sectors;
	uint8_t config[CONFIG_LEN];
	uint8_t *bounce;
	size_t bounce_len;
};

static uint8_t *bounce(struct blk *b, size_t len)
{
	if (len > b->bounce_len) {
		uint8_t *p = realloc(b->bounce, len);

		if (!p)
			return NULL;
		b->bounce = p;
		b->bounce_len = len;
	}
	return b->bounce;
}

/*
 * A request is copied and read or written CHUNK at a time, the transport's
 * stop flag checked in between: a stopping VM waits for one chunk, not for
 * MAX_REQ (virtio-round.h).
 */
#define CHUNK			(1u << 20)

static bool io_full(struct virtio_mmio *t, int fd, uint8_t *buf, size_t len, uint64_t off,
		    bool write)
{
	while (len) {
		size_t n = MIN(len, (size_t)CHUNK);
		ssize_t r;

		if (virtio_stopping(t))
			return false;
		r = write ? pwrite(fd, buf, n, (off_t)off) : pread(fd, buf, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		buf += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return true;
}

/* len bytes between buf and the chain (the readable part from skip, or the writable part). */
static bool chain_full(struct virtio_mmio *t, const struct vq *q, const struct vq_chain *c,
		       uint64_t skip, uint8_t *buf, size_t len, bool to_guest)
{
	for (size_t o = 0; o < len; o += CHUNK) {
		size_t n = MIN(len - o, (size_t)CHUNK);
		long r;

		if (virtio_stopping(t))
			return false;
		r = to_guest ? vq_chain_write(q, c, o, buf + o, n) :
			       vq_chain_read(q, c, skip + o, buf + o, n);
		if (r != (long)n)
			return false;
	}
	return true;
}

/*
 * VIRTIO_BLK_T_DISCARD: 1..DISCARD_SEGS ranges of 16 bytes (sector, count,
 * flags), every one checked (inside the disk, 1..DISCARD_MAX sectors, no
 * flags: the unmap flag is for write-zeroes) before any is punched out.
 */
static uint8_t blk_discard(struct blk *b, const struct vq *q, const struct vq_chain *c)
{
	uint8_t seg[DISCARD_SEGS * 16];
	uint64_t len = c->out_len - HDR_LEN;

	if (b->ro || !len || len % 16 || len / 16 > DISCARD_SEGS)
		return VIRTIO_BLK_S_IOERR;
	if (vq_chain_read(q, c, HDR_LEN, seg, len) != (long)len)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t o = 0; o < len; o += 16) {
		uint64_t sector = io_data_get(seg + o, 8);
		uint32_t num = (uint32_t)io_data_get(seg + o + 8, 4);

		if (io_data_get(seg + o + 12, 4))
			return VIRTIO_BLK_S_UNSUPP;
		if (!num || num > DISCARD_MAX || sector > b->sectors || num > b->sectors - sector)
			return VIRTIO_BLK_S_IOERR;
	}
	for (uint64_t o = 0; o < len; o += 16) {
		uint64_t sector = io_data_get(seg + o, 8);
		uint64_t num = io_data_get(seg + o + 8, 4);

		if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(sector * SECTOR), (off_t)(num * SECTOR)))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/* One request; returns the status byte, *written the data bytes for the guest. */
static uint8_t blk_request(struct virtio_mmio *t, struct blk *b, const struct vq *q,
			   const struct vq_chain *c, uint32_t *written)
{
	uint8_t hdr[HDR_LEN], *buf;
	uint32_t type;
	uint64_t sector, len;

	*written = 0;
	if (c->out_len < HDR_LEN || vq_chain_read(q, c, 0, hdr, HDR_LEN) != HDR_LEN)
		return VIRTIO_BLK_S_IOERR;
	type = (uint32_t)io_data_get(hdr, 4);
	sector = io_data_get(hdr + 8, 8);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		len = c->in_len - 1;	/* the last writable byte is the status */
		if (len % SECTOR || len > MAX_REQ || sector > b->sectors ||
		    len / SECTOR > b->sectors - sector)
			return VIRTIO_BLK_S_IOERR;
		buf = bounce(b, len);
		if (!buf || !io_full(t, b->fd, buf, len, sector * SECTOR, false) ||
		    !chain_full(t, q, c, 0, buf, len, true))
			return VIRTIO_BLK_S_IOERR;
		*written = (uint32_t)len;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		len = c->out_len - HDR_LEN;
		if (b->ro || len % SECTOR || len > MAX_REQ || sector > b->sectors ||
		    len / SECTOR > b->sectors - sector)
			return VIRTIO_BLK_S_IOERR;
		buf = bounce(b, len);
		/* All of it out of guest memory before the image is touched. */
		if (!buf || !chain_full(t, q, c, HDR_LEN, buf, len, false))
			return VIRTIO_BLK_S_IOERR;
		if (!io_full(t, b->fd, buf, len, sector * SECTOR, true))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		if (!b->ro && fdatasync(b->fd))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
		return blk_discard(b, q, c);
	case VIRTIO_BLK_T_GET_ID: {
		char id[ID_LEN] = { 0 };
		const char *base = strrchr(b->path, '/');

		base = base ? base + 1 : b->path;
		memcpy(id, base, strnlen(base, ID_LEN));	/* no NUL when 20 long */
		len = MIN((uint64_t)c->in_len - 1, (uint64_t)ID_LEN);
		if (vq_chain_write(q, c, 0, id, len) != (long)len)
			return VIRTIO_BLK_S_IOERR;
		*written = (uint32_t)len;
		return VIRTIO_BLK_S_OK;
	}
	default:
		(void)t;
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_queue(struct virtio_mmio *t, unsigned int qi)
{
	struct blk *b = virtio_dev(t)->priv;
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, qi);

	while (virtio_pop(t, qi, c)) {
		struct vq qc = *q;	/* the request runs unlocked: a reset may clear *q */
		uint32_t written = 0;
		uint8_t st = VIRTIO_BLK_S_IOERR;
		unsigned int gen = virtio_io_begin(t);

		if (c->in_len >= 1)
			st = blk_request(t, b, &qc, c, &written);
		if (!virtio_io_end(t, gen))
			return;		/* the driver reset the device: no ring to complete on */
		if (st == VIRTIO_BLK_S_IOERR)
			virtio_count_error(t);
		/* The status byte is the last writable byte; no room for it: len 0. */
		if (c->in_len >= 1 && vq_chain_write(q, c, c->in_len - 1, &st, 1) == 1)
			written++;
		else
			written = 0;
		virtio_complete(t, qi, c->head, written);
	}
}

static void blk_destroy(struct virtio_mmio *t)
{
	struct blk *b = virtio_dev(t)->priv;

	close(b->fd);		/* drops the lock */
	free(b->bounce);
	free(b);
}

static int blk_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*size = (uint64_t)st.st_size;
	return 0;
}

int virtio_blk_create(struct vm *vm, const char *path, bool ro, unsigned int index)
{
	struct blk *b = calloc(1, sizeof(*b));
	uint64_t size = 0;
	int err;

	if (!b)
		return LKVM_EXIT_ERROR;
	snprintf(b->path, sizeof(b->path), "%s", path);
	snprintf(b->name, sizeof(b->name), "virtio-blk%u", index);
	b->ro = ro;
	b->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		pr_err("cannot open disk image '%s'%s: %s", path, ro ? " read-only" : "",
		       strerror(errno));
		free(b);
		return LKVM_EXIT_USAGE;
	}
	if (flock(b->fd, (ro ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		err = errno;
		pr_err("disk image '%s' is in use by another program (%s lock: %s); a disk is opened read-write by one VM at a time",
		       path, ro ? "shared" : "exclusive", strerror(err));
		goto fail;
	}
	err = blk_size(b->fd, &size);
	if (err || size < SECTOR) {
		pr_err("disk image '%s': %s", path, err ? strerror(-err) :
		       "smaller than one 512-byte sector");
		goto fail;
	}
	b->sectors = size / SECTOR;
	io_data_put(b->config, 8, b->sectors);			/* capacity */
	io_data_put(b->config + 12, 4, VQ_MAX_SIZE - 2);	/* seg_max: header and status */
	io_data_put(b->config + 36, 4, DISCARD_MAX);		/* max_discard_sectors */
	io_data_put(b->config + 40, 4, DISCARD_SEGS);		/* max_discard_seg */
	io_data_put(b->config + 44, 4, DISCARD_ALIGN);		/* discard_sector_alignment */
	b->dev = (struct virtio_dev){
		.name = b->name, .id = VIRTIO_ID_BLOCK, .nr_queues = 1,
		.features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_FLUSH) |
			    (ro ? 1ULL << VIRTIO_BLK_F_RO : 1ULL << VIRTIO_BLK_F_DISCARD),
		.config = b->config, .config_len = CONFIG_LEN, .queue = blk_queue,
		.poll_fd = -1, .destroy = blk_destroy, .priv = b,
	};
	if (!virtio_mmio_create(vm, &b->dev)) {
		close(b->fd);
		free(b);
		return LKVM_EXIT_ERROR;
	}
	return 0;
fail:
	close(b->fd);
	free(b);
	return LKVM_EXIT_USAGE;
}
