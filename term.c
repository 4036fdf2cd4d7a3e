// SPDX-License-Identifier: GPL-2.0
/* The user's terminal as the guest console. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "lkvm/term.h"

static struct termios term_saved;
static bool term_raw;
static bool term_escape;
static term_input_fn term_sink;
static term_room_fn term_sink_room;
static term_break_fn term_sink_break;
static void *term_sink_opaque;

void term_set_break(term_break_fn fn)
{
	term_sink_break = fn;
}

int term_input_break(void)
{
	if (!term_sink_break)
		return -ENODEV;
	term_sink_break(term_sink_opaque);
	return 0;
}

void term_set_input(term_input_fn fn, void *opaque)
{
	term_sink = fn;
	term_sink_room = NULL;
	term_sink_opaque = opaque;
}

void term_set_room(term_room_fn fn)
{
	term_sink_room = fn;
}

size_t term_input_room(void)
{
	return term_sink && term_sink_room ? term_sink_room(term_sink_opaque) : SIZE_MAX;
}

bool term_input_waits(void)
{
	return !term_raw && !term_input_room();
}

void term_input(const uint8_t *buf, size_t n)
{
	if (term_sink && n)
		term_sink(term_sink_opaque, buf, n);
}

void term_restore(void)
{
	if (term_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &term_saved);
	term_raw = false;
}

int term_init(void)
{
	struct termios t;

	if (fcntl(STDIN_FILENO, F_GETFL) < 0)
		return -1;	/* no stdin at all */
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &term_saved) == 0) {
		t = term_saved;
		cfmakeraw(&t);
		t.c_oflag |= OPOST | ONLCR;	/* keep our own stderr lines readable */
		if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
			term_raw = true;
			atexit(term_restore);
		}
	}
	return STDIN_FILENO;
}

ssize_t term_read(int fd, uint8_t *buf, size_t n)
{
	ssize_t r = read(fd, buf, n);

	if (r > 0)
		return r;
	/* Not now (a non-blocking stdin someone else emptied first, a signal): poll again. */
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	return -1;
}

size_t term_filter(uint8_t *buf, size_t n, bool *quit)
{
	size_t i, out = 0;

	*quit = false;
	if (!term_raw)
		return n;
	for (i = 0; i < n; i++) {
		if (term_escape) {
			term_escape = false;
			if (buf[i] == 'x') {
				*quit = true;
				return out;
			}
			if (buf[i] != 0x01)
				buf[out++] = 0x01;
		} else if (buf[i] == 0x01) {
			term_escape = true;
			continue;
		}
		buf[out++] = buf[i];
	}
	return out;
}

ssize_t term_pump(int fd, bool *quit)
{
	uint8_t buf[64];
	size_t room = term_input_room(), k;
	ssize_t r;

	*quit = false;
	if (term_input_waits())
		return 0;
	/* A terminal with a full FIFO: still read, for Ctrl-A x; the device drops the rest. */
	r = term_read(fd, buf, room && room < sizeof(buf) ? room : sizeof(buf));
	if (r <= 0)
		return r;
	k = term_filter(buf, (size_t)r, quit);
	term_input(buf, k);
	return (ssize_t)k;
}
