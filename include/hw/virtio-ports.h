/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VIRTIO_PORTS_H
#define LKVM_HW_VIRTIO_PORTS_H

#include <stdbool.h>

/*
 * Named byte channels between lkvm and the guest: one virtio-console
 * device with VIRTIO_CONSOLE_F_MULTIPORT (virtio 1.x, 5.3.6), on its own
 * virtio-mmio transport, I/O thread and seccomp kind (SC_PORTS). The guest
 * (Linux's virtio_console) sees port i as the raw character device
 * /dev/vportNpi with /sys/class/virtio-ports/vportNpi/name = ports[i].name:
 * no tty, no line discipline, every byte value passes unchanged.
 *
 * What it promises, per port:
 * - guest -> host: every byte the guest writes is written to out_fd, in
 *   order, none dropped: a short write or EAGAIN waits for the fd (the
 *   guest's queue fills and its writer blocks meanwhile). lkvm writes at
 *   most 4096 bytes at a time and only once poll() says out_fd takes them,
 *   so a blocking pipe is fine; a blocking socket or tty may still hold the
 *   I/O thread: give those O_NONBLOCK (on a file description of their own).
 *   out_fd -1: the guest's bytes are taken and dropped (counted in stat).
 *   A write error other than EAGAIN/EINTR (EPIPE: the reader left) drops
 *   the port's output from then on, said once on stderr and in stat.
 * - host -> guest: bytes read from in_fd reach the guest's read(), in
 *   order, once the guest has opened the port (Linux throws away what
 *   arrives on a port nobody holds open, so lkvm does not read in_fd
 *   before). End of file on in_fd closes the port from the host side
 *   (PORT_OPEN 0): the guest's read() returns 0 after the last byte. Linux
 *   then blocks the guest's write()s to that port, so a port that carries
 *   both directions gets no more guest bytes after in_fd's EOF: use one
 *   port per direction where that matters. in_fd -1: the guest's read()
 *   waits for ever (the port stays open for its writes).
 * - lkvm never closes the fds: the caller owns them (and they outlive the VM).
 * - The guest opening or closing /dev/vportNpi calls ev (optional), on the
 *   device's I/O thread with its lock held: keep it short and within the
 *   SC_PORTS allow-list (seccomp/ports.c: a write() to an eventfd or pipe
 *   is fine). On close, every byte the guest wrote to that port before
 *   closing it has been written to out_fd when ev runs. A driver reset
 *   (status 0) closes the ports the guest held open: ev(i, false) then runs
 *   on the vCPU thread that wrote the status (vCPU seccomp kind; a write()
 *   is allowed there too).
 * - At the VM's end (the transport's destroy), what the guest queued on a
 *   port and lkvm has not written yet is written out, up to
 *   VPORT_FLUSH_WAIT_MS of waiting for slow readers in all.
 * - `lkvm stat`: virtio-ports.NAME.to_guest / .from_guest bytes, per port.
 */
#define VPORT_MAX		8	/* ports per device: 2 * (8 + 1) queues */
#define VPORT_NAME_MAX		63	/* [A-Za-z0-9._-], at least one */
#define VPORT_FLUSH_WAIT_MS	1000

struct vm;

struct vport_spec {
	const char *name;	/* copied */
	int in_fd;		/* host -> guest; -1: none */
	int out_fd;		/* guest -> host; -1: none */
};

/* The guest opened (open) or closed port (its index in the spec array). */
typedef void vport_event_fn(void *opaque, unsigned int port, bool open);

/*
 * One multiport virtio-console device holding ports[0..n-1] (1 <= n <=
 * VPORT_MAX, names unique and valid). Call it where the VM's devices are
 * created (virtio_devices_create's stage). 0, or an exit status
 * (LKVM_EXIT_USAGE for a bad spec, LKVM_EXIT_ERROR otherwise) with one
 * line on stderr saying why.
 */
int virtio_ports_add(struct vm *vm, const struct vport_spec *ports, unsigned int n,
		     vport_event_fn *ev, void *opaque);

#endif
