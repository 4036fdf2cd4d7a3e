// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio 1.x 5.1): one receive and one transmit queue between
 * the guest and the backend `lkvm run -n` opened (net-backend.h: passt's
 * stream or a TAP), on the device's I/O thread under the net seccomp kind.
 * Offered: MAC, STATUS (always up), MTU (1500); no checksum or GSO
 * offloads, no mergeable buffers: each frame is one chain either way.
 * The backend fd waits in an epoll set (the transport's poll_fd), for
 * reading only while a frame can go somewhere and for writing only while
 * half a frame waits, so a level wake-up never spins the thread. What is
 * staged lives in the backend, which outlives a reboot: the stream stays
 * in step with passt. Frames, checks and drops: net-frame.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "hw/net-frame.h"
#include "hw/virtio-devs.h"
#include "hw/virtio-mmio.h"
#include "lkvm/net-backend.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#define RXQ		0
#define TXQ		1
/* Backend frames looked at per wake-up, delivered or dropped: the stop flag between. */
#define NET_RX_ROUND	64
/* Room before the virtio header in the scratch buffer: the stream's length goes in its tail. */
#define TX_PAD		8

struct net_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t drops[NET_DROP_NR];
};

struct netdev {
	struct virtio_dev dev;
	char name[16];
	uint8_t config[NET_CONFIG_LEN];
	struct net_backend *be;
	int epfd;
	uint32_t events;		/* the backend's interest in the epoll set now */
	bool in_set;
	bool rx_want;			/* room to read the backend into: wake when it has more */
	struct net_stats st;
	uint8_t buf[TX_PAD + NET_HDR_LEN + NET_FRAME_MAX];	/* a transmit chain's bytes */
};

static void stat_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);	/* one writer: the I/O thread */
}

static void net_drop(struct netdev *d, enum net_drop why)
{
	stat_add(&d->st.drops[why], 1);
}

/* The backend ended or failed: said once, every frame dropped from now on. */
static void net_down(struct netdev *d, const char *why)
{
	if (d->be->down)
		return;
	d->be->down = true;
	pr_err("%s: %s %s; the guest's frames are dropped from now on", d->name, d->be->what, why);
}

/* The fd's interest: in while a frame could go somewhere, out while one waits; none when down. */
static void net_interest(struct netdev *d)
{
	struct net_backend *be = d->be;
	uint32_t want = (d->rx_want ? EPOLLIN : 0) | (be->tx_off < be->tx_len ? EPOLLOUT : 0);
	struct epoll_event e = { .events = want };

	if (be->down) {
		/* EPOLLHUP comes whatever the interest: out of the set it goes. */
		if (d->in_set && epoll_ctl(d->epfd, EPOLL_CTL_DEL, be->fd, NULL) == 0)
			d->in_set = false;
		return;
	}
	if (want == d->events)
		return;
	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, be->fd, &e) == 0)
		d->events = want;
	else
		pr_debug("%s: epoll_ctl: %s", d->name, strerror(errno));
}

/*
 * Room to read the backend into: a stream's bytes go behind what is
 * staged (the staged bytes move to the front first when that frees
 * enough), so passt's socket is drained while the guest has no buffer and
 * passt never finds it full (it would drop the frame, and TCP recovers
 * from the loss slowly); a TAP gives a frame per read, read when none is
 * staged (its own queue holds the rest).
 */
static bool rx_may_compact(const struct net_backend *be)
{
	/*
	 * Move the staged bytes to the front when none are left, or when the
	 * tail cannot take the longest frame whole and half the stage has been
	 * handed over: at most one byte moved per byte delivered, and a
	 * frame's start is never so deep that the frame cannot complete.
	 */
	return be->rx_off == be->rx_have ||
	       (NET_RX_STAGE - be->rx_have < NET_STREAM_HDR + NET_STREAM_FRAME_MAX &&
		be->rx_off >= NET_RX_STAGE / 2);
}

static size_t rx_room(const struct net_backend *be)
{
	if (!be->stream)
		return be->rx_have == be->rx_off ? NET_RX_STAGE : 0;
	return NET_RX_STAGE - be->rx_have + (rx_may_compact(be) ? be->rx_off : 0);
}

