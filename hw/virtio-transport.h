/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VIRTIO_TRANSPORT_H
#define LKVM_HW_VIRTIO_TRANSPORT_H

/*
 * Inside the virtio-mmio transport (hw/ only): its state, shared by the
 * register file (virtio-mmio.c) and the life of a transport, its I/O thread
 * and what the VM asks of it (virtio-transport.c).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/virtio-mmio.h"
#include "hw/virtio-round.h"
#include "lkvm/irqfd.h"
#include "lkvm/ras.h"

/* Where a driver notifies (virtio-mmio.c has the whole register file). */
#define REG_QUEUE_NOTIFY	0x050

#define VIRTIO_MAX_QUEUES	18	/* virtio-ports: 2 * (VPORT_MAX + 1) */

struct vqcfg {
	uint32_t num;
	bool ready;
	uint64_t desc, avail, used;
	struct vq vq;
};

struct virtio_mmio {
	struct vm *vm;
	struct virtio_dev *dev;
	struct device mmio;
	char name[32];
	pthread_mutex_t lock;		/* registers and queues; the I/O thread holds it to work */
	pthread_mutex_t irq_lock;	/* isr, line and irq */
	uint32_t status, isr, queue_sel;
	uint32_t dev_feat_sel, drv_feat_sel;
	uint64_t host_features, guest_features;
	int line;			/* raised and not lowered (or, resampled: not EOIed) */
	struct dev_irq irq;		/* its line (dev_irq_set) */
	struct vqcfg q[VIRTIO_MAX_QUEUES];
	struct vq_chain *chain;
	int kick_fd;
	bool ioeventfd;
	struct virtio_round round;	/* stop flag, work per round (virtio-round.h) */
	pthread_t thread;
	bool thread_ok;
	struct ras_queue ras;		/* the I/O thread's memory-error records */
	/* stat counters */
	uint64_t requests, bad, errors, broken;
	uint32_t bad_kinds;		/* 1 << vq_status of each kind reported */
	unsigned int gen;		/* resets so far (virtio_io_begin/end) */
};

/* virtio-mmio.c: a vCPU's access to the registers (the device's io_fn). */
void virtio_mmio_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		    bool is_write, void *opaque);
/* I/O thread: the guest EOIed the level line KVM raised for our irqfd. */
void virtio_irq_resampled(struct virtio_mmio *t);

#endif
