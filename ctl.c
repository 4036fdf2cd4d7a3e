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
#include "lkvm/term.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

volatile int ctl_stop_requested;

/*
 * The control directory: $LKVM_DIR, else ~/.lkvm (kvmtool's directory too:
 * kvmtool makes it 0755 and puts its own <name>.sock there), else
 * /tmp/lkvm-<uid>. lkvm makes it 0700; it accepts one that is yours and
 * that nobody else can write, so no one can put or remove sockets in it.
 * The sockets themselves are 0600.
 */
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
	if (!S_ISDIR(st.st_mode))
		return CTL_DIR_NOTDIR;
	if (st.st_uid != getuid())
		return CTL_DIR_FOREIGN;
	if (st.st_mode & 022)
		return CTL_DIR_WRITABLE;
	return 0;
}

void ctl_dir_error(int err)
{
	char dir[256];
	struct stat st;

	ctl_dir(dir, sizeof(dir), 0);
	if (err == CTL_DIR_FOREIGN && stat(dir, &st) == 0)
		pr_err("cannot use the control directory %s: it belongs to uid %u, not to you (uid %u); set LKVM_DIR to a directory of yours",
		       dir, (unsigned int)st.st_uid, (unsigned int)getuid());
	else if (err == CTL_DIR_WRITABLE && stat(dir, &st) == 0)
		pr_err("cannot use the control directory %s: others can write to it (mode %04o); chmod go-w %s",
		       dir, (unsigned int)(st.st_mode & 07777), dir);
	else if (err == CTL_DIR_NOTDIR)
		pr_err("cannot use the control directory %s: it is not a directory", dir);
	else
		pr_err("cannot use the control directory %s: %s", dir, strerror(-err));
}

