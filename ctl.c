// SPDX-License-Identifier: GPL-2.0
/* The VM's end of its control socket: the name lock, the listener, the requests (ctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lkvm/ctl.h"
#include "lkvm/ras-drill.h"
#include "lkvm/term.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

volatile int ctl_stop_requested;

/*
 * The name's lock file, locked: held until lkvm exits. Whoever held it
 * before may have removed it after we opened it: then ours is a file no
 * one else will find, so try again. Returns the fd, or -errno (-EAGAIN: a
 * live VM holds it).
 */
static int ctl_lock_name(int dir, const char *lock)
{
	for (int tries = 0; tries < 8; tries++) {
		struct stat st, now;
		int fd = openat(dir, lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
				0600);

		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid()) {
			close(fd);
			return -EPERM;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int err = errno == EWOULDBLOCK ? -EAGAIN : -errno;

			close(fd);
			return err;
		}
		if (fstatat(dir, lock, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == st.st_dev &&
		    now.st_ino == st.st_ino)
			return fd;
		close(fd);
	}
	return -EAGAIN;
}

static void ctl_client_drop(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
	c->dead = false;
}

int ctl_listen(struct ctl_server *s, const char *name)
{
	struct sockaddr_un sa;
	struct ctl_dir d;
	struct stat st;
	mode_t old;
	int fd, err;

	memset(s, 0, sizeof(*s));
	s->listen_fd = s->dir_fd = s->lock_fd = -1;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		s->c[i].fd = -1;
	snprintf(s->sock, sizeof(s->sock), "%s%s", name, CTL_SUFFIX);
	snprintf(s->lock, sizeof(s->lock), "%s%s", name, CTL_LOCK_SUFFIX);
	err = ctl_dir_open(&d, true);
	if (err) {
		ctl_dir_error(&d, err);
		return LKVM_EXIT_ERROR;
	}
	s->dir_fd = d.fd;
	snprintf(s->path, sizeof(s->path), "%s/%s", d.path, s->sock);
	err = ctl_lock_name(d.fd, s->lock);
	if (err == -EAGAIN) {
		pr_err("a VM named '%s' is already running; choose another --name", name);
		goto out_usage;
	}
	if (err < 0) {
		pr_err("cannot take the name '%s': %s/%s: %s", name, d.path, s->lock,
		       err == -ELOOP ? "a symbolic link" :
		       err == -EPERM ? "not a regular file of yours" : strerror(-err));
		goto out_error;
	}
	s->lock_fd = err;
	/* The name is ours now; a VM from before lock files may still answer. */
	fd = ctl_connect_in(&d, s->sock);
	if (fd >= 0) {
		close(fd);
		pr_err("a VM named '%s' is already running; choose another --name", name);
		goto out_usage;
	}
	if (fstatat(d.fd, s->sock, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			pr_err("cannot create control socket %s: something that is not a socket has that name; lkvm does not remove it",
			       s->path);
			goto out_error;
		}
		unlinkat(d.fd, s->sock, 0);	/* a dead VM's */
	}
	err = ctl_addr(&d, s->sock, &sa);
	if (err) {
		ctl_dir_error(&d, err);
		goto out_error;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	old = umask(0177);	/* the socket is born 0600: no window for others */
	err = fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	if (!err && (fstatat(d.fd, s->sock, &st, AT_SYMLINK_NOFOLLOW) < 0 || listen(fd, 16) < 0))
		err = -errno;
	if (err) {
		pr_err("cannot create control socket %s: %s", s->path, strerror(-err));
		if (fd >= 0)
			close(fd);
		goto out_error;
	}
	s->listen_fd = fd;
	s->sock_dev = st.st_dev;
	s->sock_ino = st.st_ino;
	return 0;
out_usage:
	ctl_close(s);
	return LKVM_EXIT_USAGE;
out_error:
	ctl_close(s);
	return LKVM_EXIT_ERROR;
}

void ctl_close(struct ctl_server *s)
{
	struct stat st;

	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		ctl_client_drop(&s->c[i]);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		/* Ours only: the name is locked, yet someone may have moved things. */
		if (fstatat(s->dir_fd, s->sock, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_dev == s->sock_dev && st.st_ino == s->sock_ino)
			unlinkat(s->dir_fd, s->sock, 0);
	}
	if (s->lock_fd >= 0) {
		/* Removed while locked: a waiter that opened it sees it is gone (ctl_lock_name). */
		unlinkat(s->dir_fd, s->lock, 0);
		close(s->lock_fd);
	}
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	s->listen_fd = s->lock_fd = s->dir_fd = -1;
}

/* Send all of buf, each part within CTL_REQUEST_WAIT_MS, or mark the client dead. */
static void ctl_send(struct ctl_client *c, const void *buf, size_t len)
{
	uint64_t until = mono_ns() + CTL_REQUEST_WAIT_MS * 1000000ULL;
	const char *p = buf;

	while (len && !c->dead) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		uint64_t now = mono_ns();

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			until = now + CTL_REQUEST_WAIT_MS * 1000000ULL;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && now < until) {
			struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

			poll(&pfd, 1, (int)((until - now) / 1000000) + 1);
			continue;
		}
		c->dead = true;	/* gone, or not reading its reply */
	}
}

