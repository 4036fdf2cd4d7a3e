// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp filters, one per thread kind (seccomp.h). sc_prepare() turns the
 * allow-lists of seccomp/ into BPF with libseccomp, once; each thread then
 * installs its kind's program on itself with sc_enter(). A refused call
 * raises SIGSYS (SECCOMP_RET_TRAP): the handler names the call from a table
 * made before any filter went on, names the thread, and exits.
 */
#include <asm/termbits.h>	/* the kernel's struct termios: ppc64's TCGETS has its size */
#include <errno.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/seccomp.h"
#include "lkvm/util.h"

_Static_assert(LKVM_EXIT_SECCOMP == 10, "the SIGSYS report says status 10");

/* Names for the SIGSYS report: every architecture's numbers are below this. */
#define SC_NAMES	512

static enum sc_mode sc_mode = SC_OFF;		/* until sc_prepare() */
static struct sock_fprog sc_prog[SC_NR_KINDS];
static const char *sc_names[SC_NAMES];
static uint32_t sc_arch;			/* AUDIT_ARCH_* of this build */

/* The calling thread, for the report. */
static __thread int tls_kind = -1;
static __thread char tls_name[16];

static const struct {
	const char *name;
	const struct sc_rule *rules, *base;
} sc_kinds[SC_NR_KINDS] = {
	[SC_CONTROL] = { "control", sc_control_rules },
	[SC_VCPU] = { "vCPU", sc_vcpu_rules },
	[SC_IO] = { "I/O", sc_io_rules },
	[SC_RAS] = { "memory-error", sc_ras_rules },
	[SC_CONSOLE] = { "console", sc_console_rules },
	[SC_9P] = { "9p", sc_9p_rules, sc_io_rules },
	[SC_PORTS] = { "ports", sc_ports_rules, sc_io_rules },
	[SC_NET] = { "net", sc_net_rules, sc_io_rules },
};

const struct sc_rule *sc_rules(enum sc_kind kind)
{
	return sc_kinds[kind].rules;
}

const struct sc_rule *sc_base_rules(enum sc_kind kind)
{
	return sc_kinds[kind].base;
}

const char *sc_kind_name(enum sc_kind kind)
{
	return sc_kinds[kind].name;
}

int sc_mode_parse(const char *s, enum sc_mode *mode)
{
	if (!strcmp(s, "on"))
		*mode = SC_ON;
	else if (!strcmp(s, "off"))
		*mode = SC_OFF;
	else if (!strcmp(s, "log"))
		*mode = SC_LOG;
	else
		return -1;
	return 0;
}

/*
 * lkvm: fatal: seccomp: the vCPU thread 'vcpu0' made a system call its
 * filter does not allow: openat (257); ...
 * One write: another thread's line cannot land inside it.
 */
static void sc_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[320], num[24];
	size_t pos = 0;
	unsigned int nr = (unsigned int)si->si_syscall;

	(void)sig;
	(void)uc;
	pos = sig_append(line, pos, sizeof(line), "lkvm: fatal: seccomp: the ");
	if (tls_kind >= 0) {
		pos = sig_append(line, pos, sizeof(line), sc_kinds[tls_kind].name);
		pos = sig_append(line, pos, sizeof(line), " thread '");
		pos = sig_append(line, pos, sizeof(line), tls_name);
		pos = sig_append(line, pos, sizeof(line), "'");
	} else {
		pos = sig_append(line, pos, sizeof(line), "thread (no filter of its own)");
	}
	pos = sig_append(line, pos, sizeof(line), " made a system call its filter does not allow: ");
	sig_fmt_dec(num, nr);
	if (si->si_arch != sc_arch) {
		pos = sig_append(line, pos, sizeof(line), "call ");
		pos = sig_append(line, pos, sizeof(line), num);
		sig_fmt_hex(num, (uint32_t)si->si_arch);
		pos = sig_append(line, pos, sizeof(line), " of another ABI (audit arch ");
		pos = sig_append(line, pos, sizeof(line), num);
		pos = sig_append(line, pos, sizeof(line), ")");
	} else {
		pos = sig_append(line, pos, sizeof(line),
				 nr < SC_NAMES && sc_names[nr] ? sc_names[nr] : "unknown");
		pos = sig_append(line, pos, sizeof(line), " (");
		pos = sig_append(line, pos, sizeof(line), num);
		pos = sig_append(line, pos, sizeof(line), ")");
	}
	sig_append(line, pos, sizeof(line),
		   "; exiting with status 10 (lkvm run --seccomp=off runs without filters, for debugging)\n");
	sig_write_str(STDERR_FILENO, line);
	/* Not _exit(): a sanitizer's _exit runs its exit checks, calls no filter allows. */
	syscall(SYS_exit_group, LKVM_EXIT_SECCOMP);
}

