/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_STATE_H
#define LKVM_RAS_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "lkvm/ras.h"

/* A VM's memory-error state, shared by ras.c, ras-route.c and ras-drill.c. */
struct ras_state {
	int log_fd;
	pthread_mutex_t lock;		/* poison set, event order, req producers */
	struct ras_poison_set poison;
	pthread_t ao_thread;
	pid_t ao_tid;
	bool ao_started;
	volatile int ao_quit;
	struct ras_queue ao_ring;	/* the early-kill thread's SIGBUS records */
	struct ras_queue ao_req;	/* simulated AOs it should raise (producers: lock) */
};

/* Report (once per count) records a full queue could not take. */
void ras_report_lost(struct ras_queue *q, const char *whose);

#endif