static void ctl_reply(struct ctl_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ctl_reply(struct ctl_client *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len > 0)
		ctl_send(c, buf, MIN((size_t)len, sizeof(buf) - 1));
}

/* Every vCPU's registers and code: asked of all at once, 2 s for the whole request. */
static void ctl_dump(struct vm *vm, struct ctl_client *c)
{
	const size_t n = 4096;
	char *bufs = malloc(vm->nr_vcpus * n);
	int *rets = calloc(vm->nr_vcpus, sizeof(*rets));

	if (!bufs || !rets) {
		ctl_reply(c, "error: out of memory\n");
		goto out;
	}
	vcpu_debug_request_all(vm, VCPU_REQ_DUMP, bufs, n, rets);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (rets[i])
			ctl_reply(c, "vCPU %u: no dump: %s\n", i,
				  rets[i] == -ETIMEDOUT ? "it did not answer within 2 s" : strerror(-rets[i]));
		else
			ctl_send(c, bufs + i * n, strlen(bufs + i * n));
	}
out:
	free(bufs);
	free(rets);
}

static void ctl_nmi(struct vm *vm, struct ctl_client *c, const char *arg)
{
	char msg[256] = "";
	uint64_t vcpu;
	int err;

	if (parse_u64(arg, &vcpu) || vcpu >= vm->nr_vcpus) {
		ctl_reply(c, "error: no vCPU %s (the VM has %u)\n", arg, vm->nr_vcpus);
		return;
	}
	err = vcpu_debug_request(&vm->vcpus[vcpu], VCPU_REQ_NMI, msg, sizeof(msg));
	if (err == -ETIMEDOUT)
		ctl_reply(c, "error: vCPU %llu did not answer within 2 s\n", (unsigned long long)vcpu);
	else if (err)
		ctl_reply(c, "error: %s\n", msg[0] ? msg : strerror(-err));
	else
		ctl_reply(c, "ok %s\n", msg);
}

/* Magic sysrq as a serial terminal sends it: a break, then the key. */
static void ctl_sysrq(struct ctl_client *c, const char *arg)
{
	uint64_t key;

	if (parse_u64(arg, &key) || key < 0x21 || key > 0x7e) {
		ctl_reply(c, "error: bad sysrq key\n");
		return;
	}
	if (term_input_break()) {
		ctl_reply(c, "error: this VM's console takes no input\n");
		return;
	}
	term_input((const uint8_t *)&(uint8_t){ (uint8_t)key }, 1);
	ctl_reply(c, "ok\n");
}

static void ctl_handle(struct vm *vm, struct ctl_client *c, char *req)
{
	char cmd[32] = "", arg1[64] = "", arg2[64] = "", arg3[64] = "";
	uint64_t gpa, vcpu = 0;

	if (sscanf(req, "%31s %63s %63s %63s", cmd, arg1, arg2, arg3) < 1) {
		ctl_reply(c, "error: empty request\n");
		return;
	}
	if (!strcmp(cmd, "list")) {
		ctl_reply(c, "%s %d %s %u %llu %u\n", vm->opts->name, (int)getpid(),
			  vm_paused(vm) ? "paused" : "running", vm->nr_vcpus,
			  (unsigned long long)vm->opts->mem_mib, ras_poisoned_count(vm));
	} else if (!strcmp(cmd, "stat")) {
		char buf[4096];
		size_t len = vm_stats_format(vm, buf, sizeof(buf));

		ctl_send(c, buf, len);
	} else if (!strcmp(cmd, "stop")) {
		ctl_reply(c, "ok\n");
		ctl_stop_requested = 1;
		vm_request_stop(vm, LKVM_EXIT_OK, "VM '%s' stopped by 'lkvm stop'", vm->opts->name);
	} else if (!strcmp(cmd, "pause")) {
		/* kvmtool's words, and like kvmtool a second pause is no error. */
		int err = vm_pause(vm);

		if (err == -EALREADY)
			ctl_reply(c, "ok Guest %s is already paused.\n", vm->opts->name);
		else if (err)
			ctl_reply(c, "error: not every vCPU of %s stopped within %d s; the pause stays requested ('lkvm resume' cancels it)\n",
				  vm->opts->name, VM_PAUSE_WAIT_S);
		else
			ctl_reply(c, "ok Guest %s paused\n", vm->opts->name);
	} else if (!strcmp(cmd, "resume")) {
		if (vm_resume(vm))
			ctl_reply(c, "ok Guest %s is still running.\n", vm->opts->name);
		else
			ctl_reply(c, "ok Guest %s resumed\n", vm->opts->name);
	} else if (!strcmp(cmd, "dump")) {
		ctl_dump(vm, c);
	} else if (!strcmp(cmd, "nmi")) {
		ctl_nmi(vm, c, arg1);
	} else if (!strcmp(cmd, "sysrq")) {
		ctl_sysrq(c, arg1);
	} else if (!strcmp(cmd, "poison-self")) {
		char msg[256];
		int err = ras_drill_poison_self(vm, msg, sizeof(msg));

		if (err)
			ctl_reply(c, "error: %s\n", msg);
		else
			ctl_reply(c, "ok lkvm's own page poisoned\n");
	} else if (!strcmp(cmd, "guest-read")) {
		char msg[320];

		if (parse_u64(arg1, &gpa)) {
			ctl_reply(c, "error: bad guest-read request\n");
			return;
		}
		if (ras_drill_guest_read(vm, gpa, msg, sizeof(msg)))
			ctl_reply(c, "error: %s\n", msg);
		else
			ctl_reply(c, "ok %s\n", msg);
	} else if (!strcmp(cmd, "poison")) {
		enum ras_kind kind = !strcmp(arg2, "ao") ? RAS_AO : RAS_AR;
		char msg[256];

		if (parse_u64(arg1, &gpa) || (*arg3 && parse_u64(arg3, &vcpu))) {
			ctl_reply(c, "error: bad poison request\n");
			return;
		}
		if (vcpu >= vm->nr_vcpus) {
			ctl_reply(c, "error: no vCPU %llu (the VM has %u)\n",
				  (unsigned long long)vcpu, vm->nr_vcpus);
			return;
		}
		if (ras_drill_poison_gpa(vm, gpa, kind, (int)vcpu, msg, sizeof(msg)))
			ctl_reply(c, "error: %s\n", msg);
		else
			ctl_reply(c, "ok %s\n", msg);
	} else {
		ctl_reply(c, "error: unknown request '%s'\n", cmd);
	}
}