/* One read into the room: > 0 bytes, 0 when none now (or no room), -1 when the backend ended. */
static ssize_t rx_read(struct netdev *d)
{
	struct net_backend *be = d->be;
	ssize_t n;

	if (be->down || !rx_room(be))
		return 0;
	if (rx_may_compact(be)) {
		memmove(be->rx, be->rx + be->rx_off, be->rx_have - be->rx_off);
		be->rx_have -= be->rx_off;
		be->rx_off = 0;
	}
	n = read(be->fd, be->rx + be->rx_have, NET_RX_STAGE - be->rx_have);
	if (n > 0) {
		be->rx_have += (size_t)n;
		return n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	net_down(d, n ? strerror(errno) : "closed its end");
	return -1;
}

/* The next frame staged, reading more when none is: true with it at *f. */
static bool rx_next(struct netdev *d, const uint8_t **f, uint32_t *flen)
{
	struct net_backend *be = d->be;

	for (;;) {
		if (be->stream) {
			int r = net_stream_frame(be->rx + be->rx_off, be->rx_have - be->rx_off, flen);

			if (r > 0) {
				*f = be->rx + be->rx_off + NET_STREAM_HDR;
				return true;
			}
			if (r < 0) {
				net_down(d, "sent a frame length out of bounds (the stream cannot be followed)");
				return false;
			}
		} else if (be->rx_have > be->rx_off) {
			*f = be->rx + be->rx_off;
			*flen = (uint32_t)(be->rx_have - be->rx_off);
			return true;
		}
		if (rx_read(d) <= 0)
			return false;
	}
}

static void rx_consume(struct netdev *d, uint32_t flen)
{
	struct net_backend *be = d->be;

	be->rx_off = be->stream ? be->rx_off + NET_STREAM_HDR + flen : be->rx_have;
}

/* Backend -> guest: each frame into one receive chain, while there are chains. */
static void net_rx(struct virtio_mmio *t)
{
	struct netdev *d = virtio_dev(t)->priv;
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, RXQ);

	unsigned int i;

	for (i = 0; i < NET_RX_ROUND; i++) {
		enum net_drop why;
		const uint8_t *f;
		uint32_t flen;
		long len;

		if (!rx_next(d, &f, &flen))
			break;
		if (flen > NET_FRAME_MAX) {	/* no guest buffer spent on it */
			net_drop(d, NET_DROP_RX_LONG);
			rx_consume(d, flen);
			continue;
		}
		if (!virtio_pop(t, RXQ, c))
			break;		/* staged until the guest gives buffers (its kick) */
		len = net_rx_fill(q, c, f, flen, &why);
		if (len < 0) {
			net_drop(d, why);
			if (why == NET_DROP_RX_FAULT)
				virtio_count_error(t);
			len = 0;
		} else {
			stat_add(&d->st.rx_frames, 1);
			stat_add(&d->st.rx_bytes, flen);
		}
		virtio_complete(t, RXQ, c->head, (uint32_t)len);
		rx_consume(d, flen);
	}
	/* NET_RX_ROUND frames: the rest next round (a spent round budget kicks by itself). */
	if (i == NET_RX_ROUND && !virtio_stopping(t))
		virtio_kick(t);
	/* Drain the backend into the room left (bounded by it): woken again only for more. */
	while (d->be->stream && rx_read(d) > 0)
		;
	d->rx_want = rx_room(d->be) > 0;
	net_interest(d);
}

/* Write what is staged for the backend: true when nothing waits any more. */
static bool tx_flush(struct netdev *d)
{
	struct net_backend *be = d->be;

	while (be->tx_off < be->tx_len) {
		ssize_t n = write(be->fd, be->tx + be->tx_off, be->tx_len - be->tx_off);

		if (n > 0) {
			be->tx_off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return false;
		net_down(d, n ? strerror(errno) : "took nothing");
		net_drop(d, NET_DROP_BACKEND);
		break;
	}
	be->tx_off = be->tx_len = 0;
	return true;
}

/* One frame (at p, len bytes with the stream's length) to the backend, or staged. */
static void tx_send(struct netdev *d, const uint8_t *p, size_t len)
{
	struct net_backend *be = d->be;
	ssize_t n = write(be->fd, p, len);

	if (n == (ssize_t)len)
		return;
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		if (be->stream)
			net_down(d, strerror(errno));
		net_drop(d, NET_DROP_BACKEND);	/* a TAP that is down, say: this frame only */
		return;
	}
	/* Full: the rest waits for EPOLLOUT (a stream cannot lose half a frame). */
	n = n < 0 ? 0 : n;
	memcpy(be->tx, p + n, len - (size_t)n);
	be->tx_off = 0;
	be->tx_len = len - (size_t)n;
}

