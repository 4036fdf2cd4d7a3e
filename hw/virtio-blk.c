// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.x, 5.2) over a disk image file: the transport's
 * side (the request path is virtio-blk-req.c). Requests run on the
 * device's I/O thread, with the transport lock let go; a round takes every
 * chain the driver made available. The image is locked (flock: shared
 * for ro, exclusive for rw), so a second VM cannot open it read-write
 * while another uses it; ,direct opens it a second time with O_DIRECT.
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

#include "hw/virtio-blk.h"
#include "hw/virtio-devs.h"
#include "hw/virtio-mmio.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

struct blk {
	struct virtio_dev dev;
	char name[16];
	char id[21];		/* GET_ID: the image file's name, 20 bytes at most */
	struct blk_disk disk;
	uint8_t config[BLK_CONFIG_LEN];
};

static bool blk_transport_stopping(void *ctx)
{
	return virtio_stopping(ctx);
}

static void blk_queue(struct virtio_mmio *t, unsigned int qi)
{
	struct blk *b = virtio_dev(t)->priv;
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, qi);

	b->disk.ctx = t;
	while (virtio_pop(t, qi, c)) {
		struct vq qc = *q;	/* the request runs unlocked: a reset may clear *q */
		uint32_t written = 0;
		uint8_t st;
		unsigned int gen = virtio_io_begin(t);

		st = blk_serve(&b->disk, &qc, c, &written);
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

/* `lkvm stat`: how much data went straight to or from the guest's pages. */
static size_t blk_stats(struct virtio_mmio *t, char *buf, size_t n)
{
	const struct blk *b = virtio_dev(t)->priv;
	int o = snprintf(buf, n, "%s.direct_bytes %llu\n%s.guarded_bytes %llu\n", b->name,
			 (unsigned long long)__atomic_load_n(&b->disk.direct_bytes, __ATOMIC_RELAXED),
			 b->name,
			 (unsigned long long)__atomic_load_n(&b->disk.guarded_bytes, __ATOMIC_RELAXED));

	return o < 0 ? 0 : MIN((size_t)o, n);
}

static void blk_free(struct blk *b)
{
	if (b->disk.dfd >= 0)
		close(b->disk.dfd);
	close(b->disk.fd);	/* drops the lock */
	free(b->disk.bounce);
	free(b);
}

static void blk_destroy(struct virtio_mmio *t)
{
	blk_free(virtio_dev(t)->priv);
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

/*
 * ,direct: the image a second time with O_DIRECT, for the data path (the
 * first descriptor holds the lock and serves what O_DIRECT refuses). The
 * same file, or the open fails (the path was replaced meanwhile).
 */
static int blk_open_direct(struct blk *b, const char *path)
{
	struct stat a, d;

	b->disk.dfd = open(path, (b->disk.ro ? O_RDONLY : O_RDWR) | O_DIRECT | O_CLOEXEC);
	if (b->disk.dfd < 0)
		return -errno;
	if (fstat(b->disk.fd, &a) || fstat(b->disk.dfd, &d) || a.st_dev != d.st_dev ||
	    a.st_ino != d.st_ino)
		return -ESTALE;
	return 0;
}

int virtio_blk_create(struct vm *vm, const struct run_disk *rd, unsigned int index)
{
	struct blk *b = calloc(1, sizeof(*b));
	const char *path = rd->path, *base;
	bool ro = rd->ro;
	uint64_t size = 0;
	int err;

	if (!b)
		return LKVM_EXIT_ERROR;
	snprintf(b->name, sizeof(b->name), "virtio-blk%u", index);
	base = strrchr(path, '/');
	snprintf(b->id, sizeof(b->id), "%.20s", base ? base + 1 : path);
	b->disk = (struct blk_disk){ .ro = ro, .dfd = -1, .id = b->id,
				     .stopping = blk_transport_stopping };
	b->disk.fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->disk.fd < 0) {
		pr_err("cannot open disk image '%s'%s: %s", path, ro ? " read-only" : "",
		       strerror(errno));
		free(b);
		return LKVM_EXIT_USAGE;
	}
	if (flock(b->disk.fd, (ro ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		err = errno;
		pr_err("disk image '%s' is in use by another program (%s lock: %s); a disk is opened read-write by one VM at a time",
		       path, ro ? "shared" : "exclusive", strerror(err));
		goto fail;
	}
	err = blk_size(b->disk.fd, &size);
	if (err || size < BLK_SECTOR) {
		pr_err("disk image '%s': %s", path, err ? strerror(-err) :
		       "smaller than one 512-byte sector");
		goto fail;
	}
	if (rd->direct && (err = blk_open_direct(b, path))) {
		pr_err("disk image '%s',direct: cannot open it with O_DIRECT: %s", path,
		       strerror(-err));
		goto fail;
	}
	b->disk.sectors = size / BLK_SECTOR;
	blk_config(&b->disk, b->config);
	b->dev = (struct virtio_dev){
		.name = b->name, .id = VIRTIO_ID_BLOCK, .nr_queues = 1,
		.features = blk_features(&b->disk),
		.config = b->config, .config_len = BLK_CONFIG_LEN, .queue = blk_queue,
		.poll_fd = -1, .destroy = blk_destroy, .stats = blk_stats, .priv = b,
	};
	if (!virtio_mmio_create(vm, &b->dev)) {
		blk_free(b);
		return LKVM_EXIT_ERROR;
	}
	return 0;
fail:
	blk_free(b);
	return LKVM_EXIT_USAGE;
}
