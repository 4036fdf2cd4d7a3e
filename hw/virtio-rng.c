// SPDX-License-Identifier: GPL-2.0
/* virtio-rng (virtio 1.x, 5.4): fills the driver's buffers from getrandom(). */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "hw/virtio-devs.h"
#include "hw/virtio-mmio.h"
#include "lkvm/util.h"

#define RNG_CHUNK	4096	/* per request: the driver asks again for more */

static struct virtio_dev rng_dev;

static void rng_queue(struct virtio_mmio *t, unsigned int qi)
{
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, qi);
	uint8_t buf[RNG_CHUNK];

	while (virtio_pop(t, qi, c)) {
		size_t want = MIN((size_t)c->in_len, sizeof(buf));
		ssize_t got = getrandom(buf, want, 0);
		long w = got > 0 ? vq_chain_write(q, c, 0, buf, (size_t)got) : 0;

		if (w < 0) {
			virtio_count_error(t);
			w = 0;
		}
		virtio_complete(t, qi, c->head, (uint32_t)w);
	}
}

int virtio_rng_create(struct vm *vm)
{
	rng_dev = (struct virtio_dev){
		.name = "virtio-rng", .id = VIRTIO_ID_RNG, .nr_queues = 1, .queue = rng_queue,
		.poll_fd = -1,
	};
	return virtio_mmio_create(vm, &rng_dev) ? 0 : LKVM_EXIT_ERROR;
}
