// SPDX-License-Identifier: GPL-2.0
/*
 * What the virtio-net I/O thread may call beyond an I/O thread's list
 * (seccomp.h, seccomp/io.c): its backend's fd (passt's socket or a TAP,
 * opened before any filter) waits in one epoll set, which it reads and
 * trims. It reads and writes that fd (I/O calls already); it opens,
 * connects, closes and duplicates nothing, and parses no TCP/IP.
 */
#include "lkvm/seccomp.h"

const struct sc_rule sc_net_rules[] = {
	{ "epoll_wait", SC_ANY },	/* what the fd is ready for (or that it hung up) */
	{ "epoll_pwait", SC_ANY },	/* epoll_wait, on arm64 */
	{ "epoll_ctl", SC_ANY },	/* reading only while a frame can go somewhere */
	{ NULL },
};
