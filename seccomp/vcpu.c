// SPDX-License-Identifier: GPL-2.0
/*
 * What a vCPU thread may call (seccomp.h). It runs the guest and handles
 * the exits KVM brings back: the thread a hostile guest reaches first.
 * No files (open, read, close), no sockets, no new threads, no new code.
 */
#include "lkvm/seccomp.h"

const struct sc_rule sc_vcpu_rules[] = {
	/* The guest */
	{ "ioctl", SC_KVM },		/* KVM_RUN, registers, interrupt lines, error injection */
	{ "write", SC_ANY },		/* eventfd wake-ups, messages on stderr, the memory-error log */
	{ "fdatasync", SC_ANY },	/* the memory-error log, after a "stopped" or "fatal" record */
	{ "lseek", SC_ANY },		/* the memory-error log: where a record begins, */
	{ "ftruncate", SC_ANY },	/* and a record cut short cut back (ras-log.c) */
	{ "madvise", SC_ANY },		/* arm64: drop a poisoned page; malloc; thread exit */
	{ "poll", SC_ANY },		/* virtio-ports at the guest's reset: its last output */
	{ "ppoll", SC_ANY },		/* out to a pipe that may be full (vp_flush_tx) */

	/* Other threads and signals */
	{ "futex", SC_ANY },		/* locks, condition variables */
	{ "getpid", SC_ANY },
	{ "gettid", SC_ANY },
	{ "tgkill", SC_SELF },		/* kick another vCPU out of KVM_RUN */
	{ "rt_tgsigqueueinfo", SC_SELF },	/* a simulated memory error (drills) */
	{ "rt_sigprocmask", SC_ANY },	/* guarded guest-memory copies, pthreads */
	{ "rt_sigreturn", SC_ANY },	/* back from the SIGBUS and kick handlers */
	{ "rt_sigaction", SC_SIGBUS },	/* the SIGBUS handler, on a plain bus error */
	{ "sigaltstack", SC_ANY },	/* the memory-error signal stack, freed at exit */
	{ "timer_create", SC_ANY },	/* retrying memory errors the guest cannot take yet */
	{ "timer_settime", SC_ANY },
	{ "timer_delete", SC_ANY },

	/* Time */
	{ "clock_gettime", SC_ANY },	/* where the vDSO cannot answer */
	{ "time", SC_ANY },		/* ppc64: RTAS time of day */
	{ "nanosleep", SC_ANY },	/* waits in drills and in ppc64's error path */
	{ "clock_nanosleep", SC_ANY },
	{ "restart_syscall", SC_ANY },	/* the kernel resuming an interrupted wait */

	/* Memory (malloc) */
	{ "mmap", SC_NOEXEC },
	{ "mprotect", SC_NOEXEC },
	{ "munmap", SC_ANY },
	{ "mremap", SC_ANY },
	{ "brk", SC_ANY },
	{ "sched_getaffinity", SC_ANY },	/* glibc sizing its malloc arenas */

	/* The end */
	{ "exit", SC_ANY },		/* the thread */
	{ "exit_group", SC_ANY },	/* the process: fatal reports (memory error, this filter) */
	{ NULL },
};
