/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BUILTIN_H
#define LKVM_BUILTIN_H

#include <stdbool.h>
#include <stdint.h>

struct run_opts;

/* Subcommands: each returns the process exit status. */
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_sandbox(int argc, char **argv);

/* How run_session() runs the VM: `lkvm run`'s way, or the sandbox's. */
struct run_session {
	bool console_input;	/* stdin is the guest console's (term_init) */
	bool keep_reset;	/* a guest reset ends the run with LKVM_RESET, as is */
	uint64_t deadline_ns;	/* mono_ns() at which lkvm stops the VM (0: never) */
	bool timed_out;		/* out: the deadline stopped it */
};

/*
 * Run the VM of o (its shares opened) until it ends: the control socket,
 * the console, resets as o says. Returns the exit status (LKVM_EXIT_*, or
 * LKVM_RESET with keep_reset); dies of SIGTERM/SIGINT/SIGHUP after cleaning up.
 */
int run_session(struct run_opts *o, struct run_session *rs);

#endif
