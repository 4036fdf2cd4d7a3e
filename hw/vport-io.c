// SPDX-License-Identifier: GPL-2.0
/* One virtio-ports port's bytes between its virtqueues and its fds (vport-io.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lkvm/util.h"
#include "vport-io.h"

void vport_io_init(struct vport_io *io)
{
	memset(io, 0, sizeof(*io));
	io->in_fd = io->out_fd = -1;
}

/* Our own fd for it (the caller may close theirs; two ports may share one). */
static int fd_dup(int fd, int epfd, uint32_t ev, bool *pollable, char *err, size_t len)
{
	struct epoll_event e = { .events = ev };
	int d;

	*pollable = false;
	if (fd < 0)
		return -1;
	d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (d < 0) {
		snprintf(err, len, "fd %d: %s", fd, strerror(errno));
		return -2;
	}
	/* EPERM: a regular file or directory, which never blocks: always ready. */
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, d, &e) == 0) {
		*pollable = true;
		epoll_ctl(epfd, EPOLL_CTL_DEL, d, NULL);
	} else if (errno != EPERM) {
		snprintf(err, len, "fd %d cannot be polled: %s", fd, strerror(errno));
		close(d);
		return -2;
	}
	return d;
}

int vport_io_open(struct vport_io *io, int epfd, const struct vport_spec *s, char *err,
		  size_t len)
{
	io->in_fd = fd_dup(s->in_fd, epfd, EPOLLIN, &io->in_poll, err, len);
	if (io->in_fd < -1)
		return -1;
	io->out_fd = fd_dup(s->out_fd, epfd, EPOLLOUT, &io->out_poll, err, len);
	if (io->out_fd < -1)
		return -1;
	io->tx = malloc(sizeof(*io->tx));
	if (!io->tx) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	return 0;
}

void vport_io_free(struct vport_io *io)
{
	if (io->in_fd >= 0)
		close(io->in_fd);
	if (io->out_fd >= 0)
		close(io->out_fd);
	io->in_fd = io->out_fd = -1;
	free(io->tx);
	io->tx = NULL;
}

/* Would this fd take (POLLOUT) or give (POLLIN) without blocking? Errors and hang-ups: yes. */
static bool fd_ready(int fd, bool pollable, short ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = ev };

	if (!pollable)
		return true;
	return poll(&p, 1, ms) > 0 && (p.revents & (ev | POLLHUP | POLLERR | POLLNVAL));
}

/* out[] to out_fd: true on progress (or the bytes dropped), false when it is full. */
static bool out_write(struct vport_io *io)
{
	size_t n = io->out_len - io->out_off;
	ssize_t w;

	if (io->out_fd < 0 || io->out_dead) {
		__atomic_add_fetch(&io->dropped, n, __ATOMIC_RELAXED);
		io->out_off = io->out_len;
		return true;
	}
	w = write(io->out_fd, io->out + io->out_off, n);
	if (w == 0 || (w < 0 && (errno == EAGAIN || errno == EINTR)))
		return false;
	if (w < 0) {
		pr_err("virtio-ports: writing the guest's bytes: %s; the port's output is dropped from here",
		       strerror(errno));
		io->out_dead = true;
		return true;
	}
	io->out_off += (size_t)w;
	__atomic_add_fetch(&io->from_guest, (uint64_t)w, __ATOMIC_RELAXED);
	return true;
}

/* The held chain's next chunk into out[]; its end completes it. False: the chain is done. */
static bool tx_next(struct virtio_mmio *t, struct vport_io *io, const struct vq *q)
{
	long r;

	if (io->tx_off >= io->tx->out_len)
		return false;
	r = vq_chain_read(q, io->tx, io->tx_off, io->out,
			  (size_t)MIN((uint64_t)sizeof(io->out), io->tx->out_len - io->tx_off));
	if (r <= 0) {
		if (t)
			virtio_count_error(t);
		io->tx_off = io->tx->out_len;	/* unreadable (poisoned): the rest is lost */
		return false;
	}
	io->out_off = 0;
	io->out_len = (size_t)r;
	io->tx_off += (uint64_t)r;
	return true;
}

