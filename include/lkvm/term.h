/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TERM_H
#define LKVM_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The guest console is the user's terminal: guest output goes to stdout
 * unchanged, stdin goes to the guest. When stdin is a terminal it is put in
 * raw mode (restored at exit) and Ctrl-A x ends the VM, as in kvmtool.
 */
int term_init(void);		/* returns the input fd, or -1 for none */
void term_restore(void);
/* Filter input: returns bytes for the guest; *quit on Ctrl-A x. */
size_t term_filter(uint8_t *buf, size_t n, bool *quit);
void term_write(const uint8_t *buf, size_t n);

#endif
