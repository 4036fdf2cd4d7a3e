// SPDX-License-Identifier: GPL-2.0
/* lkvm: command dispatch, and the help that kvmtool users and scripts know. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/arch.h"
#include "lkvm/builtin.h"
#include "lkvm/ras.h"
#include "lkvm/util.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "unknown"
#endif

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "run", cmd_run, "Start the virtual machine (no kernel: the built-in guest)" },
	{ "sandbox", cmd_sandbox, "Run a command in a Linux guest on the host's files, with its status" },
	{ "stop", cmd_stop, "Stop a running instance" },
	{ "pause", cmd_pause, "Pause the virtual machine" },
	{ "resume", cmd_resume, "Resume the virtual machine" },
	{ "list", cmd_list, "Print a list of running instances on the host" },
	{ "stat", cmd_stat, "Print exit statistics and poisoned pages of an instance" },
	{ "debug", cmd_debug, "Dump registers, send an NMI or sysrq; memory-error drills" },
	{ "version", NULL, "Print the version of lkvm" },
	{ "help", NULL, "Display help information about lkvm" },
};

/*
 * kvm-unit-tests finds a kvmtool binary by "The most commonly used" in its
 * --help output: keep that sentence.
 */
static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "\n usage: lkvm [--version] [--help] COMMAND [ARGS]\n\n"
		" A small virtual machine monitor that survives host memory errors.\n\n"
		" The most commonly used lkvm commands are:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "   %-9s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f,
"\n See 'lkvm help COMMAND' for more information on a specific command.\n"
"\n"
" Exit status of 'lkvm run': 0 guest powered off or reset, 1 runtime error,\n"
" 2 usage error, 4 VM stopped by a guest memory error, 6 lkvm hit by a memory\n"
" error, 8 guest crashed (%s), 10 a system call lkvm's seccomp filter forbids", arch_info()->crash);
	if (arch_info()->guest_exit)
		fprintf(f, ",\n (code << 1) | 1 when the guest writes code to %s", arch_info()->guest_exit);
	fprintf(f, ".\n\n");
}

static const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

/* `lkvm help [COMMAND]`: a command's help is its --help. */
static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;
	char *hargv[] = { NULL, (char *)"--help", NULL };

	if (argc < 2 || !strcmp(argv[1], "help")) {
		usage(stdout);
		return LKVM_EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (!c) {
		pr_err("no command '%s'; see 'lkvm help'", argv[1]);
		return LKVM_EXIT_USAGE;
	}
	if (!c->fn) {
		printf("usage: lkvm %s\n\n%s.\n", c->name, c->help);
		return LKVM_EXIT_OK;
	}
	hargv[0] = argv[1];
	return c->fn(2, hargv);
}

/*
 * Started with any of fds 0-2 closed (`lkvm run <&- >&-`), the next file
 * lkvm opens would take that number: the name's lock file would become
 * stdout and receive the guest's console output. /dev/null on each closed
 * one, before anything else is opened; failing that, lkvm cannot run safely.
 */
static int std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		n = open("/dev/null", O_RDWR);
		if (n != fd) {
			if (n >= 0)
				close(n);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int err;

	if (std_fds_open())
		return LKVM_EXIT_ERROR;	/* nowhere safe to say so */
	lkvm_start_ns = mono_ns();
	/*
	 * The memory-error handler first: a BUS_MCEERR_AR from here on is
	 * reported and exits 6, where the default action would dump core.
	 */
	err = ras_signals_init();
	if (err)
		pr_warn("warning: cannot install the memory-error handler: %s", strerror(-err));
	if (argc < 2) {
		usage(stderr);
		return LKVM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("lkvm %s\n", LKVM_VERSION);
		return LKVM_EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (c && c->fn)
		return c->fn(argc - 1, argv + 1);
	pr_err("unknown command '%s'; see 'lkvm help'", argv[1]);
	return LKVM_EXIT_USAGE;
}
