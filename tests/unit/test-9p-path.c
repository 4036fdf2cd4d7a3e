// SPDX-License-Identifier: GPL-2.0
/*
 * 9P path confinement (hw/9p-path.c, hw/9p-server.c): each way out of the
 * share a row, with the errno the guest sees, and after each, the file
 * beside the share (TMP/outside/secret) as it was. Names checked, walks
 * bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/9p-fid.h"
#include "lkvm/util.h"
#include "p9-client.h"
#include "suites.h"

#define F1	1
#define F2	2

/* The file beside the share is untouched, and nothing else appeared there. */
static void outside_intact(const struct p9c *c, const char *row)
{
	char path[128], buf[32] = "";
	struct stat st;
	struct dirent *d;
	int fd, n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/secret", c->outside);
	ck_assert_msg(lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644,
		      "%s: outside/secret changed (mode %o)", row, st.st_mode);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 7);
	close(fd);
	ck_assert_msg(!strcmp(buf, "secret\n"), "%s: outside/secret now says '%s'", row, buf);
	dir = opendir(c->outside);
	ck_assert_ptr_nonnull(dir);
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	ck_assert_msg(n == 1, "%s: %d entries outside the share", row, n);
}

static void host_symlink(const struct p9c *c, const char *target, const char *rel)
{
	ck_assert_int_eq(symlink(target, p9c_host(c, rel)), 0);
}

static void host_mkdir(const struct p9c *c, const char *rel)
{
	ck_assert_int_eq(mkdir(p9c_host(c, rel), 0755), 0);
}

/* Each row: set-up on the host, then what the guest tries; the errno it gets. */
static int dotdot(struct p9c *c)
{
	return p9c_walk_steps(c, P9C_ROOT, F1, "../outside/secret");
}

static int dotdot_twice(struct p9c *c)
{
	return p9c_walk_steps(c, P9C_ROOT, F1, "../../etc/passwd");
}

static int dotdot_from_dir(struct p9c *c)
{
	host_mkdir(c, "a");
	return p9c_walk_steps(c, P9C_ROOT, F1, "a/../../outside/secret");
}

static int dotdot_in_steps(struct p9c *c)
{
	host_mkdir(c, "a");
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "a/.."), 0);
	ck_assert_int_eq(p9c_walk(c, F1, F2, ".."), 0);	/* still the share */
	return p9c_walk(c, F2, 3, "outside");
}

static int host_abs_symlink(struct p9c *c)
{
	host_symlink(c, "/etc", "abs");
	return p9c_walk_steps(c, P9C_ROOT, F1, "abs/passwd");
}

static int host_rel_symlink(struct p9c *c)
{
	host_symlink(c, "../outside", "rel");
	return p9c_walk_steps(c, P9C_ROOT, F1, "rel/secret");
}

static int guest_symlink_etc(struct p9c *c)
{
	ck_assert_int_eq(p9c_call(c, P9_TSYMLINK, "4ss4", P9C_ROOT, "g", "/etc", 0), 0);
	return p9c_walk_steps(c, P9C_ROOT, F1, "g/passwd");
}

/* Walking to a link gives the link (the guest reads it and resolves it itself): never opened. */
static int open_symlink(struct p9c *c)
{
	host_symlink(c, "../outside/secret", "s");
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "s"), 0);
	return p9c_call(c, P9_TLOPEN, "44", F1, 0);
}

static int create_through_symlink(struct p9c *c)
{
	host_symlink(c, "../outside", "s");
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "s"), 0);
	return p9c_call(c, P9_TLCREATE, "4s444", F1, "new", 2, 0644, 0);
}

static int mkdir_in_symlink(struct p9c *c)
{
	host_symlink(c, "../outside", "s");
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "s"), 0);
	return p9c_call(c, P9_TMKDIR, "4s44", F1, "new", 0755, 0);
}

static int truncate_symlink(struct p9c *c)
{
	host_symlink(c, "../outside/secret", "s");
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "s"), 0);
	return p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x8, 0, 0, 0, (uint64_t)0, (uint64_t)0,
			(uint64_t)0, (uint64_t)0, (uint64_t)0);
}

static int chmod_symlink(struct p9c *c)
{
	host_symlink(c, "../outside/secret", "s");
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "s"), 0);
	return p9c_call(c, P9_TSETATTR, "4444488888", F1, 0x1, 0777, 0, 0, (uint64_t)0,
			(uint64_t)0, (uint64_t)0, (uint64_t)0, (uint64_t)0);
}

