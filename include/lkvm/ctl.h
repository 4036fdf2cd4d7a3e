/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CTL_H
#define LKVM_CTL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Control socket: one UNIX socket per running VM, <dir>/<name>.ctl (mode
 * 0600), where <dir> is $LKVM_DIR, else ~/.lkvm, else /tmp/lkvm-<uid>. The
 * directory is shared with kvmtool, whose sockets are <name>.sock and speak
 * another protocol: the two never see each other's. Only the VM's owner or
 * root may connect (SO_PEERCRED, checked on both ends). The protocol is one
 * request line from the client, reply lines from the VM, then close. A reply
 * that starts with "error: " reports a failure.
 */
struct vm;

#define CTL_SUFFIX	".ctl"
/* How long a client waits for a VM's reply before it says so and exits 1. */
#define CTL_REPLY_WAIT_S	10

/* What can be wrong with the directory (beside -errno). */
#define CTL_DIR_NOTDIR		(-1001)
#define CTL_DIR_FOREIGN		(-1002)	/* another user's */
#define CTL_DIR_WRITABLE	(-1003)	/* others can write to it */

/* The directory, created (0700) if asked; returns 0, -errno or CTL_DIR_*. */
int ctl_dir(char *buf, size_t n, int create);
/* One line saying what is wrong with the directory and how to fix it. */
void ctl_dir_error(int err);
/* Set once `lkvm stop` (or Ctrl-A x) asked this process to end: no reboot. */
extern volatile int ctl_stop_requested;
/* Server side, on the main thread. Returns the listening fd, or -(exit status). */
int ctl_listen(const char *name, char *path, size_t n);
void ctl_serve_one(struct vm *vm, int listen_fd);
/* Client side: send req to VM name, copy the reply to stdout. */
int ctl_request(const char *name, const char *req);
/* Client side: does VM name answer (stale sockets of dead VMs do not)? */
bool ctl_running(const char *name);
/* Client side, quietly: the whole reply in buf; 0, or -errno (-EIO: an "error: " reply). */
int ctl_query(const char *name, const char *req, char *buf, size_t n);

#endif
