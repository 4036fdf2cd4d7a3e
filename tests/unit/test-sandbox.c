// SPDX-License-Identifier: GPL-2.0
/* `lkvm sandbox`: command line, exit statuses, the init's report, cpio, kernel release, modules. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/sandbox.h"
#include "lkvm/util.h"
#include "suites.h"

/* The real init is linked into lkvm, not into the tests: a stand-in. */
__asm__(".section .rodata\n"
	".globl lkvm_sandbox_init, lkvm_sandbox_init_end\n"
	"lkvm_sandbox_init:\n"
	".ascii \"FAKEINIT\"\n"
	"lkvm_sandbox_init_end:\n"
	".previous\n");

#define MAXA	16
static char *av[MAXA + 1], *rv[MAXA + 1];
static struct sandbox_opts so;
static char err[512];
static int rc_argc;

static int split(const char *const *args)
{
	int n = 0;

	for (; *args; args++)
		av[n++] = (char *)*args;
	av[n] = NULL;
	err[0] = '\0';
	return sandbox_opts_split(&so, n, av, rv, &rc_argc, err, sizeof(err));
}

START_TEST(test_split_cmd_and_run_options)
{
	const char *a[] = { "sandbox", "-k", "bz", "--timeout", "5", "-m", "512", "--verbose",
			    "--modules=/m", "--", "sh", "-c", "exit 22", "--timeout", NULL };

	ck_assert_int_eq(split(a), 0);
	ck_assert_uint_eq(so.timeout_s, 5);
	ck_assert(so.verbose);
	ck_assert_str_eq(so.modules, "/m");
	/* Everything after "--" is CMD's, its own "--timeout" included. */
	ck_assert_int_eq(so.cmd_argc, 4);
	ck_assert_str_eq(so.cmd[0], "sh");
	ck_assert_str_eq(so.cmd[2], "exit 22");
	ck_assert_str_eq(so.cmd[3], "--timeout");
	ck_assert_ptr_null(so.cmd[4]);
	/* The run options are left for run_opts_parse, "sandbox" first. */
	ck_assert_int_eq(rc_argc, 5);
	ck_assert_str_eq(rv[0], "sandbox");
	ck_assert_str_eq(rv[1], "-k");
	ck_assert_str_eq(rv[2], "bz");
	ck_assert_str_eq(rv[3], "-m");
	ck_assert_str_eq(rv[4], "512");
	ck_assert_ptr_null(rv[5]);
}
END_TEST

START_TEST(test_split_defaults)
{
	const char *a[] = { "sandbox", "--", "true", NULL };

	ck_assert_int_eq(split(a), 0);
	ck_assert_uint_eq(so.timeout_s, 0);
	ck_assert(!so.verbose);
	ck_assert_ptr_null(so.modules);
	ck_assert_int_eq(so.cmd_argc, 1);
	ck_assert_int_eq(rc_argc, 1);
}
END_TEST

static const struct {
	const char *a[6];
	const char *says;
} bad_split[] = {
	{ { "sandbox", "true", NULL }, "no command" },
	{ { "sandbox", "--", NULL }, "no command" },
	{ { "sandbox", "--", "", NULL }, "no command" },
	{ { "sandbox", "--timeout", "-1", "--", "true", NULL }, "invalid --timeout '-1'" },
	{ { "sandbox", "--timeout", "1.5", "--", "true", NULL }, "invalid --timeout '1.5'" },
	{ { "sandbox", "--timeout", "604801", "--", "true", NULL }, "invalid --timeout '604801'" },
	{ { "sandbox", "--timeout", NULL }, "invalid --timeout ''" },
	{ { "sandbox", "--modules=", "--", "true", NULL }, "--modules needs a directory" },
	{ { "sandbox", "-i", "x", "--", "true", NULL }, "option '-i' cannot be used here" },
	{ { "sandbox", "--initrd=x", "--", "true", NULL }, "option '--initrd' cannot be used here" },
	{ { "sandbox", "--console", "virtio", "--", "true", NULL }, "option '--console' cannot" },
	{ { "sandbox", "--reboot", "--", "true", NULL }, "option '--reboot' cannot" },
};

