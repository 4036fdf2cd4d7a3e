// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a virtio-mmio transport (virtio-mmio.h): created with room
 * from the registry's allocator, its I/O thread that walks the queues, its
 * start (interrupt to an irqfd) and end as the registry's hooks, and what
 * the machine asks of every transport (command line, stat lines). The
 * transports of a VM are its registry's DEV_KIND_VIRTIO_MMIO devices: no
 * table of their own. The register file: virtio-mmio.c.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hw/virtio-mmio.h"
#include "lkvm/arch.h"
#include "lkvm/seccomp.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"
#include "virtio-transport.h"

static void *virtio_thread(void *arg)
{
	struct virtio_mmio *t = arg;
	struct virtio_dev *d = t->dev;

	pthread_setname_np(pthread_self(), t->name);	/* "virtio-blk0": names it in reports */
	if (ras_thread_attach(&t->ras))
		pr_err("%s: no memory-error queue for the I/O thread", t->name);
	sc_enter(d->sc_kind == SC_CONTROL ? SC_IO : d->sc_kind);	/* before it reads a queue */
	for (;;) {
		/* kick, the irqfd resampler (fd -1: ignored), the device's own fd */
		struct pollfd p[3] = { { .fd = t->kick_fd, .events = POLLIN },
				       { .fd = __atomic_load_n(&t->irq.resample_fd, __ATOMIC_ACQUIRE),
					 .events = POLLIN },
				       { .fd = d->poll_fd, .events = POLLIN } };
		uint64_t cnt;
		int n = poll(p, d->poll_fd >= 0 ? 3 : 2, -1);

		if (n < 0 && errno != EINTR)
			break;
		if (virtio_round_stopping(&t->round))
			break;
		if (n <= 0)
			continue;
		if (p[1].revents & POLLIN)
			virtio_irq_resampled(t);
		if (!(p[0].revents & POLLIN) && !(p[2].revents & (POLLIN | POLLHUP)))
			continue;	/* only the resampler */
		if ((p[0].revents & POLLIN) && read(t->kick_fd, &cnt, sizeof(cnt)) < 0)
			cnt = 0;
		pthread_mutex_lock(&t->lock);
		virtio_round_start(&t->round);
		if (d->poll_fd >= 0 && (p[2].revents & (POLLIN | POLLHUP)) && d->poll_in)
			d->poll_in(t);
		for (unsigned int qi = 0; qi < d->nr_queues && d->queue; qi++)
			if (virtio_queue(t, qi) && virtio_driver_ok(t))
				d->queue(t, qi);
		pthread_mutex_unlock(&t->lock);
		if (virtio_round_more(&t->round))
			virtio_kick(t);		/* the rest next round, after whoever waited */
		/* A guarded copy that met a poisoned page: route it now. */
		ras_thread_drain(t->vm);
	}
	ras_thread_detach();
	return NULL;
}

/* QueueNotify straight to the eventfd, in the kernel, where KVM can. */
static void virtio_ioeventfd(struct virtio_mmio *t)
{
	struct kvm_ioeventfd io = {
		.addr = t->mmio.base + REG_QUEUE_NOTIFY, .len = 4, .fd = t->kick_fd,
	};

	t->ioeventfd = ioctl(t->vm->vm_fd, KVM_IOEVENTFD, &io) == 0;
}

