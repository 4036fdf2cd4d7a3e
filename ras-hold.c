// SPDX-License-Identifier: GPL-2.0
/* A vCPU's hold list and its retry timer (ras-hold.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "lkvm/ras-hold.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

bool ras_hold_add(struct vcpu *v, const struct ras_error *e, uint64_t now)
{
	struct ras_hold *h = &v->hold;

	if (h->nr >= RAS_HOLD_MAX)
		return false;
	h->e[h->nr] = *e;
	h->since_ns[h->nr] = now;
	h->nr++;
	ras_hold_arm(v);
	return true;
}

bool ras_hold_expired(const struct ras_hold *h, unsigned int i, uint64_t now)
{
	return now - h->since_ns[i] >= RAS_HOLD_MAX_NS;
}

void ras_hold_take(struct ras_hold *h, unsigned int i, uint64_t now, struct ras_error *e)
{
	*e = h->e[i];
	e->held_ns = now - h->since_ns[i];
	h->nr--;
	memmove(&h->e[i], &h->e[i + 1], (h->nr - i) * sizeof(h->e[0]));
	memmove(&h->since_ns[i], &h->since_ns[i + 1], (h->nr - i) * sizeof(h->since_ns[0]));
}

bool ras_hold_blocks_run(const struct ras_hold *h)
{
	for (unsigned int i = 0; i < h->nr; i++)
		if (h->e[i].once)
			return true;
	return false;
}

void ras_hold_arm(struct vcpu *v)
{
	struct ras_hold *h = &v->hold;
	struct itimerspec its = { .it_value.tv_nsec = (long)RAS_HOLD_RETRY_NS };

	if (!v->tid)
		return;		/* not a running vCPU thread (unit tests) */
	if (!h->timer_ok) {
		struct sigevent sev;
		timer_t t;

		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = LKVM_SIG_KICK;
		sev._sigev_un._tid = v->tid;
		if (timer_create(CLOCK_MONOTONIC, &sev, &t) < 0) {
			pr_err("vCPU %u: no retry timer for held memory errors: %s; they wait for the next exit",
			       v->id, strerror(errno));
			return;
		}
		h->timer = (void *)t;
		h->timer_ok = true;
	}
	timer_settime((timer_t)h->timer, 0, &its, NULL);
}

void ras_hold_wait(struct vcpu *v)
{
	struct timespec ts = { 0, (long)RAS_HOLD_RETRY_NS };

	(void)v;
	/* The retry kick, a stop or a pause (LKVM_SIG_KICK) ends it early: EINTR. */
	nanosleep(&ts, NULL);
}

void ras_hold_free(struct vcpu *v)
{
	if (v->hold.timer_ok)
		timer_delete((timer_t)v->hold.timer);
	v->hold.timer_ok = false;
}
