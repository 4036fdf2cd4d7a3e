/* SPDX-License-Identifier: GPL-2.0 */
/* x86's own `lkvm run` options: their values (run_opts.arch) and their table. */
#ifndef LKVM_X86_ARCH_OPTS_H
#define LKVM_X86_ARCH_OPTS_H

#include <stdbool.h>

#include "lkvm/arch.h"

/* What the user asked for; zero is the default of each (memset by the parser). */
struct arch_opts {
	bool testdev;		/* --testdev: QEMU's pc-testdev ports and MMIO window (testdev.c) */
	/*
	 * --ras-amd-ao=deferred: an AMD guest is told of an error nothing
	 * consumed only as a deferred error in a bank (its machine-check
	 * poll finds it), never through the GHES source (docs/ras.md).
	 */
	bool ras_amd_deferred;
};

/* The table arch_info()->options points to. */
extern const struct arch_option x86_options[];

#endif
