// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk's request path (virtio-blk.h): reads and writes straight
 * between the image and the guest's pages, the guarded copy through a
 * bounce buffer for what the kernel could not move; flush, discard, get-id.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hw/virtio-blk.h"
#include "lkvm/io-bus.h"
#include "lkvm/mem.h"
#include "lkvm/util.h"

#define DISCARD_SEGS		32		/* max_discard_seg: ranges per request */
#define DISCARD_MAX		(1u << 22)	/* max_discard_sectors: 2 GiB per range */
#define DISCARD_ALIGN		8		/* discard_sector_alignment: 4 KiB */
#define ID_LEN			20

void blk_config(const struct blk_disk *d, uint8_t cfg[BLK_CONFIG_LEN])
{
	memset(cfg, 0, BLK_CONFIG_LEN);
	io_data_put(cfg, 8, d->sectors);		/* capacity */
	io_data_put(cfg + 8, 4, BLK_SIZE_MAX);		/* size_max */
	io_data_put(cfg + 12, 4, VQ_MAX_SIZE - 2);	/* seg_max: header and status */
	io_data_put(cfg + 36, 4, DISCARD_MAX);		/* max_discard_sectors */
	io_data_put(cfg + 40, 4, DISCARD_SEGS);		/* max_discard_seg */
	io_data_put(cfg + 44, 4, DISCARD_ALIGN);	/* discard_sector_alignment */
}

uint64_t blk_features(const struct blk_disk *d)
{
	return (1ULL << VIRTIO_BLK_F_SIZE_MAX) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
	       (1ULL << VIRTIO_BLK_F_FLUSH) |
	       (d->ro ? 1ULL << VIRTIO_BLK_F_RO : 1ULL << VIRTIO_BLK_F_DISCARD);
}

static bool blk_stopping(const struct blk_disk *d)
{
	return d->stopping && d->stopping(d->ctx);
}

/*
 * The host side of bytes [skip, skip + len) of the chain's writable part
 * (in) or readable part: one iovec per buffer, each checked to lie in one
 * RAM region; stops at the first that does not (the guarded copy says
 * so). Returns the count, *covered the bytes they hold.
 */
static unsigned int blk_iov(const struct vq *q, const struct vq_chain *c, bool in, uint64_t skip,
			    uint64_t len, struct iovec *iov, uint64_t *covered)
{
	unsigned int n = 0, i = in ? c->nr_out : 0, end = in ? c->nr : c->nr_out;

	*covered = 0;
	if (end > VQ_MAX_SIZE)
		end = VQ_MAX_SIZE;
	for (; i < end && len; i++) {
		const struct vq_seg *sg = &c->seg[i];
		uint64_t l;
		void *hva;

		if (skip >= sg->len) {
			skip -= sg->len;
			continue;
		}
		l = MIN((uint64_t)sg->len - skip, len);
		hva = mem_gpa_to_hva(q->mem, sg->gpa + skip, l);
		if (!hva)
			break;
		iov[n++] = (struct iovec){ .iov_base = hva, .iov_len = (size_t)l };
		*covered += l;
		len -= l;
		skip = 0;
	}
	return n;
}

/* The next BLK_CHUNK bytes of iov from entry *i, *at bytes into it, into part. */
static unsigned int blk_part(const struct iovec *iov, unsigned int n, unsigned int i, size_t at,
			     struct iovec *part)
{
	unsigned int k = 0;
	size_t want = 0;

	for (; i < n && want < BLK_CHUNK; i++, at = 0) {
		size_t l = MIN(iov[i].iov_len - at, (size_t)BLK_CHUNK - want);

		part[k++] = (struct iovec){ .iov_base = (uint8_t *)iov[i].iov_base + at, .iov_len = l };
		want += l;
	}
	return k;
}

/*
 * The direct path: preadv (in) or pwritev between the image at off and
 * the guest's buffers, a chunk per call. Returns the bytes moved before
 * the kernel met a page it could not touch (EFAULT, a short count) or the
 * end of the image, or -errno: the image failed, or the VM is stopping.
 * O_DIRECT refusing a buffer's alignment (EINVAL) falls back to the
 * buffered descriptor for the rest of the request.
 */
