// SPDX-License-Identifier: GPL-2.0
/* Per-VM control socket: list, stop, pause, resume, poison. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "lkvm/ctl.h"
#include "lkvm/ras-drill.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

volatile int ctl_stop_requested;

int ctl_dir(char *buf, size_t n, int create)
{
	const char *env = getenv("LKVM_DIR"), *home = getenv("HOME");
	struct stat st;

	if (env && *env)
		snprintf(buf, n, "%s", env);
	else if (home && *home)
		snprintf(buf, n, "%s/.lkvm", home);
	else
		snprintf(buf, n, "/tmp/lkvm-%u", (unsigned int)getuid());
	if (create && mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (stat(buf, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

static int ctl_addr(const char *name, struct sockaddr_un *sa, int create)
{
	char dir[sizeof(sa->sun_path)];
	int err = ctl_dir(dir, sizeof(dir), create);

	if (err)
		return err;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if ((size_t)snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s.sock", dir, name) >=
	    sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

static int ctl_connect(const char *name)
{
	struct sockaddr_un sa;
	struct timeval tv = { .tv_sec = 10 };
	int fd, err = ctl_addr(name, &sa, 0);

	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int ctl_listen(const char *name, char *path, size_t n)
{
	struct sockaddr_un sa;
	int fd, err = ctl_addr(name, &sa, 1);

	if (err) {
		pr_err("cannot use the control directory for VM '%s': %s", name,
		       err == -EPERM ? "it must be a directory owned by you with mode 0700" :
		       strerror(-err));
		return -1;
	}
	fd = ctl_connect(name);
	if (fd >= 0) {
		close(fd);
		pr_err("a VM named '%s' is already running; choose another --name", name);
		return -1;
	}
	unlink(sa.sun_path);	/* stale socket of a VM that is gone */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		pr_err("cannot create control socket %s: %s", sa.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(path, n, "%s", sa.sun_path);
	return fd;
}

static void ctl_reply(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ctl_reply(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len > 0 && send(fd, buf, MIN((size_t)len, sizeof(buf) - 1), MSG_NOSIGNAL) < 0)
		return;
}

static void ctl_handle(struct vm *vm, int fd, char *req)
{
	char cmd[32] = "", arg1[64] = "", arg2[64] = "", arg3[64] = "";
	uint64_t gpa, vcpu = 0;

	if (sscanf(req, "%31s %63s %63s %63s", cmd, arg1, arg2, arg3) < 1) {
		ctl_reply(fd, "error: empty request\n");
		return;
	}
	if (!strcmp(cmd, "list")) {
		ctl_reply(fd, "%s %d %s %u %llu %u\n", vm->opts->name, (int)getpid(),
			  vm_paused(vm) ? "paused" : "running", vm->nr_vcpus,
			  (unsigned long long)vm->opts->mem_mib, ras_poisoned_count(vm));
	} else if (!strcmp(cmd, "stat")) {
		char buf[4096];
		size_t len = vm_stats_format(vm, buf, sizeof(buf));

		if (send(fd, buf, len, MSG_NOSIGNAL) < 0)
			return;
	} else if (!strcmp(cmd, "stop")) {
		ctl_reply(fd, "ok\n");
		ctl_stop_requested = 1;
		vm_request_stop(vm, LKVM_EXIT_OK, "VM '%s' stopped by 'lkvm stop'", vm->opts->name);
	} else if (!strcmp(cmd, "pause")) {
		ctl_reply(fd, vm_pause(vm) ? "error: already paused\n" : "ok\n");
	} else if (!strcmp(cmd, "resume")) {
		ctl_reply(fd, vm_resume(vm) ? "error: not paused\n" : "ok\n");
	} else if (!strcmp(cmd, "poison-self")) {
		char msg[256];
		int err = ras_drill_poison_self(vm, msg, sizeof(msg));

		if (err)
			ctl_reply(fd, "error: %s\n", msg);
		else
			ctl_reply(fd, "ok lkvm's own page poisoned\n");
	} else if (!strcmp(cmd, "guest-read")) {
		char msg[320];

		if (parse_u64(arg1, &gpa)) {
			ctl_reply(fd, "error: bad guest-read request\n");
			return;
		}
		if (ras_drill_guest_read(vm, gpa, msg, sizeof(msg)))
			ctl_reply(fd, "error: %s\n", msg);
		else
			ctl_reply(fd, "ok %s\n", msg);
	} else if (!strcmp(cmd, "poison")) {
		enum ras_kind kind = !strcmp(arg2, "ao") ? RAS_AO : RAS_AR;
		char msg[256];

		if (parse_u64(arg1, &gpa) || (*arg3 && parse_u64(arg3, &vcpu))) {
			ctl_reply(fd, "error: bad poison request\n");
			return;
		}
		if (vcpu >= vm->nr_vcpus) {
			ctl_reply(fd, "error: no vCPU %llu (the VM has %u)\n",
				  (unsigned long long)vcpu, vm->nr_vcpus);
			return;
		}
		if (ras_drill_poison_gpa(vm, gpa, kind, (int)vcpu, msg, sizeof(msg)))
			ctl_reply(fd, "error: %s\n", msg);
		else
			ctl_reply(fd, "ok %s\n", msg);
	} else {
		ctl_reply(fd, "error: unknown request '%s'\n", cmd);
	}
}

void ctl_serve_one(struct vm *vm, int listen_fd)
{
	struct timeval tv = { .tv_sec = 1 };
	char req[256];
	size_t len = 0;
	int fd;

	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* A client that never sends a line must not hold the VM's main loop. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(req) - 1) {
		ssize_t n = recv(fd, req + len, sizeof(req) - 1 - len, 0);

		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(req, '\n', len))
			break;
	}
	req[len] = '\0';
	if (memchr(req, '\n', len))
		ctl_handle(vm, fd, req);
	else
		ctl_reply(fd, "error: incomplete request\n");
	close(fd);
}

int ctl_request(const char *name, const char *req)
{
	char buf[1024];
	ssize_t n;
	int fd, status = LKVM_EXIT_OK;
	bool first = true;

	fd = ctl_connect(name);
	if (fd < 0) {
		if (fd == -ENOENT || fd == -ECONNREFUSED)
			pr_err("no running VM named '%s'; see 'lkvm list'", name);
		else
			pr_err("cannot reach VM '%s': %s", name, strerror(-fd));
		return LKVM_EXIT_ERROR;
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		pr_err("cannot talk to VM '%s': %s", name, strerror(errno));
		close(fd);
		return LKVM_EXIT_ERROR;
	}
	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		if (first && !strncmp(buf, "error: ", 7)) {
			char *nl = strchr(buf, '\n');

			if (nl)
				*nl = '\0';
			pr_err("VM '%s': %s", name, buf + 7);
			status = LKVM_EXIT_ERROR;
		} else if (strncmp(buf, "ok", 2) || !first) {
			fputs(buf, stdout);
		} else if (buf[2] == ' ') {
			fputs(buf + 3, stdout);
		}
		first = false;
	}
	close(fd);
	return status;
}