/* One rule into ctx; libseccomp ANDs the conditions of a rule, ORs rules. */
static int sc_add(scmp_filter_ctx ctx, int nr, enum sc_arg arg)
{
	const uint32_t allow = SCMP_ACT_ALLOW;

	switch (arg) {
	case SC_ANY:
		return seccomp_rule_add(ctx, allow, nr, 0);
	case SC_KVM:
		return seccomp_rule_add(ctx, allow, nr, 1,
					SCMP_A1(SCMP_CMP_MASKED_EQ, 0xff00, KVMIO << 8));
	case SC_TTY:
		return seccomp_rule_add(ctx, allow, nr, 1, SCMP_A1(SCMP_CMP_EQ, TCGETS)) ?:
		       seccomp_rule_add(ctx, allow, nr, 1, SCMP_A1(SCMP_CMP_EQ, TCSETS));
	case SC_BLKSIZE:
		return seccomp_rule_add(ctx, allow, nr, 1, SCMP_A1(SCMP_CMP_EQ, BLKGETSIZE64));
	case SC_NOEXEC:
		return seccomp_rule_add(ctx, allow, nr, 1,
					SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	case SC_THREAD:
		return seccomp_rule_add(ctx, allow, nr, 1,
					SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	case SC_SELF:
		return seccomp_rule_add(ctx, allow, nr, 1,
					SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	case SC_SIGBUS:
		return seccomp_rule_add(ctx, allow, nr, 1, SCMP_A0(SCMP_CMP_EQ, SIGBUS));
	case SC_PRCTL: {
		static const int ops[] = { PR_SET_NAME, PR_GET_NAME, PR_SET_NO_NEW_PRIVS,
					   PR_SET_SECCOMP, PR_MCE_KILL };
		int err = 0;

		for (size_t i = 0; i < ARRAY_SIZE(ops) && !err; i++)
			err = seccomp_rule_add(ctx, allow, nr, 1, SCMP_A0(SCMP_CMP_EQ, ops[i]));
		return err;
	}
	case SC_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	}
	return -EINVAL;
}

/*
 * Calls glibc makes under another name on some architectures: on ppc64
 * lseek() is _llseek and fstatfs() is fstatfs64. A list names the call as C
 * code does; the other name is allowed alike wherever it exists.
 */
static const char *const sc_aliases[][2] = {
	{ "lseek", "_llseek" },
	{ "fstatfs", "fstatfs64" },
	{ "statfs", "statfs64" },
};

/* One call by name into ctx, if this architecture has it in any form. */
static int sc_add_name(scmp_filter_ctx ctx, const char *name, enum sc_arg arg)
{
	int nr = seccomp_syscall_resolve_name(name);

	/*
	 * Not a call of this architecture in any form (open on arm64):
	 * left out. A negative nr can still be one: ppc64's accept4 is a
	 * call of its own and a socketcall() operation, and libseccomp
	 * adds a rule for both.
	 */
	if (nr == __NR_SCMP_ERROR || seccomp_syscall_resolve_name_rewrite(SCMP_ARCH_NATIVE, name) < 0)
		return 0;
	return sc_add(ctx, nr, arg);
}

/* A list's rules into ctx: 0, or -1 with the reason in msg. */
static int sc_add_list(scmp_filter_ctx ctx, enum sc_kind kind, const struct sc_rule *r,
		       char *msg, size_t n)
{
	int err = 0;

	for (; r->name && !err; r++) {
		int nr = seccomp_syscall_resolve_name(r->name);

		if (nr == __NR_SCMP_ERROR) {
			snprintf(msg, n, "the %s allow-list names '%s', a system call libseccomp does not know",
				 sc_kinds[kind].name, r->name);
			return -1;
		}
		err = sc_add_name(ctx, r->name, r->arg);
		for (size_t i = 0; i < ARRAY_SIZE(sc_aliases) && !err; i++)
			if (!strcmp(r->name, sc_aliases[i][0]))
				err = sc_add_name(ctx, sc_aliases[i][1], r->arg);
		if (err)
			snprintf(msg, n, "libseccomp refused the %s rule for %s: %s",
				 sc_kinds[kind].name, r->name, strerror(-err));
	}
	return err ? -1 : 0;
}

/* A kind's list (and its base's) as this architecture's BPF, in sc_prog[kind]. */
static int sc_build(enum sc_kind kind, uint32_t refuse, char *msg, size_t n)
{
	scmp_filter_ctx ctx;
	int err = 0, fd = -1;
	off_t size;

	ctx = seccomp_init(refuse);
	if (!ctx) {
		snprintf(msg, n, "libseccomp cannot start a filter");
		return -1;
	}
	/* Another ABI's calls (i386's int 0x80 on x86-64) are refused alike. */
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, refuse);
	/*
	 * A binary tree by call number, not a chain of ifs: every call (the
	 * vCPUs' KVM_RUN by the hundred thousand) takes a few comparisons, and
	 * the kernel's per-call cache of the filter, built when a thread loads
	 * it, takes 0.07 ms instead of 0.25.
	 */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (sc_kinds[kind].base)
		err = sc_add_list(ctx, kind, sc_kinds[kind].base, msg, n);
	if (!err)
		err = sc_add_list(ctx, kind, sc_kinds[kind].rules, msg, n);
	if (err) {
		seccomp_release(ctx);
		return -1;
	}
	fd = memfd_create("lkvm-seccomp", MFD_CLOEXEC);
	err = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
	size = err ? 0 : lseek(fd, 0, SEEK_END);
	if (!err && (size <= 0 || size % sizeof(struct sock_filter)))
		err = -EIO;
	if (!err) {
		sc_prog[kind].filter = malloc((size_t)size);
		sc_prog[kind].len = (unsigned short)(size / sizeof(struct sock_filter));
		if (!sc_prog[kind].filter ||
		    pread(fd, sc_prog[kind].filter, (size_t)size, 0) != size)
			err = -EIO;
	}
	if (err)
		snprintf(msg, n, "cannot export the %s filter: %s", sc_kinds[kind].name,
			 strerror(-err));
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return err ? -1 : 0;
}

int sc_compile(enum sc_mode mode, char *msg, size_t n)
{
	for (int k = 0; k < SC_NR_KINDS; k++) {
		free(sc_prog[k].filter);
		sc_prog[k].filter = NULL;
		if (sc_build((enum sc_kind)k, mode == SC_LOG ? SCMP_ACT_LOG : SCMP_ACT_TRAP, msg, n))
			return -1;
	}
	sc_arch = seccomp_arch_native();
	for (int nr = 0; nr < SC_NAMES; nr++)
		if (!sc_names[nr])
			sc_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	return 0;
}

int sc_prepare(enum sc_mode mode, char *msg, size_t n)
{
	struct sigaction sa;

	uint32_t action = mode == SC_LOG ? SECCOMP_RET_LOG : SECCOMP_RET_TRAP;

	if (mode == SC_OFF)
		return 0;
	/* Filters, and the action they end in, exist here: else say so now, not on a thread. */
	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0) {
		snprintf(msg, n, "this kernel cannot run lkvm's seccomp filters (%s; they need Linux 4.14 or later with CONFIG_SECCOMP_FILTER); run with --seccomp=off",
			 strerror(errno));
		return -1;
	}
	if (sc_compile(mode, msg, n))
		return -1;
	/*
	 * What libc would otherwise do later, on a filtered thread: read the
	 * time zone (gmtime_r's first call opens /etc/localtime), and open
	 * /proc/sys/vm/overcommit_memory the first time it shrinks a thread's
	 * heap (never trimmed now: lkvm's threads allocate little).
	 */
	tzset();
	mallopt(M_TRIM_THRESHOLD, INT_MAX);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sc_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(msg, n, "cannot set up seccomp: %s", strerror(errno));
		return -1;
	}
	sc_mode = mode;
	return 0;
}

void sc_enter(enum sc_kind kind)
{
	if (sc_mode == SC_OFF)
		return;
	prctl(PR_GET_NAME, tls_name, 0, 0, 0);
	tls_kind = kind;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &sc_prog[kind], 0, 0) < 0) {
		pr_err("cannot put the %s thread '%s' under its seccomp filter: %s; lkvm run --seccomp=off runs without filters",
		       sc_kinds[kind].name, tls_name, strerror(errno));
		_exit(LKVM_EXIT_ERROR);
	}
}