static long blk_direct(struct blk_disk *d, const struct vq *q, const struct vq_chain *c, bool in,
		       uint64_t skip, uint64_t len, uint64_t off)
{
	struct iovec iov[VQ_MAX_SIZE], part[VQ_MAX_SIZE];
	uint64_t covered, done = 0;
	unsigned int n = blk_iov(q, c, in, skip, len, iov, &covered), i = 0;
	int fd = d->dfd >= 0 ? d->dfd : d->fd;
	size_t at = 0;

	while (done < covered) {
		unsigned int k;
		ssize_t r;

		if (blk_stopping(d))
			return -EINTR;
		k = blk_part(iov, n, i, at, part);
		r = in ? preadv(fd, part, (int)k, (off_t)(off + done)) :
			 pwritev(fd, part, (int)k, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EINVAL && fd != d->fd) {
			fd = d->fd;
			continue;
		}
		if (r < 0 && errno == EFAULT)
			break;
		if (r < 0)
			return -errno;
		if (!r)
			break;
		done += (uint64_t)r;
		for (size_t left = (size_t)r; left;) {
			size_t rest = iov[i].iov_len - at;

			if (left < rest) {
				at += left;
				left = 0;
			} else {
				left -= rest;
				i++;
				at = 0;
			}
		}
	}
	return (long)done;
}

static uint8_t *blk_bounce(struct blk_disk *d, size_t len)
{
	if (len > d->bounce_len) {
		uint8_t *p = realloc(d->bounce, len);

		if (!p)
			return NULL;
		d->bounce = p;
		d->bounce_len = len;
	}
	return d->bounce;
}