static int ctl_addr(const char *name, struct sockaddr_un *sa, int create)
{
	char dir[sizeof(sa->sun_path)];
	int err = ctl_dir(dir, sizeof(dir), create);

	if (err)
		return err;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if ((size_t)snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s%s", dir, name,
			     CTL_SUFFIX) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

/* Only the VM's owner or root may talk to it; and only to such a VM. */
static int ctl_peer_uid(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return -errno;
	*uid = cr.uid;
	return cr.uid == getuid() || cr.uid == 0 ? 0 : -EPERM;
}

static int ctl_connect(const char *name)
{
	struct sockaddr_un sa;
	struct timeval tv = { .tv_sec = CTL_REPLY_WAIT_S };
	int fd, err = ctl_addr(name, &sa, 0);
	uid_t uid;

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
	err = ctl_peer_uid(fd, &uid);
	if (err) {
		close(fd);
		return err == -EPERM ? -EXDEV : err;	/* someone else's socket */
	}
	return fd;
}

int ctl_listen(const char *name, char *path, size_t n)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd, err = ctl_addr(name, &sa, 1);

	if (err) {
		ctl_dir_error(err);
		return -LKVM_EXIT_ERROR;
	}
	fd = ctl_connect(name);
	if (fd >= 0) {
		close(fd);
		pr_err("a VM named '%s' is already running; choose another --name", name);
		return -LKVM_EXIT_USAGE;
	}
	unlink(sa.sun_path);	/* stale socket of a VM that is gone */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	old = umask(0177);	/* the socket is born 0600: no window for others */
	err = fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	if (err || chmod(sa.sun_path, 0600) < 0 || listen(fd, 8) < 0) {
		pr_err("cannot create control socket %s: %s", sa.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -LKVM_EXIT_ERROR;
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

/* Every vCPU's registers and code, vCPU by vCPU. */
static void ctl_dump(struct vm *vm, int fd)
{
	static char buf[4096];

	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		int err = vcpu_debug_request(&vm->vcpus[i], VCPU_REQ_DUMP, buf, sizeof(buf));

		if (err)
			ctl_reply(fd, "vCPU %u: no dump: %s\n", i,
				  err == -ETIMEDOUT ? "it did not answer within 2 s" : strerror(-err));
		else if (send(fd, buf, strlen(buf), MSG_NOSIGNAL) < 0)
			return;
	}
}

static void ctl_nmi(struct vm *vm, int fd, const char *arg)
{
	char msg[256] = "";
	uint64_t vcpu;
	int err;

	if (parse_u64(arg, &vcpu) || vcpu >= vm->nr_vcpus) {
		ctl_reply(fd, "error: no vCPU %s (the VM has %u)\n", arg, vm->nr_vcpus);
		return;
	}
	err = vcpu_debug_request(&vm->vcpus[vcpu], VCPU_REQ_NMI, msg, sizeof(msg));
	if (err == -ETIMEDOUT)
		ctl_reply(fd, "error: vCPU %llu did not answer within 2 s\n", (unsigned long long)vcpu);
	else if (err)
		ctl_reply(fd, "error: %s\n", msg[0] ? msg : strerror(-err));
	else
		ctl_reply(fd, "ok %s\n", msg);
}

/* Magic sysrq as a serial terminal sends it: a break, then the key. */
static void ctl_sysrq(int fd, const char *arg)
{
	uint64_t c;

	if (parse_u64(arg, &c) || c < 0x21 || c > 0x7e) {
		ctl_reply(fd, "error: bad sysrq key\n");
		return;
	}
	if (term_input_break()) {
		ctl_reply(fd, "error: this VM's console takes no input\n");
		return;
	}
	term_input((const uint8_t *)&(uint8_t){ (uint8_t)c }, 1);
	ctl_reply(fd, "ok\n");
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
		/* kvmtool's words, and like kvmtool a second pause is no error. */
		int err = vm_pause(vm);

		if (err == -EALREADY)
			ctl_reply(fd, "ok Guest %s is already paused.\n", vm->opts->name);
		else if (err)
			ctl_reply(fd, "error: not every vCPU of %s stopped within %d s; the pause stays requested ('lkvm resume' cancels it)\n",
				  vm->opts->name, VM_PAUSE_WAIT_S);
		else
			ctl_reply(fd, "ok Guest %s paused\n", vm->opts->name);
	} else if (!strcmp(cmd, "resume")) {
		if (vm_resume(vm))
			ctl_reply(fd, "ok Guest %s is still running.\n", vm->opts->name);
		else
			ctl_reply(fd, "ok Guest %s resumed\n", vm->opts->name);
	} else if (!strcmp(cmd, "dump")) {
		ctl_dump(vm, fd);
	} else if (!strcmp(cmd, "nmi")) {
		ctl_nmi(vm, fd, arg1);
	} else if (!strcmp(cmd, "sysrq")) {
		ctl_sysrq(fd, arg1);
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
	uid_t uid = 0;
	int fd, err;

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
	/*
	 * Who is asking: the socket is 0600 in a directory others cannot
	 * write, and still every request is checked (a socket opened up by
	 * mistake, a directory shared with kvmtool).
	 */
	err = ctl_peer_uid(fd, &uid);
	if (err) {
		pr_warn("warning: refused a control connection from uid %u: %s", (unsigned int)uid,
			err == -EPERM ? "only the VM's owner or root may control it" : strerror(-err));
		ctl_reply(fd, "error: permission denied: VM '%s' belongs to uid %u\n",
			  vm->opts->name, (unsigned int)getuid());
	} else if (memchr(req, '\n', len)) {
		ctl_handle(vm, fd, req);
	} else if (len) {
		ctl_reply(fd, "error: incomplete request\n");
	}
	close(fd);
}

bool ctl_running(const char *name)
{
	int fd = ctl_connect(name);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int ctl_query(const char *name, const char *req, char *buf, size_t n)
{
	size_t len = 0;
	ssize_t r;
	int fd = ctl_connect(name);

	if (fd < 0)
		return fd;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 || send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		close(fd);
		return -EIO;
	}
	while (len + 1 < n && (r = recv(fd, buf + len, n - 1 - len, 0)) > 0)
		len += (size_t)r;
	buf[len] = '\0';
	close(fd);
	return strncmp(buf, "error: ", 7) ? 0 : -EIO;
}

static void ctl_connect_error(const char *name, int err)
{
	if (err == -ENOENT || err == -ECONNREFUSED)
		pr_err("no running VM named '%s'; see 'lkvm list'", name);
	else if (err == -EXDEV)
		pr_err("VM '%s': its control socket belongs to another user; not talking to it", name);
	else if (err <= CTL_DIR_NOTDIR && err >= CTL_DIR_WRITABLE)
		ctl_dir_error(err);
	else
		pr_err("cannot reach VM '%s': %s", name, strerror(-err));
}

int ctl_request(const char *name, const char *req)
{
	char buf[1024];
	ssize_t n;
	int fd, status = LKVM_EXIT_OK;
	bool first = true;

	fd = ctl_connect(name);
	if (fd < 0) {
		ctl_connect_error(name, fd);
		return LKVM_EXIT_ERROR;
	}
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0) {
		pr_err("cannot talk to VM '%s': %s", name, strerror(errno));
		close(fd);
		return LKVM_EXIT_ERROR;
	}
	for (;;) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
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
	if (first) {
		/* No reply at all: the request may or may not have been carried out. */
		if (n < 0)
			pr_err("VM '%s' did not answer '%s' within %d s: %s; it may not have been done",
			       name, req, CTL_REPLY_WAIT_S,
			       errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno));
		else
			pr_err("VM '%s' closed the connection without answering '%s'; it may not have been done",
			       name, req);
		status = LKVM_EXIT_ERROR;
	}
	close(fd);
	return status;
}
