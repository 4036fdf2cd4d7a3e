/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VIRTIO_MMIO_H
#define LKVM_HW_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/virtio-queue.h"
#include "lkvm/devices.h"
#include "lkvm/seccomp.h"

/*
 * The virtio-mmio transport, version 2 (virtio 1.x, 4.2.2), and the I/O
 * thread each device gets. A vCPU's MMIO exit only touches registers: a
 * QueueNotify write kicks the device's eventfd (KVM_IOEVENTFD where the
 * host has it, so no exit reaches lkvm at all), and the device's thread
 * walks the queues, with the transport lock held, off the vCPU threads
 * (but not across a long request: virtio_io_begin/end).
 * A reset (status 0) waits for that thread's current round; a long request
 * it let the lock go for is not completed after a reset.
 */
#define VIRTIO_MMIO_SIZE	0x200
#define VIRTIO_MMIO_MAX		16

#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4
#define VIRTIO_ID_9P		9

#define VIRTIO_F_VERSION_1	32
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX	29

struct vm;
struct virtio_mmio;

/*
 * A device behind the transport. Its hooks run with the transport lock held,
 * on its I/O thread, except reset: a vCPU's write of status 0.
 */
struct virtio_dev {
	const char *name;		/* "virtio-blk": names it in stat, logs and events */
	uint32_t id;			/* VIRTIO_ID_* */
	uint64_t features;		/* device-specific bits (the transport adds its own) */
	unsigned int nr_queues;
	const uint8_t *config;		/* device configuration space, little-endian */
	uint32_t config_len;
	/* Serve queue qi: pop, handle, virtio_complete() each chain. */
	void (*queue)(struct virtio_mmio *t, unsigned int qi);
	/* Optional: another fd the thread waits on (-1: none), and its handler. */
	int poll_fd;
	void (*poll_in)(struct virtio_mmio *t);
	void (*reset)(struct virtio_mmio *t);	/* optional: the driver reset us */
	/*
	 * Optional: the driver is resetting us, its queues still valid (the
	 * I/O thread locked out): take what the guest handed over and must
	 * not lose, e.g. output a guest wrote just before powering off.
	 */
	void (*before_reset)(struct virtio_mmio *t);
	void (*destroy)(struct virtio_mmio *t);	/* optional: free priv */
	/* Optional: the device's own `lkvm stat` lines, after the transport's. */
	size_t (*stats)(struct virtio_mmio *t, char *buf, size_t n);
	/* Its I/O thread's seccomp kind: SC_IO when left 0 (no device is SC_CONTROL). */
	enum sc_kind sc_kind;
	void *priv;
};

/*
 * Put dev (must live as long as the VM) on a transport with a fresh MMIO
 * range and line from the registry's allocator, and start its I/O thread.
 * The registry owns the transport from here: a DEV_KIND_VIRTIO_MMIO device
 * that the machine description lists, whose start hook (the VM built)
 * moves its interrupt to KVM_IRQFD where the host has it, and whose destroy
 * hook stops the thread and calls dev->destroy. NULL with the reason
 * printed, and nothing left behind (no range, no line in use by anyone).
 */
struct virtio_mmio *virtio_mmio_create(struct vm *vm, struct virtio_dev *dev);

struct virtio_dev *virtio_dev(struct virtio_mmio *t);
bool virtio_driver_ok(struct virtio_mmio *t);
/* The I/O thread's view of queue qi (NULL when not ready). */
struct vq *virtio_queue(struct virtio_mmio *t, unsigned int qi);
/* Scratch chain for the I/O thread (one request at a time). */
struct vq_chain *virtio_chain(struct virtio_mmio *t);
/*
 * Pop the next chain of qi into c. Bad requests are completed (length 0)
 * and counted here; a broken ring puts the device in NEEDS_RESET. Returns
 * true when c holds a request to serve; false when the queue is empty, the
 * VM is stopping, or the round's budget is spent (virtio-round.h: the I/O
 * thread lets the lock go, then comes back for the rest).
 */
bool virtio_pop(struct virtio_mmio *t, unsigned int qi, struct vq_chain *c);
/* Complete head with len bytes written; interrupt when the driver wants one. */
void virtio_complete(struct virtio_mmio *t, unsigned int qi, uint16_t head, uint32_t len);
/* Count a request that failed in the device (an I/O error status went back). */
void virtio_count_error(struct virtio_mmio *t);
/*
 * The VM is going away: a device checks this between the chunks of a long
 * request and gives up on it (no one will read the answer).
 */
bool virtio_stopping(struct virtio_mmio *t);
/*
 * A long request (virtio-blk's reads and writes) runs with the transport
 * lock let go, so no vCPU's register access waits for it: begin before
 * it, working on a copy of the queue (a reset meanwhile clears the
 * transport's); end takes the lock back and is false when the driver
 * reset the device meanwhile: the request is not completed then.
 */
unsigned int virtio_io_begin(struct virtio_mmio *t);
bool virtio_io_end(struct virtio_mmio *t, unsigned int gen);
/* Kick the I/O thread (new input for the device). */
void virtio_kick(struct virtio_mmio *t);

/*
 * "virtio_mmio.device=512@0xd0000000:16 ..." for kernels built with
 * CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, or "" without transports. Static buffer.
 */
const char *virtio_mmio_cmdline(struct vm *vm);

#endif
