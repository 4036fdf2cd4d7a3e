// SPDX-License-Identifier: GPL-2.0
/*
 * What the virtio-ports I/O thread may call beyond an I/O thread's list
 * (seccomp.h, seccomp/io.c): its ports' fds wait in one epoll set, which
 * it reads and trims. It reads and writes the fds it was given (read and
 * write are I/O calls already); it opens, closes and duplicates nothing.
 */
#include "lkvm/seccomp.h"

const struct sc_rule sc_ports_rules[] = {
	{ "epoll_wait", SC_ANY },	/* which fd woke the thread */
	{ "epoll_pwait", SC_ANY },	/* epoll_wait, on arm64 */
	{ "epoll_ctl", SC_ANY },	/* an fd in the set only while there is work for it */
	{ NULL },
};
