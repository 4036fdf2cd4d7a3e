// SPDX-License-Identifier: GPL-2.0
/*
 * The console's ends (term-out.c, term.c) on non-blocking fds: EAGAIN
 * means "not now", never "gone". A slow reader of a non-blocking stdout
 * gets every byte a blocking one gets; an empty non-blocking stdin is
 * "nothing yet", not the end of input.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/term.h"
#include "suites.h"

#define TOTAL	(512 * 1024)
#define BATCH	(32 * 1024)	/* half the console buffer: nothing overflows it */

static void *slow_reader(void *arg)
{
	int fd = *(int *)arg;
	static char buf[4096];
	const struct timespec pause = { 0, 1000000 };	/* 4 KiB per ms at most */
	size_t total = 0;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r > 0)
			total += (size_t)r;
		nanosleep(&pause, NULL);
	}
	return (void *)total;
}

/* In a child that owns its stdout: how many bytes a slow reader got. */
static size_t console_through_pipe(bool nonblock)
{
	int p[2], null, status;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static uint8_t chunk[BATCH];
		pthread_t rd;
		void *got;

		if (pipe(p) || dup2(p[1], STDOUT_FILENO) < 0)
			_exit(255);
		close(p[1]);
		if (nonblock && fcntl(STDOUT_FILENO, F_SETFL, O_NONBLOCK) < 0)
			_exit(255);
		memset(chunk, 'g', sizeof(chunk));
		if (pthread_create(&rd, NULL, slow_reader, &p[0]))
			_exit(255);
		for (size_t sent = 0; sent < TOTAL; sent += BATCH) {
			term_write(chunk, sizeof(chunk));
			term_out_flush(5000);	/* until the writer took it all */
		}
		null = open("/dev/null", O_WRONLY);
		dup2(null, STDOUT_FILENO);	/* the reader sees EOF */
		pthread_join(rd, &got);
		/* In KiB, to fit an exit status. */
		_exit((int)((size_t)got / 1024 / 4));
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return (size_t)WEXITSTATUS(status) * 4 * 1024;
}

/* Before: the first EAGAIN marked stdout gone; the reader got ~128 of 512 KiB. */
START_TEST(test_term_out_nonblocking_stdout_loses_nothing)
{
	size_t blocking = console_through_pipe(false);
	size_t nonblocking = console_through_pipe(true);

	ck_assert_uint_eq(blocking, TOTAL);
	ck_assert_uint_eq(nonblocking, blocking);
}
END_TEST

START_TEST(test_term_read_eagain_is_not_eof)
{
	uint8_t buf[16];
	int p[2];

	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	ck_assert_int_eq(term_read(p[0], buf, sizeof(buf)), 0);	/* nothing yet */
	ck_assert_int_eq(write(p[1], "hi", 2), 2);
	ck_assert_int_eq(term_read(p[0], buf, sizeof(buf)), 2);
	ck_assert_int_eq(term_read(p[0], buf, sizeof(buf)), 0);
	close(p[1]);
	ck_assert_int_eq(term_read(p[0], buf, sizeof(buf)), -1);	/* EOF: input ended */
	ck_assert_int_eq(term_read(-1, buf, sizeof(buf)), -1);		/* EBADF likewise */
	close(p[0]);
}
END_TEST

Suite *term_suite(void)
{
	Suite *s = suite_create("term");
	TCase *tc = tcase_create("nonblocking");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_term_out_nonblocking_stdout_loses_nothing);
	tcase_add_test(tc, test_term_read_eagain_is_not_eof);
	suite_add_tcase(s, tc);
	return s;
}
