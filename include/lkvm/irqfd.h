/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_IRQFD_H
#define LKVM_IRQFD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lkvm/arch.h"

struct vm;

/*
 * How a device's interrupt reaches the in-kernel irqchip.
 *   IRQ_PATH_LINE             KVM_IRQ_LINE from lkvm, raise and lower
 *   IRQ_PATH_IRQFD            KVM_IRQFD: a write to the eventfd is one
 *                             interrupt (edge: ppc64's XICS message sources)
 *   IRQ_PATH_IRQFD_RESAMPLE   KVM_IRQFD with KVM_IRQFD_FLAG_RESAMPLE: a
 *                             write raises the level line, KVM lowers it at
 *                             the guest's EOI and signals the resample fd;
 *                             the device raises it again if still pending
 *                             (x86 IOAPIC, arm64 vGIC: level lines)
 */
enum irq_path { IRQ_PATH_LINE, IRQ_PATH_IRQFD, IRQ_PATH_IRQFD_RESAMPLE };

/*
 * A device's interrupt: the one way a device raises its line (the UART's,
 * each virtio transport's). It starts on KVM_IRQ_LINE (dev_irq_line()) and
 * moves to an irqfd in the device's start hook (dev_irq_start()).
 */
struct dev_irq {
	enum irq_path path;
	enum arch_irq_trigger trig;	/* how the guest's irqchip takes the line */
	unsigned int irq;	/* the arch's number (arch_irq_line) */
	unsigned int gsi;	/* KVM's GSI for it (arch_irq_gsi) */
	int fd;			/* the irqfd, -1 on IRQ_PATH_LINE */
	int resample_fd;	/* -1 unless IRQ_PATH_IRQFD_RESAMPLE */
	uint64_t signals;	/* interrupts raised (stat) */
	uint64_t resamples;	/* guest EOIs seen through resample_fd (stat) */
};

/*
 * The path for a host with (or without) KVM_CAP_IRQFD and
 * KVM_CAP_IRQFD_RESAMPLE, lines triggered as trig, irqfd allowed by the
 * user (LKVM_IRQFD=0 forbids it): a level line without a resampler stays
 * on KVM_IRQ_LINE, since a plain irqfd would only pulse it. Pure.
 */
enum irq_path irq_path_choose(bool irqfd, bool resample, enum arch_irq_trigger trig,
			      bool allowed);
const char *irq_path_name(enum irq_path p);

/* A line on KVM_IRQ_LINE, usable at once (the irqchip may not be finished). */
void dev_irq_line(struct dev_irq *i, unsigned int irq, enum arch_irq_trigger trig);
/*
 * Once the VM is built (arm64 refuses KVM_IRQFD before its vGIC is
 * initialised): move i to KVM_IRQFD where the host has it. A level line
 * needs someone to read the resample fd (resampler: the device polls
 * i->resample_fd and calls dev_irq_resampled()); without, it stays on
 * KVM_IRQ_LINE. lock (the device's, NULL: none) is held while i changes.
 * Never fails: the fallback is KVM_IRQ_LINE.
 */
void dev_irq_start(struct vm *vm, struct dev_irq *i, bool resampler, pthread_mutex_t *lock);
/* Raise (level 1) or lower (0; a no-op on the irqfd paths) the interrupt. */
void dev_irq_set(struct vm *vm, struct dev_irq *i, int level);
/* IRQ_PATH_IRQFD_RESAMPLE: the guest EOIed since last time (reads the fd). */
bool dev_irq_resampled(struct dev_irq *i);
/* `lkvm stat` lines: NAME.irqfd 0|1|2 (line, irqfd, with resample), NAME.interrupts, NAME.irq_resamples. */
size_t dev_irq_stats(const char *name, const struct dev_irq *i, char *buf, size_t n);
/* Detach from KVM and close the fds. */
void dev_irq_exit(struct vm *vm, struct dev_irq *i);

#endif
