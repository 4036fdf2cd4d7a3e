// SPDX-License-Identifier: GPL-2.0
/*
 * Opening virtio-net's backend (net-backend.h) for `lkvm run -n`: passt
 * started with one end of a socket pair (--fd), or the passt listening at
 * socket=PATH, or a TAP interface. All of it on the control thread before
 * its filter goes on (it may fork, exec and open; the I/O thread later
 * only reads and writes the fd). No TCP/IP is parsed in lkvm: passt does
 * that in its own process, confined by its own sandbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lkvm/net-backend.h"
#include "lkvm/run-opts.h"
#include "lkvm/util.h"

#define PASST_ARGS	(8 + 2 * RUN_MAX_HOSTFWD)

/* The child: passt on fd, its stdout on our stderr (stdout is the guest's console). */
static void passt_exec(char *const argv[], int fd, int err_fd, pid_t parent)
{
	int e;

	prctl(PR_SET_PDEATHSIG, SIGTERM);	/* lkvm gone: so is its passt */
	if (getppid() != parent)
		_exit(127);
	if (fcntl(fd, F_SETFD, 0) < 0 || dup2(2, 1) < 0)
		_exit(127);
	execvp(argv[0], argv);
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int passt_start(const struct run_net *n, struct net_backend *be)
{
	char fdarg[16], fwd[RUN_MAX_HOSTFWD][16], mtu[8];
	char *argv[PASST_ARGS];
	unsigned int a = 0;
	int sv[2], ep[2], e = 0;
	pid_t pid, self = getpid();

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (pipe2(ep, O_CLOEXEC) < 0) {
		e = -errno;
		close(sv[0]);
		close(sv[1]);
		return e;
	}
	snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
	snprintf(mtu, sizeof(mtu), "%d", NET_MTU);
	argv[a++] = (char *)"passt";
	argv[a++] = (char *)"--foreground";	/* our child: it dies with us */
	argv[a++] = (char *)"--quiet";
	argv[a++] = (char *)"--mtu";		/* DHCP's MTU: what VIRTIO_NET_F_MTU says */
	argv[a++] = mtu;
	argv[a++] = (char *)"--fd";
	argv[a++] = fdarg;
	for (unsigned int i = 0; i < n->nr_fwd; i++) {
		snprintf(fwd[i], sizeof(fwd[i]), "%u:%u", n->fwd[i].host, n->fwd[i].guest);
		argv[a++] = (char *)(n->fwd[i].udp ? "-u" : "-t");
		argv[a++] = fwd[i];
	}
	argv[a] = NULL;
	pid = fork();
	if (pid == 0)
		passt_exec(argv, sv[1], ep[1], self);
	if (pid < 0)
		e = -errno;
	close(sv[1]);
	close(ep[1]);
	/* exec succeeded: the pipe closes (end of file); failed: the child's errno. */
	if (pid > 0 && read(ep[0], &e, sizeof(e)) == sizeof(e)) {
		e = -e;
		waitpid(pid, NULL, 0);
	}
	close(ep[0]);
	if (e) {
		close(sv[0]);
		return e;
	}
	be->fd = sv[0];
	be->passt = pid;
	snprintf(be->what, sizeof(be->what), "passt");
	return 0;
}

static int passt_connect(const struct run_net *n, struct net_backend *be)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, n->socket, strlen(n->socket) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	be->fd = fd;
	snprintf(be->what, sizeof(be->what), "passt at %s", n->socket);
	return 0;
}

/* A TAP lkvm made is down: up it goes (we had the privilege to make it). */
static void tap_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			pr_warn("--network mode=tap: cannot bring %s up: %s", name, strerror(errno));
	}
	close(s);
}

static int tap_open(const struct run_net *n, struct net_backend *be)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	bool existed = n->tapif[0] && if_nametoindex(n->tapif);
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", n->tapif);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (!existed)
		tap_up(ifr.ifr_name);
	be->fd = fd;
	snprintf(be->what, sizeof(be->what), "%s", ifr.ifr_name);
	return 0;
}

static int net_open_fail(struct run_opts *o, int err)
{
	const struct run_net *n = &o->net;

	if (n->mode == RUN_NET_USER && !n->socket[0] && err == -ENOENT) {
		pr_err("--network mode=user needs passt, which is not installed: install the Debian package 'passt'");
		return LKVM_EXIT_USAGE;
	}
	if (n->mode == RUN_NET_USER && !n->socket[0])
		pr_err("--network mode=user: cannot start passt: %s", strerror(-err));
	else if (n->mode == RUN_NET_USER)
		pr_err("--network mode=user: cannot connect to passt at '%s': %s", n->socket,
		       strerror(-err));
	else if (err == -EPERM || err == -EACCES)
		pr_err("--network mode=tap: %s TAP '%s' needs CAP_NET_ADMIN or a TAP made for this user first (ip tuntap add dev NAME mode tap user USER)",
		       n->tapif[0] && if_nametoindex(n->tapif) ? "attaching to" : "creating",
		       n->tapif[0] ? n->tapif : "tapN");
	else
		pr_err("--network mode=tap: cannot open TAP '%s': %s", n->tapif[0] ? n->tapif : "tapN",
		       strerror(-err));
	return LKVM_EXIT_USAGE;
}

int run_net_open(struct run_opts *o)
{
	struct run_net *n = &o->net;
	struct net_backend *be;
	int err;

	if (n->mode == RUN_NET_NONE)
		return 0;
	be = calloc(1, sizeof(*be));
	if (!be || !(be->rx = malloc(NET_RX_STAGE))) {
		free(be);
		pr_err("--network: out of memory");
		return LKVM_EXIT_ERROR;
	}
	be->fd = -1;
	be->stream = n->mode == RUN_NET_USER;
	if (n->mode == RUN_NET_TAP)
		err = tap_open(n, be);
	else if (n->socket[0])
		err = passt_connect(n, be);
	else
		err = passt_start(n, be);
	if (!err && fcntl(be->fd, F_SETFL, fcntl(be->fd, F_GETFL) | O_NONBLOCK) < 0)
		err = -errno;
	if (err) {
		if (be->fd >= 0)
			close(be->fd);
		free(be->rx);
		free(be);
		return net_open_fail(o, err);
	}
	n->be = be;
	pr_debug("virtio-net0: backend %s (fd %d)", be->what, be->fd);
	return 0;
}

/* passt quits when its socket closes (--fd implies --one-off). */
void run_net_close(struct run_opts *o)
{
	struct net_backend *be = o->net.be;

	if (!be)
		return;
	close(be->fd);
	free(be->rx);
	free(be);
	o->net.be = NULL;
}
