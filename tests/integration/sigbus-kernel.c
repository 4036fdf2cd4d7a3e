// SPDX-License-Identifier: GPL-2.0
/*
 * sigbus-kernel MODE -- COMMAND [ARGS]: run COMMAND (lkvm) and play the
 * kernel's part of a memory error where this host's kernel cannot (no
 * CONFIG_MEMORY_FAILURE, or not the kernel version being tested):
 *
 *   madvise-ar   MADV_HWPOISON as Linux >= 6.11 does it: the call succeeds
 *                (nothing is really poisoned) and the thread that made it
 *                gets BUS_MCEERR_AR for the page, before madvise() returns.
 *   early-ar     lkvm's own memory hit at once: BUS_MCEERR_AR, at the
 *                address of its first rt_sigaction(SIGTERM, ...) argument,
 *                when it makes that call (before 'lkvm run' used to install
 *                its SIGBUS handler).
 *   forced-ar    lkvm's own memory hit by the thread that first raises a
 *                simulated error on itself (rt_tgsigqueueinfo: the
 *                memory-error thread, for `debug --poison --ao`), as it makes
 *                that call. Such an AR is forced: where the thread has
 *                SIGBUS blocked the kernel resets SIGBUS to its default
 *                action and the process dumps core, which this helper then
 *                does too (SIGKILL, reported as signal 7, core dumped).
 *
 * A kernel-style siginfo (si_code > 0) cannot be sent to another process;
 * a tracer can put one in place of a signal it stops (PTRACE_SETSIGINFO).
 * Only the chosen system calls stop (a seccomp filter returning
 * SECCOMP_RET_TRACE); all threads are traced for their signals. Exits with
 * COMMAND's status, or 128 + the signal that killed it (and says so).
 * x86-64 only: the suites it serves run on x86 /dev/kvm.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define MADV_HWPOISON_ 100
#define MAX_PENDING 64

static struct { pid_t tid; unsigned long addr; } pending[MAX_PENDING];

static void die(const char *what)
{
	fprintf(stderr, "sigbus-kernel: %s: %s\n", what, strerror(errno));
	exit(125);
}

enum mode { MADVISE_AR, EARLY_AR, FORCED_AR };

/*
 * Only the mode's call stops: madvise(addr, len, MADV_HWPOISON),
 * rt_sigaction(SIGTERM, ...) or rt_tgsigqueueinfo(..., SIGBUS, ...).
 */
static void install_filter(enum mode mode)
{
	static const struct { unsigned int nr, arg, val; } stop[] = {
		[MADVISE_AR] = { __NR_madvise, 2, MADV_HWPOISON_ },
		[EARLY_AR] = { __NR_rt_sigaction, 0, SIGTERM },
		[FORCED_AR] = { __NR_rt_tgsigqueueinfo, 2, SIGBUS },
	};
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, stop[mode].nr, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args) + 8 * stop[mode].arg),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, stop[mode].val, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		die("seccomp");
}

static void pend(pid_t tid, unsigned long addr)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (!pending[i].tid) {
			pending[i].tid = tid;
			pending[i].addr = addr;
			return;
		}
}

/* Ours: the SIGBUS we sent tid; returns its address and forgets it. */
static int take(pid_t tid, unsigned long *addr)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (pending[i].tid == tid) {
			*addr = pending[i].addr;
			pending[i].tid = 0;
			return 1;
		}
	return 0;
}

/* Is SIGBUS in thread tid's blocked mask now (it is stopped)? */
static int sigbus_blocked(pid_t tid)
{
	char path[64], line[256];
	unsigned long long blk = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigBlk: %llx", &blk) == 1)
			break;
	fclose(f);
	return !!(blk & (1ULL << (SIGBUS - 1)));
}

