// SPDX-License-Identifier: GPL-2.0
/*
 * What a virtio device's I/O thread may call (seccomp.h). It walks queues
 * the guest writes, so a hostile guest reaches it too: it reads and writes
 * the files it was given (the disk image), never opens one.
 */
#include "lkvm/seccomp.h"

const struct sc_rule sc_io_rules[] = {
	/* The device */
	{ "poll", SC_ANY },		/* kicks (eventfd) */
	{ "ppoll", SC_ANY },		/* poll, on arm64 */
	{ "read", SC_ANY },		/* the kick counter, the irqfd's resample eventfd */
	{ "pread64", SC_ANY },		/* virtio-blk: the disk image */
	{ "pwrite64", SC_ANY },
	{ "preadv", SC_ANY },		/* virtio-blk: straight between the image and the guest's pages */
	{ "pwritev", SC_ANY },
	{ "fdatasync", SC_ANY },	/* virtio-blk flush; the memory-error log */
	{ "lseek", SC_ANY },		/* the memory-error log: where a record begins, */
	{ "ftruncate", SC_ANY },	/* and a record cut short cut back (ras-log.c) */
	{ "fallocate", SC_ANY },	/* virtio-blk discard (a hole punched in the image) */
	{ "getrandom", SC_ANY },	/* virtio-rng */
	{ "ioctl", SC_KVM },		/* the device's interrupt line (KVM_IRQ_LINE) */
	{ "write", SC_ANY },		/* its irqfd, wake-ups, messages on stderr, the memory-error log */

	/* Other threads and signals */
	{ "futex", SC_ANY },
	{ "getpid", SC_ANY },
	{ "gettid", SC_ANY },
	{ "tgkill", SC_SELF },		/* hand a memory error to a vCPU */
	{ "rt_tgsigqueueinfo", SC_SELF },	/* a simulated memory error (drills) */
	{ "rt_sigprocmask", SC_ANY },	/* guarded guest-memory copies, pthreads */
	{ "rt_sigreturn", SC_ANY },
	{ "rt_sigaction", SC_SIGBUS },	/* the SIGBUS handler, on a plain bus error */
	{ "sigaltstack", SC_ANY },	/* the memory-error signal stack, freed at exit */

	/* Time */
	{ "clock_gettime", SC_ANY },
	{ "restart_syscall", SC_ANY },

	/* Memory (malloc: virtio-blk's bounce buffer) */
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