/* len bytes between buf and the image at off, a chunk per call. */
static bool blk_file(struct blk_disk *d, uint8_t *buf, size_t len, uint64_t off, bool write)
{
	while (len) {
		size_t n = MIN(len, (size_t)BLK_CHUNK);
		ssize_t r;

		if (blk_stopping(d))
			return false;
		r = write ? pwrite(d->fd, buf, n, (off_t)off) : pread(d->fd, buf, n, (off_t)off);
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

/* len bytes between buf and the chain (its writable part, or the readable from skip). */
static bool blk_chain(struct blk_disk *d, const struct vq *q, const struct vq_chain *c,
		      uint64_t skip, uint8_t *buf, size_t len, bool to_guest)
{
	for (size_t o = 0; o < len; o += BLK_CHUNK) {
		size_t n = MIN(len - o, (size_t)BLK_CHUNK);
		long r;

		if (blk_stopping(d))
			return false;
		r = to_guest ? vq_chain_write(q, c, skip + o, buf + o, n) :
			       vq_chain_read(q, c, skip + o, buf + o, n);
		if (r != (long)n)
			return false;
	}
	return true;
}

/*
 * Data bytes [from, len) of a read (in) or write through the bounce
 * buffer and the guarded copy: a read lands in the guest only once the
 * image read succeeded; a write leaves the guest whole before the image is
 * touched.
 */
static bool blk_guarded(struct blk_disk *d, const struct vq *q, const struct vq_chain *c, bool in,
			uint64_t skip, uint64_t from, uint64_t len, uint64_t off)
{
	size_t n = (size_t)(len - from);
	uint8_t *buf = blk_bounce(d, n);

	if (!buf)
		return false;
	if (in) {
		if (!blk_file(d, buf, n, off + from, false) ||
		    !blk_chain(d, q, c, skip + from, buf, n, true))
			return false;
	} else if (!blk_chain(d, q, c, skip + from, buf, n, false) ||
		   !blk_file(d, buf, n, off + from, true)) {
		return false;
	}
	d->guarded_bytes += n;
	return true;
}

/* A read (in) or write of len bytes at sector: direct first, the guarded copy for the rest. */
static uint8_t blk_rw(struct blk_disk *d, const struct vq *q, const struct vq_chain *c, bool in,
		      uint64_t sector, uint64_t len)
{
	uint64_t skip = in ? 0 : BLK_HDR_LEN, off = sector * BLK_SECTOR;
	long done = 0;

	if (len % BLK_SECTOR || len > BLK_MAX_REQ || sector > d->sectors ||
	    len / BLK_SECTOR > d->sectors - sector)
		return VIRTIO_BLK_S_IOERR;
	if (!mem_drill_armed())
		done = blk_direct(d, q, c, in, skip, len, off);
	if (done < 0)
		return VIRTIO_BLK_S_IOERR;
	d->direct_bytes += (uint64_t)done;
	if ((uint64_t)done < len && !blk_guarded(d, q, c, in, skip, (uint64_t)done, len, off))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/*
 * VIRTIO_BLK_T_DISCARD: 1..DISCARD_SEGS ranges of 16 bytes (sector, count,
 * flags), every one checked (inside the disk, 1..DISCARD_MAX sectors, no
 * flags: the unmap flag is for write-zeroes) before any is punched out.
 */
static uint8_t blk_discard(const struct blk_disk *d, const struct vq *q, const struct vq_chain *c)
{
	uint8_t seg[DISCARD_SEGS * 16];
	uint64_t len = c->out_len - BLK_HDR_LEN;

	if (d->ro || !len || len % 16 || len / 16 > DISCARD_SEGS)
		return VIRTIO_BLK_S_IOERR;
	if (vq_chain_read(q, c, BLK_HDR_LEN, seg, len) != (long)len)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t o = 0; o < len; o += 16) {
		uint64_t sector = io_data_get(seg + o, 8);
		uint32_t num = (uint32_t)io_data_get(seg + o + 8, 4);

		if (io_data_get(seg + o + 12, 4))
			return VIRTIO_BLK_S_UNSUPP;
		if (!num || num > DISCARD_MAX || sector > d->sectors || num > d->sectors - sector)
			return VIRTIO_BLK_S_IOERR;
	}
	for (uint64_t o = 0; o < len; o += 16) {
		uint64_t sector = io_data_get(seg + o, 8);
		uint64_t num = io_data_get(seg + o + 8, 4);

		if (fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(sector * BLK_SECTOR), (off_t)(num * BLK_SECTOR)))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

uint8_t blk_serve(struct blk_disk *d, const struct vq *q, const struct vq_chain *c,
		  uint32_t *written)
{
	uint8_t hdr[BLK_HDR_LEN], st;
	uint64_t sector, len;

	*written = 0;
	if (c->in_len < 1 || c->out_len < BLK_HDR_LEN ||
	    vq_chain_read(q, c, 0, hdr, BLK_HDR_LEN) != BLK_HDR_LEN)
		return VIRTIO_BLK_S_IOERR;
	sector = io_data_get(hdr + 8, 8);
	switch ((uint32_t)io_data_get(hdr, 4)) {
	case VIRTIO_BLK_T_IN:
		len = c->in_len - 1;	/* the last writable byte is the status */
		st = blk_rw(d, q, c, true, sector, len);
		if (st == VIRTIO_BLK_S_OK)
			*written = (uint32_t)len;
		return st;
	case VIRTIO_BLK_T_OUT:
		if (d->ro)
			return VIRTIO_BLK_S_IOERR;
		return blk_rw(d, q, c, false, sector, c->out_len - BLK_HDR_LEN);
	case VIRTIO_BLK_T_FLUSH:
		if (!d->ro && fdatasync(d->fd))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
		return blk_discard(d, q, c);
	case VIRTIO_BLK_T_GET_ID: {
		char id[ID_LEN] = { 0 };

		memcpy(id, d->id, strnlen(d->id, ID_LEN));	/* no NUL when 20 long */
		len = MIN((uint64_t)c->in_len - 1, (uint64_t)ID_LEN);
		if (vq_chain_write(q, c, 0, id, len) != (long)len)
			return VIRTIO_BLK_S_IOERR;
		*written = (uint32_t)len;
		return VIRTIO_BLK_S_OK;
	}
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}
