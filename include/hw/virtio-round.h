/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_VIRTIO_ROUND_H
#define LKVM_HW_VIRTIO_ROUND_H

#include <pthread.h>
#include <stdbool.h>

/*
 * The device-thread rule (docs/threat-model.md), for every device's I/O
 * thread: bounded work per request (each device's own cap) and per round
 * (at most VIRTIO_ROUND_CHAINS chains, and only one more once a vCPU waits
 * for the device's lock), the stop flag checked between chains and
 * between the chunks of a long request, and a bounded join. A hostile
 * guest that keeps its queues full then delays a register access by one
 * request at most, and `lkvm stop` or SIGTERM by one chunk.
 */
#define VIRTIO_ROUND_CHAINS	64
#define VIRTIO_JOIN_WAIT_MS	1000

struct virtio_round {
	bool stop;		/* the VM is going away */
	unsigned int chains;	/* popped this round */
	bool more;		/* the round ended with work left */
	int waiting;		/* vCPUs waiting for the device's lock */
};

bool virtio_round_stopping(struct virtio_round *r);
void virtio_round_stop(struct virtio_round *r);
/* The I/O thread, lock taken: a new round. */
void virtio_round_start(struct virtio_round *r);
/* Before each chain: may this round take another? */
bool virtio_round_left(struct virtio_round *r);
/* Lock let go: true when the round left work behind (kick the thread again). */
bool virtio_round_more(struct virtio_round *r);
/* A vCPU takes the device's lock: counted, so the round ends for it. */
void virtio_round_lock(struct virtio_round *r, pthread_mutex_t *lock);
/* Join a stopping I/O thread, VIRTIO_JOIN_WAIT_MS at most; false (said) when it did not end. */
bool virtio_round_join(pthread_t thread, const char *name);

#endif