/* A directory the guest walked is swapped for a link by the host: the fid does not follow. */
static int swapped_dir(struct p9c *c)
{
	char path[128];

	host_mkdir(c, "d");
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "d"), 0);
	snprintf(path, sizeof(path), "%s", p9c_host(c, "d"));
	ck_assert_int_eq(rmdir(path), 0);
	host_symlink(c, "../outside", "d");
	return p9c_walk_steps(c, F1, F2, "secret");
}

static int proc_self_fd(struct p9c *c)
{
	char target[64];

	snprintf(target, sizeof(target), "/proc/self/fd/%d", c->s.root);
	ck_assert_int_eq(p9c_call(c, P9_TSYMLINK, "4ss4", P9C_ROOT, "p", target, 0), 0);
	return p9c_walk_steps(c, P9C_ROOT, F1, "p/secret");
}

static int host_proc_link(struct p9c *c)
{
	host_symlink(c, "/proc/self/cwd", "cwd");
	return p9c_walk_steps(c, P9C_ROOT, F1, "cwd/etc");
}

static int through_file(struct p9c *c)
{
	ck_assert_int_eq(p9c_put_file(c, "f", "x"), 0);
	return p9c_walk_steps(c, P9C_ROOT, F1, "f/x");
}

static int slash_in_name(struct p9c *c)
{
	return p9c_call(c, P9_TWALK, "442s", P9C_ROOT, F1, 1, "../outside");
}

static int nul_in_name(struct p9c *c)
{
	return p9c_call(c, P9_TWALK, "442S", P9C_ROOT, F1, 1, 3, "a\0b");
}

static int empty_name(struct p9c *c)
{
	return p9c_call(c, P9_TWALK, "442s", P9C_ROOT, F1, 1, "");
}

static int dot_name(struct p9c *c)
{
	return p9c_call(c, P9_TWALK, "442s", P9C_ROOT, F1, 1, ".");
}

/* 16 names is the most one Twalk takes: 17 is refused before any is looked up. */
static int walk_17(struct p9c *c)
{
	char path[64] = "a";

	host_mkdir(c, "a");
	for (int i = 1; i < 17; i++) {
		strcat(path, "/a");
		host_mkdir(c, path);
	}
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F2, "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a"), 0);
	return p9c_walk(c, P9C_ROOT, F1, path);
}

static int rename_out(struct p9c *c)
{
	ck_assert_int_eq(p9c_put_file(c, "f", "x"), 0);
	return p9c_call(c, P9_TRENAMEAT, "4s4s", P9C_ROOT, "f", P9C_ROOT, "../outside/f");
}

static int unlink_out(struct p9c *c)
{
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, ""), 0);
	return p9c_call(c, P9_TUNLINKAT, "4s4", P9C_ROOT, "../outside/secret", 0);
}

static int remove_share(struct p9c *c)
{
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, ""), 0);
	return p9c_call(c, P9_TREMOVE, "4", F1);
}

static const struct escape {
	const char *what;
	int (*try)(struct p9c *c);
	int want;
} escapes[] = {
	{ "'..' at the share", dotdot, ENOENT },
	{ "'../..'", dotdot_twice, ENOENT },
	{ "'a/../..'", dotdot_from_dir, ENOENT },
	{ "'..' walked one at a time", dotdot_in_steps, ENOENT },
	{ "host's absolute symlink (-> /etc)", host_abs_symlink, ELOOP },
	{ "host's relative symlink (-> ../outside)", host_rel_symlink, ELOOP },
	{ "guest's Tsymlink to /etc, walked through", guest_symlink_etc, ELOOP },
	{ "Tlopen of a symlink out", open_symlink, EACCES },
	{ "Tlcreate in a symlink out", create_through_symlink, ELOOP },
	{ "Tmkdir in a symlink out", mkdir_in_symlink, ENOTDIR },
	{ "Tsetattr size through a symlink out", truncate_symlink, ELOOP },
	{ "Tsetattr mode of a symlink out", chmod_symlink, EOPNOTSUPP },
	{ "walked directory swapped for a symlink", swapped_dir, ELOOP },
	{ "guest's symlink to /proc/self/fd/N", proc_self_fd, ELOOP },
	{ "host's symlink to /proc/self/cwd", host_proc_link, ELOOP },
	{ "walk through a file", through_file, ENOTDIR },
	{ "'/' in a name", slash_in_name, EINVAL },
	{ "NUL in a name", nul_in_name, EINVAL },
	{ "empty name", empty_name, EINVAL },
	{ "'.' as a name", dot_name, EINVAL },
	{ "17 names in one walk", walk_17, EINVAL },
	{ "Trenameat to '../outside/f'", rename_out, EINVAL },
	{ "Tunlinkat of '../outside/secret'", unlink_out, EINVAL },
	{ "Tremove of the share", remove_share, EBUSY },
};

