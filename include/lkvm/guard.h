/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GUARD_H
#define LKVM_GUARD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Guarded access: run code that touches memory which may raise SIGBUS
 * (guest RAM with a poisoned page; a mapped input file that shrank) so the
 * fault becomes an error return instead of the end of lkvm.
 *
 *   guard_call(who, fn, arg) returns fn(arg), or
 *     -EHWPOISON  a memory error hit guest RAM during fn (the one SIGBUS
 *                 handler in ras.c has recorded it for routing, naming who)
 *     -EIO        a plain bus error (a mapped file shrank under us)
 *
 * Guards nest per thread; any thread may use them. The SIGBUS handler asks
 * guard_active() and leaves through guard_escape(): only it may call that.
 */
int guard_call(const char *who, int (*fn)(void *), void *arg);
/* The innermost guard of this thread, or NULL: its name, for the record. */
const char *guard_active(void);
/* From the SIGBUS handler: abandon the guarded code, guard_call returns err. */
void guard_escape(int err) __attribute__((noreturn));

/*
 * A kernel loader's guard_call() result as an exit status, the reason
 * printed: 0; a file that shrank under the loader (-EIO) is usage (2); guest
 * RAM hit by a memory error (-EHWPOISON) or any other failure is 1.
 */
int guard_load_status(int err);

#endif
