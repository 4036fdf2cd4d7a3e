// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp confinement (seccomp.c and the lists in seccomp/): every list compiles for
 * this architecture; the control list holds what the threads it starts
 * call; and, in a forked child under a kind's real filter, a forbidden
 * call is reported by name, thread and kind with status 10, while the
 * calls that kind makes go through.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/seccomp.h"
#include "lkvm/util.h"
#include "p9-client.h"
#include "suites.h"

/* qemu-user refuses filters (they would act on its own calls). */
#define EMULATED_WHY "qemu-user cannot install seccomp filters (the e2e bed runs this suite natively)"

static pid_t parent;

/*
 * Fork; the child names itself thread, prepares mode, enters kind's
 * filter and runs fn, then exits 0. Returns the child's exit status
 * (128 + N when killed by signal N), its stderr in err.
 */
static int in_child(enum sc_mode mode, enum sc_kind kind, const char *thread, void (*fn)(void),
		    char *err, size_t n)
{
	int p[2], status;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	parent = getpid();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char msg[256];

		close(p[0]);
		dup2(p[1], STDERR_FILENO);
		prctl(PR_SET_NAME, thread, 0, 0, 0);
		if (sc_prepare(mode, msg, sizeof(msg))) {
			pr_err("%s", msg);
			_exit(99);
		}
		sc_enter(kind);
		fn();
		_exit(0);
	}
	close(p[1]);
	while (len + 1 < n && (r = read(p[0], err + len, n - 1 - len)) > 0)
		len += (size_t)r;
	err[len] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* in_child() must end with status want; says its stderr if not. */
#define expect_child(want, ...) \
	do { \
		int st_ = in_child(__VA_ARGS__); \
		ck_assert_msg(st_ == (want), "exit status %d, expected %d; stderr: %s", st_, \
			      (want), err); \
	} while (0)

/*
 * In the filtered child: no ck_assert (Check's own bookkeeping is not what
 * a filter allows); a failed check says which and exits 90.
 */
#define child_check(cond) \
	do { \
		if (!(cond)) { \
			pr_err("child check failed: %s (errno %d)", #cond, errno); \
			_exit(90); \
		} \
	} while (0)

/* Forbidden calls, each harmless should it be let through. */
static void call_openat(void)
{
	syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
}

static void call_tiocsti(void)
{
	char c = 'x';

	syscall(SYS_ioctl, -1, TIOCSTI, &c);	/* a terminal's input, typed from inside */
}

static void call_kvm_ioctl(void)
{
	syscall(SYS_ioctl, -1, KVM_GET_API_VERSION, 0);
}

static void call_mmap_exec(void)
{
	syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void call_tgkill_parent(void)
{
	syscall(SYS_tgkill, parent, parent, 0);	/* signal 0: only asks */
}

static void call_socket(void)
{
	syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
}

static void call_read(void)
{
	char c;

	syscall(SYS_read, -1, &c, 1);
}

static void call_fork(void)
{
	/* A new process (no CLONE_THREAD): its child would exit 0 at once. */
	if (syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) == 0)
		_exit(0);
}

static void call_execve(void)
{
	char *argv[] = { (char *)"true", NULL }, *envp[] = { NULL };

	syscall(SYS_execve, "/bin/true", argv, envp);
}

static void call_open_passwd(void)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);	/* libc's open: openat */

	if (fd >= 0)
		close(fd);
}

