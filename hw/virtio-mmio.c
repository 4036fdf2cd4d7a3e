// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio transport, version 2 (virtio-mmio.h): the register file a
 * vCPU's MMIO exit reaches, feature negotiation, device reset, queue
 * set-up checked before QueueReady is accepted, the interrupt, and the
 * queue calls a device makes from its I/O thread. The transport's life
 * and thread: virtio-transport.c.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hw/virtio-mmio.h"
#include "hw/virtio-round.h"
#include "lkvm/guest-log.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "virtio-transport.h"

#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_VENDOR_ID		0x00c
#define REG_DEV_FEATURES	0x010
#define REG_DEV_FEATURES_SEL	0x014
#define REG_DRV_FEATURES	0x020
#define REG_DRV_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_READY		0x044
#define REG_INT_STATUS		0x060
#define REG_INT_ACK		0x064
#define REG_STATUS		0x070
#define REG_QUEUE_DESC_LO	0x080
#define REG_QUEUE_DESC_HI	0x084
#define REG_QUEUE_AVAIL_LO	0x090
#define REG_QUEUE_AVAIL_HI	0x094
#define REG_QUEUE_USED_LO	0x0a0
#define REG_QUEUE_USED_HI	0x0a4
#define REG_CONFIG_GEN		0x0fc
#define REG_CONFIG		0x100

#define MMIO_MAGIC		0x74726976	/* "virt" */
#define MMIO_VENDOR		0x4d564b4c	/* "LKVM" */

#define S_ACKNOWLEDGE		1
#define S_DRIVER		2
#define S_DRIVER_OK		4
#define S_FEATURES_OK		8
#define S_NEEDS_RESET		0x40
#define S_FAILED		0x80

#define INT_VRING		1
#define INT_CONFIG		2

struct virtio_dev *virtio_dev(struct virtio_mmio *t)
{
	return t->dev;
}

bool virtio_driver_ok(struct virtio_mmio *t)
{
	return (t->status & (S_DRIVER_OK | S_NEEDS_RESET | S_FAILED)) == S_DRIVER_OK;
}

struct vq *virtio_queue(struct virtio_mmio *t, unsigned int qi)
{
	return qi < t->dev->nr_queues && t->q[qi].ready ? &t->q[qi].vq : NULL;
}

struct vq_chain *virtio_chain(struct virtio_mmio *t)
{
	return t->chain;
}

/*
 * The interrupt is raised when InterruptStatus goes from 0 to non-zero.
 * A level line (KVM_IRQ_LINE) drops when the driver has acknowledged every
 * bit; an edge (ppc64) needs nothing more, since the driver acknowledges
 * before it reads the used ring. With an irqfd resampler KVM drops the
 * line at the guest's EOI instead, and virtio_irq_resampled() raises it again if
 * bits came in meanwhile.
 */
static void irq_raise(struct virtio_mmio *t, uint32_t bits)
{
	pthread_mutex_lock(&t->irq_lock);
	t->isr |= bits;
	if (!t->line) {
		t->line = 1;
		dev_irq_set(t->vm, &t->irq, 1);
	}
	pthread_mutex_unlock(&t->irq_lock);
}

static void irq_ack(struct virtio_mmio *t, uint32_t bits)
{
	pthread_mutex_lock(&t->irq_lock);
	t->isr &= ~bits;
	if (!t->isr && t->line && t->irq.path != IRQ_PATH_IRQFD_RESAMPLE) {
		t->line = 0;
		dev_irq_set(t->vm, &t->irq, 0);
	}
	pthread_mutex_unlock(&t->irq_lock);
}

void virtio_irq_resampled(struct virtio_mmio *t)
{
	if (!dev_irq_resampled(&t->irq))
		return;
	pthread_mutex_lock(&t->irq_lock);
	t->line = 0;
	if (t->isr) {
		t->line = 1;
		dev_irq_set(t->vm, &t->irq, 1);
	}
	pthread_mutex_unlock(&t->irq_lock);
}

/* The ring is unusable: stop serving, tell the driver (virtio 1.x 2.1.2). */
static void needs_reset(struct virtio_mmio *t, unsigned int qi, enum vq_status st)
{
	t->broken++;
	if (t->status & S_NEEDS_RESET)
		return;
	pr_guest("%s: queue %u: %s; device needs a reset", t->name, qi, vq_status_name(st));
	t->status |= S_NEEDS_RESET;
	irq_raise(t, INT_CONFIG);
}

