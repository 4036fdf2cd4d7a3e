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

/* madvise(addr, len, MADV_HWPOISON) or rt_sigaction(SIGTERM, ...) stop; all else runs. */
static void install_filter(int early)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, early ? __NR_rt_sigaction : __NR_madvise, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[early ? 0 : 2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, early ? SIGTERM : MADV_HWPOISON_, 1, 0),
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

int main(int argc, char **argv)
{
	int early, status, done_early = 0;
	pid_t child, tid;

	if (argc < 4 || strcmp(argv[2], "--") ||
	    (strcmp(argv[1], "madvise-ar") && strcmp(argv[1], "early-ar"))) {
		fprintf(stderr, "usage: sigbus-kernel madvise-ar|early-ar -- COMMAND [ARGS]\n");
		return 125;
	}
	early = !strcmp(argv[1], "early-ar");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			die("PTRACE_TRACEME");
		raise(SIGSTOP);
		install_filter(early);
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
			if (!early) {
				/* Skipped, returns 0: the page is "poisoned". */
				pend(tid, r.rdi);
				r.orig_rax = (unsigned long)-1;
				r.rax = 0;
				if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0)
					die("PTRACE_SETREGS");
				syscall(SYS_tgkill, child, tid, SIGBUS);
			} else if (!done_early++) {
				pend(tid, r.rsi);
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
