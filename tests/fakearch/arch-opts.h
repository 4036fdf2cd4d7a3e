/* SPDX-License-Identifier: GPL-2.0 */
/* The sketch port's own `lkvm run` option (run_opts.arch, arch.h). */
#ifndef LKVM_FAKE_ARCH_OPTS_H
#define LKVM_FAKE_ARCH_OPTS_H

#include "lkvm/arch.h"

struct arch_opts {
	unsigned int widgets;	/* --fake-widgets N */
};

extern const struct arch_option fake_options[];

#endif
