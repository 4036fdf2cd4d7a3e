// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p (virtio 1.x 5.3): a host directory shared with the guest
 * (--9p DIR,TAG[,ro], docs/9p.md). One request queue; the share's I/O
 * thread, under the 9p seccomp kind, hands each chain to the 9P2000.L
 * server (hw/9p-*.c) through virtio_9p_serve(). The server is the thread's
 * alone: a driver reset (on a vCPU, which may not close files) only flags
 * it, and the thread clunks every fid before its next request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hw/virtio-9p.h"
#include "hw/virtio-devs.h"
#include "hw/virtio-mmio.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

/* Requests served per wake-up before the thread looks at its stop flag again. */
#define P9_ROUND	32

struct p9dev {
	struct virtio_dev dev;
	char name[16];
	struct p9_server srv;
	uint8_t config[VIRTIO_9P_CONFIG_MAX];
	uint8_t *req, *resp;	/* P9_MSIZE_MAX each */
	int reset_fd;		/* eventfd: the driver reset the device */
};

/* The I/O thread: a reset was flagged; every fid clunked, files closed. */
static void p9dev_reset_in(struct virtio_mmio *t)
{
	struct p9dev *p = virtio_dev(t)->priv;
	uint64_t cnt;

	if (read(p->reset_fd, &cnt, sizeof(cnt)) == sizeof(cnt))
		p9_server_reset(&p->srv);
}

static void p9dev_queue(struct virtio_mmio *t, unsigned int qi)
{
	struct p9dev *p = virtio_dev(t)->priv;
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, qi);

	/* A reset flagged after the thread's poll: before any request of the new session. */
	p9dev_reset_in(t);
	for (unsigned int n = 0; n < P9_ROUND; n++) {
		bool fault;
		uint32_t len;

		if (!virtio_pop(t, qi, c))
			return;
		len = virtio_9p_serve(&p->srv, q, c, p->req, p->resp, P9_MSIZE_MAX, &fault);
		if (fault)
			virtio_count_error(t);
		virtio_complete(t, qi, c->head, len);
	}
	virtio_kick(t);	/* more may wait: the next round, after the stop check */
}

/* A vCPU, transport lock held: the thread does the work (it may close files). */
static void p9dev_reset(struct virtio_mmio *t)
{
	struct p9dev *p = virtio_dev(t)->priv;
	uint64_t one = 1;

	if (write(p->reset_fd, &one, sizeof(one)) < 0)
		pr_debug("%s: reset: %s", p->name, strerror(errno));
}

static size_t p9dev_stats(struct virtio_mmio *t, char *buf, size_t n)
{
	const struct p9dev *p = virtio_dev(t)->priv;
	const struct p9_stats *st = &p->srv.stats;
	int o = snprintf(buf, n, "%s.p9_requests %llu\n%s.p9_errors %llu\n%s.bytes_read %llu\n%s.bytes_written %llu\n",
			 p->name, (unsigned long long)__atomic_load_n(&st->requests, __ATOMIC_RELAXED),
			 p->name, (unsigned long long)__atomic_load_n(&st->errors, __ATOMIC_RELAXED),
			 p->name, (unsigned long long)__atomic_load_n(&st->bytes_read, __ATOMIC_RELAXED),
			 p->name, (unsigned long long)__atomic_load_n(&st->bytes_written, __ATOMIC_RELAXED));

	return o < 0 ? 0 : MIN((size_t)o, n);
}

static void p9dev_free(struct p9dev *p)
{
	p9_server_destroy(&p->srv);
	if (p->reset_fd >= 0)
		close(p->reset_fd);
	free(p->req);
	free(p->resp);
	free(p);
}

static void p9dev_destroy(struct virtio_mmio *t)
{
	p9dev_free(virtio_dev(t)->priv);
}

int virtio_9p_create(struct vm *vm, const struct run_share *sh, unsigned int index)
{
	struct p9dev *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return LKVM_EXIT_ERROR;
	p->reset_fd = -1;
	snprintf(p->name, sizeof(p->name), "virtio-9p%u", index);
	err = p9_server_init(&p->srv, sh->fd, (sh->ro ? P9_RO : 0) | (sh->xdev ? P9_XDEV : 0), 0);
	if (err) {
		pr_err("%s: cannot share '%s': %s", p->name, sh->dir, strerror(-err));
		p9dev_free(p);
		return LKVM_EXIT_ERROR;
	}
	p->req = malloc(P9_MSIZE_MAX);
	p->resp = malloc(P9_MSIZE_MAX);
	p->reset_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!p->req || !p->resp || p->reset_fd < 0) {
		pr_err("%s: out of memory or descriptors", p->name);
		p9dev_free(p);
		return LKVM_EXIT_ERROR;
	}
	p->dev = (struct virtio_dev){
		.name = p->name, .id = VIRTIO_ID_9P, .nr_queues = 1,
		.features = 1ULL << VIRTIO_9P_MOUNT_TAG,
		.config = p->config, .config_len = (uint32_t)virtio_9p_config(p->config, sh->tag),
		.queue = p9dev_queue, .poll_fd = p->reset_fd, .poll_in = p9dev_reset_in,
		.reset = p9dev_reset, .destroy = p9dev_destroy, .stats = p9dev_stats,
		.sc_kind = SC_9P, .priv = p,
	};
	if (!virtio_mmio_create(vm, &p->dev)) {
		p9dev_free(p);
		return LKVM_EXIT_ERROR;
	}
	return 0;
}