static const struct violation {
	enum sc_kind kind;
	const char *thread;
	void (*fn)(void);
	const char *call;
	long nr;
} violations[] = {
	{ SC_VCPU, "vcpu0", call_openat, "openat", SYS_openat },	/* no files */
	{ SC_VCPU, "vcpu1", call_tiocsti, "ioctl", SYS_ioctl },	/* KVM's ioctls only */
	{ SC_VCPU, "vcpu0", call_mmap_exec, "mmap", SYS_mmap },	/* no new code */
	{ SC_VCPU, "vcpu0", call_tgkill_parent, "tgkill", SYS_tgkill },	/* lkvm's threads only */
	{ SC_IO, "virtio-blk0", call_openat, "openat", SYS_openat },
	{ SC_IO, "virtio-rng", call_socket, "socket", SYS_socket },
	{ SC_RAS, "lkvm-ras", call_kvm_ioctl, "ioctl", SYS_ioctl },	/* no ioctl at all */
	{ SC_CONSOLE, "lkvm-console", call_read, "read", SYS_read },
	{ SC_CONTROL, "lkvm", call_fork, "clone", SYS_clone },	/* threads, not processes */
	{ SC_CONTROL, "lkvm", call_socket, "socket", SYS_socket },	/* no new sockets */
	{ SC_CONTROL, "lkvm", call_execve, "execve", SYS_execve },	/* no programs */
	{ SC_9P, "virtio-9p0", call_open_passwd, "openat", SYS_openat },	/* only openat2 */
	{ SC_9P, "virtio-9p0", call_execve, "execve", SYS_execve },
	{ SC_9P, "virtio-9p0", call_socket, "socket", SYS_socket },
	{ SC_PORTS, "virtio-ports", call_openat, "openat", SYS_openat },	/* its fds only */
	{ SC_PORTS, "virtio-ports", call_socket, "socket", SYS_socket },
};

START_TEST(test_violation_reported)
{
	const struct violation *v = &violations[_i];
	char err[1024], want[512];
	int st;

	if (getenv("LKVM_UNIT_EMULATED")) {
		if (_i == 0)	/* one line for the loop */
			skip_emulated("test_violation_reported", EMULATED_WHY);
		return;
	}
	st = in_child(SC_ON, v->kind, v->thread, v->fn, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "lkvm: fatal: seccomp: the %s thread '%s' made a system call its filter does not allow: %s (%ld); exiting with status 10 (lkvm run --seccomp=off runs without filters, for debugging)\n",
		 sc_kind_name(v->kind), v->thread, v->call, v->nr);
	ck_assert_msg(st == LKVM_EXIT_SECCOMP, "%s thread, %s: exit status %d, expected %d; stderr: %s",
		      sc_kind_name(v->kind), v->call, st, LKVM_EXIT_SECCOMP, err);
	ck_assert_str_eq(err, want);
}
END_TEST

/* What a vCPU thread does goes through its filter. */
static void vcpu_work(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct timespec ts = { 0, 1000000 };
	void *p;

	child_check(getpid() > 0);
	child_check(syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), 0) == 0);
	errno = 0;
	/* The kernel's answer, EBADF: the filter let it by. */
	child_check(ioctl(-1, KVM_RUN, 0) == -1 && errno == EBADF);
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	child_check(p != MAP_FAILED);
	child_check(munmap(p, 1 << 20) == 0);
	free(malloc(4 << 20));
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	child_check(nanosleep(&ts, NULL) == 0);
	child_check(mono_ns() > 0);
	child_check(write(STDERR_FILENO, "", 0) == 0);
}

START_TEST(test_vcpu_calls_allowed)
{
	char err[1024];

	if (skip_emulated("test_vcpu_calls_allowed", EMULATED_WHY))
		return;
	expect_child(0, SC_ON, SC_VCPU, "vcpu0", vcpu_work, err, sizeof(err));
	ck_assert_str_eq(err, "");
}
END_TEST

/*
 * What the control thread does between VM builds: the control socket's
 * calls (on a socket pair made before the filter), files, eventfds. On
 * ppc64, glibc's accept4, recv and send are calls of their own there, and
 * socketcall() operations to libseccomp.
 */
static int sv[2] = { -1, -1 };

