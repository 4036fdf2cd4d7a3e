// SPDX-License-Identifier: GPL-2.0
/* The client end of a VM's control socket: lkvm list, stop, pause, debug... (ctl.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lkvm/ctl.h"
#include "lkvm/util.h"

static int ctl_connect(const char *name)
{
	char file[RUN_NAME_MAX + sizeof(CTL_SUFFIX)];
	struct ctl_dir d;
	int fd = ctl_dir_open(&d, false);

	if (fd)
		return fd;
	snprintf(file, sizeof(file), "%s%s", name, CTL_SUFFIX);
	fd = ctl_connect_in(&d, file);
	close(d.fd);
	return fd;
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
	else if (CTL_DIR_ERR(err) || err == -ENAMETOOLONG) {
		struct ctl_dir d;

		if (!ctl_dir_open(&d, false))
			close(d.fd);
		ctl_dir_error(&d, err);
	}
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
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			pr_err("VM '%s' did not answer '%s' within %d s; it may not have been done",
			       name, req, CTL_REPLY_WAIT_S);
		else if (n < 0)
			pr_err("VM '%s' did not answer '%s': %s; it may not have been done",
			       name, req, errno == ECONNRESET ? "the connection was reset by lkvm" :
			       strerror(errno));
		else
			pr_err("VM '%s' closed the connection without answering '%s'; it may not have been done",
			       name, req);
		status = LKVM_EXIT_ERROR;
	}
	close(fd);
	return status;
}
