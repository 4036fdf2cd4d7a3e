// SPDX-License-Identifier: GPL-2.0
/* The sketch port's description and its one option (arch.h: arch_info). */
#include <getopt.h>
#include <stdio.h>

#include "arch-opts.h"
#include "lkvm/util.h"

static int fake_opt_widgets(struct arch_opts *a, const char *arg, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_u64(arg, &v) || v > 8) {
		snprintf(err, errlen, "invalid --fake-widgets '%s': give 0 to 8", arg);
		return -1;
	}
	a->widgets = (unsigned int)v;
	return 0;
}

const struct arch_option fake_options[] = {
	{ "fake-widgets", required_argument,
"      --fake-widgets N   how many widgets the fake machine has (0-8)\n",
	  fake_opt_widgets },
	{ NULL, 0, NULL, NULL }
};

static const struct arch_info fake_info = {
	.name = "fake",
	.kernels = "nothing: the fake machine boots no kernel",
	.initrd = "unused",
	.console = "none",
	.crash = "never",
	.options = fake_options,
	.device_tree = true,
};

const struct arch_info *arch_info(void)
{
	return &fake_info;
}
