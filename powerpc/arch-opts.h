/* SPDX-License-Identifier: GPL-2.0 */
/* ppc64's own `lkvm run` options (run_opts.arch, arch.h): none yet. */
#ifndef LKVM_PPC_ARCH_OPTS_H
#define LKVM_PPC_ARCH_OPTS_H

/* Empty (GNU C: size 0) until ppc64 has an option of its own. */
struct arch_opts {
};

#endif