START_TEST(test_split_bad)
{
	ck_assert_int_eq(split(bad_split[_i].a), -1);
	ck_assert_msg(strstr(err, bad_split[_i].says), "row %d: '%s' lacks '%s'", _i, err,
		      bad_split[_i].says);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(test_split_timeout_bounds)
{
	const char *a[] = { "sandbox", "--timeout=604800", "--", "true", NULL };
	const char *z[] = { "sandbox", "--timeout", "0", "--", "true", NULL };

	ck_assert_int_eq(split(a), 0);
	ck_assert_uint_eq(so.timeout_s, SANDBOX_TIMEOUT_MAX);
	ck_assert_int_eq(split(z), 0);
	ck_assert_uint_eq(so.timeout_s, 0);
}
END_TEST

/* How the VM ended -> lkvm sandbox's status (README, EXIT STATUS). */
static const struct {
	struct sandbox_end e;
	int status;
	bool says;
} status_rows[] = {
	{ { .vm_status = LKVM_EXIT_OK, .reported = true, .cmd_status = 0 }, 0, false },
	{ { .vm_status = LKVM_EXIT_OK, .reported = true, .cmd_status = 22 }, 22, false },
	{ { .vm_status = LKVM_EXIT_OK, .reported = true, .cmd_status = 137 }, 137, false },
	{ { .vm_status = LKVM_EXIT_OK, .reported = true, .cmd_status = 255 }, 255, false },
	/* A report wins over how the guest went down afterwards. */
	{ { .vm_status = LKVM_RESET, .reported = true, .cmd_status = 3 }, 3, false },
	{ { .vm_status = LKVM_RESET }, SANDBOX_EXIT_PANIC, true },
	{ { .vm_status = LKVM_EXIT_GUEST_CRASH }, SANDBOX_EXIT_PANIC, true },
	{ { .vm_status = LKVM_EXIT_OK }, SANDBOX_EXIT_PANIC, true },
	{ { .vm_status = LKVM_EXIT_OK, .timed_out = true }, SANDBOX_EXIT_TIMEOUT, true },
	{ { .vm_status = LKVM_EXIT_OK, .timed_out = true, .reported = true, .cmd_status = 0 },
	  SANDBOX_EXIT_TIMEOUT, true },
	{ { .vm_status = LKVM_EXIT_RAS_STOP }, LKVM_EXIT_RAS_STOP, true },
	{ { .vm_status = LKVM_EXIT_OK, .init_failed = true }, SANDBOX_EXIT_LKVM, false },
	{ { .vm_status = LKVM_EXIT_ERROR }, SANDBOX_EXIT_LKVM, false },
	{ { .vm_status = LKVM_EXIT_USAGE }, SANDBOX_EXIT_LKVM, false },
	{ { .vm_status = LKVM_EXIT_RAS_FATAL }, SANDBOX_EXIT_LKVM, false },
	{ { .vm_status = LKVM_EXIT_SECCOMP }, SANDBOX_EXIT_LKVM, false },
};

START_TEST(test_status)
{
	const char *why = "unset";

	ck_assert_int_eq(sandbox_status(&status_rows[_i].e, &why), status_rows[_i].status);
	ck_assert_msg((why != NULL) == status_rows[_i].says, "row %d: reason %s", _i,
		      why ? why : "(none)");
}
END_TEST

START_TEST(test_panic_status_is_its_own)
{
	ck_assert_int_ne(SANDBOX_EXIT_PANIC, 0);
	ck_assert_int_ne(SANDBOX_EXIT_PANIC, SANDBOX_EXIT_LKVM);
	ck_assert_int_ne(SANDBOX_EXIT_PANIC, SANDBOX_EXIT_TIMEOUT);
	ck_assert_int_lt(SANDBOX_EXIT_PANIC, 126);
}
END_TEST

START_TEST(test_report)
{
	char msg[16];
	int st = -1;

	ck_assert_int_eq(sandbox_report_parse("exit 22\n", 8, &st, msg, sizeof(msg)), 1);
	ck_assert_int_eq(st, 22);
	ck_assert_int_eq(sandbox_report_parse("exit 0\nrest", 11, &st, msg, sizeof(msg)), 1);
	ck_assert_int_eq(st, 0);
	ck_assert_int_eq(sandbox_report_parse("exit 255\n", 9, &st, msg, sizeof(msg)), 1);
	ck_assert_int_eq(st, 255);
	st = -1;
	ck_assert_int_eq(sandbox_report_parse("exit 256\n", 9, &st, msg, sizeof(msg)), 0);
	ck_assert_int_eq(sandbox_report_parse("exit 22", 7, &st, msg, sizeof(msg)), 0);
	ck_assert_int_eq(sandbox_report_parse("exit -1\n", 8, &st, msg, sizeof(msg)), 0);
	ck_assert_int_eq(sandbox_report_parse("exit \n", 6, &st, msg, sizeof(msg)), 0);
	ck_assert_int_eq(sandbox_report_parse("exit 1234\n", 10, &st, msg, sizeof(msg)), 0);
	ck_assert_int_eq(sandbox_report_parse("exit 2\x00\n", 8, &st, msg, sizeof(msg)), 0);
	ck_assert_int_eq(st, -1);
	/* An error line: printable bytes only, cut to the buffer. */
	ck_assert_int_eq(sandbox_report_parse("error no \x1b[1mmodule xyz\n", 26, &st, msg,
					      sizeof(msg)), 2);
	ck_assert_str_eq(msg, "no ?[1mmodule x");
}
END_TEST

static uint32_t hex8(const uint8_t *p)
{
	char b[9];

	memcpy(b, p, 8);
	b[8] = '\0';
	return (uint32_t)strtoul(b, NULL, 16);
}

/* Walk a newc archive: the entry called name, its mode, data and size. */
static const uint8_t *cpio_find(const struct cpio *c, const char *name, uint32_t *mode,
				uint32_t *size, uint32_t *rdevmaj)
{
	size_t off = 0;

	while (off + 110 <= c->len) {
		const uint8_t *h = c->buf + off;
		uint32_t namesz = hex8(h + 94), filesz = hex8(h + 54);
		const char *n = (const char *)h + 110;
		size_t data = ALIGN_UP(off + 110 + namesz, 4);

		ck_assert(!memcmp(h, "070701", 6));
		ck_assert_uint_eq(n[namesz - 1], 0);
		if (!strcmp(n, name)) {
			*mode = hex8(h + 14);
			*size = filesz;
			*rdevmaj = hex8(h + 78);
			return c->buf + data;
		}
		if (!strcmp(n, "TRAILER!!!"))
			return NULL;
		off = ALIGN_UP(data + filesz, 4);
	}
	return NULL;
}

START_TEST(test_cpio)
{
	struct cpio c = { 0 };
	uint32_t mode, size, maj;
	const uint8_t *d;

	cpio_add(&c, "dir", S_IFDIR | 0755, NULL, 0, 0, 0);
	cpio_add(&c, "dir/f", S_IFREG | 0644, "hello", 5, 0, 0);
	cpio_add(&c, "dev/console", S_IFCHR | 0600, NULL, 0, 5, 1);
	ck_assert_int_eq(cpio_finish(&c), 0);
	ck_assert_uint_eq(c.len % 4, 0);
	d = cpio_find(&c, "dir/f", &mode, &size, &maj);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(mode, S_IFREG | 0644);
	ck_assert_uint_eq(size, 5);
	ck_assert(!memcmp(d, "hello", 5));
	ck_assert_ptr_nonnull(cpio_find(&c, "dev/console", &mode, &size, &maj));
	ck_assert_uint_eq(mode, S_IFCHR | 0600);
	ck_assert_uint_eq(maj, 5);
	ck_assert_ptr_nonnull(cpio_find(&c, "dir", &mode, &size, &maj));
	ck_assert_uint_eq(mode, S_IFDIR | 0755);
	/* The last entry is the trailer. */
	ck_assert_ptr_null(cpio_find(&c, "nothing", &mode, &size, &maj));
	ck_assert_ptr_nonnull(memmem(c.buf + c.len - 124, 124, "TRAILER!!!", 11));
	cpio_free(&c);
}
END_TEST

START_TEST(test_kver)
{
	uint8_t img[0x1000] = { 0 };
	char v[80];

	/* bzImage: "HdrS" at 0x202, kernel_version at 0x20e (+ 0x200). */
	memcpy(img + 0x202, "HdrS", 4);
	img[0x20e] = 0x00;
	img[0x20f] = 0x03;	/* string at 0x500 */
	strcpy((char *)img + 0x500, "6.1.0-28-amd64 (debian-kernel@lists.debian.org) #1 SMP");
	ck_assert_int_eq(kver_from_image(img, sizeof(img), v, sizeof(v)), 0);
	ck_assert_str_eq(v, "6.1.0-28-amd64");
	/* No header: the banner of an uncompressed image. */
	memset(img, 0, sizeof(img));
	strcpy((char *)img + 0x100, "Linux version is a word: no");
	strcpy((char *)img + 0x800, "Linux version 6.1.0-50-arm64 (gcc) #1");
	ck_assert_int_eq(kver_from_image(img, sizeof(img), v, sizeof(v)), 0);
	ck_assert_str_eq(v, "6.1.0-50-arm64");
	memset(img, 'L', sizeof(img));
	ck_assert_int_eq(kver_from_image(img, sizeof(img), v, sizeof(v)), -1);
	/* The banner at the very end, cut: no version. */
	memcpy(img + sizeof(img) - 14, "Linux version ", 14);
	ck_assert_int_eq(kver_from_image(img, sizeof(img), v, sizeof(v)), -1);
}
END_TEST

static const char dep_text[] =
	"kernel/drivers/virtio/virtio_mmio.ko.xz:\n"
	"kernel/drivers/char/virtio_console.ko.xz:\n"
	"kernel/net/9p/9pnet_virtio.ko.xz: kernel/net/9p/9pnet.ko.xz\n"
	"kernel/net/9p/9pnet.ko.xz: kernel/fs/netfs/netfs.ko.xz\n"
	"kernel/fs/netfs/netfs.ko.xz:\n"
	"kernel/fs/9p/9p.ko.xz: kernel/net/9p/9pnet.ko.xz kernel/fs/netfs/netfs.ko.xz\n"
	"kernel/fs/overlayfs/overlay.ko.xz:\n"
	"kernel/fs/fscache-x.ko:\n";

START_TEST(test_kmod_plan)
{
	static const char builtin[] = "kernel/drivers/virtio/virtio_mmio.ko\n";
	struct kmod_plan p;

	ck_assert_int_eq(kmod_plan(dep_text, strlen(dep_text), builtin, strlen(builtin),
				   sandbox_modules, sandbox_nr_modules, &p, err, sizeof(err)), 0);
	/* virtio_mmio is built in; each dependency once, before its users. */
	ck_assert_uint_eq(p.n, 6);
	ck_assert_str_eq(p.path[0], "kernel/drivers/char/virtio_console.ko.xz");
	ck_assert_str_eq(p.path[1], "kernel/fs/netfs/netfs.ko.xz");
	ck_assert_str_eq(p.path[2], "kernel/net/9p/9pnet.ko.xz");
	ck_assert_str_eq(p.path[3], "kernel/net/9p/9pnet_virtio.ko.xz");
	ck_assert_str_eq(p.path[4], "kernel/fs/9p/9p.ko.xz");
	ck_assert_str_eq(p.path[5], "kernel/fs/overlayfs/overlay.ko.xz");
}
END_TEST

START_TEST(test_kmod_missing_and_dashes)
{
	static const char *const want_dash[] = { "fscache_x" };
	static const char *const want_none[] = { "9pnet-virtio", "vsock" };
	struct kmod_plan p;

	ck_assert_int_eq(kmod_plan(dep_text, strlen(dep_text), NULL, 0, want_dash, 1, &p, err,
				   sizeof(err)), 0);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_str_eq(p.path[0], "kernel/fs/fscache-x.ko");
	ck_assert_int_eq(kmod_plan(dep_text, strlen(dep_text), NULL, 0, want_none, 2, &p, err,
				   sizeof(err)), -1);
	ck_assert_msg(strstr(err, "kernel module 'vsock'"), "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/* The initramfs: the init, CMD, environment, directory, credentials, modules. */
START_TEST(test_initrd)
{
	char dir[] = "/tmp/lkvm-sb-XXXXXX", path[256], cred[64];
	char *cmd[] = { (char *)"sh", (char *)"-c", (char *)"exit 22", NULL };
	char *envp[] = { (char *)"A=1", (char *)"PATH=/bin", NULL };
	struct sandbox_opts o = { .cmd = cmd, .cmd_argc = 3, .no_stdin = true };
	struct kmod_plan plan = { .n = 1 };
	struct cpio c = { 0 };
	uint32_t mode, size, maj;
	const uint8_t *d;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kernel", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/kernel/9p.ko.xz", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "MODULE", 6), 6);
	close(fd);
	strcpy(plan.path[0], "kernel/9p.ko.xz");
	ck_assert_int_eq(sandbox_initrd(&c, &o, envp, "/home/u/src", dir, &plan, err, sizeof(err)), 0);

	d = cpio_find(&c, "init", &mode, &size, &maj);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(mode, S_IFREG | 0755);
	ck_assert_uint_eq(size, 8);
	ck_assert(!memcmp(d, "FAKEINIT", 8));
	d = cpio_find(&c, "lkvm/argv", &mode, &size, &maj);
	ck_assert_uint_eq(size, 14);
	ck_assert(!memcmp(d, "sh\0-c\0exit 22\0", 14));
	d = cpio_find(&c, "lkvm/env", &mode, &size, &maj);
	ck_assert_uint_eq(size, 14);
	ck_assert(!memcmp(d, "A=1\0PATH=/bin\0", 14));
	d = cpio_find(&c, "lkvm/cwd", &mode, &size, &maj);
	ck_assert_uint_eq(size, 11);
	ck_assert(!memcmp(d, "/home/u/src", 11));
	d = cpio_find(&c, "lkvm/cred", &mode, &size, &maj);
	snprintf(cred, sizeof(cred), "%u %u", (unsigned int)getuid(), (unsigned int)getgid());
	ck_assert(size >= strlen(cred) && !memcmp(d, cred, strlen(cred)));
	ck_assert_ptr_nonnull(cpio_find(&c, "lkvm/no-stdin", &mode, &size, &maj));
	d = cpio_find(&c, "lkvm/mod/9p.ko.xz", &mode, &size, &maj);
	ck_assert_uint_eq(size, 6);
	ck_assert(!memcmp(d, "MODULE", 6));
	d = cpio_find(&c, "lkvm/modules", &mode, &size, &maj);
	ck_assert_uint_eq(size, 9);
	ck_assert(!memcmp(d, "9p.ko.xz\n", 9));
	ck_assert_ptr_nonnull(cpio_find(&c, "dev/console", &mode, &size, &maj));
	ck_assert_uint_eq(mode, S_IFCHR | 0600);
	cpio_free(&c);

	/* A module file that is not there: one line naming it. */
	unlink(path);
	ck_assert_int_eq(sandbox_initrd(&c, &o, envp, "/", dir, &plan, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "kernel/9p.ko.xz"), "%s", err);
	cpio_free(&c);
	snprintf(path, sizeof(path), "%s/kernel", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_split_cmd_and_run_options);
	tcase_add_test(tc, test_split_defaults);
	tcase_add_loop_test(tc, test_split_bad, 0, (int)ARRAY_SIZE(bad_split));
	tcase_add_test(tc, test_split_timeout_bounds);
	tcase_add_loop_test(tc, test_status, 0, (int)ARRAY_SIZE(status_rows));
	tcase_add_test(tc, test_panic_status_is_its_own);
	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_cpio);
	tcase_add_test(tc, test_kver);
	tcase_add_test(tc, test_kmod_plan);
	tcase_add_test(tc, test_kmod_missing_and_dashes);
	tcase_add_test(tc, test_initrd);
	suite_add_tcase(s, tc);
	return s;
}