bool virtio_pop(struct virtio_mmio *t, unsigned int qi, struct vq_chain *c)
{
	struct vq *q = virtio_queue(t, qi);

	for (;;) {
		enum vq_status st;

		if (!q || !virtio_driver_ok(t) || !virtio_round_left(&t->round))
			return false;
		st = vq_pop(q, c);
		if (st == VQ_OK) {
			t->requests++;
			return true;
		}
		if (st == VQ_EMPTY)
			return false;
		if (vq_status_broken(st)) {
			needs_reset(t, qi, st);
			return false;
		}
		/* A bad request: give the head back, empty, and go on. */
		if (!(t->bad_kinds & (1u << st)))	/* each kind once, under the guest-line limit */
			pr_guest("%s: queue %u: bad request (%s): failed", t->name, qi,
				 vq_status_name(st));
		t->bad++;
		t->bad_kinds |= 1u << st;
		virtio_complete(t, qi, c->head, 0);
	}
}

void virtio_complete(struct virtio_mmio *t, unsigned int qi, uint16_t head, uint32_t len)
{
	struct vq *q = virtio_queue(t, qi);
	enum vq_status st;

	if (!q)
		return;
	st = vq_push(q, head, len);
	if (st != VQ_OK) {
		needs_reset(t, qi, st);
		return;
	}
	if (vq_should_notify(q))
		irq_raise(t, INT_VRING);
}

bool virtio_stopping(struct virtio_mmio *t)
{
	return virtio_round_stopping(&t->round);
}

unsigned int virtio_io_begin(struct virtio_mmio *t)
{
	unsigned int gen = t->gen;

	pthread_mutex_unlock(&t->lock);
	return gen;
}

bool virtio_io_end(struct virtio_mmio *t, unsigned int gen)
{
	pthread_mutex_lock(&t->lock);
	return t->gen == gen;
}

void virtio_count_error(struct virtio_mmio *t)
{
	t->errors++;
}

void virtio_kick(struct virtio_mmio *t)
{
	uint64_t one = 1;

	if (write(t->kick_fd, &one, sizeof(one)) < 0)
		pr_debug("%s: kick: %s", t->name, strerror(errno));
}

static void virtio_reset(struct virtio_mmio *t)
{
	if (t->dev->before_reset && (t->status & S_DRIVER_OK))
		t->dev->before_reset(t);
	t->gen++;
	t->status = 0;
	t->guest_features = 0;
	t->dev_feat_sel = t->drv_feat_sel = t->queue_sel = 0;
	memset(t->q, 0, sizeof(t->q));
	if (t->dev->reset)
		t->dev->reset(t);
	irq_ack(t, ~0u);
}

static void queue_ready(struct virtio_mmio *t, struct vqcfg *c, unsigned int qi, bool ready)
{
	if (!ready) {
		c->ready = false;
		return;
	}
	if (!vq_setup(&c->vq, &t->vm->mem, t->dev->name, (uint16_t)c->num, c->desc, c->avail,
		      c->used, t->guest_features & (1ULL << VIRTIO_RING_F_EVENT_IDX))) {
		needs_reset(t, qi, VQ_BROKEN_RING);
		return;
	}
	c->vq.indirect = t->guest_features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	c->ready = true;
}

static void set_status(struct virtio_mmio *t, uint32_t v)
{
	if (!v) {
		virtio_reset(t);
		return;
	}
	if ((v & S_FEATURES_OK) && !(t->status & S_FEATURES_OK)) {
		/* Accept only what we offered, and only as a virtio 1.x driver. */
		if ((t->guest_features & ~t->host_features) ||
		    !(t->guest_features & (1ULL << VIRTIO_F_VERSION_1)))
			v &= ~(uint32_t)S_FEATURES_OK;
	}
	t->status = v | (t->status & S_NEEDS_RESET);
	if (v & S_DRIVER_OK)
		virtio_kick(t);		/* buffers may be waiting already */
}

