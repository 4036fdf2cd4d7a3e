// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (virtio 1.x, 5.3), one port, no multiport: queue 0
 * receives (terminal input to the guest's hvc0), queue 1 transmits (the
 * guest's output to the terminal). Input that arrives while the guest has
 * no receive buffer waits in a small buffer; beyond it, bytes are dropped,
 * as a UART's FIFO would drop them. A transmit request prints at most
 * CON_TX_MAX bytes (Linux sends a page at a time): the rest of a bigger
 * one is dropped and the request counted in io_errors, so one request is
 * bounded work (virtio-round.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio-devs.h"
#include "hw/virtio-mmio.h"
#include "lkvm/term.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"

#define RXQ		0
#define TXQ		1
#define CON_IN_MAX	4096
#define CON_OUT_CHUNK	4096
#define CON_TX_MAX	(64 * 1024)	/* per request: the console buffer's size */
#define VIRTIO_CONSOLE_F_SIZE	0
#define CONFIG_LEN	12		/* cols, rows, max_nr_ports, emerg_wr */

struct con {
	struct virtio_dev dev;
	struct virtio_mmio *t;
	pthread_mutex_t in_lock;	/* in[]: the main loop adds, the I/O thread takes */
	uint8_t in[CON_IN_MAX];
	size_t in_len;
	uint8_t config[CONFIG_LEN];
};

static void con_rx(struct virtio_mmio *t, struct con *k)
{
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, RXQ);

	pthread_mutex_lock(&k->in_lock);
	while (k->in_len && virtio_pop(t, RXQ, c)) {
		size_t n = MIN((size_t)c->in_len, k->in_len);
		long w = vq_chain_write(q, c, 0, k->in, n);

		if (w < 0) {
			virtio_count_error(t);
			w = 0;
		}
		memmove(k->in, k->in + w, k->in_len - (size_t)w);
		k->in_len -= (size_t)w;
		virtio_complete(t, RXQ, c->head, (uint32_t)w);
	}
	pthread_mutex_unlock(&k->in_lock);
}

static void con_tx(struct virtio_mmio *t)
{
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, TXQ);
	uint8_t buf[CON_OUT_CHUNK];

	while (virtio_pop(t, TXQ, c)) {
		uint64_t len = c->out_len;

		if (len > CON_TX_MAX) {
			len = CON_TX_MAX;
			virtio_count_error(t);
		}
		for (uint64_t off = 0; off < len && !virtio_stopping(t);) {
			long r = vq_chain_read(q, c, off, buf, MIN(sizeof(buf), len - off));

			if (r <= 0) {
				virtio_count_error(t);
				break;
			}
			term_write(buf, (size_t)r);
			off += (uint64_t)r;
		}
		virtio_complete(t, TXQ, c->head, 0);
	}
}

static void con_queue(struct virtio_mmio *t, unsigned int qi)
{
	struct con *k = virtio_dev(t)->priv;

	if (qi == TXQ)
		con_tx(t);
	else if (virtio_queue(t, RXQ))
		con_rx(t, k);
}

static void con_input(void *opaque, const uint8_t *buf, size_t n)
{
	struct con *k = opaque;

	pthread_mutex_lock(&k->in_lock);
	n = MIN(n, CON_IN_MAX - k->in_len);
	memcpy(k->in + k->in_len, buf, n);
	k->in_len += n;
	pthread_mutex_unlock(&k->in_lock);
	if (k->t)
		virtio_kick(k->t);
}

static void con_destroy(struct virtio_mmio *t)
{
	struct con *k = virtio_dev(t)->priv;

	term_set_input(NULL, NULL);
	pthread_mutex_destroy(&k->in_lock);
	free(k);
}

int virtio_console_create(struct vm *vm)
{
	struct con *k = calloc(1, sizeof(*k));

	if (!k)
		return LKVM_EXIT_ERROR;
	pthread_mutex_init(&k->in_lock, NULL);
	io_data_put(k->config, 2, 80);
	io_data_put(k->config + 2, 2, 25);
	io_data_put(k->config + 4, 4, 1);
	k->dev = (struct virtio_dev){
		.name = "virtio-console", .id = VIRTIO_ID_CONSOLE, .nr_queues = 2,
		.config = k->config, .config_len = CONFIG_LEN, .queue = con_queue, .poll_fd = -1,
		.destroy = con_destroy, .priv = k,
	};
	k->t = virtio_mmio_create(vm, &k->dev);
	if (!k->t) {
		pthread_mutex_destroy(&k->in_lock);
		free(k);
		return LKVM_EXIT_ERROR;
	}
	term_set_input(con_input, k);
	return 0;
}
