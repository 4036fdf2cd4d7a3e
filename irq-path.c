// SPDX-License-Identifier: GPL-2.0
/* Which way a device interrupt takes to KVM (irqfd.h): pure, unit-tested. */
#include "lkvm/irqfd.h"

enum irq_path irq_path_choose(bool irqfd, bool resample, enum arch_irq_trigger trig,
			      bool allowed)
{
	if (!allowed || !irqfd)
		return IRQ_PATH_LINE;
	if (trig == ARCH_IRQ_EDGE)
		return IRQ_PATH_IRQFD;
	return resample ? IRQ_PATH_IRQFD_RESAMPLE : IRQ_PATH_LINE;
}

const char *irq_path_name(enum irq_path p)
{
	switch (p) {
	case IRQ_PATH_IRQFD:
		return "irqfd";
	case IRQ_PATH_IRQFD_RESAMPLE:
		return "irqfd with resample";
	default:
		return "KVM_IRQ_LINE";
	}
}