/* Guest -> backend: each transmit chain's frame, until the backend is full. */
static void net_tx(struct virtio_mmio *t)
{
	struct netdev *d = virtio_dev(t)->priv;
	struct net_backend *be = d->be;
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, TXQ);

	while (tx_flush(d) && virtio_pop(t, TXQ, c)) {
		size_t hl = be->stream ? NET_STREAM_HDR : 0;
		uint8_t *p = d->buf + TX_PAD + NET_HDR_LEN - hl;
		enum net_drop why;
		long n = net_tx_gather(q, c, d->buf + TX_PAD, &why);

		if (n < 0) {
			net_drop(d, why);
			if (why == NET_DROP_TX_FAULT)
				virtio_count_error(t);
		} else if (be->down) {
			net_drop(d, NET_DROP_BACKEND);
		} else {
			if (hl)
				net_stream_hdr(p, (uint32_t)n);
			stat_add(&d->st.tx_frames, 1);
			stat_add(&d->st.tx_bytes, (uint64_t)n);
			tx_send(d, p, (size_t)n + hl);
		}
		/* Copied out (or dropped, and counted): the guest has its buffer back. */
		virtio_complete(t, TXQ, c->head, 0);
	}
	net_interest(d);
}

static void net_queue(struct virtio_mmio *t, unsigned int qi)
{
	if (qi == RXQ)
		net_rx(t);
	else
		net_tx(t);
}

/* The epoll set woke us: the fd ended, or is ready for a queue the next calls serve. */
static void net_poll_in(struct virtio_mmio *t)
{
	struct netdev *d = virtio_dev(t)->priv;
	struct epoll_event e;

	if (epoll_wait(d->epfd, &e, 1, 0) == 1 && (e.events & (EPOLLHUP | EPOLLERR)) &&
	    !(e.events & EPOLLIN))
		net_down(d, "hung up");
	/* No driver, or no queues: nothing to serve, so no reason to be woken. */
	if (!virtio_driver_ok(t) || !virtio_queue(t, RXQ) || !virtio_queue(t, TXQ)) {
		d->rx_want = false;
		net_interest(d);
	}
}

static size_t net_stats(struct virtio_mmio *t, char *buf, size_t n)
{
	const struct netdev *d = virtio_dev(t)->priv;
	const struct net_stats *st = &d->st;
	size_t o = 0;
	int w = snprintf(buf, n, "%s.rx_frames %llu\n%s.rx_bytes %llu\n%s.tx_frames %llu\n%s.tx_bytes %llu\n",
			 d->name, (unsigned long long)__atomic_load_n(&st->rx_frames, __ATOMIC_RELAXED),
			 d->name, (unsigned long long)__atomic_load_n(&st->rx_bytes, __ATOMIC_RELAXED),
			 d->name, (unsigned long long)__atomic_load_n(&st->tx_frames, __ATOMIC_RELAXED),
			 d->name, (unsigned long long)__atomic_load_n(&st->tx_bytes, __ATOMIC_RELAXED));

	if (w < 0)
		return 0;
	o = MIN((size_t)w, n);
	for (unsigned int i = 0; i < NET_DROP_NR && o < n; i++) {
		w = snprintf(buf + o, n - o, "%s.drop_%s %llu\n", d->name, net_drop_name(i),
			     (unsigned long long)__atomic_load_n(&st->drops[i], __ATOMIC_RELAXED));
		if (w < 0)
			break;
		o += MIN((size_t)w, n - o);
	}
	return o;
}

static void netdev_free(struct netdev *d)
{
	if (d->epfd >= 0)
		close(d->epfd);	/* the backend's fd stays: it is the run's, not this boot's */
	free(d);
}

static void net_destroy(struct virtio_mmio *t)
{
	netdev_free(virtio_dev(t)->priv);
}

int virtio_net_create(struct vm *vm, const struct run_net *n, const char *vm_name)
{
	struct netdev *d = calloc(1, sizeof(*d));
	struct epoll_event e = { .events = 0 };
	uint8_t mac[6];

	if (!d)
		return LKVM_EXIT_ERROR;
	snprintf(d->name, sizeof(d->name), "virtio-net0");
	d->be = n->be;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->be->fd, &e) < 0) {
		pr_err("%s: cannot wait for %s: %s", d->name, d->be->what, strerror(errno));
		netdev_free(d);
		return LKVM_EXIT_ERROR;
	}
	d->in_set = true;
	if (n->mac_given)
		memcpy(mac, n->mac, sizeof(mac));
	else
		net_mac_from_name(vm_name, mac);
	net_config(d->config, mac);
	d->dev = (struct virtio_dev){
		.name = d->name, .id = VIRTIO_ID_NET, .nr_queues = 2,
		.features = 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
			    1ULL << VIRTIO_NET_F_MTU,
		.config = d->config, .config_len = NET_CONFIG_LEN,
		.queue = net_queue, .poll_fd = d->epfd, .poll_in = net_poll_in,
		.destroy = net_destroy, .stats = net_stats, .sc_kind = SC_NET, .priv = d,
	};
	if (!virtio_mmio_create(vm, &d->dev)) {
		netdev_free(d);
		return LKVM_EXIT_ERROR;
	}
	pr_debug("%s: MAC %02x:%02x:%02x:%02x:%02x:%02x on %s", d->name, mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5], d->be->what);
	return 0;
}
