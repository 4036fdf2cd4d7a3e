// SPDX-License-Identifier: GPL-2.0
/*
 * The console's ends (term-out.c, term.c) on non-blocking fds: EAGAIN
 * means "not now", never "gone". A slow reader of a non-blocking stdout
 * gets every byte a blocking one gets; an empty non-blocking stdin is
 * "nothing yet", not the end of input.
 */
#include <errno.h>
#include <stdint.h>
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

/*
 * A console device like lkvm's UART: a 64-byte receive FIFO that drops
 * what does not fit, drained by the "guest" a few bytes at a time.
 */
struct fifo_sink {
	uint8_t fifo[64], got[256];
	size_t count, ngot, dropped;
};

static void fifo_in(void *opaque, const uint8_t *buf, size_t n)
{
	struct fifo_sink *f = opaque;

	for (size_t i = 0; i < n; i++) {
		if (f->count < sizeof(f->fifo))
			f->fifo[f->count++] = buf[i];
		else
			f->dropped++;
	}
}

static size_t fifo_room(void *opaque)
{
	const struct fifo_sink *f = opaque;

	return sizeof(f->fifo) - f->count;
}

static void fifo_drain(struct fifo_sink *f, size_t n)
{
	n = n < f->count ? n : f->count;
	memcpy(f->got + f->ngot, f->fifo, n);
	f->ngot += n;
	memmove(f->fifo, f->fifo + n, f->count - n);
	f->count -= n;
}

/*
 * A 150-byte command line (the e2e's dmesg filter) while the guest reads
 * 20 bytes per round: each round reads from stdin only what the FIFO has
 * room for, so every byte arrives, in order. (lkvm before: 64 bytes per
 * read whatever the room, and the UART dropped the rest of the line.)
 */
START_TEST(test_term_pump_waits_for_room)
{
	static struct fifo_sink f;
	uint8_t line[150];
	bool quit;
	int p[2];

	for (size_t i = 0; i < sizeof(line); i++)
		line[i] = (uint8_t)(' ' + i % 90);
	line[sizeof(line) - 1] = '\n';
	memset(&f, 0, sizeof(f));
	term_set_input(fifo_in, &f);
	term_set_room(fifo_room);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	ck_assert_int_eq(write(p[1], line, sizeof(line)), (ssize_t)sizeof(line));
	ck_assert_int_eq(term_pump(p[0], &quit), 64);		/* as much as fits */
	ck_assert(!quit);
	ck_assert_uint_eq(term_input_room(), 0);
	ck_assert(term_input_waits());				/* a pipe, not a terminal */
	ck_assert_int_eq(term_pump(p[0], &quit), 0);		/* full: stays in the pipe */
	for (int round = 0; round < 20 && f.ngot < sizeof(line); round++) {
		fifo_drain(&f, 20);
		ck_assert_int_ge(term_pump(p[0], &quit), 0);
	}
	fifo_drain(&f, sizeof(f.fifo));
	ck_assert_uint_eq(f.dropped, 0);
	ck_assert_uint_eq(f.ngot, sizeof(line));
	ck_assert_mem_eq(f.got, line, sizeof(line));
	close(p[1]);
	ck_assert_int_eq(term_pump(p[0], &quit), -1);		/* input ended */
	/* A sink without a room callback takes what is read, as before. */
	term_set_input(fifo_in, &f);
	ck_assert_uint_eq(term_input_room(), SIZE_MAX);
	term_set_input(NULL, NULL);
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
	tcase_add_test(tc, test_term_pump_waits_for_room);
	suite_add_tcase(s, tc);
	return s;
}
