// SPDX-License-Identifier: GPL-2.0
/*
 * The init of `lkvm sandbox` (PID 1 in the guest, static, one per arch):
 * load the modules, mount the host's / read-only over 9p under a tmpfs
 * overlay, run CMD as the invoking user on the virtio-console ports,
 * report its status on the status port and power off. Protocol and files:
 * docs/sandbox.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/sandbox.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE	4
#endif
#define NGROUPS_MAX_SB	256
#define PORT_WAIT_MS	10000

extern char **environ;

enum { P_STDIN, P_STDOUT, P_STDERR, P_STATUS, P_NR };
static const char *const port_names[P_NR] = {
	SANDBOX_PORT_STDIN, SANDBOX_PORT_STDOUT, SANDBOX_PORT_STDERR, SANDBOX_PORT_STATUS,
};
static int port_fd[P_NR] = { -1, -1, -1, -1 };
static int kmsg_fd = -1;

/*
 * Where boot time goes: each step as an info line in the kernel log (with
 * its timestamp; on the console only with --verbose, which drops "quiet").
 */
static void step(const char *what)
{
	char line[96];
	int n = snprintf(line, sizeof(line), "<6>lkvm sandbox init: %s\n", what);

	if (kmsg_fd >= 0 && write(kmsg_fd, line, (size_t)n) < 0)
		(void)0;
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/*
 * A setup failure: one line on the status port (lkvm prints it, status
 * 125), and on the console for --verbose; then power off. Without the
 * status port the guest powers off unreported: lkvm says 122 and why.
 */
static void __attribute__((noreturn, format(printf, 1, 2))) fail(const char *fmt, ...)
{
	char msg[512];
	char line[560];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "error %s\n", msg);
	if (port_fd[P_STATUS] >= 0 && write(port_fd[P_STATUS], line, (size_t)n) < 0)
		(void)0;
	fprintf(stderr, "lkvm sandbox init: %s\n", msg);
	power_off();
	__builtin_unreachable();
}

/* A whole small file of the initramfs, NUL-terminated; *len without the NUL. */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	if (fd < 0 || !buf)
		fail("cannot read %s: %s", path, strerror(errno));
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				fail("out of memory reading %s", path);
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* NUL-separated strings as a NULL-terminated vector. */
static char **split0(char *buf, size_t len)
{
	size_t n = 0, k = 0;
	char **v;

	for (size_t i = 0; i < len; i++)
		n += !buf[i];
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		fail("out of memory");
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
		v[k++] = buf + i;
	v[k] = NULL;
	return v;
}

static void mount_or_fail(const char *src, const char *dst, const char *type, unsigned long fl,
			  const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, fl, data))
		fail("mount %s (%s) on %s: %s", src, type, dst, strerror(errno));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* /lkvm/modules: one file name of /lkvm/mod/ per line, dependencies first. */
