// SPDX-License-Identifier: GPL-2.0
/*
 * What the console output thread may call (seccomp.h): copy the guest's
 * output from lkvm's buffer to stdout. It never ends and allocates nothing.
 */
#include "lkvm/seccomp.h"

const struct sc_rule sc_console_rules[] = {
	{ "write", SC_ANY },		/* stdout; and the memory-error paths below */
	{ "futex", SC_ANY },		/* the buffer's lock and condition variables */
	{ "poll", SC_ANY },		/* a non-blocking stdout that is full: until it is not */
	{ "ppoll", SC_ANY },		/* poll, on arm64 */

	/* A memory error on this thread (ras.c's SIGBUS handler) */
	{ "rt_sigreturn", SC_ANY },
	{ "rt_sigprocmask", SC_ANY },
	{ "rt_sigaction", SC_SIGBUS },
	{ "clock_gettime", SC_ANY },
	{ "getpid", SC_ANY },
	{ "gettid", SC_ANY },
	{ "tgkill", SC_SELF },
	{ "fdatasync", SC_ANY },	/* the memory-error log, after a fatal record */
	{ "lseek", SC_ANY },		/* the memory-error log: where a record begins, */
	{ "ftruncate", SC_ANY },	/* and a record cut short cut back (ras-log.c) */
	{ "exit_group", SC_ANY },	/* fatal reports (memory error, this filter) */
	{ "restart_syscall", SC_ANY },
	{ NULL },
};