static uint32_t reg_read(struct virtio_mmio *t, uint64_t off)
{
	struct vqcfg *c = t->queue_sel < t->dev->nr_queues ? &t->q[t->queue_sel] : NULL;

	switch (off) {
	case REG_MAGIC:
		return MMIO_MAGIC;
	case REG_VERSION:
		return 2;
	case REG_DEVICE_ID:
		return t->dev->id;
	case REG_VENDOR_ID:
		return MMIO_VENDOR;
	case REG_DEV_FEATURES:
		return t->dev_feat_sel < 2 ? (uint32_t)(t->host_features >> (32 * t->dev_feat_sel)) : 0;
	case REG_QUEUE_NUM_MAX:
		return c ? VQ_MAX_SIZE : 0;
	case REG_QUEUE_READY:
		return c && c->ready;
	case REG_INT_STATUS:
		return __atomic_load_n(&t->isr, __ATOMIC_ACQUIRE);
	case REG_STATUS:
		return t->status;
	case REG_CONFIG_GEN:
		return 0;
	default:
		return 0;
	}
}

static void reg_write(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	struct vqcfg *c = t->queue_sel < t->dev->nr_queues ? &t->q[t->queue_sel] : NULL;
	unsigned int qi = t->queue_sel;

	/* Queue registers are read-only while the queue is live (4.2.2.2). */
	if (c && c->ready && off >= REG_QUEUE_NUM && off <= REG_QUEUE_USED_HI &&
	    off != REG_QUEUE_READY && off != REG_QUEUE_NOTIFY && off != REG_INT_ACK &&
	    off != REG_STATUS)
		return;
	switch (off) {
	case REG_DEV_FEATURES_SEL:
		t->dev_feat_sel = v;
		break;
	case REG_DRV_FEATURES_SEL:
		t->drv_feat_sel = v;
		break;
	case REG_DRV_FEATURES:
		if (t->drv_feat_sel < 2 && !(t->status & S_FEATURES_OK)) {
			unsigned int sh = 32 * t->drv_feat_sel;

			t->guest_features = (t->guest_features & ~(0xffffffffULL << sh)) |
					    ((uint64_t)v << sh);
		}
		break;
	case REG_QUEUE_SEL:
		t->queue_sel = v;
		break;
	case REG_QUEUE_NUM:
		if (c)
			c->num = v;
		break;
	case REG_QUEUE_READY:
		if (c)
			queue_ready(t, c, qi, v & 1);
		break;
	case REG_INT_ACK:
		irq_ack(t, v);
		break;
	case REG_STATUS:
		set_status(t, v);
		break;
	case REG_QUEUE_DESC_LO:
	case REG_QUEUE_DESC_HI:
	case REG_QUEUE_AVAIL_LO:
	case REG_QUEUE_AVAIL_HI:
	case REG_QUEUE_USED_LO:
	case REG_QUEUE_USED_HI:
		if (c) {
			uint64_t *a = off < REG_QUEUE_AVAIL_LO ? &c->desc :
				      off < REG_QUEUE_USED_LO ? &c->avail : &c->used;
			unsigned int sh = (off & 4) ? 32 : 0;

			*a = (*a & ~(0xffffffffULL << sh)) | ((uint64_t)v << sh);
		}
		break;
	default:
		break;		/* read-only or unknown: ignored */
	}
}

void virtio_mmio_io(struct vcpu *v, uint64_t off, uint8_t *data, unsigned int len,
		    bool is_write, void *opaque)
{
	struct virtio_mmio *t = opaque;

	(void)v;
	if (off >= REG_CONFIG) {
		uint64_t o = off - REG_CONFIG;

		/* Device configuration: any width, read-only, zero past its end. */
		if (!is_write)
			for (unsigned int i = 0; i < len; i++)
				data[i] = o + i < t->dev->config_len ? t->dev->config[o + i] : 0;
		return;
	}
	if (len != 4 || (off & 3)) {
		if (!is_write)
			memset(data, 0, len);
		return;		/* registers are 32-bit only (4.2.2.2) */
	}
	if (is_write && off == REG_QUEUE_NOTIFY) {
		virtio_kick(t);	/* no lock: the I/O thread may be busy for a while */
		return;
	}
	if (!is_write && off == REG_INT_STATUS) {
		io_data_put(data, 4, reg_read(t, off));
		return;
	}
	if (is_write && off == REG_INT_ACK) {
		irq_ack(t, (uint32_t)io_data_get(data, 4));
		return;
	}
	virtio_round_lock(&t->round, &t->lock);
	if (is_write)
		reg_write(t, off, (uint32_t)io_data_get(data, 4));
	else
		io_data_put(data, 4, reg_read(t, off));
	pthread_mutex_unlock(&t->lock);
}
