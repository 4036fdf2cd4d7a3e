// SPDX-License-Identifier: GPL-2.0
/*
 * Guarded access (guard.h): a per-thread stack of jump buffers that the
 * SIGBUS handler in ras.c leaves through, so a fault inside fn becomes an
 * error return. One handler serves all of it: nothing here installs one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stddef.h>

#include "lkvm/guard.h"

struct guard {
	sigjmp_buf jb;
	const char *who;
	struct guard *prev;
};

static __thread struct guard *tls_guard;

int guard_call(const char *who, int (*fn)(void *), void *arg)
{
	struct guard g = { .who = who, .prev = tls_guard };
	volatile int ret;
	int err;

	/* Saves the signal mask: leaving the handler by jump unblocks SIGBUS. */
	err = sigsetjmp(g.jb, 1);
	if (err == 0) {
		tls_guard = &g;
		ret = fn(arg);
	} else {
		ret = -err;
	}
	tls_guard = g.prev;
	return ret;
}

const char *guard_active(void)
{
	return tls_guard ? tls_guard->who : NULL;
}

void guard_escape(int err)
{
	siglongjmp(tls_guard->jb, err > 0 ? err : EIO);
}