static void control_work(void)
{
	struct timeval tv = { 1, 0 };
	struct pollfd p = { .fd = sv[1], .events = POLLIN };
	struct ucred cr;
	socklen_t len = sizeof(cr);
	char c = 0;
	int fd;

	child_check(send(sv[0], "x", 1, MSG_NOSIGNAL) == 1);
	child_check(poll(&p, 1, 1000) == 1);
	child_check(recv(sv[1], &c, 1, 0) == 1 && c == 'x');
	child_check(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0);
	child_check(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	errno = 0;
	/* Not a listening socket: the kernel's answer (EINVAL), not the filter's. */
	child_check(accept4(sv[0], NULL, NULL, SOCK_CLOEXEC) < 0 && errno == EINVAL);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	child_check(fd >= 0 && close(fd) == 0);
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	child_check(fd >= 0 && close(fd) == 0);
	child_check(getuid() != (uid_t)-1);	/* ctl_peer_uid() */
	vcpu_work();	/* the vCPU's calls are the control thread's too */
}

START_TEST(test_control_calls_allowed)
{
	char err[1024];

	if (skip_emulated("test_control_calls_allowed", EMULATED_WHY))
		return;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	expect_child(0, SC_ON, SC_CONTROL, "lkvm", control_work, err, sizeof(err));
	ck_assert_str_eq(err, "");
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/*
 * What a 9p share's thread does, under its filter: a whole session over a
 * share set up before it (p9-client.h), every operation answered by the
 * host, not by the filter; and an escape refused by openat2 as before.
 */
static struct p9c *p9;
static unsigned int p9_uid, p9_gid;	/* lkvm's, read before the filter */

#define p9_ok(...) child_check(p9c_call(p9, __VA_ARGS__) == 0)

static void p9_work(void)
{
	uint64_t z = 0;

	p9_ok(P9_TMKDIR, "4s44", P9C_ROOT, "d", 0700u, 0u);
	child_check(p9c_walk(p9, P9C_ROOT, 1, "d") == 0);
	p9_ok(P9_TLCREATE, "4s444", 1u, "f", 2u, 0600u, 0u);
	p9_ok(P9_TWRITE, "484b", 1u, (uint64_t)0, 4u, 4, "data");
	p9_ok(P9_TREAD, "484", 1u, z, 4u);
	p9_ok(P9_TFSYNC, "44", 1u, 0u);
	p9_ok(P9_TGETATTR, "48", 1u, (uint64_t)0x7ff);
	p9_ok(P9_TSETATTR, "4444488888", 1u, 0x1u | 0x8u | 0x10u | 0x20u, 0640u, 0u, 0u,
	      (uint64_t)2, z, z, z, z);
	p9_ok(P9_TLOCK, "414884s", 1u, 1u, 0u, z, z, 1u, "g");
	p9_ok(P9_TGETLOCK, "41884s", 1u, 1u, z, z, 1u, "g");
	p9_ok(P9_TSTATFS, "4", 1u);
	child_check(p9c_walk(p9, P9C_ROOT, 2, "d") == 0);
	p9_ok(P9_TSETATTR, "4444488888", 2u, 0x1u | 0x6u | 0x10u, 0750u, p9_uid, p9_gid, z, z, z, z,
	      z);
	p9_ok(P9_TSYMLINK, "4ss4", 2u, "l", "/etc", 0u);
	child_check(p9c_walk(p9, 2, 3, "l") == 0);
	p9_ok(P9_TREADLINK, "4", 3u);
	child_check(p9c_walk_steps(p9, P9C_ROOT, 7, "d/l/passwd") == ELOOP);
	child_check(p9c_walk(p9, 2, 4, "f") == 0);
	p9_ok(P9_TLINK, "44s", 2u, 4u, "f2");
	p9_ok(P9_TRENAMEAT, "4s4s", 2u, "f2", P9C_ROOT, "f3");
	p9_ok(P9_TRENAME, "44s", 4u, P9C_ROOT, "f4");
	p9_ok(P9_TMKNOD, "4s4444", 2u, "p", 0010600u, 0u, 0u, 0u);
	p9_ok(P9_TUNLINKAT, "4s4", 2u, "p", 0u);
	p9_ok(P9_TXATTRWALK, "44s", 2u, 5u, "");
	child_check(p9c_walk(p9, P9C_ROOT, 6, "") == 0);
	p9_ok(P9_TLOPEN, "44", 6u, 0u);
	p9_ok(P9_TREADDIR, "484", 6u, z, 4096u);
	p9_ok(P9_TREMOVE, "4", 4u);
	p9_server_reset(&p9->s);
}

START_TEST(test_9p_calls_allowed)
{
	char err[1024];

	if (skip_emulated("test_9p_calls_allowed", EMULATED_WHY))
		return;
	p9 = p9c_new(0, 0);
	ck_assert_ptr_nonnull(p9);
	p9_uid = getuid();
	p9_gid = getgid();
	expect_child(0, SC_ON, SC_9P, "virtio-9p0", p9_work, err, sizeof(err));
	ck_assert_str_eq(err, "");
	p9c_free(p9);
}
END_TEST

/* virtio-ports' thread: its fds' epoll set (made before, as at creation), read and trimmed. */
static int ports_ep = -1, ports_pipe[2];

static void ports_work(void)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u32 = 1 }, got[2];
	struct pollfd p = { .fd = ports_ep, .events = POLLIN };
	char b[4];

	child_check(epoll_ctl(ports_ep, EPOLL_CTL_ADD, ports_pipe[0], &e) == 0);
	child_check(write(ports_pipe[1], "abc", 3) == 3);
	child_check(poll(&p, 1, 1000) == 1);
	child_check(epoll_wait(ports_ep, got, 2, 0) == 1 && got[0].data.u32 == 1);
	child_check(read(ports_pipe[0], b, sizeof(b)) == 3);
	e.events = EPOLLOUT;
	child_check(epoll_ctl(ports_ep, EPOLL_CTL_MOD, ports_pipe[0], &e) == 0);
	child_check(epoll_ctl(ports_ep, EPOLL_CTL_DEL, ports_pipe[0], NULL) == 0);
}

