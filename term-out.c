// SPDX-License-Identifier: GPL-2.0
/*
 * Guest console output (term.h): a bounded buffer between the device (on a
 * vCPU thread, under its lock) and stdout, written by a thread of its own.
 * A device never waits for the terminal: when stdout does not keep up (a
 * full pipe nobody reads, a terminal paused with Ctrl-S) the buffer fills
 * and further output is dropped and counted; lkvm says how much at exit.
 * A non-blocking stdout that is full (EAGAIN) is waited for, as a blocking
 * one would be: only what overflows the buffer meanwhile is dropped.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/seccomp.h"
#include "lkvm/term.h"
#include "lkvm/util.h"

#define TERM_OUT_SIZE	(64 * 1024)

static struct {
	pthread_mutex_t lock;
	pthread_cond_t more;		/* bytes to write, or quit */
	pthread_cond_t done;		/* the writer made progress */
	uint8_t buf[TERM_OUT_SIZE];
	size_t head, len;
	uint64_t dropped, written;
	bool started, failed, gone;
	int fd;				/* where it goes: stdout unless term_out_set_fd() */
} out = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.more = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
	.fd = STDOUT_FILENO,
};

/* EAGAIN on a non-blocking stdout means "not now": until it takes bytes again. */
static void term_out_wait(void)
{
	struct pollfd p = { .fd = out.fd, .events = POLLOUT };

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

static void *term_out_thread(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "lkvm-console");
	sc_enter(SC_CONSOLE);
	pthread_mutex_lock(&out.lock);
	for (;;) {
		size_t chunk;
		ssize_t w;

		while (!out.len)
			pthread_cond_wait(&out.more, &out.lock);
		chunk = MIN(out.len, TERM_OUT_SIZE - out.head);
		pthread_mutex_unlock(&out.lock);
		w = write(out.fd, out.buf + out.head, chunk);
		pthread_mutex_lock(&out.lock);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pthread_mutex_unlock(&out.lock);
			term_out_wait();
			pthread_mutex_lock(&out.lock);
			continue;
		}
		if (w <= 0) {
			/* stdout is gone: the guest runs on, its output is dropped. */
			out.gone = true;
			out.dropped += out.len;
			out.len = 0;
		} else {
			out.head = (out.head + (size_t)w) % TERM_OUT_SIZE;
			out.len -= (size_t)w;
			out.written += (size_t)w;
		}
		pthread_cond_broadcast(&out.done);
	}
	return NULL;
}

/* Under out.lock: the writer thread, with every signal blocked (lkvm's are for others). */
static void term_out_start_locked(void)
{
	sigset_t all, old;
	pthread_t t;

	if (out.started)
		return;
	out.started = true;
	sigfillset(&all);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGSYS);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&t, NULL, term_out_thread, NULL))
		out.failed = true;
	else
		pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void term_out_set_fd(int fd)
{
	pthread_mutex_lock(&out.lock);
	out.fd = fd;
	pthread_mutex_unlock(&out.lock);
}

void term_out_start(void)
{
	pthread_mutex_lock(&out.lock);
	term_out_start_locked();
	pthread_mutex_unlock(&out.lock);
}

void term_write(const uint8_t *buf, size_t n)
{
	size_t room, take, tail;

	if (!n)
		return;
	pthread_mutex_lock(&out.lock);
	term_out_start_locked();
	if (out.failed || out.gone) {
		out.dropped += n;
		pthread_mutex_unlock(&out.lock);
		return;
	}
	room = TERM_OUT_SIZE - out.len;
	take = MIN(n, room);
	tail = (out.head + out.len) % TERM_OUT_SIZE;
	for (size_t i = 0; i < take; ) {
		size_t k = MIN(take - i, TERM_OUT_SIZE - tail);

		memcpy(out.buf + tail, buf + i, k);
		tail = (tail + k) % TERM_OUT_SIZE;
		i += k;
	}
	out.len += take;
	out.dropped += n - take;
	if (take)
		pthread_cond_signal(&out.more);
	pthread_mutex_unlock(&out.lock);
}

uint64_t term_out_dropped(void)
{
	uint64_t d;

	pthread_mutex_lock(&out.lock);
	d = out.dropped;
	pthread_mutex_unlock(&out.lock);
	return d;
}

void term_out_flush(unsigned int stall_ms)
{
	struct timespec until;
	uint64_t dropped;

	pthread_mutex_lock(&out.lock);
	while (out.len && !out.gone && !out.failed) {
		uint64_t before = out.written;

		realtime_after_ms(&until, stall_ms);
		while (out.len && out.written == before &&
		       pthread_cond_timedwait(&out.done, &out.lock, &until) != ETIMEDOUT)
			;
		if (out.written == before) {
			/* No progress for stall_ms: what is left is dropped, not waited for. */
			out.dropped += out.len;
			break;
		}
	}
	dropped = out.dropped;
	out.dropped = 0;
	pthread_mutex_unlock(&out.lock);
	if (dropped)
		pr_warn("warning: %llu bytes of guest console output were dropped: stdout did not take them (a full pipe nobody read, or a paused terminal)",
			(unsigned long long)dropped);
}
