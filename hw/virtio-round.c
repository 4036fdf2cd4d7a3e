// SPDX-License-Identifier: GPL-2.0
/* Bounded rounds, the stop flag and a bounded join for the device I/O threads (virtio-round.h). */
#include <string.h>
#include <time.h>

#include "hw/virtio-round.h"
#include "lkvm/util.h"

bool virtio_round_stopping(struct virtio_round *r)
{
	return __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
}

void virtio_round_stop(struct virtio_round *r)
{
	__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
}

void virtio_round_start(struct virtio_round *r)
{
	r->chains = 0;
	r->more = false;
}

bool virtio_round_left(struct virtio_round *r)
{
	if (virtio_round_stopping(r))
		return false;
	/* One chain a round whatever happens: a guest polling registers does not starve its device. */
	if (r->chains >= VIRTIO_ROUND_CHAINS ||
	    (r->chains && __atomic_load_n(&r->waiting, __ATOMIC_ACQUIRE))) {
		r->more = true;
		return false;
	}
	r->chains++;
	return true;
}

bool virtio_round_more(struct virtio_round *r)
{
	return r->more && !virtio_round_stopping(r);
}

void virtio_round_lock(struct virtio_round *r, pthread_mutex_t *lock)
{
	__atomic_add_fetch(&r->waiting, 1, __ATOMIC_ACQ_REL);
	pthread_mutex_lock(lock);
	__atomic_sub_fetch(&r->waiting, 1, __ATOMIC_ACQ_REL);
}

bool virtio_round_join(pthread_t thread, const char *name)
{
	struct timespec until;
	int err;

	realtime_after_ms(&until, VIRTIO_JOIN_WAIT_MS);
	err = pthread_timedjoin_np(thread, NULL, &until);
	if (err)
		pr_err("%s: its I/O thread did not stop within %d ms (%s); leaving it behind",
		       name, VIRTIO_JOIN_WAIT_MS, strerror(err));
	return !err;
}
