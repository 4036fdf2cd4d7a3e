// SPDX-License-Identifier: GPL-2.0
/*
 * Device interrupts through KVM_IRQFD where the host has it, else
 * KVM_IRQ_LINE (irqfd.h): the choice per arch trigger, the fds, the
 * resampler of level lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lkvm/irqfd.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

/* LKVM_IRQFD=0 in the environment: stay on KVM_IRQ_LINE (tests, debugging). */
static bool irqfd_allowed(void)
{
	const char *e = getenv("LKVM_IRQFD");

	return !e || strcmp(e, "0") != 0;
}

void dev_irq_line(struct dev_irq *i, unsigned int irq, enum arch_irq_trigger trig)
{
	memset(i, 0, sizeof(*i));
	i->path = IRQ_PATH_LINE;
	i->trig = trig;
	i->irq = i->gsi = irq;
	i->fd = i->resample_fd = -1;
}

void dev_irq_start(struct vm *vm, struct dev_irq *i, bool resampler, pthread_mutex_t *lock)
{
	bool has_fd = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) > 0;
	bool has_rs = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD_RESAMPLE) > 0;
	struct dev_irq n = { .irq = i->irq, .trig = i->trig, .fd = -1, .resample_fd = -1 };
	struct kvm_irqfd f;

	n.gsi = arch_irq_gsi(i->irq);
	n.path = irq_path_choose(has_fd, has_rs && resampler, i->trig, irqfd_allowed());
	if (n.path == IRQ_PATH_LINE)
		return;
	n.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n.path == IRQ_PATH_IRQFD_RESAMPLE)
		n.resample_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	memset(&f, 0, sizeof(f));
	f.fd = (uint32_t)n.fd;
	f.gsi = n.gsi;
	if (n.resample_fd >= 0) {
		f.flags = KVM_IRQFD_FLAG_RESAMPLE;
		f.resamplefd = (uint32_t)n.resample_fd;
	}
	if (n.fd < 0 || (n.path == IRQ_PATH_IRQFD_RESAMPLE && n.resample_fd < 0) ||
	    ioctl(vm->vm_fd, KVM_IRQFD, &f) < 0) {
		pr_debug("irq %u: KVM_IRQFD failed (%s); using KVM_IRQ_LINE", i->irq, strerror(errno));
		if (n.fd >= 0)
			close(n.fd);
		if (n.resample_fd >= 0)
			close(n.resample_fd);
		return;
	}
	if (lock)
		pthread_mutex_lock(lock);
	i->path = n.path;
	i->gsi = n.gsi;
	i->fd = n.fd;
	/* The device's I/O thread polls it without the lock. */
	__atomic_store_n(&i->resample_fd, n.resample_fd, __ATOMIC_RELEASE);
	if (lock)
		pthread_mutex_unlock(lock);
}

void dev_irq_set(struct vm *vm, struct dev_irq *i, int level)
{
	uint64_t one = 1;

	if (level)
		__atomic_add_fetch(&i->signals, 1, __ATOMIC_RELAXED);
	if (i->path == IRQ_PATH_LINE) {
		int err = arch_irq_line(vm, i->irq, level);

		if (err)
			pr_debug("irq %u: KVM_IRQ_LINE %d: %s", i->irq, level, strerror(-err));
		return;
	}
	if (level && write(i->fd, &one, sizeof(one)) < 0)
		pr_debug("irq %u: irqfd write: %s", i->irq, strerror(errno));
}

bool dev_irq_resampled(struct dev_irq *i)
{
	uint64_t n;

	if (i->resample_fd < 0 || read(i->resample_fd, &n, sizeof(n)) != sizeof(n))
		return false;
	__atomic_add_fetch(&i->resamples, n, __ATOMIC_RELAXED);
	return true;
}

size_t dev_irq_stats(const char *name, const struct dev_irq *i, char *buf, size_t n)
{
	int o = snprintf(buf, n, "%s.irqfd %d\n%s.interrupts %llu\n%s.irq_resamples %llu\n", name,
			 i->path == IRQ_PATH_LINE ? 0 : i->path == IRQ_PATH_IRQFD ? 1 : 2, name,
			 (unsigned long long)__atomic_load_n(&i->signals, __ATOMIC_RELAXED), name,
			 (unsigned long long)__atomic_load_n(&i->resamples, __ATOMIC_RELAXED));

	return o < 0 ? 0 : MIN((size_t)o, n);
}

void dev_irq_exit(struct vm *vm, struct dev_irq *i)
{
	struct kvm_irqfd f = { .fd = (uint32_t)i->fd, .gsi = i->gsi, .flags = KVM_IRQFD_FLAG_DEASSIGN };

	if (i->fd >= 0) {
		if (ioctl(vm->vm_fd, KVM_IRQFD, &f) < 0)
			pr_debug("irq %u: KVM_IRQFD deassign: %s", i->irq, strerror(errno));
		close(i->fd);
	}
	if (i->resample_fd >= 0)
		close(i->resample_fd);
	i->fd = i->resample_fd = -1;
	i->path = IRQ_PATH_LINE;
}
