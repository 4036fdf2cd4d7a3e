// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console with named ports (virtio-ports.h): the control protocol
 * (vport-proto.c) on queues 2 and 3, each port's bytes between its queues
 * and the caller's fds. The fds wait in one epoll set, the transport's
 * poll_fd, and only while there is something to do with them (a level
 * wake-up with nowhere to put the bytes would spin the I/O thread): in_fd
 * while the guest can take bytes and none are staged, out_fd while guest
 * bytes wait for room. A regular file cannot be in an epoll set and never
 * blocks: it counts as always ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "hw/virtio-mmio.h"
#include "hw/virtio-ports.h"
#include "hw/vport-proto.h"
#include "lkvm/guest-log.h"
#include "lkvm/io-bus.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "vport-io.h"

#define CONFIG_LEN	12		/* cols, rows, max_nr_ports, emerg_wr */

struct vpdev {
	struct virtio_dev dev;
	struct virtio_mmio *t;
	struct vports p;		/* the protocol's state */
	struct vport_io io[VPORT_MAX];
	int epfd;			/* the transport's poll_fd */
	vport_event_fn *ev;
	void *opaque;
	uint8_t config[CONFIG_LEN];
	uint32_t bad_kinds;		/* 1 << enum vport_ctl of each kind reported */
	uint64_t ctl_lost;
};

static void ev_call(struct vpdev *d, unsigned int i, bool open)
{
	if (d->ev)
		d->ev(d->opaque, i, open);
}

/* Owed control messages into the driver's control receive buffers. */
static void ctl_flush(struct virtio_mmio *t, struct vpdev *d)
{
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, VPORT_CTL_RXQ);
	uint8_t probe[1];

	while (vports_peek(&d->p, probe, 0) && virtio_pop(t, VPORT_CTL_RXQ, c)) {
		bool bad;
		uint32_t len = vports_fill_chain(&d->p, q, c, &bad);

		if (bad) {
			d->ctl_lost++;
			if (d->ctl_lost == 1)
				pr_guest("virtio-ports: a control receive buffer too small or unwritable: message lost");
		}
		virtio_complete(t, VPORT_CTL_RXQ, c->head, len);
	}
}

/* Guest bytes of port i out to its fd; then the guest's close, once they are all out. */
static void port_service(struct virtio_mmio *t, struct vpdev *d, unsigned int i)
{
	struct vport_io *io = &d->io[i];
	bool drained = vport_pump_out(t, io, vport_rxq(i) + 1);

	if (io->close_owed && drained) {
		io->close_owed = false;
		ev_call(d, i, false);
	}
	if (vport_pump_in(t, io, &d->p, i, vport_rxq(i)))
		ctl_flush(t, d);	/* in_fd ended: PORT_OPEN 0 */
	vport_watch(d->epfd, io, i, vports_can_send(&d->p, i));
}

static void ctl_tx(struct virtio_mmio *t, struct vpdev *d)
{
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, VPORT_CTL_TXQ);

	while (virtio_pop(t, VPORT_CTL_TXQ, c)) {
		unsigned int i;
		enum vport_ctl r = vports_ctl_chain(&d->p, q, c, &i);

		virtio_complete(t, VPORT_CTL_TXQ, c->head, 0);
		if (vport_ctl_bad(r)) {
			if (!(d->bad_kinds & (1u << r)))	/* each kind once */
				pr_guest("virtio-ports: control message refused (%s)", vport_ctl_name(r));
			d->bad_kinds |= 1u << r;
			continue;
		}
		if (r == VPORT_CTL_OPENED) {
			if (d->io[i].close_owed) {	/* closed and opened again in one go */
				d->io[i].close_owed = false;
				ev_call(d, i, false);
			}
			ev_call(d, i, true);
		} else if (r == VPORT_CTL_CLOSED) {
			d->io[i].close_owed = true;
		}
		if (r != VPORT_CTL_OK)
			port_service(t, d, i);
		ctl_flush(t, d);
	}
}

static void vp_queue(struct virtio_mmio *t, unsigned int qi)
{
	struct vpdev *d = virtio_dev(t)->priv;
	int i = vport_of_queue(qi);

	if (qi == VPORT_CTL_RXQ)
		ctl_flush(t, d);
	else if (qi == VPORT_CTL_TXQ)
		ctl_tx(t, d);
	else if (i >= 0 && (unsigned int)i < d->p.n)
		port_service(t, d, (unsigned int)i);
}

/*
 * An fd is ready. Every port is served here, not only in the queue hooks:
 * after a reset no queue is ready and no hook runs, yet guest bytes still
 * staged must go out and no fd may stay watched in vain (a level wake-up
 * nobody serves spins the thread).
 */
static void vp_poll_in(struct virtio_mmio *t)
{
	struct vpdev *d = virtio_dev(t)->priv;
	struct epoll_event e[2 * VPORT_MAX];

	if (epoll_wait(d->epfd, e, (int)ARRAY_SIZE(e), 0) < 0)
		pr_debug("virtio-ports: epoll_wait: %s", strerror(errno));
	for (unsigned int i = 0; i < d->p.n; i++)
		port_service(t, d, i);
}

/*
 * A vCPU is writing status 0 (a guest powering off resets its devices):
 * what the guest wrote and lkvm's thread has not taken yet is still in the
 * transmit rings, so it goes out now, or a sandbox CMD's last output would
 * be lost (e2e sandbox, 2026-12-08: 978944 of 1048576 bytes came back; the
 * I/O thread shares the vCPU's CPU in the bed). Bounded like the flush at
 * exit: VPORT_FLUSH_WAIT_MS for slow readers in all.
 */
