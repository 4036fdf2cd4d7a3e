// SPDX-License-Identifier: GPL-2.0
/* x86's own `lkvm run` options: names, help lines, parsers (arch.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "arch-opts.h"
#include "lkvm/arch.h"

static int x86_opt_testdev(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	a->testdev = true;
	return 0;
}

static int x86_opt_ras_amd_ao(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	if (!strcmp(arg, "ghes")) {
		a->ras_amd_deferred = false;
	} else if (!strcmp(arg, "deferred")) {
		a->ras_amd_deferred = true;
	} else {
		snprintf(err, errlen, "invalid --ras-amd-ao '%s': use ghes or deferred", arg);
		return -1;
	}
	return 0;
}

const struct arch_option x86_options[] = {
	{ "testdev", no_argument,
"      --testdev          QEMU's pc-testdev for test kernels (kvm-unit-tests):\n"
"                         ports 0x2000+N raise and lower interrupt line N,\n"
"                         0xe0-0xe7 scratch, RAM-like MMIO at 0xff000000\n"
"                         (64 KiB); not with --ras-test-port (port 0xe0)\n",
	  x86_opt_testdev },
	{ "ras-amd-ao", required_argument,
"      --ras-amd-ao M     how an AMD guest is told of a memory error nothing\n"
"                         consumed yet: ghes (default), a record in an ACPI\n"
"                         GHES source the guest polls every 100 ms (a guest\n"
"                         not polling it gets the deferred error instead);\n"
"                         deferred: only a deferred error in a machine-check\n"
"                         bank, which Linux finds at its poll (5 minutes)\n",
	  x86_opt_ras_amd_ao },
	{ NULL, 0, NULL, NULL }
};
