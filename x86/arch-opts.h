/* SPDX-License-Identifier: GPL-2.0 */
/* x86's own `lkvm run` options (run_opts.arch, arch.h): none yet. */
#ifndef LKVM_X86_ARCH_OPTS_H
#define LKVM_X86_ARCH_OPTS_H

/* Empty (GNU C: size 0) until x86 has an option of its own. */
struct arch_opts {
};

#endif