static void vp_flush_tx(struct virtio_mmio *t)
{
	struct vpdev *d = virtio_dev(t)->priv;
	uint64_t until = mono_ns() + (uint64_t)VPORT_FLUSH_WAIT_MS * 1000000;

	for (unsigned int i = 0; i < d->p.n; i++)
		vport_flush(t, &d->io[i], vport_rxq(i) + 1, until);
}

/* A vCPU wrote status 0: the driver's side is gone; host bytes staged are kept. */
static void vp_reset(struct virtio_mmio *t)
{
	struct vpdev *d = virtio_dev(t)->priv;

	for (unsigned int i = 0; i < d->p.n; i++) {
		d->io[i].tx_held = false;
		if (d->p.port[i].guest_open || d->io[i].close_owed)
			ev_call(d, i, false);
		d->io[i].close_owed = false;
	}
	vports_reset(&d->p);
	virtio_kick(t);		/* the I/O thread drops its watches (vp_poll_in) */
}

static void vp_destroy(struct virtio_mmio *t)
{
	struct vpdev *d = virtio_dev(t)->priv;

	vp_flush_tx(t);
	for (unsigned int i = 0; i < d->p.n; i++)
		vport_io_free(&d->io[i]);
	close(d->epfd);
	free(d);
}

static size_t vp_stats(struct virtio_mmio *t, char *buf, size_t n)
{
	struct vpdev *d = virtio_dev(t)->priv;
	uint64_t bad = 0;
	size_t o = 0;
	int w;

	for (unsigned int r = 0; r < VPORT_CTL_NR; r++)
		bad += __atomic_load_n(&d->p.refused[r], __ATOMIC_RELAXED);
	w = snprintf(buf, n, "virtio-ports.bad_control %llu\nvirtio-ports.lost_control %llu\n",
		     (unsigned long long)bad,
		     (unsigned long long)__atomic_load_n(&d->ctl_lost, __ATOMIC_RELAXED));
	o = w < 0 ? 0 : MIN((size_t)w, n);
	for (unsigned int i = 0; i < d->p.n && o < n; i++) {
		const struct vport_io *io = &d->io[i];
		const char *nm = d->p.port[i].name;

		w = snprintf(buf + o, n - o,
			     "virtio-ports.%s.to_guest %llu\nvirtio-ports.%s.from_guest %llu\nvirtio-ports.%s.dropped %llu\n",
			     nm, (unsigned long long)__atomic_load_n(&io->to_guest, __ATOMIC_RELAXED),
			     nm, (unsigned long long)__atomic_load_n(&io->from_guest, __ATOMIC_RELAXED),
			     nm, (unsigned long long)__atomic_load_n(&io->dropped, __ATOMIC_RELAXED));
		o = w < 0 ? o : MIN(o + (size_t)w, n);
	}
	return o;
}

static bool ports_present(struct vm *vm)
{
	for_each_device(vm->devices, dv)
		if (!strcmp(dv->name, "virtio-ports"))
			return true;
	return false;
}

int virtio_ports_add(struct vm *vm, const struct vport_spec *ports, unsigned int n,
		     vport_event_fn *ev, void *opaque)
{
	struct vpdev *d;
	char err[160];

	if (ports_present(vm)) {
		pr_err("virtio-ports: one device per VM (it holds up to %d ports)", VPORT_MAX);
		return LKVM_EXIT_USAGE;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return LKVM_EXIT_ERROR;
	d->epfd = -1;
	if (vports_init(&d->p, ports, n, err, sizeof(err))) {
		pr_err("%s", err);
		free(d);
		return LKVM_EXIT_USAGE;
	}
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	for (unsigned int i = 0; i < n; i++)
		vport_io_init(&d->io[i]);
	for (unsigned int i = 0; i < n && d->epfd >= 0; i++) {
		if (vport_io_open(&d->io[i], d->epfd, &ports[i], err, sizeof(err))) {
			pr_err("virtio-ports: port '%s': %s", ports[i].name, err);
			goto fail;
		}
	}
	if (d->epfd < 0) {
		pr_err("virtio-ports: epoll_create1: %s", strerror(errno));
		goto fail;
	}
	d->ev = ev;
	d->opaque = opaque;
	io_data_put(d->config + 4, 4, n);	/* max_nr_ports; no size, no emergency write */
	d->dev = (struct virtio_dev){
		.name = "virtio-ports", .id = VIRTIO_ID_CONSOLE,
		.features = 1ULL << VIRTIO_CONSOLE_F_MULTIPORT, .nr_queues = 2 * (n + 1),
		.config = d->config, .config_len = CONFIG_LEN, .queue = vp_queue,
		.poll_fd = d->epfd, .poll_in = vp_poll_in, .reset = vp_reset, .before_reset = vp_flush_tx,
		.destroy = vp_destroy, .stats = vp_stats, .sc_kind = SC_PORTS, .priv = d,
	};
	d->t = virtio_mmio_create(vm, &d->dev);
	if (d->t)
		return 0;
fail:
	for (unsigned int i = 0; i < n; i++)
		vport_io_free(&d->io[i]);
	if (d->epfd >= 0)
		close(d->epfd);
	free(d);
	return LKVM_EXIT_ERROR;
}
