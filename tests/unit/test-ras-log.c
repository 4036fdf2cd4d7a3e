// SPDX-License-Identifier: GPL-2.0
/*
 * The --ras-log file (ras-log.c): a FIFO, a device or a symbolic link is
 * refused at once (never a hang, never a write elsewhere), new logs are
 * 0600, and the fatal record the SIGBUS handler writes has the fields of
 * every other record, in the same order, as one line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lkvm/ras-event.h"
#include "lkvm/ras-log.h"
#include "suites.h"

static char dir[] = "/tmp/lkvm-log-XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(dir, sizeof(dir), "/tmp/lkvm-log-XXXXXX");
}

static void path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

START_TEST(test_log_refuses_symlink)
{
	char target[128], link[128];
	struct stat st;
	int fd;

	path_in(target, sizeof(target), "victim");
	path_in(link, sizeof(link), "ras.json");
	fd = open(target, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(symlink(target, link), 0);
	errno = 0;
	ck_assert_int_eq(ras_event_open(link), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
}
END_TEST

/* Before: open() waited for a reader for ever (the test timed out). */
START_TEST(test_log_refuses_fifo_without_hanging)
{
	char fifo[128];

	path_in(fifo, sizeof(fifo), "fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	errno = 0;
	ck_assert_int_eq(ras_event_open(fifo), -1);
	ck_assert(errno == EINVAL || errno == ENXIO);
	ck_assert_int_eq(ras_event_open("/dev/null"), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_log_mode_and_flags)
{
	char path[128];
	struct stat st;
	mode_t old = umask(022);
	int fd, fl;

	path_in(path, sizeof(path), "new.json");
	fd = ras_event_open(path);
	umask(old);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	fl = fcntl(fd, F_GETFL);
	ck_assert(fl & O_APPEND);
	ck_assert(!(fl & O_NONBLOCK));
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(ras_log_write(fd, "{}\n", 3), 0);
	close(fd);
}
END_TEST

/* The keys of a JSON object line, in order, joined by commas. */
static void keys_of(const char *line, char *out, size_t n)
{
	size_t o = 0;
	int depth = 0;
	bool in_str = false, key = false;

	for (const char *p = line; *p && o + 2 < n; p++) {
		if (in_str) {
			if (*p == '\\') {
				p++;
				continue;
			}
			if (*p == '"') {
				in_str = false;
				if (key)
					out[o++] = ',';
				key = false;
			} else if (key) {
				out[o++] = *p;
			}
			continue;
		}
		if (*p == '{')
			depth++;
		else if (*p == '}')
			depth--;
		else if (*p == '"') {
			in_str = true;
			/* A key: the string right after '{' or ',' at depth 1. */
			key = depth == 1 && (p[-1] == '{' || p[-1] == ',');
		}
	}
	out[o] = '\0';
}

START_TEST(test_fatal_record_same_fields_one_line)
{
	struct ras_error e = { .kind = RAS_AR, .hva = 0x7f0000234000ULL, .gpa = 0x234000,
			       .extent = 4096, .in_guest = true, .vcpu = -1 };
	struct ras_fatal_rec fr = { .vm_name = "db1", .hva = 0x7f0000234000ULL, .gpa = 0x234000,
				    .in_guest = true, .extent = 4096, .arch = "x86" };
	char normal[2048], fatal[1024], k1[1024], k2[1024];
	size_t len;

	ras_event_json(normal, sizeof(normal), "db1", &e, RAS_ACT_FATAL, "r", "d");
	len = ras_log_fatal_json(fatal, sizeof(fatal), &fr);
	ck_assert_uint_eq(len, strlen(fatal));
	ck_assert_ptr_eq(strchr(fatal, '\n'), fatal + len - 1);
	keys_of(normal, k1, sizeof(k1));
	keys_of(fatal, k2, sizeof(k2));
	ck_assert_str_eq(k2, k1);
	ck_assert_ptr_nonnull(strstr(fatal, "\"vm\":\"db1\""));
	ck_assert_ptr_nonnull(strstr(fatal, "\"gpa\":\"0x234000\",\"extent\":4096,\"action\":\"fatal\""));
	ck_assert_ptr_nonnull(strstr(fatal, "\"hva\":\"0x7f0000234000\""));
	/* "time":"YYYY-MM-DDTHH:MM:SS.mmmZ" */
	ck_assert_int_eq(fatal[9 + 4], '-');
	ck_assert_int_eq(fatal[9 + 10], 'T');
	ck_assert_int_eq(fatal[9 + 23], 'Z');
	fr.in_guest = false;
	ras_log_fatal_json(fatal, sizeof(fatal), &fr);
	ck_assert_ptr_nonnull(strstr(fatal, "\"gpa\":null,\"extent\":4096"));
}
END_TEST

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void get_file(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t k;

	ck_assert_ptr_nonnull(f);
	k = fread(buf, 1, n - 1, f);
	buf[k] = '\0';
	fclose(f);
}

/*
 * A log an earlier run left with half a record: this run's first record
 * starts on a line of its own. Before: it was appended to the half record,
 * and neither line parsed.
 */
START_TEST(test_log_run_starts_on_line_boundary)
{
	char path[128], got[256];
	int fd;

	path_in(path, sizeof(path), "half.json");
	put_file(path, "{\"whole\":1}\n{\"half\":");
	fd = ras_event_open(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ras_log_write(fd, "{\"next\":2}\n", 11), 0);
	close(fd);
	get_file(path, got, sizeof(got));
	ck_assert_str_eq(got, "{\"whole\":1}\n{\"half\":\n{\"next\":2}\n");
	/* A whole file, or an empty one, is left as it is. */
	fd = ras_event_open(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	get_file(path, got, sizeof(got));
	ck_assert_str_eq(got, "{\"whole\":1}\n{\"half\":\n{\"next\":2}\n");
}
END_TEST

/*
 * A full disk (here: a 100-byte file size limit) cuts a record short: the
 * file is cut back to where the record began. Before: 40 bytes of the
 * second record stayed, and the next run's record was glued to them.
 */
START_TEST(test_log_short_write_cut_back)
{
	char path[128], rec[61];
	struct stat st;
	pid_t pid;
	int status;

	path_in(path, sizeof(path), "full.json");
	memset(rec, 'x', 59);
	rec[59] = '\n';
	rec[60] = '\0';
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { 100, 100 };
		int fd, r1, r2;

		signal(SIGXFSZ, SIG_IGN);	/* EFBIG instead of the signal */
		if (setrlimit(RLIMIT_FSIZE, &rl))
			_exit(10);
		fd = ras_event_open(path);
		if (fd < 0)
			_exit(11);
		r1 = ras_log_write(fd, rec, 60);
		r2 = ras_log_write(fd, rec, 60);
		_exit(r1 == 0 && r2 == -EFBIG ? 0 : 12);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 60);
}
END_TEST

/* A FIFO is named as one, with or without a reader (ENXIO without). */
START_TEST(test_log_fifo_named)
{
	char fifo[128];
	int rd, err;

	path_in(fifo, sizeof(fifo), "fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(ras_event_open(fifo), -1);
	err = errno;
	ck_assert_str_eq(ras_log_open_error(fifo, err), "not a regular file (a FIFO); give a regular file");
	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(rd, 0);
	ck_assert_int_eq(ras_event_open(fifo), -1);
	err = errno;
	ck_assert_str_eq(ras_log_open_error(fifo, err), "not a regular file (a FIFO); give a regular file");
	close(rd);
	ck_assert_int_eq(ras_event_open("/dev/null"), -1);
	err = errno;
	ck_assert_str_eq(ras_log_open_error("/dev/null", err), "not a regular file (a device); give a regular file");
}
END_TEST

Suite *ras_log_suite(void)
{
	Suite *s = suite_create("ras-log");
	TCase *tc = tcase_create("log");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_refuses_symlink);
	tcase_add_test(tc, test_log_refuses_fifo_without_hanging);
	tcase_add_test(tc, test_log_mode_and_flags);
	tcase_add_test(tc, test_log_run_starts_on_line_boundary);
	tcase_add_test(tc, test_log_short_write_cut_back);
	tcase_add_test(tc, test_log_fifo_named);
	tcase_add_test(tc, test_fatal_record_same_fields_one_line);
	suite_add_tcase(s, tc);
	return s;
}
