/* SPDX-License-Identifier: GPL-2.0 */
/* Between run-opts.c and run-opts-arch.c: the machine's options in the parser. */
#ifndef LKVM_RUN_OPTS_ARCH_H
#define LKVM_RUN_OPTS_ARCH_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The core's options (the first core rows of core_opts), then the
 * machine's own (arch_info()->options, val base + row), ended by a zero
 * row, for getopt_long. NULL when out of memory; free() it.
 */
struct option *run_opts_table(const struct option *core_opts, size_t core, int base);
/*
 * An option (name, len bytes, without "--") that another machine has:
 * returns -1 with "--irqchip is an arm64 option; lkvm for x86 has no such
 * setting ..." in err; 0 when no other machine has it.
 */
int run_opts_other_arch(const char *name, size_t len, char *err, size_t errlen);
/* The machine's section of --help: --dump-dtb where it applies, its own options. */
void run_opts_usage_arch(FILE *f);

#endif