START_TEST(test_ports_calls_allowed)
{
	char err[1024];

	if (skip_emulated("test_ports_calls_allowed", EMULATED_WHY))
		return;
	ports_ep = epoll_create1(EPOLL_CLOEXEC);
	ck_assert_int_ge(ports_ep, 0);
	ck_assert_int_eq(pipe2(ports_pipe, O_CLOEXEC), 0);
	expect_child(0, SC_ON, SC_PORTS, "virtio-ports", ports_work, err, sizeof(err));
	ck_assert_str_eq(err, "");
	close(ports_pipe[0]);
	close(ports_pipe[1]);
	close(ports_ep);
}
END_TEST

/*
 * The control thread starts threads (glibc's clone3 refused quietly, clone
 * with CLONE_THREAD let by); each takes its own filter on top of the
 * inherited one, and is reported as its own kind.
 */
static void *vcpu_thread(void *arg)
{
	prctl(PR_SET_NAME, "vcpu3", 0, 0, 0);
	sc_enter(SC_VCPU);
	if (arg)
		call_openat();
	return NULL;
}

static void control_starts_vcpu(void)
{
	pthread_t t;

	child_check(pthread_create(&t, NULL, vcpu_thread, NULL) == 0);
	child_check(pthread_join(t, NULL) == 0);
}

static void control_starts_bad_vcpu(void)
{
	pthread_t t;

	child_check(pthread_create(&t, NULL, vcpu_thread, (void *)1) == 0);
	pthread_join(t, NULL);
}

START_TEST(test_control_starts_threads)
{
	char err[1024], want[512];

	if (skip_emulated("test_control_starts_threads", EMULATED_WHY))
		return;
	expect_child(0, SC_ON, SC_CONTROL, "lkvm", control_starts_vcpu, err, sizeof(err));
	ck_assert_str_eq(err, "");
	expect_child(LKVM_EXIT_SECCOMP, SC_ON, SC_CONTROL, "lkvm", control_starts_bad_vcpu, err,
		     sizeof(err));
	snprintf(want, sizeof(want), "the vCPU thread 'vcpu3' made a system call its filter does not allow: openat (%ld);",
		 (long)SYS_openat);
	ck_assert_msg(strstr(err, want), "stderr '%s' lacks '%s'", err, want);
}
END_TEST

