// SPDX-License-Identifier: GPL-2.0
/*
 * Guarded access (guard.h): a per-thread stack of jump buffers that the
 * SIGBUS handler in ras.c leaves through, so a fault inside fn becomes an
 * error return. One handler serves all of it: nothing here installs one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stddef.h>
#include <string.h>

#include "lkvm/guard.h"
#include "lkvm/util.h"

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

	/*
	 * The signal mask is not saved: saving it is a system call on every
	 * guarded access (each descriptor and ring index a virtqueue reads).
	 * Nothing needs it back: the one SIGBUS handler runs with SA_NODEFER
	 * and an empty sa_mask (ras.c), so the mask it jumps out with is the
	 * guarded code's own.
	 */
	err = sigsetjmp(g.jb, 0);
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

int guard_load_status(int err)
{
	if (err == -EIO) {
		pr_err("the kernel or initrd file shrank or could not be read while lkvm loaded it (SIGBUS); try again with a file nobody is changing");
		return LKVM_EXIT_USAGE;
	}
	if (err == -EHWPOISON) {
		pr_err("guest RAM was hit by a host memory error while lkvm loaded the kernel; try again");
		return LKVM_EXIT_ERROR;
	}
	if (err) {
		pr_err("cannot load the kernel: %s", strerror(-err));
		return LKVM_EXIT_ERROR;
	}
	return 0;
}
