// SPDX-License-Identifier: GPL-2.0
/*
 * The control directory and the sockets in it, for both ends: where it is,
 * whether it is safe, a socket's address, who is on the other end, and a
 * bounded connect (ctl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "lkvm/ctl.h"
#include "lkvm/util.h"

/*
 * $XDG_RUNTIME_DIR, if it is what the XDG spec promises: an absolute path
 * to a directory of this user's that nobody else can write to (sudo keeps
 * the invoking user's, which is not root's to use).
 */
static const char *ctl_xdg(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (!x || x[0] != '/' || stat(x, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 022))
		return NULL;
	return x;
}

int ctl_dir_open(struct ctl_dir *d, bool create)
{
	const char *env = getenv("LKVM_DIR"), *home = getenv("HOME"), *xdg = ctl_xdg();
	int n, fd;

	d->fd = -1;
	memset(&d->st, 0, sizeof(d->st));
	if (env && *env)
		n = snprintf(d->path, sizeof(d->path), "%s", env);
	else if (xdg)
		n = snprintf(d->path, sizeof(d->path), "%s/lkvm", xdg);
	else if (home && *home)
		n = snprintf(d->path, sizeof(d->path), "%s/.lkvm", home);
	else
		n = snprintf(d->path, sizeof(d->path), "/tmp/lkvm-%u", (unsigned int)getuid());
	if (n < 0 || (size_t)n >= sizeof(d->path))
		return -ENAMETOOLONG;
	if (create && mkdir(d->path, 0700) < 0 && errno != EEXIST)
		return -errno;
	/* Not through a symbolic link: someone else's link would lead anywhere. */
	fd = open(d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (lstat(d->path, &d->st) == 0 && S_ISLNK(d->st.st_mode))
			return CTL_DIR_SYMLINK;
		return err == ENOTDIR ? CTL_DIR_NOTDIR : -err;
	}
	if (fstat(fd, &d->st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (d->st.st_uid != getuid() || (d->st.st_mode & 022)) {
		close(fd);
		return d->st.st_uid != getuid() ? CTL_DIR_FOREIGN : CTL_DIR_WRITABLE;
	}
	d->fd = fd;
	return 0;
}

void ctl_dir_error(const struct ctl_dir *d, int err)
{
	if (err == CTL_DIR_FOREIGN)
		pr_err("cannot use the control directory %s: it belongs to uid %u, not to you (uid %u); set LKVM_DIR to a directory of yours",
		       d->path, (unsigned int)d->st.st_uid, (unsigned int)getuid());
	else if (err == CTL_DIR_WRITABLE)
		pr_err("cannot use the control directory %s: others can write to it (mode %04o); chmod go-w %s",
		       d->path, (unsigned int)(d->st.st_mode & 07777), d->path);
	else if (err == CTL_DIR_NOTDIR)
		pr_err("cannot use the control directory %s: it is not a directory", d->path);
	else if (err == CTL_DIR_SYMLINK)
		pr_err("cannot use the control directory %s: it is a symbolic link, which lkvm does not follow there; set LKVM_DIR to the directory itself",
		       d->path);
	else if (err == CTL_DIR_TOOLONG)
		pr_err("cannot use the control directory %s: a socket path in it would be longer than a UNIX socket address holds (%zu bytes) and /proc is not there to shorten it; set LKVM_DIR to a shorter path",
		       d->path, sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1);
	else if (err == -ENAMETOOLONG)
		pr_err("cannot use the control directory %.64s...: its path is too long; set LKVM_DIR to a shorter one",
		       d->path);
	else
		pr_err("cannot use the control directory %s: %s", d->path, strerror(-err));
}

/*
 * The address of file in the open directory: through /proc/self/fd, so the
 * directory checked is the one bound in, whatever its path's length; else
 * by its path, if that fits.
 */
int ctl_addr(const struct ctl_dir *d, const char *file, struct sockaddr_un *sa)
{
	char proc[32];
	struct stat st;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", d->fd);
	if (stat(proc, &st) == 0 && st.st_dev == d->st.st_dev && st.st_ino == d->st.st_ino &&
	    (size_t)snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", proc, file) <
	    sizeof(sa->sun_path))
		return 0;
	if ((size_t)snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", d->path, file) >=
	    sizeof(sa->sun_path))
		return CTL_DIR_TOOLONG;
	return 0;
}

/* Only the VM's owner or root may talk to it; and only to such a VM. */
int ctl_peer_uid(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return -errno;
	*uid = cr.uid;
	return cr.uid == getuid() || cr.uid == 0 ? 0 : -EPERM;
}

/* Connect to file in d; the wait for a full backlog or a reply is bounded. */
int ctl_connect_in(const struct ctl_dir *d, const char *file)
{
	struct sockaddr_un sa;
	struct timeval tv = { .tv_sec = CTL_REPLY_WAIT_S };
	int fd, err = ctl_addr(d, file, &sa);
	uid_t uid;

	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
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
