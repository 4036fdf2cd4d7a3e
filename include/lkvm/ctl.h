/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CTL_H
#define LKVM_CTL_H

#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "lkvm/run-opts.h"

/*
 * Control socket: one UNIX socket per running VM, <dir>/<name>.ctl (mode
 * 0600), where <dir> is $LKVM_DIR, else $XDG_RUNTIME_DIR/lkvm, else
 * ~/.lkvm, else /tmp/lkvm-<uid>. The directory must be the user's own and
 * nobody else's to write; lkvm opens it without following a symbolic link
 * and works relative to that open directory. <dir>/<name>.lock, locked for
 * the VM's life, holds the name: a second VM of that name is refused. The
 * directory is shared with kvmtool, whose sockets are <name>.sock and speak
 * another protocol: the two never see each other's. Only the VM's owner or
 * root may connect (SO_PEERCRED, checked on both ends). The protocol is one
 * request line from the client (within CTL_REQUEST_WAIT_MS of connecting),
 * reply lines from the VM, then close. A reply that starts with "error: "
 * reports a failure.
 */
struct vm;

#define CTL_SUFFIX	".ctl"
#define CTL_LOCK_SUFFIX	".lock"
/* How long a client waits for a VM's reply before it says so and exits 1. */
#define CTL_REPLY_WAIT_S	10
/* A client's whole request line, and a reply's every send, get this long. */
#define CTL_REQUEST_WAIT_MS	2000
/* Requests read at once; a client beyond these is told to try again. */
#define CTL_MAX_CLIENTS	8

/* What can be wrong with the directory (beside -errno). */
#define CTL_DIR_NOTDIR		(-1001)
#define CTL_DIR_FOREIGN		(-1002)	/* another user's */
#define CTL_DIR_WRITABLE	(-1003)	/* others can write to it */
#define CTL_DIR_SYMLINK		(-1004)	/* a symbolic link: not followed */
#define CTL_DIR_TOOLONG		(-1005)	/* a socket path in it does not fit */
#define CTL_DIR_ERR(e)		((e) <= CTL_DIR_NOTDIR && (e) >= CTL_DIR_TOOLONG)

/* The control directory, open (fd) once ctl_dir_open returned 0. */
struct ctl_dir {
	int fd;
	struct stat st;
	char path[PATH_MAX];
};

/*
 * Find, create (0700) if asked, open and check the directory. Returns 0, or
 * -errno or CTL_DIR_* (d->path is set in every case, d->st where known).
 */
int ctl_dir_open(struct ctl_dir *d, bool create);
/* One line saying what is wrong with the directory and how to fix it. */
void ctl_dir_error(const struct ctl_dir *d, int err);
/*
 * Both ends (ctl-dir.c): the address of file in the open directory d
 * (through /proc/self/fd when it can; CTL_DIR_TOOLONG when it cannot fit);
 * the peer's uid, 0 when it is this user or root, else -EPERM; a connect to
 * file in d with CTL_REPLY_WAIT_S send and receive time-outs, returning the
 * fd, or -errno (-EXDEV: another user's socket) or CTL_DIR_TOOLONG.
 */
struct sockaddr_un;
int ctl_addr(const struct ctl_dir *d, const char *file, struct sockaddr_un *sa);
int ctl_peer_uid(int fd, uid_t *uid);
int ctl_connect_in(const struct ctl_dir *d, const char *file);

/* Set once `lkvm stop` (or Ctrl-A x) asked this process to end: no reboot. */
extern volatile int ctl_stop_requested;

/* Server side (ctl.c), on the main thread: a VM's socket, its name lock, its clients. */
struct ctl_client {
	int fd;			/* -1: free */
	size_t len;
	uint64_t deadline_ns;	/* the request line must be complete by then */
	bool dead;		/* a reply could not be sent in time: no more tries */
	char req[256];
};

struct ctl_server {
	int listen_fd, dir_fd, lock_fd;
	dev_t sock_dev;
	ino_t sock_ino;
	char sock[RUN_NAME_MAX + sizeof(CTL_SUFFIX)];
	char lock[RUN_NAME_MAX + sizeof(CTL_LOCK_SUFFIX)];
	char path[PATH_MAX + 80];	/* the socket, for messages */
	struct ctl_client c[CTL_MAX_CLIENTS];
};

/* Take the name and listen. Returns 0, or the exit status after one line. */
int ctl_listen(struct ctl_server *s, const char *name);
/* Remove the socket and the lock file (only ours), close everything. */
void ctl_close(struct ctl_server *s);
/*
 * The descriptors to poll (the socket, then each client) into pfd, which
 * has room for 1 + CTL_MAX_CLIENTS; returns how many, and in *timeout_ms
 * the time to the next client's deadline (-1: none).
 */
int ctl_pollfds(struct ctl_server *s, struct pollfd *pfd, int *timeout_ms);
/* After poll: read what clients sent, answer complete requests, drop late ones. */
void ctl_serve(struct ctl_server *s, struct vm *vm, const struct pollfd *pfd, int n);

/* Client side (ctl-client.c): send req to VM name, copy the reply to stdout. */
int ctl_request(const char *name, const char *req);
/* Client side: does VM name answer (stale sockets of dead VMs do not)? */
bool ctl_running(const char *name);
/* Client side, quietly: the whole reply in buf; 0, or -errno (-EIO: an "error: " reply). */
int ctl_query(const char *name, const char *req, char *buf, size_t n);

#endif
