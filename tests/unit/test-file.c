// SPDX-License-Identifier: GPL-2.0
/* Mapped input files: contents, errors, and the SIGBUS guard. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/guard.h"
#include "lkvm/ras.h"
#include "lkvm/util.h"
#include "suites.h"

static char path[64];

static void make_file(size_t n)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/lkvm-test-file-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)(i * 7);

		ck_assert_int_eq(write(fd, &b, 1), 1);
	}
	close(fd);
}

START_TEST(test_map_contents)
{
	const uint8_t *buf;
	size_t n;

	make_file(10000);
	ck_assert_int_eq(file_map(path, &buf, &n), 0);
	ck_assert_uint_eq(n, 10000);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(buf[i], (uint8_t)(i * 7));
	file_unmap(buf, n);
	unlink(path);
}
END_TEST

START_TEST(test_map_errors)
{
	const uint8_t *buf = NULL;
	size_t n = 99;

	ck_assert_int_eq(file_map("/nonexistent/lkvm", &buf, &n), -ENOENT);
	ck_assert_int_eq(file_map("/tmp", &buf, &n), -EISDIR);
	ck_assert_int_eq(file_map("/dev/null", &buf, &n), -EINVAL);
	make_file(0);
	ck_assert_int_eq(file_map(path, &buf, &n), 0);
	ck_assert_uint_eq(n, 0);
	file_unmap(buf, n);
	unlink(path);
}
END_TEST

struct shrink {
	const uint8_t *buf;
	size_t n;
	unsigned int sum;
};

/* Truncate the mapped file, then read past the new end: SIGBUS. */
static int shrink_and_read(void *arg)
{
	struct shrink *s = arg;

	if (truncate(path, 0) < 0)
		return -errno;
	for (size_t i = 0; i < s->n; i += 4096)
		s->sum += s->buf[i];
	return 0;
}

static int read_all(void *arg)
{
	struct shrink *s = arg;

	for (size_t i = 0; i < s->n; i++)
		s->sum += s->buf[i];
	return 42;
}

START_TEST(test_guard)
{
	struct shrink s = { 0 };

	make_file(3 * 4096);
	ck_assert_int_eq(file_map(path, &s.buf, &s.n), 0);
	/* No fault: fn's own return value. */
	ck_assert_int_eq(ras_signals_init(), 0);
	ck_assert_int_eq(guard_call("test", read_all, &s), 42);
	ck_assert_uint_ne(s.sum, 0);
	/* The file shrinks under the mapping: -EIO, and the process lives. */
	ck_assert_int_eq(guard_call("test", shrink_and_read, &s), -EIO);
	ck_assert_ptr_null(guard_active());
	/*
	 * guard_call() does not save the mask: the handler (SA_NODEFER) left
	 * it as it was, SIGBUS not blocked, so a second fault escapes too.
	 */
	{
		sigset_t cur;

		pthread_sigmask(SIG_BLOCK, NULL, &cur);
		ck_assert(!sigismember(&cur, SIGBUS));
	}
	ck_assert_int_eq(guard_call("test", read_all, &s), -EIO);
	ck_assert_ptr_null(guard_active());
	file_unmap(s.buf, s.n);
	unlink(path);
}
END_TEST

Suite *file_suite(void)
{
	Suite *s = suite_create("file");
	TCase *tc = tcase_create("map");

	tcase_add_test(tc, test_map_contents);
	tcase_add_test(tc, test_map_errors);
	tcase_add_test(tc, test_guard);
	suite_add_tcase(s, tc);
	return s;
}