/* --seccomp=log: the filter is on, a call off the list goes through (the kernel logs it). */
static void log_mode_work(void)
{
	long fd = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);

	child_check(fd >= 0);
	child_check(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2);
}

/* --seccomp=off: no filter at all. */
static void off_mode_work(void)
{
	child_check(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0);
	call_openat();
}

START_TEST(test_modes_log_and_off)
{
	char err[1024];

	if (skip_emulated("test_modes_log_and_off", EMULATED_WHY))
		return;
	expect_child(0, SC_LOG, SC_VCPU, "vcpu0", log_mode_work, err, sizeof(err));
	ck_assert_str_eq(err, "");
	expect_child(0, SC_OFF, SC_VCPU, "vcpu0", off_mode_work, err, sizeof(err));
	ck_assert_str_eq(err, "");
}
END_TEST

/* Every name is one libseccomp knows, every rule one it takes, on this architecture. */
START_TEST(test_lists_compile)
{
	char msg[256] = "";

	ck_assert_msg(sc_compile(SC_ON, msg, sizeof(msg)) == 0, "%s", msg);
	/* Under qemu-user libseccomp cannot ask the kernel whether it has SECCOMP_RET_LOG. */
	ck_assert_msg(sc_compile(SC_LOG, msg, sizeof(msg)) == 0 || getenv("LKVM_UNIT_EMULATED"),
		      "%s", msg);
}
END_TEST

/*
 * Threads inherit the control thread's filter beneath their own: whatever a
 * list allows, the control list allows as much (any arguments, or the same).
 */
START_TEST(test_control_holds_the_others)
{
	for (int k = 0; k < SC_NR_KINDS; k++) {
		const struct sc_rule *lists[] = { sc_rules((enum sc_kind)k),
						  sc_base_rules((enum sc_kind)k) };

		for (size_t l = 0; l < ARRAY_SIZE(lists) && lists[l]; l++) {
			for (const struct sc_rule *r = lists[l]; r->name; r++) {
				bool held = false;

				for (const struct sc_rule *c = sc_rules(SC_CONTROL); c->name; c++)
					if (!strcmp(c->name, r->name) &&
					    (c->arg == SC_ANY || c->arg == r->arg))
						held = true;
				ck_assert_msg(held, "the %s list allows %s (arg rule %d); the control list must too",
					      sc_kind_name((enum sc_kind)k), r->name, (int)r->arg);
			}
		}
	}
}
END_TEST

START_TEST(test_mode_parse)
{
	enum sc_mode m = SC_OFF;

	ck_assert_int_eq(sc_mode_parse("on", &m), 0);
	ck_assert_int_eq(m, SC_ON);
	ck_assert_int_eq(sc_mode_parse("log", &m), 0);
	ck_assert_int_eq(m, SC_LOG);
	ck_assert_int_eq(sc_mode_parse("off", &m), 0);
	ck_assert_int_eq(m, SC_OFF);
	ck_assert_int_eq(sc_mode_parse("On", &m), -1);
	ck_assert_int_eq(sc_mode_parse("", &m), -1);
}
END_TEST

Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("lists");

	tcase_add_test(tc, test_lists_compile);
	tcase_add_test(tc, test_control_holds_the_others);
	tcase_add_test(tc, test_mode_parse);
	suite_add_tcase(s, tc);

	tc = tcase_create("filters");
	tcase_add_loop_test(tc, test_violation_reported, 0, (int)ARRAY_SIZE(violations));
	tcase_add_test(tc, test_vcpu_calls_allowed);
	tcase_add_test(tc, test_control_calls_allowed);
	tcase_add_test(tc, test_9p_calls_allowed);
	tcase_add_test(tc, test_ports_calls_allowed);
	tcase_add_test(tc, test_control_starts_threads);
	tcase_add_test(tc, test_modes_log_and_off);
	suite_add_tcase(s, tc);
	return s;
}
