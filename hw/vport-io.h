/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VPORT_IO_H
#define LKVM_HW_VPORT_IO_H

/*
 * Inside virtio-ports (hw/ only): one port's bytes between its virtqueues
 * and its fds (hw/vport-io.c), on the device's I/O thread, lock held.
 * Nothing is dropped on the way: guest bytes wait in out[] (and the chain
 * they came in stays the device's) until out_fd takes them; host bytes
 * wait in in[] until the guest gives a buffer and holds the port open.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/virtio-mmio.h"
#include "hw/virtio-ports.h"
#include "hw/vport-proto.h"

#define VPORT_CHUNK	4096		/* per write(): atomic into a pipe that said POLLOUT */
#define VPORT_IN_BUF	16384		/* per read() of in_fd */
#define VPORT_READS	16		/* in_fd reads per port and round */

struct vport_io {
	int in_fd, out_fd;		/* our duplicates of the caller's; -1: none */
	bool in_poll, out_poll;		/* can be in the epoll set (not a regular file) */
	uint32_t in_ev, out_ev;		/* what the set asks of them now (0: not in it) */
	bool in_eof;			/* in_fd ended (or failed) */
	bool out_dead;			/* out_fd failed: guest bytes dropped from then on */
	bool close_owed;		/* the guest closed: tell once out[] and the queue are out */
	uint8_t in[VPORT_IN_BUF];
	size_t in_off, in_len;
	uint8_t out[VPORT_CHUNK];
	size_t out_off, out_len;
	struct vq_chain *tx;		/* the guest chain being written out */
	bool tx_held;
	uint64_t tx_off;
	/* stat counters (read by other threads) */
	uint64_t to_guest, from_guest, dropped;
};

void vport_io_init(struct vport_io *io);
/* Duplicate the spec's fds, see which can be polled. 0, or -1 with the reason in err. */
int vport_io_open(struct vport_io *io, int epfd, const struct vport_spec *s, char *err,
		  size_t len);
void vport_io_free(struct vport_io *io);
/*
 * Guest bytes from transmit queue qi to out_fd. True when everything the
 * guest queued is out (or dropped: no out_fd, or it failed); false when
 * out_fd is full, or the round or the VM ends first.
 */
bool vport_pump_out(struct virtio_mmio *t, struct vport_io *io, unsigned int qi);
/* in_fd's bytes into receive queue qi of port i. True when in_fd just ended (PORT_OPEN 0 owed). */
bool vport_pump_in(struct virtio_mmio *t, struct vport_io *io, struct vports *p, unsigned int i,
		   unsigned int qi);
/* Put the port's fds in the epoll set, or out of it, for what is left to do. */
void vport_watch(int epfd, struct vport_io *io, unsigned int i, bool can_send);
/* At the VM's end (I/O thread stopped): what the guest queued, written out until `until` (mono_ns). */
void vport_flush(struct virtio_mmio *t, struct vport_io *io, unsigned int qi, uint64_t until);

#endif