int ctl_pollfds(struct ctl_server *s, struct pollfd *pfd, int *timeout_ms)
{
	uint64_t now = mono_ns(), next = 0;
	int n = 0;

	pfd[n++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &s->c[i];

		if (c->fd < 0)
			continue;
		pfd[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		if (!next || c->deadline_ns < next)
			next = c->deadline_ns;
	}
	*timeout_ms = !next ? -1 : next <= now ? 0 : (int)((next - now + 999999) / 1000000);
	return n;
}

/* A complete request line (or none, at EOF): whose it is, then the answer. */
static void ctl_client_answer(struct vm *vm, struct ctl_client *c)
{
	uid_t uid = 0;
	int err;

	c->req[c->len] = '\0';
	/*
	 * Who is asking: the socket is 0600 in a directory others cannot
	 * write, and still every request is checked (a socket opened up by
	 * mistake, a directory shared with kvmtool).
	 */
	err = ctl_peer_uid(c->fd, &uid);
	if (err) {
		pr_warn("warning: refused a control connection from uid %u: %s", (unsigned int)uid,
			err == -EPERM ? "only the VM's owner or root may control it" : strerror(-err));
		ctl_reply(c, "error: permission denied: VM '%s' belongs to uid %u\n",
			  vm->opts->name, (unsigned int)getuid());
	} else if (memchr(c->req, '\n', c->len)) {
		ctl_handle(vm, c, c->req);
	} else if (c->len) {
		ctl_reply(c, "error: incomplete request\n");
	}
	ctl_client_drop(c);
}

/* Take what the client sent so far; answer once the line is whole. */
static void ctl_client_read(struct vm *vm, struct ctl_client *c)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->req + c->len, sizeof(c->req) - 1 - c->len, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n > 0)
			c->len += (size_t)n;
		if (n <= 0 || memchr(c->req, '\n', c->len) || c->len == sizeof(c->req) - 1) {
			ctl_client_answer(vm, c);
			return;
		}
	}
}

/*
 * Clients are read as their bytes come, never waited for: one that trickles
 * its request, or sends none, only holds its own slot, until its deadline.
 */
void ctl_serve(struct ctl_server *s, struct vm *vm, const struct pollfd *pfd, int n)
{
	uint64_t now;

	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->c[i].fd >= 0)
			ctl_client_read(vm, &s->c[i]);
	now = mono_ns();
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = &s->c[i];

		if (c->fd < 0 || c->deadline_ns > now)
			continue;
		ctl_reply(c, "error: no complete request line within %d ms\n", CTL_REQUEST_WAIT_MS);
		ctl_client_drop(c);
	}
	if (n < 1 || !(pfd[0].revents & POLLIN))
		return;
	for (;;) {
		struct ctl_client *c = NULL;
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0)
			return;
		for (int i = 0; i < CTL_MAX_CLIENTS && !c; i++)
			if (s->c[i].fd < 0)
				c = &s->c[i];
		if (!c) {
			struct ctl_client busy = { .fd = fd };

			ctl_reply(&busy, "error: %d control requests are already being read; try again\n",
				  CTL_MAX_CLIENTS);
			ctl_client_drop(&busy);
			continue;
		}
		c->fd = fd;
		c->len = 0;
		c->dead = false;
		c->deadline_ns = mono_ns() + CTL_REQUEST_WAIT_MS * 1000000ULL;
		ctl_client_read(vm, c);
	}
}
