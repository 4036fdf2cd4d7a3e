// SPDX-License-Identifier: GPL-2.0
/* lkvm: command dispatch. */
#include <stdio.h>
#include <string.h>

#include "lkvm/arch.h"
#include "lkvm/builtin.h"
#include "lkvm/util.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
"usage: lkvm COMMAND [options]\n"
"\n"
"A small virtual machine monitor that survives host memory errors.\n"
"\n"
"Commands:\n"
"  run       run a guest (no --kernel: the built-in demo guest)\n"
"  list      list running VMs\n"
"  stop      stop a VM (--name NAME, or --all)\n"
"  pause     pause a VM's vCPUs (--name NAME)\n"
"  resume    resume a paused VM (--name NAME)\n"
"  stat      exit counts by reason and device, poisoned pages (--name NAME)\n"
"  debug     memory-error drills: --name NAME --poison GPA [--ao] [--vcpu N]\n"
"  version   print lkvm's version\n"
"  help      this help; 'lkvm COMMAND --help' for a command's options\n"
"\n"
"Exit status of 'lkvm run': 0 guest powered off or reset, 1 runtime error,\n"
"2 usage error, 4 VM stopped by a guest memory error, 6 lkvm hit by a memory\n"
"error, 8 guest crashed (%s), (code << 1) | 1 when the guest writes code to\n"
"%s.\n", arch_info()->crash, arch_info()->guest_exit);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "run", cmd_run }, { "list", cmd_list }, { "stop", cmd_stop },
		{ "pause", cmd_pause }, { "resume", cmd_resume }, { "debug", cmd_debug },
		{ "stat", cmd_stat },
	};
	size_t i;

	lkvm_start_ns = mono_ns();
	if (argc < 2) {
		usage(stderr);
		return LKVM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return LKVM_EXIT_OK;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("lkvm %s\n", LKVM_VERSION);
		return LKVM_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	pr_err("unknown command '%s'; see 'lkvm help'", argv[1]);
	return LKVM_EXIT_USAGE;
}
