/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CTL_H
#define LKVM_CTL_H

#include <stddef.h>

/*
 * Control socket: one UNIX socket per running VM, <dir>/<name>.sock, where
 * <dir> is $LKVM_DIR, else ~/.lkvm, created 0700. The protocol is one
 * request line from the client, reply lines from the VM, then close. A reply
 * that starts with "error: " reports a failure.
 */
struct vm;

int ctl_dir(char *buf, size_t n, int create);
/* Set once `lkvm stop` (or Ctrl-A x) asked this process to end: no reboot. */
extern volatile int ctl_stop_requested;
/* Server side, on the main thread. Returns the listening fd, or -1. */
int ctl_listen(const char *name, char *path, size_t n);
void ctl_serve_one(struct vm *vm, int listen_fd);
/* Client side: send req to VM name, copy the reply to stdout. */
int ctl_request(const char *name, const char *req);

#endif
