// SPDX-License-Identifier: GPL-2.0
/* x86's own `lkvm run` options: names, help lines, parsers (arch.h). */
#include <getopt.h>
#include <stddef.h>

#include "arch-opts.h"

static int x86_opt_testdev(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	a->testdev = true;
	return 0;
}

const struct arch_option x86_options[] = {
	{ "testdev", no_argument,
"      --testdev          QEMU's pc-testdev for test kernels (kvm-unit-tests):\n"
"                         ports 0x2000+N raise and lower interrupt line N,\n"
"                         0xe0-0xe7 scratch, RAM-like MMIO at 0xff000000\n"
"                         (64 KiB); not with --ras-test-port (port 0xe0)\n",
	  x86_opt_testdev },
	{ NULL, 0, NULL, NULL }
};
