// SPDX-License-Identifier: GPL-2.0
/*
 * What the early-kill (memory-error) thread may call (seccomp.h): wait for
 * action-optional SIGBUS reports, log them, hand them to a vCPU. No ioctl,
 * no files.
 */
#include "lkvm/seccomp.h"

const struct sc_rule sc_ras_rules[] = {
	/* Memory errors */
	{ "ppoll", SC_ANY },		/* wait for its eventfd (a SIGBUS record) or a kick */
	{ "read", SC_ANY },		/* that eventfd */
	{ "rt_tgsigqueueinfo", SC_SELF },	/* a simulated action-optional error (drills) */
	{ "tgkill", SC_SELF },		/* hand an error to a vCPU */
	{ "write", SC_ANY },		/* eventfd wake-ups, messages on stderr, the memory-error log */
	{ "fdatasync", SC_ANY },	/* the memory-error log */
	{ "lseek", SC_ANY },		/* the memory-error log: where a record begins, */
	{ "ftruncate", SC_ANY },	/* and a record cut short cut back (ras-log.c) */

	/* Other threads and signals */
	{ "futex", SC_ANY },
	{ "getpid", SC_ANY },
	{ "gettid", SC_ANY },
	{ "rt_sigprocmask", SC_ANY },
	{ "rt_sigreturn", SC_ANY },
	{ "rt_sigaction", SC_SIGBUS },	/* the SIGBUS handler, on a plain bus error */
	{ "sigaltstack", SC_ANY },	/* the memory-error signal stack, freed at exit */

	/* Time */
	{ "clock_gettime", SC_ANY },
	{ "restart_syscall", SC_ANY },

	/* Memory (malloc) */
	{ "mmap", SC_NOEXEC },
	{ "mprotect", SC_NOEXEC },
	{ "munmap", SC_ANY },
	{ "mremap", SC_ANY },
	{ "brk", SC_ANY },
	{ "madvise", SC_ANY },
	{ "sched_getaffinity", SC_ANY },

	/* The end */
	{ "exit", SC_ANY },
	{ "exit_group", SC_ANY },
	{ NULL },
};
