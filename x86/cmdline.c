// SPDX-License-Identifier: GPL-2.0
/* The command line lkvm gives Linux kernels: its defaults, then the user's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"

/*
 * Linux kernels learn that this machine has no PCI: without it they probe
 * config ports 0xcf8/0xcfc (tens of thousands of exits) and scan for an AGP
 * aperture. The user's own pci= wins. Returns a malloc'ed string.
 */
char *x86_linux_params(const char *user)
{
	static const char defaults[] = "pci=off";
	size_t n = (user ? strlen(user) : 0) + sizeof(defaults) + 1;
	char *p = malloc(n);

	if (!p)
		return NULL;
	if (user && (!strncmp(user, "pci=", 4) || strstr(user, " pci=")))
		snprintf(p, n, "%s", user);
	else
		snprintf(p, n, "%s%s%s", defaults, user && *user ? " " : "", user ? user : "");
	return p;
}
