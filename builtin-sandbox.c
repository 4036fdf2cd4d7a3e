// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm sandbox [run options] -- CMD [ARGS...]`: run CMD in a Linux guest
 * on the host's own files and exit with its status (docs/sandbox.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hw/virtio-ports.h"
#include "lkvm/arch.h"
#include "lkvm/builtin.h"
#include "lkvm/run-opts.h"
#include "lkvm/sandbox.h"
#include "lkvm/term.h"
#include "lkvm/util.h"

#define SANDBOX_KERNEL_MAX	(256 * MiB)
#define SANDBOX_TAIL		2048	/* console bytes shown when the guest fails */
#define SANDBOX_NR_PORTS	4

extern char **environ;

/* The kernel's console on each machine: the kernel log, never CMD's output. */
static const char *sandbox_console(void)
{
	return strcmp(arch_info()->name, "ppc64") ? "console=ttyS0" : "console=hvc0";
}

static void sandbox_usage(FILE *f)
{
	fprintf(f,
"usage: lkvm sandbox [run options] [--timeout SECS] [--modules DIR] [--verbose]\n"
"                    -- CMD [ARGS...]\n"
"\n"
"Run CMD in a Linux guest that sees the host's / read-only (writes go to a\n"
"throw-away overlay), in the current directory, as the invoking user, and\n"
"exit with CMD's status. CMD's stdout and stderr are lkvm's; stdin passes\n"
"through when it is not a terminal.\n"
"  -k, --kernel FILE   the guest kernel (default: the host's own,\n"
"                      /boot/vmlinuz-$(uname -r) and the like)\n"
"  --modules DIR       its modules (default /lib/modules/<its version>)\n"
"  --timeout SECS      stop the guest after SECS seconds: status 124\n"
"  --verbose           the kernel log on stderr\n"
"  other options as in 'lkvm run --help' (not -i, --console, --reboot)\n"
"\n"
"Exit status: CMD's (killed by signal N: 128+N; not found 127, not\n"
"executable 126), %d guest kernel panic or init death, %d timeout,\n"
"%d lkvm failed, %d a memory error stopped the VM (--ras-policy=stop).\n",
		SANDBOX_EXIT_PANIC, SANDBOX_EXIT_TIMEOUT, SANDBOX_EXIT_LKVM, LKVM_EXIT_RAS_STOP);
}

/* The release read from the kernel image (for /lib/modules/<release>). */
static int sandbox_release(const char *kernel, char *release, size_t rn, char *err, size_t errlen)
{
	size_t size;
	uint8_t *img = sandbox_file_read(kernel, SANDBOX_KERNEL_MAX, &size);
	int ret;

	if (!img) {
		snprintf(err, errlen, "sandbox: cannot read kernel %.300s: %s", kernel, strerror(errno));
		return -1;
	}
	ret = kver_from_image(img, size, release, rn);
	free(img);
	if (ret) {
		snprintf(err, errlen, "sandbox: no version found in kernel %.300s (a compressed image?): give its modules with --modules DIR",
			 kernel);
		return -1;
	}
	return 0;
}

/*
 * The kernel (-k or the host's; its unpacked vmlinux when lkvm has one,
 * sandbox_kernel_unpacked()) and the modules it needs, in load order.
 */
