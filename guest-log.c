// SPDX-License-Identifier: GPL-2.0
/* One rate limit for every line a guest can cause (guest-log.h): a token bucket. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "lkvm/guest-log.h"
#include "lkvm/util.h"

#define REFILL_NS	1000000000ULL	/* one more line per second */

static struct {
	pthread_mutex_t lock;
	uint64_t (*now)(void);
	uint64_t last_ns;		/* when tokens were last added */
	unsigned int tokens;
	bool started;
	uint64_t suppressed;
} gl = { .lock = PTHREAD_MUTEX_INITIALIZER, .now = mono_ns };

static bool guest_log_take(void)
{
	uint64_t now = gl.now();
	bool ok;

	if (!gl.started) {
		gl.started = true;
		gl.tokens = GUEST_LOG_BURST;
		gl.last_ns = now;
	}
	if (now - gl.last_ns >= REFILL_NS) {
		uint64_t add = (now - gl.last_ns) / REFILL_NS;

		gl.tokens = (unsigned int)MIN((uint64_t)GUEST_LOG_BURST, gl.tokens + add);
		gl.last_ns += add * REFILL_NS;
	}
	ok = gl.tokens > 0;
	if (ok)
		gl.tokens--;
	else
		__atomic_add_fetch(&gl.suppressed, 1, __ATOMIC_RELAXED);
	return ok;
}

bool pr_guest(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	bool ok;

	pthread_mutex_lock(&gl.lock);
	ok = guest_log_take();
	pthread_mutex_unlock(&gl.lock);
	if (!ok)
		return false;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pr_err("%s", line);
	return true;
}

uint64_t guest_log_suppressed(void)
{
	return __atomic_load_n(&gl.suppressed, __ATOMIC_RELAXED);
}

void guest_log_summary(void)
{
	uint64_t n = __atomic_exchange_n(&gl.suppressed, 0, __ATOMIC_RELAXED);

	if (n)
		pr_warn("warning: %llu more lines the guest caused were not shown (at most %d at once, then one a second)",
			(unsigned long long)n, GUEST_LOG_BURST);
}

void guest_log_set_clock(uint64_t (*now_ns)(void))
{
	pthread_mutex_lock(&gl.lock);
	gl.now = now_ns ? now_ns : mono_ns;
	gl.started = false;
	pthread_mutex_unlock(&gl.lock);
}
