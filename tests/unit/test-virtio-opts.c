// SPDX-License-Identifier: GPL-2.0
/* `lkvm run` options for virtio: -d/--disk FILE[,ro], --rng, --console virtio. */
#include <stdio.h>
#include <string.h>

#include "lkvm/run-opts.h"
#include "suites.h"

static struct run_opts o;
static char err[512];

static int parse(int argc, const char *const *args)
{
	static char store[24][256];
	static char *v[25];

	for (int i = 0; i < argc; i++) {
		snprintf(store[i], sizeof(store[i]), "%s", args[i]);
		v[i] = store[i];
	}
	v[argc] = NULL;
	err[0] = '\0';
	return run_opts_parse(&o, argc, v, err, sizeof(err));
}

#define PARSE(...) parse((int)(sizeof((const char *[]){ "run", __VA_ARGS__ }) / sizeof(char *)), \
			 (const char *const[]){ "run", __VA_ARGS__ })

START_TEST(test_disks)
{
	ck_assert_int_eq(PARSE("-d", "a.img", "--disk", "/x/b.img,ro", "--disk=c,ro"), 0);
	ck_assert_uint_eq(o.nr_disks, 3);
	ck_assert_str_eq(o.disks[0].path, "a.img");
	ck_assert(!o.disks[0].ro);
	ck_assert_str_eq(o.disks[1].path, "/x/b.img");
	ck_assert(o.disks[1].ro);
	ck_assert_str_eq(o.disks[2].path, "c");
	ck_assert(o.disks[2].ro);
	ck_assert(!o.rng && !o.virtio_console);
	ck_assert(!o.disks[0].direct && !o.disks[1].direct && !o.disks[2].direct);
}
END_TEST

/* ,direct (O_DIRECT), kvmtool's spelling, with or without ,ro, in either order. */
START_TEST(test_disk_direct)
{
	ck_assert_int_eq(PARSE("-d", "a.img,direct", "-d", "b,ro,direct", "-d", "c,direct,ro"), 0);
	ck_assert_uint_eq(o.nr_disks, 3);
	ck_assert_str_eq(o.disks[0].path, "a.img");
	ck_assert(o.disks[0].direct && !o.disks[0].ro);
	ck_assert_str_eq(o.disks[1].path, "b");
	ck_assert(o.disks[1].direct && o.disks[1].ro);
	ck_assert_str_eq(o.disks[2].path, "c");
	ck_assert(o.disks[2].direct && o.disks[2].ro);
}
END_TEST

static const struct bad_row {
	const char *arg, *msg;
} bad_rows[] = {
	{ ",ro", "invalid --disk ',ro'" },
	{ "", "invalid --disk ''" },
	{ "a,rw", "invalid --disk 'a,rw'" },
	{ "a,b,ro", "invalid --disk 'a,b,ro'" },
	{ "a,direct,direct", "invalid --disk 'a,direct,direct'" },
	{ "a,ro,ro", "invalid --disk 'a,ro,ro'" },
	{ ",direct", "invalid --disk ',direct'" },
};

START_TEST(test_bad_disk)
{
	ck_assert_int_eq(PARSE("-d", bad_rows[_i].arg), -1);
	ck_assert_msg(strstr(err, bad_rows[_i].msg), "'%s' lacks '%s'", err, bad_rows[_i].msg);
}
END_TEST

START_TEST(test_too_many_disks)
{
	ck_assert_int_eq(PARSE("-d", "1", "-d", "2", "-d", "3", "-d", "4", "-d", "5", "-d", "6",
			       "-d", "7", "-d", "8"), 0);
	ck_assert_int_eq(PARSE("-d", "1", "-d", "2", "-d", "3", "-d", "4", "-d", "5", "-d", "6",
			       "-d", "7", "-d", "8", "-d", "9"), -1);
	ck_assert_msg(strstr(err, "too many --disk options: at most 8"), "%s", err);
}
END_TEST

START_TEST(test_rng_console)
{
	ck_assert_int_eq(PARSE("--rng", "--console", "virtio"), 0);
	ck_assert(o.rng && o.virtio_console);
	ck_assert_int_eq(PARSE("--console", "virtio", "--console=serial"), 0);
	ck_assert(!o.virtio_console);
	ck_assert_int_eq(PARSE("--console", "hvc"), -1);
	ck_assert_msg(strstr(err, "valid consoles are 'serial' and 'virtio'"), "%s", err);
	ck_assert_int_eq(PARSE("--rng=1"), -1);
}
END_TEST

Suite *virtio_opts_suite(void)
{
	Suite *s = suite_create("virtio-opts");
	TCase *tc = tcase_create("options");

	tcase_add_test(tc, test_disks);
	tcase_add_test(tc, test_disk_direct);
	tcase_add_loop_test(tc, test_bad_disk, 0, (int)(sizeof(bad_rows) / sizeof(bad_rows[0])));
	tcase_add_test(tc, test_too_many_disks);
	tcase_add_test(tc, test_rng_console);
	suite_add_tcase(s, tc);
	return s;
}