static int sandbox_kernel(struct run_opts *o, const struct sandbox_opts *so, char *kpath,
			  size_t kn, char *moddir, size_t mn, struct kmod_plan *plan, int *unpack_fd,
			  char *err, size_t errlen)
{
	static char vmlinux[PATH_MAX + 256];
	char path[1200], release[80] = "";
	struct utsname u;
	size_t dlen, blen = 0;
	char *dep, *builtin;
	int ret;

	if (!o->kernel) {
		if (uname(&u) || sandbox_kernel_default(u.release, kpath, kn)) {
			snprintf(err, errlen, "sandbox: no readable kernel of this host (/boot/vmlinuz-%s and the like): give one with -k",
				 u.release);
			return -1;
		}
		o->kernel = kpath;
	}
	if (sandbox_release(o->kernel, release, sizeof(release), err, errlen)) {
		if (!so->modules)
			return -1;
		release[0] = '\0';	/* --modules: the release only names the cache entry */
	}
	if (so->modules)
		snprintf(moddir, mn, "%s", so->modules);
	else
		snprintf(moddir, mn, "/lib/modules/%s", release);
	/* Unpacked by lkvm, the guest skips its decompressor; the first run makes the entry. */
	switch (sandbox_kernel_unpacked(o->kernel, release, vmlinux, sizeof(vmlinux))) {
	case 0:
		o->kernel = vmlinux;
		break;
	case 2:
		*unpack_fd = sandbox_kernel_unpack_start(o->kernel, release);
		break;
	}
	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	dep = sandbox_file_read(path, 64 * MiB, &dlen);
	if (!dep) {
		snprintf(err, errlen, "sandbox: cannot read %.300s: %s (the kernel's modules: --modules DIR)",
			 path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/modules.builtin", moddir);
	builtin = sandbox_file_read(path, 64 * MiB, &blen);
	ret = kmod_plan(dep, dlen, builtin, blen, sandbox_modules, sandbox_nr_modules, plan, err,
			errlen);
	free(dep);
	free(builtin);
	return ret;
}

/*
 * make bench-sandbox boots QEMU with the very same initramfs: with
 * $LKVM_SANDBOX_INITRD_OUT set, a copy goes there (a failure is a warning).
 */
static void sandbox_initrd_copy(const struct cpio *c)
{
	const char *path = getenv("LKVM_SANDBOX_INITRD_OUT");
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "we");
	if (!f || fwrite(c->buf, 1, c->len, f) != c->len)
		pr_err("sandbox: cannot write LKVM_SANDBOX_INITRD_OUT %s: %s", path, strerror(errno));
	if (f)
		fclose(f);
}

/* The initramfs in a memfd, named for the loader as /proc/self/fd/N. */
static int sandbox_initrd_fd(const struct sandbox_opts *so, const char *moddir,
			     const struct kmod_plan *plan, char *path, size_t pn, char *err,
			     size_t errlen)
{
	struct cpio c = { 0 };
	char cwd[4096];
	size_t off = 0;
	int fd;

	if (!getcwd(cwd, sizeof(cwd))) {
		snprintf(err, errlen, "sandbox: cannot read the current directory: %s",
			 strerror(errno));
		return -1;
	}
	if (sandbox_initrd(&c, so, environ, cwd, moddir, plan, err, errlen)) {
		cpio_free(&c);
		return -1;
	}
	fd = memfd_create("lkvm-sandbox-initrd", MFD_CLOEXEC);
	while (fd >= 0 && off < c.len) {
		ssize_t w = write(fd, c.buf + off, c.len - off);

		if (w <= 0) {
			close(fd);
			fd = -1;
			break;
		}
		off += (size_t)w;
	}
	sandbox_initrd_copy(&c);
	cpio_free(&c);
	if (fd < 0) {
		snprintf(err, errlen, "sandbox: cannot write the initramfs: %s", strerror(errno));
		return -1;
	}
	snprintf(path, pn, "/proc/self/fd/%d", fd);
	return fd;
}

/* The last bytes of the kernel log, for a guest that failed. */
static void sandbox_tail(int fd)
{
	char buf[SANDBOX_TAIL];
	off_t end = lseek(fd, 0, SEEK_END);
	ssize_t r;

	if (end <= 0)
		return;
	r = pread(fd, buf, sizeof(buf), end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0);
	if (r > 0) {
		fprintf(stderr, "sandbox: the guest console's last lines:\n");
		fwrite(buf, 1, (size_t)r, stderr);
		if (buf[r - 1] != '\n')
			fputc('\n', stderr);
	}
}

static int sandbox_run(struct run_opts *o, const struct sandbox_opts *so, int status_rd,
		       int console_fd)
{
	struct run_session rs = { .keep_reset = true };
	struct sandbox_end e = { 0 };
	char rep[4096], msg[512];
	const char *why;
	ssize_t r;
	int status;

	if (so->timeout_s)
		rs.deadline_ns = mono_ns() + (uint64_t)so->timeout_s * 1000000000ULL;
	e.vm_status = run_session(o, &rs);
	e.timed_out = rs.timed_out;
	r = read(status_rd, rep, sizeof(rep));
	switch (r > 0 ? sandbox_report_parse(rep, (size_t)r, &e.cmd_status, msg, sizeof(msg)) : 0) {
	case 1:
		e.reported = true;
		break;
	case 2:
		e.init_failed = true;
		pr_err("sandbox: the guest could not run the command: %s", msg);
		break;
	}
	status = sandbox_status(&e, &why);
	if (why)
		pr_err("%s", why);
	if (console_fd >= 0 && (status == SANDBOX_EXIT_PANIC || e.init_failed))
		sandbox_tail(console_fd);
	return status;
}

/*
 * A terminal (or another character device) blocks the ports' I/O thread
 * while it is paused: the ports write to a non-blocking file description
 * of their own (hw/virtio-ports.h). Anything else is used as it is.
 */
static int sandbox_out_fd(int fd)
{
	struct stat st;
	char path[32];
	int n;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	return n >= 0 ? n : fd;
}

/* CMD's stdin, stdout, stderr and the init's status line; *status_rd: where lkvm reads it. */
static int sandbox_ports(struct vport_spec *ports, const struct sandbox_opts *so, int *status_rd)
{
	int st[2];

	if (pipe2(st, O_CLOEXEC) || fcntl(st[0], F_SETFL, O_NONBLOCK)) {
		pr_err("sandbox: pipe: %s", strerror(errno));
		return -1;
	}
	ports[0] = (struct vport_spec){ SANDBOX_PORT_STDIN, so->no_stdin ? -1 : STDIN_FILENO, -1 };
	ports[1] = (struct vport_spec){ SANDBOX_PORT_STDOUT, -1, sandbox_out_fd(STDOUT_FILENO) };
	ports[2] = (struct vport_spec){ SANDBOX_PORT_STDERR, -1, sandbox_out_fd(STDERR_FILENO) };
	ports[3] = (struct vport_spec){ SANDBOX_PORT_STATUS, -1, st[1] };
	*status_rd = st[0];
	return 0;
}

int cmd_sandbox(int argc, char **argv)
{
	char **run_argv = calloc((size_t)argc + 1, sizeof(*run_argv));
	char err[512], kpath[1200], moddir[1100], initrd[64], params[4096];
	struct sandbox_opts so;
	struct run_opts o;
	struct kmod_plan plan;
	struct vport_spec ports[SANDBOX_NR_PORTS];
	int run_argc, initrd_fd, console_fd = -1, unpack_fd = -1, st, ret;

	if (!run_argv)
		return SANDBOX_EXIT_LKVM;
	if (sandbox_opts_split(&so, argc, argv, run_argv, &run_argc, err, sizeof(err)) ||
	    (!so.help && run_opts_parse(&o, run_argc, run_argv, err, sizeof(err)))) {
		pr_err("%s", err);
		free(run_argv);
		return SANDBOX_EXIT_LKVM;
	}
	if (so.help || o.help) {
		sandbox_usage(stdout);
		free(run_argv);
		return LKVM_EXIT_OK;
	}
	so.no_stdin = isatty(STDIN_FILENO);
	if (sandbox_kernel(&o, &so, kpath, sizeof(kpath), moddir, sizeof(moddir), &plan,
			   &unpack_fd, err, sizeof(err)) ||
	    (initrd_fd = sandbox_initrd_fd(&so, moddir, &plan, initrd, sizeof(initrd), err,
					   sizeof(err))) < 0 ||
	    run_opts_9p(&o, "/," SANDBOX_ROOT_TAG ",ro", err, sizeof(err))) {
		pr_err("%s", err);
		free(run_argv);
		return SANDBOX_EXIT_LKVM;
	}
	o.shares[o.nr_shares - 1].xdev = true;
	o.initrd = initrd;
	/* cryptomgr.notests: no crypto self-tests at each boot (docs/sandbox.md, "Kernel command line"). */
	snprintf(params, sizeof(params), "%s panic=-1 rdinit=/init cryptomgr.notests%s%s%s",
		 sandbox_console(), so.verbose ? "" : " quiet", o.params ? " " : "", o.params ? o.params : "");
	o.params = params;
	/* CMD's stderr is lkvm's: only errors, unless asked (--loglevel, --verbose). */
	if (o.loglevel < 0)
		o.loglevel = so.verbose ? LKVM_LOG_INFO : LKVM_LOG_ERROR;
	lkvm_loglevel = (enum lkvm_loglevel)o.loglevel;
	if (sandbox_ports(ports, &so, &st)) {
		free(run_argv);
		return SANDBOX_EXIT_LKVM;
	}
	o.ports = ports;
	o.nr_ports = SANDBOX_NR_PORTS;
	if (so.verbose)
		term_out_set_fd(STDERR_FILENO);
	else if ((console_fd = memfd_create("lkvm-sandbox-console", MFD_CLOEXEC)) >= 0)
		term_out_set_fd(console_fd);
	else
		term_out_set_fd(open("/dev/null", O_WRONLY | O_CLOEXEC));
	if (run_shares_open(&o, err, sizeof(err))) {
		pr_err("%s", err);
		free(run_argv);
		return SANDBOX_EXIT_LKVM;
	}
	ret = sandbox_run(&o, &so, st, console_fd);
	sandbox_kernel_unpack_wait(unpack_fd);	/* a cache entry half made helps nobody */
	close(initrd_fd);
	free(run_argv);
	return ret;
}