int main(int argc, char **argv)
{
	int status, done = 0;
	enum mode mode;
	pid_t child, tid;

	if (argc < 4 || strcmp(argv[2], "--"))
		mode = -1;
	else if (!strcmp(argv[1], "madvise-ar"))
		mode = MADVISE_AR;
	else if (!strcmp(argv[1], "early-ar"))
		mode = EARLY_AR;
	else if (!strcmp(argv[1], "forced-ar"))
		mode = FORCED_AR;
	else
		mode = -1;
	if ((int)mode < 0) {
		fprintf(stderr, "usage: sigbus-kernel madvise-ar|early-ar|forced-ar -- COMMAND [ARGS]\n");
		return 125;
	}
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			die("PTRACE_TRACEME");
		raise(SIGSTOP);
		install_filter(mode);
		execvp(argv[3], argv + 3);
		die(argv[3]);
	}
	if (waitpid(child, &status, 0) < 0 || !WIFSTOPPED(status))
		die("waiting for the child to stop");
	if (ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
		   PTRACE_O_EXITKILL) < 0)
		die("PTRACE_SETOPTIONS");
	ptrace(PTRACE_CONT, child, 0, 0);
	while ((tid = waitpid(-1, &status, __WALL)) > 0) {
		int sig, event;

		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (tid != child)
				continue;
			if (WIFEXITED(status))
				return WEXITSTATUS(status);
			fprintf(stderr, "sigbus-kernel: %s killed by signal %d%s\n", argv[3],
				WTERMSIG(status), WCOREDUMP(status) ? " (core dumped)" : "");
			return 128 + WTERMSIG(status);
		}
		if (!WIFSTOPPED(status))
			continue;
		sig = WSTOPSIG(status);
		event = status >> 16;
		if (event == PTRACE_EVENT_SECCOMP) {
			struct user_regs_struct r;

			if (ptrace(PTRACE_GETREGS, tid, 0, &r) < 0)
				die("PTRACE_GETREGS");
			if (mode == MADVISE_AR) {
				/* Skipped, returns 0: the page is "poisoned". */
				pend(tid, r.rdi);
				r.orig_rax = (unsigned long)-1;
				r.rax = 0;
				if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0)
					die("PTRACE_SETREGS");
				syscall(SYS_tgkill, child, tid, SIGBUS);
			} else if (!done++) {
				if (mode == FORCED_AR && sigbus_blocked(tid)) {
					fprintf(stderr, "sigbus-kernel: thread %d has SIGBUS blocked: the forced BUS_MCEERR_AR resets SIGBUS to its default action\n",
						(int)tid);
					kill(child, SIGKILL);
					while (waitpid(-1, &status, __WALL) != child || WIFSTOPPED(status))
						;
					fprintf(stderr, "sigbus-kernel: %s killed by signal %d (core dumped)\n",
						argv[3], SIGBUS);
					return 128 + SIGBUS;
				}
				/* An address of lkvm's own: the call's argument. */
				pend(tid, mode == EARLY_AR ? r.rsi : r.r10);
				syscall(SYS_tgkill, child, tid, SIGBUS);
			}
			ptrace(PTRACE_CONT, tid, 0, 0);
		} else if (event) {
			ptrace(PTRACE_CONT, tid, 0, 0);	/* clone, exec */
		} else if (sig == SIGSTOP) {
			ptrace(PTRACE_CONT, tid, 0, 0);	/* a new thread's first stop */
		} else if (sig == SIGBUS) {
			siginfo_t si;
			unsigned long addr;

			if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 && si.si_code == SI_TKILL &&
			    si.si_pid == getpid() && take(tid, &addr)) {
				memset(&si, 0, sizeof(si));
				si.si_signo = SIGBUS;
				si.si_code = BUS_MCEERR_AR;
				si.si_addr = (void *)addr;
				si.si_addr_lsb = 12;
				if (ptrace(PTRACE_SETSIGINFO, tid, 0, &si) < 0)
					die("PTRACE_SETSIGINFO");
			}
			ptrace(PTRACE_CONT, tid, 0, SIGBUS);
		} else {
			ptrace(PTRACE_CONT, tid, 0, sig);
		}
	}
	die("waitpid");
	return 125;
}
