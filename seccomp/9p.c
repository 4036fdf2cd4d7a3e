// SPDX-License-Identifier: GPL-2.0
/*
 * What a virtio-9p share's I/O thread may call beyond an I/O thread's
 * list (seccomp.h, seccomp/io.c): the *at() family and calls on open
 * files. No plain open, no path from the working directory or the root:
 * it opens only with openat2(), which hw/9p-path.c always asks for
 * RESOLVE_BENEATH the share's directory (seccomp cannot read openat2's
 * struct, so that rule is the code's, shown by tests/unit/test-9p-path.c).
 */
#include "lkvm/seccomp.h"

const struct sc_rule sc_9p_rules[] = {
	/* Names below the share */
	{ "openat2", SC_ANY },		/* every lookup, RESOLVE_BENEATH the share */
	{ "mkdirat", SC_ANY },
	{ "mknodat", SC_ANY },		/* FIFOs and sockets only (hw/9p-dir.c) */
	{ "symlinkat", SC_ANY },
	{ "linkat", SC_ANY },
	{ "unlinkat", SC_ANY },
	{ "renameat", SC_ANY },
	{ "renameat2", SC_ANY },	/* renameat, on arm64 */
	{ "readlinkat", SC_ANY },
	{ "newfstatat", SC_ANY },	/* fstat(), fstatat() */
	{ "fstat", SC_ANY },
	{ "fchownat", SC_ANY },
	{ "utimensat", SC_ANY },	/* and futimens() */

	/* Open files */
	{ "preadv", SC_ANY },		/* Tread, straight into the guest's pages */
	{ "close", SC_ANY },
	{ "fstatfs", SC_ANY },
	{ "lseek", SC_ANY },		/* Treaddir's offsets */
	{ "getdents64", SC_ANY },
	{ "ftruncate", SC_ANY },
	{ "fsync", SC_ANY },
	{ "fchmod", SC_ANY },
	{ "fchown", SC_ANY },
	{ "fcntl", SC_ANY },		/* open-file-description locks (Tlock, Tgetlock) */
	{ NULL },
};
