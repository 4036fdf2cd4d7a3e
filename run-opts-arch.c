// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm run`'s machine-specific options: the arch's own table
 * (arch_info()->options) spliced into getopt_long and --help, and every
 * arch's option names, so another machine's option is refused by name.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/arch.h"
#include "lkvm/run-opts-arch.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"

/*
 * Every architecture's own options (arch_info()->options), by name: on
 * another machine they get a reason instead of "unknown option". One row
 * per option and arch; an arch that adds an option adds its row here
 * (a unit test checks the built machine's table against this one).
 */
static const struct {
	const char *arch;	/* arch_info()->name */
	const char *name;
} arch_known[] = {
	{ "arm64", "irqchip" },
	{ "arm64", "pmu" },
	{ "arm64", "ras-serror-esr" },
	{ "arm64", "ras-arm-notify" },
	{ "arm64", "ras-arm-force" },
	{ "arm64", "tables" },
	{ "arm64", "disable-sve" },
	{ "arm64", "disable-ptrauth" },
	{ "x86", "testdev" },
	{ "x86", "ras-amd-ao" },
};

bool run_opt_known(const char *arch, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_known); i++)
		if (!strcmp(arch_known[i].arch, arch) && !strcmp(arch_known[i].name, name))
			return true;
	return false;
}

/* The machine's section of --help: --dump-dtb where it applies, its own options. */
void run_opts_usage_arch(FILE *f)
{
	const struct arch_info *ai = arch_info();
	const struct arch_option *ao = ai->options;

	if (!ai->device_tree && !(ao && ao->name))
		return;
	fprintf(f, "\n%s:\n", ai->name);
	if (ai->device_tree)
		fputs("      --dump-dtb FILE    also write the generated device tree to FILE\n", f);
	for (; ao && ao->name; ao++)
		fputs(ao->help, f);
}

/*
 * Another machine's option: "--irqchip is an arm64 option; lkvm for x86 has
 * no such setting". Returns -1 with that line, or 0: no arch has it.
 */
int run_opts_other_arch(const char *name, size_t len, char *err, size_t errlen)
{
	const char *self = arch_info()->name;
	char archs[128] = "";

	for (size_t i = 0; i < ARRAY_SIZE(arch_known); i++) {
		size_t used = strlen(archs);

		if (strlen(arch_known[i].name) == len && !strncmp(arch_known[i].name, name, len) &&
		    strcmp(arch_known[i].arch, self))
			snprintf(archs + used, sizeof(archs) - used, "%s%s", used ? " and " : "",
				 arch_known[i].arch);
	}
	if (!archs[0])
		return 0;
	snprintf(err, errlen, "--%.*s is %s %s option; lkvm for %s has no such setting (see 'lkvm run --help')",
		 (int)len, name, strchr("aeiou", archs[0]) ? "an" : "a", archs, self);
	return -1;
}

struct option *run_opts_table(const struct option *core_opts, size_t core, int base)
{
	const struct arch_option *ao = arch_info()->options;
	size_t n = 0;
	struct option *t;

	while (ao && ao[n].name)
		n++;
	t = calloc(core + n + 1, sizeof(*t));
	if (!t)
		return NULL;
	memcpy(t, core_opts, core * sizeof(*t));
	for (size_t i = 0; i < n; i++)
		t[core + i] = (struct option){ ao[i].name, ao[i].has_arg, NULL,
					       base + (int)i };
	return t;	/* calloc: the last row is the end mark */
}
