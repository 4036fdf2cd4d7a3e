/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TERM_H
#define LKVM_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The guest console is the user's terminal: guest output goes to stdout
 * unchanged, stdin goes to the guest. When stdin is a terminal it is put in
 * raw mode (restored at exit) and Ctrl-A x ends the VM, as in kvmtool.
 */
int term_init(void);		/* returns the input fd, or -1 for none */
void term_restore(void);
/*
 * Read console input from fd: bytes read, 0 for none now (EAGAIN on a
 * non-blocking stdin, EINTR), -1 when input has ended (EOF or an error).
 */
ssize_t term_read(int fd, uint8_t *buf, size_t n);
/* Filter input: returns bytes for the guest; *quit on Ctrl-A x. */
size_t term_filter(uint8_t *buf, size_t n, bool *quit);
/*
 * Guest output (term-out.c): never blocks the caller. It goes through a
 * 64 KiB buffer that a thread of its own writes to stdout; what does not
 * fit while stdout does not keep up is dropped and counted.
 */
void term_write(const uint8_t *buf, size_t n);
/*
 * Start that thread now (else the first output starts it): `lkvm run`
 * does, so it is the main thread that starts it, under its filter.
 */
void term_out_start(void);
/*
 * Send guest console output to fd instead of stdout (`lkvm sandbox`: the
 * kernel log is not CMD's output). Before the first output.
 */
void term_out_set_fd(int fd);
/*
 * At the VM's end: wait while the writer makes progress (giving up after
 * stall_ms without any), then say how many bytes were dropped, if any.
 */
void term_out_flush(unsigned int stall_ms);
uint64_t term_out_dropped(void);
/*
 * Where console input goes: the console device the user chose registers
 * itself as the sink when it is created (NULL: input is dropped).
 */
typedef void (*term_input_fn)(void *opaque, const uint8_t *buf, size_t n);
void term_set_input(term_input_fn fn, void *opaque);
/* Hand input bytes (after term_filter) to the sink. */
void term_input(const uint8_t *buf, size_t n);
/*
 * How many bytes the sink can take now (a UART: the free room in its
 * receive FIFO), set after term_set_input (which clears it). Without one,
 * no limit. A device that drops what it has no room for needs it: the
 * input loop then leaves a long line in the pipe and hands it over as the
 * guest reads, instead of overrunning the FIFO.
 */
typedef size_t (*term_room_fn)(void *opaque);
void term_set_room(term_room_fn fn);
size_t term_input_room(void);
/*
 * True while input must stay unread: the sink has no room and stdin is
 * not a terminal in raw mode (a terminal is always read, so that Ctrl-A x
 * works; what the full device cannot take is lost, as a real UART's
 * overrun would lose it).
 */
bool term_input_waits(void);
/*
 * One round of console input: read from fd no more than the sink has room
 * for (64 bytes at most), filter it and hand it over. Returns the bytes
 * handed over, 0 for none now (nothing to read, or no room yet: poll
 * again soon), -1 when input has ended; *quit on Ctrl-A x.
 */
ssize_t term_pump(int fd, bool *quit);
/*
 * A break condition on the console line, as a serial terminal sends it:
 * Linux takes the next character as a magic sysrq key. The sink's device
 * registers it; returns -ENODEV when the console has no line to break.
 */
typedef void (*term_break_fn)(void *opaque);
void term_set_break(term_break_fn fn);
int term_input_break(void);

#endif