static void virtio_ioeventfd_remove(struct virtio_mmio *t)
{
	struct kvm_ioeventfd io = {
		.addr = t->mmio.base + REG_QUEUE_NOTIFY, .len = 4, .fd = t->kick_fd,
		.flags = KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	if (t->ioeventfd && ioctl(t->vm->vm_fd, KVM_IOEVENTFD, &io) < 0)
		pr_debug("%s: KVM_IOEVENTFD deassign: %s", t->name, strerror(errno));
	t->ioeventfd = false;
}

/* The "device interrupts" stage: the irqchip is complete, so irqfds are allowed now. */
static int virtio_start(struct vm *vm, struct device *d)
{
	struct virtio_mmio *t = d->opaque;

	dev_irq_start(vm, &t->irq, true, &t->irq_lock);
	virtio_kick(t);		/* the I/O thread polls the resample fd from now on */
	pr_debug("%s: MMIO 0x%llx, interrupt %u through %s", t->name,
		 (unsigned long long)d->base, t->irq.irq, irq_path_name(t->irq.path));
	return 0;
}

/* Everything but the registry entry; the thread must be stopped (or never started). */
static void virtio_free(struct virtio_mmio *t)
{
	virtio_ioeventfd_remove(t);
	dev_irq_exit(t->vm, &t->irq);
	if (t->kick_fd >= 0)
		close(t->kick_fd);
	pthread_mutex_destroy(&t->lock);
	pthread_mutex_destroy(&t->irq_lock);
	free(t->chain);
	free(t);
}

/* Stop the thread, let the device free what it holds. */
static void virtio_destroy(struct vm *vm, struct device *d)
{
	struct virtio_mmio *t = d->opaque;

	(void)vm;
	virtio_round_stop(&t->round);
	virtio_kick(t);
	if (t->thread_ok && !virtio_round_join(t->thread, t->name))
		return;		/* its thread may still use it: left as it is */
	if (t->dev->destroy)
		t->dev->destroy(t);
	virtio_free(t);
}

static size_t virtio_stats(const struct device *d, char *buf, size_t n)
{
	struct virtio_mmio *t = d->opaque;
	int o = snprintf(buf, n, "%s.requests %llu\n%s.bad_requests %llu\n%s.io_errors %llu\n%s.needs_reset %llu\n",
			 t->name, (unsigned long long)__atomic_load_n(&t->requests, __ATOMIC_RELAXED),
			 t->name, (unsigned long long)__atomic_load_n(&t->bad, __ATOMIC_RELAXED),
			 t->name, (unsigned long long)__atomic_load_n(&t->errors, __ATOMIC_RELAXED),
			 t->name, (unsigned long long)__atomic_load_n(&t->broken, __ATOMIC_RELAXED));

	if (o < 0)
		return 0;
	if ((size_t)o >= n)
		return n;
	o += (int)dev_irq_stats(t->name, &t->irq, buf + o, n - (size_t)o);
	if ((size_t)o >= n || !t->dev->stats)
		return MIN((size_t)o, n);
	return (size_t)o + t->dev->stats(t, buf + o, n - (size_t)o);
}

struct virtio_mmio *virtio_mmio_create(struct vm *vm, struct virtio_dev *dev)
{
	struct virtio_mmio *t;
	unsigned int irq;
	uint64_t base;

	if (devices_count(vm, DEV_KIND_VIRTIO_MMIO) >= VIRTIO_MMIO_MAX ||
	    dev->nr_queues > VIRTIO_MAX_QUEUES) {
		pr_err("%s: too many virtio devices (at most %d)", dev->name, VIRTIO_MMIO_MAX);
		return NULL;
	}
	if (device_mmio_alloc(vm, VIRTIO_MMIO_SIZE, &base) || device_irq_alloc(vm, &irq)) {
		pr_err("%s: no room for another virtio device on this machine", dev->name);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t || !(t->chain = malloc(sizeof(*t->chain)))) {
		free(t);
		pr_err("%s: out of memory", dev->name);
		return NULL;
	}
	t->vm = vm;
	t->dev = dev;
	t->kick_fd = -1;
	/* KVM_IRQ_LINE until the start hook: the irqchip may not be ready. */
	dev_irq_line(&t->irq, irq, arch_irq_trigger());
	snprintf(t->name, sizeof(t->name), "%s", dev->name);
	t->host_features = dev->features | (1ULL << VIRTIO_F_VERSION_1) |
			   (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	pthread_mutex_init(&t->lock, NULL);
	pthread_mutex_init(&t->irq_lock, NULL);
	t->mmio = (struct device){
		.name = t->name, .kind = DEV_KIND_VIRTIO_MMIO, .bus = DEV_BUS_MMIO, .base = base,
		.len = VIRTIO_MMIO_SIZE, .irq = (int)irq, .io = virtio_mmio_io, .opaque = t,
		.start = virtio_start, .destroy = virtio_destroy, .stats = virtio_stats,
	};
	t->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->kick_fd < 0 || device_register(vm, &t->mmio)) {
		pr_err("%s: cannot register the device", dev->name);
		virtio_free(t);
		return NULL;
	}
	virtio_ioeventfd(t);
	if (pthread_create(&t->thread, NULL, virtio_thread, t)) {
		pr_err("%s: cannot start its I/O thread", dev->name);
		/* Nothing left behind: no range on the bus pointing at freed memory. */
		device_unregister(vm, &t->mmio);
		virtio_free(t);
		return NULL;
	}
	t->thread_ok = true;
	return t;
}

const char *virtio_mmio_cmdline(struct vm *vm)
{
	static char buf[VIRTIO_MMIO_MAX * 48];
	size_t o = 0;

	buf[0] = '\0';
	for_each_device(vm->devices, d) {
		if (d->kind != DEV_KIND_VIRTIO_MMIO || o >= sizeof(buf))
			continue;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%svirtio_mmio.device=%llu@0x%llx:%d",
				      o ? " " : "", (unsigned long long)d->len,
				      (unsigned long long)d->base, d->irq);
	}
	return buf;
}