bool vport_pump_out(struct virtio_mmio *t, struct vport_io *io, unsigned int qi)
{
	struct vq *q = virtio_queue(t, qi);

	while (!virtio_stopping(t)) {
		if (io->out_off < io->out_len) {
			if (!fd_ready(io->out_fd, io->out_poll && !io->out_dead, POLLOUT, 0) ||
			    !out_write(io))
				return false;
			continue;
		}
		if (!io->tx_held) {
			if (!q || !virtio_pop(t, qi, io->tx))
				return true;	/* empty (or the round's share is spent: more follows) */
			io->tx_held = true;
			io->tx_off = 0;
		}
		if (!tx_next(t, io, q)) {
			io->tx_held = false;
			virtio_complete(t, qi, io->tx->head, 0);
		}
	}
	return false;
}

bool vport_pump_in(struct virtio_mmio *t, struct vport_io *io, struct vports *p, unsigned int i,
		   unsigned int qi)
{
	struct vq_chain *c = virtio_chain(t);
	struct vq *q = virtio_queue(t, qi);
	unsigned int reads = 0;

	while (!virtio_stopping(t) && vports_can_send(p, i)) {
		long w;

		if (io->in_off == io->in_len) {
			ssize_t r;

			if (io->in_fd < 0 || io->in_eof)
				return false;
			if (reads++ == VPORT_READS) {
				virtio_kick(t);		/* a file that is always ready: the rest next round */
				return false;
			}
			if (!fd_ready(io->in_fd, io->in_poll, POLLIN, 0))
				return false;
			r = read(io->in_fd, io->in, sizeof(io->in));
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				return false;
			if (r <= 0) {
				if (r < 0)
					pr_err("virtio-ports: port '%s': reading its input: %s; closed",
					       p->port[i].name, strerror(errno));
				io->in_eof = true;
				vports_host_eof(p, i);
				return true;
			}
			io->in_off = 0;
			io->in_len = (size_t)r;
		}
		if (!q || !virtio_pop(t, qi, c))
			return false;	/* no buffer: the guest's next one kicks us */
		w = vq_chain_write(q, c, 0, io->in + io->in_off,
				   MIN((size_t)c->in_len, io->in_len - io->in_off));
		if (w < 0) {
			virtio_count_error(t);
			w = 0;
		}
		io->in_off += (size_t)w;
		__atomic_add_fetch(&io->to_guest, (uint64_t)w, __ATOMIC_RELAXED);
		virtio_complete(t, qi, c->head, (uint32_t)w);
	}
	return false;
}

static void watch_fd(int epfd, int fd, bool pollable, uint32_t *cur, uint32_t want, uint32_t tag)
{
	struct epoll_event e = { .events = want, .data.u32 = tag };
	int op = !*cur ? EPOLL_CTL_ADD : !want ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;

	if (fd < 0 || !pollable || *cur == want)
		return;
	/* Out of the set when not wanted: a hang-up would be reported even with no events asked. */
	if (epoll_ctl(epfd, op, fd, &e) == 0)
		*cur = want;
	else
		pr_debug("virtio-ports: epoll_ctl: %s", strerror(errno));
}

void vport_watch(int epfd, struct vport_io *io, unsigned int i, bool can_send)
{
	bool in = !io->in_eof && io->in_off == io->in_len && can_send;
	bool out = !io->out_dead && io->out_off < io->out_len;

	watch_fd(epfd, io->in_fd, io->in_poll, &io->in_ev, in ? EPOLLIN : 0, 2 * i);
	watch_fd(epfd, io->out_fd, io->out_poll, &io->out_ev, out ? EPOLLOUT : 0, 2 * i + 1);
}

void vport_flush(struct virtio_mmio *t, struct vport_io *io, unsigned int qi, uint64_t until)
{
	struct vq *q = virtio_queue(t, qi);

	for (;;) {
		if (io->out_off < io->out_len) {
			uint64_t now = mono_ns();
			int ms = now < until ? (int)((until - now) / 1000000) : 0;

			if (!fd_ready(io->out_fd, io->out_poll && !io->out_dead, POLLOUT, ms) ||
			    !out_write(io))
				return;		/* a reader too slow: what is left is lost */
			continue;
		}
		if (!io->tx_held) {
			/* The thread is gone: straight from the ring, nothing given back. */
			if (!q || vq_pop(q, io->tx) != VQ_OK)
				return;
			io->tx_held = true;
			io->tx_off = 0;
		}
		if (!tx_next(NULL, io, q))
			io->tx_held = false;
	}
}