static void modules_load(void)
{
	size_t len;
	char *list = slurp("/lkvm/modules", &len), *save = NULL;

	for (char *name = strtok_r(list, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
		bool packed = ends_with(name, ".xz") || ends_with(name, ".zst") || ends_with(name, ".gz");
		char path[300];
		int fd;

		snprintf(path, sizeof(path), "/lkvm/mod/%s", name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail("module %s: %s", name, strerror(errno));
		if (syscall(SYS_finit_module, fd, "", packed ? MODULE_INIT_COMPRESSED_FILE : 0) &&
		    errno != EEXIST) {
			if (packed && (errno == EOPNOTSUPP || errno == EINVAL))
				fail("module %s: this kernel cannot decompress modules itself (CONFIG_MODULE_DECOMPRESS): give uncompressed ones with --modules DIR",
				     name);
			fail("module %s: finit_module: %s", name, strerror(errno));
		}
		close(fd);
	}
	free(list);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The ports appear as the host announces them: wait for each by name. */
static void ports_open(bool want_stdin)
{
	for (int waited = 0; waited < PORT_WAIT_MS; waited += 10) {
		DIR *d = opendir("/sys/class/virtio-ports");
		struct dirent *e;
		int found = 0;

		while (d && (e = readdir(d))) {
			char path[300], name[80] = "", dev[300];
			int fd;
			ssize_t r;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", e->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			r = read(fd, name, sizeof(name) - 1);
			close(fd);
			if (r <= 0)
				continue;
			name[r] = '\0';
			name[strcspn(name, "\n")] = '\0';
			for (int p = 0; p < P_NR; p++) {
				if (strcmp(name, port_names[p]) || port_fd[p] >= 0)
					continue;
				if (p == P_STDIN && !want_stdin)
					continue;
				snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
				port_fd[p] = open(dev, (p == P_STDIN ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
			}
		}
		if (d)
			closedir(d);
		for (int p = 0; p < P_NR; p++)
			found += port_fd[p] >= 0 || (p == P_STDIN && !want_stdin);
		if (found == P_NR)
			return;
		sleep_ms(10);
	}
	for (int p = 0; p < P_NR; p++)
		if (port_fd[p] < 0 && (p != P_STDIN || want_stdin))
			fail("virtio-console port %s did not appear within %d s", port_names[p],
			     PORT_WAIT_MS / 1000);
}

/* Whether dir is top or below it. */
static bool below(const char *dir, const char *top)
{
	size_t n = strlen(top);

	return !strncmp(dir, top, n) && (dir[n] == '/' || !dir[n]);
}

/*
 * The host's / read-only under a tmpfs overlay, entered with proc, sys,
 * dev, and fresh /tmp and /run, unless CMD's directory is in them: then
 * they stay the host's (seen through the overlay, so writes stay here).
 */
static void root_switch(const char *cwd)
{
	mount_or_fail(SANDBOX_ROOT_TAG, "/lower", "9p", MS_RDONLY,
		      "trans=virtio,version=9p2000.L,msize=262144,cache=loose");
	step("9p mounted");
	mount_or_fail("rw", "/rw", "tmpfs", 0, "mode=0755");
	mkdir("/rw/upper", 0755);
	mkdir("/rw/work", 0755);
	mount_or_fail("overlay", "/newroot", "overlay", 0,
		      "lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work");
	mount_or_fail("proc", "/newroot/proc", "proc", 0, NULL);
	mount_or_fail("sys", "/newroot/sys", "sysfs", 0, NULL);
	mount_or_fail("/dev", "/newroot/dev", NULL, MS_MOVE, NULL);
	if (!below(cwd, "/tmp"))
		mount_or_fail("tmp", "/newroot/tmp", "tmpfs", 0, "mode=1777");
	if (!below(cwd, "/run"))
		mount_or_fail("run", "/newroot/run", "tmpfs", 0, "mode=0755");
	if (chdir("/newroot") || mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/"))
		fail("entering the new root: %s", strerror(errno));
}

struct cred {
	uid_t uid;
	gid_t gid;
	gid_t groups[NGROUPS_MAX_SB];
	int ngroups;
};

/* /lkvm/cred: "uid gid g1 g2 ..." */
static void cred_read(struct cred *c)
{
	size_t len;
	char *s = slurp("/lkvm/cred", &len), *p = s, *end;
	unsigned long v[2 + NGROUPS_MAX_SB];
	int n = 0;

	while (n < 2 + NGROUPS_MAX_SB) {
		v[n] = strtoul(p, &end, 10);
		if (end == p)
			break;
		n++;
		p = end;
	}
	if (n < 2)
		fail("/lkvm/cred: no uid and gid");
	c->uid = (uid_t)v[0];
	c->gid = (gid_t)v[1];
	c->ngroups = n - 2;
	for (int i = 0; i < c->ngroups; i++)
		c->groups[i] = (gid_t)v[2 + i];
	free(s);
}

/* The child: become the user, enter the directory, run CMD on the ports. */
static void __attribute__((noreturn)) cmd_exec(const struct cred *c, const char *cwd, char **argv,
					       char **envp)
{
	int in = port_fd[P_STDIN] >= 0 ? port_fd[P_STDIN] : open("/dev/null", O_RDONLY);

	setsid();
	if (dup2(in, 0) < 0 || dup2(port_fd[P_STDOUT], 1) < 0 || dup2(port_fd[P_STDERR], 2) < 0)
		_exit(SANDBOX_EXIT_LKVM);
	if (setgroups((size_t)c->ngroups, c->groups) || setgid(c->gid) || setuid(c->uid)) {
		dprintf(2, "lkvm sandbox: cannot become uid %u gid %u: %s\n", (unsigned int)c->uid,
			(unsigned int)c->gid, strerror(errno));
		_exit(SANDBOX_EXIT_LKVM);
	}
	if (chdir(cwd)) {
		dprintf(2, "lkvm sandbox: cannot enter %s: %s\n", cwd, strerror(errno));
		_exit(SANDBOX_EXIT_LKVM);
	}
	environ = envp;
	execvp(argv[0], argv);
	/* As a shell says it: 127 not found, 126 found but not runnable. */
	dprintf(2, "lkvm sandbox: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT || errno == ENOTDIR ? 127 : 126);
}

int main(void)
{
	size_t alen, elen, clen;
	char *args, *env, *cwd, **argv, **envp;
	struct cred cred;
	int st = 0, status;
	char line[32];
	pid_t child, p;
	bool want_stdin;

	mount_or_fail("proc", "/proc", "proc", 0, NULL);
	mount_or_fail("sys", "/sys", "sysfs", 0, NULL);
	mount_or_fail("dev", "/dev", "devtmpfs", 0, "mode=0755");
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	step("mounted proc, sys, dev");
	modules_load();
	step("modules loaded");
	want_stdin = access("/lkvm/no-stdin", F_OK) != 0;
	ports_open(want_stdin);
	step("ports open");
	args = slurp("/lkvm/argv", &alen);
	env = slurp("/lkvm/env", &elen);
	cwd = slurp("/lkvm/cwd", &clen);
	argv = split0(args, alen);
	envp = split0(env, elen);
	if (!argv[0])
		fail("/lkvm/argv: no command");
	cred_read(&cred);
	root_switch(cwd);
	step("root mounted");

	child = fork();
	if (child < 0)
		fail("fork: %s", strerror(errno));
	if (!child)
		cmd_exec(&cred, cwd, argv, envp);
	/* PID 1 inherits every orphan: reap them all until CMD itself ends. */
	while ((p = wait(&st)) != child)
		if (p < 0 && errno != EINTR)
			fail("wait: %s", strerror(errno));
	status = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	step("command ended");
	/* CMD is done: so is what it left behind; their ports' bytes reach lkvm on close. */
	kill(-1, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	close(port_fd[P_STDOUT]);
	close(port_fd[P_STDERR]);
	sync();
	snprintf(line, sizeof(line), "exit %d\n", status);
	if (write(port_fd[P_STATUS], line, strlen(line)) < 0)
		fprintf(stderr, "lkvm sandbox init: status port: %s\n", strerror(errno));
	close(port_fd[P_STATUS]);
	power_off();
	return 0;
}