START_TEST(test_escape_refused)
{
	const struct escape *e = &escapes[_i];
	struct p9c *c = p9c_new(0, 0);
	int got;

	ck_assert_ptr_nonnull(c);
	got = e->try(c);
	ck_assert_msg(got == e->want, "%s: errno %d (%s), expected %d (%s)", e->what, got,
		      got > 0 ? strerror(got) : "no error", e->want, strerror(e->want));
	ck_assert_int_eq(c->rtype, P9_RLERROR);
	outside_intact(c, e->what);
	p9c_free(c);
}
END_TEST

/* '..' at the share is the share: same qid. */
START_TEST(test_dotdot_is_root)
{
	struct p9c *c = p9c_new(0, 0);
	uint8_t root[P9_QID_SIZE];

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "."), EINVAL);
	ck_assert_int_eq(p9c_call(c, P9_TGETATTR, "48", P9C_ROOT, (uint64_t)0x7ff), 0);
	memcpy(root, c->resp + P9_HDR + 8, sizeof(root));
	ck_assert_int_eq(p9c_walk(c, P9C_ROOT, F1, "../../.."), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_mem_eq(c->resp + P9_HDR + 2 + i * P9_QID_SIZE, root, P9_QID_SIZE);
	p9c_free(c);
}
END_TEST

/* Another mount below the share: refused unless P9_XDEV (a share of "/" meets /proc). */
START_TEST(test_mount_crossing)
{
	struct p9_server s;
	uint8_t req[64], resp[256];
	size_t n;
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat a, b;

	ck_assert_int_ge(fd, 0);
	if (stat("/", &a) || stat("/proc", &b) || a.st_dev == b.st_dev) {
		printf("SKIP test_mount_crossing: /proc is not a mount of its own here\n");
		close(fd);
		return;
	}
	for (int xdev = 0; xdev < 2; xdev++) {
		ck_assert_int_eq(p9_server_init(&s, fd, P9_RO | (xdev ? P9_XDEV : 0), 0), 0);
		n = p9c_build(req, sizeof(req), P9_TVERSION, "4s", 8192, "9P2000.L");
		p9_handle(&s, req, n, resp, sizeof(resp));
		n = p9c_build(req, sizeof(req), P9_TATTACH, "44ss4", 0, P9_NOFID, "", "", 0);
		p9_handle(&s, req, n, resp, sizeof(resp));
		ck_assert_int_eq(resp[4], P9_RATTACH);
		n = p9c_build(req, sizeof(req), P9_TWALK, "442s", 0, 1, 1, "proc");
		p9_handle(&s, req, n, resp, sizeof(resp));
		if (xdev) {
			ck_assert_int_eq(resp[4], P9_RWALK);
		} else {
			ck_assert_int_eq(resp[4], P9_RLERROR);
			ck_assert_int_eq(resp[7], EXDEV);
		}
		p9_server_destroy(&s);
	}
	close(fd);
}
END_TEST

START_TEST(test_names_and_paths)
{
	char buf[P9_PATH_MAX], big[P9_PATH_MAX];

	ck_assert(p9_name_ok("a"));
	ck_assert(p9_name_ok("..."));
	ck_assert(!p9_name_ok(""));
	ck_assert(!p9_name_ok("."));
	ck_assert(!p9_name_ok(".."));
	ck_assert(!p9_name_ok("a/b"));
	ck_assert_int_eq(p9_path_join(buf, "", "a"), 0);
	ck_assert_str_eq(buf, "a");
	ck_assert_int_eq(p9_path_join(buf, buf, "b"), 0);
	ck_assert_str_eq(buf, "a/b");
	p9_path_parent(buf, buf);
	ck_assert_str_eq(buf, "a");
	p9_path_parent(buf, buf);
	ck_assert_str_eq(buf, "");
	p9_path_parent(buf, buf);
	ck_assert_str_eq(buf, "");
	memset(big, 'x', sizeof(big) - 3);
	big[sizeof(big) - 3] = '\0';	/* 4093 bytes: "big/x" needs 4096 with its NUL */
	ck_assert_int_eq(p9_path_join(buf, big, "x"), 0);
	ck_assert_int_eq(p9_path_join(buf, big, "xy"), -ENAMETOOLONG);
}
END_TEST

Suite *p9_path_suite(void)
{
	Suite *s = suite_create("9p-path");
	TCase *tc = tcase_create("escapes");

	tcase_add_loop_test(tc, test_escape_refused, 0, (int)ARRAY_SIZE(escapes));
	tcase_add_test(tc, test_dotdot_is_root);
	tcase_add_test(tc, test_mount_crossing);
	tcase_add_test(tc, test_names_and_paths);
	suite_add_tcase(s, tc);
	return s;
}
