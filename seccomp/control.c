// SPDX-License-Identifier: GPL-2.0
/*
 * What the control (main) thread may call (seccomp.h): serve the control
 * socket and the console input, and build the VM again when the guest
 * resets (--reboot): open the kernel, the disks, /dev/kvm; map guest RAM;
 * start threads. No new sockets, no new processes, no programs, no new code.
 *
 * Every other thread is started from here and keeps this filter under its
 * own: what they call must be allowed here too (last section).
 */
#include "lkvm/seccomp.h"

const struct sc_rule sc_control_rules[] = {
	/* The control socket and the console */
	{ "poll", SC_ANY },		/* the main loop: socket, stdin, wake-ups */
	{ "ppoll", SC_ANY },		/* poll, on arm64 */
	{ "accept4", SC_ANY },		/* a control request (its socket was made before) */
	{ "recvfrom", SC_ANY },
	{ "recv", SC_ANY },		/* ppc64 */
	{ "sendto", SC_ANY },
	{ "send", SC_ANY },		/* ppc64 */
	{ "getsockopt", SC_ANY },	/* SO_PEERCRED: who is asking */
	{ "setsockopt", SC_ANY },	/* SO_RCVTIMEO */
	{ "getuid", SC_ANY },
	{ "read", SC_ANY },		/* stdin, eventfds, /sys and /proc files */
	{ "write", SC_ANY },
	{ "ioctl", SC_TTY },		/* the terminal's mode, restored at exit */

	/* Building the VM (again, after a reset) */
	{ "ioctl", SC_KVM },		/* /dev/kvm, the VM, its vCPUs */
	{ "ioctl", SC_BLKSIZE },	/* a block device given to -d */
	{ "openat", SC_ANY },		/* /dev/kvm, kernel, initrd, disks, --ras-log, --hugetlbfs */
	{ "close", SC_ANY },
	{ "newfstatat", SC_ANY },	/* fstat() */
	{ "statfs", SC_ANY },		/* --hugetlbfs: is it one */
	{ "fcntl", SC_ANY },		/* --ras-log: blocking again after its safe open */
	{ "flock", SC_ANY },		/* disk images: one writer */
	{ "ftruncate", SC_ANY },	/* --hugetlbfs: the RAM file */
	{ "unlink", SC_ANY },		/* that file; the control socket at the end */
	{ "unlinkat", SC_ANY },		/* unlink, on arm64 */
	{ "rename", SC_ANY },		/* --dump-dtb: the finished file */
	{ "renameat", SC_ANY },		/* rename, on arm64 */
	{ "eventfd2", SC_ANY },		/* wake-ups, virtio kicks, irqfds */
	{ "epoll_create1", SC_ANY },	/* virtio-ports: its fds' set */
	{ "epoll_ctl", SC_ANY },
	{ "epoll_wait", SC_ANY },	/* (its I/O thread's calls, below ours) */
	{ "epoll_pwait", SC_ANY },
	{ "mmap", SC_NOEXEC },		/* guest RAM, vCPU state, kernel files */
	{ "mprotect", SC_NOEXEC },
	{ "munmap", SC_ANY },
	{ "mremap", SC_ANY },
	{ "brk", SC_ANY },
	{ "madvise", SC_ANY },		/* huge pages for RAM; MADV_HWPOISON drills */
	{ "getrandom", SC_ANY },	/* glibc's malloc, mkostemp */
	{ "sched_getaffinity", SC_ANY },
	{ "fdatasync", SC_ANY },	/* the memory-error log */
	{ "lseek", SC_ANY },		/* the memory-error log: a record cut short is cut back */

	/* Threads and signals */
	{ "clone", SC_THREAD },		/* vCPU, I/O and memory-error threads: threads only */
	{ "clone3", SC_ENOSYS },	/* its flags are out of the filter's sight: glibc falls back to clone */
	{ "set_robust_list", SC_ANY },	/* a new thread's first calls */
	{ "rseq", SC_ANY },
	{ "prctl", SC_PRCTL },		/* a new thread names itself, takes its filter */
	{ "futex", SC_ANY },
	{ "getpid", SC_ANY },
	{ "gettid", SC_ANY },
	{ "tgkill", SC_SELF },		/* kicks; a signal lkvm dies of, once cleaned up */
	{ "rt_tgsigqueueinfo", SC_SELF },	/* simulated memory errors (drills) */
	{ "rt_sigaction", SC_ANY },
	{ "rt_sigprocmask", SC_ANY },
	{ "rt_sigreturn", SC_ANY },
	{ "sigaltstack", SC_ANY },

	/* Time */
	{ "clock_gettime", SC_ANY },
	{ "time", SC_ANY },
	{ "nanosleep", SC_ANY },	/* the pause between quick reboots; drills */
	{ "clock_nanosleep", SC_ANY },
	{ "restart_syscall", SC_ANY },

	/* What the threads started here call (their lists) */
	{ "pread64", SC_ANY },		/* I/O: virtio-blk */
	{ "pwrite64", SC_ANY },
	{ "fallocate", SC_ANY },
	{ "timer_create", SC_ANY },	/* vCPU: retrying held memory errors */
	{ "timer_settime", SC_ANY },
	{ "timer_delete", SC_ANY },
	{ "openat2", SC_ANY },		/* 9p: files below a share (seccomp/9p.c) */
	{ "preadv", SC_ANY },		/* 9p: Tread into the guest's pages; virtio-blk */
	{ "pwritev", SC_ANY },		/* virtio-blk: from the guest's pages */
	{ "mkdirat", SC_ANY },
	{ "mknodat", SC_ANY },
	{ "symlinkat", SC_ANY },
	{ "linkat", SC_ANY },
	{ "renameat2", SC_ANY },
	{ "readlinkat", SC_ANY },
	{ "fstat", SC_ANY },
	{ "fchownat", SC_ANY },
	{ "utimensat", SC_ANY },
	{ "fstatfs", SC_ANY },
	{ "lseek", SC_ANY },
	{ "getdents64", SC_ANY },
	{ "fsync", SC_ANY },
	{ "fchmod", SC_ANY },
	{ "fchown", SC_ANY },
	{ "umask", SC_ANY },		/* 9p: the server reads lkvm's at each build */
	{ "geteuid", SC_ANY },		/* 9p: as root, new files get the guest's owner */

	/* The end */
	{ "exit", SC_ANY },
	{ "exit_group", SC_ANY },
	{ NULL },
};
