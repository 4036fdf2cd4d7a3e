// SPDX-License-Identifier: GPL-2.0
/*
 * The SIGBUS handler itself (ras.c), in a child process each: a memory
 * error while the handler runs exits 6 (never a core dump), and the AR a
 * Linux >= 6.11 kernel sends the thread that poisons a page (MADV_HWPOISON)
 * is that page's report, not lkvm consuming it.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lkvm/ras.h"
#include "lkvm/util.h"
#include "suites.h"

static int status_pipe = -1;

/* What the kernel sends: si_errno 0, so not marked as lkvm's own drill. */
static int send_ar(uintptr_t addr)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = SIGBUS;
	si.si_code = BUS_MCEERR_AR;
	si.si_addr = (void *)addr;
	si.si_addr_lsb = 12;
	return (int)syscall(SYS_rt_tgsigqueueinfo, getpid(), (pid_t)syscall(SYS_gettid), SIGBUS,
			    &si);
}

/* Runs fn in a child; returns its wait status. */
static int in_child(void (*fn)(void))
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return st;
}

#define EMULATED_WHY "qemu-user does not deliver a kernel-style SIGBUS queued to a thread (run natively)"

/*
 * Runs inside the handler: its report to stderr (a pipe nobody reads)
 * raised SIGPIPE. A forced SIGBUS now (lkvm's load hitting poison) finds
 * SIGBUS blocked on today's handler: the kernel resets it to SIG_DFL and
 * the process dumps core. Say which, then send one.
 */
static void on_sigpipe(int sig)
{
	sigset_t cur;
	char c;

	(void)sig;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	c = sigismember(&cur, SIGBUS) ? 'b' : 'n';
	if (write(status_pipe, &c, 1) < 0)
		_exit(98);
	if (c == 'b')
		_exit(99);
	send_ar(0x2000);	/* nested: exits 6 before this returns */
	_exit(97);
}

static void nested_child(void)
{
	int p[2];

	signal(SIGPIPE, on_sigpipe);
	if (pipe(p) < 0 || dup2(p[1], 2) < 0)
		_exit(96);
	close(p[0]);	/* writes to stderr now raise SIGPIPE */
	if (ras_signals_init())
		_exit(95);
	send_ar(0x1000);	/* lkvm's own memory, no VM: the fatal path writes to stderr */
	_exit(94);
}

START_TEST(test_error_inside_handler_exits_6)
{
	int p[2], st;
	char c = '?';

	if (skip_emulated("test_error_inside_handler_exits_6", EMULATED_WHY))
		return;
	ck_assert_int_eq(pipe(p), 0);
	status_pipe = p[1];
	st = in_child(nested_child);
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	ck_assert_msg(c == 'n', "SIGBUS is blocked while the handler runs: a forced AR there dumps core");
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == LKVM_EXIT_RAS_FATAL,
		      "wait status 0x%x, expected exit 6", st);
}
END_TEST

static struct ras_queue q;
static uint8_t page[2 * 4096];

static void poisoning_child(void)
{
	uintptr_t p = ALIGN_UP((uintptr_t)page, 4096);
	struct ras_record r;

	if (ras_signals_init() || ras_thread_attach(&q))
		_exit(95);
	/* The kernel's report while this thread poisons the page: recorded as its AO. */
	ras_poisoning(p, 4096);
	if (send_ar(p + 0x10))
		_exit(94);
	ras_poisoning(0, 0);
	if (!ras_queue_pop(&q, &r) || r.kind != RAS_AO || r.hva != p + 0x10 || r.simulated)
		_exit(93);
	if (ras_queue_pop(&q, &r))
		_exit(92);
	/* Once madvise returned, an AR there is lkvm reading it: fatal. */
	send_ar(p);
	_exit(91);
}

START_TEST(test_poisoning_thread_ar_is_the_pages_report)
{
	int st;

	if (skip_emulated("test_poisoning_thread_ar_is_the_pages_report", EMULATED_WHY))
		return;
	st = in_child(poisoning_child);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == LKVM_EXIT_RAS_FATAL,
		      "wait status 0x%x, expected exit 6 (93: not recorded as an AO)", st);
}
END_TEST

static void other_page_child(void)
{
	uintptr_t p = ALIGN_UP((uintptr_t)page, 4096);

	if (ras_signals_init() || ras_thread_attach(&q))
		_exit(95);
	/* Poisoning one page does not excuse an AR on another one. */
	ras_poisoning(p, 4096);
	send_ar(p + 4096);
	_exit(91);
}

START_TEST(test_poisoning_other_page_still_fatal)
{
	int st;

	if (skip_emulated("test_poisoning_other_page_still_fatal", EMULATED_WHY))
		return;
	st = in_child(other_page_child);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == LKVM_EXIT_RAS_FATAL,
		      "wait status 0x%x, expected exit 6", st);
}
END_TEST

Suite *ras_handler_suite(void)
{
	Suite *s = suite_create("ras-handler");
	TCase *tc = tcase_create("handler");

	tcase_add_test(tc, test_error_inside_handler_exits_6);
	tcase_add_test(tc, test_poisoning_thread_ar_is_the_pages_report);
	tcase_add_test(tc, test_poisoning_other_page_still_fatal);
	suite_add_tcase(s, tc);
	return s;
}
