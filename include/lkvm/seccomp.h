/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SECCOMP_H
#define LKVM_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Confinement (docs/threat-model.md): each thread of `lkvm run` runs under
 * the seccomp filter of its kind, which allows only the system calls that
 * kind makes. Any other call raises SIGSYS; the handler prints one line
 * naming the call and the thread and ends lkvm with LKVM_EXIT_SECCOMP.
 * The allow-lists, one file per kind, are seccomp/<kind>.c; libseccomp
 * turns them into this architecture's BPF (names it does not know on this
 * architecture, like open on arm64, drop out there).
 *
 * A filter stays for the thread's life and is inherited by the threads it
 * creates, whose own filter then stacks on top: a call must pass both.
 * The control thread creates every other thread, after its own filter is
 * on, so its list holds everything theirs do (a unit test checks).
 */
enum sc_kind {
	SC_CONTROL,	/* the main thread: control socket, console input, VM (re)builds */
	SC_VCPU,	/* one per vCPU: KVM_RUN and the exits it brings back */
	SC_IO,		/* one per virtio device: its queues */
	SC_RAS,		/* the early-kill thread: action-optional memory errors */
	SC_CONSOLE,	/* guest console output to stdout */
	SC_9P,		/* one per virtio-9p share: its queue, and files below the share */
	SC_PORTS,	/* the virtio-ports device: its queues and its ports' fds */
	SC_NET,		/* virtio-net: its queues and its backend's fd */
	SC_NR_KINDS,
};

/* --seccomp: filters on (default), off, or log instead of stop (the kernel's log). */
enum sc_mode {
	SC_ON,
	SC_OFF,
	SC_LOG,
};

/* What a rule allows of its call beyond the name. */
enum sc_arg {
	SC_ANY,		/* any arguments */
	SC_KVM,		/* ioctl: KVM's requests only (type KVMIO, 0xAE) */
	SC_TTY,		/* ioctl: TCGETS or TCSETS (the terminal's mode; never TIOCSTI) */
	SC_BLKSIZE,	/* ioctl: BLKGETSIZE64 (the size of a block device given to -d) */
	SC_NOEXEC,	/* mmap, mprotect: never PROT_EXEC (no new code in lkvm) */
	SC_THREAD,	/* clone: a thread (CLONE_THREAD), never a new process */
	SC_SELF,	/* tgkill, rt_tgsigqueueinfo: to lkvm's own threads only */
	SC_SIGBUS,	/* rt_sigaction: SIGBUS only (its handler's way out of a plain bus error) */
	SC_PRCTL,	/* prctl: a thread's name, its memory-error reports, its filter */
	SC_ENOSYS,	/* refused with ENOSYS, not reported (clone3: glibc then uses clone) */
};

struct sc_rule {
	const char *name;	/* the system call, as libseccomp names it */
	enum sc_arg arg;
};

/* The lists, seccomp/<kind>.c, each ended by { NULL }. */
extern const struct sc_rule sc_control_rules[], sc_vcpu_rules[], sc_io_rules[], sc_net_rules[],
	sc_ras_rules[], sc_console_rules[], sc_9p_rules[], sc_ports_rules[];
/*
 * A kind's filter allows its own list and its base's: the 9p thread is an
 * I/O thread (sc_io_rules) that also works on files. NULL: no base.
 */
const struct sc_rule *sc_rules(enum sc_kind kind);
const struct sc_rule *sc_base_rules(enum sc_kind kind);
const char *sc_kind_name(enum sc_kind kind);	/* "vCPU", "I/O", ... */

/* "on", "off", "log": 0, or -1 for anything else. */
int sc_mode_parse(const char *s, enum sc_mode *mode);

/*
 * Once, on the main thread, before any filter: build every kind's filter,
 * the syscall-name table the SIGSYS handler reads, and install that
 * handler. Returns 0, or -1 with a one-line reason in msg.
 */
int sc_prepare(enum sc_mode mode, char *msg, size_t n);
/* Its first step, without the kernel (tests): compile the lists for this architecture. */
int sc_compile(enum sc_mode mode, char *msg, size_t n);
/*
 * Put the calling thread under its kind's filter (nothing when off). A
 * thread that cannot be confined must not go on: one line, status 1.
 */
void sc_enter(enum sc_kind kind);

#endif
